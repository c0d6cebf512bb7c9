"""Asking the good-practice records: who shared what, in which plenary and session, found by meaning.

    from search.practices import PracticeFinder
    finder = PracticeFinder.open("var/index")
    for match in finder.find("consular assistance", k=5):
        print(match.record.name, match.record.countries, match.record.plenary, match.record.session)
    finder.find(country="Panama", plenary="IV")        # every practice Panamá shared in the IV plenary

The records and their vectors are built at ingest (`ingest.practices`) and stored in the index
generation; a query is embedded with the model that built the index and compared by cosine (inner
product of unit vectors) with the vectors of the records' names and holders.
"""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np

from index import store
from ingest.gazetteer import COUNTRIES, canonical_organisation, fold, organisations_named
from ingest.practices import PracticeRecord
from search.filters import canonical_value
from search.filters import field_name as filter_field
from search.records import PracticeMatch  # noqa: F401  (re-exported: callers import it from here)
from search.searcher import FilterError, SearchError, checked_query

PRACTICE_COUNT_KEY = "practices"  # the manifest count that generations with practice records have
PRACTICE_FILTERS = ("country", "organisation", "plenary", "year", "part", "doc_id")
DEFAULT_K = 10
# A query found word for word in a record's name or holder ranks it above records that only mean the same.
_EXACT_BONUS = 1.0


class PracticeFinder:
    """Filters and ranks the practice records of one index generation."""

    def __init__(self, practices: list[PracticeRecord], vectors: np.ndarray | None, embedder=None, *,
                 manifest: store.Manifest | None = None, generation: Path | None = None, model: str | None = None):
        self.practices = practices
        self.vectors = vectors
        self.embedder = embedder
        # kept so that a query can load the index's own model when no embedder was given
        self._manifest, self._generation, self._model = manifest, generation, model

    @classmethod
    def from_data(cls, data: store.IndexData, embedder=None) -> "PracticeFinder":
        """Gives a finder over a loaded generation (a Searcher's `data` and `embedder` will do)."""
        return cls(data.practices, data.practice_vectors, embedder)

    @classmethod
    def open(cls, index_dir: Path | str, *, embedder=None, model: str | None = None) -> "PracticeFinder":
        """Gives a finder over the live generation of an index; the model is loaded only when given or needed."""
        generation = store.live_generation(Path(index_dir))
        data = store.load_generation(generation)
        if PRACTICE_COUNT_KEY not in data.manifest.counts:
            raise store.IndexFormatError(
                f"The index at {generation} was built without practice records; rebuild it with "
                f"`python -m ingest --index {index_dir}`."
            )
        if embedder is not None:
            store.check_model(data.manifest, embedder.info, generation)
        return cls(data.practices, data.practice_vectors, embedder, manifest=data.manifest,
                   generation=generation, model=model)

    def _ensure_embedder(self):
        if self.embedder is None:
            if self._manifest is None:
                raise SearchError("This practice finder has no embedder: give one to search by meaning.")
            from index.embedder import load_embedder

            self.embedder = load_embedder(self._model or self._manifest.model["name"])
            store.check_model(self._manifest, self.embedder.info, self._generation)
        return self.embedder

    # -- filters -----------------------------------------------------------------------------------

    def values(self, field: str) -> list[str]:
        """Gives the values a filter field takes among the records, sorted."""
        field = filter_field(field)
        found: set[str] = set()
        for record in self.practices:
            found |= _record_values(record)[field]
        return sorted(found, key=fold)

    def _allowed(self, filters: dict) -> np.ndarray:
        """Gives a mask of the records that satisfy every filter; a value nothing could have is an error."""
        mask = np.ones(len(self.practices), dtype=bool)
        for name, wanted in filters.items():
            if wanted is None or wanted == "" or wanted == []:
                continue
            field = filter_field(name)
            if field not in PRACTICE_FILTERS:
                raise FilterError(f"Unknown practice filter {name!r}; known filters: "
                                  f"{', '.join(PRACTICE_FILTERS)}, session.")
            wanted_values = wanted if isinstance(wanted, (list, tuple, set)) else [wanted]
            keys = {fold(self._checked(field, name, value)) for value in wanted_values}
            mask &= np.array([bool(keys & {fold(v) for v in _record_values(r)[field]}) for r in self.practices],
                             dtype=bool)
        return mask

    def _checked(self, field: str, name: str, value) -> str:
        """Gives the canonical value; raises FilterError listing the known values when it cannot be one.

        A member country (or an organisation the gazetteer knows) that shared nothing is not an error:
        it simply has no records. Other fields must take a value some record has.
        """
        canonical = canonical_value(field, value)
        known = self.values(field)
        if field == "country" and canonical in COUNTRIES:
            return canonical
        if field == "organisation" and canonical_organisation(str(value)):
            return canonical
        if fold(canonical) not in {fold(v) for v in known}:
            raise FilterError(f"No practice has {name}={value!r}; known values: {', '.join(known) or 'none'}.")
        return canonical

    # -- finding -----------------------------------------------------------------------------------

    def find(self, query: str | None = None, *, k: int | None = None, **filters) -> list[PracticeMatch]:
        """Gives the practices that satisfy the filters; with a query, the k closest in meaning, best first.

        Args:
            query: words or a question in Spanish or English ("consular assistance"); None lists
                every record that satisfies the filters, in report order.
            k: how many to give with a query (default 10); without a query, all (or the first k).
            filters: country, organisation, plenary, year, session (or part), doc_id; a value or a
                list of values (any of them); fields combine with AND.
        """
        mask = self._allowed(filters)
        ids = np.flatnonzero(mask)
        if not (query or "").strip():
            chosen = ids[:k] if k else ids
            return [PracticeMatch(self.practices[i]) for i in chosen]
        query = checked_query(query)
        if self.vectors is None or len(ids) == 0:
            return []
        query_vector = self._ensure_embedder().encode_queries([query], show_progress=False)[0]
        similarity = self.vectors[ids] @ query_vector  # cosine: both sides are unit vectors
        folded = fold(query)
        bonus = np.array([_EXACT_BONUS if folded in fold(f"{self.practices[i].name} {self.practices[i].holder}")
                          else 0.0 for i in ids])
        order = np.argsort(-(similarity + bonus), kind="stable")[: k or DEFAULT_K]
        return [PracticeMatch(self.practices[ids[j]], round(float(similarity[j]), 4)) for j in order]



def _record_values(record: PracticeRecord) -> dict[str, set[str]]:
    return {
        "country": set(record.countries),
        "organisation": set(record.organisations),
        "plenary": {record.plenary} if record.plenary else set(),
        "year": {str(record.year)} if record.year else set(),
        "part": {record.session} if record.session else set(),
        "doc_id": {record.doc_id},
    }


def find_practices(index_dir: Path | str, query: str | None = None, *, k: int | None = None, embedder=None,
                   **filters) -> list[PracticeRecord]:
    """Gives the practice records of an index that satisfy the filters (closest to the query first, if any)."""
    finder = PracticeFinder.open(index_dir, embedder=embedder)
    return [match.record for match in finder.find(query, k=k, **filters)]


# -- output ----------------------------------------------------------------------------------------

def format_table(matches: list[PracticeMatch], width: int = 110) -> str:
    """Gives the matches as a text table: plenary, session, who shared it, the practice (and score)."""
    if not matches:
        return "(no practice found)"
    lines = [f"{'plenary':<11} {'session':<11} {'shared by':<28} practice"]
    for match in matches:
        record = match.record
        credited = [o for o in organisations_named(record.holder) if o in record.organisations]
        who = ", ".join(record.countries + credited) or record.holder or ", ".join(record.organisations) or "-"
        plenary = f"{record.plenary} ({record.year})" if record.plenary else record.doc_id
        session = (record.session or "-").replace("introductory session", "intro")
        name = record.name + (f"  [{match.score:.3f}]" if match.score is not None else "")
        lead = f"{plenary:<11} {session:<11} {textwrap.shorten(who, 28, placeholder='…'):<28} "
        wrapped = textwrap.wrap(name, max(30, width - len(lead))) or [""]
        lines.append(lead + wrapped[0])
        lines.extend(" " * len(lead) + more for more in wrapped[1:])
    return "\n".join(lines)


def format_json_lines(matches: list[PracticeMatch], query: str | None = None) -> str:
    """Gives one JSON object per record (with the query when there is one)."""
    rows = [({"query": query} if query else {}) | match.to_dict() for match in matches]
    return "\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
