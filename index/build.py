"""Builds a generation from ingested documents: embeds what is new, reuses what the live one has."""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index import store
from index.acronyms import learn_acronyms
from index.lexical import LexicalIndex
from ingest.chunking import split_sentences as split_paragraph_sentences
from ingest.practices import PracticeRecord
from ingest.records import Chunk, DocumentMeta

# Sentences shorter than this are merged with the next: a highlight of "SESIÓN 3:" helps nobody.
_MIN_SENTENCE_CHARS = 40


@dataclass
class BuildReport:
    """What a build did, for the summary line."""

    generation: Path
    documents: int
    chunks: int
    embedded: int  # passages and sentences embedded now
    reused: int  # passages and sentences whose vectors came from the previous generation
    seconds: float
    practices: int = 0  # good-practice records stored (their vectors count in embedded/reused)


def passage_text_for_embedding(chunk: Chunk, title: str = "") -> str:
    """Gives the text a passage is embedded as: its section heading (and for a law's article, the law's title:
    `law_titles`; for a later piece of a long article, its context) gives context the passage lacks."""
    head = " › ".join(part for part in (title, chunk.section) if part)
    lines = [line for line in (head, chunk.context, chunk.text) if line]
    return "\n".join(lines)


def law_titles(documents) -> dict[str, str]:
    """Gives doc_id -> title for the laws among documents (DocumentMeta): their articles are embedded with it,
    since an article rarely names the law it belongs to."""
    return {meta.doc_id: meta.title for meta in documents if meta.kind == "law"}


def passage_texts(chunks: list[Chunk], titles: dict[str, str]) -> list[str]:
    """Gives the embedding texts of passages (passage_text_for_embedding), laws' titles included."""
    return [passage_text_for_embedding(c, titles.get(c.doc_id, "")) for c in chunks]


def split_sentences(text: str) -> list[str]:
    """Gives the sentences of a passage as spans of its text (list items count as sentences).

    A piece shorter than _MIN_SENTENCE_CHARS is merged with the next; merged sentences keep the
    passage's own line breaks, so every sentence is a substring of the passage the UI can highlight.
    """
    spans: list[tuple[int, int]] = []
    cursor = 0
    for line in text.split("\n"):
        for piece in split_paragraph_sentences(line):
            piece = piece.strip()
            if not piece:
                continue
            start = text.find(piece, cursor)
            if start < 0:  # the sentence splitter changed the text; fall back to the whole line
                continue
            spans.append((start, start + len(piece)))
            cursor = start + len(piece)
    merged: list[list[int]] = []
    carry_start = None
    for start, end in spans:
        if carry_start is None:
            carry_start = start
        if end - carry_start >= _MIN_SENTENCE_CHARS:
            merged.append([carry_start, end])
            carry_start = None
    if carry_start is not None:
        if merged:
            merged[-1][1] = spans[-1][1]
        else:
            merged.append([carry_start, spans[-1][1]])
    return [text[a:b] for a, b in merged] or [text.strip()]


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def load_live(index_dir: Path) -> store.IndexData | None:
    """Gives the live generation of an index, or None when there is none that opens cleanly."""
    try:
        return store.load_generation(store.live_generation(index_dir))
    except store.IndexStoreError:
        return None


def _previous_vectors(data: store.IndexData | None, model_info) -> dict[str, np.ndarray]:
    """Gives text-hash -> vector from the previous generation when it was built by the same model.

    Passages, sentences and practices are embedded alike (the passage prompt), so one text has one vector
    whatever it was; a passage's (stored in float32) wins over a sentence's (stored in float16)."""
    if data is None or data.manifest.model.get("fingerprint") != model_info.fingerprint:
        return {}
    known: dict[str, np.ndarray] = {}
    for sentence, vector in zip((s for group in data.sentences for s in group), data.sentence_vectors):
        known[_key(sentence)] = vector
    # a record's vector is keyed by the text it is embedded as today: only right if that text was made the same way
    same_text = data.manifest.settings.get("practice_text", 1) == PracticeRecord.EMBEDDING_TEXT_VERSION
    if data.practice_vectors is not None and same_text:
        for practice, vector in zip(data.practices, data.practice_vectors):
            known[_key(practice.embedding_text())] = vector
    for text, vector in zip(passage_texts(data.chunks, law_titles(data.documents.values())), data.vectors):
        known[_key(text)] = vector
    return known


def embed_missing(texts: list[str], known: dict, encode) -> int:
    """Embeds, in one call to encode, each distinct text not already in known (text-hash -> vector), and adds
    its vector there; gives how many texts were embedded.

    One call for passages, sentences and practices together: a sentence that is a whole passage, or a text
    repeated across documents (a law's recurring formula, a running title), is embedded once, and the
    embedder groups every text by length at once (index.embedder.length_batches)."""
    missing = list(dict.fromkeys(t for t in texts if _key(t) not in known))
    if missing:
        for text, vector in zip(missing, encode(missing)):
            known[_key(text)] = vector
    return len(missing)


def vectors_of(texts: list[str], known: dict, dim: int) -> np.ndarray:
    """Gives the (len(texts), dim) float32 matrix of the known vectors of texts."""
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    return np.stack([known[_key(t)] for t in texts]).astype(np.float32)


def build_index(
    index_dir: Path,
    documents: list[tuple[DocumentMeta, list[Chunk]]],
    *,
    embedder,
    settings: dict,
    batch_size: int = 32,
    practices: list[PracticeRecord] | None = None,
    progress: bool | None = None,
    previous: store.IndexData | None = None,
) -> BuildReport:
    """Gives the report of a build: embeds the passages and their sentences and writes a generation.

    practices, when given, are embedded (name and who shared it) and stored beside the passages.
    """
    started = time.perf_counter()
    # Vectors of unchanged texts come from the previous generation (the caller's, or the live one).
    known = _previous_vectors(previous if previous is not None else load_live(Path(index_dir)), embedder.info)
    chunks = [chunk for _, doc_chunks in documents for chunk in doc_chunks]
    texts = passage_texts(chunks, law_titles(meta for meta, _ in documents))
    sentences = [split_sentences(chunk.text) for chunk in chunks]

    def encode(texts):
        # None: the embedder shows a bar for long inputs; False (--quiet): never
        return embedder.encode_passages(texts, batch_size=batch_size, show_progress=None if progress else False)

    flat_sentences = [s for group in sentences for s in group]
    practice_texts = [p.embedding_text() for p in practices] if practices is not None else []
    embedded = embed_missing(texts + flat_sentences + practice_texts, known, encode)
    dim = embedder.info.dimension
    passage_vectors = vectors_of(texts, known, dim)
    sentence_vectors = vectors_of(flat_sentences, known, dim)
    practice_vectors = vectors_of(practice_texts, known, dim) if practices is not None else None
    generation = store.write_generation(
        index_dir,
        documents=[meta for meta, _ in documents],
        chunks=chunks,
        vectors=passage_vectors,
        sentences=sentences,
        sentence_vectors=sentence_vectors,
        model_info=embedder.info,
        settings={**settings, "practice_text": PracticeRecord.EMBEDDING_TEXT_VERSION},
        practices=practices,
        practice_vectors=practice_vectors,
        lexical=LexicalIndex.build(texts),
        acronyms=learn_acronyms([c.text for c in chunks]),
    )
    total = len(chunks) + len(flat_sentences) + len(practices or [])
    return BuildReport(generation, len(documents), len(chunks), embedded, total - embedded,
                       time.perf_counter() - started, len(practices or []))
