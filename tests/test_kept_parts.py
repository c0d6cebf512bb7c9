"""What cleaning used to drop, kept in its place: photo captions as caption passages, footnotes in the passage
of the paragraph citing them, an attendance list as one passage per delegation. Inline texts first (invented
names and layouts), then the two bundled reports, the real report-like PDFs, and searches with the real model."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.attendance import Delegation, split_attendance
from ingest.chunking import chunk_sections
from ingest.clean import clean_pages
from ingest.records import DocumentMeta
from ingest.structure import build_sections
from tests.conftest import PROJECT_ROOT

REAL_PDFS = PROJECT_ROOT.parent / "shared" / "realpdfs"
META = DocumentMeta(doc_id="T", title="Informe de prueba", language="es")


def _passages(pages: list[tuple[int | None, str]], meta: DocumentMeta = META):
    return chunk_sections(meta, build_sections(clean_pages(pages)))


# ---------------------------------------------------------------- photo captions

def test_a_photo_caption_is_a_caption_passage_of_its_section_not_glued_to_the_prose():
    page = ("SESIÓN 2: MOVILIDAD LABORAL\n\n"
            "Los participantes acordaron fortalecer los programas de movilidad laboral temporal y\n"
            "Ana Pérez Gómez, asesora regional, PNUD. Foto: ONU.\n"
            "ampliar los acuerdos bilaterales entre los países de origen y de destino.\n")
    passages = _passages([(3, page)])
    [caption] = [p for p in passages if p.role == "caption"]
    assert caption.text == "Ana Pérez Gómez, asesora regional, PNUD. Foto: ONU."
    assert caption.section == "SESIÓN 2: MOVILIDAD LABORAL" and caption.page == 3
    [body] = [p for p in passages if not p.role]
    # the sentence the caption interrupted reads whole, without the caption inside it
    assert "movilidad laboral temporal y ampliar los acuerdos bilaterales" in body.text
    assert "PNUD" not in body.text


def test_a_left_to_right_caption_over_two_lines_is_kept_and_a_bare_credit_or_running_header_is_not():
    page = ("From left to right: John Smith, Director, Ministry of Labour; Mary Jones,\n"
            "Adviser, UNHCR. Photo: IOM.\n\n"
            "Photo: IOM.\n\n"
            "Third Plenary · Lima, May 2022 · Photo: IOM.\n\n"
            "The delegations discussed return and reintegration programmes for migrant workers.\n")
    passages = _passages([(1, page)], DocumentMeta(doc_id="E", title="Report", language="en"))
    assert [p.text for p in passages if p.role == "caption"] == [
        "From left to right: John Smith, Director, Ministry of Labour; Mary Jones, Adviser, UNHCR. Photo: IOM."]
    assert [p.text for p in passages if not p.role] == [
        "The delegations discussed return and reintegration programmes for migrant workers."]


# ---------------------------------------------------------------- footnotes

def test_a_footnote_joins_the_passage_of_the_paragraph_that_cites_it_without_its_marker():
    pages = [(1, "La reunión contó con representantes de organismos observadores2 y de la sociedad civil.\n"
                 "El debate se centró en la migración laboral y en la protección de la niñez migrante.\n\n"
                 "2 Agencia Uno, Agencia Dos y Fondo Tres.\n"),
             (2, "SESIÓN 1\n\nLos países presentaron sus políticas de integración laboral.\n")]
    passages = _passages(pages)
    [cited] = [p for p in passages if "observadores" in p.text]
    assert cited.text.splitlines()[-1] == "Nota: Agencia Uno, Agencia Dos y Fondo Tres."
    assert "observadores2" not in cited.text and "observadores y de la sociedad civil" in cited.text
    assert not any(p.text.startswith("2 Agencia") for p in passages)


def test_a_footnote_at_the_foot_of_a_page_reaches_a_paragraph_from_the_page_before():
    pages = [(1, "The ministers agreed on a regional framework for labour mobility.1 They also agreed to\n"
                 "meet again next year.\n"),
             (2, "The framework covers seasonal workers.\n\n1 Signed in Lima in 2021 by eleven governments.\n")]
    passages = _passages(pages, DocumentMeta(doc_id="E", title="Report", language="en"))
    [cited] = [p for p in passages if "regional framework" in p.text]
    assert "Note: Signed in Lima in 2021 by eleven governments." in cited.text
    assert "mobility.1" not in cited.text


def test_numbered_lines_that_no_marker_cites_stay_where_they_are():
    text = ("Artículo 5. Los plazos son los siguientes:\n\n"
            "13 de esta Ley, cuando proceda la regularización.\n\n"
            "1 Países participantes: Belice y Chile.\n")
    paragraphs = clean_pages([(None, text)])
    assert [p.text for p in paragraphs] == ["Artículo 5. Los plazos son los siguientes:",
                                             "13 de esta Ley, cuando proceda la regularización.",
                                             "1 Países participantes: Belice y Chile."]
    assert not any(p.notes for p in paragraphs)


# ---------------------------------------------------------------- attendance lists

ATTENDANCE = """ANNEX 2. LIST OF PARTICIPANTS
Member States
No. Country Name Position Institution
1 Chile Ana María Soto Director of Migration Ministry of the Interior
2 Chile Pedro Rojas Adviser Ministry of Foreign
Affairs

3 República
Dominicana

Luis Peña
Castillo

Vice-minister Ministry of Foreign Affairs
4 Uruguay Marta Díaz Consul Embassy of Uruguay
5 Uruguay Jorge Ruiz Counsellor Embassy of Uruguay
Observers
6 UNHCR Laura Kim Regional Adviser UNHCR
7 UNHCR Omar Haddad Protection Officer UNHCR


ANNEX 3. PHOTOGRAPHS
"""


def test_an_attendance_list_becomes_one_record_per_delegation_with_its_country():
    pieces = split_attendance([(40, ATTENDANCE)])
    delegations = [piece for _, piece in pieces if isinstance(piece, Delegation)]
    assert [(d.name, d.country, d.group, len(d.members)) for d in delegations] == [
        ("Chile", "Chile", "Member States", 2), ("República Dominicana", "República Dominicana", "Member States", 1),
        ("Uruguay", "Uruguay", "Member States", 2), ("UNHCR", "", "Observers", 2)]
    assert delegations[1].members == ["República Dominicana, Luis Peña Castillo, "
                                      "Vice-minister Ministry of Foreign Affairs"]
    text = "\n".join(piece for _, piece in pieces if isinstance(piece, str))
    assert "ANNEX 2. LIST OF PARTICIPANTS" in text and "ANNEX 3. PHOTOGRAPHS" in text
    assert "Ana María Soto" not in text  # the rows left the prose


def test_each_delegation_is_a_passage_scoped_to_its_country_in_the_annex_section():
    passages = _passages([(40, ATTENDANCE)], DocumentMeta(doc_id="E", title="Report", language="en"))
    delegations = [p for p in passages if p.role == "delegation"]
    assert [p.countries for p in delegations] == [["Chile"], ["República Dominicana"], ["Uruguay"], []]
    assert delegations[0].text.splitlines() == [
        "Chile — Member States", "• Chile Ana María Soto Director of Migration Ministry of the Interior",
        "• Chile Pedro Rojas Adviser Ministry of Foreign Affairs"]
    assert delegations[0].section == "ANNEX 2. LIST OF PARTICIPANTS"
    assert "Attendance list: delegation of Chile" in delegations[0].context


@pytest.mark.parametrize("text", [
    # figures, not people
    "Table 3. Migrants by country\nNo. Country Name 1990 2000\n" + "".join(
        f"{n} Country{n} 12.5 13.{n} 14.0 15.1\n" for n in range(1, 8)),
    # a numbered list without a header or title saying attendance
    "Steps of the procedure\n" + "".join(f"{n} Chile presents form number {n} to the office\n" for n in range(1, 8)),
])
def test_numbered_runs_that_are_not_attendance_lists_are_left_as_text(text):
    assert all(isinstance(piece, str) for _, piece in split_attendance([(1, text)]))


# ---------------------------------------------------------------- the bundled reports

@pytest.fixture(scope="module")
def report_passages():
    from ingest.corpus import discover
    from ingest.kinds import cut_document
    from ingest.readers import read_pages
    from index.pipeline import DEFAULT_CHUNKING

    return {meta.doc_id: cut_document(meta, read_pages(path), DEFAULT_CHUNKING).chunks
            for path, meta in discover([PROJECT_ROOT / "corpus"])}


def test_the_2023_attendance_annex_gives_one_passage_per_delegation(report_passages):
    delegations = [p for p in report_passages["IV-2023"] if p.role == "delegation"]
    [guatemala] = [p for p in delegations if p.countries == ["Guatemala"]]
    assert guatemala.text.startswith("Guatemala — Participantes de la CRM")
    assert "Geovani René Castillo Polanco" in guatemala.text and guatemala.text.count("\n• ") == 4
    assert {p.section for p in delegations} == {"ANEXO 1. LISTADOS DE ASISTENCIA"}
    assert any(p.text.startswith("ACNUR — Participantes Organismos Observadores") for p in delegations)


def test_the_2024_observers_footnote_is_in_the_passage_that_mentions_them(report_passages):
    [passage] = [p for p in report_passages["V-2024"] if "organizaciones internacionales observadoras" in p.text]
    assert "Nota: CICR, OIT, OIM, ACNUR, UNICEF, SEGIB, SELA" in passage.text
    assert "Coalición Internacional contra la Detención (IDC)" in passage.text
    assert "observadoras2" not in passage.text and not passage.role


def test_the_2024_photo_captions_are_caption_passages_in_their_sessions(report_passages):
    captions = [p for p in report_passages["V-2024"] if p.role == "caption"]
    assert len(captions) >= 10
    [saenz] = [p for p in captions if "Johanna Sáenz, asesora regional, PNUD" in p.text]
    assert saenz.part == "introductory session"
    assert not any("Foto: OIM" in p.text for p in report_passages["V-2024"] if p.role != "caption")


# ---------------------------------------------------------------- real report-like PDFs

REPORT_LIKE = sorted(REAL_PDFS.glob("rep-*.pdf"))


@pytest.mark.skipif(not REPORT_LIKE, reason="../shared/realpdfs is not there")
def test_real_laws_guidelines_and_papers_get_no_caption_or_delegation_and_papers_keep_their_footnotes():
    from ingest.corpus import discover
    from ingest.kinds import cut_document
    from ingest.readers import read_pages
    from index.pipeline import DEFAULT_CHUNKING

    notes = {}
    for path, meta in discover(REPORT_LIKE):
        passages = cut_document(meta, read_pages(path), DEFAULT_CHUNKING).chunks
        assert not [p.text[:60] for p in passages if p.role], path.name
        notes[path.name] = sum(p.text.count("Nota: ") + p.text.count("Note: ") for p in passages)
    assert notes["rep-es-pe-pucp-dt396-demanda-oferta-agregada.pdf"] >= 8
    assert notes["rep-en-lean-times-peruvian-economy.pdf"] >= 15


# ---------------------------------------------------------------- searches a user makes

@pytest.mark.parametrize("query", ["¿Quién representó a Guatemala en la IV plenaria?",
                                   "Who was on Guatemala's delegation at the 2023 plenary?"])
def test_who_represented_a_country_finds_its_delegation_in_the_first_three(searcher, query):
    hits = searcher.search(query, k=3)
    assert any(h.role == "delegation" and h.doc_id == "IV-2023" and "Guatemala —" in h.text for h in hits)


@pytest.mark.parametrize("query", ["¿Qué organismos observadores participaron en la V plenaria?",
                                   "Which international organisations attended the 2024 plenary as observers?"])
def test_the_observer_organisations_question_finds_the_footnoted_paragraph(searcher, query):
    hits = searcher.search(query, k=5)
    assert any("CICR, OIT, OIM, ACNUR, UNICEF, SEGIB, SELA" in h.text for h in hits)


def test_a_caption_card_and_a_delegation_card_say_what_they_are(searcher):
    from ui.render import card_html

    [caption] = [h for h in searcher.search("Johanna Sáenz asesora regional PNUD", k=5) if h.role == "caption"]
    assert "Pie de foto" in card_html(1, caption, "es") and "Photo caption" in card_html(1, caption, "en")
    [delegation] = [h for h in searcher.search("delegación de Guatemala lista de asistencia", k=5)
                    if h.role == "delegation" and "Guatemala —" in h.text][:1]
    assert "Delegation (attendance list)" in card_html(1, delegation, "en")
