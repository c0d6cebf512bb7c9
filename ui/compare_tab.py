"""The Compare tab: one topic, the best passages of two plenaries side by side."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

import gradio as gr

from ui.i18n import DEFAULT_LANGUAGE, facet_label, t
from ui.page import SEARCH_CONCURRENCY, SEARCH_CONCURRENCY_ID, PageContext
from ui.render import plenary_line
from ui.search_tab import Shown, draw, find

DEFAULT_PER_SIDE = 3


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


def compare(searcher, topic: str, plenaries: tuple[str | None, str | None], k: int) -> list[Side]:
    """Gives the two columns for a topic: each plenary's k best passages."""
    return [Side(plenary, find(searcher, topic, k, {"plenary": plenary}) if plenary
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
            per_side = gr.Slider(1, 8, value=DEFAULT_PER_SIDE, step=1, label=t("compare_k", lang0), min_width=160)
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

    def run_compare(topic_text, a, b, k, lang):
        """Gives both columns and the state to redraw them for a topic and two plenaries."""
        sides = compare(page.searcher, topic_text or "", (a, b), int(k or DEFAULT_PER_SIDE))
        return draw_side(sides[0], lang), draw_side(sides[1], lang), sides

    def redraw(sides, lang):
        if not sides:
            return gr.update(), gr.update()
        return draw_side(sides[0], lang), draw_side(sides[1], lang)

    events = dict(fn=run_compare, inputs=[topic, pick_a, pick_b, per_side, page.lang], outputs=[left, right, shown],
                  concurrency_limit=SEARCH_CONCURRENCY, concurrency_id=SEARCH_CONCURRENCY_ID)
    page.refresh_banner(button.click(**events, api_name="compare"))
    page.refresh_banner(topic.submit(**events, api_visibility="private"))
    # the plenaries offered are those of the generation served when the page loads (a re-index may add one)
    page.on_load(lambda lang: [gr.update(choices=page.facet_choices("plenary", lang))] * 2, [], [pick_a, pick_b])
    page.lang.change(redraw, [shown, page.lang], [left, right], queue=False, api_visibility="private")
