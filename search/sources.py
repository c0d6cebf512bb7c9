"""Where a reader opens a hit's document: its original PDF, served by the app from the corpus folder at the cited
page, else its source when that is a web address.

    from search.sources import document_link, original_pdf
    has_pdf = original_pdf(corpus_dir, searcher.data.documents[hit.doc_id]) is not None
    document_link(hit, has_pdf=has_pdf)   # "api/documents/V-2024/file#page=12", "https://...", or None
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from search.citation import web_address


def original_pdf(corpus_dir: Path, doc) -> Path | None:
    """Gives a document's original PDF inside the corpus folder, or None (no document, not a PDF, outside it).

    corpus_dir must be resolved already (Path.resolve()); doc is an ingest DocumentMeta or None.
    """
    if doc is None or not doc.path or not doc.path.lower().endswith(".pdf"):
        return None
    path = (corpus_dir / doc.path).resolve()
    # resolve() follows links and "..": what is served must still be a file inside the corpus folder
    if not path.is_relative_to(corpus_dir) or not path.is_file():
        return None
    return path


def file_address(doc_id: str, page: int | None = None, base: str = "") -> str:
    """Gives the address of the app's route serving a document's PDF, at a page when given (base: the site's
    root, "" for an address relative to the page)."""
    return f"{base}api/documents/{quote(doc_id, safe='')}/file" + (f"#page={page}" if page else "")


def document_link(hit, *, has_pdf: bool, base: str = "") -> str | None:
    """Gives where to read the hit's document: its PDF served by the app at the hit's page, else its source when
    a web address, else None."""
    if has_pdf:
        return file_address(hit.doc_id, hit.page, base)
    return web_address(hit.source)
