"""python -m search.evaluate QUERIES.jsonl: retrieval quality of the pipeline and of its parts, in one run.

A passage is a hit when, both folded to lower case without accents and with every run of
non-alphanumerics replaced by one space, it contains one of the query's gold phrases
(the rule of shared/eval/README.md). A query that names its answer's document and pages
(fields "doc" and "pages", the sets written over laws and policy documents) also counts a passage
of that document on one of those pages as a hit, and only passages of that document count.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from search.lexical import fold

MODES = ("lexical", "dense", "hybrid")


def normalise(text: str) -> str:
    """Gives text folded as the hit rule compares it."""
    return " " + re.sub(r"[^a-z0-9]+", " ", fold(text)).strip() + " "


def is_hit(passage: str, gold: list[str]) -> bool:
    """Tells whether a passage contains one of the gold phrases under the hit rule."""
    text = normalise(passage)
    return any(normalise(g).strip() in text for g in gold)


def answers(passage, query: dict) -> bool:
    """Tells whether a passage (a Hit or a Chunk) answers a query under the hit rule, pages included."""
    pages = query.get("pages")
    if not pages:
        return is_hit(passage.text, query["gold"])
    if passage.doc_id != query.get("doc"):
        return False
    first = passage.page
    last = getattr(passage, "page_end", None) or first
    on_page = first is not None and any(first <= page <= last for page in pages)
    return on_page or is_hit(passage.text, query["gold"])


@dataclass
class Scores:
    """Per-query ranks summarised."""

    n: int
    hit1: float
    hit5: float
    mrr10: float
    ndcg10: float
    items10: float | None = None  # list questions: the share of their answer items in the top 10 (item_recall)

    def row(self, label: str) -> str:
        items = f"  items@10={self.items10:.3f}" if self.items10 is not None else ""
        return (f"{label:<28} n={self.n:<4} hit@1={self.hit1:.3f}  hit@5={self.hit5:.3f}  "
                f"MRR@10={self.mrr10:.3f}  nDCG@10={self.ndcg10:.3f}{items}")


def score_ranking(relevant: list[bool], n_relevant: int) -> tuple[float, float, float, float]:
    """Gives hit@1, hit@5, reciprocal rank@10 and nDCG@10 of one ranked list of relevance flags."""
    first = next((i for i, r in enumerate(relevant[:10]) if r), None)
    dcg = sum(1.0 / math.log2(i + 2) for i, r in enumerate(relevant[:10]) if r)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(max(n_relevant, 1), 10)))
    return (float(first == 0), float(first is not None and first < 5),
            1.0 / (first + 1) if first is not None else 0.0, dcg / ideal)


def summarise(rows: list[tuple[float, float, float, float]]) -> Scores:
    n = len(rows)
    if not n:
        return Scores(0, 0, 0, 0, 0)
    return Scores(n, *(sum(r[i] for r in rows) / n for i in range(4)))


def load_queries(path: Path) -> list[dict]:
    """Gives the queries of a JSONL file (fields id, lang, query, gold)."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def item_recall(results, query: dict) -> float | None:
    """Gives the share of a list question's answer items (field "items": each a list of gold phrases) that the
    top results hold, in a passage or in a good-practice record shown beside them; None without items."""
    items = query.get("items")
    if not items:
        return None
    texts = [h.text for h in results] + [f"{p.record.name} {p.record.source_line} {p.record.holder}"
                                         for p in getattr(results, "practices", [])]
    return sum(any(is_hit(text, phrases) for text in texts) for phrases in items) / len(items)


def evaluate(searcher, queries: list[dict], modes=MODES, by: str = "lang") -> dict[str, dict[str, Scores]]:
    """Gives, per mode and per language (or per another field of the queries, e.g. by="style"; plus "all"),
    the summarised scores. Item recall@10 (item_recall) is kept per group in Scores.items10."""
    per_query_relevant_counts = {}
    results: dict[str, dict[str, Scores]] = {}
    for mode in modes:
        rows: dict[str, list] = {"all": []}
        recalls: dict[str, list[float]] = {"all": []}
        for q in queries:
            hits = searcher.search(q["query"], k=10, mode=mode)
            relevant = [answers(h, q) for h in hits]
            if q["id"] not in per_query_relevant_counts:
                per_query_relevant_counts[q["id"]] = sum(answers(c, q) for c in searcher.data.chunks)
            scored = score_ranking(relevant, per_query_relevant_counts[q["id"]])
            group = str(q.get(by, "?"))
            rows["all"].append(scored)
            rows.setdefault(group, []).append(scored)
            recall = item_recall(hits, q)
            if recall is not None:
                recalls["all"].append(recall)
                recalls.setdefault(group, []).append(recall)
        results[mode] = {}
        for group, r in rows.items():
            results[mode][group] = summarise(r)
            got = recalls.get(group)
            results[mode][group].items10 = sum(got) / len(got) if got else None
    return results


def misses(searcher, queries: list[dict], k: int = 5) -> list[str]:
    """Gives the queries of the configured pipeline whose answer is not in the top k."""
    out = []
    for q in queries:
        hits = searcher.search(q["query"], k=k)
        if not any(answers(h, q) for h in hits):
            out.append(f"{q['id']} [{q.get('lang')}] {q['query']}")
    return out


def main(argv: list[str] | None = None) -> int:
    from index.paths import default_index_dir

    parser = argparse.ArgumentParser(prog="python -m search.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("queries", type=Path, help="JSONL file: id, lang, query, gold")
    parser.add_argument("--index", type=Path, default=default_index_dir())
    parser.add_argument("--show-misses", action="store_true", help="list the queries missed in the top 5")
    parser.add_argument("--negatives", type=Path,
                        help="JSONL of queries the reports do not answer: prints how often 'no good match' fires")
    args = parser.parse_args(argv)

    from index.pipeline import PuenteError
    from search.searcher import SearchError, Searcher

    try:
        searcher = Searcher.open(args.index)
        loaded = load_queries(args.queries)
        queries = [q for q in loaded if q.get("style") != "unanswerable"]  # those have no gold: see below
        results = evaluate(searcher, queries)
    except (OSError, SearchError, *PuenteError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{len(queries)} queries from {args.queries}; index {searcher.data.path}")
    for mode, by_lang in results.items():
        for lang in ["all"] + sorted(k for k in by_lang if k != "all"):
            print(by_lang[lang].row(f"{mode}/{lang}"))
    if any("style" in q for q in loaded):
        styles = evaluate(searcher, queries, modes=("hybrid",), by="style")["hybrid"]
        print("\nper question style (Puente):")
        for style in sorted(k for k in styles if k != "all"):
            print(styles[style].row(style))
        unanswerable = [q for q in loaded if q.get("style") == "unanswerable"]
        if unanswerable:
            flagged = sum(searcher.search(q["query"], k=1).no_good_match for q in unanswerable)
            print(f"unanswerable: {flagged}/{len(unanswerable)} flagged 'no good match'")
    if args.negatives:
        negatives = load_queries(args.negatives)
        flagged_neg = sum(searcher.search(q["query"], k=1).no_good_match for q in negatives)
        flagged_pos = sum(searcher.search(q["query"], k=1).no_good_match for q in queries)
        print(f"no good match: {flagged_neg}/{len(negatives)} unanswerable queries flagged, "
              f"{flagged_pos}/{len(queries)} answerable queries flagged")
    if args.show_misses:
        print("\nmissed in the top 5 (hybrid):")
        print("\n".join(misses(searcher, queries)) or "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
