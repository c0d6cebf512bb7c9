"""Readers that turn a source file into pages of raw text (PDF, plain text, Markdown, HTML)."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from ingest.errors import IngestError
from ingest.records import Page

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES


def read_pages(path: Path | str) -> list[Page]:
    """Return the pages of a source: one per PDF page (1-based), or one unnumbered page otherwise."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return _read_pdf(path)
    if suffix in TEXT_SUFFIXES:
        return [Page(number=None, text=_read_text(path))]
    if suffix in HTML_SUFFIXES:
        return [Page(number=None, text=html_to_text(_read_text(path)))]
    raise IngestError(f"{path}: unsupported file type {suffix or '(none)'}")


def _read_text(path: Path) -> str:
    """Return the file's text, UTF-8 first, then Windows-1252 and Latin-1, the encodings of old exports."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: cannot read file ({exc})") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Windows-1252 is Latin-1 with printable characters (“ ” – € ...) where Latin-1 has controls
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _read_pdf(path: Path) -> list[Page]:
    """Return one Page per physical PDF page, numbered from 1 (ingest.pdf: two readers, OCR of scans)."""
    try:
        from ingest.pdf import read_pdf  # imported lazily: only PDF sources need pypdf and pdfium
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise IngestError(f"{path}: reading PDFs needs pypdf and pypdfium2 (pip install pypdf pypdfium2)") from exc
    return read_pdf(path)


def pdf_title(path: Path | str) -> str | None:
    """Return the title stored in a PDF's metadata, or None."""
    try:
        from pypdf import PdfReader

        meta = PdfReader(str(path)).metadata
        title = (meta.title if meta else None) or ""
        return title.strip() or None
    except Exception:
        return None


_BLOCK_TAGS = {"p", "div", "section", "article", "li", "ul", "ol", "tr", "table", "br", "blockquote",
               "header", "footer", "main", "dd", "dt", "pre", "figcaption"}
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIPPED_TAGS = {"script", "style", "nav", "noscript", "template", "svg"}


class _TextExtractor(HTMLParser):
    """Collects visible text; headings become Markdown '#' lines so structure can see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.title: str | None = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_TAGS:
            self.skip_depth += 1
        elif tag == "title":
            self._in_title = True
        elif tag in _HEADING_TAGS:
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag == "li":
            self.parts.append("\n\n• ")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in _SKIPPED_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in _HEADING_TAGS or tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self._in_title:
            self.title = (self.title or "") + data.strip()
        elif not self.skip_depth:
            # whitespace inside HTML text is layout, not content
            self.parts.append(" ".join(data.split()) + (" " if data[-1:].isspace() else ""))


def html_to_text(html: str) -> str:
    """Return the visible text of an HTML document, headings as '# ' lines, blocks separated by blank lines."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).splitlines()]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"


def html_title(html: str) -> str | None:
    """Return the <title> of an HTML document, or None."""
    parser = _TextExtractor()
    parser.feed(html)
    return parser.title or None
