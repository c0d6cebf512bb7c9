"""The on-disk index: one folder holding generations, each a complete, checksummed, self-describing index.

Layout of an index folder (the path given as --index)::

    CURRENT               name of the live generation ("gen-000004"); replaced atomically
    gen-000004/           the live generation
        manifest.json     format version, model, dimension, counts, settings, file checksums, documents
        chunks.jsonl      one passage a line (Chunk fields)
        vectors.npy       float32 (n_chunks, dim) passage vectors, row i = line i of chunks.jsonl
        vectors.faiss     the FAISS index over vectors.npy
        sentences.jsonl   per chunk: the sentences used for highlighting
        sentence_vectors.npy  float16 (n_sentences, dim), the sentences of chunk 0 first
        practices.jsonl   optional: one good-practice record a line (PracticeRecord fields)
        practice_vectors.npy  float32 (n_practices, dim), row i = line i of practices.jsonl
        bm25/             optional: the BM25 index over the passages (bm25s arrays and vocabulary)
        acronyms.json     optional: acronym -> definition, as the passages define them
    gen-000003/           the previous good generation, kept for rollback

A generation is written under a temporary name, fsynced, verified, then renamed into place; only then
is CURRENT switched (write + os.replace). A crash at any point leaves the last good generation live.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ingest.practices import PracticeRecord
from ingest.records import Chunk, DocumentMeta

FORMAT_VERSION = 1
CURRENT_FILE = "CURRENT"
MANIFEST_FILE = "manifest.json"
GENERATION_PREFIX = "gen-"
KEEP_GENERATIONS = 2  # the live one and one to roll back to
PRACTICES_FILE = "practices.jsonl"
LEXICAL_DIR = "bm25"  # the saved BM25 index (index.lexical), one file per bm25s array
ACRONYMS_FILE = "acronyms.json"  # acronym -> definition, as the passages define them (index.acronyms)
PRACTICE_VECTORS_FILE = "practice_vectors.npy"


class IndexStoreError(Exception):
    """Base class of the index layer's errors; messages name the path and say what to do."""


class IndexNotFoundError(IndexStoreError):
    pass


class IndexCorruptError(IndexStoreError):
    pass


class IndexFormatError(IndexStoreError):
    pass


class ModelMismatchError(IndexStoreError):
    pass


class IndexLockedError(IndexStoreError):
    pass


class IndexLock:
    """An exclusive, non-blocking lock on an index folder: one re-index at a time.

    flock is released by the kernel when the holder dies, so a killed ingest never leaves a stale lock.
    """

    def __init__(self, index_dir: Path):
        self.path = Path(index_dir) / ".lock"
        self._handle = None

    def __enter__(self) -> "IndexLock":
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise IndexLockedError(
                f"Another ingest ({holder}) is updating {self.path.parent}; wait for it to finish and run again."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        self._handle = handle
        return self

    def __exit__(self, *exc) -> None:
        import fcntl

        fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()


@dataclass
class Manifest:
    """What a generation says about itself; written last, read first."""

    format_version: int
    created: str
    model: dict  # {"name", "dimension", "fingerprint"}
    counts: dict  # {"documents", "chunks", "sentences"}
    settings: dict  # chunking and index settings used to build it
    files: dict  # {file name: {"sha256", "bytes"}}
    documents: list[dict] = field(default_factory=list)  # DocumentMeta dicts
    versions: dict = field(default_factory=dict)  # library versions that wrote it

    def to_dict(self) -> dict:
        return self.__dict__.copy()


def sha256_file(path: Path, chunk_size: int = 1 << 20) -> str:
    """Gives the hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(chunk_size), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_bytes_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _write_jsonl(path: Path, rows) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _library_versions() -> dict:
    import faiss

    return {"faiss": faiss.__version__, "numpy": np.__version__, "puente_format": FORMAT_VERSION}


@dataclass
class IndexData:
    """A generation loaded in memory: what the searcher needs."""

    path: Path
    manifest: Manifest
    chunks: list[Chunk]
    documents: dict[str, DocumentMeta]
    vectors: np.ndarray
    faiss_index: object
    sentences: list[list[str]]
    sentence_vectors: np.ndarray
    sentence_offsets: np.ndarray  # sentences of chunk i are rows offsets[i]:offsets[i+1]
    practices: list[PracticeRecord] = field(default_factory=list)  # empty for generations without them
    practice_vectors: np.ndarray | None = None  # row i embeds practices[i]
    lexical: object | None = None  # index.lexical.LexicalIndex; None for generations written without it
    acronyms: dict[str, str] | None = None  # None for generations written without them


def live_generation(index_dir: Path) -> Path:
    """Gives the folder of the live generation, or raises IndexNotFoundError."""
    index_dir = Path(index_dir)
    current = index_dir / CURRENT_FILE
    if not current.is_file():
        raise IndexNotFoundError(
            f"No index at {index_dir}: build one with `python -m ingest --index {index_dir}`."
        )
    try:
        name = current.read_bytes().decode("utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexCorruptError(f"{current} cannot be read ({exc}); roll back with "
                                f"`python -m ingest --rollback --index {index_dir}` or rebuild.") from exc
    generation = index_dir / name
    if not name.startswith(GENERATION_PREFIX) or not generation.is_dir():
        raise IndexCorruptError(
            f"{current} names generation {name!r}, which is missing; "
            f"roll back with `python -m ingest --rollback --index {index_dir}` or rebuild."
        )
    return generation


def list_generations(index_dir: Path) -> list[Path]:
    """Gives the complete generations of an index, oldest first."""
    index_dir = Path(index_dir)
    if not index_dir.is_dir():
        return []
    gens = [p for p in index_dir.iterdir() if p.is_dir() and p.name.startswith(GENERATION_PREFIX)]
    return sorted(gens, key=lambda p: p.name)


def read_manifest(generation: Path) -> Manifest:
    """Gives a generation's manifest, refusing unknown formats and any manifest that does not parse.

    The manifest is the one file no checksum covers, so every way it can be damaged (bytes that are not
    UTF-8, invalid JSON, fields of the wrong type) becomes an IndexCorruptError, never a traceback.
    """
    path = Path(generation) / MANIFEST_FILE
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError as exc:
        raise IndexCorruptError(f"{path} is missing: the index generation is incomplete; rebuild it.") from exc
    except OSError as exc:
        raise IndexCorruptError(f"{path} cannot be read ({exc.strerror or exc}); rebuild the index.") from exc
    except UnicodeDecodeError as exc:
        raise IndexCorruptError(f"{path} is damaged (byte {exc.start} is not UTF-8 text); roll back with "
                                f"`python -m ingest --rollback --index {path.parent.parent}` or rebuild the index.") from exc
    except ValueError as exc:  # json.JSONDecodeError, and RecursionError-free nesting errors
        raise IndexCorruptError(f"{path} is not valid JSON ({getattr(exc, 'msg', exc)}); roll back with "
                                f"`python -m ingest --rollback --index {path.parent.parent}` or rebuild the index.") from exc
    if not isinstance(data, dict):
        raise IndexCorruptError(f"{path} does not hold a manifest (a JSON object); rebuild the index.")
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise IndexFormatError(
            f"The index at {generation} has format version {version}, this Puente reads {FORMAT_VERSION}: "
            f"rebuild it with `python -m ingest`."
        )
    _check_manifest_fields(path, data)
    known = Manifest.__dataclass_fields__
    return Manifest(**{k: v for k, v in data.items() if k in known})


# The type each manifest field must have; a field of another type is damage, refused on open.
_MANIFEST_TYPES = {"created": str, "model": dict, "counts": dict, "settings": dict, "files": dict,
                   "documents": list, "versions": dict}
_OPTIONAL_FIELDS = {"documents", "versions"}


def _check_manifest_fields(path: Path, data: dict) -> None:
    """Raises IndexCorruptError naming the first manifest field that is missing or of the wrong type."""
    for name, kind in _MANIFEST_TYPES.items():
        if name not in data and name in _OPTIONAL_FIELDS:
            continue
        if not isinstance(data.get(name), kind):
            raise IndexCorruptError(f"{path} is damaged (its {name!r} field is missing or not a "
                                    f"{kind.__name__}); rebuild the index with `python -m ingest`.")
    if not isinstance(data["model"].get("name"), str):
        raise IndexCorruptError(f"{path} is damaged (it names no model); rebuild the index with `python -m ingest`.")
    for name, expected in data["files"].items():
        if not (isinstance(expected, dict) and isinstance(expected.get("bytes"), int)
                and isinstance(expected.get("sha256"), str)):
            raise IndexCorruptError(f"{path} is damaged (no size and checksum for {name}); rebuild the index.")


def verify_files(generation: Path, manifest: Manifest) -> None:
    """Checks every file the manifest lists against its size and checksum; raises IndexCorruptError."""
    for name, expected in manifest.files.items():
        path = Path(generation) / name
        if not path.is_file():
            raise IndexCorruptError(f"{path} is missing; rebuild the index with `python -m ingest`.")
        if path.stat().st_size != expected["bytes"]:
            raise IndexCorruptError(
                f"{path} has {path.stat().st_size} bytes, the manifest says {expected['bytes']} "
                f"(truncated or altered); rebuild the index with `python -m ingest`."
            )
        if sha256_file(path) != expected["sha256"]:
            raise IndexCorruptError(
                f"{path} does not match its checksum (altered); rebuild the index with `python -m ingest`."
            )


def check_model(manifest: Manifest, model_info, generation: Path) -> None:
    """Refuses to pair an index with a model other than the one that built it."""
    built = manifest.model
    if built.get("name") != model_info.name or built.get("fingerprint") != model_info.fingerprint:
        raise ModelMismatchError(
            f"The index at {generation} was built with model {built.get('name')!r} "
            f"(fingerprint {str(built.get('fingerprint'))[:12]}), not {model_info.name!r} "
            f"(fingerprint {model_info.fingerprint[:12]}): rebuild it with "
            f"`python -m ingest --model {model_info.name}` or search with --model {built.get('name')}."
        )


def load_generation(generation: Path, *, verify: bool = True) -> IndexData:
    """Gives a generation loaded into memory, after checking its files against the manifest.

    Every file is read defensively: whatever fails to decode or parse (a file altered after its checksum
    was taken, or read unverified) is an IndexCorruptError naming the generation, not a traceback.
    """
    generation = Path(generation)
    manifest = read_manifest(generation)
    if verify:
        verify_files(generation, manifest)
    try:
        return _load_verified(generation, manifest)
    except IndexStoreError:
        raise
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError, RuntimeError) as exc:
        # RuntimeError: what faiss raises for a file it cannot parse; ValueError covers UnicodeDecodeError,
        # JSON and numpy's format errors
        raise IndexCorruptError(f"The index at {generation} cannot be read ({type(exc).__name__}: "
                                f"{str(exc).splitlines()[0][:160] if str(exc) else 'no detail'}); roll back with "
                                f"`python -m ingest --rollback --index {generation.parent}` or rebuild it.") from exc


def _load_verified(generation: Path, manifest: Manifest) -> IndexData:
    """Gives the in-memory index of a generation whose manifest has been read (and files checked)."""
    import faiss

    chunks = [Chunk.from_dict(row) for row in _read_jsonl(generation / "chunks.jsonl")]
    vectors = np.load(generation / "vectors.npy")
    faiss_index = faiss.read_index(str(generation / "vectors.faiss"))
    apply_search_settings(faiss_index, manifest.settings)
    sentence_rows = _read_jsonl(generation / "sentences.jsonl")
    sentence_vectors = np.load(generation / "sentence_vectors.npy")
    counts = manifest.counts
    if not (len(chunks) == vectors.shape[0] == faiss_index.ntotal == counts["chunks"] == len(sentence_rows)):
        raise IndexCorruptError(
            f"The index at {generation} holds {len(chunks)} passages but {vectors.shape[0]} vectors "
            f"({faiss_index.ntotal} in FAISS, manifest says {counts['chunks']}); rebuild it."
        )
    sentences = [row["sentences"] for row in sentence_rows]
    offsets = np.zeros(len(sentences) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(s) for s in sentences])
    if offsets[-1] != sentence_vectors.shape[0]:
        raise IndexCorruptError(f"The sentence vectors of {generation} do not match its sentences; rebuild it.")
    documents = {d["doc_id"]: DocumentMeta.from_dict(d) for d in manifest.documents}
    practices, practice_vectors = _load_practices(generation, manifest)
    lexical = acronyms = None
    if any(name.startswith(LEXICAL_DIR + "/") for name in manifest.files):
        from index.lexical import LexicalIndex

        lexical = LexicalIndex.load(generation / LEXICAL_DIR, len(chunks))
    if ACRONYMS_FILE in manifest.files:
        acronyms = json.loads((generation / ACRONYMS_FILE).read_text(encoding="utf-8"))
    return IndexData(generation, manifest, chunks, documents, vectors, faiss_index,
                     sentences, sentence_vectors, offsets, practices, practice_vectors, lexical, acronyms)


def _load_practices(generation: Path, manifest: Manifest) -> tuple[list[PracticeRecord], np.ndarray | None]:
    """Gives a generation's practice records and their vectors; none for generations written without them."""
    if PRACTICES_FILE not in manifest.files:
        return [], None
    practices = [PracticeRecord.from_dict(row) for row in _read_jsonl(generation / PRACTICES_FILE)]
    practice_vectors = np.load(generation / PRACTICE_VECTORS_FILE)
    expected = manifest.counts.get("practices")
    if not (len(practices) == practice_vectors.shape[0] == expected):
        raise IndexCorruptError(
            f"The index at {generation} holds {len(practices)} practice records but {practice_vectors.shape[0]} "
            f"practice vectors (manifest says {expected}); rebuild it with `python -m ingest`."
        )
    return practices, practice_vectors


def _self_check(data: IndexData) -> None:
    """Raises IndexCorruptError unless a test query finds a passage by its own vector."""
    if not data.chunks:
        return
    probe = len(data.chunks) // 2
    _, ids = data.faiss_index.search(np.ascontiguousarray(data.vectors[probe:probe + 1]), 1)
    found = int(ids[0][0])
    if found < 0 or float(data.vectors[found] @ data.vectors[probe]) < 0.999:
        raise IndexCorruptError(f"The new index at {data.path} failed its test query; it was not made live.")


def _next_generation_name(index_dir: Path) -> str:
    numbers = [int(p.name[len(GENERATION_PREFIX):]) for p in list_generations(index_dir)
               if p.name[len(GENERATION_PREFIX):].isdigit()]
    return f"{GENERATION_PREFIX}{(max(numbers) + 1 if numbers else 1):06d}"


# Exact search is right for every query and as fast as HNSW below this many passages; above it, HNSW keeps a query
# in milliseconds (`python -m bench`, 2 cores: 10k exact 1 ms, HNSW 1.4 ms; 100k exact 9-30 ms, HNSW 3 ms).
EXACT_BELOW = 50_000
# M and efConstruction: the usual choice for 384-d vectors. efSearch: recall@10 >= 0.95 against exact search at
# 1M synthetic passages with a margin (`python -m bench --with-1m`: 0.94 at 512, 0.955 at 768, 0.97 at 1024), for
# about 3 ms a query, a tenth of the query embedding. The searcher's 200 candidates never search shallower.
HNSW_SETTINGS = {"hnsw_m": 32, "hnsw_ef_construction": 80, "hnsw_ef_search": 1024}


def faiss_settings(n_vectors: int) -> dict:
    """Gives the FAISS settings for an index of n_vectors: exact below EXACT_BELOW, HNSW from there on."""
    if n_vectors < EXACT_BELOW:
        return {"faiss": "flat", "faiss_exact_below": EXACT_BELOW}
    return {"faiss": "hnsw", **HNSW_SETTINGS, "faiss_exact_below": EXACT_BELOW}


def resolve_settings(settings: dict, n_vectors: int) -> dict:
    """Gives settings with "faiss": "auto" replaced by the index type and parameters chosen for n_vectors."""
    if settings.get("faiss") != "auto":
        return settings
    return {**settings, **faiss_settings(n_vectors)}


def apply_search_settings(faiss_index, settings: dict) -> None:
    """Sets the query-time parameters a manifest records (HNSW efSearch) on a loaded FAISS index."""
    if settings.get("hnsw_ef_search") and hasattr(faiss_index, "hnsw"):
        faiss_index.hnsw.efSearch = int(settings["hnsw_ef_search"])


def search_parameters(faiss_index, k: int, selector=None):
    """Gives the FAISS search parameters for a search of k hits, restricted to selector's ids if given
    (None when the index's defaults do).

    FAISS's HNSW returns at most efSearch hits, so a search for more (the searcher asks for 200 candidates)
    goes at least k deep.
    """
    import faiss

    if hasattr(faiss_index, "hnsw"):
        params = faiss.SearchParametersHNSW(efSearch=max(int(faiss_index.hnsw.efSearch), k))
    elif selector is not None:
        params = faiss.SearchParameters()
    else:
        return None
    if selector is not None:
        params.sel = selector
        params.referenced_selector = selector  # FAISS keeps a raw pointer: hold the selector while params live
    return params


def build_faiss(vectors: np.ndarray, settings: dict):
    """Gives a FAISS index over normalised vectors: inner product equals cosine for unit vectors.

    settings["faiss"] is "flat" (exact), "hnsw" (approximate) or "auto" (chosen by size, faiss_settings).
    """
    import faiss

    dim = vectors.shape[1]
    settings = resolve_settings(settings, len(vectors))
    kind = settings.get("faiss", "flat")
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, settings.get("hnsw_m", 32), faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = settings.get("hnsw_ef_construction", 80)
        apply_search_settings(index, settings)
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def write_generation(
    index_dir: Path,
    *,
    documents: list[DocumentMeta],
    chunks: list[Chunk],
    vectors: np.ndarray,
    sentences: list[list[str]],
    sentence_vectors: np.ndarray,
    model_info,
    settings: dict,
    practices: list[PracticeRecord] | None = None,
    practice_vectors: np.ndarray | None = None,
    lexical=None,
    acronyms: dict[str, str] | None = None,
) -> Path:
    """Writes a new generation beside the live one, verifies it and makes it live; gives its folder.

    practices (with practice_vectors, one row each) are optional: without them no practice files are written.
    lexical (an index.lexical.LexicalIndex over the chunks) and acronyms are optional too; a searcher
    builds them itself for a generation without them.
    """
    import faiss

    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=index_dir))
    try:
        _write_jsonl(staging / "chunks.jsonl", (c.to_dict() for c in chunks))
        _write_jsonl(staging / "sentences.jsonl", ({"chunk_id": c.chunk_id, "sentences": s}
                                                    for c, s in zip(chunks, sentences)))
        _save_npy(staging / "vectors.npy", vectors)
        # Sentence vectors are most of a generation's bytes (several per passage) and only re-score
        # candidates already found, so half precision does: rankings are unchanged (README figures).
        _save_npy(staging / "sentence_vectors.npy", sentence_vectors, dtype=np.float16)
        if practices is not None:
            _write_jsonl(staging / PRACTICES_FILE, (p.to_dict() for p in practices))
            _save_npy(staging / PRACTICE_VECTORS_FILE, _practice_matrix(practice_vectors, len(practices), vectors))
        if lexical is not None:
            lexical.save(staging / LEXICAL_DIR)
        if acronyms is not None:
            _write_bytes_synced(staging / ACRONYMS_FILE,
                                json.dumps(acronyms, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        settings = resolve_settings(settings, len(vectors))  # the manifest records the index type chosen
        faiss_bytes = faiss.serialize_index(build_faiss(vectors, settings)).tobytes()
        _write_bytes_synced(staging / "vectors.faiss", faiss_bytes)
        files = {p.relative_to(staging).as_posix(): {"sha256": sha256_file(p), "bytes": p.stat().st_size}
                 for p in sorted(staging.rglob("*")) if p.is_file()}
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            model={"name": model_info.name, "dimension": model_info.dimension,
                   "fingerprint": model_info.fingerprint},
            counts={"documents": len(documents), "chunks": len(chunks),
                    "sentences": int(sentence_vectors.shape[0]),
                    **({"practices": len(practices)} if practices is not None else {})},
            settings=settings,
            files=files,
            documents=[d.to_dict() for d in documents],
            versions=_library_versions(),
        )
        _write_bytes_synced(staging / MANIFEST_FILE,
                            json.dumps(manifest.to_dict(), ensure_ascii=False, indent=2).encode("utf-8"))
        _fsync_dir(staging)
        _self_check(load_generation(staging))  # verify what was written before it can go live
        generation = index_dir / _next_generation_name(index_dir)
        os.rename(staging, generation)
        _fsync_dir(index_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    switch_to(index_dir, generation)
    prune_generations(index_dir)
    return generation


def _practice_matrix(practice_vectors: np.ndarray | None, n: int, vectors: np.ndarray) -> np.ndarray:
    """Gives the practice vectors as a (n, dim) array; an empty list of practices gives (0, dim)."""
    if practice_vectors is None or len(practice_vectors) == 0:
        if n:
            raise ValueError(f"{n} practice records were given without their vectors")
        return np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else 0), dtype=np.float32)
    return practice_vectors


def _save_npy(path: Path, array: np.ndarray, dtype=np.float32) -> None:
    with open(path, "wb") as handle:
        np.save(handle, np.ascontiguousarray(array, dtype=dtype))
        handle.flush()
        os.fsync(handle.fileno())


def switch_to(index_dir: Path, generation: Path) -> None:
    """Makes a generation live by replacing CURRENT atomically."""
    tmp = Path(index_dir) / f".{CURRENT_FILE}.tmp"
    _write_bytes_synced(tmp, (Path(generation).name + "\n").encode("utf-8"))
    os.replace(tmp, Path(index_dir) / CURRENT_FILE)
    _fsync_dir(Path(index_dir))


def prune_generations(index_dir: Path, keep: int = KEEP_GENERATIONS) -> None:
    """Removes old generations and abandoned staging folders, never the live one."""
    live = live_generation(index_dir)
    gens = list_generations(index_dir)
    for old in gens[:-keep] if keep else gens:
        if old != live:
            shutil.rmtree(old, ignore_errors=True)
    for staging in Path(index_dir).glob(".staging-*"):
        shutil.rmtree(staging, ignore_errors=True)


def rollback(index_dir: Path) -> Path:
    """Makes the generation before the live one live again; gives its folder."""
    live = live_generation(index_dir)
    older = [g for g in list_generations(index_dir) if g.name < live.name]
    if not older:
        raise IndexNotFoundError(f"No earlier generation in {index_dir} to roll back to.")
    previous = older[-1]
    verify_files(previous, read_manifest(previous))
    switch_to(index_dir, previous)
    shutil.rmtree(live, ignore_errors=True)
    return previous
