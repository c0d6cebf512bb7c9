"""A real `python app.py` on loopback for the API and hardening tests, and a standard-library HTTP client that can
speak from any loopback address (127.0.0.0/8): each address has its own search rate-limit bucket, so tests do not
spend each other's tokens, and a rate-limit test can play several clients."""
from __future__ import annotations

import http.client
import itertools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.app_process import free_port, start_app, stop_app, wait_until_serving

STARTUP_SECONDS = 300  # loading the model on a busy two-core machine
_addresses = (f"127.0.{a}.{b}" for a, b in itertools.product(range(1, 250), range(2, 250)))


def new_address() -> str:
    """Gives a loopback address no other request of this test run has used."""
    return next(_addresses)


@dataclass
class Served:
    """A running app: its address, its folders and its log."""

    port: int
    index_dir: Path
    corpus_dir: Path
    log_path: Path
    temp_root: Path
    process: object = field(repr=False, default=None)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def client(self, source: str | None = None) -> "Client":
        return Client(self.port, source or new_address())


def start_served(index_dir: Path, corpus_dir: Path, folder: Path, *, port: int | None = None, **env: str) -> Served:
    """Starts `python app.py` over index_dir and corpus_dir (no admin password unless env gives one); its own
    temporary files go under folder/app-temp (PUENTE_TEMP)."""
    port = port or free_port()
    temp_root = folder / "app-temp"
    settings = {"PUENTE_CORPUS": str(corpus_dir), "PUENTE_TEMP": str(temp_root), "PYTHONUNBUFFERED": "1",
                "PUENTE_ADMIN_PASSWORD": "", **env}
    log_path = folder / f"app-{port}.log"
    process = start_app(index_dir, port, log_path, **settings)
    served = Served(port, index_dir, corpus_dir, log_path, temp_root, process)
    try:
        wait_until_serving(process, served.url, time.monotonic() + STARTUP_SECONDS, log_path)
    except RuntimeError:
        stop_app(process)
        raise
    return served


def stop_served(served: Served) -> None:
    stop_app(served.process)


@dataclass
class Answer:
    status: int
    headers: dict  # lower-case names
    body: bytes

    def json(self):
        return json.loads(self.body)


class Client:
    """HTTP/1.1 to the app from one loopback source address, with the standard library only."""

    def __init__(self, port: int, source: str = "127.0.0.1"):
        self.port = port
        self.source = source
        self.cookie: str | None = None

    def request(self, method: str, path: str, body: bytes | str | None = None, headers: dict | None = None,
                timeout: float = 120) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout,
                                                source_address=(self.source, 0))
        headers = dict(headers or {})
        if self.cookie and "Cookie" not in headers:
            headers["Cookie"] = self.cookie
        try:
            connection.request(method, path, body=body.encode() if isinstance(body, str) else body, headers=headers)
            response = connection.getresponse()
            answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            connection.close()
        cookie = answer.headers.get("set-cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return answer

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post_json(self, path: str, data, **kwargs) -> Answer:
        return self.request("POST", path, json.dumps(data), {"Content-Type": "application/json"}, **kwargs)


def two_page_pdf(path: Path, topic: str) -> Path:
    """Writes a two-page report whose second page alone speaks of the topic (a session of its own)."""
    import fpdf

    pdf = fpdf.FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, "INFORME DE LA VI REUNION PLENARIA DE PRUEBA\n\n" + " ".join(
        ["Las delegaciones se reunieron para revisar el plan de trabajo regional y aprobar la agenda."] * 3))
    pdf.add_page()
    pdf.multi_cell(0, 6, "SESION 1: PROGRAMAS PRODUCTIVOS\n\n" + " ".join(
        [f"Bolivia presento un programa piloto de {topic}, con formacion tecnica y credito."] * 3))
    pdf.output(str(path))
    return path

