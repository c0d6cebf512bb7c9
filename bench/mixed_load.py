"""`python -m bench.load_test --mixed`: normal clients beside worst-case ones, with the rate limit in force.

Every client speaks to the JSON API from its own loopback address (127.0.x.y), so the per-address rate limit
treats them as the separate people they stand for:
- a normal client asks the development questions in turn, one every --think seconds at most (a person reads
  the results before asking again), and records each answer's latency;
- a worst-case client sends the costliest question the server accepts, a 1,000-character English question of
  made-up words (every word new to the word map, the longest embedded query), with k at its maximum, as fast
  as the server answers, refusals included, and counts what it was served and refused.
First, 100 maximal requests one after another (worst-case searches at k=20, 64 kB bodies, 150 MB bodies the
server must refuse unread) and the serving process's resident memory against its idle value. Then run 1:
--clients normal clients alone; run 2: the same beside --worst worst-case clients. Prints figures, no pass/fail.
"""
from __future__ import annotations

import http.client
import itertools
import json
import random
import socket
import string
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench.app_process import HOST, free_port, start_app, stop_app, wait_until_serving

MAX_QUERY_CHARS = 1000
MAX_K = 20
THINK_SECONDS = 2.0  # a normal client starts a search at most this often: under the default 30 a minute
_addresses = (f"127.0.{a}.{b}" for a, b in itertools.product(range(100, 250), range(2, 250)))


@dataclass
class Run:
    """What one kind of client saw during a run."""

    latencies: list[float] = field(default_factory=list)  # seconds, searches answered 200
    refused: int = 0  # 429: rate-limited
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def merge(self, other: "Run") -> None:
        self.latencies += other.latencies
        self.refused += other.refused
        self.errors += other.errors

    def add(self, status: int | None, seconds: float, error: str = "") -> None:
        with self.lock:
            if status == 200:
                self.latencies.append(seconds)
            elif status == 429:
                self.refused += 1
            else:
                self.errors.append(error or f"HTTP {status}")


def worst_question(rng: random.Random) -> str:
    """Gives a 1,000-character English question of made-up words: every word new to the word map."""
    words = []
    while len(" ".join(words)) < MAX_QUERY_CHARS:
        words.append("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(6, 10))))
    return ("What did the delegations say about the " + " ".join(words))[:MAX_QUERY_CHARS]


def get(port: int, source: str, path: str, timeout: float = 120) -> tuple[int | None, float, str]:
    """Gives (status, seconds, error) of a GET sent from the loopback address source."""
    began = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout, source_address=(source, 0))
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - began, ""
    except (OSError, http.client.HTTPException) as exc:
        return None, time.perf_counter() - began, f"{type(exc).__name__}: {exc}"[:160]
    finally:
        connection.close()


def normal_client(port: int, queries: list[tuple[str, str]], start: int, count: int, think: float, run: Run,
                  deadline: float) -> None:
    source = next(_addresses)
    for n in range(count):
        if time.monotonic() > deadline:
            return
        began = time.monotonic()
        _, query = queries[(start + n) % len(queries)]
        status, seconds, error = get(port, source, f"/api/search?q={quote(query)}&k=5")
        run.add(status, seconds, error)
        time.sleep(max(0.0, think - (time.monotonic() - began)))


def worst_client(port: int, seed: int, stop: threading.Event, run: Run, deadline: float) -> None:
    source, rng = next(_addresses), random.Random(seed)
    while not stop.is_set() and time.monotonic() < deadline:
        status, seconds, error = get(port, source, f"/api/search?q={quote(worst_question(rng))}&k={MAX_K}")
        run.add(status, seconds, error)


def run_clients(port: int, queries, clients: int, per_client: int, think: float, worst: int,
                deadline: float) -> tuple[Run, Run, float]:
    """Runs the normal clients (and the worst-case ones until the normal ones are done); gives both runs, wall s."""
    normal, costly, stop = Run(), Run(), threading.Event()
    threads = [threading.Thread(target=normal_client, daemon=True,
                                args=(port, queries, i * per_client, per_client, think, normal, deadline))
               for i in range(clients)]
    attackers = [threading.Thread(target=worst_client, args=(port, 1000 + i, stop, costly, deadline), daemon=True)
                 for i in range(worst)]
    began = time.perf_counter()
    for thread in attackers + threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()) + 5)
    stop.set()
    for thread in attackers:
        thread.join(130)
    return normal, costly, time.perf_counter() - began


def resident_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def post_raw(port: int, source: str, path: str, declared: int, sent: int) -> str:
    """Posts a JSON body declared as `declared` bytes, sending `sent` of them; gives the status line."""
    with socket.create_connection((HOST, port), timeout=60, source_address=(source, 0)) as sock:
        head = (f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {declared}\r\nConnection: close\r\n\r\n").encode()
        try:
            sock.sendall(head + b" " * sent)
        except OSError:
            pass
        answer = b""
        while b"\r\n" not in answer:
            data = sock.recv(4096)
            if not data:
                break
            answer += data
        return answer.split(b"\r\n", 1)[0].decode("latin-1")


def maximal_requests(port: int, count: int = 100) -> dict[str, int]:
    """Sends count maximal requests in turn, each from a new address; gives how many got each status line."""
    rng, statuses = random.Random(7), {}
    body_limit = 64 * 1024
    for n in range(count):
        source = next(_addresses)
        kind = n % 3
        if kind == 0:  # the costliest search: longest question, every word new, most passages
            status = get(port, source, f"/api/search?q={quote(worst_question(rng))}&k={MAX_K}")[0]
            line = f"search {status}"
        elif kind == 1:  # the largest body the server reads: a page event call just under the cap
            payload = json.dumps({"data": ["a" * (body_limit - 200)], "fn_index": 0, "session_hash": f"m{n}"})
            line = "64 kB body " + _post_json(port, source, payload)
        else:  # a 150 MB body, which must be refused before it is read
            line = "150 MB body " + post_raw(port, source, "/gradio_api/queue/join", 150 * 2**20, 2**20)
        statuses[line] = statuses.get(line, 0) + 1
    return statuses


def _post_json(port: int, source: str, payload: str) -> str:
    connection = http.client.HTTPConnection(HOST, port, timeout=60, source_address=(source, 0))
    try:
        connection.request("POST", "/gradio_api/queue/join", body=payload.encode(),
                           headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        return f"HTTP {response.status}"
    finally:
        connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))] if ordered else float("nan")


def describe(label: str, run: Run, wall: float) -> str:
    served = run.latencies
    text = (f"{label}: {len(served)} answered in {wall:.1f} s, {run.refused} refused (429), {len(run.errors)} errors")
    if served:
        text += (f"; latency p50 {percentile(served, .5) * 1000:.0f} ms, p95 {percentile(served, .95) * 1000:.0f} ms,"
                 f" max {max(served) * 1000:.0f} ms")
    return text


def run_mixed(args, queries, build_index) -> int:
    """The --mixed load test (see the module's docstring); gives the exit status."""
    deadline = time.monotonic() + args.deadline
    per_client = args.queries
    with tempfile.TemporaryDirectory(prefix="puente-mixed-") as scratch:
        index_dir = args.index or Path(scratch) / "index"
        if args.index is None:
            build_index(index_dir, deadline)
        port = free_port()
        log_path = Path(scratch) / "app.log"
        app = start_app(index_dir, port, log_path, PUENTE_TEMP=str(Path(scratch) / "app-temp"),
                        PUENTE_ADMIN_PASSWORD="")  # the defaults otherwise: rate limit and caps in force
        try:
            wait_until_serving(app, f"http://{HOST}:{port}/", deadline, log_path)
            for _, query in queries[:6]:  # warm: first queries in each language
                get(port, next(_addresses), f"/api/search?q={quote(query)}&k=5")
            time.sleep(2)
            idle = resident_mb(app.pid)
            statuses = maximal_requests(port)
            time.sleep(2)
            after_maximal = resident_mb(app.pid)
            print("100 maximal requests, one after another: "
                  + ", ".join(f"{line} x{n}" for line, n in sorted(statuses.items())))
            print(f"serving process resident memory: idle {idle:.0f} MB, after the 100 maximal requests "
                  f"{after_maximal:.0f} MB ({after_maximal - idle:+.0f} MB; target within 50 MB)", flush=True)
            print(f"{args.clients} normal clients x {per_client} searches (k=5, one every {THINK_SECONDS:.0f} s at "
                  f"most), {args.worst} worst-case clients (1,000 characters of made-up English words, k={MAX_K}, "
                  "as fast as answered); each client on its own loopback address, rate limit in force", flush=True)
            alone, mixed, costly = Run(), Run(), Run()
            for round_ in range(1, args.rounds + 1):  # alternated, so that the machine's other load falls on both
                got, _, wall = run_clients(port, queries, args.clients, per_client, THINK_SECONDS, 0, deadline)
                print(describe(f"round {round_}, normal clients alone", got, wall), flush=True)
                alone.merge(got)
                got, worst, wall = run_clients(port, queries, args.clients, per_client, THINK_SECONDS, args.worst,
                                               deadline)
                print(describe(f"round {round_}, normal clients beside {args.worst} worst-case", got, wall))
                print(describe(f"round {round_}, worst-case clients", worst, wall), flush=True)
                mixed.merge(got)
                costly.merge(worst)
            ratio = percentile(mixed.latencies, .95) / percentile(alone.latencies, .95)
            print(f"all rounds: normal clients' p95 alone {percentile(alone.latencies, .95) * 1000:.0f} ms, beside the "
                  f"worst-case clients {percentile(mixed.latencies, .95) * 1000:.0f} ms: {ratio:.2f}x "
                  "(target: at most 1.5x)")
            print(describe("all rounds, worst-case clients", costly, float("nan")).replace(" in nan s", ""))
            print(f"serving process resident memory after both runs: {resident_mb(app.pid):.0f} MB "
                  f"({resident_mb(app.pid) - idle:+.0f} MB from idle)")
        except RuntimeError as exc:
            print(f"error: {exc}\n--- app log ---\n{log_path.read_text(encoding='utf-8')[-3000:]}")
            return 1
        finally:
            stop_app(app)
        errors = alone.errors + mixed.errors
        for line in sorted(set(errors))[:10]:
            print(f"  error x{errors.count(line)}: {line}")
        return 1 if errors else 0
