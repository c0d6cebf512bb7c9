"""Reading a PDF's pages: pypdf first, pdfium (pypdfium2) as the second reader, OCR for pages without text.

Government PDFs are often damaged in ways one parser tolerates and another does not: a missing
startxref, a broken xref table, a page whose content stream throws. pypdf already reads leniently
(strict=False is its default), so a second pypdf attempt would fail the same way; pdfium, the engine
of Chrome's viewer, rebuilds broken cross-reference tables and is a genuinely different second opinion.
A page pypdf cannot extract is taken from pdfium alone, so one bad page never loses the document.

Pages with (almost) no text layer but an image are scans: they are rendered by pdfium and read by
Tesseract (ingest.ocr), and their Page is marked ocr=True so the passages cut from them say so.
"""
from __future__ import annotations

from pathlib import Path

from ingest.errors import IngestError, PdfUnreadableError
from ingest.records import Page

# A page with fewer letters than this and an image on it is taken for a scan. A scanned page often
# carries a stamp or a page number as real text; a page of text has far more.
_SCAN_MAX_LETTERS = 20


def read_pdf(path: Path, *, ocr: bool = True) -> list[Page]:
    """Gives one Page per physical PDF page, numbered from 1; scanned pages read by OCR when ocr is True.

    Raises the pypdf exception of a file that needs a password (or a missing crypto library), hits a
    safety limit or exhausts memory, and PdfUnreadableError when neither pypdf nor pdfium can open it.
    """
    first_failure = None
    try:
        pages = _pypdf_pages(path)
    except _PagesLost as lost:  # pdfium has been asked for those pages already
        raise IngestError(f"{path}: cannot read PDF ({lost.first})") from lost.first
    except MemoryError:
        raise  # the worker answers, then gives its place to a fresh one
    except Exception as exc:  # pypdf raises many unrelated types for damaged files
        if isinstance(exc, _final_errors()):
            raise IngestError(f"{path}: cannot read PDF ({exc})") from exc
        try:
            pages = _pdfium_pages(path)
        except Exception as second:  # noqa: BLE001 - the refusal names both readers' errors
            raise PdfUnreadableError(path, exc, second) from exc
        first_failure = exc
    if ocr:
        pages = _ocr_scanned_pages(path, pages)
    if first_failure is not None and not any(page.text.strip() for page in pages):
        # pdfium opened the file but found nothing either: what pypdf failed on is the better reason
        raise IngestError(f"{path}: cannot read PDF ({first_failure})") from first_failure
    return pages


class _PagesLost(Exception):
    """pypdf opened the file but no page's text could be extracted, by pypdf or pdfium; first: pypdf's error."""

    def __init__(self, first: Exception):
        super().__init__(str(first))
        self.first = first


def _final_errors() -> tuple[type[BaseException], ...]:
    """Gives the failures a second reader must not retry: passwords, missing crypto, bombs, memory."""
    from pypdf import errors

    return (errors.FileNotDecryptedError, errors.WrongPasswordError, errors.DependencyError,
            errors.LimitReachedError, MemoryError)


def _pypdf_pages(path: Path) -> list[Page]:
    """Gives the pages as pypdf extracts them; a page whose extraction fails is taken from pdfium."""
    from pypdf import PdfReader

    # pypdf tries the empty user password on open: a PDF "protected" only against printing opens here,
    # one that needs a password raises FileNotDecryptedError when its pages are read
    reader = PdfReader(str(path))
    final = _final_errors()
    texts: list[str | None] = []
    failures: list[Exception] = []
    for page in reader.pages:
        try:
            texts.append(page.extract_text() or "")
        except final:  # a decompression bomb on one page is refused, not handed to the second reader
            raise
        except Exception as exc:  # noqa: BLE001 - a broken content stream costs this page, not the document
            texts.append(None)
            failures.append(exc)
    if failures:
        texts = _fill_from_pdfium(path, texts)
        if not any(text.strip() for text in texts):
            raise _PagesLost(failures[0])  # nothing was saved: the refusal says what pypdf failed on
    return [Page(number=i, text=text) for i, text in enumerate(texts, 1)]


def _fill_from_pdfium(path: Path, texts: list[str | None]) -> list[str]:
    """Gives texts with each page pypdf failed on (None) read by pdfium, or empty when pdfium fails too."""
    try:
        fallback = [page.text for page in _pdfium_pages(path)]
    except Exception:  # noqa: BLE001 - the pages pypdf did read are kept
        fallback = []
    return [text if text is not None else (fallback[i] if i < len(fallback) else "")
            for i, text in enumerate(texts)]


def _pdfium_pages(path: Path) -> list[Page]:
    """Gives the pages as pdfium extracts them (pypdfium2); raises pypdfium2's PdfiumError when it cannot."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        pages = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
            pages.append(Page(number=index + 1, text=text))
            textpage.close()
            page.close()
        return pages
    finally:
        document.close()


def _ocr_scanned_pages(path: Path, pages: list[Page]) -> list[Page]:
    """Gives the pages with every scanned one (an image, almost no letters) read by OCR and marked ocr."""
    few_letters = [page.number for page in pages if sum(ch.isalpha() for ch in page.text) < _SCAN_MAX_LETTERS]
    if not few_letters:
        return pages
    from ingest import ocr

    scanned = ocr.pages_with_images(path, few_letters)
    if not scanned:
        return pages
    texts = ocr.read_pages(path, scanned)  # raises OcrUnavailableError without Tesseract
    result = []
    for page in pages:
        if page.number in texts:
            text = (texts[page.number] or "").strip()
            if text:
                page = Page(number=page.number, text=(page.text.strip() + "\n\n" + text).strip(), ocr=True)
            else:  # no words, or OCR gave up: the page keeps what its text layer had, with a note saying so
                note = ocr.NO_WORDS if texts[page.number] is not None else ocr.gave_up(ocr.budget_seconds())
                page = Page(number=page.number, text=page.text, note=note)
        result.append(page)
    return result
