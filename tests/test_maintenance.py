"""Maintainers add, change and remove reports; re-indexing is incremental, locked and crash-safe."""
from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index import store
from index.pipeline import build_from_paths
from search.live import LiveSearcher
from search.searcher import Searcher
from tests.conftest import CORPUS_DIR, PROJECT_ROOT

PAGES = [
    "Informe nacional de Atlántida. Capítulo primero sobre cooperación consular entre países vecinos.",
    "El programa Puentes Seguros de Atlántida ofrece asistencia jurídica gratuita a personas migrantes "
    "en tránsito por la frontera norte, con oficinas móviles en tres provincias.",
    "Capítulo tercero. Estadísticas de retorno voluntario asistido durante el año anterior.",
]


def _make_pdf(path: Path, pages: list[str]) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    pdf.output(str(path))
    return path


@pytest.fixture()
def corpus_and_index(tmp_path, real_index):
    """A copy of the corpus and of the real index built from it, for a maintainer to change."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, corpus)
    index_dir = tmp_path / "index"
    shutil.copytree(real_index, index_dir)
    return corpus, index_dir


def test_incremental_ingest_embeds_only_what_changed(corpus_and_index, embedder):
    corpus, index_dir = corpus_and_index
    before = store.load_generation(store.live_generation(index_dir))
    pdf = _make_pdf(corpus / "informe-atlantida.pdf", PAGES)

    added = build_from_paths([corpus], index_dir, embedder=embedder, progress=False)
    assert added.added == ["informe-atlantida"] and added.replaced == [] and added.removed == []
    assert sorted(added.skipped) == ["IV-2023", "V-2024"]
    new_chunks = [c for c in Searcher.open(index_dir, embedder=embedder).data.chunks
                  if c.doc_id == "informe-atlantida"]
    assert 0 < added.embedded <= 4 * len(new_chunks)  # its passages and their sentences, nothing else
    assert added.passages == len(before.chunks) + len(new_chunks)
    assert "no manifest entry" in added.summary()

    hit = Searcher.open(index_dir, embedder=embedder).search(
        "asistencia jurídica gratuita para migrantes en tránsito", k=1)[0]
    assert hit.doc_id == "informe-atlantida" and hit.page == 2

    again = build_from_paths([corpus], index_dir, embedder=embedder, progress=False)
    assert again.embedded == 0 and again.added == [] and len(again.skipped) == 3

    _make_pdf(pdf, [PAGES[0], "Texto nuevo sobre ferias de empleo para personas refugiadas.", PAGES[2]])
    changed = build_from_paths([corpus], index_dir, embedder=embedder, progress=False)
    assert changed.replaced == ["informe-atlantida"]
    texts = " ".join(c.text for c in Searcher.open(index_dir, embedder=embedder).data.chunks)
    assert "Puentes Seguros" not in texts and "ferias de empleo" in texts

    pdf.unlink()
    removed = build_from_paths([corpus], index_dir, embedder=embedder, progress=False)
    assert removed.removed == ["informe-atlantida"] and removed.embedded == 0
    doc_ids = {c.doc_id for c in Searcher.open(index_dir, embedder=embedder).data.chunks}
    assert doc_ids == {"IV-2023", "V-2024"}


def test_rollback_restores_the_previous_generation(corpus_and_index, embedder):
    corpus, index_dir = corpus_and_index
    _make_pdf(corpus / "informe-atlantida.pdf", PAGES)
    build_from_paths([corpus], index_dir, embedder=embedder, progress=False)
    result = subprocess.run([sys.executable, "-m", "ingest", "--rollback", "--index", str(index_dir)],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "Rolled back" in result.stdout
    doc_ids = {c.doc_id for c in Searcher.open(index_dir, embedder=embedder).data.chunks}
    assert doc_ids == {"IV-2023", "V-2024"}


def test_running_app_searcher_picks_up_a_new_generation(corpus_and_index, embedder):
    corpus, index_dir = corpus_and_index
    live = LiveSearcher(index_dir, embedder=embedder, check_every=0)
    assert all(h.doc_id != "informe-atlantida" for h in live.search("Puentes Seguros Atlántida", k=3))
    _make_pdf(corpus / "informe-atlantida.pdf", PAGES)
    build_from_paths([corpus], index_dir, embedder=embedder, progress=False)
    assert live.search("Puentes Seguros Atlántida", k=3)[0].doc_id == "informe-atlantida"


# -- crash safety and locking, with the tiny hash embedder: the plumbing is what is under test ----------

def _small_corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"doc-{i:03d}.txt").write_text(
            f"INFORME {i}\n\nEl país {i} presentó su programa número {i} de protección consular. " * 30,
            encoding="utf-8")
    return folder


def _ingest_cmd(corpus: Path, index_dir: Path) -> list[str]:
    return [sys.executable, "-m", "ingest", str(corpus), "--index", str(index_dir), "--model", "test/hash",
            "--quiet"]


def test_killed_reindex_leaves_previous_generation_serving(tmp_path):
    corpus = _small_corpus(tmp_path / "corpus", 4)
    index_dir = tmp_path / "index"
    subprocess.run(_ingest_cmd(corpus, index_dir), cwd=PROJECT_ROOT, check=True, timeout=300, capture_output=True)
    _small_corpus(tmp_path / "corpus", 120)  # the next re-index has real work to do
    for delay in (0.5, 1.5, 3.0, 5.0):
        process = subprocess.Popen(_ingest_cmd(corpus, index_dir), cwd=PROJECT_ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        hits = Searcher.open(index_dir, model="test/hash").search("programa de protección consular", k=3)
        assert hits, f"no answer after a kill at {delay} s"
    finished = subprocess.run(_ingest_cmd(corpus, index_dir), cwd=PROJECT_ROOT, capture_output=True,
                              text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr
    assert len({c.doc_id for c in Searcher.open(index_dir, model="test/hash").data.chunks}) == 120
    assert not list(index_dir.glob(".staging-*"))


def test_second_concurrent_reindex_is_refused_with_a_clear_message(tmp_path):
    corpus = _small_corpus(tmp_path / "corpus", 2)
    index_dir = tmp_path / "index"
    with store.IndexLock(index_dir):
        result = subprocess.run(_ingest_cmd(corpus, index_dir), cwd=PROJECT_ROOT, capture_output=True,
                                text=True, timeout=300)
    assert result.returncode == 1
    assert result.stderr.startswith("error: Another ingest") and "Traceback" not in result.stderr


def test_report_whose_new_file_is_broken_keeps_its_previous_version(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _make_pdf(corpus / "informe-atlantida.pdf", PAGES)
    index_dir = tmp_path / "index"
    build_from_paths([corpus], index_dir, model="test/hash", progress=False)
    (corpus / "informe-atlantida.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<")  # an interrupted upload
    summary = build_from_paths([corpus], index_dir, model="test/hash", progress=False)
    assert summary.failures and summary.failures[0][0] == "informe-atlantida.pdf"
    assert summary.kept_previous == ["informe-atlantida"] and summary.removed == []
    assert "kept at their previous version" in summary.summary()
    texts = " ".join(c.text for c in Searcher.open(index_dir, model="test/hash").data.chunks)
    assert "Puentes Seguros" in texts
