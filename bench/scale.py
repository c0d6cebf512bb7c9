"""The scale run: how the FAISS index Puente chooses (index.store.faiss_settings) behaves at 10k-1M passages.

Embedding a million texts is out of reach on this machine, so the corpus is synthetic, made from the real
index: each synthetic passage stands for a real passage of the reports (for the bytes it takes on disk) and
its vector is a smoothed bootstrap of the real passage and sentence vectors: one drawn at random, plus
Gaussian noise with the real vectors' own covariance, renormalised. The noise is scaled so that a synthetic
vector is about as close to its parent (median cosine ~0.93) as a real passage is to its nearest real
neighbour: the clusters overlap as real topics do, instead of being thousands of near-copies. Queries are
real: the dev and evaluation queries, embedded by the model. Recall@10 is measured against exact search
(IndexFlatIP) over the same vectors.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from bench.tables import percentiles
from index import store
from search.searcher import RankingSettings

NOISE = 1.0  # noise standard deviation in units of the real vectors' own spread (see the module docstring)
K = 10
SEARCHER_CANDIDATES = RankingSettings().candidates  # how many passages the Searcher asks the dense index for
EF_SWEEP = (64, 128, 256, 512, 768, 1024)


@dataclass
class SyntheticCorpus:
    """Synthetic passage vectors made from real ones."""

    vectors: np.ndarray  # float32 (n, dim), unit rows
    parent_cosine: float  # median cosine between a synthetic vector and the real vector it came from


@dataclass
class IndexFigures:
    """What one FAISS index did on one synthetic corpus."""

    size: int
    kind: str  # "flat" (exact) or "hnsw"
    chosen: bool  # the type Puente builds at this size
    build_seconds: float
    index_bytes: int  # serialised FAISS index (= vectors.faiss on disk, about its size in memory)
    p50_ms: float  # one query at a time, k=10
    p95_ms: float
    p50_one_thread_ms: float  # the same with FAISS on one OpenMP thread (no waiting for a busy second core)
    candidates_p50_ms: float  # one query at a time, k=200 as the searcher asks
    recall_at_10: float  # against exact search
    recall_10_in_candidates: float  # share of the exact top 10 among the k=200 candidates (re-scored exactly)
    ef_search: int | None = None


@dataclass
class EfPoint:
    """Recall and latency of an HNSW index at one efSearch."""

    size: int
    ef_search: int
    recall_at_10: float
    p50_ms: float


def synthesize(pool: np.ndarray, n: int, *, seed: int = 0, batch: int = 100_000) -> SyntheticCorpus:
    """Gives n unit vectors drawn by a smoothed bootstrap of the rows of pool: a row picked at random, plus
    Gaussian noise with the rows' own covariance (times NOISE squared), renormalised."""
    rng = np.random.default_rng(seed)
    centred = pool - pool.mean(axis=0)
    variances, axes = np.linalg.eigh(centred.T @ centred / len(pool))
    # noise = z * sqrt(eigenvalue) along each principal axis: the spread real passages have around their topics
    shape = (axes * np.sqrt(np.clip(variances, 0, None)) * NOISE).T.astype(np.float32)
    vectors = np.empty((n, pool.shape[1]), dtype=np.float32)
    cosines = []
    for start in range(0, n, batch):
        stop = min(n, start + batch)
        parents = pool[rng.integers(len(pool), size=stop - start)]
        noisy = parents + rng.standard_normal(parents.shape, dtype=np.float32) @ shape
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        vectors[start:stop] = noisy
        cosines.append(np.einsum("ij,ij->i", noisy[:2000], parents[:2000]))
    return SyntheticCorpus(vectors, float(np.median(np.concatenate(cosines))))


def _timed_searches(index, queries: np.ndarray, k: int, repeats: int) -> tuple[list[float], np.ndarray]:
    """Gives the times (ms) of one-query-at-a-time searches made as the Searcher makes them, and the last pass's ids."""
    params = store.search_parameters(index, k)
    for q in queries[: min(5, len(queries))]:  # warm-up
        index.search(q[None, :], k, params=params)
    times, ids = [], np.zeros((len(queries), k), dtype=np.int64)
    for _ in range(repeats):
        for i, q in enumerate(queries):
            started = time.perf_counter()
            _, found = index.search(q[None, :], k, params=params)
            times.append((time.perf_counter() - started) * 1000)
            ids[i] = found[0]
    return times, ids


def nearest_neighbour_cosine(vectors: np.ndarray, sample: int = 5000, seed: int = 0) -> float:
    """Gives the median cosine between a (sampled) vector and its nearest other vector."""
    rows = vectors[np.random.default_rng(seed).permutation(len(vectors))[:sample]]
    similarities = rows @ vectors.T
    similarities[similarities > 0.99999] = -1  # the row itself, and exact duplicates
    return float(np.median(similarities.max(axis=1)))


def recall_at_k(found: np.ndarray, exact: np.ndarray) -> float:
    """Gives the mean share of the exact top-k (k = exact's width) found among an approximate result's ids."""
    k = exact.shape[1]
    return float(np.mean([len(set(f.tolist()) & set(e.tolist())) / k for f, e in zip(found, exact)]))


def measure_size(pool: np.ndarray, queries: np.ndarray, n: int, *, repeats: int = 2,
                 ef_sweep: tuple[int, ...] = EF_SWEEP) -> tuple[SyntheticCorpus, list[IndexFigures], list[EfPoint]]:
    """Gives the figures of exact and HNSW search over n synthetic vectors, and HNSW's efSearch sweep."""
    import faiss

    corpus = synthesize(pool, n, seed=n)
    chosen = store.faiss_settings(n)["faiss"]
    figures: list[IndexFigures] = []
    exact_ids = None
    sweep: list[EfPoint] = []
    for kind, settings in (("flat", {"faiss": "flat"}), ("hnsw", {"faiss": "hnsw", **store.HNSW_SETTINGS})):
        started = time.perf_counter()
        index = store.build_faiss(corpus.vectors, settings)
        build_seconds = time.perf_counter() - started
        index_bytes = faiss.serialize_index(index).nbytes
        if exact_ids is None:  # the flat index is the exact reference
            _, exact_ids = index.search(queries, K)
        times, found = _timed_searches(index, queries, K, repeats)
        candidate_times, candidates = _timed_searches(index, queries, SEARCHER_CANDIDATES, 1)
        one_thread_p50 = _one_thread_p50(index, queries)
        p50, p95 = percentiles(times)
        figures.append(IndexFigures(n, kind, kind == chosen, build_seconds, index_bytes, p50, p95, one_thread_p50,
                                    percentiles(candidate_times)[0], recall_at_k(found, exact_ids),
                                    recall_at_k(candidates, exact_ids), settings.get("hnsw_ef_search")))
        if kind == "hnsw":
            sweep = _ef_sweep(index, queries, exact_ids, n, ef_sweep)
        del index
    return corpus, figures, sweep


def _one_thread_p50(index, queries: np.ndarray) -> float:
    """Gives the p50 (ms) of k=10 searches with FAISS limited to one OpenMP thread, then restores the threads."""
    import faiss

    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        return percentiles(_timed_searches(index, queries, K, 1)[0])[0]
    finally:
        faiss.omp_set_num_threads(threads)


def _ef_sweep(index, queries: np.ndarray, exact_ids: np.ndarray, n: int, efs: tuple[int, ...]) -> list[EfPoint]:
    """Gives recall@10 and p50 of an HNSW index at each efSearch (restoring the configured one after)."""
    configured = index.hnsw.efSearch
    points = []
    for ef in efs:
        index.hnsw.efSearch = ef
        times, found = _timed_searches(index, queries, K, 1)
        points.append(EfPoint(n, ef, recall_at_k(found, exact_ids), percentiles(times)[0]))
    index.hnsw.efSearch = configured
    return points


def projected_generation_bytes(generation_files: dict, n_passages_real: int, n: int, faiss_bytes: int) -> int:
    """Gives the bytes a generation of n passages would take on disk: the real generation's bytes per
    passage (passages, sentences, their vectors and the BM25 index) times n, plus the measured FAISS index."""
    per_passage = sum(info["bytes"] for name, info in generation_files.items()
                      if name in ("chunks.jsonl", "vectors.npy", "sentences.jsonl", "sentence_vectors.npy")
                      or name.startswith("bm25/"))
    return int(per_passage / max(1, n_passages_real) * n) + faiss_bytes


@dataclass
class LexicalFigures:
    """What the BM25 index did on one synthetic corpus."""

    build_seconds: float
    p50_ms: float  # scoring every passage and taking the Searcher's 200 candidates, one query at a time
    p95_ms: float


def measure_lexical(token_pool: list[list[str]], query_terms: list[list[str]], n: int, *,
                    repeats: int = 2, seed: int = 0) -> LexicalFigures:
    """Gives the build time and query latency of BM25 over n passages resampled from real analysed ones.

    Passages are drawn with replacement from the real passages' terms, so posting lists grow with n as in a
    corpus of more reports on the same topics (the vocabulary stays the reports' own).
    """
    from index.lexical import LexicalIndex
    from search.searcher import top_ids

    rng = np.random.default_rng(seed + n)
    docs = [token_pool[i] for i in rng.integers(0, len(token_pool), size=n)]
    started = time.perf_counter()
    lexical = LexicalIndex.from_terms(docs)
    build_seconds = time.perf_counter() - started
    del docs
    times = []
    for _ in range(repeats):
        for terms in query_terms:
            t0 = time.perf_counter()
            scores = lexical.scores(terms)
            top_ids(scores, SEARCHER_CANDIDATES)
            times.append((time.perf_counter() - t0) * 1000)
    p50, p95 = percentiles(times)
    return LexicalFigures(build_seconds, p50, p95)
