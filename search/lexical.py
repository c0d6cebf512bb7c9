"""Query analysis for lexical retrieval: the query's language and its language-neutral words.

The index side (folding, stemming, BM25) lives in index.lexical; its names are re-exported here.
"""
from __future__ import annotations

import re

from index.lexical import (  # noqa: F401  (re-exported for search and ui)
    ENGLISH_STOPWORDS,
    SPANISH_STOPWORDS,
    LexicalIndex,
    stemmer,
    analyse,
    fold,
    raw_tokens,
)


def stopword_votes(words: list[str]) -> tuple[int, int]:
    """Gives how many of the words are Spanish-only and English-only stop words."""
    spanish = sum(w in SPANISH_STOPWORDS and w not in ENGLISH_STOPWORDS for w in words)
    english = sum(w in ENGLISH_STOPWORDS and w not in SPANISH_STOPWORDS for w in words)
    return spanish, english


def detect_language(query: str) -> str:
    """Gives "es" or "en" for a query: Spanish marks and stop words against English ones."""
    if re.search(r"[¿¡ñ]", query.lower()):
        return "es"
    spanish, english = stopword_votes(raw_tokens(query))
    if english > spanish:
        return "en"
    if spanish > english:
        return "es"
    accented = any(ch in "áéíóú" for ch in query.lower())
    return "es" if accented else "en"


def language_neutral_terms(query: str) -> list[str]:
    """Gives the words of a query that mean the same in any language: acronyms, numbers and names.

    An English query over Spanish text shares only these with its answer; letting its other words vote
    in BM25 would reward passages that merely quote English words.
    """
    neutral = []
    for match in re.finditer(r"[\wÀ-ÿ][\w.À-ÿ/-]*", query):
        word = match.group(0).strip(".")
        if _looks_like_name(word, capital_counts=match.start() > 0):
            neutral.append(word)
    return neutral


def _looks_like_name(word: str, *, capital_counts: bool = True) -> bool:
    """Tells whether a word is an acronym ("OIM"), holds a number ("285-04") or, when capital_counts, is capitalised
    and no English stopword ("Darién", not "What")."""
    if (len(word) >= 2 and sum(c.isupper() for c in word) >= 2) or any(c.isdigit() for c in word):
        return True
    return capital_counts and word[:1].isupper() and word.lower() not in ENGLISH_STOPWORDS


# words that join the parts of one name: "Santiago de los Caballeros", "Vuelta a la Patria"
_NAME_JOINERS = {"de", "del", "la", "las", "los", "a", "of"}


def names_in(query: str) -> list[str]:
    """Gives the names, acronyms and numbers a query speaks of, a many-word name as one ("Costa Rica").

    A capitalised word that opens a sentence ("¿Aparece ...", "Soy ...") is a name only when the next word
    is one too ("Costa Rica ...").
    """
    tokens = []  # (word, looks like a name, opens a sentence)
    for match in re.finditer(r"[\wÀ-ÿ][\w.À-ÿ/-]*|[,.?!¿¡:;()\"«»“”]", query):
        word = match.group(0).strip(".")
        opens = not query[:match.start()].strip() or bool(re.search(r"[.?!¿¡:;(\"«“]\s*$", query[:match.start()]))
        tokens.append((word, bool(word) and _looks_like_name(word), opens))
    names, current, joiners = [], [], []
    for i, (word, looks, opens) in enumerate(tokens):
        if looks and opens and not (i + 1 < len(tokens) and tokens[i + 1][1]):
            looks = False  # "¿Aparece ...", "Soy ..."
        if looks:
            current += joiners + [word]
            joiners = []
        elif current and word.lower() in _NAME_JOINERS and len(joiners) < 2:
            joiners.append(word)
        else:
            if current:
                names.append(" ".join(current))
            current, joiners = [], []
    if current:
        names.append(" ".join(current))
    return names
