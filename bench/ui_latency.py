"""python -m bench.ui_latency: how long a delegate waits for results on the web page, measured two ways.

1. In headless Chromium (Debian's /usr/bin/chromium): the median, over warm runs, of the time from
   pressing Search to the new result cards being in the page (timed inside the page, so the driver's
   own round trips do not count).
2. Through gradio_client: p50 and p95 of the round trip of the same search endpoint (queue, search,
   rendering), as any API user sees it.
3. With --gradio-floor: the same client against a Gradio page whose search endpoint does nothing (same
   inputs, same queue settings), served by another process. What Gradio and gradio_client cost by
   themselves on this machine now: the client polls its event stream every 50 ms and builds two HTTP
   clients per call, so on a busy two-core machine this floor moves a lot; read Puente's figure against it.

Start the page first (`python app.py`, or with $GRADIO_SERVER_PORT), then run this against its address.
Prints figures only.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import urllib.request
from pathlib import Path

from bench.tables import percentiles

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
QUERIES = [  # alternated so that no layer can answer from a cache of the previous run
    "¿Qué propuso Chile sobre alertas tempranas?",
    "What did Panama say about the Darién?",
    "reconocimiento de calificaciones profesionales",
    "Which countries shared practices on consular assistance?",
]

# Clicks Search and resolves, in milliseconds, once the results area carries a new rendering stamp.
_TIME_ONE_SEARCH_JS = """
async () => {
  const stamp = () => document.querySelector('#results .pc-results')?.dataset.run ?? '';
  const before = stamp();
  const started = performance.now();
  document.querySelector('#search-button').click();
  await new Promise(resolve => {
    const check = () => (stamp() !== before ? resolve() : requestAnimationFrame(check));
    check();
  });
  return performance.now() - started;
}
"""


def browser_median_ms(url: str, runs: int, warmup: int) -> float:
    """Gives the median time (ms) from pressing Search to results shown, in headless Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        page.wait_for_selector("body[data-puente-ready]", timeout=60_000)
        times = []
        for i in range(warmup + runs):
            page.fill("#query textarea", QUERIES[i % len(QUERIES)])
            elapsed = page.evaluate(_TIME_ONE_SEARCH_JS)
            if i >= warmup:
                times.append(elapsed)
        browser.close()
    return statistics.median(times)


def client_percentiles_ms(url: str, runs: int, warmup: int) -> tuple[float, float]:
    """Gives the p50 and p95 (ms) of the search endpoint's round trip through gradio_client."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    times = []
    for i in range(warmup + runs):
        started = time.perf_counter()
        client.predict(query=QUERIES[i % len(QUERIES)], k=5, lang="es", api_name="/search")
        if i >= warmup:
            times.append((time.perf_counter() - started) * 1000)
    return percentiles(times)


def serve_noop_page(port: int) -> None:
    """Serves, until stopped, a Gradio page whose /search takes the bench's arguments and returns nothing."""
    import gradio as gr

    from app import QUEUE_SETTINGS, configure_gradio

    configure_gradio()

    def search(query, k, lang):  # the client passes arguments by these names
        return ""

    with gr.Blocks() as demo:
        query = gr.Textbox()
        k = gr.Slider(1, 20, value=5, step=1)
        lang = gr.Radio(["es", "en"], value="es")
        results = gr.HTML()
        gr.Button().click(search, [query, k, lang], [results], api_name="search")
    demo.queue(**QUEUE_SETTINGS)  # as app.py
    demo.launch(server_name="127.0.0.1", server_port=port, quiet=True)


def floor_percentiles_ms(runs: int, warmup: int) -> tuple[float, float]:
    """Gives the p50 and p95 (ms) of a do-nothing Gradio endpoint's round trip through gradio_client."""
    import os
    import subprocess

    from bench.app_process import free_port, stop_app, wait_until_serving

    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    project = Path(__file__).resolve().parent.parent
    page = subprocess.Popen([sys.executable, "-m", "bench.ui_latency", "--serve-noop", str(port)], cwd=project,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_until_serving(page, url, time.monotonic() + 120)
        return client_percentiles_ms(url, runs, warmup)
    finally:
        stop_app(page)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ui_latency", description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860/", help="address of a running app.py")
    parser.add_argument("--runs", type=int, default=20, help="measured searches per method (default 20)")
    parser.add_argument("--warmup", type=int, default=3, help="searches run first and not measured")
    parser.add_argument("--gradio-floor", action="store_true",
                        help="also time a do-nothing Gradio endpoint with the same client (Gradio's own share)")
    parser.add_argument("--serve-noop", type=int, metavar="PORT", help=argparse.SUPPRESS)  # the floor's page
    args = parser.parse_args(argv)
    if args.serve_noop:
        serve_noop_page(args.serve_noop)
        return 0
    try:
        urllib.request.urlopen(args.url, timeout=5).close()
    except OSError as exc:
        print(f"error: nothing answers at {args.url} ({exc}); start `python app.py` first.", file=sys.stderr)
        return 2
    median = browser_median_ms(args.url, args.runs, args.warmup)
    p50, p95 = client_percentiles_ms(args.url, args.runs, args.warmup)
    print(f"browser: Search pressed -> results shown, median of {args.runs} warm: {median:.0f} ms")
    print(f"gradio_client: search round trip, {args.runs} warm: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    if args.gradio_floor:
        floor50, floor95 = floor_percentiles_ms(args.runs, args.warmup)
        print(f"gradio_client: do-nothing Gradio endpoint, {args.runs} warm: p50 {floor50:.0f} ms, "
              f"p95 {floor95:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
