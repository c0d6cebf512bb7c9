"""What every tab of the page shares: the searcher, the language switch, and the labels to redo on a switch."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from html import escape
from typing import Callable

from ui.i18n import facet_label, facet_sort_key, t

# Searches run in the Gradio queue: at most this many at once, shared by every tab (the model is on CPU).
SEARCH_CONCURRENCY = 4
SEARCH_CONCURRENCY_ID = "search"


@dataclass
class PageContext:
    """Handed to each tab builder: it reads the searcher and registers its labels and load hooks here."""

    searcher: object  # search.live.LiveSearcher (or a fixed search.searcher.Searcher)
    lang: object  # the gr.Radio holding "es" or "en"
    admin: object = None  # ui.admin.AdminSettings when an admin password is configured, else None
    banner: object = None  # the gr.HTML that says when an older index generation is being served
    tabs: object = None  # the gr.Tabs: a shared address may select one (ids "search", "compare", "practices")
    corpus_dir: Path | None = None  # the corpus folder the app serves original PDFs from (None: none served)
    relabels: list[tuple[object, Callable[[str], object]]] = field(default_factory=list)
    load_hooks: list[tuple[Callable | None, list, list, str | None]] = field(default_factory=list)
    _finder: tuple = field(default=(None, None), repr=False)  # (IndexData it was built from, PracticeFinder)
    _finder_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def relabel(self, component, update: Callable[[str], object]) -> None:
        """Registers how a component is redrawn (a gr.update) when the interface language changes."""
        self.relabels.append((component, update))

    def on_load(self, fn: Callable | None, inputs: list, outputs: list, js: str | None = None) -> None:
        """Registers fn(lang, *inputs, request) to run once the page has loaded and its language is known (and
        js, browser code run with the same arguments before it; fn may be None for js alone)."""
        self.load_hooks.append((fn, inputs, outputs, js))

    def facet_values(self, field_name: str) -> list[str]:
        """Gives the values of a filter in this index, in reading order (plenaries by number)."""
        return sorted(self.searcher.facet_values(field_name), key=lambda v: facet_sort_key(field_name, v))

    def facet_choices(self, field_name: str, lang: str) -> list[tuple[str, str]]:
        """Gives a filter's (label, value) choices, labels in the interface language."""
        return [(facet_label(field_name, v, lang), v) for v in self.facet_values(field_name)]

    def live_searcher(self):
        """Gives the Searcher of the generation being served now (a LiveSearcher looks for a new one first)."""
        current = getattr(type(self.searcher), "current", None)
        return current(self.searcher) if current else self.searcher

    def practice_finder(self):
        """Gives a PracticeFinder over the same generation the searcher serves, rebuilt when that changes."""
        from search.practices import PracticeFinder

        searcher = self.live_searcher()
        with self._finder_lock:
            data, finder = self._finder
            if data is not searcher.data:
                finder = PracticeFinder.from_data(searcher.data, searcher.embedder)
                self._finder = (searcher.data, finder)
            return finder

    def notice_html(self, lang: str) -> str:
        """Gives the banner saying that an older index generation is served (empty when all is well)."""
        notice = getattr(self.searcher, "notice", None)  # a fixed Searcher has none
        if not notice:
            return ""
        return (f'<div class="pc-banner" role="status">{escape(t("older_index", lang))} '
                f'<details><summary>{escape(t("details", lang))}</summary>{escape(notice)}</details></div>')

    def banner_update(self, lang: str):
        """Gives the banner's gr.update: shown with the notice, hidden when there is none."""
        import gradio as gr

        html = self.notice_html(lang)
        return gr.update(value=html, visible=bool(html))

    def refresh_banner(self, dependency):
        """Chains a banner refresh after an event (a search may have switched generations)."""
        if self.banner is None:
            return dependency
        return dependency.then(self.banner_update, [self.lang], [self.banner], queue=False,
                               api_visibility="private")
