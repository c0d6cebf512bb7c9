"""A result card's ways out (ui/render.py, ui/context.py, ui/export.py): read the passage in context, cite it,
copy its link, open its document at the page, export the results for a reference manager. Pure helpers on
inline data; tests/test_cards_browser.py drives the same in Chromium."""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from search.citation import apa, chicago
from search.passages import PassageInContext
from search.records import Hit
from search.sources import document_link, file_address, original_pdf
from ui.context import cite_html, context_html
from ui.export import write_exports
from ui.render import card_html
from ui.search_tab import Shown, export_file

MARKUP = '<img src=x onerror="alert(1)">'


def hit(**fields) -> Hit:
    values = dict(text="Chile presentó su Sistema de Alerta Temprana.", score=0.9, doc_id="V-2024",
                  title="Informe de la V Reunión Plenaria CRM-CSM", plenary="V", year=2024, section="SESIÓN 3",
                  page=None, source="", highlight="", chunk_id="V-2024:0035", city="Bogotá, Colombia")
    return Hit(**{**values, **fields})


def test_each_card_offers_context_cite_and_link_in_the_interface_language():
    spanish, english = card_html(3, hit(), "es"), card_html(3, hit(), "en")
    assert 'data-chunk="V-2024:0035"' in spanish
    for html, words in ((spanish, ("Leer en contexto", "Citar", "Copiar el enlace", 'aria-label="Resultado 3"')),
                        (english, ("Read in context", "Cite", "Copy link", 'aria-label="Result 3"'))):
        assert all(word in html for word in words)
        assert html.count('data-pc-action="') == 3 and html.count('aria-haspopup="dialog"') == 2
    assert "pc-open" not in spanish  # no PDF, no web address: nothing to open


def test_a_card_links_to_its_pdf_at_the_page_or_to_its_web_address():
    on_pdf = card_html(1, hit(doc_id="VI 2025/prueba", page=7), "en", has_pdf=True)
    assert 'href="api/documents/VI%202025%2Fprueba/file#page=7"' in on_pdf and "Open the PDF at p. 7" in on_pdf
    assert "(opens in a new tab)" in on_pdf and 'target="_blank"' in on_pdf
    linked = card_html(1, hit(source="https://example.org/informe.pdf", page=3), "es")
    assert 'class="pc-action pc-open" href="https://example.org/informe.pdf"' in linked
    assert "Abrir el documento" in linked
    assert "pc-open" not in card_html(1, hit(source="javascript:alert(1)"), "es")


def test_a_document_link_prefers_the_served_pdf_and_never_leaves_the_corpus_folder(tmp_path):
    corpus = (tmp_path / "corpus").resolve()
    corpus.mkdir()
    (corpus / "informe.pdf").write_bytes(b"%PDF-1.7")
    (tmp_path / "secreto.pdf").write_bytes(b"%PDF-1.7")
    (corpus / "fuera.pdf").symlink_to(tmp_path / "secreto.pdf")
    doc = lambda path: SimpleNamespace(path=path)  # noqa: E731
    assert original_pdf(corpus, doc("informe.pdf")) == corpus / "informe.pdf"
    for outside in ("../secreto.pdf", "fuera.pdf", "informe.txt", "falta.pdf", ""):
        assert original_pdf(corpus, doc(outside)) is None, outside
    assert original_pdf(corpus, None) is None
    on_pdf = hit(page=4, source="https://example.org/x.pdf")
    assert document_link(on_pdf, has_pdf=True) == "api/documents/V-2024/file#page=4"
    assert document_link(on_pdf, has_pdf=True, base="http://h/") == "http://h/api/documents/V-2024/file#page=4"
    assert document_link(on_pdf, has_pdf=False) == "https://example.org/x.pdf"
    assert file_address("V-2024") == "api/documents/V-2024/file"


def test_the_context_view_puts_the_passage_between_its_neighbours_marked_and_escaped():
    before = [hit(chunk_id="V-2024:0033", text="Primero."), hit(chunk_id="V-2024:0034", text=f"Antes {MARKUP}")]
    after = [hit(chunk_id="V-2024:0036", text="Después.", section="SESIÓN 4")]
    found = PassageInContext(hit(page=12), before, after)
    html = context_html(found, "en", doc_lang="es", has_pdf=True)
    order = [html.index(text) for text in ("Primero.", "Antes", "Chile presentó", "Después.")]
    assert order == sorted(order)
    assert html.count('aria-current="true"') == 1 and 'id="pc-context-current"' in html
    current = html[html.index('id="pc-context-current"'):html.index("Después.")]
    assert "The passage cited" in current and "Chile presentó" in current
    assert "<img" not in html and "&lt;img" in html
    assert "SESIÓN 4" in html and 'lang="es"' in html
    assert 'data-pc-action="context"' not in html  # already in context: cite, copy link, open the PDF
    assert 'data-pc-action="cite"' in html and "api/documents/V-2024/file#page=12" in html
    assert "Pasaje citado" in context_html(found, "es")


def test_the_cite_view_gives_apa_and_chicago_in_the_interface_language_with_copy_buttons():
    passage = hit(page=12, source="https://example.org/v.pdf", title=f"Informe {MARKUP}")
    for lang, words in (("es", ("Copiar la cita APA", "Copiar la cita Chicago", "Sección «SESIÓN 3»", "RIS o BibTeX")),
                        ("en", ("Copy the APA citation", "Copy the Chicago citation", "Section “SESIÓN 3”",
                                "RIS or BibTeX"))):
        html = cite_html(passage, lang, doc_lang="es")
        assert all(word in html for word in words), lang
        assert apa(passage, lang).html("es") in html and chicago(passage, lang).html("es") in html
        assert 'data-copy="pc-cite-apa"' in html and 'id="pc-cite-apa"' in html
        assert "<img" not in html


def test_the_results_export_as_ris_and_bibtex_for_reference_managers(tmp_path, monkeypatch):
    rispy = pytest.importorskip("rispy")
    database = pytest.importorskip("pybtex.database")
    from ui import export

    monkeypatch.setattr(export, "_EXPORT_DIR", tmp_path)
    hits = [hit(), hit(chunk_id="V-2024:0040", page=5, section="SESIÓN 4 & más")]
    shown = Shown("alertas tempranas", hits, {}, languages={"V-2024": "es"})
    ris_path, bib_path = Path(export_file(shown, "ris")), Path(export_file(shown, "bib"))
    assert ris_path.name == "puente-alertas-tempranas.ris" and bib_path.name == "puente-alertas-tempranas.bib"
    records = rispy.loads(ris_path.read_text(encoding="utf-8"))
    assert [r["id"] for r in records] == ["V-2024:0035", "V-2024:0040"]
    assert all(r["title"] == "Informe de la V Reunión Plenaria CRM-CSM" and r["language"] == "es" for r in records)
    entries = database.parse_string(bib_path.read_text(encoding="utf-8"), "bibtex").entries
    assert list(entries) == ["V-2024:0035", "V-2024:0040"] and r"SESIÓN 4 \& más" in entries["V-2024:0040"].fields["note"]
    assert not ris_path.read_bytes().startswith(b"\xef\xbb\xbf")  # no byte-order mark before TY
    csv_path, json_path = write_exports(hits, "q", {}, tmp_path)  # CSV and JSON as before, by default
    assert csv_path.suffix == ".csv" and json.loads(json_path.read_text(encoding="utf-8"))["hits"]


def test_a_comparison_exports_the_passages_of_both_columns_as_ris_and_bibtex(tmp_path, monkeypatch):
    rispy = pytest.importorskip("rispy")
    database = pytest.importorskip("pybtex.database")
    from ui import export
    from ui.compare_tab import Side, compare_export_file

    monkeypatch.setattr(export, "_EXPORT_DIR", tmp_path)
    fourth = dict(doc_id="IV-2023", plenary="IV", year=2023, city="Ciudad de Panamá, Panamá",
                  title="Informe de la IV Reunión Plenaria CRM-CSM")
    left = [hit(**fourth, chunk_id="IV-2023:0012", page=7), hit(**fourth, chunk_id="IV-2023:0020", page=9)]
    right = [hit(chunk_id="V-2024:0040", page=5, section="SESIÓN 4 & más")]
    sides = [Side("IV", Shown("campaña Darién", left, {"plenary": ["IV"]}, languages={"IV-2023": "es"})),
             Side("V", Shown("campaña Darién", right, {"plenary": ["V"]}, languages={"V-2024": "en"}))]
    ris_path, bib_path = Path(compare_export_file(sides, "ris")), Path(compare_export_file(sides, "bib"))
    assert ris_path.name == "puente-compare-campaña-Darién.ris" and bib_path.suffix == ".bib"
    records = rispy.loads(ris_path.read_text(encoding="utf-8"))
    # every passage of both columns, the left one's first, each with its own report, plenary, page and language
    assert [(r["id"], r["secondary_title"], r["start_page"], r["language"]) for r in records] == [
        ("IV-2023:0012", "IV Plenaria", "7", "es"), ("IV-2023:0020", "IV Plenaria", "9", "es"),
        ("V-2024:0040", "V Plenaria", "5", "en")]
    assert records[0]["title"] == "Informe de la IV Reunión Plenaria CRM-CSM"
    assert left[0].citation() in records[0]["notes"] and right[0].citation() in records[2]["notes"]
    entries = database.parse_string(bib_path.read_text(encoding="utf-8"), "bibtex").entries
    assert list(entries) == ["IV-2023:0012", "IV-2023:0020", "V-2024:0040"]
    assert entries["IV-2023:0012"].fields["howpublished"] == "IV Plenaria, Ciudad de Panamá, Panamá"
    assert entries["V-2024:0040"].fields["language"] == "english"
    assert r"SESIÓN 4 \& más" in entries["V-2024:0040"].fields["note"]
    # the same plenary on both sides: each passage once, and BibTeX still reads the file
    same = [Side("V", Shown("q", right)), Side("V", Shown("q", right))]
    assert [r["id"] for r in rispy.loads(Path(compare_export_file(same, "ris")).read_text(encoding="utf-8"))] == [
        "V-2024:0040"]
    assert list(database.parse_string(Path(compare_export_file(same, "bib")).read_text(encoding="utf-8"),
                                      "bibtex").entries) == ["V-2024:0040"]
    # nothing found on either side: nothing to export
    nothing = [Side("IV", Shown("q", message=("compare_pick", {}))), Side("V", Shown("q"))]
    assert compare_export_file(nothing, "ris") is None and compare_export_file(nothing, "bib") is None
