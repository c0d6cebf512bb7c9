"""The links manifest of the reports, and fetching linked documents safely from a local server."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ingest.fetch import NetworkUnreachable, fetch_links, main as fetch_main
from ingest.links import Link, extract_links, load_links, report_texts, save_links, update_links_manifest

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"
TIMEOUT = 1.0  # seconds per URL in the fetch tests
MAX_BYTES = 200_000


# --- the links of the real reports -------------------------------------------------------------

@pytest.fixture(scope="module")
def report_links() -> dict[str, list[Link]]:
    return {doc_id: extract_links(text, doc_id) for doc_id, text in report_texts(CORPUS_DIR)}


def _link(links: list[Link], fragment: str) -> Link:
    found = [link for link in links if fragment in link.url]
    assert len(found) == 1, f"{fragment}: {[link.url for link in found]}"
    return found[0]


def test_2023_report_links_carry_their_session_and_practice(report_links):
    links = report_links["IV-2023"]
    defensoria = _link(links, "defensoria.gob.pa")
    assert defensoria.url == ("https://www.defensoria.gob.pa/capacitan-en-derechos-humanos-de-los-migrantes-"
                              "a-seguridad-fronteriza-humanitaria/")
    assert defensoria.session == "SESIÓN 1 OBSERVATORIO DE LA MOVILIDAD HUMANA"
    assert defensoria.sentence.startswith("Capacitan en Derechos Humanos de los migrantes a Seguridad Fronteriza")
    observatorio = _link(links, "observatoriotrata.ac.cr")
    assert observatorio.url == "https://www.observatoriotrata.ac.cr/observatorio"
    assert observatorio.session == defensoria.session
    assert observatorio.sentence == "Observatorio Latinoamericano de Trata y Tráfico de personas"
    # printed in session 4's pages, the link belongs to the trafficking practices of session 3
    turquesa = _link(links, "interpol.int")
    assert turquesa.session.startswith("SESIÓN 3.") and turquesa.sentence == "Proyecto Turquesa"


def test_doubled_urls_are_listed_once(report_links):
    text = dict(report_texts(CORPUS_DIR))["IV-2023"]
    printed = [line.strip() for line in text.splitlines() if line.strip().startswith("http")]
    assert len(printed) > len(set(printed))  # the text layer does repeat them
    urls = [link.url for link in report_links["IV-2023"]]
    assert len(urls) == len(set(urls)) == len(set(printed))
    sharepoint = _link(report_links["IV-2023"], "iomint-my.sharepoint.com")
    assert "(presentacion).pptx" in sharepoint.url  # parentheses inside a URL are kept


def test_2024_report_link_is_the_shared_folder(report_links):
    [folder] = report_links["V-2024"]
    assert folder.url == "https://bit.ly/CRM-CSM-2024"
    assert folder.session == "Comunicado Conjunto"
    assert folder.sentence == "Carpeta Compartida V Reunión Plenaria CRM-CSM:"


def test_text_layer_damage_is_repaired():
    text = ("SESIÓN 2. PRUEBA DE ENLACES\n\n"
            "Véase el protocolo en https://example.org/docs/protocolo-de-\natencion.pdf. Otra frase sigue aquí.\n\n"
            "https://example.org/a https://example.org/a\nhttps://example.org/ahttps://example.org/a\n\n"
            "Las guías (ver https://example.org/b), y también www.Example.org/c; están publicadas.\n")
    links = extract_links(text, "T")
    assert [link.url for link in links] == [
        "https://example.org/docs/protocolo-de-atencion.pdf", "https://example.org/a",
        "https://example.org/b", "http://www.example.org/c"]
    assert links[0].sentence == "Véase el protocolo en https://example.org/docs/protocolo-de-atencion.pdf."
    assert {link.session for link in links} == {"SESIÓN 2. PRUEBA DE ENLACES"}


def _copy_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("manifest.json", "crm-csm-v-plenaria-2024.txt", "crm-csm-iv-plenaria-2023.txt"):
        shutil.copy(CORPUS_DIR / name, corpus / name)
    return corpus


def test_links_manifest_keeps_first_seen_and_status(tmp_path):
    corpus = _copy_corpus(tmp_path)
    path = update_links_manifest(corpus, today=dt.date(2025, 1, 2))
    assert path == corpus / "links.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == 1 and "\n  " in path.read_text(encoding="utf-8")  # human-readable
    links = load_links(path)
    assert [link.doc_id for link in links] == sorted(link.doc_id for link in links)
    assert {link.status for link in links} == {"new"} and {link.first_seen for link in links} == {"2025-01-02"}
    links[0].status, links[0].fetched_path = "ok", "linked/abc.pdf"
    save_links(path, links)
    before = path.read_bytes()
    update_links_manifest(corpus, today=dt.date(2025, 6, 30))
    assert path.read_bytes() == before  # same reports: same manifest, same order
    again = load_links(path)
    assert again[0].status == "ok" and again[0].fetched_path == "linked/abc.pdf"
    assert {link.first_seen for link in again} == {"2025-01-02"}


# --- fetching from a local server ---------------------------------------------------------------

def _pdf_bytes() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title("Protocolo de prueba")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, "Protocolo de atencion a personas migrantes en situacion de vulnerabilidad. " * 5)
    return bytes(pdf.output())


PAGE = ("<html><head><title>Capacitan en derechos humanos</title></head><body>"
        "<nav>Inicio | Noticias | Contacto</nav><article><h1>Capacitan en derechos humanos</h1>"
        "<p>La Defensoría del Pueblo capacitó a los agentes de la frontera en los derechos humanos de las "
        "personas migrantes durante tres jornadas de trabajo en la provincia de Darién.</p>"
        "<p>Las jornadas incluyeron casos prácticos sobre la atención de niñas, niños y adolescentes que "
        "viajan solos, y sobre la identificación temprana de víctimas de trata de personas.</p></article>"
        "<footer>Copyright 2023</footer></body></html>").encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    pdf = b""

    def log_message(self, *args):  # keep pytest output clean
        pass

    def _send(self, status: int, content_type: str, body: bytes, length: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - the http.server API
        routes = {
            "/robots.txt": lambda: self._send(200, "text/plain", b"User-agent: *\nDisallow: /private/\n"),
            "/doc.pdf": lambda: self._send(200, "application/pdf", self.pdf),
            "/page.html": lambda: self._send(200, "text/html; charset=utf-8", PAGE),
            "/private/page.html": lambda: self._send(200, "text/html", PAGE),
            "/data.json": lambda: self._send(200, "application/json", b"{}"),
            "/fake.pdf": lambda: self._send(200, "application/pdf", b"<html>not a pdf</html>"),
            "/declared-big.pdf": lambda: self._send(200, "application/pdf", b"%PDF-", length=10**9),
            "/big.pdf": self._big,
            "/slow.html": self._slow,
            "/stall.html": lambda: time.sleep(3) or self._send(200, "text/html", PAGE),
            "/moved": self._redirect,
        }
        routes.get(self.path, lambda: self._send(404, "text/html", b"<h1>Not found</h1>"))()

    def _big(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.end_headers()  # no Content-Length: only counting the bytes can stop it
        try:
            self.wfile.write(b"%PDF-1.4\n")
            for _ in range(3 * MAX_BYTES // 65536 + 2):
                self.wfile.write(b"0" * 65536)
        except OSError:
            pass

    def _slow(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        try:
            for _ in range(20):  # 4 s in all, each wait well under the socket timeout
                self.wfile.write(b"<p>lento</p>\n")
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass

    def _redirect(self):
        self.send_response(302)
        self.send_header("Location", "/page.html")
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture(scope="module")
def server():
    _Handler.pdf = _pdf_bytes()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _manifest(tmp_path: Path, urls: list[str]) -> Path:
    links = [Link(url=url, doc_id="IV-2023", session="SESIÓN 1 OBSERVATORIO", sentence="Una práctica.",
                  first_seen="2025-01-02") for url in urls]
    return save_links(tmp_path / "corpus" / "links.json", links)


def test_fetch_outcomes(tmp_path, server):
    paths = {"/doc.pdf": "ok", "/page.html#:~:text=Defensor": "ok", "/moved": "ok", "/missing": "dead",
             "/big.pdf": "too_large", "/declared-big.pdf": "too_large", "/slow.html": "timeout",
             "/stall.html": "timeout", "/data.json": "bad_type", "/fake.pdf": "bad_type", "/private/page.html": "refused"}
    manifest = _manifest(tmp_path, [server + p for p in paths] + ["ftp://example.org/file.pdf"])
    out_dir = tmp_path / "corpus" / "linked"
    started = time.monotonic()
    report = fetch_links(manifest, out_dir, timeout=TIMEOUT, max_bytes=MAX_BYTES, allow_private=True)
    assert time.monotonic() - started < 8
    recorded = {link.url: link for link in load_links(manifest)}
    for path, status in paths.items():
        assert recorded[server + path].status == status, (path, recorded[server + path])
        assert recorded[server + path].checked
    assert recorded["ftp://example.org/file.pdf"].status == "refused"
    for slow in (o for o in report.outcomes if o.status == "timeout"):
        assert slow.seconds < TIMEOUT + 0.5  # cut at the deadline, not when the server is done
    pdf = recorded[server + "/doc.pdf"]
    assert pdf.content_type == "application/pdf" and pdf.fetched_path.startswith("linked/")
    assert (manifest.parent / pdf.fetched_path).read_bytes().startswith(b"%PDF-")
    page, moved = recorded[server + "/page.html#:~:text=Defensor"], recorded[server + "/moved"]
    assert page.fetched_path == moved.fetched_path  # a redirect to the same page is one document
    sidecar = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))["documents"]
    assert len(sidecar) == 2 and any("/moved — cited by" in e["source"] and "/page.html — cited by" in e["source"]
                                     for e in sidecar)
    assert "robots.txt" in next(o.detail for o in report.outcomes if o.url.endswith("/private/page.html"))
    assert "ok" in report.table() and "timeout" in report.table()


def test_fetched_documents_are_indexed_as_linked(tmp_path, server):
    manifest = _manifest(tmp_path, [server + "/doc.pdf", server + "/page.html"])
    out_dir = tmp_path / "corpus" / "linked"
    fetch_links(manifest, out_dir, timeout=TIMEOUT, max_bytes=MAX_BYTES, allow_private=True)
    sidecar = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))["documents"]
    assert {entry["doc_type"] for entry in sidecar} == {"linked"}
    pdf_entry = next(e for e in sidecar if e["path"].endswith(".pdf"))
    assert pdf_entry["source"] == f"{server}/doc.pdf — cited by IV-2023, SESIÓN 1 OBSERVATORIO"
    assert pdf_entry["title"] == "Protocolo de prueba" and pdf_entry["year"] is None

    from ingest.corpus import discover, ingest_document

    found = discover([tmp_path / "corpus"])
    assert sorted(meta.doc_type for _, meta in found) == ["linked", "linked"]  # .raw/ copies are not indexed
    html_path, html_meta = next((p, m) for p, m in found if p.suffix == ".html")
    assert html_meta.language == "es"
    text = " ".join(chunk.text for chunk in ingest_document(html_path, html_meta))
    assert "capacitó a los agentes de la frontera" in text
    assert (out_dir / ".raw" / html_path.name).read_bytes() == PAGE


def test_private_address_refused_by_default(tmp_path, server):
    manifest = _manifest(tmp_path, [server + "/doc.pdf"])
    report = fetch_links(manifest, tmp_path / "linked", timeout=TIMEOUT)
    assert [o.status for o in report.outcomes] == ["refused"]
    assert "non-public" in report.outcomes[0].detail
    assert not (tmp_path / "linked").exists()


@pytest.mark.parametrize("urls, env", [
    (["https://example.org/doc.pdf"], {"PUENTE_OFFLINE": "1"}),
    (["https://nowhere.invalid/doc.pdf", "http://also-nowhere.invalid/"], {}),
])
def test_offline_changes_nothing(tmp_path, monkeypatch, urls, env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    manifest = _manifest(tmp_path, urls)
    before = manifest.read_bytes()
    with pytest.raises(NetworkUnreachable, match="unchanged"):
        fetch_links(manifest, tmp_path / "linked", timeout=TIMEOUT)
    assert manifest.read_bytes() == before
    assert not (tmp_path / "linked").exists()


def test_cli_prints_outcome_table(tmp_path, server, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "informe.txt").write_text(
        f"SESIÓN 1. PRUEBA\n\nEl protocolo está en {server}/doc.pdf y la noticia en {server}/missing.\n",
        encoding="utf-8")
    assert fetch_main(["--corpus", str(corpus), "--allow-private", "--timeout", str(TIMEOUT)]) == 0
    table = capsys.readouterr().out
    assert f"{server}/doc.pdf" in table and "2 URLs: 1 dead, 1 ok" in table
    assert {link.status for link in load_links(corpus / "links.json")} == {"ok", "dead"}


def test_cli_offline_is_one_line(tmp_path, monkeypatch, capsys):
    corpus = _copy_corpus(tmp_path)
    monkeypatch.setenv("PUENTE_OFFLINE", "1")
    assert fetch_main(["--corpus", str(corpus)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "offline" in err
    assert not (corpus / "links.json").exists()
