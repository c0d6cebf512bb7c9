"""Practices at a glance: the records the Practices table shows, counted by country and plenary, as stacked bars.

One horizontal bar per country (its name reads across, even on a 390 px phone), split by plenary, longest
first, with its total at the end. Clicking a bar filters the table to that country (and that plenary, for the
segment clicked); so does a country (or a count) in the chart's data table, the text alternative that screen
readers and keyboards use; a button removes that filter again.

The chart is a Vega-Lite spec built with altair and drawn by gr.Plot (Gradio renders altair charts with the
Vega it already bundles). gr.BarPlot was not enough: its select event needs a drag (a click gives nothing), it
cannot order horizontal bars by size, and its count axis shows half practices. altair is imported on the first
chart drawn, which is when the tab is opened, never at start-up.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from html import escape

from ingest.gazetteer import fold
from ui.i18n import country_label, roman_value, t

# Plenaries' colours, in plenary order: each at least 4.5:1 against white, and told apart from its neighbours.
PLENARY_COLOURS = ("#1d4ed8", "#c2410c", "#047857", "#7c3aed", "#be185d", "#0e7490", "#4d7c0f", "#475569")
BAR_STEP = 24  # pixels per country: a bar and its name stay readable, and the chart grows with the countries
TOP_NAMED = 3  # countries named in the summary sentence


@dataclass(frozen=True)
class CountryCount:
    """How many of the shown records one country shared at one plenary ("" when a record has none)."""

    country: str  # the canonical name the records and the country filter hold ("Panamá")
    plenary: str
    count: int


@dataclass
class PracticeCounts:
    """The shown records counted by country and plenary, in the chart's order."""

    cells: list[CountryCount] = field(default_factory=list)  # countries by total (most first), plenaries in order
    totals: list[tuple[str, int]] = field(default_factory=list)  # (country, its records), most first
    plenaries: list[str] = field(default_factory=list)  # in order (IV before V before X)
    records: int = 0  # records shown, each once
    without_country: int = 0  # records that credit organisations only (no bar can hold them)


def count_practices(records) -> PracticeCounts:
    """Gives the records (ingest.practices.PracticeRecord) counted by country and plenary.

    A record shared by several countries counts once for each: each bar is what that country shared, as the
    country filter finds it.
    """
    cells: Counter = Counter()
    without_country = 0
    for record in records:
        if not record.countries:
            without_country += 1
        for country in dict.fromkeys(record.countries):  # a country named twice in one record counts once
            cells[(country, record.plenary or "")] += 1
    totals: Counter = Counter()
    for (country, _), n in cells.items():
        totals[country] += n
    order = sorted(totals, key=lambda c: (-totals[c], fold(c)))
    plenaries = sorted({p for _, p in cells}, key=lambda p: (p == "", roman_value(p), p))
    rank = {p: i for i, p in enumerate(plenaries)}
    place = {c: i for i, c in enumerate(order)}
    ordered = sorted(cells.items(), key=lambda item: (place[item[0][0]], rank[item[0][1]]))
    return PracticeCounts(cells=[CountryCount(c, p, n) for (c, p), n in ordered],
                          totals=[(c, totals[c]) for c in order], plenaries=plenaries,
                          records=len(records), without_country=without_country)


def plenary_label(plenary: str, lang: str) -> str:
    return plenary or t("chart_no_plenary", lang)


def summary_sentence(counts: PracticeCounts, lang: str) -> str:
    """Gives the chart in one sentence: how many records and countries, the countries with most, the rest."""
    top = ", ".join(f"{country_label(c, lang)} ({n})" for c, n in counts.totals[:TOP_NAMED])
    text = t("chart_summary", lang, records=counts.records, countries=len(counts.totals), top=top)
    if counts.without_country:
        text += " " + t("chart_without_country", lang, n=counts.without_country)
    return text


def chart_spec(counts: PracticeCounts, lang: str) -> dict:
    """Gives the Vega-Lite spec of the chart (as a dict), in the interface language."""
    return json.loads(build_chart(counts, lang).to_json())


def build_chart(counts: PracticeCounts, lang: str):
    """Gives the altair chart: stacked horizontal bars by country and plenary, each country's total at its end."""
    import altair as alt  # ~0.5 s the first time: only once the Practices tab draws its chart

    labels = {c: country_label(c, lang) for c, _ in counts.totals}
    axis_title, legend_title = t("chart_axis", lang), t("chart_legend", lang)
    rows = [{"value": cell.country, "country": labels[cell.country], "plenary": cell.plenary,
             "plenary_label": plenary_label(cell.plenary, lang), "rank": counts.plenaries.index(cell.plenary),
             "count": cell.count, "aria": cell_label(cell, lang)} for cell in counts.cells]
    totals = [{"value": c, "country": labels[c], "plenary": "", "total": n,
               "aria": f"{labels[c]}, {t('chart_total', lang).lower()}: {n}"} for c, n in counts.totals]
    y = alt.Y("country:N", sort=[labels[c] for c, _ in counts.totals], title=None,
              axis=alt.Axis(labelLimit=150, labelFontSize=12, ticks=False, domain=False))

    ticks = count_ticks(counts.totals[0][1])

    def x(field):  # both layers share one count axis: whole practices only (Vega would mark halves), from zero
        return alt.X(f"{field}:Q", stack="zero" if field == "count" else None, title=axis_title,
                     scale=alt.Scale(domain=[0, ticks[-1]]), axis=alt.Axis(values=ticks, format="d", labelFlush=False))

    plenaries = [plenary_label(p, lang) for p in counts.plenaries]
    bars = alt.Chart(alt.Data(values=rows)).mark_bar(cursor="pointer").encode(
        y=y, x=x("count"),
        color=alt.Color("plenary_label:N", title=legend_title,
                        scale=alt.Scale(domain=plenaries, range=list(PLENARY_COLOURS[:len(plenaries)])),
                        legend=alt.Legend(orient="bottom", direction="horizontal", labelFontSize=12, titleFontSize=12)),
        order=alt.Order("rank:Q"),
        tooltip=[alt.Tooltip("country:N", title=t("practices_country", lang)),
                 alt.Tooltip("plenary_label:N", title=legend_title),
                 alt.Tooltip("count:Q", title=axis_title)],
        description="aria:N",  # what a screen reader says of a bar (Vega-Lite would list raw field names)
    )
    ends = alt.Chart(alt.Data(values=totals)).mark_text(align="left", dx=4, fontSize=12, cursor="pointer").encode(
        y=y, x=x("total"), text=alt.Text("total:Q"), color=alt.value("#1e293b"), description="aria:N")
    return alt.layer(bars, ends).properties(
        title=alt.TitleParams(t("chart_label", lang), anchor="start", fontSize=14, fontWeight="bold"),
        width="container", height=alt.Step(BAR_STEP), description=summary_sentence(counts, lang),
        # the page reads a clicked bar's data from the drawing, which only an SVG drawing keeps per bar
        usermeta={"embedOptions": {"renderer": "svg", "actions": False}},
    ).configure_view(stroke=None).configure_axis(labelColor="#1e293b", titleColor="#1e293b", titleFontSize=12)


def count_ticks(most: int) -> list[int]:
    """Gives the count axis's ticks up to the longest bar: whole numbers, at most about a dozen of them."""
    step = 1
    while most / step > 12:
        step = step * 5 // 2 if str(step)[0] == "2" else step * 2  # 1, 2, 5, 10, 20, 50, 100...
    return list(range(0, step * -(-most // step) + 1, step))


def cell_label(cell: CountryCount, lang: str) -> str:
    """Gives one bar segment in words ("2: practices of Chile, plenary V")."""
    at = f'{t("chart_legend", lang).lower()} {cell.plenary}' if cell.plenary else t("chart_no_plenary", lang).lower()
    return t("chart_cell", lang, n=cell.count, country=country_label(cell.country, lang), plenary=at)


# -- the text beside the chart: its summary, the filter it set, its data as a table of buttons ---------------

def chart_text_html(counts: PracticeCounts | None, lang: str, picked: dict | None = None) -> str:
    """Gives the chart's text alternative: a summary sentence, the button that removes the chart's filter (when
    a bar set one), and the counts as a table whose countries and counts are buttons that filter like the bars.

    picked is the filter a bar set ({"country": "Chile", "plenary": "IV"}), or None.
    """
    if counts is None or not counts.totals:
        return '<div class="pc-chart-text" data-countries="0"></div>'
    parts = [f'<p class="pc-chart-summary">{escape(summary_sentence(counts, lang))} '
             f'{escape(t("chart_hint", lang))}</p>']
    if picked:
        what = country_label(picked["country"], lang) + (f" · {picked['plenary']}" if picked.get("plenary") else "")
        parts.append(f'<button type="button" class="pc-chart-clear" data-clear="1">'
                     f'{escape(t("chart_clear", lang, what=what))}</button>')
    parts.append(_data_table(counts, lang))
    filtered = escape(json.dumps(picked or {}, ensure_ascii=False))
    return (f'<div class="pc-chart-text" data-countries="{len(counts.totals)}" data-picked="{filtered}">'
            f'{"".join(parts)}</div>')


def _data_table(counts: PracticeCounts, lang: str) -> str:
    by_cell = {(cell.country, cell.plenary): cell.count for cell in counts.cells}
    heads = "".join(f'<th scope="col">{escape(plenary_label(p, lang))}</th>' for p in counts.plenaries)
    rows = []
    for country, total in counts.totals:
        name = escape(country_label(country, lang))
        value = escape(country, quote=True)
        cells = []
        for plenary in counts.plenaries:
            n = by_cell.get((country, plenary), 0)
            if not n:
                cells.append("<td>0</td>")
                continue
            label = escape(cell_label(CountryCount(country, plenary, n), lang), quote=True)
            cells.append(f'<td><button type="button" data-country="{value}" data-plenary="{escape(plenary, quote=True)}"'
                         f' aria-label="{label}">{n}</button></td>')
        rows.append(f'<tr><th scope="row"><button type="button" data-country="{value}" data-plenary="">{name}'
                    f'</button></th>{"".join(cells)}<td>{total}</td></tr>')
    return (f'<details class="pc-chart-data"><summary>{escape(t("chart_data", lang))}</summary>'
            f'<table><caption>{escape(t("chart_data_caption", lang))}</caption>'
            f'<thead><tr><th scope="col">{escape(t("practices_country", lang))}</th>{heads}'
            f'<th scope="col">{escape(t("chart_total", lang))}</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></details>')


# Run once when the text component mounts (gr.HTML's js_on_load: `element` is the component, `trigger` sends
# one of its events to Python). A bar is a <path> of Vega's SVG drawing, which keeps the row it was drawn from
# on the element (__data__.datum): its country value and plenary go to Python as the event's data.
CHART_JS = """
const send = (data) => trigger("click", data);
element.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-country], button[data-clear]");
  if (!button || !element.contains(button)) return;
  send(button.dataset.clear ? {clear: true} : {country: button.dataset.country, plenary: button.dataset.plenary});
});
window.puenteChartPick = send;
if (!window.puenteChartListening) {
  window.puenteChartListening = true;
  document.addEventListener("click", (event) => {
    const mark = event.target.closest && event.target.closest(
      "#practices-chart svg .mark-rect path, #practices-chart svg .mark-text text");
    const datum = mark && mark.__data__ && mark.__data__.datum;
    if (datum && datum.value && window.puenteChartPick) {
      window.puenteChartPick({country: datum.value, plenary: datum.plenary || ""});
    }
  });
}
"""

# The page's CSS for the chart (app.py adds it to ui.render.CSS). Gradio centres an altair chart in a flex box,
# where a chart as wide as its container measures nothing: the drawing takes the box's whole width instead. While
# Gradio loads Vega (the first chart of a page), it shows a placeholder whose aria-label axe rejects: hidden.
CHART_CSS = """
#practices-chart .altair.layout {align-items: stretch;}
#practices-chart .vega-embed {width: 100%;}
#practices-chart .empty {display: none;}
#practices-chart-text .html-container {padding: 0;}
.pc-chart-summary {margin: 0 0 6px;}
.pc-chart-clear {border: 1px solid var(--button-primary-background-fill); color: var(--button-primary-background-fill);
  background: var(--background-fill-primary); border-radius: 999px; padding: 4px 12px; margin: 0 0 6px;
  font-weight: 600; cursor: pointer;}
.pc-chart-clear::before {content: "✕ "; }
.pc-chart-data summary {cursor: pointer; color: var(--body-text-color);}
.pc-chart-data table {border-collapse: collapse; margin-top: 6px; font-size: 0.92em;}
.pc-chart-data caption {text-align: left; padding-bottom: 4px;}
.pc-chart-data th, .pc-chart-data td {text-align: left; padding: 2px 8px; border-top: 1px solid var(--border-color-primary);}
.pc-chart-data td {text-align: right;}
.pc-chart-data button {background: none; border: none; padding: 0; color: inherit; font: inherit;
  text-decoration: underline; cursor: pointer;}
"""
