"""Records that leave the ingest layer: documents with their metadata, and the passages cut from them."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Page:
    """One page of a source as its reader returned it; number is None for unpaginated sources."""

    number: int | None
    text: str
    ocr: bool = False  # the text was read from a scan by OCR (ingest.ocr), not taken from a text layer
    note: str = ""  # what OCR said of a page it could not read: ingest.ocr.NO_WORDS, or that it gave up


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
    doc_type: str = "report"  # "report", "linked" or "law"
    # Read from the text at ingest unless the manifest says: "law" (articles) or "report" (sections).
    kind: str = ""
    country: str = ""  # whose law or report it is (canonical Spanish name), manifest or text
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
    page_end: int | None = None  # last page, when the passage runs onto another page (an article)
    article: str | None = None  # the article(s) of a law the passage holds: "111", "10 Bis", "5–7"
    ocr: bool = False  # some of its text was recognised by OCR on a scanned page: may hold misreadings
    # what a later piece of a long article needs from before it to be read alone (the article's opening, the
    # lead-ins of its lists): embedded with the passage, not part of its text (ingest.kinds.law.lead_ins)
    context: str | None = None
    # what the passage is when it is not body text: "caption" (a photo's caption: who, post, organisation) or
    # "delegation" (one delegation of an attendance list: its members and posts); "" for body text
    role: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Chunk":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class ParsedDocument:
    """A document read and cut: its passages, its good-practice records, and what its text says it is."""

    chunks: list[Chunk]
    practices: list  # ingest.practices.PracticeRecord
    kind: str = "report"  # ingest.kinds: "law" or "report"
    country: str = ""  # whose document it is, read from its text ("" when no one country leads)
    title: str = ""  # the title the text prints (a law's first page), "" when it prints none
    pages: int = 0  # pages the source has (0 for unpaginated sources)
    ocr_pages: int = 0  # pages whose text was read by OCR
    # what the user should know about a document that was read ("no words found, even by OCR"); each
    # names no file: the caller adds it
    warnings: list[str] = field(default_factory=list)
