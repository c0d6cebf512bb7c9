"""Builds a generation from ingested documents: embeds what is new, reuses what the live one has."""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index import store
from ingest.chunking import split_sentences as split_paragraph_sentences
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


def passage_text_for_embedding(chunk: Chunk) -> str:
    """Gives the text a passage is embedded as: its section heading gives context the passage lacks."""
    if chunk.section:
        return f"{chunk.section}\n{chunk.text}"
    return chunk.text


def split_sentences(text: str) -> list[str]:
    """Gives the sentences of a passage (list items count as sentences), short ones merged forward."""
    pieces = [s.strip() for line in text.split("\n") for s in split_paragraph_sentences(line) if s.strip()]
    sentences: list[str] = []
    carry = ""
    for piece in pieces:
        carry = f"{carry} {piece}".strip() if carry else piece
        if len(carry) >= _MIN_SENTENCE_CHARS:
            sentences.append(carry)
            carry = ""
    if carry:
        if sentences and len(carry) < _MIN_SENTENCE_CHARS:
            sentences[-1] = f"{sentences[-1]} {carry}"
        else:
            sentences.append(carry)
    return sentences or [text.strip()]


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _previous_vectors(index_dir: Path, model_info) -> dict[str, np.ndarray]:
    """Gives text-hash -> vector from the live generation when it was built by the same model."""
    try:
        data = store.load_generation(store.live_generation(index_dir))
    except store.IndexStoreError:
        return {}
    if data.manifest.model.get("fingerprint") != model_info.fingerprint:
        return {}
    known: dict[str, np.ndarray] = {}
    for chunk, vector in zip(data.chunks, data.vectors):
        known[_key("P" + passage_text_for_embedding(chunk))] = vector
    for sentence, vector in zip((s for group in data.sentences for s in group), data.sentence_vectors):
        known[_key("S" + sentence)] = vector
    return known


def _embed_with_cache(texts: list[str], prefix: str, known: dict, encode) -> tuple[np.ndarray, int]:
    """Gives vectors for texts, encoding only those not already known; and how many were encoded."""
    keys = [_key(prefix + t) for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts) if k not in known}.items())
    if missing:
        vectors = encode([t for _, t in missing])
        for (k, _), v in zip(missing, vectors):
            known[k] = v
    if not texts:
        return np.zeros((0, 0), dtype=np.float32), 0
    return np.stack([known[k] for k in keys]).astype(np.float32), len(missing)


def build_index(
    index_dir: Path,
    documents: list[tuple[DocumentMeta, list[Chunk]]],
    *,
    embedder,
    settings: dict,
    batch_size: int = 32,
) -> BuildReport:
    """Gives the report of a build: embeds the passages and their sentences and writes a generation."""
    started = time.perf_counter()
    known = _previous_vectors(Path(index_dir), embedder.info)
    chunks = [chunk for _, doc_chunks in documents for chunk in doc_chunks]
    sentences = [split_sentences(chunk.text) for chunk in chunks]

    def encode(texts):
        return embedder.encode_passages(texts, batch_size=batch_size)

    passage_vectors, n_passages = _embed_with_cache(
        [passage_text_for_embedding(c) for c in chunks], "P", known, encode)
    flat_sentences = [s for group in sentences for s in group]
    sentence_vectors, n_sentences = _embed_with_cache(flat_sentences, "S", known, encode)
    dim = embedder.info.dimension
    passage_vectors = passage_vectors.reshape(-1, dim)
    sentence_vectors = sentence_vectors.reshape(-1, dim)
    generation = store.write_generation(
        index_dir,
        documents=[meta for meta, _ in documents],
        chunks=chunks,
        vectors=passage_vectors,
        sentences=sentences,
        sentence_vectors=sentence_vectors,
        model_info=embedder.info,
        settings=settings,
    )
    embedded = n_passages + n_sentences
    total = len(chunks) + len(flat_sentences)
    return BuildReport(generation, len(documents), len(chunks), embedded, total - embedded,
                       time.perf_counter() - started)
