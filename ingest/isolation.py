"""Reading untrusted documents in a worker process, under limits of time, memory and file size.

A damaged or hostile file (a decompression bomb, a parser loop, a crash in a C extension) must cost at
most one document, never the ingest run: each document is read, cleaned, structured and cut into
passages in a worker process that `DocumentParser` starts with the "forkserver" method (the parent may
have torch loaded and threads running, which must not be forked), limits to `ParseLimits.memory_bytes`
of address space, and kills after `ParseLimits.seconds`. One worker serves every document of a run and
is replaced only after it dies or is killed, so isolation costs one process start per run.

Every failure becomes a `DocumentRejected` whose `reason` is one line naming what is wrong, e.g.
"not a PDF — it is an HTML page", "encrypted — the PDF needs a password", "no text layer — likely
scanned", "timed out — reading took more than 60 s".

As everywhere in multiprocessing, the worker imports the caller's main script: a script that ingests
needs the usual `if __name__ == "__main__":` guard (app.py, `python -m ingest` and pytest have it).
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import re
import signal
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import IngestError
from ingest.records import Chunk, DocumentMeta, Page, ParsedDocument  # noqa: F401  (ParsedDocument: re-exported)

# The kinds of failure, each the start of a one-line reason.
EMPTY = "empty"
TRUNCATED = "truncated"
NOT_A_PDF = "not a PDF"
ENCRYPTED = "encrypted"
NO_TEXT_LAYER = "no text layer"
TOO_LARGE = "too large"
TIMED_OUT = "timed out"
OUT_OF_MEMORY = "out of memory"
UNREADABLE_ENCODING = "unreadable encoding"
UNREADABLE_PDF = "unreadable PDF"
UNREADABLE_FILE = "unreadable file"
CRASHED = "crashed"

_PDF_HEADER = b"%PDF-"
_PDF_EOF = b"%%EOF"
# Readers look for the header in the first and the end marker in the last 1024 bytes (PDF 1.7, annex H).
_SNIFF_BYTES = 1024
# C0 controls other than tab, newlines and form feed: text never has many, decoded binary data does.
# (Not C1: Latin-1 decoding turns the curly quotes of a Windows-1252 file into those.)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_PRELOAD = ["ingest.isolation", "ingest.corpus", "ingest.practices", "ingest.pdf", "pypdf", "pypdfium2"]
_START_SECONDS = 120.0  # a worker's own start-up (imports) is not charged to the first document


@dataclass(frozen=True)
class ParseLimits:
    """What reading one document may cost before it is given up."""

    seconds: float = 60.0  # wall-clock time to read, clean and cut one document
    memory_bytes: int = 2 << 30  # address space the worker may add while reading (RLIMIT_AS)
    max_file_bytes: int = 200_000_000  # larger files are refused before anything reads them
    # each page read by OCR adds this much to `seconds`; a page's OCR still running past it is given up
    # (the page is left without its text and the document says so)
    ocr_page_seconds: float = 30.0


class DocumentRejected(IngestError):
    """A document that cannot be indexed; `reason` says why in one line ("truncated — ...")."""

    def __init__(self, path: Path | str, kind: str, detail: str):
        self.path, self.kind, self.detail = str(path), kind, detail
        super().__init__(f"{path}: {self.reason}")

    @property
    def reason(self) -> str:
        return f"{self.kind} — {self.detail}"

    def __reduce__(self):  # crosses the pipe from the worker
        return (type(self), (self.path, self.kind, self.detail))


# -- what the worker runs ------------------------------------------------------------------------------

def parse_document(path: Path | str, meta: DocumentMeta, chunking: dict) -> ParsedDocument:
    """Gives the passages and practice records of one document; raises DocumentRejected when it cannot.

    The file is read once and structured once, by its kind (ingest.kinds): passages and practices come
    from the same sections. A PDF that opens but has no words on any page, even by OCR (a photo, a
    drawing), is not refused: it gives no passages and a warning saying so.
    """
    from ingest.kinds import cut_document

    path = Path(path)
    pages = _read_pages(path)
    is_pdf = _is_pdf(path)
    if is_pdf and not any(page.text.strip() for page in pages):
        return ParsedDocument([], [], pages=len(pages), warnings=[_no_words(pages)])
    _check_text(path, pages, is_pdf)
    parsed = cut_document(meta, pages, chunking)
    if not parsed.chunks:
        raise DocumentRejected(path, EMPTY, "no passage could be cut from its text")
    _mark_ocr(parsed.chunks, {page.number for page in pages if page.ocr})
    parsed.pages = len(pages) if is_pdf else 0
    parsed.ocr_pages = sum(page.ocr for page in pages)
    parsed.warnings += [f"page {page.number}: {page.note}" for page in pages if _worth_saying(page.note)]
    return parsed


def _no_words(pages: list[Page]) -> str:
    """Gives the warning for a PDF without a word on any page: whether OCR looked at them, and what it said."""
    from ingest import ocr

    n = _count(len(pages), "page")
    gave_up = [page.number for page in pages if _worth_saying(page.note)]
    if gave_up:
        return (f"no words found: OCR gave up after {ocr.budget_seconds():g} s on "
                f"{_count(len(gave_up), 'page')} of its {n} ({', '.join(map(str, gave_up[:10]))}); "
                f"it is indexed without passages")
    if any(page.note == ocr.NO_WORDS for page in pages):
        return (f"no words found, even by OCR, on its {n} (photos or drawings without text?); "
                f"it is indexed without passages")
    return f"no words found on its {n}: no text layer, no image for OCR; it is indexed without passages"


def _worth_saying(note: str) -> bool:
    """Tells whether a page's note is news for the user: OCR gave up on it (no words on a photo is not)."""
    from ingest import ocr

    return bool(note) and note != ocr.NO_WORDS


def _mark_ocr(chunks: list[Chunk], ocr_pages: set) -> None:
    """Marks each passage that starts or ends on a page read by OCR, so its card can say so."""
    if not ocr_pages:
        return
    for chunk in chunks:
        first = chunk.page
        last = chunk.page_end or chunk.page
        if first is not None and any(number in ocr_pages for number in range(first, last + 1)):
            chunk.ocr = True


def read_checked(path: Path) -> list[Page]:
    """Gives the pages of a source after checking that it is what its name says and that it has text
    (the admin page's check of an upload: a PDF without words is refused here, unlike in parse_document)."""
    pages = _read_pages(path)
    _check_text(path, pages, _is_pdf(path))
    return pages


def _is_pdf(path: Path) -> bool:
    from ingest.readers import PDF_SUFFIXES

    return path.suffix.lower() in PDF_SUFFIXES


def _read_pages(path: Path) -> list[Page]:
    """Gives the pages of a source after checking that it is what its name says; raises DocumentRejected."""
    from ingest.errors import PdfUnreadableError
    from ingest.ocr import OcrUnavailableError
    from ingest.readers import read_pages

    is_pdf = _is_pdf(path)
    _check_bytes(path, is_pdf)
    try:
        pages = read_pages(path)
    except DocumentRejected:
        raise
    except OcrUnavailableError as exc:
        raise DocumentRejected(path, NO_TEXT_LAYER, exc.detail) from exc
    except PdfUnreadableError as exc:
        first = _rejection(path, exc.first, is_pdf)
        raise DocumentRejected(path, first.kind, f"{first.detail}; a second reader (pdfium) could not open it "
                                                 f"either ({_first_line(exc.second)})") from exc
    except IngestError as exc:
        raise _rejection(path, exc.__cause__ or exc, is_pdf) from exc
    if is_pdf and not pages:
        raise DocumentRejected(path, EMPTY, "the PDF has no pages")
    return pages


def _check_text(path: Path, pages: list[Page], is_pdf: bool) -> None:
    """Raises DocumentRejected when a source has no text, or text that is binary data decoded."""
    if not any(page.text.strip() for page in pages):
        if is_pdf:
            raise DocumentRejected(path, NO_TEXT_LAYER, f"no text can be extracted from its "
                                                        f"{_count(len(pages), 'page')}, and OCR read no words "
                                                        f"on {'it' if len(pages) == 1 else 'them'} (photos or "
                                                        f"drawings without text?)")
        raise DocumentRejected(path, EMPTY, "the file holds no text")
    if not is_pdf and _looks_binary(pages[0].text):
        raise DocumentRejected(path, UNREADABLE_ENCODING, "its bytes decode to control characters, not text "
                                                           "(binary data or an unknown encoding)")


def _first_line(exc: BaseException) -> str:
    """Gives an exception as "Type: first line of its message"."""
    message = (str(exc).splitlines() or [""])[0][:160]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _looks_binary(text: str, sample: int = 100_000) -> bool:
    """Gives True when over 1% of the start of a decoded text are control characters (not tab or newline)."""
    head = text[:sample]
    controls = len(_CONTROL.findall(head))
    return controls > max(10, len(head) // 100)


def read_meta(path: Path | str) -> DocumentMeta:
    """Gives the metadata a file holds about itself (PDF title, HTML <title>, first heading)."""
    from ingest.corpus import meta_from_file

    return meta_from_file(Path(path))


def _check_bytes(path: Path, is_pdf: bool) -> None:
    """Raises DocumentRejected when the first and last bytes show the file cannot be what it claims."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
            handle.seek(max(0, os.fstat(handle.fileno()).st_size - _SNIFF_BYTES))
            tail = handle.read()
    except OSError as exc:
        raise DocumentRejected(path, UNREADABLE_FILE, f"cannot open it ({exc.strerror or exc})") from exc
    if not head:
        raise DocumentRejected(path, EMPTY, "the file has zero bytes")
    if is_pdf:
        if _PDF_HEADER not in head:
            raise DocumentRejected(path, NOT_A_PDF, _what_it_is(head))
        if _PDF_EOF not in tail:
            raise DocumentRejected(path, TRUNCATED, "the PDF ends before its end-of-file marker "
                                                    "(an interrupted download or copy?)")
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        raise DocumentRejected(path, UNREADABLE_ENCODING, "it is UTF-16 or binary data, not UTF-8 or Latin-1 "
                                                           "text; save it as UTF-8")


def _what_it_is(head: bytes) -> str:
    """Gives a phrase saying what a file that lacks the %PDF- header seems to be."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in start[:200]:
        return "it is an HTML page (a web page saved with a .pdf name?)"
    if start.startswith(b"<?xml") or start.startswith(b"<"):
        return "it is XML or markup, not a PDF"
    if start.startswith(b"pk\x03\x04"):
        return "it is a ZIP archive (a Word or OpenDocument file?)"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "it is an old Office document"
    try:
        head.decode("utf-8")
        return "it is plain text"
    except UnicodeDecodeError:
        return "no %PDF- header: the bytes are not a PDF"


def _rejection(path: Path, exc: BaseException, is_pdf: bool) -> DocumentRejected:
    """Gives the DocumentRejected that names what an exception raised while reading a file means."""
    from pypdf import errors as pdf_errors

    if isinstance(exc.__cause__, (RecursionError, MemoryError)):  # pypdf wraps these in PdfReadError
        exc = exc.__cause__
    name = type(exc).__name__
    message = (str(exc).splitlines() or [""])[0][:200]
    if isinstance(exc, MemoryError):
        return DocumentRejected(path, OUT_OF_MEMORY, "reading it needed more memory than the worker may use")
    if isinstance(exc, pdf_errors.EmptyFileError):
        return DocumentRejected(path, EMPTY, "the PDF has no content")
    if isinstance(exc, pdf_errors.FileNotDecryptedError):
        return DocumentRejected(path, ENCRYPTED, "the PDF needs a password; save an unprotected copy")
    if isinstance(exc, pdf_errors.DependencyError) and ("AES" in message or "crypt" in message.lower()):
        return DocumentRejected(path, ENCRYPTED, "the PDF is AES-encrypted; reading it needs the "
                                                 "'cryptography' package (pip install cryptography)")
    if isinstance(exc, pdf_errors.LimitReachedError):
        return DocumentRejected(path, TOO_LARGE, f"a compressed stream inflates past pypdf's safety limit "
                                                 f"(a decompression bomb?): {message}")
    if isinstance(exc, RecursionError):
        return DocumentRejected(path, UNREADABLE_PDF if is_pdf else UNREADABLE_FILE,
                                "its objects are nested too deeply to read (RecursionError)")
    if isinstance(exc, pdf_errors.PdfStreamError) and "ended unexpectedly" in message:
        return DocumentRejected(path, TRUNCATED, f"the PDF data stops in the middle of an object ({message})")
    if isinstance(exc, UnicodeError):
        return DocumentRejected(path, UNREADABLE_ENCODING, f"{name}: {message}")
    if isinstance(exc, OSError):
        return DocumentRejected(path, UNREADABLE_FILE, f"cannot read it ({exc.strerror or message})")
    if is_pdf:
        origin = "pypdf" if type(exc).__module__.startswith("pypdf") else "reading"
        return DocumentRejected(path, UNREADABLE_PDF, f"{origin} raised {name}: {message}")
    return DocumentRejected(path, UNREADABLE_FILE, f"{name}: {message}")


def _worker_main(conn, memory_bytes: int, seconds: float, ocr_page_seconds: float = 30.0) -> None:
    """Runs in the worker: answers (task, args) requests until told to stop or the pipe closes.

    Before OCR reads pages it sends ("more time", seconds): the parent moves the document's deadline."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it then stops us
    _limit_address_space(memory_bytes)
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damage is reported once, as a reason
    import warnings

    warnings.simplefilter("ignore")
    import ingest.corpus  # noqa: F401  (warm imports: the first document should not pay for them)
    import pypdf  # noqa: F401
    from ingest import ocr

    def more_time(extra: float) -> None:
        _extend_cpu(extra)  # the pages' rendering is this process's processor time
        conn.send(("more time", extra))

    ocr.configure(page_seconds=ocr_page_seconds, announce=more_time)

    conn.send(("ready", os.getpid()))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        task, args = request
        _limit_cpu(seconds)
        fatal = False
        try:
            reply = ("ok", task(*args))
        except DocumentRejected as exc:
            reply = ("rejected", exc)
        except MemoryError:
            # memory may be fragmented or a C library left half-way: answer, then let a fresh worker go on
            reply, fatal = ("rejected", DocumentRejected(args[0], OUT_OF_MEMORY, _oom_detail(memory_bytes))), True
        except BaseException as exc:  # noqa: BLE001 - any failure of one document is that document's
            reply = ("rejected", _rejection(Path(args[0]), exc, Path(args[0]).suffix.lower() == ".pdf"))
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("rejected", DocumentRejected(args[0], OUT_OF_MEMORY, _oom_detail(memory_bytes))))
            fatal = True
        if fatal:
            return


def _limit_cpu(seconds: float) -> None:
    """Lets the next task use at most ~2 x seconds of CPU (RLIMIT_CPU; the kernel then ends the worker).

    The parent kills a worker that overruns its time; this also bounds one whose parent was killed first.
    """
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    allowed = int(used.ru_utime + used.ru_stime + 2 * seconds) + 5
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    if hard != resource.RLIM_INFINITY:
        allowed = min(allowed, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (allowed, hard))


def _extend_cpu(seconds: float) -> None:
    """Lets the running task use ~2 x seconds more CPU than _limit_cpu allowed it."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if soft == resource.RLIM_INFINITY:
        return
    allowed = soft + int(2 * seconds) + 1
    if hard != resource.RLIM_INFINITY:
        allowed = min(allowed, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (allowed, hard))


def _oom_detail(memory_bytes: int) -> str:
    return f"reading it needed more than the {_memory(memory_bytes)} the worker may use"


def _limit_address_space(memory_bytes: int) -> None:
    """Caps the worker's address space at what it has mapped now plus memory_bytes (RLIMIT_AS).

    Counting from what is mapped at start keeps the cap meaningful whatever the parent's __main__ made
    the forkserver import; allocations beyond it raise MemoryError instead of waking the OOM killer.
    """
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _mapped_bytes() + memory_bytes
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or limit < soft:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _mapped_bytes() -> int:
    """Gives this process's mapped address space (VmSize), 0 when /proc is not there."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _size(n: int) -> str:
    """Gives a file size as people read it: "201 MB", "8,000 bytes"."""
    return f"{n / 1e6:,.0f} MB" if n >= 1_000_000 else f"{n:,} bytes"


def _memory(n: int) -> str:
    """Gives an amount of memory in binary units: "2 GiB", "512 MiB"."""
    return f"{n / (1 << 30):g} GiB" if n >= 1 << 30 else f"{n / (1 << 20):g} MiB"


# -- the parent's side ---------------------------------------------------------------------------------

class DocumentParser:
    """Reads documents in one reusable worker process; a worker that dies or overruns is replaced.

    Use as a context manager (or call close()); the worker starts on first use, so a run whose documents
    are all unchanged starts none.
    """

    def __init__(self, limits: ParseLimits | None = None):
        self.limits = limits or ParseLimits()
        self._ctx = multiprocessing.get_context("forkserver")
        # The fork server imports these once, so that a worker (and a replacement) starts in milliseconds;
        # not the caller's __main__, which stays out of the fork server (app.py would bring Gradio along).
        self._ctx.set_forkserver_preload(_PRELOAD)
        self._process = None
        self._conn = None
        self.restarts = 0  # workers replaced after a crash, an overrun or running out of memory
        self._finalizer = weakref.finalize(self, _stop, [None, None])

    def __enter__(self) -> "DocumentParser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def parse(self, path: Path | str, meta: DocumentMeta, chunking: dict) -> ParsedDocument:
        """Gives a document's passages and practices, read in the worker; raises DocumentRejected."""
        return self.run(parse_document, path, meta, chunking)

    def read_meta(self, path: Path | str) -> DocumentMeta:
        """Gives the metadata a file holds about itself, read in the worker; the file name when it cannot."""
        path = Path(path)
        try:
            return self.run(read_meta, path)
        except DocumentRejected:  # the document itself will be reported when it is parsed
            from ingest.corpus import file_name_title

            return DocumentMeta(doc_id=path.stem, title=file_name_title(path),
                                path=path.name, from_manifest=False)

    def run(self, task, path: Path | str, *args):
        """Gives task(path, *args) computed in the worker, within the limits; raises DocumentRejected.

        task must be a module-level function (it is sent to the worker by name).
        """
        path = Path(path)
        self._check_size(path)
        conn = self._worker()
        allowed = self.limits.seconds  # grows by the OCR budget of the pages the worker says it will OCR
        deadline = time.monotonic() + allowed
        try:
            conn.send((task, (path, *args)))
        except (OSError, EOFError):
            pass
        while True:
            try:
                answered = conn.poll(max(0.0, deadline - time.monotonic()))
            except (OSError, EOFError):
                answered = False
            if not answered:
                died = not self._process.is_alive()
                detail = self._death(path) if died else None
                self._replace()
                if died:
                    raise detail
                raise DocumentRejected(path, TIMED_OUT, f"reading it took more than {allowed:g} s")
            try:
                status, value = conn.recv()
            except (EOFError, OSError):
                rejection = self._death(path)
                self._replace()
                raise rejection from None
            if status != "more time":
                break
            allowed += value
            deadline += value
        if status == "ok":
            return value
        if value.kind == OUT_OF_MEMORY:
            self._replace()  # the worker exits after a MemoryError; a new one takes the next document
        raise value

    def close(self) -> None:
        """Stops the worker, if one is running."""
        self._finalizer()

    def _check_size(self, path: Path) -> None:
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise DocumentRejected(path, UNREADABLE_FILE, f"cannot open it ({exc.strerror or exc})") from exc
        if size == 0:
            raise DocumentRejected(path, EMPTY, "the file has zero bytes")
        if size > self.limits.max_file_bytes:
            raise DocumentRejected(path, TOO_LARGE, f"{_size(size)}, the limit is "
                                                    f"{_size(self.limits.max_file_bytes)}")

    def _worker(self):
        """Gives the connection to a live worker, starting one when there is none."""
        if self._process is not None and self._process.is_alive():
            return self._conn
        self._replace()
        parent_conn, child_conn = self._ctx.Pipe()
        process = self._ctx.Process(target=_worker_main,
                                    args=(child_conn, self.limits.memory_bytes, self.limits.seconds,
                                          self.limits.ocr_page_seconds),
                                    name="puente-ingest-worker", daemon=True)
        process.start()
        child_conn.close()
        if not parent_conn.poll(_START_SECONDS):
            _stop([process, parent_conn])
            raise IngestError(f"The document reader process did not start within {_START_SECONDS:g} s.")
        try:
            parent_conn.recv()
        except (EOFError, OSError):
            _stop([process, parent_conn])
            raise IngestError(f"The document reader process failed to start (exit code {process.exitcode}).")
        self._process, self._conn = process, parent_conn
        self._finalizer.detach()
        self._finalizer = weakref.finalize(self, _stop, [process, parent_conn])
        return parent_conn

    def _replace(self) -> None:
        """Stops the current worker (if any): the next document gets a fresh one."""
        if self._process is not None:
            self.restarts += 1
        self._finalizer()
        self._process = self._conn = None

    def _death(self, path: Path) -> DocumentRejected:
        """Gives the rejection for a document during which the worker died."""
        self._process.join(5)
        code = self._process.exitcode
        if code is not None and code < 0:
            try:
                how = signal.Signals(-code).name
            except ValueError:
                how = f"signal {-code}"
        else:
            how = f"exit code {code}"
        if code == -signal.SIGXCPU:
            return DocumentRejected(path, TIMED_OUT, f"reading it used more than {2 * self.limits.seconds:g} s "
                                                     "of processor time")
        if code == -signal.SIGKILL:
            return DocumentRejected(path, OUT_OF_MEMORY, f"the reader process was killed ({how}), most likely "
                                                         "by the system running out of memory")
        return DocumentRejected(path, CRASHED, f"the reader process died while reading it ({how}); "
                                               "the file is probably malformed")


def _stop(handles: list) -> None:
    """Stops a worker: asks it to finish, then kills it if it does not."""
    process, conn = handles
    if conn is not None:
        try:
            conn.send(None)
        except (OSError, ValueError):
            pass
    if process is not None:
        process.join(0.5)
        if process.is_alive():
            process.kill()
            process.join(5)
    if conn is not None:
        conn.close()
    handles[:] = [None, None]
