"""Ingest layer: cleaning rules on tiny inline texts, readers, and the two real plenary reports."""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.chunking import chunk_document, countries_named, split_sentences  # noqa: E402
from ingest.clean import (  # noqa: E402
    clean_page,
    clean_pages,
    dedupe_urls,
    join_continuations,
    join_wrapped_lines,
    repair_drop_cap,
    split_blocks,
    unglue_footnote_markers,
    vocabulary,
)
from ingest.corpus import discover, ingest_document, load_manifest  # noqa: E402
from ingest.errors import IngestError  # noqa: E402
from ingest.readers import read_pages  # noqa: E402
from ingest.records import DocumentMeta, Page  # noqa: E402

CORPUS = ROOT / "corpus"
DEV = Path(__file__).parent / "data" / "dev.jsonl"


def fold(text: str) -> str:
    """The eval fold: lower case, no accents, runs of non-alphanumerics as one space."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


# ---------------------------------------------------------------- cleaning rules, inline data

VOCAB = Counter({"Colombia": 5, "Durante": 2, "La": 40, "Los": 10, "Para": 3, "En": 8, "Shannon": 2,
                 "Belice": 4, "a": 30, "programa": 2, "técnico": 1, "político": 1})


@pytest.mark.parametrize("line, expected", [
    ("olombia dirigió la sesión", "Colombia dirigió la sesión"),
    ("urante esta sesión, Chile", "Durante esta sesión, Chile"),
    ("a CRM es un proceso", "La CRM es un proceso"),
    ("ara mejorar la colaboración", "Para mejorar la colaboración"),
    (" n la Sesión 4, Ecuador", "En la Sesión 4, Ecuador"),
    (" hannon-Marie Soni, Directora", "Shannon-Marie Soni, Directora"),
    ("elice dirigió la sesión", "Belice dirigió la sesión"),
])
def test_drop_capital_is_restored_from_document_vocabulary(line, expected):
    fixed, changed = repair_drop_cap(line, VOCAB, n_lines=3)
    assert changed and fixed == expected


def test_a_real_word_is_not_taken_for_a_drop_capital_in_a_long_block():
    assert repair_drop_cap("a los países de la región", VOCAB, n_lines=8) == ("a los países de la región", False)


def test_running_headers_bullets_and_page_numbers_are_removed_and_a_photo_caption_is_kept_apart():
    text = ("Texto del informe.\n\n"
            "De izquierda a derecha: María Moita, directora regional, OIM; Shannon-Marie Soni,\n"
            "directora principal, Canadá. Foto: OIM.\n"
            "V Reunión Plenaria CRM-CSM · Bogotá, octubre 2024 · Foto: OIM.\n\n"
            "Foto: OIM.\n\n"
            "•\n\n•\n\n13\n\nL\n\nOtro párrafo.\n")
    paragraphs = clean_page(text, VOCAB)
    assert [p.text for p in paragraphs if not p.role] == ["Texto del informe.", "Otro párrafo."]
    assert [(p.role, p.text) for p in paragraphs if p.role] == [
        ("caption", "De izquierda a derecha: María Moita, directora regional, OIM; Shannon-Marie Soni, "
                    "directora principal, Canadá. Foto: OIM.")]


def test_url_repeated_on_the_next_line_is_kept_once():
    lines = ["https://example.org/a", "https://example.org/a", "https://example.org/b"]
    assert dedupe_urls(lines) == ["https://example.org/a", "https://example.org/b"]


def test_line_end_hyphen_is_joined_only_for_a_known_word():
    assert join_wrapped_lines(["el pro-", "grama nacional"], VOCAB) == "el programa nacional"
    assert join_wrapped_lines(["un nivel técnico-", "político"], VOCAB) == "un nivel técnico-político"
    assert join_wrapped_lines(["periodo 2024-", "2028"], VOCAB) == "periodo 2024-2028"


def test_footnote_markers_glued_to_words_are_dropped_and_footnote_text_kept():
    assert unglue_footnote_markers("la CRM y la CSM1. También") == "la CRM y la CSM. También"
    assert unglue_footnote_markers("(PRETT)7 y la sociedad civil3.") == "(PRETT) y la sociedad civil."
    assert unglue_footnote_markers("COVID-19 y https://x.org/a4") == "COVID-19 y https://x.org/a4"
    text = "delegaciones de la CSM1.\n\n1 Países participantes de la CRM: Belice, Canadá.\n"
    paragraphs = clean_pages([(None, text)])
    assert [(p.text, p.notes) for p in paragraphs] == [
        ("delegaciones de la CSM.", ["Países participantes de la CRM: Belice, Canadá."])]


def test_soft_wrapped_lines_become_one_paragraph_and_practice_lines_stay_apart():
    blocks = split_blocks("Los países miembros de la\nCSM son doce.\n\nPráctica A | Chile\nPráctica B | Perú\n")
    assert len(blocks) == 3
    assert join_wrapped_lines(blocks[0], VOCAB) == "Los países miembros de la CSM son doce."


def test_lone_bullet_blocks_vanish_and_a_sentence_cut_by_them_is_rejoined():
    text = "Se destacó la cooperación para garantizar servicios\n\n•\n\n•\n consulares adecuados.\n"
    joined = join_continuations(clean_page(text, VOCAB))
    assert [p.text for p in joined] == ["Se destacó la cooperación para garantizar servicios consulares adecuados."]


@pytest.mark.parametrize("text, expected", [
    ("Cooperación contra la trata | EE. UU. Colombia presentó su plan.",
     ["Cooperación contra la trata | EE. UU.", "Colombia presentó su plan."]),
    ("El Sr. Pérez y la Sra. Gómez hablaron. Luego votaron.", ["El Sr. Pérez y la Sra. Gómez hablaron.", "Luego votaron."]),
    ("Según el art. 111 de la Ley y el (art. 5), sí. Véase p. 4.", ["Según el art. 111 de la Ley y el (art. 5), sí.", "Véase p. 4."]),
    ("Llegaron a EE. UU. El viaje fue largo.", ["Llegaron a EE. UU.", "El viaje fue largo."]),
    ("Dijo que no. Luego calló.", ["Dijo que no.", "Luego calló."]),
])
def test_sentences_end_at_full_stops_that_are_not_abbreviations(text, expected):
    assert split_sentences(text) == expected


def test_countries_are_found_in_spanish_and_english_with_canonical_names():
    text = "Peru, Brazil and the United States met EE.UU. officials; Estados Unidos y México."
    assert countries_named(text) == ["Estados Unidos", "México", "Brasil", "Perú"]
    assert countries_named("los chilenos en el exterior") == []


# ---------------------------------------------------------------- readers and corpus

def test_unreadable_and_unsupported_files_raise_ingest_error_with_the_path(tmp_path):
    bad_pdf = tmp_path / "broken.pdf"
    bad_pdf.write_bytes(b"not a pdf at all")
    with pytest.raises(IngestError, match="broken.pdf"):
        read_pages(bad_pdf)
    with pytest.raises(IngestError, match="missing.txt"):
        read_pages(tmp_path / "missing.txt")
    with pytest.raises(IngestError, match="data.xlsx"):
        read_pages(tmp_path / "data.xlsx")


def test_generated_pdf_chunks_cite_the_page_their_text_is_on(tmp_path):
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.set_font("Helvetica", size=11)
    topics = ["remesas y desarrollo", "alerta temprana en fronteras", "regularización migratoria"]
    for number, topic in enumerate(topics, 1):
        pdf.add_page()
        pdf.multi_cell(0, 6, f"SESIÓN {number}: TEMA {number}\n\n" + " ".join(
            [f"En la página {number} los países hablaron de {topic} con detalle."] * 4))
    path = tmp_path / "tres.pdf"
    pdf.output(str(path))
    pages = read_pages(path)
    assert [p.number for p in pages] == [1, 2, 3]
    chunks = chunk_document(DocumentMeta(doc_id="tres", title="Tres"), pages)
    assert len(chunks) == 3
    for chunk in chunks:
        assert f"página {chunk.page} " in chunk.text
        assert chunk.section == f"SESIÓN {chunk.page}: TEMA {chunk.page}"
        assert chunk.part == f"session {chunk.page}"


def test_html_headings_become_sections_and_scripts_are_dropped(tmp_path):
    html = ("<html><head><title>Informe breve</title><style>p{}</style></head><body>"
            "<nav>Inicio | Contacto</nav><h1>Informe breve</h1>"
            "<h2>Conclusiones</h2><p>Los países acordaron reunirse cada año para revisar la agenda común.</p>"
            "<h2>Remesas en la región</h2><p>El Salvador presentó su estrategia de inversión de remesas "
            "para la diáspora.</p><ul><li>Plan de inversión | El Salvador</li></ul>"
            "<script>var x = 1;</script></body></html>")
    path = tmp_path / "breve.html"
    path.write_text(html, encoding="utf-8")
    [(found, meta)] = discover([tmp_path])
    assert meta.title == "Informe breve" and meta.doc_id == "breve" and not meta.from_manifest
    chunks = ingest_document(found, meta)
    sections = {c.section for c in chunks}
    assert {"Conclusiones", "Remesas en la región"} <= sections
    assert all("var x" not in c.text and "Contacto" not in c.text for c in chunks)
    remesas = next(c for c in chunks if c.section == "Remesas en la región")
    assert "El Salvador" in remesas.countries and remesas.page is None


def test_discover_uses_the_manifest_and_skips_corpus_notes():
    found = {meta.doc_id: (path, meta) for path, meta in discover([CORPUS])}
    assert set(found) == {"V-2024", "IV-2023"}
    path, meta = found["V-2024"]
    assert meta.from_manifest and meta.plenary == "V" and meta.year == 2024
    assert meta.path == "crm-csm-v-plenaria-2024.txt" and len(meta.sha256) == 64
    assert path.resolve() in load_manifest(CORPUS)


# ---------------------------------------------------------------- the real reports

@pytest.fixture(scope="module")
def report_chunks():
    return {meta.doc_id: ingest_document(path, meta) for path, meta in discover([CORPUS])}


def test_2024_report_opens_with_the_repaired_first_paragraph(report_chunks):
    assert report_chunks["V-2024"][0].text.startswith("Los Mecanismos de Consulta Interestatal sobre Migración")


def test_chilean_early_warning_system_is_cited_under_session_3(report_chunks):
    [chunk] = [c for c in report_chunks["V-2024"] if "Sistema de Alerta Temprana (SAT)" in c.text]
    assert chunk.section == "SESIÓN 3: TRÁNSITO, DOCUMENTOS DE VIAJE Y ALERTAS TEMPRANAS"
    assert chunk.part == "session 3" and "Chile" in chunk.countries


def test_no_body_passage_keeps_photo_captions_or_lone_bullets(report_chunks):
    for chunks in report_chunks.values():
        for chunk in chunks:
            assert chunk.role == "caption" or "Foto: OIM" not in chunk.text
            assert not any(line.strip() == "•" for line in chunk.text.splitlines())
            assert not re.search(r"(?m)^\s*[A-Z]\s*$", chunk.text)


def test_passages_are_well_formed(report_chunks):
    for doc_id, chunks in report_chunks.items():
        assert [c.chunk_id for c in chunks] == [f"{doc_id}:{i:04d}" for i in range(len(chunks))]
        for chunk in chunks:
            assert chunk.section and chunk.part and chunk.page is None
            assert len(chunk.text.split()) <= 260
        sections = [c.section for c in chunks]
        short = [c for c in chunks if len(c.text.split()) < 8 and sections.count(c.section) > 1]
        assert not short


def test_every_dev_gold_phrase_survives_in_a_passage_of_its_report(report_chunks):
    queries = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(queries) == 30
    for query in queries:
        docs = list(report_chunks) if query["doc"] == "any" else [query["doc"]]
        texts = [fold(c.text) for doc in docs for c in report_chunks[doc]]
        assert any(fold(gold) in text for gold in query["gold"] for text in texts), query["id"]


def test_session_parts_of_both_reports(report_chunks):
    parts_2024 = {c.part for c in report_chunks["V-2024"]}
    assert {"opening", "introductory session", "conclusions", "communique", "roadmap 1",
            "roadmap 3"} <= parts_2024
    assert {f"session {n}" for n in range(1, 9)} <= parts_2024
    parts_2023 = {c.part for c in report_chunks["IV-2023"]}
    assert {f"session {n}" for n in range(1, 7)} | {"conclusions", "communique", "annex 1"} <= parts_2023


def test_practice_list_stays_with_its_lead_in(report_chunks):
    [chunk] = [c for c in report_chunks["V-2024"] if "Servicios consulares virtuales" in c.text]
    assert chunk.text.startswith("Buenas prácticas, políticas y herramientas compartidas durante la sesión:")
    assert chunk.part == "session 8"
