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


@needs_realpdfs
@needs_tesseract
@pytest.mark.parametrize("name", ["sf-cmyk-image.pdf", "sf-imagemagick-lzw.pdf"])
def test_a_pdf_of_pictures_without_words_is_read_without_passages_and_a_warning(parser, name):
    """A photo (a plane's wing over clouds) and a 16-pixel smiley: the files open fine, OCR finds no words.
    That is not a refusal: the document is kept without passages, and the warning says why."""
    parsed = _parse(parser, REALPDFS / name)
    assert parsed.chunks == [] and parsed.pages == 1
    assert parsed.warnings == ["no words found, even by OCR, on its 1 page (photos or drawings without text?); "
                               "it is indexed without passages"]


@needs_realpdfs
@needs_tesseract
def test_a_folder_with_a_picture_pdf_is_indexed_and_the_summary_warns_by_name(tmp_path):
    from index.embedder import HashEmbedder
    from index.pipeline import build_from_paths
    from search.searcher import Searcher

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("sf-cmyk-image.pdf", "sf-pdflatex-4-pages.pdf"):
        (corpus / name).symlink_to(REALPDFS / name)
    summary = build_from_paths([corpus], tmp_path / "index", embedder=HashEmbedder(), progress=False)
    assert summary.failures == [] and sorted(summary.documents) == ["sf-cmyk-image", "sf-pdflatex-4-pages"]
    assert "warning: sf-cmyk-image.pdf: no words found, even by OCR" in summary.summary()
    hits = Searcher.open(tmp_path / "index", embedder=HashEmbedder()).search("lorem ipsum", k=3)
    assert hits and {hit.doc_id for hit in hits} == {"sf-pdflatex-4-pages"}
    again = build_from_paths([corpus], tmp_path / "index", embedder=HashEmbedder(), progress=False)
    assert sorted(again.skipped) == ["sf-cmyk-image", "sf-pdflatex-4-pages"] and again.embedded == 0


@needs_realpdfs
@needs_tesseract
def test_only_pictures_without_words_is_one_sentence_not_an_empty_index(tmp_path):
    from index.embedder import HashEmbedder
    from index.pipeline import build_from_paths
    from ingest.errors import IngestError

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "sf-cmyk-image.pdf").symlink_to(REALPDFS / "sf-cmyk-image.pdf")
    with pytest.raises(IngestError, match="None of the documents has words to index: sf-cmyk-image.pdf: no words "):
        build_from_paths([corpus], tmp_path / "index", embedder=HashEmbedder(), progress=False)


@needs_tesseract
def test_a_page_whose_ocr_runs_past_its_budget_is_given_up_and_named(tmp_path):
    """OCR that does not finish within its budget costs that page, not the document, and says which page."""
    with DocumentParser(isolation.ParseLimits(ocr_page_seconds=0.001)) as impatient:
        parsed = _parse(impatient, _mixed_pdf(tmp_path / "anexo-escaneado.pdf"))
    assert {chunk.page for chunk in parsed.chunks} == {1}
    assert parsed.warnings == ["page 2: OCR gave up on it after 0.001 s, so its text is missing"]


def _ocr_a_long_scan(path):
    """A worker task that announces the OCR of 3 pages, then takes longer than the document's own limit."""
    import time

    from ingest import ocr

    ocr.announce(3)
    time.sleep(6)
    return "read"


def test_each_page_to_ocr_gives_the_document_more_time(tmp_path):
    """A long scan is not cut off at the time a document with a text layer may take."""
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4\n%%EOF\n")
    # the task takes 6 s: past the 4 s a document may take (4, not less: the worker first imports this
    # module), within the 4 + 3 x 2 s the OCR it announces allows
    with DocumentParser(isolation.ParseLimits(seconds=4, ocr_page_seconds=2)) as reader:
        assert reader.run(_ocr_a_long_scan, path) == "read"


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

# What may be refused, and why: a password, or no reader able to open the file (a PDF without words is read).
ACCEPTABLE_REFUSALS = (isolation.ENCRYPTED, isolation.UNREADABLE_PDF)


@needs_realpdfs
@pytest.mark.realpdfs_all
def test_every_real_pdf_is_read_or_refused_with_its_name_and_reason(parser):
    sources = {row["file"]: row["note"] for row in
               csv.DictReader(open(REALPDFS / "SOURCES.tsv", encoding="utf-8"), delimiter="\t")}
    outcomes = {}
    for path in sorted(REALPDFS.glob("*.pdf")):
        try:
            parsed = _parse(parser, path)
            assert parsed.chunks or parsed.warnings[0].startswith("no words found"), path.name
            outcomes[path.name] = len(parsed.chunks)
        except DocumentRejected as refused:
            assert path.name in str(refused) and refused.kind in ACCEPTABLE_REFUSALS, str(refused)
            if refused.kind == isolation.ENCRYPTED:
                assert "pw '" in sources[path.name] and "EMPTY" not in sources[path.name], str(refused)
            outcomes[path.name] = refused.reason
    assert len(outcomes) == len(list(REALPDFS.glob("*.pdf")))
    print(json.dumps(outcomes, indent=1, ensure_ascii=False))
