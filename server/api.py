"""The JSON API beside the page: search, a passage in context, the good-practice records, a document's PDF.

Same shapes as `python -m search --json`, plus each hit's citation and url. Errors are {"error": "one sentence"}
with the status that says what went wrong: 400 a bad question or filter, 404 an unknown passage or document,
429 too many searches from one address, 503 the server is busy.
"""
from __future__ import annotations

import asyncio
import dataclasses
import typing

from fastapi import APIRouter, Path as PathParam, Query, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, create_model
from starlette.concurrency import run_in_threadpool

from ingest.practices import PracticeRecord
from search.passages import MAX_CONTEXT, UnknownPassage
from search.records import Hit
from search.filters import as_values as values
from search.scope import Scope
from search.sources import document_link
from search.searcher import SearchError
from server.index_view import IndexView
from ui.share import MAX_K

DEFAULT_K = 10


# -- what the routes give back (documented in /openapi.json; built from the records so they cannot drift) --------

def _model(name: str, record, **extra):
    hints = typing.get_type_hints(record)
    fields = {f.name: (hints[f.name], None) for f in dataclasses.fields(record)}
    return create_model(name, **fields, **extra)


HitOut = _model("Hit", Hit, citation=(str, ...), url=(str | None, None))
PracticeOut = _model("Practice", PracticeRecord, citation=(str, ...), score=(float | None, None))
ScopeOut = _model("Scope", Scope)


class SearchOut(BaseModel):
    query: str
    no_good_match: bool
    # why, when it is so: names no passage contains, countries the closest passages do not mention
    unknown_terms: list[str] = []
    unmentioned: list[str] = []
    scope: ScopeOut
    hits: list[HitOut]
    practices: list[PracticeOut]  # the good-practice records the hits' passages list


PassageOut = create_model("Passage", __base__=HitOut, before=(list[HitOut], []), after=(list[HitOut], []))


class PracticesOut(BaseModel):
    query: str | None
    practices: list[PracticeOut]


class ErrorOut(BaseModel):
    error: str


ERRORS = {400: {"model": ErrorOut, "description": "A question, filter or parameter that cannot be used"},
          429: {"model": ErrorOut, "description": "Too many searches from this address (see Retry-After)"},
          503: {"model": ErrorOut, "description": "Too many requests waiting; try again in a few seconds"}}


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def error_response(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


# -- helpers ------------------------------------------------------------------------------------------------------

class Gate:
    """At most `running` API searches at once and `waiting` more waiting for their turn; past that, 503."""

    def __init__(self, running: int, waiting: int):
        self._semaphore = asyncio.Semaphore(running)
        self._inside = 0  # running and waiting
        self._max_inside = running + waiting

    async def run(self, fn, *args, **kwargs):
        """Gives fn(*args, **kwargs), run in a worker thread when its turn comes; raises ApiError(503) when full."""
        if self._inside >= self._max_inside:
            raise ApiError(503, "The server is busy; try again in a few seconds.")
        self._inside += 1
        try:
            async with self._semaphore:
                return await run_in_threadpool(fn, *args, **kwargs)
        finally:
            self._inside -= 1


def hit_url(view: IndexView, hit: Hit, base: str) -> str | None:
    """Gives where to read the hit's document: its PDF served here at the page, else its source when a web address."""
    return document_link(hit, has_pdf=view.original_file(hit.doc_id) is not None, base=base)


def hit_out(view: IndexView, hit: Hit, base: str) -> dict:
    return {**hit.to_dict(), "citation": hit.citation(), "url": hit_url(view, hit, base)}


def practice_out(record: PracticeRecord, score: float | None = None) -> dict:
    from search.practices import PracticeMatch

    return {**record.to_dict(), "citation": PracticeMatch(record).citation(), "score": score}


# -- the routes -------------------------------------------------------------------------------------------------

def api_router(view: IndexView, *, concurrency: int = 4, waiting: int = 64) -> APIRouter:
    """Gives the API's routes over an IndexView (the live index generation)."""
    router = APIRouter(prefix="/api", tags=["search"])
    gate = Gate(concurrency, waiting)
    filter_help = "a value, repeated or comma-separated for any of several (IV,V); written as people type them"

    @router.get("/search", response_model=SearchOut, responses=ERRORS,
                summary="Passages that answer a question, with their citations")
    async def search(request: Request,
                     q: str = Query(..., description="the question, Spanish or English (at most 1,000 characters)"),
                     k: int = Query(DEFAULT_K, description=f"passages to give, 1 to {MAX_K}"),
                     plenary: list[str] | None = Query(None, description=f"plenary: 4, IV, iv; {filter_help}"),
                     year: list[str] | None = Query(None, description=f"year of the plenary; {filter_help}"),
                     session: list[str] | None = Query(None, description=f"session: 3, 'Sesión 3'; {filter_help}"),
                     country: list[str] | None = Query(None, description=f"country: Chile, chile, Panama; {filter_help}"),
                     doc_type: list[str] | None = Query(None, description=f"report, law, linked; {filter_help}"),
                     lang: list[str] | None = Query(None, description=f"the documents' language: es, en; {filter_help}")):
        if not 1 <= k <= MAX_K:
            raise ApiError(400, f"k must be between 1 and {MAX_K}, not {k}.")
        filters = {name: values(given) for name, given in (("plenary", plenary), ("year", year), ("session", session),
                                                            ("country", country), ("doc_type", doc_type),
                                                            ("language", lang))}
        results = await gate.run(view.searcher.search, q, k, **{n: v for n, v in filters.items() if v})
        base = str(request.base_url)
        return {"query": q, "no_good_match": bool(results.no_good_match), "unknown_terms": results.unknown_terms,
                "unmentioned": results.unmentioned, "scope": results.scope.to_dict(),
                "hits": [hit_out(view, hit, base) for hit in results],
                # a list question's answer (search.intent: the records of its scope closest to it), else the
                # records the hits' passages list
                "practices": ([practice_out(m.record, m.score) for m in results.practices] if results.practices
                              else [practice_out(record) for record in view.practices_in(results)])}

    @router.get("/passages/{chunk_id}", response_model=PassageOut,
                responses={**ERRORS, 404: {"model": ErrorOut, "description": "No passage has that id"}},
                summary="A passage with the passages before and after it in its document, and its citation")
    async def passage(request: Request,
                      chunk_id: str = PathParam(..., description="a hit's chunk_id: V-2024:0035"),
                      context: int = Query(1, description=f"passages on each side, 0 to {MAX_CONTEXT}")):
        try:
            found = view.passages().get(chunk_id, context=context)
        except UnknownPassage as exc:
            raise ApiError(404, str(exc)) from None
        base = str(request.base_url)
        return {**hit_out(view, found.passage, base), "before": [hit_out(view, h, base) for h in found.before],
                "after": [hit_out(view, h, base) for h in found.after]}

    @router.get("/practices", response_model=PracticesOut, responses=ERRORS,
                summary="The good practices, policies and tools countries shared; with q, the closest in meaning")
    async def practices(q: str | None = Query(None, description="words or a question; without it, every record "
                                                                 "that passes the filters, in report order"),
                        k: int | None = Query(None, description="records to give (with q: default 10)"),
                        country: list[str] | None = Query(None, description=f"country; {filter_help}"),
                        plenary: list[str] | None = Query(None, description=f"plenary; {filter_help}"),
                        session: list[str] | None = Query(None, description=f"session; {filter_help}"),
                        year: list[str] | None = Query(None, description=f"year; {filter_help}"),
                        organisation: list[str] | None = Query(None, description=f"OIM, IOM, ACNUR; {filter_help}")):
        if k is not None and k < 1:
            raise ApiError(400, f"k must be at least 1, not {k}.")
        filters = {name: values(given) for name, given in (("country", country), ("plenary", plenary),
                                                            ("session", session), ("year", year),
                                                            ("organisation", organisation))}
        finder = view.practice_finder()
        matches = await gate.run(finder.find, q or None, k=k, **{n: v for n, v in filters.items() if v})
        return {"query": q or None, "practices": [practice_out(m.record, m.score) for m in matches]}

    @router.get("/documents/{doc_id}/file", response_class=FileResponse, tags=["documents"],
                responses={404: {"model": ErrorOut, "description": "No original PDF for that document"},
                           200: {"content": {"application/pdf": {}}, "description": "The document's PDF"}},
                summary="A document's original PDF (a hit's url adds #page=N)")
    async def document_file(doc_id: str = PathParam(..., description="a hit's doc_id")):
        path = view.original_file(doc_id)
        if path is None:
            raise ApiError(404, f"No original PDF is served for the document {doc_id!r}.")
        return FileResponse(path, media_type="application/pdf", filename=path.name, content_disposition_type="inline")

    @router.api_route("/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    async def unknown(rest: str):
        raise ApiError(404, "There is no such API route; the routes are listed at /docs.")

    return router


def install_error_handlers(app) -> None:
    """Makes every API error one JSON sentence: the library's refusals, bad parameters, unknown routes."""
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException

    @app.exception_handler(ApiError)
    async def api_error(request, exc: ApiError):
        return error_response(exc.status, str(exc))

    @app.exception_handler(SearchError)
    async def search_error(request, exc: SearchError):
        return error_response(400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request, exc: RequestValidationError):
        return error_response(400, _validation_sentence(exc.errors()))

    @app.exception_handler(HTTPException)
    async def http_error(request, exc: HTTPException):
        message = {404: "There is nothing at this address.", 405: "This address does not take that method."}
        return error_response(exc.status_code, message.get(exc.status_code, str(exc.detail)))


def _validation_sentence(errors) -> str:
    """Gives one sentence for FastAPI's validation errors: the first parameter at fault and what it must be."""
    if not errors:
        return "The request's parameters cannot be read."
    first = errors[0]
    where = first.get("loc", ())
    name = where[-1] if where else "a parameter"
    if first.get("type") == "missing":
        hint = " (the question: /api/search?q=...)" if name == "q" else ""
        return f"The parameter {name} is missing{hint}."
    if "int" in first.get("type", ""):
        return f"The parameter {name} must be a whole number."
    return f"The parameter {name} cannot be used: {first.get('msg', 'invalid value')}."
