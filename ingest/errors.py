"""Exceptions raised by the ingest layer."""


class IngestError(Exception):
    """A source file could not be read or parsed; the message names the path."""
