"""What every tab of the page shares: the searcher, the language switch, and the labels to redo on a switch."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ui.i18n import facet_label, facet_sort_key

# Searches run in the Gradio queue: at most this many at once, shared by every tab (the model is on CPU).
SEARCH_CONCURRENCY = 4
SEARCH_CONCURRENCY_ID = "search"


@dataclass
class PageContext:
    """Handed to each tab builder: it reads the searcher and registers its labels and load hooks here."""

    searcher: object  # search.searcher.Searcher
    lang: object  # the gr.Radio holding "es" or "en"
    relabels: list[tuple[object, Callable[[str], object]]] = field(default_factory=list)
    load_hooks: list[tuple[Callable, list, list]] = field(default_factory=list)

    def relabel(self, component, update: Callable[[str], object]) -> None:
        """Registers how a component is redrawn (a gr.update) when the interface language changes."""
        self.relabels.append((component, update))

    def on_load(self, fn: Callable, inputs: list, outputs: list) -> None:
        """Registers fn(lang, *inputs, request) to run once the page has loaded and its language is known."""
        self.load_hooks.append((fn, inputs, outputs))

    def facet_values(self, field_name: str) -> list[str]:
        """Gives the values of a filter in this index, in reading order (plenaries by number)."""
        return sorted(self.searcher.facet_values(field_name), key=lambda v: facet_sort_key(field_name, v))

    def facet_choices(self, field_name: str, lang: str) -> list[tuple[str, str]]:
        """Gives a filter's (label, value) choices, labels in the interface language."""
        return [(facet_label(field_name, v, lang), v) for v in self.facet_values(field_name)]
