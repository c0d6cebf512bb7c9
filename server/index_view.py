"""What the API reads, for the index generation being served: the searcher, its practice records and its passages
by id, rebuilt together when a new generation goes live."""
from __future__ import annotations

import threading
from pathlib import Path

from ingest.gazetteer import fold
from search.sources import original_pdf


class IndexView:
    """Gives the searcher of the live generation and, built once per generation, a PracticeFinder and Passages."""

    def __init__(self, searcher, corpus_dir: Path):
        self.searcher = searcher  # search.live.LiveSearcher (or a fixed Searcher)
        self.corpus_dir = Path(corpus_dir).resolve()
        self._lock = threading.Lock()
        self._built: tuple = (None, None, None, None)  # (data, finder, passages, practices by (doc_id, section))

    def live(self):
        """Gives the Searcher of the generation being served now."""
        current = getattr(type(self.searcher), "current", None)
        return current(self.searcher) if current else self.searcher

    def _parts(self):
        from search.passages import Passages
        from search.practices import PracticeFinder

        searcher = self.live()
        with self._lock:
            if self._built[0] is not searcher.data:
                finder = PracticeFinder.from_data(searcher.data, searcher.embedder)
                by_section: dict[tuple, list] = {}
                for record in finder.practices:
                    by_section.setdefault((record.doc_id, record.section), []).append(record)
                self._built = (searcher.data, finder, Passages(searcher.data), by_section)
            return self._built

    def practice_finder(self):
        return self._parts()[1]

    def passages(self):
        return self._parts()[2]

    def practices_in(self, hits) -> list:
        """Gives the practice records the hits' passages list (same document and section, name in the text)."""
        by_section = self._parts()[3]
        found = {}
        for hit in hits:
            text = fold(hit.text)
            for record in by_section.get((hit.doc_id, hit.section), []):
                if record.name and fold(record.name) in text:
                    found.setdefault(record.practice_id, record)
        return list(found.values())

    def original_file(self, doc_id: str) -> Path | None:
        """Gives the document's original PDF inside the corpus folder, or None (unknown, not a PDF, outside it)."""
        return original_pdf(self.corpus_dir, self.live().data.documents.get(doc_id))
