"""python -m bench.tune_chunking [--index DIR]: retrieval quality for several passage lengths, in one run.

Re-chunks corpus/ at each setting into a copy of the index (so sentence vectors are reused and only
the new passages are embedded), then prints dense-only and final-pipeline figures on the query sets.
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

SETTINGS = [(60, 110), (90, 150), (120, 200), (160, 260)]  # (target_words, max_words)


def main(argv: list[str] | None = None) -> int:
    from bench.tune_ranking import DEFAULT_QUERIES
    from index.embedder import load_embedder
    from index.paths import DEFAULT_CORPUS_DIR, default_index_dir
    from index.pipeline import build_from_paths
    from search.evaluate import evaluate, load_queries
    from search.searcher import Searcher

    parser = argparse.ArgumentParser(prog="python -m bench.tune_chunking", description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=default_index_dir(), help="an index of corpus/ to start from")
    args = parser.parse_args(argv)
    embedder = load_embedder()
    queries = [q for path in DEFAULT_QUERIES for q in load_queries(path)]
    for target_words, max_words in SETTINGS:
        work = Path(tempfile.mkdtemp(prefix="puente-chunking-"))
        try:
            index_dir = work / "index"
            if args.index.exists():
                shutil.copytree(args.index, index_dir)
            summary = build_from_paths([DEFAULT_CORPUS_DIR], index_dir, embedder=embedder, progress=False,
                                       chunking={"target_words": target_words, "max_words": max_words})
            results = evaluate(Searcher.open(index_dir, embedder=embedder), queries, modes=("dense", "hybrid"))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        for mode in ("dense", "hybrid"):
            print(f"target={target_words:<4} max={max_words:<4} passages={summary.passages:<4} {mode:<7}"
                  + " | ".join(f"{lang} h1={s.hit1:.3f} h5={s.hit5:.3f} mrr={s.mrr10:.3f}"
                               for lang, s in sorted(results[mode].items())), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
