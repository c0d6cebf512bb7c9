"""Documents beyond the plenary reports: page furniture removed, laws cut by article, cited like a lawyer cites."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.furniture import furniture_share, strip_furniture
from ingest.gazetteer import main_country
from ingest.kinds import LAW, REPORT, cut_document, document_kind
from index.build import passage_text_for_embedding
from ingest.kinds.law import chunk_law, looks_like_law, unit_words
from ingest.records import DocumentMeta, Page
from search.records import Hit

REAL_PDFS = Path(__file__).resolve().parents[2] / "shared" / "realpdfs"
CHUNKING = {"target_words": 120, "max_words": 200, "overlap_sentences": 1}


def _page(n: int, body: str) -> str:
    return (f"CÁMARA DE DIPUTADOS DEL H. CONGRESO DE LA UNIÓN\nSecretaría General\n"
            f"Última Reforma DOF 15-01-2026\n\n{body}\n\n{n} de 12\n")


def test_running_headers_and_page_numbers_go_and_the_body_stays():
    pages = [_page(n, f"Artículo {n}. Texto propio de la página {n} sobre visas.\n"
                      "Secretaría General de la Conferencia, dicho en el cuerpo.") for n in range(1, 13)]
    cleaned = strip_furniture(pages)
    assert all("CÁMARA DE DIPUTADOS" not in page and " de 12" not in page for page in cleaned)
    assert all("Última Reforma" not in page for page in cleaned)
    assert all(f"Artículo {n}. Texto propio" in cleaned[n - 1] for n in range(1, 13))
    assert furniture_share(cleaned, pages) == 0.0
    assert furniture_share(pages, pages) == 1.0


def test_a_page_label_goes_even_on_a_short_document():
    cleaned = strip_furniture(["Página 1\nUn texto.", "Un texto más.\nPágina 2"])
    assert cleaned == ["Un texto.", "Un texto más."]


def test_a_numbered_heading_at_the_top_of_every_page_is_not_taken_for_a_running_header():
    pages = [f"SESIÓN {n}: TEMA {n}\nTexto de la sesión {n}.\n{n}" for n in range(1, 5)]
    assert [page.splitlines() for page in strip_furniture(pages)] == \
        [[f"SESIÓN {n}: TEMA {n}", f"Texto de la sesión {n}."] for n in range(1, 5)]


def test_a_single_page_text_is_left_alone():
    assert strip_furniture(["12\nSecretaría General"]) == ["12\nSecretaría General"]


LAW_TEXT = """LEY DE PRUEBA
TÍTULO PRIMERO
DISPOSICIONES GENERALES
CAPÍTULO ÚNICO
DEL OBJETO
Artículo 1. Esta Ley regula la entrada y salida de personas extranjeras del territorio nacional.
Artículo 2. Son autoridades migratorias el Instituto y la Secretaría.
Artículo 3. Para efectos de esta Ley se entiende por visa la autorización que se otorga en una oficina consular.
TÍTULO SEGUNDO
DE LAS SANCIONES
CAPÍTULO I
DE LAS MULTAS
Artículo 4. Las empresas de transporte que traigan pasajeros sin documentos pagarán una multa.
Artículo 5. {long}
Artículo 6. La multa se paga en la oficina de la Secretaría en un plazo de diez días hábiles.
Artículo 7. Queda prohibido cobrar cuotas no previstas en esta Ley.
Artículo 8. La reincidencia duplica la multa.
TRANSITORIOS
Primero. Esta Ley entra en vigor al día siguiente de su publicación.
REGLAMENTO DE LA LEY DE PRUEBA
CAPÍTULO I
DISPOSICIONES GENERALES
Artículo 1. El presente Reglamento desarrolla la Ley de Prueba.
Artículo 2. Las solicitudes se presentan por escrito ante el Instituto.
"""
LONG_ARTICLE = " ".join(f"La autoridad revisará el caso número {i} con cuidado y dictará resolución." for i in range(40))


def _law_chunks():
    text = LAW_TEXT.format(long=LONG_ARTICLE)
    half = len(text.splitlines()) // 2
    lines = text.splitlines()
    pages = [(1, "\n".join(lines[:half])), (2, "\n".join(lines[half:]))]
    return chunk_law(DocumentMeta(doc_id="ley", title="Ley de Prueba"), pages, **CHUNKING)


def test_a_law_is_cut_by_article_and_passages_never_straddle_two():
    chunks = _law_chunks()
    assert [c.text for c in chunks if c.part == "preamble"] == ["LEY DE PRUEBA"]
    for chunk in (c for c in chunks if c.part != "preamble"):
        starts = [line for line in chunk.text.splitlines() if line.startswith("Artículo ")]
        assert chunk.article, chunk.text
        assert len(starts) <= 4
    fine = next(c for c in chunks if "pasajeros sin documentos" in c.text)
    assert fine.article.startswith("4")
    assert fine.section == "Ley de Prueba › Título Segundo. De las sanciones › Capítulo I. De las multas"
    assert "Esta Ley regula" not in fine.text  # another division's article stays in its own passage


def test_a_long_article_carries_its_number_into_every_piece():
    pieces = [c for c in _law_chunks() if c.article == "5"]
    assert len(pieces) >= 3
    assert pieces[0].text.startswith("Artículo 5.")
    assert all(p.text.startswith("Artículo 5 (continuación)") for p in pieces[1:])
    assert all(len(p.text.split()) <= 200 for p in pieces)


GUIDELINES_TEXT = """LINEAMIENTOS DE PRUEBA
CAPÍTULO I
TRÁMITES DE VISA
Trámite 1 Visa de visitante
Caso en el que se presenta: personas que vienen de paseo.
Trámite 2 Visa de residente temporal
Caso en el que se presenta: personas que vivirán en el país hasta cuatro años.
Requisitos
III. Presentar los documentos que acrediten alguno de los siguientes supuestos:
a. Arraigo:
{arraigo}
b. Solvencia económica:
1. Constancia de empleo con ingresos mensuales suficientes.
2. Estados de cuenta bancarios con saldo promedio mensual suficiente durante los últimos doce meses.
Trámite 3 Visa de estudiante
Caso en el que se presenta: personas admitidas en una escuela.
"""


def test_numbered_units_of_guidelines_head_their_passages_and_are_never_mixed():
    arraigo = "\n".join(f"{i}. Escritura de un inmueble número {i} a nombre de la persona solicitante, "
                        "registrada con una antigüedad mínima de dos años ante la autoridad." for i in range(1, 9))
    lines = GUIDELINES_TEXT.format(arraigo=arraigo).splitlines()
    chunks = chunk_law(DocumentMeta(doc_id="lin", title="Lineamientos"), [(1, "\n".join(lines))], **CHUNKING)
    resident = [c for c in chunks if "Trámite 2" in (c.section or "")]
    assert resident and resident[0].section == "Capítulo I. Trámites de visa › Trámite 2. Visa de residente temporal"
    assert all("paseo" not in c.text and "escuela" not in c.text for c in resident)
    bank = next(c for c in resident if "Estados de cuenta" in c.text)
    # read alone, a later piece says what its list is about
    embedded = passage_text_for_embedding(bank)
    assert "Presentar los documentos" not in bank.text
    assert bank.context.startswith("III. Presentar los documentos que acrediten alguno de los siguientes supuestos:")
    assert "Presentar los documentos" in embedded and "Solvencia económica" in embedded


def test_a_later_piece_of_a_long_article_carries_the_articles_opening():
    pieces = [c for c in _law_chunks() if c.article == "5"]
    assert pieces[0].context is None
    assert all(p.context.startswith("Artículo 5. La autoridad revisará el caso número 0") for p in pieces[1:])


def test_dates_and_references_are_not_taken_for_numbered_units():
    assert unit_words(["Viernes 25 de julio de 2025 DIARIO OFICIAL", "Viernes 26 de julio de 2025",
                       "Trámite 1 Visa", "Convenio 29 Relativo al trabajo", "Trámite 2 Visa"]) == set()
    assert unit_words(["Trámite 1 Visa A", "Trámite 2 Visa B", "Trámite 3 Visa C"]) == {"Trámite"}


def test_short_articles_of_one_chapter_share_a_passage_and_say_which():
    first = next(c for c in _law_chunks() if "entrada y salida" in c.text)
    assert first.article == "1–3"


def test_a_regulation_printed_after_its_law_is_kept_apart():
    chunks = _law_chunks()
    regulation = [c for c in chunks if "El presente Reglamento" in c.text or "por escrito" in c.text]
    law = next(c for c in chunks if "pasajeros sin documentos" in c.text)
    assert regulation and all(c.section.startswith("Reglamento de la Ley de Prueba") for c in regulation)
    assert not law.section.startswith("Reglamento")
    transitional = next(c for c in chunks if "entra en vigor" in c.text)
    assert transitional.article == "Transitorio Primero"


def test_what_kind_a_document_is_comes_from_the_manifest_first_then_the_text():
    law_pages = [(1, LAW_TEXT.format(long="Texto."))]
    assert document_kind(DocumentMeta(doc_id="x", title="x", from_manifest=False), law_pages) == LAW
    assert document_kind(DocumentMeta(doc_id="x", title="x", doc_type="report"), law_pages) == REPORT
    assert document_kind(DocumentMeta(doc_id="x", title="x", doc_type="law"), [(1, "Un informe.")]) == LAW
    assert not looks_like_law("Artículo 33 de esta Ley.\nEl artículo 5 dice.")


def test_a_documents_country_is_the_one_it_names_throughout():
    assert main_country("Estados Unidos Mexicanos. " * 3 + "México y Guatemala. México.") == "México"
    assert main_country("Chile, Perú, Colombia, Panamá, Chile, Perú, Colombia, Panamá") == ""


def test_a_law_hit_is_cited_the_way_a_lawyer_cites_it():
    hit = Hit(text="...", score=1.0, doc_id="mx", title="Ley de Migración", plenary=None, year=None,
              section="Título Sexto", page=43, source="", highlight="", article="111", country="México")
    assert hit.citation() == "Ley de Migración (México), art. 111, p. 43"
    assert Hit(**{**hit.to_dict(), "page_end": 44}).citation().endswith("pp. 43-44")


needs_real_pdfs = pytest.mark.skipif(not REAL_PDFS.is_dir(), reason="../shared/realpdfs is not beside the project")


def _real(name: str):
    from ingest.readers import read_pages

    pages = read_pages(REAL_PDFS / name)
    parsed = cut_document(DocumentMeta(doc_id=Path(name).stem, title=name, from_manifest=False), pages, CHUNKING)
    return pages, parsed


@needs_real_pdfs
def test_the_mexican_migration_law_is_read_as_a_law_without_its_running_headers():
    pages, parsed = _real("rep-es-mx-ley-de-migracion-2026.pdf")
    chunks = parsed.chunks
    assert parsed.kind == LAW and parsed.country == "México"
    assert furniture_share([c.text for c in chunks], [p.text for p in pages]) <= 0.01
    assert not any("CÁMARA DE DIPUTADOS" in (c.section or "") or "Secretaría" in (c.section or "") for c in chunks)
    art111 = [c for c in chunks if c.article == "111"]
    assert art111 and art111[0].text.startswith("Artículo 111.") and art111[0].page
    assert sum(bool(c.article) for c in chunks) >= 0.95 * len(chunks)


@needs_real_pdfs
def test_the_dominican_booklet_keeps_its_law_and_its_regulation_apart():
    pages, parsed = _real("rep-es-do-ley-general-migracion-285-04.pdf")
    chunks = parsed.chunks
    assert parsed.country == "República Dominicana"
    assert not any("Página" in line for c in chunks for line in c.text.splitlines() if len(line) < 15)
    law = [c for c in chunks if c.article == "56" and c.section.startswith("Ley General de Migración")]
    regulation = [c for c in chunks if c.article == "56" and c.section.startswith("Reglamento")]
    assert law and regulation and law[0].text != regulation[0].text


@needs_real_pdfs
def test_a_paper_with_equations_stays_a_report_without_equation_headings():
    _, parsed = _real("rep-es-pe-pucp-dt396-demanda-oferta-agregada.pdf")
    assert parsed.kind == REPORT
    assert not any("\U0001D400" <= ch <= "\U0001D7FF" for c in parsed.chunks for ch in (c.section or ""))


def _documents():
    return {
        "mx-ley": DocumentMeta(doc_id="mx-ley", title="Ley de Migración", country="México", kind="law"),
        "mx-refugio": DocumentMeta(doc_id="mx-refugio", title="Ley sobre Refugiados, Protección Complementaria y "
                                                              "Asilo Político", country="México", kind="law"),
        "do-ley": DocumentMeta(doc_id="do-ley", title="Ley General de Migración 285-04", country="República Dominicana"),
        "V-2024": DocumentMeta(doc_id="V-2024", title="Informe de la V Reunión Plenaria CRM-CSM", plenary="V",
                               year=2024, city="Bogotá, Colombia"),
        "IV-2023": DocumentMeta(doc_id="IV-2023", title="Informe de la IV Reunión Plenaria CRM-CSM", plenary="IV",
                                year=2023, city="Ciudad de Panamá, Panamá"),
    }


@pytest.mark.parametrize("query, countries, doc_ids", [
    ("¿Qué multa paga una aerolínea que trae pasajeros sin documentos a República Dominicana?",
     ["República Dominicana"], ["do-ley"]),
    ("What does Dominican law say about carriers?", ["República Dominicana"], ["do-ley"]),
    ("¿Puede casarse en México una persona sin papeles?", ["México"], ["mx-ley", "mx-refugio"]),
    ("¿Qué dice la ley de refugiados sobre la protección complementaria?", [], ["mx-refugio"]),
    ("¿Qué propuso Chile sobre alertas tempranas?", [], []),  # no document is Chile's
])
def test_a_question_is_scoped_to_the_documents_it_names(query, countries, doc_ids):
    from search.lexical import stemmer
    from search.scope import ScopeReader

    scope = ScopeReader(_documents(), stem=stemmer("spanish").stemWords).read(query)
    assert scope.countries == countries
    assert sorted(scope.doc_ids) == sorted(doc_ids)


@pytest.mark.parametrize("query, doc_id", [
    ("¿Qué países hablaron de clima en la reunión de Bogotá?", "V-2024"),
    ("What was agreed at the 2023 plenary?", "IV-2023"),
    ("acuerdos de la IV Plenaria", "IV-2023"),
    ("what did the fifth plenary conclude", "V-2024"),
])
def test_a_plenary_is_recognised_by_numeral_ordinal_year_or_host_city(query, doc_id):
    from search.scope import ScopeReader

    assert ScopeReader(_documents()).read(query).doc_ids == [doc_id]


def test_a_document_added_tomorrow_is_recognised_from_its_manifest_entry():
    from search.scope import ScopeReader

    documents = {**_documents(), "VI-2025": DocumentMeta(doc_id="VI-2025", title="Informe de la VI Reunión Plenaria",
                                                          plenary="VI", year=2025, city="Quito, Ecuador")}
    assert ScopeReader(documents).read("¿Qué se acordó en Quito?").doc_ids == ["VI-2025"]
    assert ScopeReader(documents).read("sixth plenary outcomes").plenaries == ["VI"]


def test_each_piece_of_a_long_article_cites_the_pages_its_own_text_is_on():
    sentences = [f"La autoridad revisará el caso número {i} con cuidado y dictará resolución." for i in range(60)]
    pages = [(7, "CAPÍTULO I\nDE LAS MULTAS\nArtículo 9. " + " ".join(sentences[:30])),
             (8, " ".join(sentences[30:]) + "\nArtículo 10. La multa se paga en diez días.")]
    chunks = chunk_law(DocumentMeta(doc_id="ley", title="Ley"), pages, **CHUNKING)
    assert chunks[-1].article == "10"  # the short end of a long article is not merged with the next one
    pieces = [c for c in chunks if c.article == "9"]
    assert pieces[0].page == 7 and pieces[-1].page == 8 and pieces[-1].page_end is None
    assert any(p.page == 7 and p.page_end == 8 for p in pieces)  # the piece that runs over the page break


def test_laws_can_be_filtered_as_people_name_them():
    from search.filters import canonical_value

    assert {canonical_value("doc_type", v) for v in ("law", "Ley", "reglamento", "guidelines")} == {"law"}
