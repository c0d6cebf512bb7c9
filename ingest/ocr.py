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


def read_pages(path: Path, numbers: list[int]) -> dict[int, str]:
    """Gives the OCR text of the given pages (1-based numbers) of a PDF; raises OcrUnavailableError."""
    command = tesseract_command()
    if command is None:
        pages = "1 page is a scan" if len(numbers) == 1 else f"{len(numbers)} pages are scans"
        raise OcrUnavailableError(path, f"{pages} without a text layer; {INSTALL_HINT}")
    languages = _languages(command, path)
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


def _die_with_parent() -> None:
    """Asks Linux to kill Tesseract when the worker dies: a worker killed for overrunning its time leaves
    no OCR running on behind it (prctl PR_SET_PDEATHSIG; elsewhere, nothing)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, int(signal.SIGKILL))  # 1: PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - not Linux: the page's own timeout still bounds it
        pass


def _read_image(command: str, languages: str, png: bytes) -> str:
    """Gives the text Tesseract reads in a PNG image."""
    result = subprocess.run([command, "stdin", "stdout", "-l", languages], input=png,
                            capture_output=True, timeout=_PAGE_SECONDS, preexec_fn=_die_with_parent)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise IngestError(f"Tesseract failed on a page (exit code {result.returncode}: {message[0][:160]})")
    return result.stdout.decode("utf-8", "replace")
