"""Good-practice records: the gazetteer, extraction from both real reports, storage, filters, search, CLI.

The hand reference, tests/data/practices_reference.jsonl, was made by reading the two seed texts
(/work/shared/seeds/000_*.txt = corpus/crm-csm-v-plenaria-2024.txt, 001_*.txt = corpus/crm-csm-iv-plenaria-2023.txt)
line by line, not the extractor's output: one row per item of a list of "buenas prácticas, políticas y
herramientas" printed after a session (2024: the "Name | Holder" lines of lines 515-1045; 2023: the "•" items under
the capitalised "BUENAS PRÁCTICAS ... / POLÍTICAS y HERRAMIENTAS ..." titles of lines 265-699), an item wrapped over
two lines counted once; prose that mentions practices (the CAN's message, the roadmaps, the 2023 annex 2) and the
footnotes that detail an item (2024 notes 5 and 6) are not items. The 2024 counts were checked against the lone
"•" glyphs its text layer prints after each list (one per item). Each row gives the line the item starts on, its
session (the session whose summary precedes the list and whose leader matches: the 2024 text prints some lists
before their own heading), its countries and organisations, and in `evidence` how the country was decided: the
holder after "|" or " - " (also an organisation's country: "OIM Colombia", "Defensoría del Pueblo de Panamá"), a
country or abbreviation in the name ("en Ecuador", "RD"), a national body ("SENAFRONT", "MPPRE"), the session's
leader when the item is about that country ("territorio peruano" in the session "dirigido por Perú"), or the web
address the report prints for the item when it is a government's (mp.gob.ve, gov.br, migracion.go.cr) or names a
member ("…/costa-rica-municipalidad-de-coto-brus"). A region ("América del Sur", "Centroamérica"), an organisation
alone (CRM, CSM, ACNUR) or nothing at all gives no country. Organisations are those the item itself names (holder,
name, a "(iom.int)" site). The texts have no page breaks, so every page is null; pages are checked on the same
texts cut into pages (test_records_on_paginated_text_carry_the_page_of_their_line). To recheck by hand:
`python -m bench.practices_audit` prints the counts and every difference.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest

from index import store
from index.build import build_index
from index.embedder import HashEmbedder
from ingest.corpus import discover
from ingest.gazetteer import (canonical_country, canonical_organisation, countries_coded, countries_named,
                              country_of_site, fold, organisations_named)
from ingest.practices import (PracticeRecord, extract_practices, is_list_title, link_passages, parse_item,
                              session_leaders)
from ingest.records import Chunk, DocumentMeta, Page
from search.filters import canonical_plenary, canonical_session, canonical_value
from search.practices import PracticeFinder, find_practices, format_table
from search.searcher import FilterError
from tests.conftest import CORPUS_DIR, PROJECT_ROOT

REFERENCE = [json.loads(line) for line in
             (PROJECT_ROOT / "tests" / "data" / "practices_reference.jsonl").read_text(encoding="utf-8").splitlines()]
# Hand counts, session by session (the reference's). The 2024 report lists nothing after session 2 (its
# footnote 4 says so); its session 4 list is printed in two runs (4 items before the "SESIÓN 4" heading, 9 after).
HAND_COUNTS = {doc_id: dict(Counter(r["session"] for r in REFERENCE if r["doc_id"] == doc_id))
               for doc_id in ("IV-2023", "V-2024")}


@pytest.fixture(scope="module")
def reports() -> dict[str, tuple[DocumentMeta, str]]:
    return {meta.doc_id: (meta, path.read_text(encoding="utf-8")) for path, meta in discover([CORPUS_DIR])}


@pytest.fixture(scope="module")
def records(reports) -> dict[str, list[PracticeRecord]]:
    return {doc_id: extract_practices(meta, text) for doc_id, (meta, text) in reports.items()}


def _one(records: list[PracticeRecord], name_start: str) -> PracticeRecord:
    found = [r for r in records if r.name.startswith(name_start)]
    assert len(found) == 1, (name_start, [r.name for r in found])
    return found[0]


# ---------------------------------------------------------------- gazetteer

def test_countries_in_spanish_english_and_without_accents_have_one_canonical_name():
    assert countries_named("Panama, PANAMÁ y Panamá") == ["Panamá"]
    assert countries_named("Dominican Republic; Brazil; United States of America") == \
        ["Estados Unidos", "República Dominicana", "Brasil"]
    assert countries_named("EE. UU., EE.UU y EEUU") == ["Estados Unidos"]
    assert countries_named("Guatemala /El Salvador /Honduras", text_order=True) == ["Guatemala", "El Salvador",
                                                                                    "Honduras"]
    assert countries_named("el país usa la ruta de Nuevo México; los chilenos") == []
    for typed, canonical in [("panama", "Panamá"), ("Peru", "Perú"), ("BRAZIL", "Brasil"), ("belize", "Belice"),
                             ("Dominican Republic", "República Dominicana"), ("EE. UU.", "Estados Unidos"),
                             ("USA", "Estados Unidos"), ("Suriname", "Surinam"), ("República de Panamá", "Panamá")]:
        assert canonical_country(typed) == canonical, typed
    assert canonical_country("Narnia") is None and canonical_country("Haití") is None


def test_chunking_uses_the_one_gazetteer():
    import ingest.chunking
    import ingest.gazetteer

    assert ingest.chunking.countries_named is ingest.gazetteer.countries_named
    assert len(ingest.gazetteer.COUNTRIES) == 23


@pytest.mark.parametrize("text, expected", [
    ("La OIM, el ACNUR y la ONUDD", ["OIM", "ACNUR", "ONUDD"]),
    ("IOM, UNHCR, ILO, OAS, ICRC, UNODC, UNDP", ["OIM", "ACNUR", "OIT", "OEA", "CICR", "ONUDD", "PNUD"]),
    ("International Organization for Migration and the Organización Internacional del Trabajo", ["OIM", "OIT"]),
    ("CRM / RNCOM", ["CRM", "RROCM"]),
    ("Acuerdo Mercosur, Portal del SICA, UNICEF", ["UNICEF", "SICA", "MERCOSUR"]),
    ("see iom.int, they can help", []),  # a site name and the English verb are not organisations
])
def test_organisations_are_found_by_acronym_or_name_in_both_languages(text, expected):
    assert organisations_named(text) == expected


def test_organisation_names_canonicalise_to_the_spanish_acronym():
    assert canonical_organisation("IOM") == canonical_organisation("oim") == "OIM"
    assert canonical_organisation("UN Refugee Agency") == "ACNUR"
    assert canonical_organisation("Regional Conference on Migration") == "CRM"
    assert canonical_organisation("Narnia") is None


# ---------------------------------------------------------------- items and lists (no report needed)

@pytest.mark.parametrize("line, name, countries, organisations", [
    ("Acuerdo Centroamericano de Libre Movilidad (CA-4) | Guatemala /El Salvador /Honduras /Nicaragua",
     "Acuerdo Centroamericano de Libre Movilidad (CA-4)", ["Guatemala", "El Salvador", "Honduras", "Nicaragua"], []),
    ("Política exterior feminista | Chile; Colombia", "Política exterior feminista", ["Chile", "Colombia"], []),
    ("Convenio bilateral para la búsqueda de menores | Colombia y Venezuela", "Convenio bilateral para la búsqueda "
     "de menores", ["Colombia", "Venezuela"], []),
    ("• Ley contra la Trata de personas (CONATT) - Costa Rica", "Ley contra la Trata de personas (CONATT)",
     ["Costa Rica"], []),
    ("• Centro Intégrate | OIM Colombia (iom.int)", "Centro Intégrate", ["Colombia"], ["OIM"]),
    ("• Ciudades Solidarias | ACNUR", "Ciudades Solidarias", [], ["ACNUR"]),
    ("• Campaña Corazón Azul (corazon-azul.org)", "Campaña Corazón Azul", [], []),
    ("• Plan Vuelta a la Patria - MPPRE", "Plan Vuelta a la Patria", ["Venezuela"], []),
    ("• Decreto Ejecutivo 112 - Permiso Temporal de Protección para extranjeros",
     "Decreto Ejecutivo 112 - Permiso Temporal de Protección para extranjeros", [], []),
    ("• Liber App – Véase Con LibertApp, cualquier persona puede denunciar la trata de personas en Colombia | "
     "OIM Colombia (iom.int)", "Liber App", ["Colombia"], ["OIM"]),
    ("• Campaña de información sobre fraude de inmigración y estafas de visas Canadá",
     "Campaña de información sobre fraude de inmigración y estafas de visas Canadá", ["Canadá"], []),
    ("Cooperación regional contra la trata | EE. UU.", "Cooperación regional contra la trata", ["Estados Unidos"], []),
])
def test_an_item_gives_its_name_countries_and_organisations(line, name, countries, organisations):
    record = parse_item(line)
    assert (record.name, record.countries, record.organisations) == (name, countries, organisations)
    assert record.source_line == line


def test_list_titles_of_both_formats_are_recognised():
    assert is_list_title("Buenas prácticas, políticas y herramientas compartidas durante la sesión:")
    assert is_list_title("Herramientas compartidas durante la sesión:")
    assert is_list_title("POLÍTICAS y HERRAMIENTAS DE LOS PAÍSES EN MATERIA DE MEDIO AMBIENTE Y CAMBIO CLIMÁTICO")
    assert not is_list_title("Los países compartieron buenas prácticas y herramientas en la sesión.")
    assert not is_list_title("4 En todas las sesiones los Países Miembros compartieron buenas prácticas, políticas "
                             "y herramientas:")


def test_wrapped_items_a_url_block_and_an_untitled_pipe_list_are_handled():
    text = """SESIÓN 1. OBSERVATORIO

La sesión trató de datos.

BUENAS PRÁCTICAS y HERRAMIENTAS DE LOS PAÍSES

• Capacitan en Derechos Humanos de los migrantes | Defensoría
del Pueblo de Panamá (defensoria.gob.pa)

• Consejo Nacional contra la Trata |
Uruguay

https://www.example.org/consejo

• Proyecto Turquesa

SESIÓN 2. FRONTERAS

Texto de la segunda sesión sobre fronteras y migración.

Emisión de salvoconductos | Guatemala

Sistema de Alerta Temprana | Chile
"""
    meta = DocumentMeta(doc_id="T", title="Prueba", plenary="IV", year=2023)
    found = extract_practices(meta, text)
    assert [(r.session, r.name, r.countries) for r in found] == [
        ("session 1", "Capacitan en Derechos Humanos de los migrantes", ["Panamá"]),
        ("session 1", "Consejo Nacional contra la Trata", ["Uruguay"]),
        ("session 1", "Proyecto Turquesa", []),
        ("session 2", "Emisión de salvoconductos", ["Guatemala"]),
        ("session 2", "Sistema de Alerta Temprana", ["Chile"]),
    ]
    assert found[0].holder == "Defensoría del Pueblo de Panamá"
    assert {(r.plenary, r.year, r.doc_id) for r in found} == {("IV", 2023, "T")}
    assert [r.practice_id for r in found] == [f"T:p{i:03d}" for i in range(5)]


def test_prose_after_a_list_is_not_glued_to_its_last_item():
    from ingest.clean import Paragraph
    from ingest.practices import practice_lists

    paragraphs = [Paragraph("4 Nota al pie | con barra"), Paragraph("A | Chile"), Paragraph("B | Perú"),
                  Paragraph("que se enfrentan los países en materia de migración, según se dijo en la sesión.")]
    [(title, items)] = practice_lists(paragraphs)
    assert title == "" and [p.text for p in items] == ["A | Chile", "B | Perú"]


# ---------------------------------------------------------------- who shared an item: rules (no report needed)

def test_a_holder_of_country_codes_alone_names_its_countries_and_codes_in_prose_do_not():
    assert countries_coded("GT / SV / HN") == ["Guatemala", "El Salvador", "Honduras"]
    assert countries_coded("CRI; PAN y MEX") == ["Costa Rica", "Panamá", "México"]
    assert countries_coded("SR Pérez") == [] and countries_coded("Guatemala") == []
    assert parse_item("Tarjeta de movilidad regional | GT / SV / HN").countries == ["Guatemala", "El Salvador",
                                                                                    "Honduras"]
    assert parse_item("• Ventanilla única - CRI").countries == ["Costa Rica"]
    assert parse_item("• Plan SR 2030").countries == []  # a code inside a name is not a holder
    assert countries_named("Solicitud de refugio en R. D. y en Rep. Dom.") == ["República Dominicana"]


@pytest.mark.parametrize("url, country", [
    ("https://www.migracion.gob.pa/inicio/noticias/1008", "Panamá"), ("http://mp.gob.ve/manual.pdf", "Venezuela"),
    ("https://www.gov.br/mre/es", "Brasil"), ("https://www.gub.uy/ministerio", "Uruguay"),
    ("https://www.municotobrus.go.cr/articulo/74", "Costa Rica"), ("https://www.cic.gc.ca/x", "Canadá"),
    ("https://www.uscis.gov/x", "Estados Unidos"), ("https://www.gob.mx/inm", "México"),
    # a university, a newspaper, an international organisation's country office: not the government
    ("https://www.observatoriotrata.ac.cr/observatorio", None), ("https://diarioelsalvador.com/x", None),
    ("https://colombia.iom.int/es/news", None), ("https://www.gob.es/x", None),
])
def test_a_government_site_names_its_country(url, country):
    assert country_of_site(url) == country


def test_the_leaders_of_a_session_are_read_from_its_prose():
    from ingest.clean import Paragraph

    def leaders(*texts):
        return session_leaders([Paragraph(t) for t in texts])

    assert leaders("La quinta sesión estuvo liderada por Argentina y Chile, quienes recalcaron la ...") == \
        ["Argentina", "Chile"]
    assert leaders("Perú y Brasil dirigieron una sesión sobre asistencia consular.") == ["Perú", "Brasil"]
    assert leaders("La presentación inicial de El Salvador se centró en las remesas.") == ["El Salvador"]
    assert leaders("Chile led the session on early warning.") == ["Chile"]
    # no session word, a list item, a country only mentioned: no leader
    assert leaders("Las campañas dirigidas por Colombia a los migrantes.") == []
    assert leaders("Chile enfatizó la importancia de la sesión.", "Plan de retorno | Perú") == []


LEADER_TEXT = """SESIÓN 2. MIGRACIÓN IRREGULAR

En la segunda sesión, el diálogo estuvo dirigido por Perú y se encaminó hacia la exposición de buenas prácticas.

BUENAS PRÁCTICAS, POLÍTICAS y HERRAMIENTAS DE LOS PAÍSES

• Procesos de consulta a población venezolana en territorio peruano, 2020 -2021

• Observatorio de la población venezolana

• App Tránsito Seguro
"""


def test_an_item_about_the_country_that_led_its_session_is_that_countrys():
    found = extract_practices(DocumentMeta(doc_id="T", title="T"), LEADER_TEXT)
    assert [(r.name[:20], r.countries, r.country_source) for r in found] == [
        ("Procesos de consulta", ["Perú"], "leader"),  # "peruano" and Perú led: Perú, not Venezuela
        ("Observatorio de la p", [], ""),  # a demonym of a country that did not lead says nothing
        ("App Tránsito Seguro", [], ""),  # the leader alone is not who shared every item
    ]


LINK_TEXT = """SESIÓN 5. MEDIO AMBIENTE

La sesión trató de desastres y de migración en la región.

POLÍTICAS y HERRAMIENTAS DE LOS PAÍSES EN MATERIA DE MEDIO AMBIENTE

• Política Migratoria para la acogida humanitaria de haitianos

• Protocolo de Atención a Situaciones Migratorias Especiales

• Perfil de Gobernanza de la Migración: Municipalidad de Coto Brus

• Observatorio de Trata

• Plan de Acción Climática - Chile

https://www.gov.br/mre/es/politica-migratoria-para-la-acogida-humanitaria-de-haitianos
https://www.migracion.go.cr/Protocolo_Atencion_Situaciones_Migratorias_Especiales.pdf
https://www.migrationdataportal.org/es/overviews/mgi/costa-rica-municipalidad-de-coto-brus
https://www.observatoriotrata.ac.cr/observatorio-de-trata
https://www.gob.mx/plan-de-accion-climatica-chile
"""


def test_the_address_the_report_cites_for_an_item_says_whose_it_is():
    found = extract_practices(DocumentMeta(doc_id="T", title="T"), LINK_TEXT)
    assert [(r.countries, r.country_source) for r in found] == [
        (["Brasil"], "link"),  # Brazil's government site
        (["Costa Rica"], "link"),  # Costa Rica's migration service
        (["Costa Rica"], "link"),  # the address names the country
        ([], ""),  # a university's site is not a government's
        (["Chile"], "holder"),  # the holder comes first: the link is never read over it
    ]
    # sections alone carry no addresses: the same items without them
    from ingest.clean import clean_pages
    from ingest.structure import build_sections

    sections = build_sections(clean_pages([(None, LINK_TEXT)]))
    assert [r.countries for r in extract_practices(DocumentMeta(doc_id="T", title="T"), sections)] == \
        [[], [], [], [], ["Chile"]]


def test_a_record_links_to_the_passage_of_its_section_that_prints_it_whole():
    record = PracticeRecord(name="Lineamientos Regionales de Protección", doc_id="D", section="SESIÓN 5", page=None,
                            source_line="• Lineamientos Regionales de Protección a Personas Desplazadas - CSM")
    chunks = [Chunk("D:0001", "D", "Lineamientos Regionales de Protección a Personas Desplazadas", section="SESIÓN 3",
                    page=3),
              Chunk("D:0002", "D", "Se citaron los «Lineamientos Regionales de Protección a Personas» ya adoptados.",
                    section="SESIÓN 5", page=4),
              Chunk("D:0003", "D", "POLÍTICAS:\n• Lineamientos Regionales de Protección a Personas Desplazadas - CSM",
                    section="SESIÓN 5", page=5),
              Chunk("E:0001", "E", "Lineamientos Regionales de Protección a Personas Desplazadas - CSM",
                    section="SESIÓN 5", page=1)]
    [linked] = link_passages([record], chunks)
    assert (linked.chunk_id, linked.page) == ("D:0003", 5)  # its own section, the passage holding it whole


def test_a_list_continued_on_the_next_page_starts_a_passage_there():
    from ingest.chunking import chunk_document

    pages = [Page(1, "SESIÓN 1. GOBERNANZA\n\nTexto de la sesión sobre gobernanza.\n\nBUENAS PRÁCTICAS y "
                     "HERRAMIENTAS DE LOS PAÍSES\n\n• Sistema de Alerta Temprana - Chile\n"),
             Page(2, "• Consulados móviles - Guatemala\n\n• Plan Retorno - Perú\n")]
    meta = DocumentMeta(doc_id="T", title="T", doc_type="report")
    chunks = chunk_document(meta, pages)
    records = link_passages(extract_practices(meta, pages), chunks)
    pages_of = {c.chunk_id: c.page for c in chunks}
    assert [(r.name, r.page, pages_of[r.chunk_id]) for r in records] == [
        ("Sistema de Alerta Temprana", 1, 1), ("Consulados móviles", 2, 2), ("Plan Retorno", 2, 2)]


# ---------------------------------------------------------------- the real reports

@pytest.mark.parametrize("doc_id", sorted(HAND_COUNTS))
def test_records_per_session_match_the_hand_count(records, doc_id):
    assert dict(Counter(r.session for r in records[doc_id])) == HAND_COUNTS[doc_id]


def test_totals_per_report(records):
    assert {doc_id: len(found) for doc_id, found in records.items()} == {"IV-2023": 43, "V-2024": 58}


@pytest.fixture(scope="module")
def parsed(reports):
    """Each report cut the way `python -m ingest` cuts it: records with their passages."""
    from index.pipeline import DEFAULT_CHUNKING
    from ingest.kinds import cut_document

    return {doc_id: cut_document(meta, [Page(None, text)], DEFAULT_CHUNKING) for doc_id, (meta, text) in reports.items()}


def _start(text: str) -> str:
    return " ".join(fold(text).replace("«", " ").replace("»", " ").split()[:5])


@pytest.mark.parametrize("doc_id", sorted(HAND_COUNTS))
def test_records_match_the_hand_reference_one_to_one(parsed, doc_id):
    """Every practice of the reference is one record, in its session, with the countries and organisations the
    report gives it near the item (its holder, its name, its session's leader, the address it cites)."""
    records = parsed[doc_id].practices
    rows = [r for r in REFERENCE if r["doc_id"] == doc_id]
    assert len(records) == len(rows)
    for row, record in zip(rows, records):  # both in report order
        assert (record.session, _start(record.name)) == (row["session"], _start(row["name"])), row["name"]
        assert record.countries == row["countries"], (row["name"], row["evidence"])
        assert sorted(record.organisations) == sorted(row["organisations"]), row["name"]
    with_country = [r for r in rows if r["countries"]]
    assert len(with_country) == {"IV-2023": 28, "V-2024": 53}[doc_id]  # before: 21 and 53


@pytest.mark.parametrize("doc_id", sorted(HAND_COUNTS))
def test_every_record_links_to_the_passage_that_prints_it(parsed, doc_id):
    chunks = {c.chunk_id: c for c in parsed[doc_id].chunks}
    for record in parsed[doc_id].practices:
        chunk = chunks[record.chunk_id]  # every record has one, of its own document
        assert chunk.section == record.section and chunk.page == record.page, record.name
        assert _start(record.name) in " ".join(fold(chunk.text).replace("«", " ").replace("»", " ").split())


@pytest.mark.parametrize("doc_id", sorted(HAND_COUNTS))
def test_records_on_paginated_text_carry_the_page_of_their_line(reports, doc_id):
    """The seed texts have no page breaks: cut into pages of about 80 lines (at blank lines, as a PDF's would
    fall), each record gives the page its reference line is on, and so does its passage."""
    from index.pipeline import DEFAULT_CHUNKING
    from ingest.kinds import cut_document

    meta, text = reports[doc_id]
    lines = text.splitlines()
    starts = [0]
    for mark in range(80, len(lines), 80):
        blank = next((j for j in range(mark, len(lines)) if not lines[j].strip()), None)
        if blank is not None and blank > starts[-1]:
            starts.append(blank)
    pages = [Page(n + 1, "\n".join(lines[a:b])) for n, (a, b) in enumerate(zip(starts, starts[1:] + [len(lines)]))]
    cut = cut_document(meta, pages, DEFAULT_CHUNKING)
    chunks = {c.chunk_id: c for c in cut.chunks}
    rows = [r for r in REFERENCE if r["doc_id"] == doc_id]
    assert len(cut.practices) == len(rows)
    for row, record in zip(rows, cut.practices):
        page = sum(1 for start in starts if start < row["line"])  # row["line"] is 1-based
        assert (record.page, chunks[record.chunk_id].page) == (page, page), row["name"]


def test_multi_country_items_give_every_country(records):
    v2024 = records["V-2024"]
    assert _one(v2024, "Acuerdo Centroamericano de Libre Movilidad").countries == \
        ["Guatemala", "El Salvador", "Honduras", "Nicaragua"]
    assert _one(v2024, "Política exterior feminista").countries == ["Chile", "Colombia"]
    assert _one(v2024, "Proyecto Tarjeta Migratoria").countries == ["El Salvador", "Guatemala", "Honduras"]
    # wrapped over two lines in the text layer, a footnote marker between them
    labour = _one(v2024, "Proyectos de Movilidad Laboral")
    assert labour.name.endswith("Programa Regional sobre Migración")
    assert labour.countries == ["Costa Rica", "El Salvador", "Estados Unidos"]
    assert _one(v2024, "Instrumento Regional para la Identificación").organisations == ["CRM", "RROCM"]


def test_2023_items_in_their_several_formats(records):
    iv2023 = records["IV-2023"]
    assert _one(iv2023, "Ley contra la Trata de personas").countries == ["Costa Rica"]
    assert _one(iv2023, "Campaña Corazón Azul").countries == []
    intégrate = _one(iv2023, "Centro Intégrate")
    assert (intégrate.countries, intégrate.organisations, intégrate.session) == (["Colombia"], ["OIM"], "session 6")
    uruguay = _one(iv2023, "Consejo Nacional de Prevención y Combate")  # "... |" then "Uruguay" on the next line
    assert uruguay.countries == ["Uruguay"] and uruguay.session == "session 3"
    assert _one(iv2023, "El Convenio Centroamericano").organisations == ["SICA"]
    assert _one(iv2023, "Política Nacional de Migración y Extranjería de Chile").session == "session 5"


def test_lists_printed_before_their_session_heading_belong_to_that_session(records, reports):
    raw = reports["V-2024"][1].splitlines()

    def line_of(prefix: str) -> int:
        return next(i for i, line in enumerate(raw) if line.strip().startswith(prefix))

    # In the text layer these lists come after the previous session's heading and before their own.
    for item, heading, previous_heading in [
        ("Mejorar la formación de los funcionarios", "SESIÓN 5:", "SESIÓN 4:"),
        ("Acuerdo del Consejo Mundial de Cooperativas", "SESIÓN 4:", "SESIÓN 3:"),
        ("Servicios consulares virtuales", "SESIÓN 8:", "SESIÓN 7:"),
    ]:
        assert line_of(previous_heading) < line_of(item) < line_of(heading), item
        record = _one(records["V-2024"], item)
        assert record.session == f"session {heading[7]}"
        assert record.section.startswith(heading)


def test_every_record_carries_its_citation(records, reports):
    for doc_id, found in records.items():
        meta, text = reports[doc_id]
        flat = re.sub(r"«\s+", "«", " ".join(text.split()))
        for record in found:
            assert (record.doc_id, record.plenary, record.year) == (doc_id, meta.plenary, meta.year)
            assert record.section and record.section.upper().startswith("SESIÓN")
            assert record.name and record.source_line and record.page is None
            assert " ".join(record.name.split()[:4]) in flat, record.name


def test_sections_from_the_structure_module_give_the_same_records(records, reports):
    from ingest.clean import clean_pages
    from ingest.structure import build_sections

    meta, text = reports["V-2024"]
    sections = build_sections(clean_pages([(None, text)]))
    assert extract_practices(meta, sections) == records["V-2024"]


# ---------------------------------------------------------------- storage (tiny deterministic embedder)

def test_practices_are_stored_in_the_generation_with_checksums(tmp_path, records):
    embedder = HashEmbedder()
    meta = DocumentMeta(doc_id="V-2024", title="V", plenary="V", year=2024)
    chunks = [Chunk(chunk_id="V-2024:0000", doc_id="V-2024", text="Sistema de Alerta Temprana | Chile")]
    report = build_index(tmp_path, [(meta, chunks)], embedder=embedder, settings={"faiss": "flat"},
                         practices=records["V-2024"])
    data = store.load_generation(report.generation)
    assert data.practices == records["V-2024"] and report.practices == 58
    assert data.practice_vectors.shape == (58, embedder.info.dimension)
    assert np.allclose(np.linalg.norm(data.practice_vectors, axis=1), 1.0, atol=1e-5)
    assert data.manifest.counts["practices"] == 58
    assert {"practices.jsonl", "practice_vectors.npy"} <= set(data.manifest.files)

    again = build_index(tmp_path, [(meta, chunks)], embedder=embedder, settings={"faiss": "flat"},
                        practices=records["V-2024"])
    assert again.embedded == 0  # every vector reused from the live generation

    with open(again.generation / "practices.jsonl", "a", encoding="utf-8") as handle:
        handle.write("{}\n")
    with pytest.raises(store.IndexCorruptError, match="practices.jsonl"):
        store.load_generation(again.generation)


def test_a_finder_filters_without_a_model(records):
    finder = PracticeFinder(records["IV-2023"] + records["V-2024"], None)
    panama_iv = finder.find(country="panama", plenary=4)
    assert panama_iv and all(m.record.countries == ["Panamá"] and m.record.plenary == "IV" for m in panama_iv)
    assert len(finder.find(session="Sesión 8", plenary="V")) == 9
    assert len(finder.find(session=8)) == 9
    assert [m.record.name for m in finder.find(country="Dominican Republic")] == \
        ["Solicitud de Refugio en RD", "Estrategias de plataformas digitales para agilizar los servicios de remesas"]
    assert finder.find(country="Paraguay") == []  # a member that shared nothing: no records, no error
    with pytest.raises(FilterError, match="known values: Argentina, Belice"):
        finder.find(country="Narnia")
    with pytest.raises(FilterError, match="known values: IV, V"):
        finder.find(plenary="IX")
    with pytest.raises(FilterError, match="known filters"):
        finder.find(colour="blue")
    assert "Perú" in format_table(finder.find(country="Peru"))


def test_filter_values_are_read_as_people_type_them():
    assert canonical_session(3) == canonical_session("3") == canonical_session("Sesión 3") == "session 3"
    assert canonical_session("session 3") == canonical_session("SESION 3") == "session 3"
    assert canonical_session("Sesión introductoria") == "introductory session"
    assert canonical_plenary(4) == canonical_plenary("iv") == canonical_plenary("IV-2023") == "IV"
    assert canonical_value("country", "PANAMA") == "Panamá"
    assert canonical_value("language", "Spanish") == "es" and canonical_value("doc_type", "informe") == "report"


# ---------------------------------------------------------------- search over the real index (real model)

def test_passage_filters_combine_and_accept_any_spelling(searcher):
    query = "campaña de comunicación sobre los riesgos de cruzar el Darién"
    unfiltered = searcher.search(query, k=10)
    assert {h.plenary for h in unfiltered} == {"IV", "V"}
    filtered = searcher.search(query, k=10, plenary="IV", country="Panamá")
    assert filtered
    countries = {c.chunk_id: c.countries for c in searcher.data.chunks}
    for hit in filtered:
        assert hit.plenary == "IV" and "Panamá" in countries[hit.chunk_id]
    for spelling in ("panama", "Panama", "PANAMÁ"):
        assert [h.chunk_id for h in searcher.search(query, k=10, plenary=4, country=spelling)] == \
            [h.chunk_id for h in filtered]


def test_session_is_another_name_for_part(searcher):
    expected = [h.chunk_id for h in searcher.search("alertas tempranas", k=5, part="session 3")]
    assert expected
    for value in (3, "3", "session 3", "Sesión 3"):
        hits = searcher.search("alertas tempranas", k=5, session=value)
        assert [h.chunk_id for h in hits] == expected
        assert {h.part for h in hits} == {"session 3"}


def test_unknown_filter_values_list_the_known_ones(searcher):
    with pytest.raises(FilterError, match=r"country='Narnia'; known values: .*panama"):
        searcher.search("migración", country="Narnia")
    with pytest.raises(FilterError, match=r"session=99; known values: .*session 8"):
        searcher.search("migración", session=99)
    with pytest.raises(FilterError, match="known filters: .*session"):
        searcher.search("migración", colour="blue")


def test_consular_assistance_finds_the_peruvian_virtual_consulates_by_meaning(real_index, embedder):
    finder = PracticeFinder.open(real_index, embedder=embedder)
    assert len(finder.practices) == 101
    top = finder.find("consular assistance", k=3)
    assert any(m.record.name.startswith("Servicios consulares virtuales") and m.record.countries == ["Perú"]
               for m in top), [m.record.name for m in top]
    assert all(m.score is not None for m in top) and top[0].score >= top[-1].score


def test_a_python_call_returns_records_filtered_and_ranked(real_index, embedder):
    found = find_practices(real_index, "sistema de alerta temprana", k=1, embedder=embedder)
    assert found[0].name == "Sistema de Alerta Temprana" and found[0].countries == ["Chile"]
    assert {r.plenary for r in find_practices(real_index, country="El Salvador", embedder=embedder)} == {"IV", "V"}


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "search", *args], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=300)


def test_cli_lists_practices_as_json_or_a_table(real_index):
    result = _cli("--index", str(real_index), "--practices", "--country", "Panama", "--plenary", "IV", "--json")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    # Capacitación USFROH-SENAFRONT, the Defensoría's training and Decreto Ejecutivo 112 (its cited address is
    # Panamá's migration service)
    assert len(rows) == 3 and all(r["countries"] == ["Panamá"] and r["plenary"] == "IV" for r in rows)
    assert all(r["chunk_id"].startswith("IV-2023:") for r in rows)
    table = _cli("--index", str(real_index), "--practices", "--session", "Sesión 3", "--plenary", "V")
    assert table.returncode == 0, table.stderr
    assert "Sistema de Alerta Temprana" in table.stdout and "Guatemala" in table.stdout
    assert len([line for line in table.stdout.splitlines() if re.match(r"^V \(2024\)", line)]) == 5


def test_cli_unknown_country_is_one_line_on_stderr(real_index):
    result = _cli("--index", str(real_index), "--practices", "--country", "Narnia")
    assert result.returncode == 1
    assert result.stderr.startswith("error: No practice has country='Narnia'; known values:")
    assert len(result.stderr.strip().splitlines()) == 1
