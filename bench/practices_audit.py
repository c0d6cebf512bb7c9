"""Compare the good-practice records ingest extracts with the hand-made reference list.

    python -m bench.practices_audit                       # corpus/ against tests/data/practices_reference.jsonl
    python -m bench.practices_audit --show-all            # every record side by side, not only the differences

The reference (tests/data/practices_reference.jsonl, how it was made: tests/test_practices.py) lists every
good practice the two bundled reports print, with its session, countries and organisations, read by hand.
The records are cut the way `python -m ingest` cuts them (ingest.kinds.cut_document), so their passages
(chunk_id) and pages are the index's. Printed: counts per report and per session, then the records
missing, the extra ones (not practices), those whose countries differ from the reference (a country the
report gives that the record lacks, or one it does not give), organisations that differ, records without
a passage or whose passage does not print them, and pages that differ from the reference or the passage.
Figures only, no assertions: tests/test_practices.py asserts.
"""
from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections import Counter
from pathlib import Path

from bench.tables import table

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "tests" / "data" / "practices_reference.jsonl"
CORPUS = ROOT / "corpus"


def load_reference(path: Path = REFERENCE) -> list[dict]:
    """Gives the reference rows (one a practice)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def extract(corpus: Path = CORPUS) -> tuple[dict[str, list], dict[str, dict]]:
    """Gives the records of every report of a corpus folder and its passages by chunk_id, as ingest cuts them."""
    from index.pipeline import DEFAULT_CHUNKING
    from ingest.corpus import discover
    from ingest.kinds import cut_document
    from ingest.readers import read_pages

    records, chunks = {}, {}
    for path, meta in discover([corpus]):
        parsed = cut_document(meta, read_pages(path), DEFAULT_CHUNKING)
        records[meta.doc_id] = parsed.practices
        chunks.update({chunk.chunk_id: chunk for chunk in parsed.chunks})
    return records, chunks


def _key(text: str) -> str:
    from ingest.gazetteer import fold

    return " ".join(fold(text).replace("«", " ").replace("»", " ").split())


def pair(reference: list[dict], records: list) -> tuple[list[tuple[dict, object]], list[dict], list]:
    """Gives (reference row, record) pairs, the rows no record matches and the records no row matches.

    A record matches the row of its report whose name is most alike (difflib ratio of the folded names,
    at least 0.75), one to one; the same session counts first.
    """
    candidates = []
    for i, row in enumerate(reference):
        for j, record in enumerate(records):
            ratio = difflib.SequenceMatcher(None, _key(row["name"]), _key(record.name)).ratio()
            if ratio >= 0.75:
                candidates.append((row["session"] == record.session, ratio, i, j))
    used_rows, used_records, pairs = set(), set(), []
    for _, _, i, j in sorted(candidates, reverse=True):
        if i not in used_rows and j not in used_records:
            used_rows.add(i), used_records.add(j)
            pairs.append((reference[i], records[j]))
    pairs.sort(key=lambda p: reference.index(p[0]))
    return (pairs, [r for i, r in enumerate(reference) if i not in used_rows],
            [r for j, r in enumerate(records) if j not in used_records])


def audit(reference: list[dict], records: dict[str, list], chunks: dict[str, object]) -> tuple[str, dict]:
    """Gives the comparison as text and its figures per report."""
    from ingest.gazetteer import fold

    out, figures = [], {}
    for doc_id in sorted({r["doc_id"] for r in reference} | set(records)):
        rows = [r for r in reference if r["doc_id"] == doc_id]
        found = records.get(doc_id, [])
        pairs, missing, extra = pair(rows, found)
        want, got = Counter(r["session"] for r in rows), Counter(r.session for r in found)
        sessions = sorted(set(want) | set(got), key=lambda s: (len(s or ""), s or ""))
        out.append(table(f"{doc_id}: practices per session (reference by hand / extracted)",
                         ["session", "reference", "extracted"],
                         [[s, want[s], got[s]] for s in sessions] + [["total", len(rows), len(found)]]))
        problems = {"missing": [f"{r['session']}: {r['name']}" for r in missing],
                    "extra (not a practice)": [f"{r.session}: {r.name}" for r in extra],
                    "wrong session": [], "country missing": [], "country wrong": [], "organisations differ": [],
                    "no passage": [], "passage does not print it": [], "page differs": []}
        for row, record in pairs:
            label = f"{record.session}: {record.name[:70]}"
            if row["session"] != record.session:
                problems["wrong session"].append(f"{label} (reference: {row['session']})")
            if row["countries"] and not record.countries:
                problems["country missing"].append(f"{label}: reference {row['countries']} ({row['evidence']})")
            elif record.countries != row["countries"]:
                problems["country wrong"].append(f"{label}: {record.countries} [{getattr(record, 'country_source', '')}], "
                                                 f"reference {row['countries']}")
            if sorted(record.organisations) != sorted(row["organisations"]):
                problems["organisations differ"].append(f"{label}: {record.organisations}, "
                                                        f"reference {row['organisations']}")
            chunk = chunks.get(getattr(record, "chunk_id", ""))
            if chunk is None:
                problems["no passage"].append(label)
            else:
                words = " ".join(fold(record.name).replace("«", "« ").split()[:6])
                if words not in " ".join(fold(chunk.text).replace("«", "« ").split()):
                    problems["passage does not print it"].append(f"{label} -> {chunk.chunk_id}")
                if chunk.page != record.page:
                    problems["page differs"].append(f"{label}: record p. {record.page}, passage p. {chunk.page}")
            if row.get("page") != record.page:
                problems["page differs"].append(f"{label}: record p. {record.page}, reference p. {row.get('page')}")
        figures[doc_id] = {"reference": len(rows), "extracted": len(found), "matched": len(pairs),
                           "with_country_in_reference": sum(bool(r["countries"]) for r in rows),
                           "with_country_extracted": sum(bool(r.countries) for r in found),
                           **{name: len(items) for name, items in problems.items()}}
        out.append(table(f"{doc_id}: differences from the reference", ["kind", "records"],
                         [[name, len(items)] for name, items in problems.items()]))
        for name, items in problems.items():
            out += [f"  {name}: {item}" for item in items]
        out.append("")
    return "\n".join(out), figures


def show_all(reference: list[dict], records: dict[str, list]) -> str:
    """Gives every reference row beside its record: session, countries (reference | extracted), chunk, name."""
    lines = []
    for doc_id in sorted(records):
        pairs, _, _ = pair([r for r in reference if r["doc_id"] == doc_id], records[doc_id])
        for row, record in pairs:
            lines.append(f"{doc_id} {record.session:<10} {', '.join(row['countries']) or '-':<32} | "
                         f"{', '.join(record.countries) or '-':<32} {getattr(record, 'country_source', '') or '-':<6} "
                         f"{getattr(record, 'chunk_id', '') or '-':<13} {record.name[:60]}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.practices_audit", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="corpus folder (default: corpus/)")
    parser.add_argument("--reference", type=Path, default=REFERENCE, help="hand-made reference (JSON lines)")
    parser.add_argument("--show-all", action="store_true", help="also print every record beside its reference row")
    parser.add_argument("--json", action="store_true", help="print the figures per report as JSON instead")
    args = parser.parse_args(argv)
    reference = load_reference(args.reference)
    records, chunks = extract(args.corpus)
    text, figures = audit(reference, records, chunks)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=1))
        return 0
    print(text)
    if args.show_all:
        print(show_all(reference, records))
    return 0


if __name__ == "__main__":
    sys.exit(main())
