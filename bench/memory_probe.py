"""python -m bench.memory_probe INDEX: the resident memory of a fresh process as it opens a Searcher.

Run by `python -m bench` in its own process, so that nothing the benchmark itself loaded counts. Prints
one JSON object: VmRSS (bytes) after the imports, after the model load, after Searcher.open and after a
first query, the peak (VmHWM), and how long the model load and the index open took.
"""
from __future__ import annotations

import json
import sys
import time


def resident_bytes(field: str = "VmRSS") -> int:
    """Gives a /proc/self/status memory figure of this process (VmRSS: resident now, VmHWM: peak) in bytes."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024  # the kernel reports kB
    import resource  # no /proc: the peak is all getrusage knows (kB on Linux)

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m bench.memory_probe INDEX_DIR", file=sys.stderr)
        return 2
    figures = {"rss_start": resident_bytes()}
    from index import store
    from index.embedder import load_embedder
    from search.searcher import Searcher

    import sentence_transformers  # noqa: F401  (the import's memory is not the model's)

    figures["rss_imports"] = resident_bytes()
    manifest = store.read_manifest(store.live_generation(argv[0]))
    started = time.perf_counter()
    embedder = load_embedder(manifest.model["name"])
    figures["model_seconds"] = time.perf_counter() - started
    figures["rss_model"] = resident_bytes()
    started = time.perf_counter()
    searcher = Searcher.open(argv[0], embedder=embedder)
    figures["open_seconds"] = time.perf_counter() - started
    figures["rss_searcher"] = resident_bytes()
    searcher.search("¿Qué propuso Chile sobre alertas tempranas?", k=10)
    figures["rss_after_query"] = resident_bytes()
    figures["rss_peak"] = resident_bytes("VmHWM")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
