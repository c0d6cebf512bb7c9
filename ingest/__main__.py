"""python -m ingest: turn the reports under PATHs into a searchable index (a CLI edge, so it may call index/)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    from index.paths import DEFAULT_CORPUS_DIR, default_index_dir

    parser = argparse.ArgumentParser(
        prog="python -m ingest",
        description="Read the reports (PDF, text, Markdown, HTML) under PATHs, cut them into cited passages, "
                    "embed them and write a new index generation; the previous one is kept for rollback.",
        epilog="Other commands: `python -m ingest links` writes corpus/links.json, the URLs the reports cite; "
               "`python -m ingest fetch-links` downloads them when the network allows (see their --help).",
    )
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT_CORPUS_DIR],
                        help=f"files or folders to index (default: {DEFAULT_CORPUS_DIR})")
    parser.add_argument("--index", type=Path, default=default_index_dir(),
                        help="index folder (default: $PUENTE_INDEX or var/index in the project)")
    parser.add_argument("--model", default=None,
                        help="embedding model: hub id or local path (default: the offline multilingual-e5-small)")
    parser.add_argument("--rollback", action="store_true",
                        help="make the previous index generation live again and exit")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    return parser


SUBCOMMANDS = {"links": "ingest.links", "fetch-links": "ingest.fetch"}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in SUBCOMMANDS:
        import importlib

        return importlib.import_module(SUBCOMMANDS[argv[0]]).main(argv[1:])
    args = _parser().parse_args(argv)
    from index.pipeline import PuenteError, build_from_paths, rollback_index

    try:
        if args.rollback:
            generation = rollback_index(args.index)
            print(f"Rolled back: {generation.name} is live again in {args.index}.")
            return 0
        report = build_from_paths(args.paths, args.index, model=args.model, progress=not args.quiet)
    except PuenteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; the previous index generation is still live.", file=sys.stderr)
        return 130
    print(report.summary())
    return 1 if report.failures else 0  # the new generation is live, but some documents are not in it


if __name__ == "__main__":
    sys.exit(main())
