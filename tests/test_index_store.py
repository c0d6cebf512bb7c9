"""The on-disk index: generations written atomically, verified on open, refused when damaged."""
from __future__ import annotations

import json
import os
from dataclasses import replace

import numpy as np
import pytest

from index import store
from ingest.records import Chunk, DocumentMeta
from tests.conftest import TEST_MODEL


def _unit(rows: int, dim: int = 8, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(rows, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _write(index_dir, texts, seed=0, info=TEST_MODEL, **search_aids):
    doc = DocumentMeta(doc_id="D", title="Informe de prueba", plenary="V", year=2024)
    chunks = [Chunk(chunk_id=f"D:{i:04d}", doc_id="D", text=t, section="SESIÓN 1") for i, t in enumerate(texts)]
    sentences = [[t] for t in texts]
    return store.write_generation(
        index_dir, documents=[doc], chunks=chunks, vectors=_unit(len(texts), seed=seed),
        sentences=sentences, sentence_vectors=_unit(len(texts), seed=seed + 1),
        model_info=info, settings={"faiss": "flat"}, **search_aids,
    )


def test_round_trip_keeps_passages_vectors_and_metadata(tmp_path):
    generation = _write(tmp_path, ["Sistema de Alerta Temprana | Chile", "Consulados móviles | Guatemala"])
    data = store.load_generation(store.live_generation(tmp_path))
    assert data.path == generation
    assert [c.text for c in data.chunks] == ["Sistema de Alerta Temprana | Chile", "Consulados móviles | Guatemala"]
    assert data.faiss_index.ntotal == 2 and data.vectors.shape == (2, 8)
    assert data.documents["D"].plenary == "V"
    assert data.manifest.model["name"] == "test/random"
    assert data.manifest.counts == {"documents": 1, "chunks": 2, "sentences": 2}


def test_new_generation_keeps_previous_for_rollback(tmp_path):
    first = _write(tmp_path, ["uno dos tres"])
    second = _write(tmp_path, ["cuatro cinco seis", "siete"])
    assert store.live_generation(tmp_path) == second
    assert store.rollback(tmp_path) == first
    assert [c.text for c in store.load_generation(store.live_generation(tmp_path)).chunks] == ["uno dos tres"]


def test_only_two_generations_are_kept(tmp_path):
    for n in range(4):
        _write(tmp_path, [f"texto {n}"])
    assert len(store.list_generations(tmp_path)) == 2


def test_missing_index_says_how_to_build_one(tmp_path):
    with pytest.raises(store.IndexNotFoundError, match="python -m ingest"):
        store.live_generation(tmp_path / "nothing")


def test_truncated_vectors_are_refused_before_faiss_reads_them(tmp_path):
    generation = _write(tmp_path, ["uno", "dos"])
    path = generation / "vectors.faiss"
    path.write_bytes(path.read_bytes()[:20])
    with pytest.raises(store.IndexCorruptError, match="truncated"):
        store.load_generation(generation)


def test_altered_passages_are_refused(tmp_path):
    generation = _write(tmp_path, ["uno", "dos"])
    path = generation / "chunks.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace("uno", "UNO"), encoding="utf-8")
    with pytest.raises(store.IndexCorruptError, match="checksum"):
        store.load_generation(generation)


def test_unknown_format_version_is_refused(tmp_path):
    generation = _write(tmp_path, ["uno"])
    manifest = json.loads((generation / "manifest.json").read_text())
    manifest["format_version"] = 99
    (generation / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(store.IndexFormatError, match="rebuild"):
        store.load_generation(generation)


def test_index_built_with_one_model_refuses_another(tmp_path):
    generation = _write(tmp_path, ["uno"])
    manifest = store.read_manifest(generation)
    with pytest.raises(store.ModelMismatchError, match="rebuild it with"):
        store.check_model(manifest, replace(TEST_MODEL, name="other/model", fingerprint="0" * 64), generation)
    store.check_model(manifest, TEST_MODEL, generation)  # the same model is accepted


@pytest.mark.parametrize("failing_step", ["chunks.jsonl", "vectors.faiss", "manifest.json", "rename", "CURRENT"])
def test_failed_write_leaves_the_last_good_generation_live(tmp_path, monkeypatch, failing_step):
    good = _write(tmp_path, ["la generación buena"])
    real_open, real_rename, real_replace = open, os.rename, os.replace

    def failing_open(path, mode="r", *args, **kwargs):
        if "w" in mode and str(path).endswith(failing_step):
            raise OSError(28, "No space left on device")
        return real_open(path, mode, *args, **kwargs)

    def failing_rename(src, dst):
        if failing_step == "rename":
            raise OSError(5, "I/O error")
        return real_rename(src, dst)

    def failing_replace(src, dst):
        if failing_step == "CURRENT":
            raise OSError(5, "I/O error")
        return real_replace(src, dst)

    monkeypatch.setattr("builtins.open", failing_open)
    monkeypatch.setattr(os, "rename", failing_rename)
    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        _write(tmp_path, ["una generación que falla"], seed=3)
    monkeypatch.undo()
    data = store.load_generation(store.live_generation(tmp_path))
    assert data.path == good
    assert [c.text for c in data.chunks] == ["la generación buena"]
    assert not list(tmp_path.glob(".staging-*"))
    _write(tmp_path, ["la siguiente funciona"], seed=4)
    assert [c.text for c in store.load_generation(store.live_generation(tmp_path)).chunks] == ["la siguiente funciona"]


def _write_with_search_aids(index_dir, texts):
    from index.acronyms import learn_acronyms
    from index.lexical import LexicalIndex

    return _write(index_dir, texts, lexical=LexicalIndex.build(texts), acronyms=learn_acronyms(texts))


def test_bm25_and_acronyms_are_saved_with_the_generation_and_checked(tmp_path):
    from index.lexical import analyse

    texts = ["Chile presentó su Sistema de Alerta Temprana (SAT) para la trata.",
             "Consulados móviles en zonas remotas de Guatemala."]
    generation = _write_with_search_aids(tmp_path, texts)
    data = store.load_generation(generation)
    assert data.acronyms["SAT"] == "Sistema de Alerta Temprana"
    scores = data.lexical.scores(analyse("consulados móviles"))
    assert scores[1] > 0 and scores[0] == 0
    assert "bm25/vocab.index.json" in data.manifest.files
    vocab = generation / "bm25" / "vocab.index.json"
    vocab.write_text(vocab.read_text(encoding="utf-8").replace("consul", "consol"), encoding="utf-8")
    with pytest.raises(store.IndexCorruptError):
        store.load_generation(generation)


def test_a_generation_written_without_search_aids_still_loads(tmp_path):
    data = store.load_generation(_write(tmp_path, ["Consulados móviles | Guatemala"]))
    assert data.lexical is None and data.acronyms is None


def test_sentence_vectors_are_stored_in_half_precision(tmp_path):
    generation = _write(tmp_path, ["Sistema de Alerta Temprana | Chile", "Consulados móviles | Guatemala"])
    data = store.load_generation(generation)
    assert data.sentence_vectors.dtype == np.float16
    assert np.allclose(data.sentence_vectors.astype(np.float32), _unit(2, seed=1), atol=1e-3)


# -- building: each distinct text is embedded once --------------------------------------------------

def test_a_text_that_is_a_passage_and_a_sentence_or_repeated_is_embedded_once(tmp_path):
    """A one-sentence passage without a heading is its own sentence, and a law's formula recurs across
    documents: each distinct text is embedded once, passage and sentence get the same vector."""
    from index.build import build_index
    from index.embedder import HashEmbedder

    class Counting(HashEmbedder):
        def __init__(self):
            super().__init__()
            self.seen: list[str] = []

        def encode_passages(self, texts, **kwargs):
            self.seen += list(texts)
            return super().encode_passages(texts, **kwargs)

    formula = "Las autoridades migratorias aplicarán esta disposición sin discriminación alguna."
    documents = [
        (DocumentMeta(doc_id=d, title=d), [Chunk(chunk_id=f"{d}:0000", doc_id=d, text=formula)])
        for d in ("ley-a", "ley-b")
    ]
    embedder = Counting()
    report = build_index(tmp_path, documents, embedder=embedder, settings={"faiss": "flat"})
    assert embedder.seen == [formula]
    assert (report.embedded, report.reused) == (1, 3)  # 2 passages + 2 sentences, one text
    data = store.load_generation(report.generation)
    assert data.sentences == [[formula], [formula]]
    assert np.allclose(data.vectors[0], data.sentence_vectors[0], atol=1e-3)  # sentences: half precision
    assert np.array_equal(data.vectors[0], data.vectors[1])


def test_records_embedded_with_another_text_are_embedded_again_not_reused(real_index, embedder):
    # a generation records how its practice records were embedded; one made another way lends them no vectors
    from index.build import _key, _previous_vectors
    from ingest.practices import PracticeRecord

    data = store.load_generation(store.live_generation(real_index))
    assert data.practices and data.manifest.settings["practice_text"] == PracticeRecord.EMBEDDING_TEXT_VERSION
    record_texts = {_key(p.embedding_text()) for p in data.practices}
    assert record_texts <= set(_previous_vectors(data, embedder.info))
    older = replace(data, manifest=replace(data.manifest, settings={**data.manifest.settings, "practice_text": 0}))
    passages_only = _previous_vectors(older, embedder.info)
    assert passages_only and record_texts - set(passages_only)  # the records are embedded again
