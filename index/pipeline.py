"""From files on disk to a live index generation: discover, ingest each document, embed, write."""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from index import store
from index.build import build_index, load_live
from index.embedder import ModelLoadError, load_embedder
from ingest.errors import IngestError
from ingest.records import DocumentMeta

# Errors the CLI and the UI turn into one sentence for the user.
PuenteError = (IngestError, store.IndexStoreError, ModelLoadError)

DEFAULT_CHUNKING = {"target_words": 120, "max_words": 200, "overlap_sentences": 1}
# How ingest cuts documents into passages; raised whenever that changes (2: page furniture, laws by article;
# 3: numbered units of guidelines, the context a later piece of a long article carries; 4: sentences split
# knowing abbreviations, 'EE. UU.', 'art.'; 5: practice records read who shared them from the session's
# leaders and the addresses cited, and carry the passage that prints them; 6: photo captions and
# attendance-list delegations kept as passages of their own, footnotes in the passage citing them),
# so the next ingest cuts every document again instead of keeping passages cut the old way. Vectors of
# passages whose text did not change are still reused.
CUTTING_VERSION = 6


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
    added: list[str] = field(default_factory=list)  # doc_ids new to the index
    replaced: list[str] = field(default_factory=list)  # doc_ids whose file changed
    removed: list[str] = field(default_factory=list)  # doc_ids no longer under the paths
    skipped: list[str] = field(default_factory=list)  # doc_ids unchanged: passages and vectors reused
    kept_previous: list[str] = field(default_factory=list)  # doc_ids whose new file failed: old version kept
    # (file, warning) for documents read with something to say: no words even by OCR, pages OCR gave up on
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        """Gives the closing lines printed after an ingest."""
        lines = [
            f"Indexed {len(self.documents)} documents, {self.passages} passages, {self.practices} practices "
            f"({self.embedded} texts embedded, {self.reused} reused) in {self.seconds:.1f} s "
            f"-> {self.generation}",
            f"added {len(self.added)}, replaced {len(self.replaced)}, removed {len(self.removed)}, "
            f"unchanged {len(self.skipped)}",
        ]
        for label, ids in (("added", self.added), ("replaced", self.replaced), ("removed", self.removed),
                           ("kept at their previous version (the new file failed)", self.kept_previous)):
            if ids:
                lines.append(f"{label}: {', '.join(ids)}")
        for name in self.without_manifest:
            lines.append(f"note: {name} has no manifest entry; its metadata was read from the file.")
        for name, warning in self.warnings:
            lines.append(f"warning: {name}: {warning}")
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
    limits=None,
) -> IngestSummary:
    """Gives the summary of an ingest of every document under paths into a new generation of index_dir.

    Each document is read in a worker process under limits (ingest.isolation.ParseLimits: time, memory,
    file size); one that fails is listed in the summary's failures with a one-line reason.
    """
    from ingest.corpus import discover
    from ingest.isolation import DocumentParser

    started = time.perf_counter()
    chunking = {**DEFAULT_CHUNKING, **(chunking or {})}
    parser = DocumentParser(limits)  # one worker process for the run, started on first use
    found = discover([Path(p) for p in paths], read_meta=parser.read_meta)
    if not found:
        raise IngestError(f"No readable documents (.pdf, .txt, .md, .html) under {', '.join(map(str, paths))}.")
    with store.IndexLock(Path(index_dir)), parser:
        # the lock first: a second ingest is refused at once, not after loading a model (~10-25 s)
        embedder = embedder or load_embedder(model)
        live = load_live(Path(index_dir))  # read once: for reusing passages and for reusing vectors
        previous = _previous_state(live, chunking)
        documents, failures, warnings, practices = [], [], [], []
        changes = {"added": [], "replaced": [], "skipped": [], "kept": []}
        for path, meta in _progress(found, progress, "Reading"):
            kept = previous.get(meta.doc_id)
            if kept and _same_document(kept["meta"], meta):
                documents.append((DocumentMeta.from_dict(kept["meta"]), kept["chunks"]))
                practices.extend(kept["practices"])
                changes["skipped"].append(meta.doc_id)
                continue
            try:
                parsed = parser.parse(path, meta, chunking)  # passages and practices, in the worker
            except IngestError as exc:
                failures.append((path.name, getattr(exc, "reason", str(exc))))
                if kept:  # a report that no longer parses keeps its last good version, not a hole
                    documents.append((DocumentMeta.from_dict(kept["meta"]), kept["chunks"]))
                    practices.extend(kept["practices"])
                    changes["kept"].append(meta.doc_id)
                continue
            warnings += [(path.name, warning) for warning in parsed.warnings]
            documents.append((_with_what_the_text_says(meta, parsed), parsed.chunks))
            practices.extend(parsed.practices)
            changes["replaced" if meta.doc_id in previous else "added"].append(meta.doc_id)
        parser.close()  # the worker is not needed while embedding
        if not any(chunks for _, chunks in documents):
            start = "None of the documents has words to index: " if documents else \
                "None of the documents could be read: "
            raise IngestError(start + "; ".join(f"{name}: {reason}" for name, reason in failures + warnings))
        # "auto": exact search below store.EXACT_BELOW passages, HNSW above; the manifest records the choice
        settings = {"chunking": chunking, "faiss": "auto", "embed_section_titles": True, "cutting": CUTTING_VERSION}
        report = build_index(Path(index_dir), documents, embedder=embedder, settings=settings,
                             practices=practices, progress=progress, previous=live)
    present = {meta.doc_id for meta, _ in documents}
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
        added=changes["added"],
        replaced=changes["replaced"],
        removed=sorted(set(previous) - present),
        skipped=changes["skipped"],
        kept_previous=changes["kept"],
        warnings=warnings,
    )


def _with_what_the_text_says(meta: DocumentMeta, parsed) -> DocumentMeta:
    """Gives the metadata with the kind, country and title read from the text, where nothing better said them
    (the manifest, or for the title the file's own metadata)."""
    title = parsed.title if parsed.title and _titled_by_file_name(meta) else meta.title
    return replace(meta, kind=meta.kind or parsed.kind, country=meta.country or parsed.country, title=title)


def _titled_by_file_name(meta: DocumentMeta) -> bool:
    from ingest.corpus import file_name_title

    return not meta.from_manifest and meta.title == file_name_title(meta.path or meta.doc_id)


def _same_document(stored: dict, meta: DocumentMeta) -> bool:
    """Tells whether a stored document is this one unchanged: same file and metadata; the fields read from
    its text at ingest (kind, country, a title the file's metadata lacks) count only where nothing else set them."""
    given = meta.to_dict()
    derived = {name for name in ("kind", "country") if not given.get(name)}
    derived |= {"title"} if _titled_by_file_name(meta) else set()
    return ({k: v for k, v in stored.items() if k not in derived}
            == {k: v for k, v in given.items() if k not in derived})


def _previous_state(data: store.IndexData | None, chunking: dict) -> dict[str, dict]:
    """Gives, per doc_id of the live generation, its metadata, passages and practices, when they were
    cut with the same chunking settings (otherwise nothing can be reused and every document is redone)."""
    if data is None or data.manifest.settings.get("chunking") != chunking \
            or data.manifest.settings.get("cutting") != CUTTING_VERSION:
        return {}
    state = {doc_id: {"meta": meta.to_dict(), "chunks": [], "practices": []}
             for doc_id, meta in data.documents.items()}
    for chunk in data.chunks:
        if chunk.doc_id in state:
            state[chunk.doc_id]["chunks"].append(chunk)
    for record in data.practices:
        if record.doc_id in state:
            state[record.doc_id]["practices"].append(record)
    return state


def rollback_index(index_dir: Path) -> Path:
    """Gives the generation made live again by rolling back one step."""
    return store.rollback(Path(index_dir))


def _progress(items, enabled: bool, label: str):
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=label, unit="doc")
