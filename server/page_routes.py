"""The page's own views of one passage (ui/context.py), as HTML fragments its script shows in a dialog:
GET /page/passage?id=V-2024:0035&lang=es&show=context|cite. Not part of the JSON API (left out of /openapi.json);
the same passages (search.passages) and the same document files (IndexView.original_file) as the API's."""
from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from search.passages import UnknownPassage
from server.index_view import IndexView
from ui.context import CONTEXT_PASSAGES, cite_html, context_html
from ui.documents import document_language
from ui.i18n import normalise_language, t
from ui.render import message_html


def page_router(view: IndexView) -> APIRouter:
    """Gives the route of the page's passage views over an IndexView (the live index generation)."""
    router = APIRouter(include_in_schema=False)

    @router.get("/page/passage", response_class=HTMLResponse)
    def passage_view(id: str = Query(""), lang: str = Query("es"), show: str = Query("context")):  # noqa: A002
        lang = normalise_language(lang)
        try:
            found = view.passages().get(id, context=CONTEXT_PASSAGES)
        except UnknownPassage:
            return HTMLResponse(message_html(t("passage_missing", lang)), status_code=404)
        doc_lang = document_language(view.live().data.documents, found.passage.doc_id)
        if show == "cite":
            return HTMLResponse(cite_html(found.passage, lang, doc_lang=doc_lang))
        has_pdf = view.original_file(found.passage.doc_id) is not None
        return HTMLResponse(context_html(found, lang, doc_lang=doc_lang, has_pdf=has_pdf))

    return router
