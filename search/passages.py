"""A passage asked for by its id, with the passages before and after it in its document: to read it in context.

    from search.passages import Passages
    passages = Passages(searcher.data)
    found = passages.get("V-2024:0035", context=1)
    print(found.passage.citation(), [hit.chunk_id for hit in found.before + found.after])
"""
from __future__ import annotations

from dataclasses import dataclass, field

from search.records import Hit
from search.searcher import SearchError

MAX_CONTEXT = 5  # passages on each side


class UnknownPassage(SearchError):
    """No passage of the index has the id asked for."""


@dataclass
class PassageInContext:
    """One passage and its neighbours in the document, in reading order."""

    passage: Hit
    before: list[Hit] = field(default_factory=list)  # nearest last
    after: list[Hit] = field(default_factory=list)  # nearest first

    def to_dict(self) -> dict:
        """Gives the passage's fields, its citation, and its neighbours (each with its citation)."""
        return {**_with_citation(self.passage), "before": [_with_citation(h) for h in self.before],
                "after": [_with_citation(h) for h in self.after]}


def _with_citation(hit: Hit) -> dict:
    return {**hit.to_dict(), "citation": hit.citation()}


def _ordinal(chunk_id: str) -> tuple[int, str]:
    """Gives the reading-order key of a chunk id "<doc_id>:<ordinal>"."""
    tail = chunk_id.rpartition(":")[2]
    return (int(tail), "") if tail.isdigit() else (0, tail)


class Passages:
    """Finds passages of one loaded index generation (search.searcher.Searcher.data) by id."""

    def __init__(self, data):
        self.data = data
        by_doc: dict[str, list[int]] = {}
        for i, chunk in enumerate(data.chunks):
            by_doc.setdefault(chunk.doc_id, []).append(i)
        self._order: dict[str, list[int]] = {}  # doc_id -> passage numbers in reading order
        self._where: dict[str, tuple[str, int]] = {}  # chunk_id -> (doc_id, position in its document)
        for doc_id, ids in by_doc.items():
            ids.sort(key=lambda i: _ordinal(data.chunks[i].chunk_id))
            self._order[doc_id] = ids
            for position, i in enumerate(ids):
                self._where[data.chunks[i].chunk_id] = (doc_id, position)

    def get(self, chunk_id: str, *, context: int = 1) -> PassageInContext:
        """Gives the passage with that id and up to `context` passages on each side; raises UnknownPassage."""
        if chunk_id not in self._where:
            raise UnknownPassage(f"No passage has the id {chunk_id!r}; ids look like 'V-2024:0035' "
                                 "(the chunk_id of a search hit).")
        if not 0 <= context <= MAX_CONTEXT:
            raise SearchError(f"context must be between 0 and {MAX_CONTEXT} passages, not {context}.")
        doc_id, position = self._where[chunk_id]
        ids = self._order[doc_id]
        hit = self._hit
        return PassageInContext(hit(ids[position]), [hit(i) for i in ids[max(0, position - context):position]],
                                [hit(i) for i in ids[position + 1:position + 1 + context]])

    def _hit(self, i: int) -> Hit:
        chunk = self.data.chunks[i]
        return Hit.from_chunk(chunk, self.data.documents.get(chunk.doc_id))
