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
