"""The Searcher: opens an index and answers a query with cited passages, dense and lexical evidence fused."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index import store
from index.build import passage_text_for_embedding
from search.lexical import LexicalIndex, analyse, detect_language, fold, language_neutral_terms
from search.records import Hit

FILTER_FIELDS = ("plenary", "year", "doc_id", "part", "country", "doc_type", "language")
MAX_QUERY_CHARS = 1000


class SearchError(Exception):
    """A query the searcher cannot answer as asked; the message says why in one sentence."""


class FilterError(SearchError):
    pass


@dataclass(frozen=True)
class FusionSettings:
    """How dense and lexical evidence combine (reciprocal-rank fusion with a per-language weight)."""

    rrf_k: int = 60
    lexical_weight_es: float = 0.6  # Spanish query over Spanish text: BM25 is strong evidence
    lexical_weight_en: float = 0.3  # English query: only its acronyms, numbers and names vote
    candidates: int = 100  # passages taken from each retriever before fusing


class Searcher:
    """Answers queries over one index generation; safe to share between threads for reading."""

    def __init__(self, data: store.IndexData, embedder, fusion: FusionSettings = FusionSettings()):
        self.data = data
        self.embedder = embedder
        self.fusion = fusion
        self.lexical = LexicalIndex([passage_text_for_embedding(c) for c in data.chunks])
        self._facets = self._build_facets()

    @classmethod
    def open(cls, index_dir: Path | str, *, embedder=None, model: str | None = None) -> "Searcher":
        """Gives a searcher over the live generation of an index, with the model that built it."""
        generation = store.live_generation(Path(index_dir))
        manifest = store.read_manifest(generation)
        if embedder is None:
            from index.embedder import load_embedder

            embedder = load_embedder(model or manifest.model["name"])
        store.check_model(manifest, embedder.info, generation)
        return cls(store.load_generation(generation), embedder)

    # -- filters -----------------------------------------------------------------------------------

    def _chunk_values(self, chunk) -> dict[str, set[str]]:
        doc = self.data.documents.get(chunk.doc_id)
        return {
            "plenary": {str(doc.plenary)} if doc and doc.plenary else set(),
            "year": {str(doc.year)} if doc and doc.year else set(),
            "doc_id": {chunk.doc_id},
            "part": {chunk.part} if chunk.part else set(),
            "country": {fold(c) for c in chunk.countries},
            "doc_type": {doc.doc_type} if doc else set(),
            "language": {doc.language} if doc else set(),
        }

    def _build_facets(self) -> dict[str, dict[str, np.ndarray]]:
        """Gives, per filter field and folded value, the ids of the passages that have it."""
        facets: dict[str, dict[str, list[int]]] = {f: {} for f in FILTER_FIELDS}
        for i, chunk in enumerate(self.data.chunks):
            for field_name, values in self._chunk_values(chunk).items():
                for value in values:
                    facets[field_name].setdefault(fold(value), []).append(i)
        return {f: {v: np.asarray(ids, dtype=np.int64) for v, ids in vals.items()}
                for f, vals in facets.items()}

    def facet_values(self, field_name: str) -> list[str]:
        """Gives the values a filter field takes in this index, sorted."""
        return sorted(self._facets[field_name])

    def _allowed_ids(self, filters: dict) -> np.ndarray | None:
        """Gives the passage ids that satisfy every filter (None when there is no filter)."""
        allowed = None
        for field_name, wanted in filters.items():
            if wanted is None or wanted == "" or wanted == []:
                continue
            if field_name not in FILTER_FIELDS:
                raise FilterError(f"Unknown filter {field_name!r}; known filters: {', '.join(FILTER_FIELDS)}.")
            values = wanted if isinstance(wanted, (list, tuple, set)) else [wanted]
            ids = []
            for value in values:
                key = fold(str(value)).strip()
                if key not in self._facets[field_name]:
                    known = ", ".join(self.facet_values(field_name)) or "none"
                    raise FilterError(f"No passage has {field_name}={value!r}; known values: {known}.")
                ids.append(self._facets[field_name][key])
            field_ids = np.unique(np.concatenate(ids))
            allowed = field_ids if allowed is None else np.intersect1d(allowed, field_ids)
        return allowed

    # -- retrieval ---------------------------------------------------------------------------------

    def _dense(self, query_vector: np.ndarray, n: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        import faiss

        params = None
        if allowed is not None:
            if len(allowed) == 0:
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed))
        n = min(n, self.data.faiss_index.ntotal)
        scores, ids = self.data.faiss_index.search(query_vector[None, :], n, params=params)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def _lexical(self, query: str, language: str, n: int, allowed: np.ndarray | None):
        if language == "es":
            terms = analyse(query)
        else:
            terms = analyse(" ".join(language_neutral_terms(query)))
        scores = self.lexical.scores(terms)
        if allowed is not None:
            mask = np.zeros_like(scores, dtype=bool)
            mask[allowed] = True
            scores = np.where(mask, scores, 0.0)
        order = np.argsort(-scores)[:n]
        order = order[scores[order] > 0]
        return order, scores[order]

    def search(self, query: str, k: int = 10, *, mode: str = "hybrid", **filters) -> list[Hit]:
        """Gives the k passages that best answer the query, best first, each with its citation.

        mode "dense" or "lexical" answers with one retriever alone (for evaluation); filters are
        field=value (or a list of values), see FILTER_FIELDS.
        """
        if mode not in ("hybrid", "dense", "lexical"):
            raise SearchError(f"Unknown search mode {mode!r}; use hybrid, dense or lexical.")
        query = (query or "").strip()
        if not query:
            raise SearchError("The query is empty: type a question or a few words.")
        if len(query) > MAX_QUERY_CHARS:
            raise SearchError(f"The query is {len(query)} characters long; the limit is {MAX_QUERY_CHARS}.")
        allowed = self._allowed_ids(filters)
        language = detect_language(query)
        query_vector = self.embedder.encode_queries([query], show_progress=False)[0]
        n = max(self.fusion.candidates, k)
        dense_ids, dense_scores = self._dense(query_vector, n, allowed)
        if mode == "lexical":
            # Lexical alone sees the whole query: it is the baseline a keyword search engine gives.
            dense_ids = np.zeros(0, dtype=np.int64)
            lexical_ids, _ = self._lexical(query, "es", n, allowed)
        else:
            lexical_ids, _ = self._lexical(query, language, n, allowed)
        if mode == "dense":
            lexical_ids = np.zeros(0, dtype=np.int64)
        weight = self.fusion.lexical_weight_es if language == "es" else self.fusion.lexical_weight_en
        if mode == "lexical":
            weight = 1.0
        fused: dict[int, float] = {}
        for rank, i in enumerate(dense_ids):
            fused[int(i)] = 1.0 / (self.fusion.rrf_k + rank + 1)
        for rank, i in enumerate(lexical_ids):
            fused[int(i)] = fused.get(int(i), 0.0) + weight / (self.fusion.rrf_k + rank + 1)
        similarity = dict(zip(dense_ids.tolist(), dense_scores.tolist()))
        best = sorted(fused, key=lambda i: -fused[i])[:k]
        return [self._hit(i, query_vector, fused[i], similarity.get(i)) for i in best]

    def _highlight(self, i: int, query_vector: np.ndarray) -> str:
        start, end = self.data.sentence_offsets[i], self.data.sentence_offsets[i + 1]
        sentences = self.data.sentences[i]
        if end <= start:
            return ""
        scores = self.data.sentence_vectors[start:end] @ query_vector
        return sentences[int(np.argmax(scores))]

    def _hit(self, i: int, query_vector: np.ndarray, score: float, similarity: float | None) -> Hit:
        chunk = self.data.chunks[i]
        doc = self.data.documents.get(chunk.doc_id)
        if similarity is None:
            similarity = float(self.data.vectors[i] @ query_vector)
        return Hit(
            text=chunk.text,
            score=round(float(score), 6),
            doc_id=chunk.doc_id,
            title=doc.title if doc else chunk.doc_id,
            plenary=doc.plenary if doc else None,
            year=doc.year if doc else None,
            section=chunk.section,
            page=chunk.page,
            source=doc.source if doc else "",
            highlight=self._highlight(i, query_vector),
            chunk_id=chunk.chunk_id,
            city=doc.city if doc else None,
            part=chunk.part,
            doc_type=doc.doc_type if doc else "report",
            similarity=round(float(similarity), 4),
        )
