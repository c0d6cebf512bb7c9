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
    parser.add_argument("-k", type=int, default=None,
                        help="how many passages to show (default 5); with --practices and a query, records (default 10)")
    parser.add_argument("--json", action="store_true", help="one JSON object per query on stdout")
    parser.add_argument("--model", default=None, help="embedding model (default: the one that built the index)")
    for name in ("plenary", "year", "doc-id", "part", "country", "doc-type", "language"):
        parser.add_argument(f"--{name}", help=f"only passages with this {name.replace('-', ' ')}")
    parser.add_argument("--session", help="only this session: 3, 'session 3', 'Sesión 3' (same as --part)")
    parser.add_argument("--practices", action="store_true",
                        help="list the good practices, policies and tools countries shared (filtered by "
                             "--country, --plenary, --session, --organisation; QUERY ranks them by meaning)")
    parser.add_argument("--organisation",
                        help="with --practices: only practices naming this organisation (OIM, IOM, ACNUR, ...)")
    return parser


def _filters(args) -> dict:
    names = ("plenary", "year", "doc_id", "part", "session", "country", "doc_type", "language", "organisation")
    return {n: getattr(args, n) for n in names if getattr(args, n)}


def _run_practices(args, queries: list[str]) -> int:
    """Prints the practice records that satisfy the filters: a table, or one JSON object per record."""
    from index.pipeline import PuenteError
    from search.practices import PracticeFinder, format_json_lines, format_table
    from search.searcher import SearchError

    try:
        finder = PracticeFinder.open(args.index, model=args.model)
        for query in queries or [None]:
            matches = finder.find(query, k=args.k, **_filters(args))
            if args.json:
                if matches:
                    print(format_json_lines(matches, query))
            else:
                print((f"# {query}\n" if query else "") + format_table(matches) + "\n")
    except (SearchError, *PuenteError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _print_text(query: str, hits) -> None:
    print(f"# {query}")
    if not hits:
        print("  (no passage found)")
    elif getattr(hits, "no_good_match", False):
        print("  (no good match: the reports do not seem to answer this; the closest passages follow)")
        if hits.scope.absent:
            print(f"  (the reports do not mention: {', '.join(hits.scope.absent)})")
        if hits.no_practices:
            print(f"  (the reports list no good practice for: {', '.join(hits.scope.named())})")
        if hits.unmentioned:
            print(f"  (the closest passages do not mention: {', '.join(hits.unmentioned)})")
        if hits.unknown_terms:
            print(f"  (no passage mentions: {', '.join(hits.unknown_terms)})")
    scope = getattr(hits, "scope", None)
    if scope:
        named = [*scope.countries, *map(str, scope.plenaries), *map(str, scope.years), *scope.cities, *scope.documents]
        print(f"  (scope: {', '.join(named)})")
    practices = getattr(hits, "practices", [])
    if practices:
        from search.practices import format_table

        print("\n  Good practices, policies and tools the reports list for this question:")
        print(textwrap.indent(format_table(practices), "  "))
    for rank, hit in enumerate(hits, 1):
        ocr = "  (text recognised by OCR)" if hit.ocr else ""
        print(f"\n{rank}. {hit.citation()}  [score {hit.score:.4f}]{ocr}")
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
    if args.k is not None and args.k < 1:
        parser.error("-k must be at least 1")
    if args.practices:
        return _run_practices(args, queries)
    if not queries:
        parser.error("give a QUERY or --queries FILE")

    from index.pipeline import PuenteError
    from search.searcher import SearchError, Searcher

    try:
        searcher = Searcher.open(args.index, model=args.model)
        for query in queries:
            hits = searcher.search(query, k=args.k or 5, **_filters(args))
            if args.json:
                print(json.dumps({"query": query, "no_good_match": bool(getattr(hits, "no_good_match", False)),
                                  "no_practices": hits.no_practices, "unmentioned": hits.unmentioned,
                                  "unknown_terms": hits.unknown_terms,
                                  "scope": hits.scope.to_dict(), "hits": [h.to_dict() for h in hits],
                                  "practices": [p.to_dict() for p in hits.practices]},
                                 ensure_ascii=False))
            else:
                _print_text(query, hits)
    except (SearchError, *PuenteError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
