"""OCR of scanned PDF pages: pdfium (pypdfium2) renders a page, Debian's Tesseract reads the image.

The tesseract command line is called directly (image on stdin, text on stdout) rather than through a
wrapper library: it is one subprocess call, and the worker's memory and CPU limits (ingest.isolation)
apply to it as to any child process. Each page has a time budget (PAGE_SECONDS): a page Tesseract has not
finished by then is given up, not the document, and the isolated worker is given that much more time per
page to OCR, so a long scan is not cut off at the limit meant for reading a PDF with a text layer.
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from ingest.errors import IngestError

INSTALL_HINT = ("install Tesseract to read scanned pages: apt-get install tesseract-ocr tesseract-ocr-spa "
                "tesseract-ocr-eng (bash scripts/setup.sh does it)")
# Spanish first: the corpus is mostly Spanish; English is read too (annexes, papers in English).
LANGUAGES = ("spa", "eng")
DPI = 300  # Tesseract is trained on ~300 dpi text; fewer dots lose accents and small print
# One page's OCR budget: a dense 300-dpi page takes 3-8 s on a busy 2-core machine, so a page still running
# after this is stuck (or is not text); it is given up and the document keeps its other pages.
PAGE_SECONDS = 30.0


@dataclass
class _Budget:
    page_seconds: float = PAGE_SECONDS
    # told, before OCR starts, the most time the pages about to be read may take: the isolated worker
    # (ingest.isolation) extends its deadline by that much, so a long scan is not cut off at the time
    # allowed for reading a document with a text layer
    announce: Callable[[float], None] | None = None


_BUDGET = _Budget()


def configure(*, page_seconds: float = PAGE_SECONDS, announce: Callable[[float], None] | None = None) -> None:
    """Sets this process's OCR time budget per page, and who to tell before pages are read (see _Budget)."""
    _BUDGET.page_seconds, _BUDGET.announce = float(page_seconds), announce


def budget_seconds() -> float:
    """Gives the OCR budget of one page in this process."""
    return _BUDGET.page_seconds


def announce(pages: int) -> None:
    """Tells whoever configure named that OCR of pages is about to start, and the most time it may take."""
    if _BUDGET.announce is not None:
        _BUDGET.announce(pages * _BUDGET.page_seconds)


# What a page's note (ingest.records.Page.note) says when OCR read it and found nothing, or gave up on it.
NO_WORDS = "OCR found no words on it"


def gave_up(seconds: float) -> str:
    """Gives the note of a page whose OCR ran past its budget of seconds."""
    return f"OCR gave up on it after {seconds:g} s, so its text is missing"


class OcrUnavailableError(IngestError):
    """Tesseract is not installed (or lacks every language Puente reads); detail says how to install it."""

    def __init__(self, path: Path | str, detail: str):
        self.path, self.detail = str(path), detail
        super().__init__(f"{path}: {detail}")


def tesseract_command() -> str | None:
    """Gives the path of the tesseract program, or None when it is not installed."""
    return shutil.which("tesseract")


@lru_cache(maxsize=4)
def _installed_languages(command: str) -> frozenset[str]:
    """Gives the language packs this Tesseract has ("spa", "eng", "osd" ...)."""
    listed = subprocess.run([command, "--list-langs"], capture_output=True, text=True, timeout=30)
    return frozenset(listed.stdout.split()) | frozenset(listed.stderr.split())


def _languages(command: str, path: Path) -> str:
    """Gives the "spa+eng" argument for the languages of LANGUAGES this Tesseract has."""
    wanted = [lang for lang in LANGUAGES if lang in _installed_languages(command)]
    if not wanted:
        raise OcrUnavailableError(path, f"Tesseract has neither Spanish nor English installed; {INSTALL_HINT}")
    return "+".join(wanted)


def pages_with_images(path: Path, numbers: list[int]) -> list[int]:
    """Gives those of the page numbers (1-based) whose page draws at least one image."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument(str(path))
    try:
        return [number for number in numbers if _draws_an_image(document, number, pdfium_c.FPDF_PAGEOBJ_IMAGE)]
    finally:
        document.close()


def _draws_an_image(document, number: int, image_type: int) -> bool:
    try:
        page = document[number - 1]
        # max_depth 3: a scanner's image often sits inside a form XObject
        return any(True for _ in page.get_objects(filter=[image_type], max_depth=3))
    except Exception:  # noqa: BLE001 - a page pdfium cannot look into is not OCR'd
        return False


def read_pages(path: Path, numbers: list[int]) -> dict[int, str | None]:
    """Gives the OCR text of the given pages (1-based numbers) of a PDF, None for a page whose OCR ran past
    its budget (PAGE_SECONDS, or what configure set) and was given up; raises OcrUnavailableError."""
    command = tesseract_command()
    if command is None:
        pages = "1 page is a scan" if len(numbers) == 1 else f"{len(numbers)} pages are scans"
        raise OcrUnavailableError(path, f"{pages} without a text layer; {INSTALL_HINT}")
    languages = _languages(command, path)
    import pypdfium2 as pdfium

    announce(len(numbers))
    document = pdfium.PdfDocument(str(path))
    try:
        return {number: _read_image(command, languages, _render_png(document, number), _BUDGET.page_seconds)
                for number in numbers}
    finally:
        document.close()


def _render_png(document, number: int) -> bytes:
    """Gives page number of an open pdfium document as a greyscale PNG at DPI."""
    import io

    page = document[number - 1]
    bitmap = page.render(scale=DPI / 72, grayscale=True)
    image = bitmap.to_pil()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _die_with_parent() -> None:
    """Asks Linux to kill Tesseract when the worker dies: a worker killed for overrunning its time leaves
    no OCR running on behind it (prctl PR_SET_PDEATHSIG; elsewhere, nothing)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, int(signal.SIGKILL))  # 1: PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - not Linux: the page's own timeout still bounds it
        pass


def _read_image(command: str, languages: str, png: bytes, seconds: float) -> str | None:
    """Gives the text Tesseract reads in a PNG image, or None when it has not finished within seconds."""
    try:
        result = subprocess.run([command, "stdin", "stdout", "-l", languages], input=png,
                                capture_output=True, timeout=seconds, preexec_fn=_die_with_parent)
    except subprocess.TimeoutExpired:  # subprocess.run has killed it
        return None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise IngestError(f"Tesseract failed on a page (exit code {result.returncode}: {message[0][:160]})")
    return result.stdout.decode("utf-8", "replace")
