"""python app.py: the delegates' web page, a thin Gradio layer over search.live.LiveSearcher.

Serves on 127.0.0.1:7860 ($GRADIO_SERVER_PORT respected). If the index ($PUENTE_INDEX, else var/index)
does not exist yet it is built from the corpus ($PUENTE_CORPUS, else corpus/) first, with progress in the
terminal; the model is loaded once per process. The searcher follows the index folder: a new generation
written by `python -m ingest` is served without a restart, and a banner says so when an older generation
is served because the live one cannot be opened.
The page speaks Spanish or English (a switch; the browser's language by default); queries may be in
either language. Report text is always escaped: nothing from a report is interpreted as HTML.

The tabs live in ui/ (one module each); a new tab is a builder function added to TABS. The Admin tab
(upload a report, re-index) exists only when $PUENTE_ADMIN_PASSWORD is set. The page is mounted beside the
JSON API and behind the request guards of server/ (uploads for a signed-in admin only, size caps, a rate
limit on searches, trusted hosts, security headers).
"""
from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

import gradio as gr

from ui.admin import AdminSettings
from ui.admin_tab import build_admin_tab
from ui.compare_tab import build_compare_tab
from ui.i18n import DEFAULT_LANGUAGE, choose_language, t
from ui.page import PageContext
from ui.practices_chart import CHART_CSS
from ui.practices_tab import build_practices_tab
from ui.render import CSS
from ui.search_tab import build_search_tab
from ui.page_script import APPLY_LANGUAGE_JS, GRADIO_TRANSLATIONS, PAGE_SETUP_JS

# Gradio rebuilds a pandas summary of up to 10,000 past events after every event, for a monitoring dashboard
# Puente does not enable: milliseconds of CPU per search on two cores, growing with uptime. Read when the
# page's queue is made (gr.Blocks), so set before build_ui; an explicit setting in the environment wins.
GRADIO_SETTINGS = {"GRADIO_ANALYTICS_CACHE_FREQUENCY": str(10**9), "GRADIO_ANALYTICS_MAX_EVENTS": "1000"}
QUEUE_SETTINGS = {"default_concurrency_limit": 4, "max_size": 64}
TABS = (build_search_tab, build_compare_tab, build_practices_tab, build_admin_tab)  # admin: only when configured
MAX_FILE_SIZE = "1mb"  # without the Admin tab the page takes no uploads; anything sent as a file is refused beyond this

# Tells a browser driver (tests, bench) that the page has loaded and applied any shared address.
_MARK_READY_JS = "() => { document.body.dataset.puenteReady = '1'; return []; }"
_SET_URL_LANGUAGE_JS = """
(lang) => {
  const url = new URL(window.location.href);
  url.searchParams.set("lang", lang);
  window.history.replaceState(null, "", url.toString());
  return [];
}
"""


def ensure_index(index_dir: Path, corpus_dir: Path):
    """Builds the index from the corpus when none exists yet, with progress in the terminal.

    Returns the embedder the build loaded (to search with, so the model loads once), or None.
    """
    from index.embedder import load_embedder
    from index.pipeline import build_from_paths
    from index.store import CURRENT_FILE

    if (Path(index_dir) / CURRENT_FILE).exists():
        return None
    print(f"No index at {index_dir} yet: building it from {corpus_dir} ...", flush=True)
    embedder = load_embedder()
    summary = build_from_paths([corpus_dir], index_dir, embedder=embedder, progress=True)
    print(summary.summary(), flush=True)
    return embedder


def build_ui(searcher, admin: AdminSettings | None = None, corpus_dir: Path | None = None):
    """Gives the Gradio Blocks page over a searcher: header, language switch, help, then the tabs.

    searcher is a search.live.LiveSearcher (a fixed Searcher works too, without the older-index banner);
    admin, when given, adds the Admin tab; corpus_dir is the folder whose original PDFs the site serves
    (result cards link to them), None when none are served.
    """
    lang0 = DEFAULT_LANGUAGE
    # uploads and exports live in the Gradio cache: files older than a day go, checked hourly
    with gr.Blocks(title="Puente", delete_cache=(3600, 86400)) as demo:
        banner = gr.HTML(visible=False, elem_id="pc-banner")
        with gr.Row(equal_height=False, elem_id="pc-header"):
            header = gr.Markdown(_header(lang0), elem_id="pc-title")
            lang = gr.Radio([("Español", "es"), ("English", "en")], value=lang0, scale=0, min_width=250,
                            label=t("interface_language", lang0), elem_id="pc-lang")
        with gr.Accordion(t("help_title", lang0), open=False, elem_id="pc-help") as help_box:
            help_text = gr.Markdown(t("help", lang0))
        browser_language = gr.Textbox(visible=False)

        page = PageContext(searcher=searcher, lang=lang, admin=admin, banner=banner, corpus_dir=corpus_dir)
        page.relabel(header, lambda lg: gr.update(value=_header(lg)))
        page.relabel(lang, lambda lg: gr.update(label=t("interface_language", lg)))
        page.relabel(help_box, lambda lg: gr.update(label=t("help_title", lg)))
        page.relabel(help_text, lambda lg: gr.update(value=t("help", lg)))
        # wrap: on a phone every tab stays in sight with its name, none hides behind an unlabelled menu
        with gr.Tabs(elem_id="pc-tabs", overflow_behavior="wrap") as page.tabs:
            for build_tab in TABS:
                build_tab(page)

        components = [component for component, _ in page.relabels]
        updates = [update for _, update in page.relabels]
        lang.change(lambda lg: [update(lg) for update in updates], [lang], components,
                    queue=False, api_visibility="private")
        lang.change(None, [lang], None, js=APPLY_LANGUAGE_JS)  # <html lang>, and Gradio's own words
        lang.input(None, [lang], None, js=_SET_URL_LANGUAGE_JS)

        def pick_language(browser_lang: str, request: gr.Request) -> str:
            """Gives the interface language: ?lang= in the address, else the browser's language."""
            params = request.query_params if request else {}
            headers = request.headers if request else {}
            return choose_language(params.get("lang"), browser_lang, headers.get("accept-language"))

        loaded = demo.load(pick_language, [browser_language], [lang], js=PAGE_SETUP_JS,
                           queue=False, api_visibility="private")
        loaded = loaded.then(None, [lang], None, js=APPLY_LANGUAGE_JS)  # also when the language did not change
        lang.change(page.banner_update, [lang], [banner], queue=False, api_visibility="private")
        for fn, inputs, outputs, js in page.load_hooks:
            loaded = loaded.then(fn, [lang, *inputs], outputs, js=js, api_visibility="private")
        loaded = page.refresh_banner(loaded)
        loaded.then(None, None, None, js=_MARK_READY_JS)
    return demo


def theme():
    """Gives the page's theme: sober blue, and system fonts, so that nothing is fetched from font hosts."""
    fonts = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
    return gr.themes.Default(primary_hue="blue", neutral_hue="slate", font=fonts,
                             font_mono=["ui-monospace", "Consolas", "monospace"]).set(
        # blue-600 under white text: a contrast of 5:1 (blue-500, the default, is below 4.5:1)
        button_primary_background_fill="*primary_600", button_primary_background_fill_hover="*primary_700",
        # secondary text (citation lines, counts, hints) in slate-600 on white: 7.6:1 (slate-400 gave 2.6:1)
        body_text_color_subdued="*neutral_600")


def _header(lang: str) -> str:
    return f"# {t('title', lang)}\n{t('subtitle', lang)}"


def main() -> int:
    from index.paths import default_corpus_dir, default_index_dir
    from index.pipeline import PuenteError
    from search.live import LiveSearcher
    from server.admin_gate import AdminGate
    from server.settings import ServerSettings, SettingsError
    from server.site import build_site, configure_logging, serve
    from server.temp import TempFolderBusy, prepare_temp_folder
    from ui.page import SEARCH_CONCURRENCY_ID

    configure_logging()
    index_dir, corpus_dir = default_index_dir(), default_corpus_dir()
    port = int(os.environ.get("GRADIO_SERVER_PORT", "7860"))
    try:
        settings = ServerSettings.from_environment()
        prepare_temp_folder(port)  # before the page is built: Gradio's cache and the exports go there
        embedder = ensure_index(index_dir, corpus_dir)
        print(f"Loading the index at {index_dir} and its model ...", flush=True)
        searcher = LiveSearcher(index_dir, embedder=embedder)
    except (SettingsError, TempFolderBusy, *PuenteError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    admin = AdminSettings.from_environment(corpus_dir)
    gate = AdminGate(admin.password if admin else None, failures=settings.admin_failures,
                     lockout_seconds=settings.admin_lockout_seconds, session_seconds=settings.admin_session_seconds)
    if admin:
        admin = replace(admin, signed_in=gate.is_admin_cookie)
        print(f"Admin tab on: uploads go into {corpus_dir}.", flush=True)
        if len(admin.password) < 12:
            print("warning: PUENTE_ADMIN_PASSWORD is shorter than 12 characters; choose a longer one.",
                  file=sys.stderr, flush=True)
    configure_gradio()
    demo = build_ui(searcher, admin, corpus_dir)
    # A bounded queue: past 64 waiting requests a client is told the page is busy instead of waiting forever.
    demo.queue(**QUEUE_SETTINGS)
    # The page and the JSON API (server/) on one server, behind the same guards.
    site = build_site(demo, searcher, corpus_dir=corpus_dir, gate=gate, settings=settings,
                      max_upload_mb=admin.max_upload_mb if admin else 0, concurrency_id=SEARCH_CONCURRENCY_ID,
                      css=CSS + CHART_CSS, theme=theme(), max_file_size=f"{admin.max_upload_mb}mb" if admin else MAX_FILE_SIZE,
                      footer_links=["api"], show_error=False,
                      i18n=gr.I18n(**GRADIO_TRANSLATIONS))
    print(f"Serving on http://127.0.0.1:{port} (the JSON API's description: /docs)", flush=True)
    serve(site, "127.0.0.1", port)
    return 0


def configure_gradio() -> None:
    """Sets Gradio's environment defaults (GRADIO_SETTINGS) before a page is built."""
    for name, value in GRADIO_SETTINGS.items():
        os.environ.setdefault(name, value)


if __name__ == "__main__":
    sys.exit(main())
