"""A question as typed, made fit to search: invisible characters out, and one clear sentence for what is not a question.

Whatever reaches the searcher (the page, the JSON API, the command line) passes here first, so that a query of
zero-width spaces or NUL bytes is "empty" rather than five confident hits, and a lone surrogate (text a browser
or a JSON client can send, that no encoder can read) is refused before it reaches the tokenizer.
"""
from __future__ import annotations

import unicodedata

MAX_QUERY_CHARS = 1000


class QueryError(ValueError):
    """A query refused before searching; the message says why in one sentence (search.searcher.SearchError wraps it)."""


def clean_query(query: str | None, *, max_chars: int = MAX_QUERY_CHARS) -> str:
    """Gives the query with control and invisible characters taken out and spaces collapsed.

    Raises QueryError for a query that is too long (counted as typed, before cleaning: the limit bounds the
    work), holds a lone surrogate, is empty once cleaned, or has no letter or digit.
    """
    query = query or ""
    if len(query) > max_chars:
        raise QueryError(f"The query is {len(query)} characters long; the limit is {max_chars}.")
    if any("\ud800" <= ch <= "\udfff" for ch in query):
        raise QueryError("The query holds a broken character (a lone surrogate); retype it as plain text.")
    # Control characters (NUL, escapes, line breaks) separate words; format characters (zero-width spaces and
    # joiners, the byte-order mark, bidirectional marks, soft hyphens) are invisible and go.
    kept = []
    for ch in unicodedata.normalize("NFC", query):
        category = unicodedata.category(ch)
        if category == "Cf":
            continue
        kept.append(" " if category in ("Cc", "Zl", "Zp") else ch)
    cleaned = " ".join("".join(kept).split())
    if not cleaned:
        raise QueryError("The query is empty: type a question or a few words.")
    if not any(ch.isalnum() for ch in cleaned):
        raise QueryError("The query has no letters or digits: type a question or a few words.")
    return cleaned
