"""Acronyms the reports define ("Sistema de Alerta Temprana (SAT)"), learnt at ingest and saved with each
generation (acronyms.json) so the searcher can expand a bare "SAT" in a query."""
from __future__ import annotations

import re
from collections import Counter

KNOWN_DEFINITIONS = {
    "PPT": "Presidencia Pro Tempore",
    "PMM": "Pacto Mundial para la Migración Segura, Ordenada y Regular",
    "GCM": "Pacto Mundial para la Migración Segura, Ordenada y Regular (Global Compact for Migration)",
    "CRM": "Conferencia Regional sobre Migración",
    "CSM": "Conferencia Suramericana sobre Migraciones",
}

_DEFINITION = re.compile(r"((?:[A-ZÁÉÍÓÚÑ][\wáéíóúñ-]+|de|del|la|las|los|el|y|para|sobre|en|a)"
                         r"(?:\s+(?:[A-ZÁÉÍÓÚÑ][\wáéíóúñ-]+|de|del|la|las|los|el|y|para|sobre|en|a|e)){1,9})"
                         r"\s*\(([A-ZÁÉÍÓÚÑ][A-ZÁÉÍÓÚÑ0-9/-]{1,9})\)")
ACRONYM = re.compile(r"\b[A-ZÁÉÍÓÚÑ][A-ZÁÉÍÓÚÑ0-9-]{1,9}\b")
_LEADING_STOP = {"de", "del", "la", "las", "los", "el", "y", "para", "sobre", "en", "a", "e"}


def _spells(words: list[str], letters: str) -> bool:
    """Tells whether the words spell the letters: every content word gives its initial, in order;
    a small word ("para", "de") may give its initial or none ("CIPRAT": Comisión Intersectorial para ...)."""
    if not words:
        return not letters
    head, rest = words[0], words[1:]
    initial = head[0].upper()
    if head.lower() in _LEADING_STOP:
        return _spells(rest, letters) or (bool(letters) and letters[0] == initial and _spells(rest, letters[1:]))
    return bool(letters) and letters[0] == initial and _spells(rest, letters[1:])


def _trim_to_acronym(phrase: str, acronym: str) -> str | None:
    """Gives the shortest tail of phrase whose initials spell the acronym (letters only), or None."""
    words = phrase.split()
    letters = re.sub(r"[^A-ZÁÉÍÓÚÑ]", "", acronym.upper())
    for start in range(len(words)):
        tail = words[start:]
        if tail[0].lower() in _LEADING_STOP:
            continue
        if len(tail) <= 12 and _spells(tail, letters):
            return " ".join(tail)
    return None


def learn_acronyms(texts: list[str]) -> dict[str, str]:
    """Gives acronym -> definition as the texts define them ("Long Name (ACR)"), the most frequent first."""
    seen: dict[str, Counter] = {}
    for text in texts:
        for match in _DEFINITION.finditer(text.replace("\n", " ")):
            phrase, acronym = match.group(1), match.group(2)
            definition = _trim_to_acronym(phrase, acronym)
            if definition:
                seen.setdefault(acronym, Counter())[definition] += 1
    learnt = {acr: counts.most_common(1)[0][0] for acr, counts in seen.items()}
    return {**KNOWN_DEFINITIONS, **learnt}
