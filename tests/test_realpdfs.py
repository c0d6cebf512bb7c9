"""Real PDFs nobody on the project wrote (../shared/realpdfs): encryption, damage, scans.

The fast subset runs in the normal suite; `-m realpdfs_all` reads the whole folder.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from ingest import isolation
from ingest.isolation import DocumentParser, DocumentRejected, read_checked
from ingest.records import DocumentMeta

REALPDFS = Path(__file__).resolve().parents[2] / "shared" / "realpdfs"
needs_realpdfs = pytest.mark.skipif(not REALPDFS.is_dir(), reason=f"{REALPDFS} is not there")
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")

# A sentence no bundled report holds, so a hit on it can only come from the scanned page.
SCANNED_SENTENCE = "Anexo escaneado: la brigada fluvial de Tumbes registra cuarenta embarcaciones"


@pytest.fixture(scope="module")
def parser():
    with DocumentParser() as reader:
        yield reader


def _parse(parser, path: Path):
    return parser.parse(path, parser.read_meta(path), {})


@needs_realpdfs
@pytest.mark.parametrize("name", ["pypdf-enc-r6-empty-password.pdf", "pypdf-enc-r4-aes-v2-no-key-length.pdf",
                                  "pdfminer-dmca.pdf"])
def test_a_pdf_protected_only_against_printing_is_read(parser, name):
    """AES-256, AES-128 and RC4 PDFs with an empty user password open like any other."""
    parsed = _parse(parser, REALPDFS / name)
    assert parsed.chunks and all(chunk.page for chunk in parsed.chunks)


@needs_realpdfs
@pytest.mark.parametrize("name", ["sf-libreoffice-writer-password.pdf", "pypdf-enc-r6-both-passwords.pdf",
                                  "pypdf-crazyones-encrypted-aes256.pdf"])
def test_a_pdf_that_needs_a_password_is_refused_by_name(parser, name):
    with pytest.raises(DocumentRejected) as refused:
        _parse(parser, REALPDFS / name)
    assert refused.value.kind == isolation.ENCRYPTED and "needs a password" in refused.value.reason
    assert name in str(refused.value)


@needs_realpdfs
def test_a_damaged_pdf_pypdf_cannot_open_is_read_by_the_second_reader(parser):
    """The circular-XObject sample has no startxref: pypdf refuses it, pdfium rebuilds its xref."""
    parsed = _parse(parser, REALPDFS / "pdfminer-evil-xobjects-circular.pdf")
    assert "Hello world" in parsed.chunks[0].text and parsed.chunks[0].page == 1


@needs_realpdfs
def test_a_pdf_no_reader_can_open_is_refused_with_what_each_reader_said(parser):
    with pytest.raises(DocumentRejected) as refused:
        _parse(parser, REALPDFS / "sf-unreadable-metadata.pdf")
    reason = refused.value.reason
    assert refused.value.kind == isolation.UNREADABLE_PDF
    assert "pypdf raised" in reason and "pdfium" in reason and "sf-unreadable-metadata.pdf" in str(refused.value)


# -- scans ---------------------------------------------------------------------------------------------

def _scanned_page_png(text: str) -> bytes:
    """Gives an A4-proportioned greyscale image of text, as a 150-dpi scanner would make it."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=34)
    words, line, y = text.split(), "", 160
    for word in words:
        if draw.textlength(line + " " + word, font=font) > 1040:
            draw.text((100, y), line.strip(), font=font, fill=0)
            line, y = "", y + 56
        line += " " + word
    draw.text((100, y), line.strip(), font=font, fill=0)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _mixed_pdf(path: Path) -> Path:
    """Writes a two-page PDF: page 1 has a text layer, page 2 is only the image of a scanned page."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 6, "Informe de la reunion técnica sobre movilidad humana en la frontera norte. "
                         "Los países acordaron compartir datos de flujos migratorios cada trimestre. " * 3)
    pdf.add_page()
    page = _scanned_page_png(SCANNED_SENTENCE + " y trescientas personas rescatadas durante el año 2023, "
                             "según el informe de la capitanía de puerto.")
    pdf.image(io.BytesIO(page), x=0, y=0, w=210, h=297)
    pdf.output(str(path))
    return path


@needs_tesseract
def test_a_scanned_page_is_read_by_ocr_with_its_page_number_and_marked(parser, tmp_path):
    parsed = _parse(parser, _mixed_pdf(tmp_path / "anexo-escaneado.pdf"))
    by_page = {chunk.page: chunk for chunk in parsed.chunks}
    assert "embarcaciones" in by_page[2].text.lower() and "tumbes" in by_page[2].text.lower()
    assert by_page[2].ocr and not by_page[1].ocr  # only the scanned page went through OCR


@needs_tesseract
def test_a_scanned_page_is_searchable_and_cited_with_its_page(tmp_path):
    from index.embedder import HashEmbedder
    from index.pipeline import build_from_paths
    from search.searcher import Searcher
    from ui.render import card_html

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _mixed_pdf(corpus / "anexo-escaneado.pdf")
    build_from_paths([corpus], tmp_path / "index", embedder=HashEmbedder(), progress=False)
    hits = Searcher.open(tmp_path / "index", embedder=HashEmbedder()).search("brigada fluvial Tumbes embarcaciones", k=3)
    top = hits[0]
    assert top.page == 2 and top.ocr and "p. 2" in top.citation()
    assert "texto reconocido por OCR" in card_html(1, top, "es")
    assert "text recognised by OCR" in card_html(1, top, "en")


def test_without_tesseract_a_scan_is_refused_with_how_to_install_it(tmp_path, monkeypatch):
    path = _mixed_pdf(tmp_path / "anexo-escaneado.pdf")
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract on the PATH: as on a machine without it
    with pytest.raises(DocumentRejected) as refused:
        read_checked(path)
    assert refused.value.kind == isolation.NO_TEXT_LAYER
    assert "apt-get install tesseract-ocr tesseract-ocr-spa" in refused.value.reason


def test_an_old_index_without_the_ocr_field_still_loads():
    from ingest.records import Chunk

    chunk = Chunk.from_dict({"chunk_id": "a:0", "doc_id": "a", "text": "texto", "page": 3})
    assert chunk.ocr is False


# -- the whole folder -------------------------------------------------------------------------------

# What may be refused, and why: a password, no reader able to open the file, or no words on any page.
ACCEPTABLE_REFUSALS = (isolation.ENCRYPTED, isolation.UNREADABLE_PDF, isolation.NO_TEXT_LAYER)


@needs_realpdfs
@pytest.mark.realpdfs_all
def test_every_real_pdf_is_read_or_refused_with_its_name_and_reason(parser):
    sources = {row["file"]: row["note"] for row in
               csv.DictReader(open(REALPDFS / "SOURCES.tsv", encoding="utf-8"), delimiter="\t")}
    outcomes = {}
    for path in sorted(REALPDFS.glob("*.pdf")):
        try:
            outcomes[path.name] = len(_parse(parser, path).chunks)
        except DocumentRejected as refused:
            assert path.name in str(refused) and refused.kind in ACCEPTABLE_REFUSALS, str(refused)
            if refused.kind == isolation.ENCRYPTED:
                assert "pw '" in sources[path.name] and "EMPTY" not in sources[path.name], str(refused)
            outcomes[path.name] = refused.reason
    assert len(outcomes) == len(list(REALPDFS.glob("*.pdf")))
    print(json.dumps(outcomes, indent=1, ensure_ascii=False))
