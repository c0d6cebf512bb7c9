"""Figures on the bundled reports: ingest, warm query latency, index size, memory, UI round trip.

Each function measures one thing and gives plain numbers; bench.__main__ prints them.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.app_process import free_port, start_app, stop_app, wait_until_serving

ROOT = Path(__file__).resolve().parents[1]
DEV_QUERIES = ROOT / "tests" / "data" / "dev.jsonl"
EVAL_QUERIES = ROOT / "tests" / "data" / "queries_puente.jsonl"


class TimedEmbedder:
    """The embedder, timing each query encoding, with passage encoding kept quiet (no progress bars)."""

    def __init__(self, inner):
        self._inner = inner
        self.info = inner.info
        self.last_query_seconds = 0.0

    def encode_queries(self, texts, **kwargs):
        started = time.perf_counter()
        vectors = self._inner.encode_queries(texts, **kwargs)
        self.last_query_seconds = time.perf_counter() - started
        return vectors

    def encode_passages(self, texts, **kwargs):
        return self._inner.encode_passages(texts, **{**kwargs, "show_progress": False})

    def __getattr__(self, name):
        return getattr(self._inner, name)


@dataclass
class IngestRun:
    """One ingest of a corpus into a fresh index."""

    label: str
    seconds: float  # wall time, model load included for the cold run
    passages: int
    texts_embedded: int  # passages, their sentences and practice records
    index_dir: Path
    model_load_seconds: float | None = None  # cold run only: imports and model load


@dataclass
class QueryTimings:
    """Warm query latencies (ms) through Searcher.search, split into query embedding and the rest."""

    queries: int
    repeats: int
    total: list[float] = field(default_factory=list)
    embedding: list[float] = field(default_factory=list)
    rest: list[float] = field(default_factory=list)


def read_queries(path: Path = DEV_QUERIES, limit: int | None = None) -> list[str]:
    """Gives the query texts of a JSONL query file (one {"query": ...} a line)."""
    with open(path, encoding="utf-8") as handle:
        queries = [json.loads(line)["query"] for line in handle if line.strip()]
    return queries[:limit] if limit else queries


def ingest_cold_then_warm(corpus_dir: Path, workdir: Path):
    """Gives the embedder and two ingests of corpus_dir into fresh indexes: the first in this process
    (imports, model load and all), then a second with the model warm. No vectors are reused between them;
    the first index is kept (workdir/index) for the other measurements."""
    from index.pipeline import build_from_paths

    started = time.perf_counter()
    from index.embedder import load_embedder  # torch and sentence-transformers are imported here

    embedder = TimedEmbedder(load_embedder())
    model_seconds = time.perf_counter() - started
    summary = build_from_paths([corpus_dir], workdir / "index", embedder=embedder, progress=False)
    cold = IngestRun("cold", time.perf_counter() - started, summary.passages, summary.embedded,
                     workdir / "index", model_seconds)
    started = time.perf_counter()
    summary = build_from_paths([corpus_dir], workdir / "index-warm", embedder=embedder, progress=False)
    warm = IngestRun("warm", time.perf_counter() - started, summary.passages, summary.embedded,
                     workdir / "index-warm")
    shutil.rmtree(workdir / "index-warm", ignore_errors=True)
    return embedder, [cold, warm]


def time_queries(searcher, embedder: TimedEmbedder, queries: list[str], repeats: int, k: int = 10) -> QueryTimings:
    """Gives the latencies of searcher.search over the queries, each run once to warm up, then `repeats` times."""
    for query in queries:
        searcher.search(query, k=k)
    timings = QueryTimings(len(queries), repeats)
    for _ in range(repeats):
        for query in queries:
            started = time.perf_counter()
            searcher.search(query, k=k)
            total = time.perf_counter() - started
            timings.total.append(total * 1000)
            timings.embedding.append(embedder.last_query_seconds * 1000)
            timings.rest.append((total - embedder.last_query_seconds) * 1000)
    return timings


def generation_files(index_dir: Path) -> dict[str, int]:
    """Gives the bytes of each file of an index's live generation."""
    from index import store

    generation = store.live_generation(index_dir)
    return {p.relative_to(generation).as_posix(): p.stat().st_size
            for p in sorted(generation.rglob("*")) if p.is_file()}


def searcher_memory(index_dir: Path, timeout: float = 300) -> dict:
    """Gives bench.memory_probe's figures for a Searcher opened on index_dir in a fresh process."""
    done = subprocess.run([sys.executable, "-m", "bench.memory_probe", str(index_dir)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, env=_env())
    if done.returncode != 0:
        raise RuntimeError(f"bench.memory_probe failed: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def ui_round_trip(index_dir: Path, runs: int, warmup: int, timeout: float = 300) -> dict:
    """Gives the page's start-up time and the gradio_client p50/p95 (ms) of the search endpoint of
    `python app.py` started on a free port over index_dir (stopped afterwards)."""
    from bench.ui_latency import client_percentiles_ms

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    started = time.perf_counter()
    log_path = Path(index_dir).parent / "app.log"
    # one client sending searches back to back measures latency, not a crowd: the per-address rate limit is off
    app = start_app(index_dir, port, log_path, PUENTE_SEARCHES_PER_MINUTE="0")
    try:
        wait_until_serving(app, url, time.monotonic() + timeout, log_path)
        ready = time.perf_counter() - started
        p50, p95 = client_percentiles_ms(url, runs, warmup)
        return {"ready_seconds": ready, "p50_ms": p50, "p95_ms": p95, "runs": runs}
    finally:
        stop_app(app)


def _env(**extra: str) -> dict:
    env = {**os.environ, **extra}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env
