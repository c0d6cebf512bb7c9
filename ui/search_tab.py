"""The Search tab: a question, filters, result cards with citations, CSV/JSON export, a shareable address.

A search sends back the results area and little else (the export files are written on click, ui/download.py):
the page waits for nothing a reader did not ask for.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr

from search.filters import as_values
from search.records import Hit
from search.searcher import MAX_QUERY_CHARS, SearchError
from search.sources import original_pdf
from ui.documents import document_language, documents_of
from ui.download import export_button
from ui.export import write_exports
from ui.i18n import DEFAULT_LANGUAGE, facet_label, is_named_part, part_label, t
from ui.page import SEARCH_CONCURRENCY, SEARCH_CONCURRENCY_ID, PageContext
from ui.page_script import mark_languages_js, pending_js, reveal_js
from ui.render import error_html, results_html
from ui.share import DEFAULT_K, FILTERS, MAX_K, UPDATE_URL_JS, read_shared_search, shared_tab

EXAMPLE_LANGUAGES = {  # each example in its own language: a screen reader reads it with the right voice
    "¿Qué propuso Chile sobre alertas tempranas?": "es",
    "What did Panama say about the Darién?": "en",
    "reconocimiento de calificaciones profesionales": "es",
    "Which countries shared practices on consular assistance?": "en",
    "regularización migratoria de personas venezolanas": "es",
    "labour migration and border management working group": "en",
}
EXAMPLES = list(EXAMPLE_LANGUAGES)

_FILTER_LABELS = {name: f"filter_{name}" for name in FILTERS}


@dataclass
class Shown:
    """What the results area holds, kept so that it can be redrawn in the other language."""

    query: str = ""
    hits: list[Hit] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)  # the filters the hits satisfy, for exports
    no_good_match: bool = False  # the searcher's verdict: the best passage is unlikely to answer
    unknown_terms: list[str] = field(default_factory=list)  # names in the query that no passage contains
    message: tuple[str, dict] | None = None  # (text key, values) of a notice shown instead of results
    scope: list[str] = field(default_factory=list)  # what the question names and the search kept (Scope.named)
    scope_off: list[str] = field(default_factory=list)  # what it names and the reader took out
    languages: dict[str, str] = field(default_factory=dict)  # each hit's document language, by doc_id
    practices: list = field(default_factory=list)  # records answering a list question (search.records.PracticeMatch)
    absent: list[str] = field(default_factory=list)  # what it names that the reports do not cover (Scope.absent)
    no_practices: list[str] = field(default_factory=list)  # the scope of a practices question with no record
    unmentioned: list[str] = field(default_factory=list)  # countries asked about that the closest passages do not name
    pdfs: set[str] = field(default_factory=set)  # the hits' documents whose original PDF the app serves, by doc_id


def query_problem(query: str) -> tuple[str, dict] | None:
    """Gives the (text key, values) of what is wrong with a query before searching, or None."""
    query = (query or "").strip()
    if not query:
        return ("empty_query", {})
    if len(query) > MAX_QUERY_CHARS:
        return ("too_long", {"n": len(query), "limit": MAX_QUERY_CHARS})
    return None


def find(searcher, query: str, k: int, filters: dict, scope_off: list[str] = (),
         corpus_dir: Path | None = None) -> Shown:
    """Gives what to show for a query: its hits and the searcher's verdict, or the notice saying why none.

    scope_off: what the question names that the reader took out of its scope (search.scope); corpus_dir the
    corpus folder the app serves original PDFs from (None: none served).
    """
    query = (query or "").strip()
    problem = query_problem(query)
    if problem:
        return Shown(query, filters=filters, message=problem)
    try:
        results = searcher.search(query, k=k, without_scope=list(scope_off), **filters)
    except SearchError as exc:
        return Shown(query, filters=filters, message=("search_failed", {"reason": str(exc)}))
    documents, doc_ids = documents_of(searcher), {hit.doc_id for hit in results}
    corpus = Path(corpus_dir).resolve() if corpus_dir is not None else None  # once a search, not once a document
    return Shown(query, list(results), filters, no_good_match=results.no_good_match,
                 unknown_terms=results.unknown_terms, scope=results.scope.named(), scope_off=list(scope_off),
                 languages={doc_id: document_language(documents, doc_id) for doc_id in doc_ids},
                 practices=list(results.practices), absent=list(results.scope.absent),
                 no_practices=results.scope.named() if results.no_practices else [],
                 unmentioned=list(results.unmentioned),
                 pdfs={doc_id for doc_id in doc_ids if corpus and original_pdf(corpus, documents.get(doc_id))})


def filters_label(filters: dict[str, list[str]], lang: str) -> str:
    """Gives the active filters as a reader reads them: "Plenaria: IV, V; Año: 2023" ("" when there are none)."""
    return "; ".join(f"{t(_FILTER_LABELS[name], lang)}: {', '.join(facet_label(name, v, lang) for v in values)}"
                     for name, values in filters.items() if values and name in _FILTER_LABELS)


def scope_choices(shown: Shown | None, documents: dict, lang: str) -> dict:
    """Gives the scope chips' update: one per value the question names, ticked unless taken out."""
    if shown is None or not (shown.scope or shown.scope_off):
        return gr.update(choices=[], value=[], visible=False)
    from ingest.gazetteer import canonical_country, country_in_english

    def label(value: str) -> str:
        if value in documents:
            return documents[value].title
        if is_named_part(value):
            return part_label(value, lang)
        country = canonical_country(value)
        return country_in_english(country) if country and lang == "en" else value

    values = list(dict.fromkeys([*shown.scope, *shown.scope_off]))
    return gr.update(choices=[(label(v), v) for v in values], value=list(shown.scope), visible=True,
                     label=t("scope", lang))


def export_file(shown: Shown | None, fmt: str) -> str | None:
    """Gives the path of a new file (fmt "csv", "json", "ris" or "bib") holding the results shown, or None when
    there are none."""
    if shown is None or not shown.hits:
        return None
    return str(write_exports(shown.hits, shown.query, shown.filters, formats=(fmt,), languages=shown.languages)[0])


def draw(shown: Shown | None, lang: str, *, summary: bool = True) -> str:
    """Gives the results area for what is shown, in the interface language."""
    if shown is None:
        return ""
    if shown.message:
        key, values = shown.message
        return error_html(t(key, lang, **values))
    return results_html(shown.hits, lang, query=shown.query, no_good_match=shown.no_good_match,
                        unknown_terms=shown.unknown_terms, summary=summary,
                        filters=filters_label(shown.filters, lang) if summary else "", languages=shown.languages,
                        practices=shown.practices if summary else [], absent=shown.absent,
                        no_practices=shown.no_practices, unmentioned=shown.unmentioned, pdfs=shown.pdfs)


def build_search_tab(page: PageContext) -> None:
    """Builds the Search tab inside the current gr.Tabs and wires its events."""
    lang0 = DEFAULT_LANGUAGE
    with gr.Tab(t("tab_search", lang0), id="search", elem_id="tab-search") as tab:
        with gr.Row(elem_id="search-row"):
            query = gr.Textbox(label=t("query", lang0), placeholder=t("query_placeholder", lang0), lines=1,
                               max_lines=6, scale=5, min_width=200, elem_id="query", autofocus=True)
            button = gr.Button(t("search_button", lang0), variant="primary", scale=1, min_width=100,
                               elem_id="search-button")
        examples = gr.Examples(EXAMPLES, inputs=[query], label=t("examples", lang0), elem_id="examples")
        with gr.Accordion(t("filters", lang0), open=False, elem_id="filters") as accordion:
            with gr.Row():
                filters = [
                    gr.Dropdown(page.facet_choices(name, lang0), value=[], multiselect=True,
                                label=t(_FILTER_LABELS[name], lang0), info=t("filter_any", lang0),
                                elem_id=f"filter-{name}", min_width=150, allow_custom_value=True,
                                visible=len(page.facet_values(name)) > 1)  # one value filters nothing
                    for name in FILTERS
                ]
            k = gr.Slider(1, MAX_K, value=DEFAULT_K, step=1, label=t("k", lang0), elem_id="k")
        # shown with results; one update of the row rather than of each button: every update of a component
        # rebuilds it on the server, and a search should send back little besides its results
        with gr.Row(elem_id="exports", visible=False) as exports:
            csv_export = export_button(t("export_csv", lang0), "export-csv", visible=True)
            json_export = export_button(t("export_json", lang0), "export-json", visible=True)
            ris_export = export_button(t("export_ris", lang0), "export-ris", visible=True)
            bib_export = export_button(t("export_bibtex", lang0), "export-bib", visible=True)
        scope_box = gr.CheckboxGroup([], value=[], label=t("scope", lang0), elem_id="scope", visible=False)
        results = gr.HTML(elem_id="results")
        shown = gr.State(None)

    page.relabel(tab, lambda lang: gr.update(label=t("tab_search", lang)))
    page.relabel(query, lambda lang: gr.update(label=t("query", lang), placeholder=t("query_placeholder", lang)))
    page.relabel(button, lambda lang: gr.update(value=t("search_button", lang)))
    page.relabel(examples.dataset, lambda lang: gr.update(label=t("examples", lang)))
    page.relabel(accordion, lambda lang: gr.update(label=t("filters", lang)))
    page.relabel(k, lambda lang: gr.update(label=t("k", lang)))
    page.relabel(csv_export.button, lambda lang: gr.update(value=t("export_csv", lang)))
    page.relabel(json_export.button, lambda lang: gr.update(value=t("export_json", lang)))
    page.relabel(ris_export.button, lambda lang: gr.update(value=t("export_ris", lang)))
    page.relabel(bib_export.button, lambda lang: gr.update(value=t("export_bibtex", lang)))
    for name, dropdown in zip(FILTERS, filters):
        page.relabel(dropdown, lambda lang, name=name: gr.update(
            label=t(_FILTER_LABELS[name], lang), info=t("filter_any", lang), choices=page.facet_choices(name, lang)))

    def run_search(query, plenary, year, part, country, doc_type, k, lang, scope_off=()):
        """Gives the results area, its state, the export row (shown with hits) and the scope chips for a query
        and filters."""
        values = dict(plenary=plenary, year=year, part=part, country=country, doc_type=doc_type)
        # as people type them, from the API too: "IV", "iv" or 4; "Chile" or "chile"; one value or a list
        chosen = {name: as_values(values[name]) for name in FILTERS if as_values(values[name])}
        shown_now = find(page.searcher, query, int(k or DEFAULT_K), chosen, scope_off, page.corpus_dir)
        return (draw(shown_now, lang), shown_now, gr.update(visible=bool(shown_now.hits)),
                scope_choices(shown_now, page.searcher.data.documents, lang))

    def rescope(query, plenary, year, part, country, doc_type, k, lang, kept, now):
        """Gives the search again without what the reader unticked among the scope chips."""
        named = list(dict.fromkeys([*(now.scope if now else []), *(now.scope_off if now else [])]))
        return run_search(query, plenary, year, part, country, doc_type, k, lang,
                          [value for value in named if value not in (kept or [])])

    def rerun(query, plenary, year, part, country, doc_type, k, lang):
        """Gives the search again once a filter or the number of passages changed; nothing before a query."""
        if not (query or "").strip():
            return gr.update(), gr.update(), gr.update(), gr.update()
        return run_search(query, plenary, year, part, country, doc_type, k, lang)

    def open_shared(lang, request: gr.Request):
        """Gives the query, filters and results a shared address (?q=...&plenary=IV) asks for, with the filters
        panel open when it sets any."""
        params = request.query_params if request else {}
        known = {name: page.facet_values(name) for name in FILTERS}
        shared = read_shared_search(params, known)
        # the filters offer the values of the generation served now: a re-index may have added some
        choices = [gr.update(choices=page.facet_choices(name, lang), visible=len(known[name]) > 1)
                   for name in FILTERS]
        if not (shared.query or shared.filters) or shared_tab(params) != "search":
            # nothing shared: leave alone whatever the reader may already have typed
            return (gr.update(), *choices, gr.update(), gr.update(), *(gr.update() for _ in range(4)))
        fields = [shared.query, *[shared.filters.get(name, []) for name in FILTERS], shared.k]
        choices = [gr.update(choices=update["choices"], visible=update["visible"], value=value)
                   for update, value in zip(choices, fields[1:-1])]
        found = run_search(shared.query, *fields[1:], lang) if shared.query else [gr.update()] * 4
        return (shared.query, *choices, shared.k, gr.update(open=bool(shared.filters)), *found)

    inputs = [query, *filters, k, page.lang]
    outputs = [results, shown, exports, scope_box]
    events = dict(fn=run_search, inputs=inputs, outputs=outputs, concurrency_limit=SEARCH_CONCURRENCY,
                  concurrency_id=SEARCH_CONCURRENCY_ID)
    private = dict(api_visibility="private")
    searching = dict(events, js=pending_js("#results", len(inputs)))
    for searched in (button.click(**searching, api_name="search"), query.submit(**searching, **private),
                     examples.load_input_event.then(**searching, **private)):
        searched.then(None, inputs, None, js=UPDATE_URL_JS).then(None, None, None, js=reveal_js("#results"))
        page.refresh_banner(searched)
    # a filter changed: the results shown must be those of the filters shown (no scrolling: the reader may
    # be choosing another)
    for control, event in [*((dropdown, "input") for dropdown in filters), (k, "release")]:
        refiltered = getattr(control, event)(**dict(events, fn=rerun), **private)
        refiltered.then(None, inputs, None, js=UPDATE_URL_JS)
        page.refresh_banner(refiltered)
    tab.select(None, inputs, None, js=UPDATE_URL_JS)
    # On a language switch, redraw what is shown; with nothing shown yet, leave the area alone (a search
    # started by a shared address may be about to fill it).
    page.lang.change(lambda now, lang: gr.update() if now is None else draw(now, lang),
                     [shown, page.lang], [results], queue=False, **private)
    page.on_load(open_shared, [], [query, *filters, k, accordion, *outputs])
    page.on_load(None, [], [], js=reveal_js("#results"))  # a shared address's results, on a phone too
    page.on_load(None, [], [], js=mark_languages_js("#examples button", EXAMPLE_LANGUAGES))
    scope_box.input(rescope, [*inputs, scope_box, shown], outputs, concurrency_limit=SEARCH_CONCURRENCY,
                    concurrency_id=SEARCH_CONCURRENCY_ID, **private)
    page.lang.change(lambda now, lang: scope_choices(now, page.searcher.data.documents, lang),
                     [shown, page.lang], [scope_box], queue=False, **private)
    csv_export.on_click(lambda now: export_file(now, "csv"), [shown])
    json_export.on_click(lambda now: export_file(now, "json"), [shown])
    ris_export.on_click(lambda now: export_file(now, "ris"), [shown])
    bib_export.on_click(lambda now: export_file(now, "bib"), [shown])
