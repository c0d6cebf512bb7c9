"""Page furniture: running headers, footers and page numbers, found by their repetition across pages.

A line is furniture when it sits near the top or the bottom of a page and the same line (compared
folded, with every digit run read as one number, so "32 de 72" and "33 de 72" are one line) sits near
the top or bottom of many other pages: a gazette's masthead, "Secretaría de Servicios Parlamentarios",
"Última Reforma DOF 15-01-2026", "Página 48". Lines that state a page number in words ("12 de 72",
"Página 3", "Page 3 of 9", "- 3 -") are furniture in those zones even on short documents. Nothing is
specific to one publisher: what repeats is what is removed, and only in the page margins, so a
sentence that repeats inside the body stays.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

ZONE_LINES = 6  # non-blank lines at the top and at the bottom of a page where furniture sits
MIN_SHARE = 0.3  # share of pages a line must recur on (and at least MIN_PAGES of them)
MIN_PAGES = 3
# A page number said as such: "12 de 72", "Página 48", "Pág. 3", "Page 3 of 9", "- 3 -", "3/72".
_PAGE_LABEL = re.compile(
    r"^\s*(?:(?:p[aá]gina|p[aá]g\.?|page|p\.)\s*\d{1,4}(?:\s*(?:de|of|/)\s*\d{1,4})?"
    r"|\d{1,4}\s*(?:de|of|/)\s*\d{1,4}|[-–—]\s*\d{1,4}\s*[-–—]|\d{1,4})\s*$", re.I)
# The words a page number is said with, in the languages Puente reads.
_PAGE_WORDS = {"de", "of", "pagina", "pag", "page", "p", "pp", "hoja", "folio", "sheet"}
# Division headings recur by shape ("Artículo 12", "CAPÍTULO II") and are text, never furniture.
_DIVISION = re.compile(r"^\s*(?:art[íi]culo|art\.|cap[íi]tulo|t[íi]tulo|secci[óo]n|libro|article|chapter|section)\b",
                       re.I)


def line_key(line: str) -> str:
    """Gives a line as furniture is compared: folded, digit runs as '#', spaces collapsed."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", line.lower()) if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", folded)).strip()


def _zone_indices(lines: list[str]) -> list[int]:
    """Gives the indices of the first and last ZONE_LINES non-blank lines of a page."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:ZONE_LINES] + filled[-ZONE_LINES:]))


def furniture_keys(pages: list[str]) -> set[str]:
    """Gives the keys of the lines that recur in the margins of enough pages to be running headers or footers."""
    if len(pages) < MIN_PAGES:
        return set()
    seen: Counter = Counter()
    spellings: dict[str, set[tuple[str, ...]]] = {}
    for text in pages:
        lines = text.splitlines()
        keys = {line_key(lines[i]): lines[i] for i in _zone_indices(lines)}
        seen.update(keys.keys())
        for key, line in keys.items():
            spellings.setdefault(key, set()).add(tuple(re.findall(r"\d+", line)))  # its numbers
    needed = max(MIN_PAGES, MIN_SHARE * len(pages))
    return {key for key, count in seen.items()
            if count >= needed and key and not _DIVISION.match(key) and len(key) <= 160
            and (len(spellings[key]) == 1 or _mostly_number(key))}


def _mostly_number(key: str) -> bool:
    """Gives True for a line whose changing digits are all it says ("# de #", "pagina #"), not a numbered
    heading that recurs by shape ("sesion #: tema #"): a line that changes from page to page is furniture
    only when it is a page number."""
    return all(word in _PAGE_WORDS for word in re.findall(r"[^\W\d_]+", key))


def strip_furniture(pages: list[str], keys: set[str] | None = None) -> list[str]:
    """Gives the pages' text with running headers, footers and page-number lines removed from their margins
    (keys: the furniture_keys of these pages, when the caller has them already)."""
    keys = furniture_keys(pages) if keys is None else keys
    out = []
    for text in pages:
        lines = text.splitlines()
        drop = {i for i in _zone_indices(lines)
                if line_key(lines[i]) in keys or (len(pages) > 1 and _PAGE_LABEL.match(lines[i]))}
        out.append("\n".join(line for i, line in enumerate(lines) if i not in drop))
    if not any(text.strip() for text in out):
        # every line recurs on every page (a one-line document repeated, "Page1".."Page4"): that is the
        # document's content, not furniture around it
        return list(pages)
    return out


def furniture_share(passages: list[str], pages: list[str]) -> float:
    """Gives the share of passages that still hold a running header or footer (for checks and benchmarks).

    Only furniture lines that never occur in the body of a page count: a law's running title ("Ley de
    Migración") is also said in its articles, and saying it there is not furniture.
    """
    keys = furniture_keys(pages)
    body = set()
    for text in pages:
        lines = text.splitlines()
        zone = set(_zone_indices(lines))
        body.update(line_key(line) for i, line in enumerate(lines) if i not in zone)
    keys = {key for key in keys if len(key) >= 8 and not any(key in line for line in body)}
    if not passages or not keys:
        return 0.0
    return sum(any(key in line_key(p) for key in keys) for p in passages) / len(passages)
