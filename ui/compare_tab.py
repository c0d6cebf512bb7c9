"""The Compare tab: one topic, the best passages of two plenaries side by side; CSV, JSON, RIS and BibTeX
export and a shareable address (?tab=compare&q=...&a=IV&b=V)."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

import gradio as gr

from ui.download import export_button
from ui.export import write_compare_exports
from ui.i18n import DEFAULT_LANGUAGE, facet_label, t
from ui.page import SEARCH_CONCURRENCY, SEARCH_CONCURRENCY_ID, PageContext
from ui.page_script import pending_js, reveal_js
from ui.render import plenary_line
from ui.search_tab import Shown, draw, find
from ui.share import COMPARE_K as DEFAULT_PER_SIDE
from ui.share import COMPARE_URL_JS, MAX_COMPARE_K, read_shared_compare, shared_tab


@dataclass
class Side:
    """One column of the comparison: a plenary and what its search found."""

    plenary: str | None
    shown: Shown


def draw_side(side: Side | None, lang: str) -> str:
    """Gives one column: a heading naming the plenary, then its cards or a notice."""
    if side is None:
        return ""
    if side.shown.message:
        return draw(side.shown, lang)
    hits = side.shown.hits
    heading = plenary_line(hits[0], lang) if hits else facet_label("plenary", side.plenary or "", lang)
    return f'<div class="pc-compare-head">{escape(heading)}</div>{draw(side.shown, lang, summary=False)}'


def compare_export_file(sides: list[Side] | None, fmt: str) -> str | None:
    """Gives the path of a new file (fmt "csv", "json", "ris" or "bib") holding both columns, or None when neither
    has passages."""
    if not sides or not any(side.shown.hits for side in sides):
        return None
    columns = [(side.plenary, side.shown.hits) for side in sides]
    languages = {doc_id: lang for side in sides for doc_id, lang in side.shown.languages.items()}
    return str(write_compare_exports(columns, sides[0].shown.query, formats=(fmt,), languages=languages)[0])


def compare(searcher, topic: str, plenaries: tuple[str | None, str | None], k: int,
            corpus_dir=None) -> list[Side]:
    """Gives the two columns for a topic: each plenary's k best passages (corpus_dir: see search_tab.find)."""
    return [Side(plenary, find(searcher, topic, k, {"plenary": plenary}, corpus_dir=corpus_dir) if plenary
                 else Shown(topic, message=("compare_pick", {})))
            for plenary in plenaries]


def build_compare_tab(page: PageContext) -> None:
    """Builds the Compare tab inside the current gr.Tabs and wires its events."""
    lang0 = DEFAULT_LANGUAGE
    plenaries = page.facet_values("plenary")
    defaults = (plenaries[0] if plenaries else None, plenaries[1] if len(plenaries) > 1 else None)
    with gr.Tab(t("tab_compare", lang0), id="compare", elem_id="tab-compare") as tab:
        intro = gr.Markdown(t("compare_help", lang0))
        with gr.Row(elem_id="compare-row"):
            topic = gr.Textbox(label=t("compare_topic", lang0), placeholder=t("compare_placeholder", lang0),
                               scale=5, min_width=200, elem_id="compare-topic")
            button = gr.Button(t("compare_button", lang0), variant="primary", scale=1, min_width=100,
                               elem_id="compare-button")
        with gr.Row():
            choices = page.facet_choices("plenary", lang0)
            pick_a = gr.Dropdown(choices, value=defaults[0], label=t("compare_left", lang0), elem_id="compare-a",
                                 min_width=120, allow_custom_value=True)
            pick_b = gr.Dropdown(choices, value=defaults[1], label=t("compare_right", lang0), elem_id="compare-b",
                                 min_width=120, allow_custom_value=True)
            per_side = gr.Slider(1, MAX_COMPARE_K, value=DEFAULT_PER_SIDE, step=1, label=t("compare_k", lang0),
                                 min_width=160, elem_id="compare-k")
        with gr.Row(elem_id="compare-exports", visible=False) as exports:
            csv_export = export_button(t("export_csv", lang0), "compare-csv", visible=True)
            json_export = export_button(t("export_json", lang0), "compare-json", visible=True)
            ris_export = export_button(t("export_ris", lang0), "compare-ris", visible=True)
            bib_export = export_button(t("export_bibtex", lang0), "compare-bib", visible=True)
        with gr.Row(elem_id="compare-columns"):
            with gr.Column(min_width=300):
                left = gr.HTML(elem_id="compare-left")
            with gr.Column(min_width=300):
                right = gr.HTML(elem_id="compare-right")
        shown = gr.State(None)

    page.relabel(tab, lambda lang: gr.update(label=t("tab_compare", lang)))
    page.relabel(intro, lambda lang: gr.update(value=t("compare_help", lang)))
    page.relabel(topic, lambda lang: gr.update(label=t("compare_topic", lang),
                                               placeholder=t("compare_placeholder", lang)))
    page.relabel(button, lambda lang: gr.update(value=t("compare_button", lang)))
    page.relabel(pick_a, lambda lang: gr.update(label=t("compare_left", lang)))
    page.relabel(pick_b, lambda lang: gr.update(label=t("compare_right", lang)))
    page.relabel(per_side, lambda lang: gr.update(label=t("compare_k", lang)))
    page.relabel(csv_export.button, lambda lang: gr.update(value=t("export_csv", lang)))
    page.relabel(json_export.button, lambda lang: gr.update(value=t("export_json", lang)))
    page.relabel(ris_export.button, lambda lang: gr.update(value=t("export_ris", lang)))
    page.relabel(bib_export.button, lambda lang: gr.update(value=t("export_bibtex", lang)))

    def run_compare(topic_text, a, b, k, lang):
        """Gives both columns, the state to redraw them and the export row for a topic and two plenaries."""
        sides = compare(page.searcher, topic_text or "", (a, b), int(k or DEFAULT_PER_SIDE), page.corpus_dir)
        found = any(side.shown.hits for side in sides)
        return draw_side(sides[0], lang), draw_side(sides[1], lang), sides, gr.update(visible=found)

    def rerun(topic_text, a, b, k, lang):
        """Gives the comparison again once a plenary or the number of passages changed; nothing before a topic."""
        if not (topic_text or "").strip():
            return gr.update(), gr.update(), gr.update(), gr.update()
        return run_compare(topic_text, a, b, k, lang)

    def redraw(sides, lang):
        if not sides:
            return gr.update(), gr.update()
        return draw_side(sides[0], lang), draw_side(sides[1], lang)

    def open_shared(lang, request: gr.Request):
        """Gives the plenaries offered and, for an address with tab=compare, its topic, plenaries, columns and
        the Compare tab selected."""
        params = request.query_params if request else {}
        # the plenaries offered are those of the generation served when the page loads (a re-index may add one)
        choices = page.facet_choices("plenary", lang)
        if shared_tab(params) != "compare":
            return (gr.update(), gr.update(choices=choices), gr.update(choices=choices), gr.update(),
                    *(gr.update() for _ in range(4)), gr.update())
        shared = read_shared_compare(params, page.facet_values("plenary"))
        a, b = (shared.plenaries[0] or defaults[0], shared.plenaries[1] or defaults[1])
        found = run_compare(shared.topic, a, b, shared.k, lang) if shared.topic else [gr.update()] * 4
        return (shared.topic, gr.update(choices=choices, value=a), gr.update(choices=choices, value=b), shared.k,
                *found, gr.Tabs(selected="compare"))

    inputs = [topic, pick_a, pick_b, per_side, page.lang]
    outputs = [left, right, shown, exports]
    events = dict(fn=run_compare, inputs=inputs, outputs=outputs,
                  concurrency_limit=SEARCH_CONCURRENCY, concurrency_id=SEARCH_CONCURRENCY_ID)
    private = dict(api_visibility="private")
    searching = dict(events, js=pending_js("#compare-columns", len(inputs)))
    for compared in (button.click(**searching, api_name="compare"), topic.submit(**searching, **private)):
        compared.then(None, inputs, None, js=COMPARE_URL_JS).then(None, None, None,
                                                                  js=reveal_js("#compare-columns"))
        page.refresh_banner(compared)
    for control, event in ((pick_a, "input"), (pick_b, "input"), (per_side, "release")):
        changed = getattr(control, event)(**dict(events, fn=rerun), **private)
        changed.then(None, inputs, None, js=COMPARE_URL_JS)
        page.refresh_banner(changed)
    tab.select(None, inputs, None, js=COMPARE_URL_JS)
    page.on_load(open_shared, [], [topic, pick_a, pick_b, per_side, *outputs, page.tabs])
    page.lang.change(redraw, [shown, page.lang], [left, right], queue=False, **private)
    csv_export.on_click(lambda now: compare_export_file(now, "csv"), [shown])
    json_export.on_click(lambda now: compare_export_file(now, "json"), [shown])
    ris_export.on_click(lambda now: compare_export_file(now, "ris"), [shown])
    bib_export.on_click(lambda now: compare_export_file(now, "bib"), [shown])
