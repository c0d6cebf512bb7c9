"""The served page under abuse, each case of the probe that found them as a test: against a real `python app.py`
on loopback (tests.served: one with the Admin tab, over the real index and a PDF; one without), and, for the
parts that live in the library (the word map's bound, the ingest lock, the manifest's mode), against the library.

Requests come from distinct loopback addresses (127.0.x.y), each with its own search bucket."""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import stat
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import API_ADMIN_PASSWORD, CORPUS_DIR
from tests.served import Client, new_address, start_served, stop_served

SEARCH_BURST = 10  # server.settings.ServerSettings.search_burst


@pytest.fixture(scope="module")
def plain_app(real_index, tmp_path_factory):
    """`python app.py` without an admin password; a file a killed predecessor left in its temporary folder."""
    from bench.app_process import free_port

    folder = tmp_path_factory.mktemp("plain-app")
    index_dir, corpus_dir = folder / "index", folder / "corpus"
    shutil.copytree(real_index, index_dir, ignore=shutil.ignore_patterns(".lock"))
    shutil.copytree(CORPUS_DIR, corpus_dir)
    port = free_port()
    stale = folder / "app-temp" / f"port-{port}" / "gradio" / "0123abcd"
    stale.mkdir(parents=True)
    (stale / "left-by-a-killed-process.bin").write_bytes(b"x" * 4096)
    served = start_served(index_dir, corpus_dir, folder, port=port)
    served.stale = stale
    yield served
    stop_served(served)


def multipart(files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    """Gives a multipart/form-data body with the files under the name Gradio's upload route reads, and its type."""
    boundary = "puente-test-boundary-7d1f"
    parts = [(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
              f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n" for name, data in files]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def upload(client: Client, files: list[tuple[str, bytes]], **headers):
    body, content_type = multipart(files)
    return client.request("POST", "/gradio_api/upload", body, {"Content-Type": content_type, **headers})


def signed_in_client(app) -> Client:
    client = app.client()
    answer = client.post_json("/api/admin/session", {"password": API_ADMIN_PASSWORD})
    assert answer.status == 200 and client.cookie, answer.body
    return client


def call_event(client: Client, api_name: str, data: list):
    """Runs a page event as a script would (Gradio's /call route); gives (status, event, payload)."""
    started = client.post_json(f"/gradio_api/call/{api_name}", {"data": data})
    if started.status != 200:
        return started.status, None, started.body
    answer = client.get(f"/gradio_api/call/{api_name}/{started.json()['event_id']}")
    events = re.findall(r"event: (\w+)\ndata: (.*)", answer.body.decode())
    event, payload = events[-1]
    return 200, event, json.loads(payload) if payload not in ("", "null") else None


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def raw_request(port: int, head: bytes, body: bytes = b"") -> bytes:
    """Sends a request head and body (from a second thread, so that an answer given before the body has been read
    is seen); gives the status line the server answered with."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        def send():
            try:
                sock.sendall(head)
                for start in range(0, len(body), 65536):
                    sock.sendall(body[start:start + 65536])
            except OSError:  # the server answered and closed: it reads no more
                pass

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        answer = b""
        while b"\r\n" not in answer:
            data = sock.recv(4096)
            if not data:
                break
            answer += data
        return answer.split(b"\r\n", 1)[0]


# -- 1. uploads only for a signed-in admin --------------------------------------------------------------------------

def test_an_upload_without_an_admin_session_is_refused(api_app):
    answer = upload(api_app.client(), [("informe.pdf", b"%PDF-1.7 hola")])
    assert answer.status == 403 and "sign in" in answer.json()["error"]
    forged = upload(api_app.client(), [("informe.pdf", b"%PDF-1.7 hola")], Cookie="puente_admin=forged-token")
    assert forged.status == 403


def test_without_the_admin_tab_the_server_takes_no_upload_at_all(plain_app):
    answer = upload(plain_app.client(), [("x.txt", b"hola")])
    assert answer.status == 403 and answer.json() == {"error": "This server takes no uploads."}
    assert plain_app.client().post_json("/api/admin/session", {"password": "anything"}).status == 404


def test_a_signed_in_admin_uploads_one_file_into_pumentes_own_folder(api_app):
    client = signed_in_client(api_app)
    answer = upload(client, [("informe.txt", b"Informe de prueba.")])
    assert answer.status == 200
    stored = Path(answer.json()[0])
    assert stored.is_relative_to(api_app.temp_root / f"port-{api_app.port}") and stored.read_bytes() == b"Informe de prueba."
    assert oct(stat.S_IMODE((api_app.temp_root / f"port-{api_app.port}").stat().st_mode)) == "0o700"
    two = upload(client, [("a.txt", b"uno"), ("b.txt", b"dos")])
    assert two.status == 413 and "1 file" in two.json()["error"]
    time.sleep(0.5)
    assert "Traceback" not in api_app.log()  # Gradio's reaction to the upload cut short is not logged


def test_an_upload_over_the_size_cap_is_refused_before_it_is_read(api_app):
    client = signed_in_client(api_app)
    head = (f"POST /gradio_api/upload HTTP/1.1\r\nHost: 127.0.0.1:{api_app.port}\r\nCookie: {client.cookie}\r\n"
            "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 200000000\r\n\r\n").encode()
    assert raw_request(api_app.port, head) == b"HTTP/1.1 413 Request Entity Too Large"  # answered on the head alone


def test_the_temporary_folder_is_emptied_at_start(plain_app):
    assert not plain_app.stale.exists()
    assert (plain_app.temp_root / f"port-{plain_app.port}" / "gradio").is_dir()


# -- 2. request bodies and addresses are bounded ------------------------------------------------------------------

def test_a_large_body_is_refused_with_413_before_it_is_read_and_memory_stays_put(api_app):
    pid = api_app.process.pid
    before = resident_mb(pid)
    head = (f"POST /gradio_api/queue/join HTTP/1.1\r\nHost: 127.0.0.1:{api_app.port}\r\n"
            "Content-Type: application/json\r\nContent-Length: 150000000\r\n\r\n").encode()
    assert raw_request(api_app.port, head, b"a" * 4 * 2**20).startswith(b"HTTP/1.1 413")
    chunked = (f"POST /gradio_api/queue/join HTTP/1.1\r\nHost: 127.0.0.1:{api_app.port}\r\n"
               "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
    body = b"".join(b"10000\r\n" + b"a" * 0x10000 + b"\r\n" for _ in range(64))  # 4 MB in 64 kB chunks
    assert raw_request(api_app.port, chunked, body).startswith(b"HTTP/1.1 413")
    assert resident_mb(pid) - before < 30


@pytest.mark.parametrize("path", ["/", "/api/search", "/gradio_api/info", "/config"])
def test_a_100k_character_address_is_a_414_not_a_500(api_app, path):
    answer = api_app.client().get(f"{path}?q={'a' * 100_000}")
    assert answer.status == 414 and "limit" in answer.json()["error"]


# -- 3. bounded cost per query, per client ------------------------------------------------------------------------

def test_one_address_searching_too_fast_is_told_to_wait_and_others_are_still_served(api_app):
    """Ten quick searches pass (the burst), the next is refused with Retry-After; a long question takes more."""
    greedy = api_app.client()
    statuses = []
    while 429 not in statuses and len(statuses) < 4 * SEARCH_BURST:
        statuses.append(greedy.get("/api/search?q=alerta&k=1").status)
    assert statuses[:SEARCH_BURST] == [200] * SEARCH_BURST and statuses[-1] == 429
    refused = greedy.get("/api/search?q=alerta&k=1")
    assert refused.status == 429 and int(refused.headers["retry-after"]) >= 1
    # a long question costs one token per 100 characters: more than the seconds since have given back
    long_question = "¿Qué acordaron los países sobre la movilidad laboral regional? " * 15
    page_search, _, _ = call_event(greedy, "search", [long_question, [], [], [], [], [], 3, "es"])
    assert page_search == 429  # the page's own search event takes from the same bucket
    assert call_event(api_app.client(), "search", [long_question, [], [], [], [], [], 3, "es"])[1] == "complete"
    assert api_app.client().get("/api/search?q=alerta&k=1").status == 200


def test_the_word_map_encodes_a_bounded_number_of_new_words_per_query(searcher):
    from search.wordmap import WordMap

    encoded = []

    class CountingEncoder:
        def __init__(self, inner):
            self.inner = inner

        def encode(self, words):
            encoded.append(len(words))
            return self.inner.encode(words)

    base = searcher._wordmap.get()
    wordmap = WordMap(base.words, base.vectors, CountingEncoder(base.encoder))
    made_up = [f"zorblax{chr(97 + i)}{chr(97 + j)}" for i in range(5) for j in range(8)]  # 40 new words
    first = wordmap.spanish_for(made_up, max_new=12)
    assert encoded == [12] and first[12:] == [None] * 28
    wordmap.spanish_for(made_up, max_new=12)
    assert encoded == [12, 12]  # the words left out are looked up by a later query, not forgotten for good


def test_a_thousand_character_question_of_made_up_words_is_answered_within_the_bounds(api_app, searcher):
    from search.searcher import fit_to_tokens

    words = " ".join(f"qwv{n}zx" for n in range(200))
    question = ("What about " + words)[:1000]
    assert searcher.embedder.count_tokens([fit_to_tokens(question, searcher.embedder, 96)])[0] <= 96
    answer = api_app.client().get(f"/api/search?q={question.replace(' ', '%20')}&k=3")
    assert answer.status == 200 and len(answer.json()["hits"]) == 3


# -- 4. trusted hosts and security headers ------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/config", "/api/search?q=alerta"])
def test_a_foreign_host_header_is_refused_and_never_reflected(api_app, path):
    answer = api_app.client().get(path, headers={"Host": "evil.example"})
    assert answer.status == 400 and b"evil.example" not in answer.body
    ok = api_app.client().get("/config", headers={"Host": f"localhost:{api_app.port}"})
    assert ok.status == 200 and b"evil.example" not in ok.body


@pytest.mark.parametrize("path", ["/", "/config", "/api/search?q=alerta", "/openapi.json", "/theme.css", "/nothing"])
def test_every_response_carries_the_security_headers(api_app, path):
    headers = api_app.client().get(path).headers
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "object-src 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


# -- 5. admin sign-in: logged, locked out, off the search queue -----------------------------------------------------

def test_wrong_admin_passwords_are_logged_and_lock_the_address_out(api_app):
    guesser = api_app.client()
    secret_guess = "guess-Hx7QzP"
    for _ in range(4):
        answer = guesser.post_json("/api/admin/session", {"password": secret_guess})
        assert answer.status == 401 and answer.json()["error"] == "Wrong password."
    assert guesser.post_json("/api/admin/session", {"password": secret_guess}).status == 429
    locked = guesser.post_json("/api/admin/session", {"password": API_ADMIN_PASSWORD})
    assert locked.status == 429 and int(locked.headers["retry-after"]) > 60 and not guesser.cookie
    assert signed_in_client(api_app).cookie  # another address signs in
    log = api_app.log()
    failures = [line for line in log.splitlines() if "sign-in failed" in line and guesser.source in line]
    assert len(failures) == 5 and re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", failures[0])
    assert f"locked for {guesser.source}" in log
    assert secret_guess not in log and API_ADMIN_PASSWORD not in log


def test_the_password_goes_to_no_page_event_so_guesses_hold_no_queue_place(api_app):
    config = api_app.client().get("/config").json()
    password = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "admin-password")
    takes_password = [d for d in config["dependencies"] if password in d["inputs"]]
    assert takes_password and all(not d["backend_fn"] for d in takes_password)  # browser-side only: a fetch


# -- 6. input hygiene ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query, reason", [
    ("\u200b\u200b\u200b", "empty"),
    ("\x00\x00", "empty"),
    ("\ufeff \u2060", "empty"),
    ("¿¿?? !!! ...", "no letters or digits"),
])
def test_a_query_of_invisible_characters_or_punctuation_is_refused_in_one_sentence(api_app, query, reason):
    from urllib.parse import quote

    answer = api_app.client().get(f"/api/search?q={quote(query)}")
    assert answer.status == 400 and reason in answer.json()["error"]


def test_a_lone_surrogate_is_refused_with_a_sentence_not_a_type_error(api_app, searcher):
    from search.searcher import SearchError

    with pytest.raises(SearchError, match="lone surrogate"):
        searcher.search("\ud800abc")
    status, event, payload = call_event(api_app.client(), "search", ["\ud800abc", [], [], [], [], [], 3, "es"])
    assert status == 200 and event == "complete" and "lone surrogate" in payload[0]
    assert "TypeError" not in api_app.log()


def test_invalid_page_calls_get_one_log_line_each_and_no_traceback(api_app):
    before = api_app.log()
    for _ in range(20):  # each from its own address: the rate limit is not under test here
        call_event(api_app.client(), "practices", [""])  # too few inputs
        call_event(api_app.client(), "search", ["hola", "IV"])
    time.sleep(1)
    added = api_app.log()[len(before):]
    assert "Traceback" not in added
    assert 0 < len(added.splitlines()) <= 40 and len(added) < 40 * 300


# -- 7. the page's API takes what people type ---------------------------------------------------------------------

def test_the_page_api_takes_filters_as_people_type_them(api_app):
    client = api_app.client()
    _, event, practices = call_event(client, "practices", ["", "Chile", [], [], "es"])
    assert event == "complete" and "Chile" in json.dumps(practices, ensure_ascii=False)
    results = {}
    for plenary in ("IV", ["IV"], "iv", "4"):
        _, event, payload = call_event(client, "search", ["cooperación regional", plenary, [], [], [], [], 5, "es"])
        assert event == "complete", plenary
        results[json.dumps(plenary)] = re.sub(r'data-run="\d+"', "", payload[0])  # a counter of runs
        assert 'data-count="5"' in payload[0] and "V Plenaria" not in payload[0].replace("IV Plenaria", "")
    assert len(set(results.values())) == 1
    _, event, payload = call_event(client, "compare", ["cooperación regional", "IV", "v", 2, "es"])
    assert event == "complete" and "IV Plenaria" in payload[0] and "V Plenaria" in payload[1]


# -- 8. ingest and the corpus manifest ----------------------------------------------------------------------------

def test_a_second_ingest_is_refused_before_any_model_is_loaded(tmp_path):
    from index import store
    from index.pipeline import build_from_paths

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "informe.txt").write_text("Informe de prueba sobre movilidad laboral.\n", encoding="utf-8")
    with store.IndexLock(tmp_path / "index"):
        with pytest.raises(store.IndexLockedError):  # a model that does not exist would fail to load first
            build_from_paths([corpus], tmp_path / "index", model=str(tmp_path / "no-such-model"), progress=False)


@pytest.mark.parametrize("mode", [0o644, 0o640])
def test_an_admin_upload_keeps_the_manifests_file_mode(tmp_path, mode):
    from ui.admin import read_corpus_manifest, write_corpus_manifest

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    manifest = corpus / "manifest.json"
    manifest.write_text('{"format": 1, "documents": []}\n', encoding="utf-8")
    os.chmod(manifest, mode)
    data = read_corpus_manifest(corpus)
    data["documents"].append({"doc_id": "x", "path": "x.txt", "title": "X"})
    write_corpus_manifest(corpus, data)
    assert stat.S_IMODE(manifest.stat().st_mode) == mode
    assert read_corpus_manifest(corpus)["documents"][0]["doc_id"] == "x"


# -- the page still works under its Content-Security-Policy (Chromium) ------------------------------------------------

def test_the_page_searches_in_chromium_under_its_content_security_policy(api_app):
    playwright_api = pytest.importorskip("playwright.sync_api")
    from tests.test_app_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS

    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM}")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="es-ES")
            page.add_init_script("window.__violations = []; document.addEventListener('securitypolicyviolation',"
                                 " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));")
            page.goto(api_app.url)
            page.wait_for_selector("body[data-puente-ready]", timeout=60_000)
            page.fill("#query textarea, #query input", "¿Qué propuso Chile sobre alertas tempranas?")
            page.click("#search-button")
            page.wait_for_selector("#results .pc-card", timeout=60_000)
            assert page.locator("#results .pc-card").count() == 5
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "page-under-csp.png"))
            assert page.evaluate("() => window.__violations") == []
        finally:
            browser.close()
