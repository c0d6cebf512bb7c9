"""Records that leave the search layer: one Hit per passage found, with everything a citation needs."""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class Hit:
    """A passage that answers a query, with its citation."""

    text: str
    score: float
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

    def to_dict(self) -> dict:
        return asdict(self)

    def citation(self) -> str:
        """Gives the human-readable citation: report, plenary and year, section, page."""
        parts = [self.title]
        if self.plenary and self.year:
            parts.append(f"{self.plenary} Plenaria ({self.city + ', ' if self.city else ''}{self.year})")
        if self.section:
            parts.append(self.section)
        parts.append(f"p. {self.page}" if self.page is not None else "sin paginación")
        return " · ".join(parts)
