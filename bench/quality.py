"""python -m bench.quality: retrieval quality on the report sets and on documents the search was not tuned on, one table.

Builds (or brings up to date: unchanged documents are reused) one index per collection under
var/eval/ — the bundled reports; the policy documents questions were tuned on (Mexican visa and
procedure guidelines, nationality regulation, a migration report, an economics paper); the three laws
kept for the blind set (Mexico's Ley de Migración and refugee law, the Dominican Ley 285-04 with its
regulation) — from ../shared/realpdfs, then prints hit@1, hit@5 and MRR@10 for lexical only, dense only
and the final pipeline, Spanish and English, with how often "no good match" fires. A passage on the
answer's page counts as a hit (search.evaluate). The running-header check prints, per new document,
the share of passages that still hold a running header or footer.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.tables import table

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
REAL_PDFS = ROOT.parent / "shared" / "realpdfs"
TUNE_DOCUMENTS = ("rep-es-mx-lineamientos-visas-dof-2025.pdf", "rep-es-mx-lineamientos-tramites-migratorios.pdf",
                  "rep-es-mx-reglamento-ley-nacionalidad.pdf", "rep-es-informe-migracion-internacional-1990-2019.pdf",
                  "rep-es-pe-pucp-dt396-demanda-oferta-agregada.pdf")
BLIND_LAWS = ("rep-es-mx-ley-de-migracion-2026.pdf", "rep-es-mx-ley-refugiados-asilo-politico.pdf",
              "rep-es-do-ley-general-migracion-285-04.pdf")
REPORT_BLIND = tuple(DATA / f"heldout{n}.jsonl" for n in (6, 7, 8, 9))
# (label, collection, query files, negatives)
SUITES = (
    ("reports: held-out 6-9 (blind, paired)", "reports", REPORT_BLIND, DATA / "negatives.jsonl"),
    ("reports: development", "reports", (DATA / "dev.jsonl",), None),
    ("reports: researchers' questions (development)", "reports", (DATA / "research_dev.jsonl",), None),
    # written blind by someone who had seen neither the code nor its results; read once, after the last change
    ("reports: researchers' questions (blind)", "reports", (DATA / "research_blind.jsonl",), None),
    # a second set written the same way after the first was read (2026-11-28), read once after the last change
    ("reports: researchers' questions (second blind set)", "reports", (DATA / "research_blind2.jsonl",), None),
    # a third, written after the second was read (2026-11-28), read once after that session's last change
    ("reports: researchers' questions (third blind set)", "reports", (DATA / "research_blind3.jsonl",), None),
    ("new documents: tuning set", "tune", (DATA / "docs_tune.jsonl",), DATA / "docs_tune_negatives.jsonl"),
    ("new documents: three laws (first blind set)", "laws", (DATA / "laws_blind.jsonl",),
     DATA / "laws_blind_negatives.jsonl"),
    ("new documents: three laws (second blind set)", "laws", (DATA / "laws_blind2.jsonl",),
     DATA / "laws_blind2_negatives.jsonl"),
)


def collection_paths(name: str, realpdfs: Path = REAL_PDFS) -> list[Path]:
    """Gives the files of a collection: the bundled corpus, or PDFs from ../shared/realpdfs."""
    if name == "reports":
        return [ROOT / "corpus"]
    return [realpdfs / f for f in (TUNE_DOCUMENTS if name == "tune" else BLIND_LAWS)]


def build(name: str, index_root: Path, embedder) -> Path:
    """Gives the index folder of a collection, ingesting what changed since it was last built."""
    from index.pipeline import build_from_paths

    index_dir = index_root / name
    summary = build_from_paths(collection_paths(name), index_dir, embedder=embedder, progress=False)
    print(f"{name}: {summary.summary().splitlines()[0]}", file=sys.stderr)
    return index_dir


def furniture_rows(searcher, realpdfs: Path = REAL_PDFS) -> list[list]:
    """Gives, per PDF of an index, its passages and the share still holding a running header or footer."""
    from ingest.furniture import furniture_share
    from ingest.readers import read_pages

    rows = []
    for doc_id in searcher.data.documents:
        path = realpdfs / f"{doc_id}.pdf"
        if not path.is_file():
            continue
        passages = [c.text for c in searcher.data.chunks if c.doc_id == doc_id]
        sections = {c.section for c in searcher.data.chunks if c.doc_id == doc_id}
        pages = [p.text for p in read_pages(path)]
        headers_as_sections = sum(bool(s) and furniture_share([s], pages) > 0 for s in sections)
        rows.append([doc_id, len(passages), f"{furniture_share(passages, pages):.3f}", headers_as_sections])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__.splitlines()[0])
    parser.add_argument("--index-root", type=Path, default=ROOT / "var" / "eval",
                        help="where the collections' indexes are kept (default var/eval)")
    parser.add_argument("--only", choices=[label for label, *_ in SUITES], action="append",
                        help="run only these suites (repeatable)")
    args = parser.parse_args(argv)

    from index.embedder import load_embedder
    from search.evaluate import evaluate, load_queries
    from search.searcher import Searcher

    if not REAL_PDFS.is_dir():
        print(f"error: {REAL_PDFS} is missing; the new-document sets need ../shared/realpdfs", file=sys.stderr)
        return 1
    embedder = load_embedder()
    searchers: dict[str, Searcher] = {}
    rows, flags, furniture, styles = [], [], [], []
    for label, collection, files, negatives in SUITES:
        if args.only and label not in args.only:
            continue
        if collection not in searchers:
            searchers[collection] = Searcher.open(build(collection, args.index_root, embedder), embedder=embedder)
            if collection != "reports":
                furniture += furniture_rows(searchers[collection])
        searcher = searchers[collection]
        loaded = [q for path in files for q in load_queries(path)]
        queries = [q for q in loaded if q.get("style") != "unanswerable"]  # those count as negatives
        unanswerable = [q for q in loaded if q.get("style") == "unanswerable"] + (load_queries(negatives) if negatives else [])
        results = evaluate(searcher, queries)
        for mode, name in (("lexical", "lexical only"), ("dense", "dense only"), ("hybrid", "Puente")):
            for lang in ("es", "en"):
                s = results[mode][lang]
                items = f"{s.items10:.3f}" if s.items10 is not None else ""
                rows.append([label, name, lang, s.n, f"{s.hit1:.3f}", f"{s.hit5:.3f}", f"{s.mrr10:.3f}", items])
        if any("style" in q for q in queries):
            for style, s in sorted(evaluate(searcher, queries, modes=("hybrid",), by="style")["hybrid"].items()):
                if style != "all":
                    items = f"{s.items10:.3f}" if s.items10 is not None else ""
                    styles.append([label, style, s.n, f"{s.hit1:.3f}", f"{s.hit5:.3f}", f"{s.mrr10:.3f}", items])
        if unanswerable:
            flagged = sum(searcher.search(q["query"], k=1).no_good_match for q in unanswerable)
            false_alarms = sum(searcher.search(q["query"], k=1).no_good_match for q in queries)
            flags.append([label, f"{flagged}/{len(unanswerable)}", f"{false_alarms}/{len(queries)}"])
    print(table("Retrieval quality (a passage on the answer's page counts as a hit for the new documents)",
                ["query set", "pipeline", "lang", "n", "hit@1", "hit@5", "MRR@10", "items@10"], rows))
    print()
    if styles:
        print(table("Per question style (Puente, both languages; items@10: share of a list's items in the top 10, "
                    "records included)", ["query set", "style", "n", "hit@1", "hit@5", "MRR@10", "items@10"], styles))
        print()
    print(table("No good match", ["query set", "unanswerable flagged", "answerable flagged"], flags))
    if furniture:
        print()
        print(table("Running headers and footers left in passages", ["document", "passages", "share with a header",
                                                                    "sections named by a header"], furniture))
    return 0


if __name__ == "__main__":
    sys.exit(main())
