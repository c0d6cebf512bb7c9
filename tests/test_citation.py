"""Citations of a passage (search.citation): the short one, APA and Chicago in both interface languages, and RIS and
BibTeX records that reference managers' own parsers read back (rispy, pybtex), on inline hits."""
from __future__ import annotations

import re

import pytest

from search.citation import apa, bibtex, bibtex_escape, chicago, ris, short
from search.records import Hit

URL = "https://example.org/informes/vi_plenaria%20final.pdf"


def report(**changes) -> Hit:
    fields = dict(text="Chile presentó su Sistema de Alerta Temprana.", score=None, doc_id="V-2024",
                  title="Informe de la V Reunión Plenaria CRM-CSM", plenary="V", year=2024,
                  section="SESIÓN 3: GESTIÓN FRONTERIZA", page=12, source="Conferencia Regional sobre Migración",
                  highlight="", chunk_id="V-2024:0035", city="Bogotá, Colombia")
    return Hit(**{**fields, **changes})


def law(**changes) -> Hit:
    fields = dict(text="Artículo 111. ...", score=None, doc_id="ley-migracion-mx", title="Ley de Migración",
                  plenary=None, year=2011, section="Título Sexto", page=43, source=URL, highlight="",
                  chunk_id="ley-migracion-mx:0107", article="111", country="México", doc_type="law")
    return Hit(**{**fields, **changes})


def test_the_short_citation_is_the_one_hits_carry():
    hit = report()
    assert hit.citation() == short(hit) == ("Informe de la V Reunión Plenaria CRM-CSM · V Plenaria (Bogotá, Colombia, "
                                            "2024) · SESIÓN 3: GESTIÓN FRONTERIZA · p. 12")
    assert short(report(page=None), "en").endswith("· unpaginated")
    assert short(report(page=None)).endswith("· sin paginación")
    assert law().citation() == "Ley de Migración (México), art. 111, p. 43"


def test_apa_in_spanish_and_english_names_report_plenary_city_year_section_page_and_url():
    hit = report(source=URL, page_end=13)
    assert apa(hit, "es").text() == ("Informe de la V Reunión Plenaria CRM-CSM (V Plenaria, Bogotá, Colombia). (2024). "
                                     "Sección «SESIÓN 3: GESTIÓN FRONTERIZA», pp. 12–13. " + URL)
    assert apa(hit, "en").text() == ("Informe de la V Reunión Plenaria CRM-CSM (V Plenary, Bogotá, Colombia). (2024). "
                                     "Section “SESIÓN 3: GESTIÓN FRONTERIZA”, pp. 12–13. " + URL)
    # no URL when the source is a publisher's name; no date said as APA says it
    assert "http" not in apa(report()).text()
    assert "(s. f.)" in apa(report(year=None), "es").text() and "(n.d.)" in apa(report(year=None), "en").text()
    assert "sin paginación" in apa(report(page=None), "es").text()


def test_chicago_in_spanish_and_english_gives_a_note_with_the_bare_page():
    hit = report(source=URL)
    assert chicago(hit, "es").text() == ("Informe de la V Reunión Plenaria CRM-CSM (V Plenaria, Bogotá, Colombia, 2024), "
                                         "sección «SESIÓN 3: GESTIÓN FRONTERIZA», 12, " + URL + ".")
    assert chicago(hit, "en").text().startswith("Informe de la V Reunión Plenaria CRM-CSM (V Plenary, Bogotá, Colombia, "
                                                "2024), section “SESIÓN 3: GESTIÓN FRONTERIZA”, 12, ")
    assert chicago(report(page=None), "en").text().endswith(", 12, n.p.") is False
    assert chicago(report(page=None), "en").text().endswith("”, n.p.")  # one full stop, not two
    assert chicago(report(page=None), "es").text().endswith("», s. p.")


def test_a_law_is_cited_by_its_article_and_country():
    assert apa(law(), "en").text() == f"Ley de Migración (México). (2011). Art. 111, p. 43. {URL}"
    assert chicago(law(), "es").text() == f"Ley de Migración (México) (2011), art. 111, 43, {URL}."


def test_the_html_form_escapes_report_text_and_sets_the_title_in_italics_in_its_language():
    hit = report(title='Informe <b>"A&B"</b>', section="<script>x</script>")
    html = apa(hit, "en").html("es")
    assert html.startswith('<i lang="es">Informe &lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;</i>')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert apa(hit, "en").text().startswith('Informe <b>"A&B"</b>')  # the copied text is the report's own


# -- RIS ---------------------------------------------------------------------------------------------------------

def test_ris_records_parse_with_their_required_tags_and_accents():
    rispy = pytest.importorskip("rispy")
    text = ris([report(source=URL, page_end=13), law()], {"V-2024": "es"})
    assert text.startswith("TY  - RPRT\r\n") and "\r\nER  - \r\n" in text
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in text.splitlines() if line)
    first, second = rispy.loads(text)
    assert first["type_of_reference"] == "RPRT" and second["type_of_reference"] == "STAT"
    assert first["title"] == "Informe de la V Reunión Plenaria CRM-CSM"  # accents kept
    assert first["year"] == "2024" and first["place_published"] == "Bogotá, Colombia"
    assert (first["start_page"], first["end_page"]) == ("12", "13")
    assert first["urls"] == [URL] and first["language"] == "es" and first["id"] == "V-2024:0035"
    assert "SESIÓN 3: GESTIÓN FRONTERIZA" in " ".join(first["notes"])
    assert second["title"] == "Ley de Migración (México)" and "art. 111" in " ".join(second["notes"])


def test_ris_values_stay_on_one_line_whatever_the_report_holds():
    rispy = pytest.importorskip("rispy")
    text = ris([report(title="Informe\nde la V\r\nReunión & {Plenaria}", section="ER  - \nTY  - JOUR")])
    [record] = rispy.loads(text)
    assert record["title"] == "Informe de la V Reunión & {Plenaria}"
    assert record["type_of_reference"] == "RPRT" and text.count("TY  - ") == 1


# -- BibTeX ------------------------------------------------------------------------------------------------------

def _unescape(value: str) -> str:
    """The LaTeX escapes bibtex_escape writes, read back."""
    for escaped, char in ((r"\textbackslash{}", "\\"), (r"\textasciitilde{}", "~"), (r"\textasciicircum{}", "^"),
                          (r"\textbraceleft{}", "{"), (r"\textbraceright{}", "}")):
        value = value.replace(escaped, char)
    return re.sub(r"\\([&%$#_])", r"\1", value)


def test_bibtex_entries_parse_and_keep_accents_and_case():
    database = pytest.importorskip("pybtex.database")
    text = bibtex([report(source=URL, page_end=13), law()], {"V-2024": "es"})
    parsed = database.parse_string(text, "bibtex")  # strict: a syntax error raises
    entry = parsed.entries["V-2024:0035"]
    assert entry.type == "misc"
    assert entry.fields["title"] == "{Informe de la V Reunión Plenaria CRM-CSM}"  # braces keep its capitals
    assert entry.fields["year"] == "2024" and entry.fields["address"] == "Bogotá, Colombia"
    assert entry.fields["pages"] == "12--13" and entry.fields["url"] == URL
    assert entry.fields["howpublished"] == "V Plenaria, Bogotá, Colombia" and entry.fields["language"] == "spanish"
    assert "SESIÓN 3: GESTIÓN FRONTERIZA" in entry.fields["note"]
    assert parsed.entries["ley-migracion-mx:0107"].fields["note"] == "art. 111, p. 43"


def test_bibtex_escapes_braces_ampersands_and_latex_specials():
    database = pytest.importorskip("pybtex.database")
    nasty = "Informe {sobre} A & B: 100% de $x$ #1 a_b ~ ^ \\ fin}"
    text = bibtex([report(title=nasty, section="Sesión {3", chunk_id="V 2024/0035,{x}")])
    parsed = database.parse_string(text, "bibtex")
    [(key, entry)] = parsed.entries.items()
    assert re.fullmatch(r"[A-Za-z0-9:._-]+", key)
    assert _unescape(entry.fields["title"][1:-1]) == nasty
    assert r"\&" in entry.fields["title"] and r"\textbraceleft{}sobre\textbraceright{}" in entry.fields["title"]
    assert _unescape(entry.fields["note"]) == "sección «Sesión {3», p. 12"
    assert bibtex_escape("Reunión ñandú") == "Reunión ñandú"


def test_a_url_with_braces_or_backslashes_cannot_break_its_bibtex_field():
    database = pytest.importorskip("pybtex.database")
    text = bibtex([report(source="https://example.org/a}b{c\\d.pdf")])
    entry = next(iter(database.parse_string(text, "bibtex").entries.values()))
    assert entry.fields["url"] == "https://example.org/a%7Db%7Bc%5Cd.pdf"
