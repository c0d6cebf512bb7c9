"""The Practices tab: the good practices the reports list, as a sortable table filtered by country, plenary and
session, or ranked by meaning against a topic; CSV/JSON export.

The records come from a search.practices.PracticeFinder over the generation the page's searcher serves
(PageContext.practice_finder), so a re-index shows up here too. The table holds plain text cells: a
record's name is never read as HTML or Markdown.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from html import escape

import gradio as gr
import pandas as pd

from search.filters import as_values
from search.searcher import SearchError
from ui.download import export_button
from ui.export import write_practice_exports
from ui.i18n import DEFAULT_LANGUAGE, country_label, facet_sort_key, part_label, t
from ui.page import SEARCH_CONCURRENCY, SEARCH_CONCURRENCY_ID, PageContext
from ui.render import message_html

TOPIC_K = 20  # a topic ranks the whole list: the closest twenty are plenty to read
FILTERS = ("country", "plenary", "part")  # the finder's names; "part" is the session
_FILTER_LABELS = {"country": "practices_country", "plenary": "filter_plenary", "part": "practices_session"}
COLUMNS = ("col_practice", "col_countries", "col_organisations", "col_plenary", "col_year", "col_session",
           "col_page")
_DATATYPES = ("str", "str", "str", "str", "number", "str", "str")
_WIDTHS = {7: ["32%", "14%", "12%", "8%", "7%", "14%", "13%"],  # the score column takes from the widest ones
           8: ["29%", "13%", "11%", "7%", "7%", "12%", "12%", "9%"]}

_runs = itertools.count(1)  # stamps each table so that a browser (tests) can tell a new one from the old


@dataclass
class PracticesShown:
    """What the table holds, kept to redraw it in the other language and to export it."""

    query: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    matches: list = field(default_factory=list)  # search.practices.PracticeMatch, in table order
    message: tuple[str, dict] | None = None  # (text key, values) of a notice shown instead of records


def practice_rows(matches, lang: str) -> tuple[list[str], list[list], list[str]]:
    """Gives the table's headers, rows and column types for practice matches, in the interface language.

    Every cell is plain text or a number; a score column is added when the matches were ranked by a topic.
    """
    scored = any(match.score is not None for match in matches)
    headers = [t(key, lang) for key in COLUMNS] + ([t("col_similarity", lang)] if scored else [])
    rows = []
    for match in matches:
        record = match.record
        row = [
            record.name,
            ", ".join(country_label(c, lang) for c in record.countries),
            ", ".join(record.organisations),
            record.plenary or "",
            record.year,
            part_label(record.session, lang) if record.session else "",
            str(record.page) if record.page is not None else t("unpaginated", lang),
        ]
        rows.append(row + ([match.score] if scored else []))
    return headers, rows, list(_DATATYPES) + (["number"] if scored else [])


def filter_choices(finder, name: str, lang: str) -> list[tuple[str, str]]:
    """Gives a filter's (label, value) choices among the practice records, in reading order."""
    values = finder.values(name)
    if name == "country":
        return sorted(((country_label(v, lang), v) for v in values), key=lambda c: c[0])
    return [((part_label(v, lang) if name == "part" else v), v)
            for v in sorted(values, key=lambda v: facet_sort_key(name, v))]


def find_practices(finder, query: str, filters: dict[str, list[str]]) -> PracticesShown:
    """Gives what the table shows: every record that satisfies the filters, or the closest ones to a topic."""
    query = (query or "").strip()
    chosen = {name: as_values(values) for name, values in filters.items() if as_values(values)}
    if finder is None or not finder.practices:  # an index built before practice records existed
        return PracticesShown(query, chosen, message=("practices_missing", {}))
    try:
        matches = finder.find(query or None, k=TOPIC_K if query else None, **chosen)
    except SearchError as exc:
        return PracticesShown(query, chosen, message=("search_failed", {"reason": str(exc)}))
    if not matches:
        return PracticesShown(query, chosen, message=("practices_none", {}))
    return PracticesShown(query, chosen, list(matches))


def practices_export_file(shown: PracticesShown | None, fmt: str) -> str | None:
    """Gives the path of a new file (fmt "csv" or "json") holding the records in the table, or None if none."""
    if shown is None or not shown.matches:
        return None
    return str(write_practice_exports(shown.matches, shown.query, shown.filters, formats=(fmt,))[0])


def draw_table(shown: PracticesShown | None, lang: str):
    """Gives the table's gr.update for what is shown: a DataFrame of plain text, column types and widths."""
    headers, rows, datatypes = practice_rows(shown.matches if shown else [], lang)
    return gr.update(value=pd.DataFrame(rows, columns=headers), datatype=datatypes,
                     column_widths=_WIDTHS[len(headers)])


def draw_count(shown: PracticesShown | None, lang: str) -> str:
    """Gives the line above the table: how many records, or the notice saying why none."""
    run = next(_runs)
    if shown is None:
        inner = ""
    elif shown.message:
        key, values = shown.message
        inner = message_html(t(key, lang, **values), kind="error" if key == "search_failed" else "empty")
    else:
        n = len(shown.matches)
        if shown.query:
            text = t("practices_count_topic", lang, n=n, query=shown.query)
        else:
            text = t("practices_count_one", lang) if n == 1 else t("practices_count", lang, n=n)
        inner = f'<div class="pc-count">{escape(text)}</div>'
    count = len(shown.matches) if shown else 0
    return f'<div class="pc-practices-count" data-run="{run}" data-count="{count}">{inner}</div>'


def build_practices_tab(page: PageContext) -> None:
    """Builds the Practices tab inside the current gr.Tabs and wires its events."""
    lang0 = DEFAULT_LANGUAGE
    with gr.Tab(t("tab_practices", lang0), id="practices", elem_id="tab-practices") as tab:
        intro = gr.Markdown(t("practices_help", lang0))
        with gr.Row(elem_id="practices-row"):
            topic = gr.Textbox(label=t("practices_topic", lang0), placeholder=t("practices_placeholder", lang0),
                               scale=5, min_width=200, elem_id="practices-topic")
            button = gr.Button(t("practices_button", lang0), variant="primary", scale=1, min_width=100,
                               elem_id="practices-button")
        with gr.Row():
            filters = [gr.Dropdown([], value=[], multiselect=True, label=t(_FILTER_LABELS[name], lang0),
                                   info=t("filter_any", lang0), elem_id=f"practices-{name}", min_width=150,
                                   allow_custom_value=True)  # the API may send what people type: "Chile", "IV"
                       for name in FILTERS]
        with gr.Row(elem_id="practices-exports"):
            count = gr.HTML(elem_id="practices-count")
            csv_export = export_button(t("export_csv", lang0), "practices-csv")
            json_export = export_button(t("export_json", lang0), "practices-json")
        table = gr.Dataframe(interactive=False, wrap=True, max_height=620, elem_id="practices-table",
                             column_widths=_WIDTHS[len(COLUMNS)])
        shown = gr.State(None)

    finder = page.practice_finder

    def _choices(name, lang):
        return filter_choices(finder(), name, lang)

    page.relabel(tab, lambda lang: gr.update(label=t("tab_practices", lang)))
    page.relabel(intro, lambda lang: gr.update(value=t("practices_help", lang)))
    page.relabel(topic, lambda lang: gr.update(label=t("practices_topic", lang),
                                               placeholder=t("practices_placeholder", lang)))
    page.relabel(button, lambda lang: gr.update(value=t("practices_button", lang)))
    page.relabel(csv_export.button, lambda lang: gr.update(value=t("export_csv", lang)))
    page.relabel(json_export.button, lambda lang: gr.update(value=t("export_json", lang)))
    for name, dropdown in zip(FILTERS, filters):
        page.relabel(dropdown, lambda lang, name=name: gr.update(
            label=t(_FILTER_LABELS[name], lang), info=t("filter_any", lang), choices=_choices(name, lang)))

    def show(shown_now: PracticesShown, lang: str):
        # the export files are written when a button is clicked (ui/download.py), not for every table drawn
        exportable = gr.update(visible=bool(shown_now.matches))
        return draw_table(shown_now, lang), draw_count(shown_now, lang), shown_now, exportable, exportable

    def run(query, country, plenary, part, lang):
        """Gives the table, its count line, its state and the export buttons for a topic and filters."""
        chosen = dict(zip(FILTERS, (country, plenary, part)))
        return show(find_practices(finder(), query, chosen), lang)

    def first_view(lang):
        """Gives the filter choices of the live generation and the whole list, once the page has loaded."""
        source = finder()
        choices = [gr.update(choices=filter_choices(source, name, lang)) for name in FILTERS]
        return (*choices, *show(find_practices(source, "", {}), lang))

    def redraw(shown_now, lang):
        if shown_now is None:
            return gr.update(), gr.update()
        return draw_table(shown_now, lang), draw_count(shown_now, lang)

    outputs = [table, count, shown, csv_export.button, json_export.button]
    events = dict(fn=run, inputs=[topic, *filters, page.lang], outputs=outputs,
                  concurrency_limit=SEARCH_CONCURRENCY, concurrency_id=SEARCH_CONCURRENCY_ID)
    page.refresh_banner(button.click(**events, api_name="practices"))
    page.refresh_banner(topic.submit(**events, api_visibility="private"))
    for dropdown in filters:
        page.refresh_banner(dropdown.input(**events, api_visibility="private"))
    page.lang.change(redraw, [shown, page.lang], [table, count], queue=False, api_visibility="private")
    page.on_load(first_view, [], [*filters, *outputs])
    csv_export.on_click(lambda now: practices_export_file(now, "csv"), [shown])
    json_export.on_click(lambda now: practices_export_file(now, "json"), [shown])
