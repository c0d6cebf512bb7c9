"""python -m bench.no_match: how often "no good match" fires, on unanswerable and answerable questions, per collection.

The calibration of RankingSettings.weak_below_* (search.searcher): each collection's unanswerable questions
(plausible ones next to what its documents cover: tests/data/unanswerable_*.jsonl, negatives*.jsonl and the
unanswerable lines of research_dev.jsonl) against its answerable ones, per language. The floors were chosen
for at most 5% of answerable questions flagged in every collection, not in the reports alone.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.quality import DATA, ROOT, build
from bench.tables import table

# collection -> (answerable query files, unanswerable query files); research_dev holds both kinds
SETS = {
    "reports": (("dev.jsonl", "research_dev.jsonl", "answerable_controls.jsonl"),
                ("negatives.jsonl", "research_dev.jsonl", "unanswerable_reports.jsonl")),
    "tune": (("docs_tune.jsonl",), ("docs_tune_negatives.jsonl",)),
    "laws": (("laws_blind.jsonl", "laws_blind2.jsonl"),
             ("laws_blind_negatives.jsonl", "laws_blind2_negatives.jsonl", "unanswerable_laws.jsonl")),
}


def split(collection: str) -> tuple[list[dict], list[dict]]:
    """Gives a collection's answerable and unanswerable questions."""
    from search.evaluate import load_queries

    answerable_files, unanswerable_files = SETS[collection]
    answerable = [q for name in answerable_files for q in load_queries(DATA / name) if q.get("style") != "unanswerable"]
    # a negatives file's lines carry no style: all of them are unanswerable
    unanswerable = [q for name in unanswerable_files for q in load_queries(DATA / name)
                    if q.get("style", "unanswerable") == "unanswerable"]
    return answerable, unanswerable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.no_match", description=__doc__.splitlines()[0])
    parser.add_argument("--index-root", type=Path, default=ROOT / "var" / "eval")
    args = parser.parse_args(argv)

    from index.embedder import load_embedder
    from search.searcher import Searcher

    embedder = load_embedder()
    rows = []
    for collection in SETS:
        searcher = Searcher.open(build(collection, args.index_root, embedder), embedder=embedder)
        answerable, unanswerable = split(collection)
        # each question searched once; its verdict is counted in its language's row and in "all"
        flagged = {id(q): searcher.search(q["query"], k=1).no_good_match for q in answerable + unanswerable}
        for lang in ("es", "en", "all"):
            def share(queries):
                chosen = [q for q in queries if lang == "all" or q["lang"] == lang]
                n = sum(flagged[id(q)] for q in chosen)
                return f"{n}/{len(chosen)} ({n / max(1, len(chosen)):.2f})"
            rows.append([collection, lang, share(unanswerable), share(answerable)])
    print(table("No good match: how often it fires", ["collection", "lang", "unanswerable flagged",
                                                       "answerable flagged"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
