"""A faster path for embedding one query at a time (what a search does).

For a single short query (10-40 tokens), ``SentenceTransformer.encode`` spends its
time in three places: the transformers forward's own Python (masks, attention
dispatch, output records: ~40% of it), oneDNN laying the weights out again on every
one of the 72 thin matrix products, and streaming 85 MB of float32 weights through
them. :class:`QueryEncoder` runs the same computation as a plain loop over the
layers of a BERT / RoBERTa / XLM-R encoder: query, key and value fused into one
product, every weight packed once for oneDNN, in bfloat16 when the CPU multiplies it
natively (AMX / AVX512-BF16; float32 otherwise), then mean pooling and L2
normalisation as the sentence-transformers pipeline does. Tokenisation is the
model's own ``preprocess`` with the query prompt, so the tokens (prompt, truncation)
are exactly ``encode_query``'s.

The vectors agree with ``encode_query``'s to a cosine of ~0.99997 in bfloat16 (1.0
in float32). :func:`build` checks that on probe queries, and returns None (the
caller then keeps using sentence-transformers) for any other architecture or
pipeline, or when the check fails.

torch is imported by the caller (index.embedder) before anything here runs.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

PARITY_FLOOR = 0.999  # cosine to encode_query's vector below which the fast path is not used
PROBE_QUERIES = ("¿Qué propuso Chile sobre el Sistema de Alerta Temprana (SAT)?",
                 "remittances sent home by migrants",
                 "trata de personas y tráfico ilícito de migrantes en el Darién")
# model_type -> where positions start: RoBERTa-style models count from padding_idx + 1
_POSITION_START = {"bert": lambda cfg: 0, "roberta": lambda cfg: cfg.pad_token_id + 1,
                   "xlm-roberta": lambda cfg: cfg.pad_token_id + 1}


def native_bf16() -> bool:
    """Does this CPU multiply bfloat16 natively (so bf16 weights are a win, not a slow emulation)?"""
    import torch

    try:
        return bool(torch.cpu._is_amx_tile_supported() or torch.cpu._is_avx512_bf16_supported())
    except AttributeError:  # pragma: no cover - other torch versions
        return False


def _packing_works() -> bool:
    """Are oneDNN's packed-weight linear ops (the ones torch.compile's CPU backend uses) here?"""
    import torch

    if not torch.backends.mkldnn.is_available():
        return False
    try:
        torch.ops.mkldnn._reorder_linear_weight  # noqa: B018
        torch.ops.mkldnn._linear_pointwise  # noqa: B018
    except (AttributeError, RuntimeError):
        return False
    return True


class _Linear:
    """y = x W^T + b with W packed once for oneDNN (or kept plain when packing is unavailable)."""

    def __init__(self, weight: Any, bias: Any, dtype: Any, pack: bool) -> None:
        import torch

        weight = weight.detach().to(dtype).contiguous()
        self.bias = bias.detach().to(dtype).contiguous()
        self.packed = torch.ops.mkldnn._reorder_linear_weight(weight, None) if pack else None
        self.weight = None if pack else weight

    def __call__(self, x: Any) -> Any:
        import torch

        if self.packed is None:
            return torch.nn.functional.linear(x, self.weight, self.bias)
        return torch.ops.mkldnn._linear_pointwise(x, self.packed, self.bias, "none", [], "")


@dataclass
class _LayerNorm:
    weight: Any
    bias: Any
    eps: float

    def __call__(self, x: Any) -> Any:
        import torch

        return torch.nn.functional.layer_norm(x, x.shape[-1:], self.weight, self.bias, self.eps)

    @classmethod
    def of(cls, module: Any, dtype: Any) -> _LayerNorm:
        return cls(module.weight.detach().to(dtype), module.bias.detach().to(dtype), float(module.eps))


@dataclass
class _Layer:
    qkv: _Linear         # query, key and value in one product
    attention_out: _Linear
    attention_norm: _LayerNorm
    ffn_in: _Linear
    ffn_out: _Linear
    output_norm: _LayerNorm


class QueryEncoder:
    """Embeds one query like ``st.encode_query([text], normalize_embeddings=True)[0]``, faster."""

    def __init__(self, st: Any, prompt: str, dtype: Any, embeddings: dict, layers: list[_Layer],
                 heads: int) -> None:
        self._st = st
        self.prompt = prompt
        self.dtype = dtype
        self.dtype_name = str(dtype).removeprefix("torch.")  # "bfloat16" or "float32"
        self._emb = embeddings
        self._layers = layers
        self._heads = heads

    def encode(self, text: str) -> np.ndarray:
        """float32 (dim,), L2-normalised: the query's vector (the caller sets torch's threads)."""
        import torch
        import torch.nn.functional as F

        with torch.inference_mode():
            ids = self._st.preprocess([text], prompt=self.prompt, task="query")["input_ids"][0]
            n, emb = ids.shape[0], self._emb
            x = F.embedding(ids, emb["words"]) + emb["positions"][:n] + emb["token_type"]
            x = emb["norm"](x).to(self.dtype)  # the float32 table is shared, only n rows are cast
            width = x.shape[-1]
            for layer in self._layers:
                q, k, v = layer.qkv(x).view(n, 3, self._heads, width // self._heads).permute(1, 2, 0, 3)
                a = F.scaled_dot_product_attention(q, k, v).transpose(0, 1).reshape(n, width)
                x = layer.attention_norm(layer.attention_out(a) + x)
                x = layer.output_norm(layer.ffn_out(F.gelu(layer.ffn_in(x))) + x)
            # one sequence, no padding: the plain mean is sentence-transformers' masked mean pooling
            vec = F.normalize(x.float().mean(dim=0), p=2, dim=0)
        return vec.numpy()


def _transformers_model(st: Any) -> Any | None:
    """The BERT-family model under ``st`` if st is Transformer -> mean Pooling (-> Normalize), else None."""
    if [type(m).__name__ for m in st][:2] != ["Transformer", "Pooling"] or len(st) > 3:
        return None
    if len(st) == 3 and type(st[2]).__name__ != "Normalize":
        return None
    pooling = st[1]
    if getattr(pooling, "pooling_mode", None) != "mean" or not getattr(pooling, "include_prompt", True):
        return None
    hf = getattr(st[0], "auto_model", None) or getattr(st[0], "model", None)
    cfg = getattr(hf, "config", None)
    if (cfg is None or cfg.model_type not in _POSITION_START or getattr(cfg, "hidden_act", None) != "gelu"
            or getattr(cfg, "position_embedding_type", "absolute") != "absolute"
            or getattr(cfg, "is_decoder", False)):
        return None
    return hf


def _read_weights(hf: Any, dtype: Any, pack: bool) -> tuple[dict, list[_Layer]]:
    """The embedding tables (float32, shared with hf) and each layer's weights in dtype."""
    import torch

    e = hf.embeddings
    start = _POSITION_START[hf.config.model_type](hf.config)
    embeddings = {
        "words": e.word_embeddings.weight.detach(),
        "positions": e.position_embeddings.weight.detach()[start:],
        "token_type": e.token_type_embeddings.weight.detach()[0],  # one segment
        "norm": _LayerNorm.of(e.LayerNorm, torch.float32),
    }
    layers = []
    for block in hf.encoder.layer:
        att = block.attention
        qkv = (att.self.query, att.self.key, att.self.value)
        layers.append(_Layer(
            qkv=_Linear(torch.cat([m.weight for m in qkv]), torch.cat([m.bias for m in qkv]), dtype, pack),
            attention_out=_Linear(att.output.dense.weight, att.output.dense.bias, dtype, pack),
            attention_norm=_LayerNorm.of(att.output.LayerNorm, dtype),
            ffn_in=_Linear(block.intermediate.dense.weight, block.intermediate.dense.bias, dtype, pack),
            ffn_out=_Linear(block.output.dense.weight, block.output.dense.bias, dtype, pack),
            output_norm=_LayerNorm.of(block.output.LayerNorm, dtype),
        ))
    return embeddings, layers


def build(st: Any, prompt: str, *, dtype: str | None = None) -> QueryEncoder | None:
    """A QueryEncoder for the sentence-transformers model ``st`` and its query prompt, or None
    when the model does not fit the fast path or its vectors do not match ``encode_query``'s.

    ``dtype``: "bfloat16", "float32", or None to choose (bfloat16 when the CPU has it natively;
    $PUENTE_QUERY_DTYPE overrides the choice)."""
    import torch

    hf = _transformers_model(st)
    if hf is None:
        return None
    dtype = dtype or os.environ.get("PUENTE_QUERY_DTYPE") or ("bfloat16" if native_bf16() else "float32")
    if dtype not in ("bfloat16", "float32"):
        raise ValueError(f"query dtype {dtype!r}: use bfloat16 or float32 (PUENTE_QUERY_DTYPE)")
    try:
        with torch.inference_mode():
            embeddings, layers = _read_weights(hf, getattr(torch, dtype), _packing_works())
            fast = QueryEncoder(st, prompt, getattr(torch, dtype), embeddings, layers,
                                int(hf.config.num_attention_heads))
            ref = st.encode_query(list(PROBE_QUERIES), prompt=prompt, convert_to_numpy=True,
                                  normalize_embeddings=True, show_progress_bar=False)
            cos = min(float(np.dot(fast.encode(q), r)) for q, r in zip(PROBE_QUERIES, ref))
    except Exception as exc:  # an unusual variant or torch build: sentence-transformers still works
        log.info("fast query path unavailable (%s: %s); using sentence-transformers", type(exc).__name__, exc)
        return None
    if not cos >= PARITY_FLOOR:
        log.warning("fast query path disagrees with sentence-transformers (cosine %.5f); not used", cos)
        return None
    return fast
