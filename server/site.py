"""The whole site on one server: the JSON API (/api, /docs, /openapi.json) and the Gradio page (/), behind the
guards of server.guards, served by uvicorn on loopback."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

from server.admin_gate import AdminGate
from server.admin_routes import admin_router
from server.api import api_router, install_error_handlers
from server.guards import Guards, SearchEvents
from server.index_view import IndexView
from server.page_routes import page_router
from server.ratelimit import RateLimiter
from server.settings import ServerSettings

MULTIPART_ALLOWANCE = 64 * 1024  # an upload's form fields and part headers, beside the file itself
API_DESCRIPTION = """Search the CRM-CSM plenary reports and the documents added to Puente, in Spanish or English.

Every answer is JSON; an error is `{"error": "one sentence"}` with its status (400 a bad question or filter,
404 an unknown passage or document, 429 too many searches from one address, 503 the server is busy).
Filters take what people type: `plenary=4`, `IV` or `iv`; `country=Chile` or `chile`; a value repeated or
separated by commas for any of several."""


def search_events(demo, concurrency_id: str) -> SearchEvents:
    """Gives the page's events that run searches (those sharing the search concurrency group)."""
    fns = [(i, fn) for i, fn in demo.fns.items() if fn.concurrency_id == concurrency_id]
    return SearchEvents(frozenset(i for i, _ in fns), frozenset(fn.api_name for _, fn in fns if fn.api_name))


def build_site(demo, searcher, *, corpus_dir: Path, gate: AdminGate, settings: ServerSettings,
               max_upload_mb: int, concurrency_id: str, **gradio_options):
    """Gives the FastAPI application serving the API and the page (gradio_options go to gr.mount_gradio_app)."""
    import gradio as gr
    from fastapi_offline import FastAPIOffline

    from server import quiet_errors

    quiet_errors.install()

    site = FastAPIOffline(title="Puente", description=API_DESCRIPTION, version="1", docs_url="/docs",
                          redoc_url=None, static_url="/api/docs-assets",
                          swagger_ui_parameters={"validatorUrl": None})  # no badge fetched from elsewhere
    install_error_handlers(site)
    view = IndexView(searcher, corpus_dir)
    site.include_router(admin_router(gate))  # before the API's catch-all for unknown /api routes
    site.include_router(api_router(view, concurrency=settings.api_concurrency, waiting=settings.api_waiting))
    site.include_router(page_router(view))  # the page's dialog views of a passage (HTML, not in the API)
    gr.mount_gradio_app(site, demo, path="/", **gradio_options)
    events = search_events(demo, concurrency_id)
    limiter = RateLimiter(settings.searches_per_minute, settings.search_burst)
    site.add_middleware(Guards, settings=settings, gate=gate, limiter=limiter,
                        max_upload_bytes=max_upload_mb * 1024 * 1024 + MULTIPART_ALLOWANCE, search_events=events)
    return site


def configure_logging() -> None:
    """Sends Puente's log lines (admin sign-ins, refused requests, index switches) to stderr with their time."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("puente", "search"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)
        logger.propagate = False


def serve(site, host: str, port: int) -> None:
    """Runs the site with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(site, host=host, port=port, log_level="warning", server_header=False)
