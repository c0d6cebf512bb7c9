"""Document kinds: one function decides a document's kind, each kind has its own module that cuts passages.

What is true of every PDF (page furniture, hyphenation) happens before this seam, in ingest.clean and
ingest.furniture; what is true of one kind of document (a plenary report's sessions, a law's articles)
lives behind it.
"""
from __future__ import annotations

from ingest.records import DocumentMeta, Page, ParsedDocument

LAW = "law"
REPORT = "report"


def document_kind(meta: DocumentMeta, pages: list[tuple[int | None, str]]) -> str:
    """Gives "law" for a law, decree, regulation or set of guidelines laid out in articles, else "report".

    The manifest decides when it says so (doc_type "law", or "report" for a plenary report a manifest
    lists); otherwise the text does (ingest.kinds.law.looks_like_law).
    """
    from ingest.kinds.law import looks_like_law

    if meta.doc_type == LAW:
        return LAW
    if meta.doc_type == REPORT and meta.from_manifest:
        return REPORT
    return LAW if looks_like_law("\n".join(text for _, text in pages)) else REPORT


def cut_document(meta: DocumentMeta, pages: list[Page], chunking: dict) -> ParsedDocument:
    """Gives a document's passages (and a report's practice records), cut the way its kind is laid out."""
    from ingest.clean import clean_pages
    from ingest.furniture import furniture_keys, strip_furniture
    from ingest.gazetteer import main_country

    numbers = [page.number for page in pages]
    furniture = furniture_keys([page.text for page in pages])
    texts = strip_furniture([page.text for page in pages], furniture)
    stripped = list(zip(numbers, texts))
    kind = document_kind(meta, stripped)
    country = main_country(meta.title + "\n" + "\n".join(texts))
    if kind == LAW:
        from ingest.kinds.law import chunk_law, law_title

        title = law_title([(page.number, page.text) for page in pages], furniture)
        return ParsedDocument(chunk_law(meta, stripped, **chunking), [], kind, country, title)
    from ingest.chunking import chunk_sections
    from ingest.links import extract_links
    from ingest.practices import extract_practices, link_passages
    from ingest.structure import build_sections

    sections = build_sections(clean_pages(stripped))
    chunks = chunk_sections(meta, sections, **chunking)
    # the addresses a report cites for its items say whose some of them are (a government's site)
    practices = extract_practices(meta, sections, links=extract_links("\n".join(texts), meta.doc_id))
    return ParsedDocument(chunks, link_passages(practices, chunks), kind, country)
