"""A searcher that follows an index folder: picks up a new generation without a restart, and falls back
to the previous good generation when the live one cannot be opened."""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from index import store
from search.searcher import Searcher

log = logging.getLogger(__name__)


class LiveSearcher:
    """Answers like Searcher, over whichever generation of index_dir is live (checked every few seconds)."""

    def __init__(self, index_dir: Path | str, *, embedder=None, check_every: float = 2.0):
        self.index_dir = Path(index_dir)
        self.check_every = check_every
        self._lock = threading.Lock()
        self._checked = 0.0
        self._current_name: str | None = None
        self.notice: str | None = None  # set when serving a fallback generation: shown to the user
        self.searcher = self._open(embedder)
        self.searcher.warm_up()

    def _read_current(self) -> str | None:
        try:
            return (self.index_dir / store.CURRENT_FILE).read_bytes().decode("utf-8").strip()
        except (OSError, UnicodeDecodeError):  # a damaged CURRENT is reported by Searcher.open
            return None

    def _open(self, embedder) -> Searcher:
        """Gives a searcher over the live generation, or over the newest older one that opens cleanly."""
        self._current_name = self._read_current()
        try:
            searcher = Searcher.open(self.index_dir, embedder=embedder)
            self.notice = None
            return searcher
        except (store.IndexCorruptError, store.IndexFormatError) as exc:
            live_error = exc
        for generation in reversed(store.list_generations(self.index_dir)):
            if generation.name == self._current_name:
                continue
            try:
                searcher = Searcher.from_generation(generation, embedder=embedder)
            except store.IndexStoreError:
                continue
            self.notice = (f"The live index could not be opened ({live_error}); "
                           f"serving the previous good generation {generation.name}.")
            log.warning(self.notice)
            return searcher
        raise live_error

    def current(self) -> Searcher:
        """Gives the searcher for the live generation, reopening it if CURRENT changed since last look."""
        now = time.monotonic()
        if now - self._checked < self.check_every:
            return self.searcher
        with self._lock:
            self._checked = now
            name = self._read_current()
            if name and name != self._current_name:
                try:
                    searcher = self._open(self.searcher.embedder)
                    searcher.warm_up()  # the word map is per generation: built once here, by the request that notices the switch
                    self.searcher = searcher
                    log.info("switched to index generation %s", name)
                except store.IndexStoreError as exc:
                    # keep serving what we have: a bad new generation must not take the page down
                    self._current_name = name
                    self.notice = f"A new index generation could not be opened ({exc}); still serving the old one."
                    log.warning(self.notice)
        return self.searcher

    def search(self, query: str, k: int = 10, **filters):
        """Gives the hits of Searcher.search on the live generation."""
        return self.current().search(query, k, **filters)

    def __getattr__(self, name):
        # facet_values, data, practices ... come from the current searcher
        return getattr(self.current(), name)
