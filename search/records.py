"""Records that leave the search layer: one Hit per passage found, with everything a citation needs."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from ingest.practices import PracticeRecord
from search.citation import short


@dataclass
class Hit:
    """A passage that answers a query, with its citation."""

    text: str
    score: float | None  # None for a passage asked for by its id, not found by a query
    doc_id: str
    title: str
    plenary: str | None
    year: int | None
    section: str | None
    page: int | None
    source: str
    highlight: str  # the sentence of the passage that best answers the query
    chunk_id: str = ""
    city: str | None = None
    part: str | None = None
    doc_type: str = "report"
    similarity: float | None = None  # cosine of passage and query: how close in meaning, 0..1
    article: str | None = None  # a law's article(s) the passage holds: "111", "5–7"
    page_end: int | None = None  # last page when the passage runs onto another page
    country: str = ""  # whose law or report it is, when one country's
    ocr: bool = False  # the passage's text was recognised by OCR on a scanned page: it may hold misreadings
    role: str = ""  # "caption" (a photo's caption) or "delegation" (of an attendance list); "" for body text

    def pages(self) -> str | None:
        """Gives the page or page range a passage is printed on ("43", "43-44"), None when unpaginated."""
        if self.page is None:
            return None
        return f"{self.page}-{self.page_end}" if self.page_end and self.page_end != self.page else str(self.page)

    @classmethod
    def from_chunk(cls, chunk, doc, *, score: float | None = None, highlight: str = "",
                   similarity: float | None = None) -> "Hit":
        """Gives the hit of a passage (an ingest Chunk) of a document (its DocumentMeta, or None when unknown)."""
        return cls(
            text=chunk.text, score=score, doc_id=chunk.doc_id, title=doc.title if doc else chunk.doc_id,
            plenary=doc.plenary if doc else None, year=doc.year if doc else None, section=chunk.section,
            page=chunk.page, source=doc.source if doc else "", highlight=highlight, chunk_id=chunk.chunk_id,
            city=doc.city if doc else None, part=chunk.part, doc_type=doc.doc_type if doc else "report",
            similarity=similarity, article=chunk.article, page_end=chunk.page_end,
            country=doc.country if doc else "", ocr=chunk.ocr, role=chunk.role,
        )

    def to_dict(self) -> dict:
        return asdict(self)

    def citation(self) -> str:
        """Gives the human-readable citation: report, plenary and year, section, page; for a law, the law
        (with its country), the article and the page, the way a lawyer cites it (search.citation.short)."""
        return short(self)


@dataclass
class PracticeMatch:
    """A practice record that answers a question; score is its cosine with the query (None without a query)."""

    record: PracticeRecord  # ingest.practices.PracticeRecord
    score: float | None = None
    chunk_id: str = ""  # the passage that lists it, when the searcher found it (search.searcher.Results.practices)

    def to_dict(self) -> dict:
        """Gives the record's fields plus its score: the JSON the CLI prints, one object per record."""
        return {**self.record.to_dict(), "score": self.score, **({"chunk_id": self.chunk_id} if self.chunk_id else {})}

    def citation(self) -> str:
        """Gives where the report lists it: plenary and year, session heading, page."""
        record = self.record
        parts = [f"{record.plenary} Plenaria ({record.year})" if record.plenary else record.doc_id]
        if record.section:
            parts.append(record.section)
        parts.append(f"p. {record.page}" if record.page is not None else "sin paginación")
        return " · ".join(parts)
