"""The results shown (passages or practice records), as CSV and JSON files with full citations, and passages as RIS
and BibTeX records for reference managers (search.citation), written into a temporary folder when a reader asks
for them (ui/download.py)."""
from __future__ import annotations

import csv
import json
import re
import shutil
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from search.citation import bibtex, ris
from search.records import Hit

PRACTICE_CSV_FIELDS = ("rank", "name", "countries", "organisations", "plenary", "year", "session", "section",
                       "page", "citation", "score", "holder", "source_line", "doc_id", "practice_id")
CSV_FIELDS = ("rank", "citation", "title", "plenary", "city", "year", "section", "part", "page",
              "highlight", "text", "similarity", "score", "source", "doc_id", "chunk_id")
COMPARE_CSV_FIELDS = ("column", *CSV_FIELDS)

# A spreadsheet runs a cell that starts with one of these as a formula; report text must stay text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


FORMATS = ("csv", "json")
_EXPORT_DIR: Path | None = None
KEEP_EXPORTS_SECONDS = 3600  # an export is downloaded right after it is made; older ones are removed


def export_dir() -> Path:
    """Gives this process's folder for exports (created on first use)."""
    global _EXPORT_DIR
    if _EXPORT_DIR is None:
        _EXPORT_DIR = Path(tempfile.mkdtemp(prefix="puente-exports-"))
    return _EXPORT_DIR


def export_records(hits: list[Hit]) -> list[dict]:
    """Gives one plain dict per hit, in rank order, with its rank and human-readable citation."""
    return [{"rank": rank, "citation": hit.citation(), **hit.to_dict()} for rank, hit in enumerate(hits, 1)]


def write_exports(hits: list[Hit], query: str, filters: dict, directory: Path | None = None,
                  formats: tuple[str, ...] = FORMATS, languages: dict[str, str] | None = None) -> tuple[Path, ...]:
    """Gives the paths of new files, one per format asked (CSV, JSON, RIS, BibTeX "bib"), holding the hits with
    their citations; languages gives each hit's document language by doc_id (RIS and BibTeX record it)."""
    return _write(export_records(hits), CSV_FIELDS, "hits", query, filters, directory, "results", formats,
                  references=_references(hits, languages))


def _references(hits: list[Hit], languages: dict[str, str] | None) -> dict:
    """Gives the reference formats' writers of some passages, run only for the formats asked."""
    return {"ris": lambda: ris(hits, languages), "bib": lambda: bibtex(hits, languages)}


def write_compare_exports(columns, query: str, directory: Path | None = None,
                          formats: tuple[str, ...] = FORMATS,
                          languages: dict[str, str] | None = None) -> tuple[Path, ...]:
    """Gives the paths of new files, one per format asked (CSV, JSON, RIS, BibTeX "bib"), holding a comparison:
    columns is [(plenary, hits)]. In CSV and JSON each passage is marked with its column ("A", "B") and ranked
    within it; RIS and BibTeX hold one record per passage, column A's first, a passage in both columns once."""
    records = [{"column": name, **record}
               for name, (_, hits) in zip("AB", columns) for record in export_records(hits)]
    filters = {"plenary": [plenary for plenary, _ in columns if plenary]}
    # the same plenary on both sides shows the same passages: one reference each (BibTeX refuses a repeated key)
    passages = list({hit.chunk_id or id(hit): hit for _, hits in columns for hit in hits}.values())
    return _write(records, COMPARE_CSV_FIELDS, "hits", query, filters, directory, "compare", formats,
                  prefix="compare-", references=_references(passages, languages))


def practice_records(matches) -> list[dict]:
    """Gives one plain dict per search.practices.PracticeMatch, in table order, with rank and citation."""
    return [{"rank": rank, "citation": match.citation(), **match.to_dict()} for rank, match in enumerate(matches, 1)]


def write_practice_exports(matches, query: str, filters: dict, directory: Path | None = None,
                           formats: tuple[str, ...] = FORMATS) -> tuple[Path, ...]:
    """Gives the paths of new files, one per format asked (CSV, JSON), holding the practice records shown."""
    return _write(practice_records(matches), PRACTICE_CSV_FIELDS, "practices", query, filters, directory,
                  "practices", formats)


def prune_exports(directory: Path, max_age: float = KEEP_EXPORTS_SECONDS) -> None:
    """Removes export folders older than max_age seconds, so a busy page does not fill the disk."""
    cutoff = time.time() - max_age
    for folder in Path(directory).iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except FileNotFoundError:  # another request pruned it first
            continue


def _write(records: list[dict], fields: tuple[str, ...], key: str, query: str, filters: dict,
           directory: Path | None, fallback_stem: str, formats: tuple[str, ...], prefix: str = "",
           references: dict | None = None) -> tuple[Path, ...]:
    """references: the text of each reference format offered (RIS, BibTeX), made when asked."""
    references = references or {}
    known = (*FORMATS, *references)
    unknown = set(formats) - set(known)
    if unknown:
        raise ValueError(f"unknown export format(s) {sorted(unknown)}; known: {', '.join(known)}")
    root = Path(directory or export_dir())
    if root.exists():
        prune_exports(root)
    folder = root / uuid.uuid4().hex[:12]
    folder.mkdir(parents=True)
    slug = re.sub(r"[^\w]+", "-", query or "", flags=re.UNICODE).strip("-")[:40]
    stem = "puente-" + (prefix + slug if slug else fallback_stem)
    paths = tuple(folder / f"{stem}.{fmt}" for fmt in formats)
    for fmt, path in zip(formats, paths):
        if fmt == "csv":
            _write_csv(path, records, fields)
        elif fmt == "json":
            _write_json(path, records, key, query, filters)
        else:  # UTF-8 without a byte-order mark: reference managers read the accents as they are
            path.write_text(references[fmt](), encoding="utf-8", newline="")
    return paths


def _write_csv(path: Path, records: list[dict], fields: tuple[str, ...]) -> None:
    # utf-8-sig: spreadsheet programs then read the accents of the Spanish reports correctly.
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for record in records:
            writer.writerow({k: _cell(record.get(k)) for k in fields})


def _write_json(path: Path, records: list[dict], key: str, query: str, filters: dict) -> None:
    document = {
        "query": query,
        "filters": {k: v for k, v in filters.items() if v not in (None, "", [])},
        "exported": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        key: records,
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")


def _cell(value) -> str:
    """Gives a CSV cell: lists joined with "; ", and text a spreadsheet would run as a formula quoted."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = "; ".join(map(str, value))
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return str(value)
