"""What the page and the API read about a served document besides its passages: the language its text is in. One
place, so that the result cards, the practices table, the passage dialog and the exports agree (server/ imports
it; search.sources finds a document's original PDF)."""
from __future__ import annotations


def documents_of(searcher) -> dict:
    """Gives the documents (ingest DocumentMeta by doc_id) of the generation a searcher serves; {} when it has none."""
    return getattr(getattr(searcher, "data", None), "documents", None) or {}


def document_language(documents: dict, doc_id: str) -> str:
    """Gives the language of a document's text as its manifest says ("es", "en"); Spanish when it says none."""
    return getattr(documents.get(doc_id), "language", None) or "es"

