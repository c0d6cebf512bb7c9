"""Load test of the web page's search API: `python -m bench.load_test [--index DIR] [--mixed]`.

Starts `python app.py` on a free loopback port (PUENTE_INDEX = --index, or a temporary index built
first from corpus/ with the real model), then runs --clients concurrent gradio_client clients, each
sending --queries searches (the Spanish and English questions of tests/data/dev.jsonl, in turn) to
the app's "search" endpoint. Everything stops at a global deadline. Prints the endpoints the app
exposes, the number of errors, and the p50 / p95 / max latency of a search as a client sees it
(queueing included: the app runs at most a few searches at once).

With --mixed (bench.mixed_load), the app runs with its rate limit in force and the clients speak to its
JSON API, each from its own loopback address (127.0.x.y), as separate people would: normal clients
alone, then the same normal clients beside --worst clients sending the costliest queries the server
accepts as fast as it answers; it prints the normal clients' p95 in both runs and their ratio, and the
serving process's resident memory idle and after 100 maximal requests.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.app_process import HOST, free_port, start_app, stop_app, wait_until_serving

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_QUERIES = PROJECT_ROOT / "tests" / "data" / "dev.jsonl"
SEARCH_ENDPOINT = "/search"
_COUNT = re.compile(r'data-count="(\d+)"')


@dataclass
class Tally:
    """What the clients saw, shared between their threads."""

    latencies: list[float] = field(default_factory=list)  # seconds, successful searches
    errors: list[str] = field(default_factory=list)  # one line per failed search
    error_notices: int = 0  # searches answered with the page's error message instead of results
    empty: int = 0  # searches answered with no passage at all
    lock: threading.Lock = field(default_factory=threading.Lock)


def load_queries() -> list[tuple[str, str]]:
    """Gives the (language, query) pairs of the development questions."""
    rows = [json.loads(line) for line in DEV_QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(row.get("lang", "es"), row["query"]) for row in rows]


def build_index(index_dir: Path, deadline: float) -> None:
    """Builds an index of corpus/ with the real model by `python -m ingest`, within the deadline."""
    print(f"Building an index of corpus/ with the real model in {index_dir} ...", flush=True)
    subprocess.run([sys.executable, "-m", "ingest", "--index", str(index_dir), "--quiet"], cwd=PROJECT_ROOT,
                   env=_env(), check=True, timeout=max(1.0, deadline - time.monotonic()),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _env(**extra: str) -> dict:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False", **extra}


def start_app_counting_files(index_dir: Path, port: int, log_path: Path, temp_dir: Path) -> subprocess.Popen:
    """Starts `python app.py` serving index_dir on HOST:port, its output going to log_path.

    The app's temporary files (exports, Gradio's cache) go to temp_dir, so that they can be counted.
    """
    temp_dir.mkdir(parents=True, exist_ok=True)
    # every client here speaks from 127.0.0.1 and searches back to back: this measures the page's capacity, so
    # the per-address rate limit is off (--mixed measures with it in force, one address per client)
    return start_app(index_dir, port, log_path, TMPDIR=str(temp_dir), PUENTE_TEMP=str(temp_dir),
                     PUENTE_SEARCHES_PER_MINUTE="0")


def files_under(folder: Path) -> tuple[int, int]:
    """Gives the number of files under folder and their total size in bytes."""
    sizes = [p.stat().st_size for p in folder.rglob("*") if p.is_file()]
    return len(sizes), sum(sizes)


def endpoints(url: str) -> dict:
    """Gives the app's named API endpoints and their parameter names, as gradio_client reports them."""
    from gradio_client import Client

    api = Client(url, verbose=False, download_files=False).view_api(print_info=False, return_format="dict")
    return {name: [p.get("parameter_name") or p.get("label") for p in info["parameters"]]
            for name, info in api["named_endpoints"].items()}


def run_client(url: str, queries: list[tuple[str, str]], start: int, count: int, deadline: float,
               tally: Tally) -> None:
    """One client: count searches, one after another, starting at queries[start]."""
    from gradio_client import Client

    try:
        client = Client(url, verbose=False, download_files=False)
    except Exception as exc:  # noqa: BLE001 - a client that cannot connect is count errors
        with tally.lock:
            tally.errors.extend([f"connect: {type(exc).__name__}: {exc}"] * count)
        return
    for n in range(count):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            with tally.lock:
                tally.errors.extend(["deadline: not sent"] * (count - n))
            return
        lang, query = queries[(start + n) % len(queries)]
        began = time.perf_counter()
        try:
            # query, plenary, year, part, country, doc_type (no filter), k, interface language
            job = client.submit(query, [], [], [], [], [], 5, lang, api_name=SEARCH_ENDPOINT)
            result = job.result(timeout=remaining)
        except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the test
            with tally.lock:
                tally.errors.append(f"{type(exc).__name__}: {str(exc)[:160]}")
            continue
        elapsed = time.perf_counter() - began
        html = result[0] if isinstance(result, (list, tuple)) else result
        with tally.lock:
            tally.latencies.append(elapsed)
            if 'role="alert"' in str(html):
                tally.error_notices += 1
            match = _COUNT.search(str(html))
            if not match or match.group(1) == "0":
                tally.empty += 1


def percentile(values: list[float], share: float) -> float:
    """Gives the nearest-rank percentile of values (share in 0..1)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load_test", description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="index folder to serve (default: build a temporary one)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--queries", type=int, default=25, help="searches per client (default 25)")
    parser.add_argument("--deadline", type=float, default=900, help="seconds for the whole test (default 900)")
    parser.add_argument("--mixed", action="store_true",
                        help="normal clients alone, then beside --worst clients, against the JSON API with the "
                             "rate limit in force; and memory after 100 maximal requests")
    parser.add_argument("--worst", type=int, default=4, help="with --mixed: clients sending worst-case queries")
    parser.add_argument("--rounds", type=int, default=2,
                        help="with --mixed: rounds of (normal alone, normal beside worst-case), pooled (default 2)")
    args = parser.parse_args(argv)
    if args.mixed:
        from bench.mixed_load import run_mixed

        return run_mixed(args, load_queries(), build_index)

    deadline = time.monotonic() + args.deadline
    queries = load_queries()
    with tempfile.TemporaryDirectory(prefix="puente-load-") as scratch:
        index_dir = args.index or Path(scratch) / "index"
        if args.index is None:
            build_index(index_dir, deadline)
        port = free_port()
        url = f"http://{HOST}:{port}/"
        log_path = Path(scratch) / "app.log"
        app_temp = Path(scratch) / "app-tmp"
        app = start_app_counting_files(index_dir, port, log_path, app_temp)
        try:
            wait_until_serving(app, url, deadline)
            temp_before = files_under(app_temp)
            api = endpoints(url)
            listed = (f"{name}({', '.join(map(str, params))})" for name, params in api.items())
            print("Endpoints: " + "; ".join(listed))
            if SEARCH_ENDPOINT not in api:
                print(f"error: the app exposes no {SEARCH_ENDPOINT} endpoint", file=sys.stderr)
                return 1
            tally = Tally()
            threads = [threading.Thread(target=run_client, daemon=True,
                                        args=(url, queries, i * args.queries, args.queries, deadline, tally))
                       for i in range(args.clients)]
            began = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(max(0.0, deadline - time.monotonic()) + 5)
            wall = time.perf_counter() - began
            temp_after = files_under(app_temp)
        except RuntimeError as exc:
            log_tail = log_path.read_text(encoding="utf-8")[-3000:]
            print(f"error: {exc}\n--- app log ---\n{log_tail}", file=sys.stderr)
            return 1
        finally:
            stop_app(app)
        code = report(tally, args.clients * args.queries, wall, args)
        print(f"temporary files the app kept: {temp_after[0] - temp_before[0]} new "
              f"({(temp_after[1] - temp_before[1]) / 1e6:.1f} MB), not deleted while it runs")
        return code


def report(tally: Tally, planned: int, wall: float, args) -> int:
    """Prints what the clients saw; gives the exit status (1 when any search failed)."""
    with tally.lock:
        latencies, errors = list(tally.latencies), list(tally.errors)
    print(f"{args.clients} clients x {args.queries} queries = {planned} searches in {wall:.1f} s "
          f"({len(latencies) / wall:.1f} searches/s)")
    print(f"ok: {len(latencies)}  errors: {len(errors)}  error notices on the page: {tally.error_notices}  "
          f"without results: {tally.empty}")
    if latencies:
        print(f"latency: p50 {percentile(latencies, 0.50):.2f} s  p95 {percentile(latencies, 0.95):.2f} s  "
              f"max {max(latencies):.2f} s")
    for line in sorted(set(errors))[:10]:
        print(f"  error x{errors.count(line)}: {line}")
    return 1 if errors or tally.error_notices else 0


if __name__ == "__main__":
    sys.exit(main())
