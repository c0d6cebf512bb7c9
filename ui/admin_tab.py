"""The Admin tab, for maintainers: sign in, upload a report with its metadata, save it into the corpus, re-index.

The tab exists only when $PUENTE_ADMIN_PASSWORD is set (PageContext.admin). Signing in posts the password to
the server's /api/admin/session (server/admin_routes.py: outside the search queue, failures logged and locked
out), which answers with a session cookie; the upload route and the event below accept only a request that
carries it, so calling the event outside the page (it is also hidden from the API) gets nothing without it.
One upload runs at a time.
"""
from __future__ import annotations

import time
import json
from html import escape
from pathlib import Path

import gradio as gr

from ui.admin import ALLOWED_SUFFIXES, DOC_LANGUAGES, DOC_TYPES, UploadError, add_to_corpus, remove_from_corpus
from ui.i18n import DEFAULT_LANGUAGE, t
from ui.page import PageContext
from ui.render import message_html

ADMIN_CONCURRENCY_ID = "admin"
LIVE_WAIT_SECONDS = 10.0  # how long to wait for the searcher to serve the new generation
SESSION_URL = "/api/admin/session"
_SIGN_IN_TEXTS = ("admin_signed_in", "admin_bad_password", "admin_locked", "admin_sign_in_failed")
# Runs in the browser: posts the password (never through Gradio's queue) and shows the outcome; the server sets
# the session cookie, which the upload and the event then carry.
_SIGN_IN_JS = """
async (password, lang) => {
  const texts = %s[lang] || %s["es"];
  const show = (kind, text) => {
    const node = document.createElement("div");
    node.className = "pc-admin-session";
    node.dataset.kind = kind;
    node.setAttribute("role", kind === "done" ? "status" : "alert");
    node.textContent = text;
    return node.outerHTML;
  };
  try {
    const response = await fetch("%s", {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify({password: password || ""})});
    const answer = await response.json().catch(() => ({}));
    if (response.ok) return show("done", texts.admin_signed_in);
    if (response.status === 401) return show("error", texts.admin_bad_password);
    if (response.status === 429) return show("error", texts.admin_locked);
    return show("error", texts.admin_sign_in_failed.replace("{reason}", answer.error || response.status));
  } catch (error) {
    return show("error", texts.admin_sign_in_failed.replace("{reason}", String(error)));
  }
}
"""


def sign_in_js() -> str:
    """Gives the sign-in script with its messages in both languages."""
    texts = json.dumps({lang: {key: t(key, lang) for key in _SIGN_IN_TEXTS} for lang in ("es", "en")},
                       ensure_ascii=False)
    return _SIGN_IN_JS % (texts, texts, SESSION_URL)


def result_html(message: str, *, kind: str, summary: str = "") -> str:
    """Gives the outcome of an upload: a notice, and the ingest's summary as preformatted (escaped) text."""
    details = f'<pre class="pc-summary">{escape(summary)}</pre>' if summary else ""
    return f'<div class="pc-admin-result" data-kind="{escape(kind)}">{message_html(message, kind=kind)}{details}</div>'


def wait_until_served(page: PageContext, generation: Path, timeout: float = LIVE_WAIT_SECONDS) -> bool:
    """Gives True once the page's searcher serves the given generation (a LiveSearcher checks every few s)."""
    deadline = time.monotonic() + timeout
    while True:
        if Path(page.live_searcher().data.path) == Path(generation):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.25)


def build_admin_tab(page: PageContext) -> None:
    """Builds the Admin tab inside the current gr.Tabs when an admin password is configured; else nothing."""
    settings = page.admin
    if settings is None:
        return
    lang0 = DEFAULT_LANGUAGE
    with gr.Tab(t("tab_admin", lang0), id="admin", elem_id="tab-admin") as tab:
        intro = gr.Markdown(t("admin_help", lang0))
        with gr.Row(equal_height=True):
            password = gr.Textbox(label=t("admin_password", lang0), type="password", max_lines=1, scale=3,
                                  elem_id="admin-password")
            sign_in = gr.Button(t("admin_sign_in", lang0), scale=1, min_width=120, elem_id="admin-sign-in")
        session = gr.HTML(elem_id="admin-session")
        upload = gr.File(label=t("admin_file", lang0, mb=settings.max_upload_mb), file_count="single",
                         file_types=list(ALLOWED_SUFFIXES), type="filepath", elem_id="admin-file")
        with gr.Row():
            title = gr.Textbox(label=t("admin_title", lang0), scale=3, elem_id="admin-title")
            plenary = gr.Textbox(label=t("admin_plenary", lang0), scale=1, min_width=140, elem_id="admin-plenary")
            # a Textbox, not a Number: a Number shows 0 when left empty, and the year is optional
            year = gr.Textbox(label=t("admin_year", lang0), placeholder="2025", max_lines=1, scale=1, min_width=100,
                              elem_id="admin-year")
        with gr.Row():
            city = gr.Textbox(label=t("admin_city", lang0), elem_id="admin-city")
            dates = gr.Textbox(label=t("admin_dates", lang0), placeholder="2025-10-09/2025-10-10",
                               elem_id="admin-dates")
            language = gr.Dropdown([(t(f"lang_{v}", lang0), v) for v in DOC_LANGUAGES], value="es",
                                   label=t("admin_language", lang0), elem_id="admin-language")
            doc_type = gr.Radio([(t(f"doc_{v}", lang0), v) for v in DOC_TYPES], value="report",
                                label=t("admin_doc_type", lang0), elem_id="admin-doc-type")
        source = gr.Textbox(label=t("admin_source", lang0), elem_id="admin-source")
        button = gr.Button(t("admin_button", lang0), variant="primary", elem_id="admin-button")
        result = gr.HTML(elem_id="admin-result")

    page.relabel(tab, lambda lang: gr.update(label=t("tab_admin", lang)))
    page.relabel(intro, lambda lang: gr.update(value=t("admin_help", lang)))
    page.relabel(password, lambda lang: gr.update(label=t("admin_password", lang)))
    page.relabel(sign_in, lambda lang: gr.update(value=t("admin_sign_in", lang)))
    page.relabel(upload, lambda lang: gr.update(label=t("admin_file", lang, mb=settings.max_upload_mb)))
    for component, key in ((title, "admin_title"), (plenary, "admin_plenary"), (year, "admin_year"),
                           (city, "admin_city"), (dates, "admin_dates"), (source, "admin_source")):
        page.relabel(component, lambda lang, key=key: gr.update(label=t(key, lang)))
    page.relabel(language, lambda lang: gr.update(label=t("admin_language", lang),
                                                  choices=[(t(f"lang_{v}", lang), v) for v in DOC_LANGUAGES]))
    page.relabel(doc_type, lambda lang: gr.update(label=t("admin_doc_type", lang),
                                                  choices=[(t(f"doc_{v}", lang), v) for v in DOC_TYPES]))
    page.relabel(button, lambda lang: gr.update(value=t("admin_button", lang)))

    def add_and_index(file_path, title_, plenary_, year_, city_, dates_, language_, doc_type_, source_, lang,
                      request: gr.Request, progress=gr.Progress(track_tqdm=True)):
        """Gives the outcome of an upload: saved into the corpus, re-indexed, and served; or why not."""
        cookie = request.headers.get("cookie") if request else None
        if settings.signed_in is None or not settings.signed_in(cookie):
            return result_html(t("admin_not_signed_in", lang), kind="error")
        from index.pipeline import PuenteError, build_from_paths

        progress(0.05, desc=t("admin_saving", lang))
        if not file_path:
            return result_html(t("admin_failed", lang, reason=t("upload_missing", lang)), kind="error")
        metadata = dict(title=title_, plenary=plenary_, year=year_, city=city_, dates=dates_,
                        language=language_, doc_type=doc_type_, source=source_)
        try:
            added = add_to_corpus(settings.corpus_dir, Path(file_path), Path(file_path).name, metadata,
                                  max_mb=settings.max_upload_mb)
        except UploadError as exc:
            return result_html(t("admin_failed", lang, reason=t(exc.key, lang, **exc.values)), kind="error")
        progress(0.15, desc=t("admin_indexing", lang))
        live = page.live_searcher()
        try:
            summary = build_from_paths([settings.corpus_dir], page.searcher.index_dir, embedder=live.embedder,
                                       progress=True)
        except PuenteError as exc:
            return result_html(t("admin_index_failed", lang, reason=str(exc)), kind="error")
        failure = next((reason for name, reason in summary.failures if name == added.path.name), None)
        if failure or added.doc_id not in summary.documents:
            remove_from_corpus(settings.corpus_dir, added)
            return result_html(t("admin_not_indexed", lang, reason=failure or added.doc_id), kind="error",
                               summary=summary.summary())
        progress(0.95, desc=t("admin_waiting", lang))
        if not wait_until_served(page, summary.generation):
            reason = getattr(page.searcher, "notice", None) or summary.generation.name
            return result_html(t("admin_not_live", lang, title=added.entry["title"], reason=reason), kind="error",
                               summary=summary.summary())
        message = t("admin_done", lang, title=added.entry["title"], path=added.path.name)
        return result_html(message, kind="done", summary=summary.summary())

    sign_in.click(None, [password, page.lang], [session], js=sign_in_js())
    password.submit(None, [password, page.lang], [session], js=sign_in_js())
    done = button.click(add_and_index, [upload, title, plenary, year, city, dates, language, doc_type,
                                        source, page.lang], [result],
                        concurrency_limit=1, concurrency_id=ADMIN_CONCURRENCY_ID, api_visibility="private",
                        show_progress="full")
    page.refresh_banner(done)
