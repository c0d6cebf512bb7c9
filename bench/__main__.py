"""python -m bench: Puente's speed and size figures, printed as plain tables (figures only, no pass/fail).

    python -m bench [--scale 10k,100k] [--with-1m] [--skip-ui] [--smoke]

On the bundled reports (corpus/), ingested once into a temporary index: ingest time (cold and warm),
warm query latency through the Python API (query embedding vs the rest), index size on disk, resident
memory of a loaded Searcher (in a fresh process), and the UI round trip through gradio_client. Then the
scale run: the FAISS index Puente chooses at 10k and 100k (1M with --with-1m) synthetic passages, against
exact search. --smoke runs everything but the UI on tiny sizes, for CI. The machine may be shared:
compare figures within one run, and rerun before quoting a small difference.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.tables import megabytes, percentiles, table

ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = ROOT / "corpus"
SMOKE_REPORT = "crm-csm-iv-plenaria-2023.txt"
SMOKE_LINES = 120  # the start of one report: a few passages, enough to exercise every step

# The title of every figure the benchmark prints (tests/test_bench_smoke.py checks each appears).
LABELS = (
    "Ingest of the reports",
    "Warm query latency (Python API)",
    "Index on disk",
    "Resident memory of a loaded Searcher",
    "UI round trip (gradio_client)",
    "Scale: FAISS index on a synthetic corpus",
    "Scale: HNSW efSearch against recall",
    "Scale: BM25 on a synthetic corpus",
)


def parse_sizes(text: str) -> list[int]:
    """Gives the corpus sizes of "--scale 10k,100k" (k and m suffixes, or plain numbers)."""
    sizes = []
    for part in filter(None, (p.strip().lower() for p in text.split(","))):
        factor = {"k": 1_000, "m": 1_000_000}.get(part[-1], 1)
        try:
            sizes.append(int(float(part.rstrip("km")) * factor))
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a size: {part!r} (use e.g. 10k,100k)") from None
    return sizes


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=parse_sizes, default=parse_sizes("10k,100k"),
                        help="synthetic corpus sizes for the scale run (default 10k,100k)")
    parser.add_argument("--with-1m", action="store_true",
                        help="add 1M passages to the scale run (4-12 min more, ~7 GB of RAM)")
    parser.add_argument("--skip-ui", action="store_true", help="do not start app.py for the UI round trip")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny sizes (an excerpt of one report, 5 queries, 2k synthetic), no UI: < 60 s")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each dev query (default 5)")
    parser.add_argument("--ui-runs", type=int, default=20, help="timed UI searches (default 20)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.smoke:
        args.scale, args.skip_ui, args.repeats = [2_000], True, 2
    elif args.with_1m and 1_000_000 not in args.scale:
        args.scale.append(1_000_000)
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="puente-bench-"))
    try:
        print(_machine_line(), flush=True)
        _run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"Whole run: {time.perf_counter() - started:.0f} s", flush=True)
    return 0


def _run(args, workdir: Path) -> None:
    from bench import corpus_bench

    corpus_dir = _smoke_corpus(workdir) if args.smoke else CORPUS_DIR
    _progress("ingesting the reports twice (cold, then warm) ...")
    embedder, runs = corpus_bench.ingest_cold_then_warm(corpus_dir, workdir)
    index_dir = runs[0].index_dir
    _emit(_ingest_table(runs, corpus_dir, args.smoke))

    _progress("timing queries ...")
    from search.searcher import Searcher

    searcher = Searcher.open(index_dir, embedder=embedder)
    queries = corpus_bench.read_queries(limit=5 if args.smoke else None)
    _emit(_query_table(corpus_bench.time_queries(searcher, embedder, queries, args.repeats)))
    del searcher

    files = corpus_bench.generation_files(index_dir)
    _emit(_disk_table(files, index_dir))
    _progress("measuring a Searcher's memory in a fresh process ...")
    _emit(_memory_table(corpus_bench.searcher_memory(index_dir)))

    if args.skip_ui:
        _emit(f"== {LABELS[4]}: skipped ({'--smoke' if args.smoke else '--skip-ui'})\n")
    else:
        _progress("starting app.py for the UI round trip ...")
        _emit(_ui_table(index_dir, args.ui_runs))

    _scale(args, embedder, index_dir, corpus_bench)


def _scale(args, embedder, index_dir: Path, corpus_bench) -> None:
    import numpy as np

    from bench import scale
    from index import store

    data = store.load_generation(store.live_generation(index_dir))
    pool = np.vstack([data.vectors, data.sentence_vectors])
    texts = corpus_bench.read_queries(limit=5 if args.smoke else None)
    if not args.smoke:
        texts += corpus_bench.read_queries(corpus_bench.EVAL_QUERIES)
    query_vectors = embedder.encode_queries(texts, show_progress=False)
    rows, sweep_rows, parent_cosines = [], [], []
    for n in args.scale:
        _progress(f"scale run at {n:,} synthetic passages ...")
        corpus, figures, sweep = scale.measure_size(pool, query_vectors, n)
        parent_cosines.append(corpus.parent_cosine)
        for f in figures:
            projected = scale.projected_generation_bytes(data.manifest.files, len(data.chunks), n, f.index_bytes)
            kind = f"hnsw M={store.HNSW_SETTINGS['hnsw_m']} ef={f.ef_search}" if f.kind == "hnsw" else "flat (exact)"
            rows.append([n, kind, "yes" if f.chosen else "", f.build_seconds, megabytes(f.index_bytes),
                         f.p50_ms, f.p95_ms, f.p50_one_thread_ms, f.recall_at_10, f.candidates_p50_ms,
                         f.recall_10_in_candidates, megabytes(projected)])
        sweep_rows += [[p.size, p.ef_search, p.recall_at_10, p.p50_ms] for p in sweep]
        del corpus
    note = "\n".join([
        f"Synthetic vectors (embedding 100k-1M texts is out of reach here): the index's {len(pool)} real passage "
        f"and sentence vectors, resampled with Gaussian noise of their own covariance",
        f"and renormalised; median cosine to the parent {np.median(parent_cosines):.2f}, as a real passage to its "
        f"nearest real neighbour ({scale.nearest_neighbour_cosine(pool):.2f}).",
        f"Queries: {len(texts)} real queries, one at a time, k=10. '1 thread': FAISS on one OpenMP thread (on a "
        f"busy machine, a query split over two threads waits for the slower).",
        "Recall@10: against exact search (IndexFlatIP) on the same vectors. k=200: the Searcher's candidate search, "
        "which it re-scores exactly; 'top 10 in 200': the share",
        "of the exact top 10 among those candidates. Index size: the serialised FAISS index. Generation on disk: "
        "projected from the real generation's bytes per passage",
        f"(text, sentences, their vectors, BM25) plus that index. 'chosen': what Puente builds at that size "
        f"(index.store.faiss_settings: exact below {store.EXACT_BELOW:,} passages).",
    ])
    headers = ["passages", "index", "chosen", "build s", "index size", "p50 ms", "p95 ms", "p50 1 thread",
               "recall@10", "k=200 p50 ms", "top 10 in 200", "generation on disk"]
    _emit(table(LABELS[5], headers, rows, note))
    _emit(table(LABELS[6], ["passages", "efSearch", "recall@10", "p50 ms"], sweep_rows,
                "k=10, one query at a time. The Searcher's k=200 searches at least 200 deep "
                "(index.store.search_parameters)."))
    _lexical_scale(args, data, texts)


def _lexical_scale(args, data, texts: list[str]) -> None:
    from bench import scale
    from index.build import passage_text_for_embedding
    from index.lexical import analyse

    token_pool = [analyse(passage_text_for_embedding(c)) for c in data.chunks]
    query_terms = [analyse(t) for t in texts]
    rows = []
    for n in args.scale:
        _progress(f"BM25 at {n:,} synthetic passages ...")
        f = scale.measure_lexical(token_pool, query_terms, n)
        rows.append([n, f.build_seconds, f.p50_ms, f.p95_ms])
    _emit(table(LABELS[7], ["passages", "build s", "p50 ms", "p95 ms"], rows,
                "BM25 (bm25s) over passages resampled from the real passages' analysed terms. A query: score "
                "every passage and take the\nSearcher's 200 best (index.lexical.LexicalIndex.scores + "
                "argpartition). Built at ingest and saved with the generation (bm25/)."))


def _ingest_table(runs, corpus_dir: Path, smoke: bool) -> str:
    rows = []
    for run in runs:
        label = "cold (first: imports + model load + ingest)" if run.label == "cold" else "warm (model loaded)"
        rows.append([label, run.seconds, run.passages, run.passages / run.seconds, run.texts_embedded,
                     run.texts_embedded / run.seconds])
    cold = runs[0]
    where = f"an excerpt ({SMOKE_LINES} lines) of {SMOKE_REPORT}" if smoke else f"{corpus_dir.name}/"
    note = (f"Corpus: {where}, into a fresh temporary index each time (no vectors reused).\n"
            f"The cold run spent {cold.model_load_seconds:.1f} s importing torch and loading the model. "
            f"Texts embedded: passages, their sentences (for highlighting) and practice records.")
    return table(LABELS[0], ["run", "seconds", "passages", "passages/s", "texts embedded", "texts/s"], rows, note)


def _query_table(t) -> str:
    rows = [[name, *percentiles(values)] for name, values in
            (("whole search", t.total), ("query embedding", t.embedding), ("the rest", t.rest))]
    note = (f"{t.queries} dev queries (tests/data/dev.jsonl) x {t.repeats} runs after one warm-up run each; "
            f"Searcher.search(query, k=10), hybrid.\n"
            f"The rest: dense and BM25 retrieval, sentence re-ranking, repeats removal, highlights.")
    return table(LABELS[1], ["part", "p50 ms", "p95 ms"], rows, note)


def _disk_table(files: dict[str, int], index_dir: Path) -> str:
    from index import store

    settings = store.read_manifest(store.live_generation(index_dir)).settings
    rows = [[name, megabytes(size)] for name, size in files.items()] + [["total", megabytes(sum(files.values()))]]
    chosen = {k: v for k, v in settings.items() if k.startswith(("faiss", "hnsw"))}
    return table(LABELS[2], ["file", "size"], rows, f"FAISS settings recorded in the manifest: {json.dumps(chosen)}")


def _memory_table(m: dict) -> str:
    rows = [
        ["python + imports (numpy, faiss, torch, sentence-transformers)", megabytes(m["rss_imports"])],
        [f"+ model loaded ({m['model_seconds']:.1f} s)", megabytes(m["rss_model"])],
        [f"+ Searcher.open: index in memory ({m['open_seconds']:.1f} s)", megabytes(m["rss_searcher"])],
        ["after a first query", megabytes(m["rss_after_query"])],
        ["peak (VmHWM)", megabytes(m["rss_peak"])],
    ]
    note = (f"VmRSS of a fresh process (bench.memory_probe). The index itself: "
            f"{megabytes(m['rss_searcher'] - m['rss_model'])}; the model and libraries: the rest.")
    return table(LABELS[3], ["stage", "resident"], rows, note)


def _ui_table(index_dir: Path, runs: int) -> str:
    from bench import corpus_bench

    try:
        ui = corpus_bench.ui_round_trip(index_dir, runs=runs, warmup=3)
    except Exception as exc:  # a figure we could not take is reported, the others still print
        return f"== {LABELS[4]}: not measured ({type(exc).__name__}: {exc})\n"
    rows = [["search round trip", ui["p50_ms"], ui["p95_ms"]]]
    note = (f"python app.py on 127.0.0.1 over the temporary index, answering after {ui['ready_seconds']:.1f} s; "
            f"{ui['runs']} warm searches (k=5) after 3 unmeasured,\nthrough gradio_client "
            f"(bench.ui_latency.client_percentiles_ms): queue, search, rendering (exports are written only when clicked).")
    return table(LABELS[4], ["through gradio_client", "p50 ms", "p95 ms"], rows, note)


def _smoke_corpus(workdir: Path) -> Path:
    """Gives a corpus folder holding the start of one report, with its manifest entry."""
    folder = workdir / "corpus"
    folder.mkdir()
    lines = (CORPUS_DIR / SMOKE_REPORT).read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / SMOKE_REPORT).write_text("".join(lines[:SMOKE_LINES]), encoding="utf-8")
    manifest = json.loads((CORPUS_DIR / "manifest.json").read_text(encoding="utf-8"))
    manifest["documents"] = [d for d in manifest["documents"] if d["path"] == SMOKE_REPORT]
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return folder


def _machine_line() -> str:
    import faiss
    import numpy

    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        total_kb = int(meminfo.readline().split()[1])
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"Puente benchmark, {time.strftime('%Y-%m-%d %H:%M')}: {cores} cores, {total_kb / 2**20:.0f} GiB, "
            f"load average {load}; Python {platform.python_version()}, faiss {faiss.__version__}, "
            f"numpy {numpy.__version__}\n")


def _emit(text: str) -> None:
    print(text, flush=True)


def _progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
