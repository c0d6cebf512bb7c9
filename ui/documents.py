"""What the page and the API read about a served document besides its passages: the language its text is in and
its original PDF in the corpus folder. One place, so that the result cards, the practices table, the passage
dialog, the exports and the API's file route agree (server/ imports it; search.sources finds the PDF)."""
from __future__ import annotations

from pathlib import Path

from search.sources import original_pdf


def documents_of(searcher) -> dict:
    """Gives the documents (ingest DocumentMeta by doc_id) of the generation a searcher serves; {} when it has none."""
    return getattr(getattr(searcher, "data", None), "documents", None) or {}


def document_language(documents: dict, doc_id: str) -> str:
    """Gives the language of a document's text as its manifest says ("es", "en"); Spanish when it says none."""
    return getattr(documents.get(doc_id), "language", None) or "es"


def original_file(documents: dict, corpus_dir: Path | None, doc_id: str) -> Path | None:
    """Gives the document's original PDF inside the corpus folder, or None (no folder served, unknown document,
    not a PDF, outside the folder)."""
    if corpus_dir is None:
        return None
    return original_pdf(Path(corpus_dir).resolve(), documents.get(doc_id))
