"""Practices at a glance (ui/practices_chart.py): the counts behind the chart, its spec and its text alternative,
from records written inline."""
from __future__ import annotations

import re
from html import unescape

from ingest.practices import PracticeRecord
from ui.practices_chart import CountryCount, chart_spec, chart_text_html, count_practices, count_ticks


def record(name, countries, plenary, **fields):
    return PracticeRecord(name=name, countries=list(countries), plenary=plenary, doc_id=f"{plenary}-doc", **fields)


RECORDS = [
    record("Sistema de Alerta Temprana", ["Chile"], "V"),
    record("Ventanilla de empleo", ["Chile"], "IV"),
    record("Registro consular", ["Chile", "Perú"], "V"),  # shared by two: counts for each
    record("Programa Frontera", ["Panamá"], "IV"),
    record("Guía de retorno", ["Panamá"], "X"),  # plenaries order by number: IV, V, X
    record("Campaña regional", [], "V", organisations=["OIM"]),  # no country: no bar holds it
    record("Mesa técnica", ["Perú"], None),
]


def test_records_are_counted_by_country_and_plenary_most_first_plenaries_in_order():
    counts = count_practices(RECORDS)
    assert counts.totals == [("Chile", 3), ("Panamá", 2), ("Perú", 2)]
    assert counts.plenaries == ["IV", "V", "X", ""]
    assert counts.cells == [CountryCount("Chile", "IV", 1), CountryCount("Chile", "V", 2),
                            CountryCount("Panamá", "IV", 1), CountryCount("Panamá", "X", 1),
                            CountryCount("Perú", "V", 1), CountryCount("Perú", "", 1)]
    assert counts.records == 7 and counts.without_country == 1
    assert count_practices([]).totals == []


def test_the_chart_spec_holds_the_counts_in_the_interface_language_and_draws_as_svg():
    counts = count_practices(RECORDS)
    for lang, country, axis, nobody in (("es", "Panamá", "Prácticas", "Sin plenaria"),
                                        ("en", "Panama", "Practices", "No plenary")):
        spec = chart_spec(counts, lang)
        bars, ends = (layer["data"]["values"] for layer in spec["layer"])
        assert {(row["country"], row["plenary_label"], row["count"]) for row in bars} >= {
            (country, "IV", 1), (country, "X", 1), ("Chile", "V", 2)}
        assert all(row["value"] in {"Chile", "Panamá", "Perú"} for row in bars)  # what the filter takes
        assert [(row["country"], row["total"]) for row in ends][:2] == [("Chile", 3), (country, 2)]
        assert nobody in {row["plenary_label"] for row in bars}
        assert axis in str(spec["layer"][0]["encoding"]["x"])
        assert spec["usermeta"]["embedOptions"]["renderer"] == "svg"
        assert "7" in spec["description"] and "Chile (3)" in spec["description"]
        assert spec["title"]["text"] in ("Prácticas por país y plenaria", "Practices by country and plenary")


def test_the_text_alternative_sums_up_the_chart_and_lists_every_count_as_a_button():
    counts = count_practices(RECORDS)
    html = unescape(chart_text_html(counts, "en"))
    assert "Practices in the table: 7; countries sharing them: 3" in html and "Chile (3)" in html
    assert "With no country, organisations only: 1." in html
    assert re.search(r'<button type="button" data-country="Panamá" data-plenary="">Panama</button>', html)
    assert 'aria-label="2: practices of Chile, plenary V">2</button>' in html
    assert "pc-chart-clear" not in html  # no filter set from the chart yet
    picked = chart_text_html(counts, "es", {"country": "Panamá", "plenary": "IV"})
    assert "Quitar el filtro del gráfico: Panamá · IV" in picked
    assert chart_text_html(None, "es").count("<button") == 0


def test_the_count_axis_marks_whole_practices_only():
    assert count_ticks(1) == [0, 1]
    assert count_ticks(12) == list(range(13))
    assert count_ticks(13) == [0, 2, 4, 6, 8, 10, 12, 14]
    assert count_ticks(2400)[:3] == [0, 200, 400]
    assert count_ticks(58) == [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]
