"""From files on disk to a live index generation: discover, ingest each document, embed, write."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from index import store
from index.build import build_index
from index.embedder import ModelLoadError, load_embedder
from ingest.errors import IngestError

# Errors the CLI and the UI turn into one sentence for the user.
PuenteError = (IngestError, store.IndexStoreError, ModelLoadError)

DEFAULT_CHUNKING = {"target_words": 120, "max_words": 200, "overlap_sentences": 1}


@dataclass
class IngestSummary:
    """What one ingest run did."""

    index_dir: Path
    generation: Path
    documents: list[str]
    passages: int
    embedded: int
    reused: int
    seconds: float
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    without_manifest: list[str] = field(default_factory=list)
    practices: int = 0  # good-practice records extracted and stored

    def summary(self) -> str:
        """Gives the closing lines printed after an ingest."""
        lines = [
            f"Indexed {len(self.documents)} documents, {self.passages} passages, {self.practices} practices "
            f"({self.embedded} texts embedded, {self.reused} reused) in {self.seconds:.1f} s "
            f"-> {self.generation}",
        ]
        for name in self.without_manifest:
            lines.append(f"note: {name} has no manifest entry; its metadata was read from the file.")
        for name, reason in self.failures:
            lines.append(f"failed: {name}: {reason}")
        return "\n".join(lines)


def build_from_paths(
    paths: list[Path],
    index_dir: Path,
    *,
    model: str | None = None,
    progress: bool = True,
    chunking: dict | None = None,
    embedder=None,
) -> IngestSummary:
    """Gives the summary of an ingest of every document under paths into a new generation of index_dir."""
    from ingest.corpus import discover, ingest_document
    from ingest.practices import extract_practices

    started = time.perf_counter()
    chunking = {**DEFAULT_CHUNKING, **(chunking or {})}
    found = discover([Path(p) for p in paths])
    if not found:
        raise IngestError(f"No readable documents (.pdf, .txt, .md, .html) under {', '.join(map(str, paths))}.")
    embedder = embedder or load_embedder(model)
    documents, failures, practices = [], [], []
    for path, meta in _progress(found, progress, "Reading"):
        try:
            documents.append((meta, ingest_document(path, meta, **chunking)))
            # a second, cheap pass over the same file: cleaning and structure take ~0.2 s per report
            practices.extend(extract_practices(meta, Path(path)))
        except IngestError as exc:
            failures.append((path.name, str(exc)))
    if not documents:
        raise IngestError("None of the documents could be read: " + "; ".join(r for _, r in failures))
    settings = {"chunking": chunking, "faiss": "flat", "embed_section_titles": True}
    report = build_index(Path(index_dir), documents, embedder=embedder, settings=settings, practices=practices)
    return IngestSummary(
        index_dir=Path(index_dir),
        generation=report.generation,
        documents=[meta.doc_id for meta, _ in documents],
        passages=report.chunks,
        embedded=report.embedded,
        reused=report.reused,
        seconds=time.perf_counter() - started,
        failures=failures,
        without_manifest=[meta.path or meta.doc_id for meta, _ in documents if not meta.from_manifest],
        practices=report.practices,
    )


def rollback_index(index_dir: Path) -> Path:
    """Gives the generation made live again by rolling back one step."""
    return store.rollback(Path(index_dir))


def _progress(items, enabled: bool, label: str):
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=label, unit="doc")
