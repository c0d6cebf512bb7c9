"""Records that leave the ingest layer: documents with their metadata, and the passages cut from them."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Page:
    """One page of a source as its reader returned it; number is None for unpaginated sources."""

    number: int | None
    text: str


@dataclass
class DocumentMeta:
    """What the corpus manifest (or the file itself) says about a document."""

    doc_id: str
    title: str
    source: str = ""  # where the document comes from (URL or publisher); shown in citations
    plenary: str | None = None  # "IV", "V", ...
    year: int | None = None
    city: str | None = None
    dates: str | None = None
    language: str = "es"
    organisations: list[str] = field(default_factory=list)
    doc_type: str = "report"  # "report" or "linked"
    path: str = ""  # relative to the corpus root
    sha256: str = ""
    from_manifest: bool = True

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "DocumentMeta":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Chunk:
    """A passage: the unit that is embedded, searched and cited."""

    chunk_id: str  # "<doc_id>:<ordinal>"
    doc_id: str
    text: str
    section: str | None = None  # heading of the section the passage sits in
    page: int | None = None  # page the passage starts on; None for unpaginated sources
    part: str | None = None  # coarse part of a report: "session 3", "conclusions", "communiqué", ...
    countries: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Chunk":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})
