"""python -m search: ask the index a question from the command line, as text or JSON."""
from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    from index.paths import default_index_dir

    parser = argparse.ArgumentParser(
        prog="python -m search",
        description="Find the passages of the CRM-CSM plenary reports that answer a question "
                    "(Spanish or English), each with its citation.",
    )
    parser.add_argument("query", nargs="*", help="the question or words to search for")
    parser.add_argument("--queries", type=Path, help="a file with one query a line (answers each)")
    parser.add_argument("--index", type=Path, default=default_index_dir(),
                        help="index folder (default: $PUENTE_INDEX or var/index in the project)")
    parser.add_argument("-k", type=int, default=5, help="how many passages to show (default 5)")
    parser.add_argument("--json", action="store_true", help="one JSON object per query on stdout")
    parser.add_argument("--model", default=None, help="embedding model (default: the one that built the index)")
    for name in ("plenary", "year", "doc-id", "part", "country", "doc-type", "language"):
        parser.add_argument(f"--{name}", help=f"only passages with this {name.replace('-', ' ')}")
    return parser


def _filters(args) -> dict:
    names = ("plenary", "year", "doc_id", "part", "country", "doc_type", "language")
    return {n: getattr(args, n) for n in names if getattr(args, n)}


def _print_text(query: str, hits) -> None:
    print(f"# {query}")
    if not hits:
        print("  (no passage found)")
    for rank, hit in enumerate(hits, 1):
        print(f"\n{rank}. {hit.citation()}  [score {hit.score:.4f}]")
        print(textwrap.indent(textwrap.fill(hit.highlight, 100), "   > "))
    print()


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    queries = [" ".join(args.query)] if args.query else []
    if args.queries:
        try:
            lines = args.queries.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            print(f"error: cannot read {args.queries}: {exc.strerror}", file=sys.stderr)
            return 2
        queries += [line.strip() for line in lines if line.strip()]
    if not queries:
        parser.error("give a QUERY or --queries FILE")
    if args.k < 1:
        parser.error("-k must be at least 1")

    from index.pipeline import PuenteError
    from search.searcher import SearchError, Searcher

    try:
        searcher = Searcher.open(args.index, model=args.model)
        for query in queries:
            hits = searcher.search(query, k=args.k, **_filters(args))
            if args.json:
                print(json.dumps({"query": query, "hits": [h.to_dict() for h in hits]}, ensure_ascii=False))
            else:
                _print_text(query, hits)
    except (SearchError, *PuenteError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
