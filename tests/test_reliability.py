"""Hostile input and damaged indexes: every bad file gets a named reason, the good report still gets in,
and a damaged index generation is refused by name while the previous good one keeps answering.

The bad inputs are generated here, in a temporary folder, beside a copy of the 2024 report; one
`python -m ingest` run (the deterministic test/hash model: meaning is not under test) must read the
good files, name what is wrong with each bad one, and exit 1.
"""
from __future__ import annotations

import io
import json
import os
import random
import shutil
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from index import store
from index.embedder import HashEmbedder
from ingest import isolation
from ingest.corpus import discover
from ingest.isolation import DocumentParser, DocumentRejected, ParseLimits
from ingest.records import DocumentMeta

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT_ROOT / "corpus"
REPORT_2024 = "crm-csm-v-plenaria-2024.txt"
REPORT_2023 = "crm-csm-iv-plenaria-2023.txt"
CHUNKING = {"target_words": 120, "max_words": 200, "overlap_sentences": 1}
CLI_TIMEOUT = 300  # seconds: a hung ingest fails the test instead of hanging the run
# With Tesseract, a PDF of a picture without words is read (no passages, a warning); without, it is refused
# with how to install Tesseract.
TESSERACT = shutil.which("tesseract") is not None
GOOD = ["V-2024", "declaracion-latin1", "long-line", "owner-password-only"] + (["scanned"] if TESSERACT else [])

LATIN1_TEXT = ("DECLARACIÓN DE PANAMÁ SOBRE MIGRACIÓN\n\n"
               "La Conferencia reafirmó la cooperación técnica en materia de migración laboral. "
               "Los países acordaron fortalecer la protección consular y la atención a niñas, niños y "
               "adolescentes migrantes no acompañados en Panamá, Perú y México.\n")


# -- the bad inputs ---------------------------------------------------------------------------------------

def _text_pdf(pages: int = 3) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.multi_cell(0, 8, f"Pagina {number}. La Conferencia Regional sobre Migracion trato la movilidad "
                             "laboral y la proteccion consular de las personas migrantes. " * 4)
    return bytes(pdf.output())


def _encrypted_pdf(user_password: str, owner_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_text_pdf(2))))
    writer.encrypt(user_password=user_password, owner_password=owner_password)  # RC4: no extra package
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pageless_pdf() -> bytes:
    from pypdf import PdfWriter

    out = io.BytesIO()
    PdfWriter().write(out)
    return out.getvalue()


def _image_only_pdf() -> bytes:
    from fpdf import FPDF
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (240, 120), (180, 40, 40)).save(picture, "PNG")
    picture.seek(0)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(picture, x=10, y=10, w=120)  # a page with an image and no text: what a scanner makes
    return bytes(pdf.output())


def _raw_pdf(objects: list[bytes]) -> bytes:
    """Gives a well-formed PDF whose objects 1..n are the given bodies (1: catalog, 2: pages)."""
    body = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return body


_CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
_PAGES = b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>"
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
_PAGE = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
         b"/Resources << /Font << /F1 3 0 R >> >> >>")


def _bomb_pdf(inflated_mb: int = 128) -> bytes:
    """Gives a ~2 KB PDF whose page content, deflated twice, inflates to inflated_mb megabytes."""
    deflate = zlib.compressobj(1)
    block = b" " * (1 << 20)
    once = deflate.compress(b"BT /F1 12 Tf 72 712 Td (hola) Tj ET\n")
    once += b"".join(deflate.compress(block) for _ in range(inflated_mb)) + deflate.flush()
    twice = zlib.compress(once, 9)
    content = (b"<< /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n" % len(twice)
               + twice + b"\nendstream")
    return _raw_pdf([_CATALOG, _PAGES, _FONT, content, _PAGE])


def _deeply_nested_pdf(depth: int = 50_000) -> bytes:
    """Gives a PDF whose page dictionary holds an array nested depth levels deep."""
    content = b"<< /Length 20 >>\nstream\nBT (hola) Tj ET    \nendstream"
    page = _PAGE.replace(b"/Contents 4 0 R", b"/Contents 4 0 R /Deep " + b"[" * depth + b"]" * depth)
    return _raw_pdf([_CATALOG, _PAGES, _FONT, content, page])


def _long_line_text() -> str:
    """Gives ~60,000 words on one line without a sentence end: a table flattened by a bad export."""
    words = "migración laboral movilidad fronteras regional conferencia países cooperación".split()
    return "Tabla de cooperación regional: " + " ".join(words[i % len(words)] for i in range(60_000)) + "\n"


def make_bad_inputs(folder: Path) -> dict[str, str]:
    """Writes the bad inputs into folder; gives, per file name, the kind of reason it must get."""
    folder.mkdir(parents=True, exist_ok=True)
    good_pdf = _text_pdf(3)
    files = {
        "zero-bytes.pdf": (b"", isolation.EMPTY),
        "truncated.pdf": (good_pdf[: len(good_pdf) // 2], isolation.TRUNCATED),
        "random-bytes.pdf": (random.Random(7).randbytes(8192), isolation.NOT_A_PDF),
        "web-page.pdf": (b"<!DOCTYPE html>\n<html><head><title>Informe</title></head>"
                         b"<body><p>Informe de la plenaria</p></body></html>\n", isolation.NOT_A_PDF),
        "password.pdf": (_encrypted_pdf("secreto", "secreto-propietario"), isolation.ENCRYPTED),
        "no-pages.pdf": (_pageless_pdf(), isolation.EMPTY),
        "scanned.pdf": (_image_only_pdf(), isolation.NO_TEXT_LAYER),
        "bomb.pdf": (_bomb_pdf(), isolation.TOO_LARGE),
        "deeply-nested.pdf": (_deeply_nested_pdf(), isolation.UNREADABLE_PDF),
        "utf16.txt": ("Informe en UTF-16 sin convertir".encode("utf-16"), isolation.UNREADABLE_ENCODING),
        "binary.txt": (bytes(b for b in random.Random(8).randbytes(8192) if b), isolation.UNREADABLE_ENCODING),
        "blank.txt": (b"  \n\n\t \n", isolation.EMPTY),
    }
    for name, (data, _) in files.items():
        (folder / name).write_bytes(data)
    with open(folder / "huge.txt", "wb") as handle:  # sparse: 201 MB on paper, no disk used
        handle.truncate(201_000_000)
    refused = {name: kind for name, (_, kind) in files.items() if not (name == "scanned.pdf" and TESSERACT)}
    return {**refused, "huge.txt": isolation.TOO_LARGE}


def add_good_inputs(folder: Path) -> None:
    """Adds the 2024 report with its manifest entry, plus readable files that need care."""
    shutil.copy(CORPUS / REPORT_2024, folder / REPORT_2024)
    entries = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))["documents"]
    entry = next(e for e in entries if e["path"] == REPORT_2024)
    (folder / "manifest.json").write_text(json.dumps({"format": 1, "documents": [entry]}), encoding="utf-8")
    (folder / "declaracion-latin1.txt").write_bytes(LATIN1_TEXT.encode("latin-1"))
    (folder / "long-line.txt").write_text(_long_line_text(), encoding="utf-8")
    # an owner password only: anyone may open it, so it must be read, not refused as encrypted
    (folder / "owner-password-only.pdf").write_bytes(_encrypted_pdf("", "propietario"))


def _failures(stdout: str) -> dict[str, str]:
    """Gives file name -> reason for the 'failed: name: reason' lines of an ingest summary."""
    found = {}
    for line in stdout.splitlines():
        if line.startswith("failed: "):
            name, _, reason = line[len("failed: "):].partition(": ")
            found[name] = reason
    return found


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """One `python -m ingest` run over the bad inputs mixed with good ones: (expected, result, index)."""
    folder = tmp_path_factory.mktemp("hostile")
    expected = make_bad_inputs(folder)
    add_good_inputs(folder)
    index_dir = tmp_path_factory.mktemp("hostile-index")
    return expected, _ingest_cli(folder, index_dir), index_dir


def _ingest_cli(folder: Path, index_dir: Path) -> subprocess.CompletedProcess:
    """Gives the finished `python -m ingest folder --index index_dir --model test/hash` run."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(PROJECT_ROOT)}
    command = [sys.executable, "-m", "ingest", str(folder), "--index", str(index_dir), "--model", "test/hash"]
    return subprocess.run([*command, "--quiet"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                          timeout=CLI_TIMEOUT)


def test_ingest_names_each_bad_file_and_exits_1(hostile_run):
    expected, result, _ = hostile_run
    assert result.returncode == 1, result.stdout + result.stderr
    failures = _failures(result.stdout)
    assert set(failures) == set(expected), result.stdout
    for name, kind in expected.items():
        assert failures[name].startswith(kind + " — "), (name, failures[name])
    assert "Traceback" not in result.stderr, result.stderr


@pytest.mark.parametrize("name, words", [
    ("web-page.pdf", "HTML page"),
    ("password.pdf", "needs a password"),
    ("bomb.pdf", "decompression bomb"),
    ("huge.txt", "the limit is 200 MB"),
    ("zero-bytes.pdf", "zero bytes"),
])
def test_reasons_say_what_to_do_about_the_file(hostile_run, name, words):
    _, result, _ = hostile_run
    assert words in _failures(result.stdout)[name]


def test_a_picture_without_words_is_kept_with_a_warning_or_refused_with_how_to_read_it(hostile_run):
    _, result, _ = hostile_run
    if TESSERACT:
        assert "warning: scanned.pdf: no words found, even by OCR, on its 1 page" in result.stdout, result.stdout
    else:
        assert "apt-get install tesseract-ocr" in _failures(result.stdout)["scanned.pdf"]


def test_good_files_are_searchable_after_the_same_run(hostile_run):
    from search.searcher import Searcher

    _, result, index_dir = hostile_run
    assert f"Indexed {len(GOOD)} documents" in result.stdout, result.stdout
    searcher = Searcher.open(index_dir, embedder=HashEmbedder())
    assert sorted(searcher.data.documents) == sorted(GOOD)
    hits = searcher.search("Sistema de Alerta Temprana Chile", k=5)
    assert any(hit.doc_id == "V-2024" and "Alerta Temprana" in hit.text for hit in hits)


def test_latin1_text_is_read_with_its_accents(hostile_run):
    from search.searcher import Searcher

    _, _, index_dir = hostile_run
    searcher = Searcher.open(index_dir, embedder=HashEmbedder())
    hits = searcher.search("protección consular de niñas y niños migrantes en Panamá", k=3)
    assert hits[0].doc_id == "declaracion-latin1"
    assert "protección consular" in hits[0].text and "Panamá" in hits[0].text


def test_windows_1252_text_keeps_its_curly_quotes_and_dashes(tmp_path):
    from ingest.readers import read_pages

    path = tmp_path / "comunicado.txt"
    path.write_bytes("La “movilidad humana” – según el comunicado – costó 5 €.".encode("cp1252"))
    assert read_pages(path)[0].text == "La “movilidad humana” – según el comunicado – costó 5 €."


def test_a_long_line_without_sentence_ends_is_cut_into_passages_of_bounded_size(hostile_run):
    _, _, index_dir = hostile_run
    data = store.load_generation(store.live_generation(index_dir))
    passages = [c for c in data.chunks if c.doc_id == "long-line"]
    assert len(passages) > 100
    assert max(len(c.text.split()) for c in passages) <= CHUNKING["max_words"]


def test_an_unchanged_rerun_still_reports_the_bad_files(hostile_run):
    """The good files are reused from the live generation; the bad ones are tried, and named, again."""
    expected, first, index_dir = hostile_run
    again = _ingest_cli(Path(first.args[3]), index_dir)
    assert again.returncode == 1
    assert f"unchanged {len(GOOD)}" in again.stdout
    assert set(_failures(again.stdout)) == set(expected)


# -- the worker: time, memory, crashes ------------------------------------------------------------------
# Tasks run in the worker process, which imports them by name from this module.

def _hang(path):
    time.sleep(600)


def _allocate(path):
    return bytearray(8 << 30)  # far beyond the worker's memory limit in these tests


def _die(path):
    os._exit(3)


def _raise_unexpected(path):
    raise ZeroDivisionError("float division by zero in a font width table")


@pytest.fixture
def report_2024():
    meta = next(m for p, m in discover([CORPUS]) if p.name == REPORT_2024)
    return CORPUS / REPORT_2024, meta


@pytest.mark.parametrize("task, limits, kind, words", [
    (_hang, ParseLimits(seconds=2), isolation.TIMED_OUT, "more than 2 s"),
    (_allocate, ParseLimits(memory_bytes=512 << 20), isolation.OUT_OF_MEMORY, "512 MiB"),
    (_die, ParseLimits(), isolation.CRASHED, "exit code 3"),
])
def test_a_worker_that_overruns_or_dies_is_replaced_and_the_next_document_is_read(
        task, limits, kind, words, report_2024):
    path, meta = report_2024
    with DocumentParser(limits) as parser:
        with pytest.raises(DocumentRejected) as caught:
            parser.run(task, path)
        assert caught.value.kind == kind and words in caught.value.reason
        parser.limits = ParseLimits()  # the usual limits for the next document, however busy the machine
        parsed = parser.parse(path, meta, CHUNKING)  # a fresh worker takes the next document
        assert parser.restarts == 1
    assert len(parsed.chunks) > 20 and parsed.practices


def test_unexpected_exception_types_are_named_and_the_worker_goes_on(report_2024, tmp_path):
    path, meta = report_2024
    odd = tmp_path / "odd.pdf"
    odd.write_bytes(b"%PDF-1.7\n%%EOF\n")
    with DocumentParser() as parser:
        with pytest.raises(DocumentRejected) as caught:
            parser.run(_raise_unexpected, odd)
        assert caught.value.kind == isolation.UNREADABLE_PDF
        assert "ZeroDivisionError: float division by zero" in caught.value.reason
        assert parser.parse(path, meta, CHUNKING).chunks
        assert parser.restarts == 0  # an exception costs no worker


def test_one_worker_reads_every_document_of_a_run(report_2024, tmp_path):
    path, meta = report_2024
    with DocumentParser() as parser:
        parser.parse(path, meta, CHUNKING)
        first = parser._process.pid
        with pytest.raises(DocumentRejected):
            parser.parse(tmp_path / "missing.txt", meta, CHUNKING)
        parser.parse(path, meta, CHUNKING)
        assert parser._process.pid == first and parser.restarts == 0


def test_a_file_over_the_size_limit_is_refused_without_reading(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("palabra " * 1000, encoding="utf-8")
    parser = DocumentParser(ParseLimits(max_file_bytes=1000))
    with pytest.raises(DocumentRejected, match="too large — 8,000 bytes, the limit is 1,000 bytes") as caught:
        parser.parse(big, DocumentMeta(doc_id="big", title="big"), CHUNKING)
    assert caught.value.kind == isolation.TOO_LARGE
    assert parser._process is None  # no worker was started for it


# -- damaged index generations --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def two_generations(tmp_path_factory) -> Path:
    """An index of the 2024 report (generation 1), then of both reports (generation 2, live)."""
    from index.pipeline import build_from_paths

    corpus = tmp_path_factory.mktemp("two-reports")
    entries = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))["documents"]
    index_dir = tmp_path_factory.mktemp("two-generations")
    for names in ([REPORT_2024], [REPORT_2024, REPORT_2023]):
        for name in names:
            shutil.copy(CORPUS / name, corpus / name)
        kept = [e for e in entries if e["path"] in names]
        (corpus / "manifest.json").write_text(json.dumps({"format": 1, "documents": kept}), encoding="utf-8")
        build_from_paths([corpus], index_dir, embedder=HashEmbedder(), progress=False)
    assert [g.name for g in store.list_generations(index_dir)] == ["gen-000001", "gen-000002"]
    return index_dir


def _rewrite_manifest(generation: Path, change) -> None:
    path = generation / store.MANIFEST_FILE
    manifest = json.loads(path.read_text(encoding="utf-8"))
    change(manifest)
    path.write_text(json.dumps(manifest), encoding="utf-8")


def _truncate_faiss(generation: Path) -> None:
    path = generation / "vectors.faiss"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _alter_passage(generation: Path) -> None:
    path = generation / "chunks.jsonl"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Conferencia", "Konferencia", 1), encoding="utf-8")  # same size, other bytes


def _drop_a_passage_consistently(generation: Path) -> None:
    """Removes the last passage and records the new file's checksum: only the counts can tell."""
    path = generation / "chunks.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")

    def fix(manifest):
        manifest["files"]["chunks.jsonl"] = {"sha256": store.sha256_file(path), "bytes": path.stat().st_size}
    _rewrite_manifest(generation, fix)


def _future_format(generation: Path) -> None:
    _rewrite_manifest(generation, lambda manifest: manifest.update(format_version=store.FORMAT_VERSION + 1))


def _garbled_manifest(generation: Path) -> None:
    (generation / store.MANIFEST_FILE).write_text('{"format_version": 1, "files": ', encoding="utf-8")


def _manifest_not_utf8(generation: Path) -> None:
    """A manifest with one byte that is not UTF-8 (a disk or copy error): it used to be a traceback."""
    path = generation / store.MANIFEST_FILE
    data = path.read_bytes()
    at = data.index(b'"created"') + 1
    path.write_bytes(data[:at] + b"\xff" + data[at + 1:])


def _manifest_fields_of_the_wrong_type(generation: Path) -> None:
    _rewrite_manifest(generation, lambda manifest: manifest.update(files=["chunks.jsonl"]))


def _chunks_not_utf8_behind_a_matching_checksum(generation: Path) -> None:
    """Damage the checksum cannot see (the manifest was rewritten to match): only decoding can tell."""
    path = generation / "chunks.jsonl"
    data = path.read_bytes()
    path.write_bytes(data[:10] + b"\xff\xfe" + data[12:])

    def fix(manifest):
        manifest["files"]["chunks.jsonl"] = {"sha256": store.sha256_file(path), "bytes": path.stat().st_size}
    _rewrite_manifest(generation, fix)


def _missing_vectors(generation: Path) -> None:
    (generation / "vectors.npy").unlink()


CORRUPTIONS = [
    (_truncate_faiss, store.IndexCorruptError, "truncated"),
    (_alter_passage, store.IndexCorruptError, "does not match its checksum"),
    (_drop_a_passage_consistently, store.IndexCorruptError, "passages but"),
    (_future_format, store.IndexFormatError, "format version 2"),
    (_garbled_manifest, store.IndexCorruptError, "not valid JSON"),
    (_missing_vectors, store.IndexCorruptError, "is missing"),
    (_manifest_not_utf8, store.IndexCorruptError, "is not UTF-8 text"),
    (_manifest_fields_of_the_wrong_type, store.IndexCorruptError, "'files' field"),
    (_chunks_not_utf8_behind_a_matching_checksum, store.IndexCorruptError, "UnicodeDecodeError"),
]


@pytest.fixture
def index_copy(two_generations, tmp_path) -> Path:
    copy = tmp_path / "index"
    shutil.copytree(two_generations, copy, ignore=shutil.ignore_patterns(".lock"))
    return copy


@pytest.mark.parametrize("damage, error, words", CORRUPTIONS, ids=[c[0].__name__.strip("_") for c in CORRUPTIONS])
def test_a_damaged_live_generation_is_refused_by_name(index_copy, damage, error, words):
    from search.searcher import Searcher

    damage(store.live_generation(index_copy))
    with pytest.raises(error, match=words) as caught:
        Searcher.open(index_copy, embedder=HashEmbedder())
    assert "rebuild" in str(caught.value)


@pytest.mark.parametrize("damage, error, words", CORRUPTIONS, ids=[c[0].__name__.strip("_") for c in CORRUPTIONS])
def test_live_searcher_serves_the_previous_good_generation_when_the_live_one_is_damaged(
        index_copy, damage, error, words):
    from search.live import LiveSearcher

    damage(store.live_generation(index_copy))
    searcher = LiveSearcher(index_copy, embedder=HashEmbedder())
    assert "gen-000001" in searcher.notice and words in searcher.notice
    hits = searcher.search("Sistema de Alerta Temprana Chile", k=3)
    assert hits and all(hit.doc_id == "V-2024" for hit in hits)  # generation 1 holds the 2024 report only


@pytest.mark.parametrize("damage", [_manifest_not_utf8, _chunks_not_utf8_behind_a_matching_checksum],
                         ids=["manifest", "chunks"])
def test_search_cli_refuses_a_damaged_live_generation_in_one_sentence(index_copy, damage):
    damage(store.live_generation(index_copy))
    result = subprocess.run([sys.executable, "-m", "search", "--index", str(index_copy), "alertas tempranas"],
                            capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.stderr
    assert "--rollback" in lines[0] and "rebuild" in lines[0]


def test_the_page_says_it_serves_an_older_generation_when_the_live_manifest_is_not_utf8(index_copy):
    from search.live import LiveSearcher
    from ui.i18n import t
    from ui.page import PageContext

    _manifest_not_utf8(store.live_generation(index_copy))
    page = PageContext(searcher=LiveSearcher(index_copy, embedder=HashEmbedder()), lang=None)
    banner = page.notice_html("es")
    assert t("older_index", "es") in banner and "gen-000001" in banner and "not UTF-8" in banner
    assert page.live_searcher().search("Sistema de Alerta Temprana", k=1)


def test_an_index_built_with_another_model_is_refused_by_name(index_copy):
    from search.live import LiveSearcher
    from search.searcher import Searcher

    other = HashEmbedder(dimension=32)
    with pytest.raises(store.ModelMismatchError, match="rebuild it with"):
        Searcher.open(index_copy, embedder=other)
    # no fallback here: every generation was built with the same model, so none would answer correctly
    with pytest.raises(store.ModelMismatchError):
        LiveSearcher(index_copy, embedder=other)


def test_live_searcher_keeps_answering_when_a_new_generation_is_damaged(index_copy):
    from search.live import LiveSearcher

    searcher = LiveSearcher(index_copy, embedder=HashEmbedder(), check_every=0)
    assert searcher.notice is None and "IV-2023" in searcher.data.documents
    broken = index_copy / "gen-000003"
    shutil.copytree(store.live_generation(index_copy), broken)
    _truncate_faiss(broken)
    store.switch_to(index_copy, broken)
    hits = searcher.search("Sistema de Alerta Temprana Chile", k=3)
    assert hits and "gen-000002" in searcher.notice  # the newest good generation, not the damaged one
    assert "IV-2023" in searcher.data.documents
