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
        is_acronym = len(word) >= 2 and sum(c.isupper() for c in word) >= 2
        has_digit = any(c.isdigit() for c in word)
        is_name = word[:1].isupper() and match.start() > 0 and word.lower() not in ENGLISH_STOPWORDS
        if is_acronym or has_digit or is_name:
            neutral.append(word)
    return neutral
