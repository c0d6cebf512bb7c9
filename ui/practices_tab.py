"""The Practices tab: the good practices the reports list, as a sortable table filtered by country, plenary and
session, or ranked by meaning against a topic; CSV/JSON export; a shareable address
(?tab=practices&q=...&country=Chile).

Above the table, the same records counted by country and plenary as a chart (ui/practices_chart.py), drawn when
the tab is opened; clicking a bar filters the table.

The records come from a search.practices.PracticeFinder over the generation the page's searcher serves
(PageContext.practice_finder), so a re-index shows up here too. The table holds plain text cells: a
record's name is never read as HTML or Markdown. On a phone the same records show as cards (a table of seven
columns breaks its words letter by letter at 390 px); CSS shows one or the other.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from html import escape

import gradio as gr
import pandas as pd

from ingest.gazetteer import fold
from search.filters import as_values
from search.searcher import SearchError
from ui.documents import document_language, documents_of
from ui.download import export_button
from ui.export import write_practice_exports
from ui.i18n import DEFAULT_LANGUAGE, country_label, facet_sort_key, part_label, t
from ui.page import SEARCH_CONCURRENCY, SEARCH_CONCURRENCY_ID, PageContext
from ui.page_script import pending_js, reveal_js
from ui.practices_chart import CHART_JS, build_chart, chart_text_html, count_practices
from ui.render import message_html
from ui.share import PRACTICES_URL_JS, read_shared_practices, shared_tab

TOPIC_K = 20  # a topic ranks the whole list: the closest twenty are plenty to read
FILTERS = ("country", "plenary", "part")  # the finder's names; "part" is the session
_FILTER_LABELS = {"country": "practices_country", "plenary": "filter_plenary", "part": "practices_session"}
COLUMNS = ("col_practice", "col_countries", "col_organisations", "col_plenary", "col_year", "col_session",
           "col_page")
_DATATYPES = ("str", "str", "str", "str", "number", "str", "str")
_WIDTHS = {7: ["32%", "14%", "12%", "8%", "7%", "14%", "13%"],  # the rank column takes from the widest ones
           8: ["30%", "13%", "11%", "8%", "7%", "12%", "12%", "7%"]}

_runs = itertools.count(1)  # stamps each table so that a browser (tests) can tell a new one from the old


@dataclass
class PracticesShown:
    """What the table holds, kept to redraw it in the other language and to export it."""

    query: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    matches: list = field(default_factory=list)  # search.practices.PracticeMatch, in table order
    message: tuple[str, dict] | None = None  # (text key, values) of a notice shown instead of records
    languages: dict[str, str] = field(default_factory=dict)  # each record's document language, by doc_id


def practice_rows(matches, lang: str) -> tuple[list[str], list[list], list[str]]:
    """Gives the table's headers, rows and column types for practice matches, in the interface language.

    Every cell is plain text or a number; a rank column is added when the matches were ranked by a topic (the
    rank, not the score: a raw similarity reads as a confidence it is not).
    """
    scored = any(match.score is not None for match in matches)
    headers = [t(key, lang) for key in COLUMNS] + ([t("col_rank", lang)] if scored else [])
    rows = []
    for rank, match in enumerate(matches, 1):
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
        rows.append(row + ([rank] if scored else []))
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


def draw_cards(shown: PracticesShown | None, lang: str) -> str:
    """Gives the records as cards (what a phone shows instead of the table): the practice's name in its
    document's language, then the other columns as labelled lines; every cell escaped."""
    matches = shown.matches if shown else []
    headers, rows, _ = practice_rows(matches, lang)
    cards = []
    for match, row in zip(matches, rows):
        doc_lang = escape((shown.languages or {}).get(match.record.doc_id, "es"))
        facts = "".join(f'<div><dt>{escape(str(label))}</dt><dd>{escape(str(value))}</dd></div>'
                        for label, value in zip(headers[1:], row[1:]) if value not in ("", None))
        cards.append(f'<article class="pc-practice"><h3 class="pc-practice-name" lang="{doc_lang}">'
                     f'{escape(row[0])}</h3><dl>{facts}</dl></article>')
    return f'<div class="pc-practices" data-count="{len(matches)}">{"".join(cards)}</div>'


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


def _known(finder, name: str, value) -> str | None:
    """Gives the value among the records' own for a clicked bar (browser data: never trusted), or None."""
    folded = fold(str(value or ""))
    return next((v for v in finder.values(name) if fold(v) == folded), None) if folded else None


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
        # Practices at a glance: drawn when the tab is opened (ui/practices_chart.py), never at page load
        chart_text = gr.HTML(chart_text_html(None, lang0), elem_id="practices-chart-text", js_on_load=CHART_JS)
        chart = gr.Plot(label=t("chart_label", lang0), show_label=False, visible=False, elem_id="practices-chart")
        table = gr.Dataframe(interactive=False, wrap=True, max_height=620, elem_id="practices-table",
                             column_widths=_WIDTHS[len(COLUMNS)])
        cards = gr.HTML(elem_id="practices-cards")
        shown = gr.State(None)
        # what a bar set ({"country": "Chile", "plenary": "IV"}) and the filters it replaced, to put them back
        picked = gr.State(None)
        drawn = gr.State(False)  # the chart has been drawn once: redraw it on a language switch

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
    page.relabel(chart, lambda lang: gr.update(label=t("chart_label", lang)))
    for name, dropdown in zip(FILTERS, filters):
        page.relabel(dropdown, lambda lang, name=name: gr.update(
            label=t(_FILTER_LABELS[name], lang), info=t("filter_any", lang), choices=_choices(name, lang)))

    def languages():
        documents = documents_of(page.live_searcher())
        return {doc_id: document_language(documents, doc_id) for doc_id in documents}

    def show(shown_now: PracticesShown, lang: str):
        # the export files are written when a button is clicked (ui/download.py), not for every table drawn
        shown_now.languages = languages()
        exportable = gr.update(visible=bool(shown_now.matches))
        return (draw_table(shown_now, lang), draw_count(shown_now, lang), draw_cards(shown_now, lang), shown_now,
                exportable, exportable)

    def run(query, country, plenary, part, lang):
        """Gives the table, its count line, its cards, its state and the export buttons for a topic and filters."""
        chosen = dict(zip(FILTERS, (country, plenary, part)))
        return show(find_practices(finder(), query, chosen), lang)

    def first_view(lang, request: gr.Request):
        """Gives the filter choices of the live generation and the whole list once the page has loaded, or what
        an address with tab=practices asks for, with the tab selected."""
        source = finder()
        params = request.query_params if request else {}
        choices = [filter_choices(source, name, lang) for name in FILTERS]
        if shared_tab(params) != "practices":
            return (gr.update(), *(gr.update(choices=c) for c in choices), *show(find_practices(source, "", {}), lang),
                    gr.update())
        shared = read_shared_practices(params, {name: source.values(name) for name in FILTERS})
        values = [shared.filters.get(name, []) for name in FILTERS]
        return (shared.topic, *(gr.update(choices=c, value=v) for c, v in zip(choices, values)),
                *show(find_practices(source, shared.topic, shared.filters), lang), gr.Tabs(selected="practices"))

    def redraw(shown_now, lang):
        if shown_now is None:
            return gr.update(), gr.update(), gr.update()
        return draw_table(shown_now, lang), draw_count(shown_now, lang), draw_cards(shown_now, lang)

    def draw_chart(shown_now, picked_now, lang):
        """Gives the chart, its text and True (drawn): the records in the table by country and plenary."""
        matches = shown_now.matches if shown_now else []
        counts = count_practices([match.record for match in matches]) if matches else None
        chosen = picked_now["set"] if picked_now else None
        if counts is None or not counts.totals:
            return gr.update(visible=False, value=None), chart_text_html(None, lang), True
        return gr.update(visible=True, value=build_chart(counts, lang)), chart_text_html(counts, lang, chosen), True

    def redraw_chart(shown_now, picked_now, drawn_now, lang):
        if not drawn_now:  # not opened yet: the chart waits for the tab
            return gr.update(), gr.update(), drawn_now
        return draw_chart(shown_now, picked_now, lang)

    def pick(query, country, plenary, part, picked_now, lang, evt: gr.EventData):
        """Gives the filters, the table and what to put back for a bar (or a data-table button) clicked: that
        country, and that plenary when the click names one; {"clear": true} puts back the filters it replaced."""
        data = getattr(evt, "_data", None) or {}
        source = finder()
        if data.get("clear"):
            before = picked_now["before"] if picked_now else {"country": country, "plenary": plenary}
            country, plenary, picked_now = before["country"], before["plenary"], None
        else:
            chosen = _known(source, "country", data.get("country"))
            if chosen is None:  # not a value the records hold: nothing to filter by
                return (*(gr.update() for _ in range(2 + len(outputs))), picked_now)
            before = picked_now["before"] if picked_now else {"country": as_values(country),
                                                              "plenary": as_values(plenary)}
            segment = _known(source, "plenary", data.get("plenary")) or ""
            country, plenary = [chosen], ([segment] if segment else before["plenary"])
            picked_now = {"before": before, "set": {"country": chosen, "plenary": segment}}
        chosen_filters = dict(zip(FILTERS, (country, plenary, part)))
        return (gr.update(value=country), gr.update(value=plenary),
                *show(find_practices(source, query, chosen_filters), lang), picked_now)

    inputs = [topic, *filters, page.lang]
    outputs = [table, count, cards, shown, csv_export.button, json_export.button]
    # hidden progress: the chart's text is not greyed out while the chart is drawn (nor caught so by axe)
    charted = dict(fn=draw_chart, inputs=[shown, picked, page.lang], outputs=[chart, chart_text, drawn],
                   show_progress="hidden", api_visibility="private")
    events = dict(fn=run, inputs=inputs, outputs=outputs,
                  concurrency_limit=SEARCH_CONCURRENCY, concurrency_id=SEARCH_CONCURRENCY_ID)
    private = dict(api_visibility="private")
    searching = dict(events, js=pending_js("#practices-count", len(inputs)))
    forget = dict(fn=lambda: None, inputs=None, outputs=[picked], queue=False, api_visibility="private")
    for searched in (button.click(**searching, api_name="practices"), topic.submit(**searching, **private)):
        searched.then(None, inputs, None, js=PRACTICES_URL_JS).then(None, None, None,
                                                                    js=reveal_js("#practices-cards", "#practices-count"))
        searched.then(**charted)
        page.refresh_banner(searched)
    for dropdown in filters:
        changed = dropdown.input(**events, **private)
        changed.then(None, inputs, None, js=PRACTICES_URL_JS)
        changed.then(**forget).then(**charted)  # filters chosen by hand: the chart's filter is theirs now
        page.refresh_banner(changed)
    picked_bar = chart_text.click(pick, [topic, *filters, picked, page.lang], [filters[0], filters[1], *outputs, picked],
                                  concurrency_limit=SEARCH_CONCURRENCY, concurrency_id=SEARCH_CONCURRENCY_ID, **private)
    picked_bar.then(**charted).then(None, inputs, None, js=PRACTICES_URL_JS)
    page.refresh_banner(picked_bar)
    tab.select(None, inputs, None, js=PRACTICES_URL_JS)
    tab.select(**charted)
    page.lang.change(redraw, [shown, page.lang], [table, count, cards], queue=False, **private)
    page.lang.change(redraw_chart, [shown, picked, drawn, page.lang], [chart, chart_text, drawn],
                     show_progress="hidden", **private)
    page.on_load(first_view, [], [topic, *filters, *outputs, page.tabs])

    def first_chart(lang, shown_now, picked_now, request: gr.Request):
        """Draws the chart after the first view when a shared address opened the Practices tab."""
        if shared_tab(request.query_params if request else {}) != "practices":
            return gr.update(), gr.update(), gr.update()
        return draw_chart(shown_now, picked_now, lang)

    page.on_load(first_chart, [shown, picked], [chart, chart_text, drawn])
    csv_export.on_click(lambda now: practices_export_file(now, "csv"), [shown])
    json_export.on_click(lambda now: practices_export_file(now, "json"), [shown])
