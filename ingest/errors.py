"""Exceptions raised by the ingest layer."""


class IngestError(Exception):
    """A source file could not be read or parsed; the message names the path."""


class PdfUnreadableError(IngestError):
    """Neither PDF reader could open a file; `first` is pypdf's error, `second` pdfium's."""

    def __init__(self, path, first: BaseException, second: BaseException):
        self.path, self.first, self.second = str(path), first, second
        super().__init__(f"{path}: cannot read PDF (pypdf: {_first_line(first)}; pdfium: {_first_line(second)})")


def _first_line(exc: BaseException) -> str:
    """Gives an exception as "Type: first line of its message"."""
    message = (str(exc).splitlines() or [""])[0][:160]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
