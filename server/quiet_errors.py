"""One log line, not a traceback, for a call Gradio refuses while reading its inputs.

Gradio prints a full traceback (about 1.8 kB) for every event call it cannot run: too few inputs, a value
that is not one of a dropdown's choices, a malformed payload. Anyone can make such calls, so 200 of them
wrote 369 kB of log. Here Gradio's modules print one line for those; an exception raised in Puente's own code
(a bug) still gets its full traceback.
"""
from __future__ import annotations

import logging
import sys
import traceback
import types
from pathlib import Path

log = logging.getLogger("puente.server")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
_GRADIO_MODULES = ("gradio.queueing", "gradio.routes", "gradio.route_utils")


def raised_in_our_code(tb) -> bool:
    """True when a frame of the traceback runs a file of this project (outside its virtual environment)."""
    for frame, _ in traceback.walk_tb(tb):
        path = Path(frame.f_code.co_filename)
        if path.is_relative_to(PROJECT_ROOT) and ".venv" not in path.parts and "site-packages" not in path.parts:
            return True
    return False


def one_line(exc: BaseException, limit: int = 200) -> str:
    """Gives "Type: first line of the message", cut to limit characters."""
    message = (str(exc).strip().splitlines() or [""])[0]
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Traceback(types.ModuleType):
    """The traceback module, but print_exc writes one line for errors that did not come from our code."""

    def __getattr__(self, name):
        return getattr(traceback, name)

    def print_exc(self, *args, **kwargs):
        _, exc, tb = sys.exc_info()
        if exc is None or raised_in_our_code(tb):
            return traceback.print_exc(*args, **kwargs)
        log.warning("refused an event call: %s", one_line(exc))
        return None


def install() -> None:
    """Makes Gradio's request-handling modules print one line for refused calls (idempotent)."""
    import importlib

    shim = _Traceback("traceback")
    for name in _GRADIO_MODULES:
        module = importlib.import_module(name)
        if getattr(module, "traceback", None) is traceback:
            module.traceback = shim
