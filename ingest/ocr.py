"""OCR of scanned PDF pages: pdfium (pypdfium2) renders a page, Debian's Tesseract reads the image.

The tesseract command line is called directly (image on stdin, text on stdout) rather than through a
wrapper library: it is one subprocess call, and the worker's memory and CPU limits (ingest.isolation)
apply to it as to any child process.
"""
from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from ingest.errors import IngestError

INSTALL_HINT = ("install Tesseract to read scanned pages: apt-get install tesseract-ocr tesseract-ocr-spa "
                "tesseract-ocr-eng (bash scripts/setup.sh does it)")
# Spanish first: the corpus is mostly Spanish; English is read too (annexes, papers in English).
LANGUAGES = ("spa", "eng")
DPI = 300  # Tesseract is trained on ~300 dpi text; fewer dots lose accents and small print
_PAGE_SECONDS = 120  # one page's OCR; the worker's own time limit usually ends a long scan first


class OcrUnavailableError(IngestError):
    """Tesseract is not installed (or lacks every language Puente reads)."""


def tesseract_command() -> str | None:
    """Gives the path of the tesseract program, or None when it is not installed."""
    return shutil.which("tesseract")


@lru_cache(maxsize=4)
def _languages(command: str) -> str:
    """Gives the "spa+eng" argument for the languages of LANGUAGES this Tesseract has."""
    listed = subprocess.run([command, "--list-langs"], capture_output=True, text=True, timeout=30)
    have = set(listed.stdout.split()) | set(listed.stderr.split())
    wanted = [lang for lang in LANGUAGES if lang in have]
    if not wanted:
        raise OcrUnavailableError(f"Tesseract has neither Spanish nor English installed; {INSTALL_HINT}")
    return "+".join(wanted)


def page_has_image(path: Path, number: int) -> bool:
    """Gives True when page number (1-based) of the PDF draws at least one image."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument(str(path))
    try:
        page = document[number - 1]
        return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3))
    except Exception:  # noqa: BLE001 - a page pdfium cannot look into is not OCR'd
        return False
    finally:
        document.close()


def read_pages(path: Path, numbers: list[int]) -> dict[int, str]:
    """Gives the OCR text of the given pages (1-based numbers) of a PDF; raises OcrUnavailableError."""
    command = tesseract_command()
    if command is None:
        raise OcrUnavailableError(f"{path}: {len(numbers)} page(s) are scans without a text layer; {INSTALL_HINT}")
    languages = _languages(command)
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return {number: _read_image(command, languages, _render_png(document, number)) for number in numbers}
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


def _read_image(command: str, languages: str, png: bytes) -> str:
    """Gives the text Tesseract reads in a PNG image."""
    result = subprocess.run([command, "stdin", "stdout", "-l", languages], input=png,
                            capture_output=True, timeout=_PAGE_SECONDS)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise IngestError(f"Tesseract failed on a page (exit code {result.returncode}: {message[0][:160]})")
    return result.stdout.decode("utf-8", "replace")
