"""Running `python app.py` for a benchmark: a free loopback port, waiting until it serves, stopping it."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"  # loopback only: the app must never be reachable from elsewhere during a benchmark
ROOT = Path(__file__).resolve().parents[1]


def start_app(index_dir: Path, port: int, log_path: Path, **env: str) -> subprocess.Popen:
    """Starts `python app.py` serving index_dir on HOST:port, offline, its output going to log_path,
    in its own process group (stop_app stops it as a whole); env adds environment variables."""
    environment = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
                   "PUENTE_INDEX": str(index_dir), "GRADIO_SERVER_PORT": str(port), "GRADIO_SERVER_NAME": HOST,
                   **env}
    environment["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), environment.get("PYTHONPATH", "")) if p)
    with open(log_path, "w", encoding="utf-8") as log:
        return subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=environment, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)


def free_port() -> int:
    """Gives a TCP port free on the loopback interface now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_until_serving(app: subprocess.Popen, url: str, deadline: float, log_path: Path | None = None) -> None:
    """Returns once the page answers; raises RuntimeError if the app exits or time.monotonic() passes deadline."""
    while time.monotonic() < deadline:
        if app.poll() is not None:
            last = log_path.read_text(errors="replace").strip()[-300:] if log_path else ""
            raise RuntimeError(f"python app.py exited with status {app.returncode} before serving {last}".strip())
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"python app.py was not serving {url} before the deadline")


def stop_app(app: subprocess.Popen) -> None:
    """Stops the app's process group (started with start_new_session): SIGTERM, then SIGKILL after 15 s."""
    if app.poll() is not None:
        return
    os.killpg(app.pid, signal.SIGTERM)
    try:
        app.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(app.pid, signal.SIGKILL)
        app.wait(10)
