"""Shared fixtures: the real index of the bundled reports, built once per test session with the real model."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from index.embedder import ModelInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = PROJECT_ROOT / "corpus"
DEV_QUERIES = Path(__file__).resolve().parent / "data" / "dev.jsonl"
TEST_MODEL = ModelInfo(name="test/random", dimension=8, fingerprint="f" * 64, max_tokens=512)  # 8-d random vectors

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the default model must never need the hub


@pytest.fixture(scope="session")
def embedder():
    """The offline default embedder, loaded once."""
    from index.embedder import load_embedder

    return load_embedder()


@pytest.fixture(scope="session")
def real_index(tmp_path_factory, embedder) -> Path:
    """An index of corpus/ built by `python -m ingest`'s own pipeline, in a temporary folder."""
    from index.pipeline import build_from_paths

    index_dir = tmp_path_factory.mktemp("index")
    build_from_paths([CORPUS_DIR], index_dir, embedder=embedder, progress=False)
    return index_dir


@pytest.fixture(scope="session")
def searcher(real_index, embedder):
    """A searcher over the real index."""
    from search.searcher import Searcher

    return Searcher.open(real_index, embedder=embedder)


API_ADMIN_PASSWORD = "puente-api-admin-3e1b77"
API_PDF_TOPIC = "apicultura para familias migrantes retornadas en Cochabamba"
API_PDF_DOC = "VI-2025-prueba"


@pytest.fixture(scope="session")
def api_app(real_index, embedder, tmp_path_factory):
    """`python app.py` (tests.served) over copies of the real index and of corpus/, with an admin password and
    a two-page PDF added (doc_id API_PDF_DOC, its topic on page 2) plus a PDF linked from outside the corpus
    folder: for the JSON API, the file route and the hardening tests."""
    import json
    import shutil

    from index.pipeline import build_from_paths
    from tests.served import start_served, stop_served, two_page_pdf

    folder = tmp_path_factory.mktemp("api-app")
    index_dir, corpus_dir = folder / "index", folder / "corpus"
    shutil.copytree(real_index, index_dir, ignore=shutil.ignore_patterns(".lock"))
    shutil.copytree(CORPUS_DIR, corpus_dir)
    two_page_pdf(corpus_dir / "informe-api-prueba.pdf", API_PDF_TOPIC)
    outside = folder / "outside"
    outside.mkdir()
    (corpus_dir / "fuera.pdf").symlink_to(two_page_pdf(outside / "secreto.pdf", "un archivo fuera del corpus"))
    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["documents"].append({"doc_id": API_PDF_DOC, "path": "informe-api-prueba.pdf",
                                  "title": "Informe de prueba de la API", "plenary": "VI", "year": 2025,
                                  "city": "Lima, Perú", "language": "es", "doc_type": "report"})
    (corpus_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    build_from_paths([corpus_dir], index_dir, embedder=embedder, progress=False)  # embeds the two PDFs only
    served = start_served(index_dir, corpus_dir, folder, PUENTE_ADMIN_PASSWORD=API_ADMIN_PASSWORD)
    yield served
    stop_served(served)
