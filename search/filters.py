"""Filter values as people type them, turned into the canonical values the index stores.

"session 3", "Sesión 3" and 3 are the part "session 3"; "Panama", "PANAMÁ" and "Panamá" are the
country "Panamá"; 4 and "iv" are the plenary "IV". A value that cannot be read is returned as given,
so the caller's "no passage has ...; known values: ..." message shows what was typed.
"""
from __future__ import annotations

import re

from ingest.gazetteer import canonical_country, canonical_organisation, fold
from ingest.structure import part_label

FILTER_ALIASES = {"session": "part", "sesion": "part", "pais": "country", "organization": "organisation"}
_ROMAN = (("M", 1000), ("CM", 900), ("D", 500), ("CD", 400), ("C", 100), ("XC", 90), ("L", 50), ("XL", 40),
          ("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1))
_LANGUAGES = {"es": "es", "spanish": "es", "espanol": "es", "castellano": "es",
              "en": "en", "english": "en", "ingles": "en", "pt": "pt", "portuguese": "pt", "portugues": "pt"}
_DOC_TYPES = {"report": "report", "reports": "report", "informe": "report", "informes": "report",
              "linked": "linked", "link": "linked", "enlazado": "linked", "vinculado": "linked",
              "law": "law", "laws": "law", "ley": "law", "leyes": "law", "decreto": "law", "decree": "law",
              "reglamento": "law", "regulation": "law", "lineamientos": "law", "guidelines": "law"}


def as_values(given) -> list[str]:
    """Gives a filter's values as a list, however they were given: None, one value, "IV,V", or a list of them."""
    if given is None:
        return []
    items = given if isinstance(given, (list, tuple, set)) else [given]
    return [v.strip() for item in items if item is not None for v in str(item).split(",") if v.strip()]


def field_name(name: str) -> str:
    """Return the filter field a name stands for ('session' -> 'part')."""
    return FILTER_ALIASES.get(fold(name).strip(), name)


def roman(number: int) -> str:
    """Return a positive integer in Roman numerals (4 -> 'IV')."""
    out = []
    for letters, value in _ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def canonical_plenary(value) -> str:
    """Return a plenary as its Roman numeral: 4, '4', 'iv', 'IV Plenaria', 'IV-2023' -> 'IV'."""
    text = str(value).strip()
    match = re.match(r"^(\d{1,2})\b", text)
    if match:
        return roman(int(match.group(1)))
    match = re.match(r"^([ivxlIVXL]+)\b", text)
    return match.group(1).upper() if match else text


def canonical_session(value) -> str:
    """Return a session as the part label passages carry: 3, '3', 'Sesión 3', 'session 3' -> 'session 3'."""
    text = str(value).strip()
    if re.fullmatch(r"\d{1,2}", text):
        return f"session {int(text)}"
    match = re.fullmatch(r"(?:s|ses|sess)\.?\s*(\d{1,2})", fold(text))
    if match:
        return f"session {int(match.group(1))}"
    if fold(text) in {"introductory", "introductoria", "intro"}:
        return "introductory session"
    label = part_label(text)
    return label if label != "section" else text


def canonical_value(field: str, value) -> str:
    """Return the canonical form of one filter value for a field (after aliases), or the value as given."""
    text = str(value).strip()
    if field == "country":
        return canonical_country(text) or text
    if field == "organisation":
        return canonical_organisation(text) or text
    if field == "part":
        return canonical_session(text)
    if field == "plenary":
        return canonical_plenary(text)
    if field == "language":
        return _LANGUAGES.get(fold(text), text)
    if field == "doc_type":
        return _DOC_TYPES.get(fold(text), text)
    return text
