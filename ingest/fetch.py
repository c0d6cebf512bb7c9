"""Fetching the documents the reports link to, safely, into a folder of 'linked' documents.

Every URL of the links manifest is fetched at most once per run, under rules that keep a crawler
of government and agency sites polite and the machine running it safe:
- only http(s); the host is resolved once and the connection pinned to that address, which must be
  public unless allow_private (so a redirect or a DNS answer cannot aim us at the local network);
- robots.txt is obeyed (an unreadable robots.txt allows, a disallow gives "refused");
- a wall-clock deadline covers the whole exchange: a watchdog closes the socket when it passes, so
  a body trickling in byte by byte ends as "timeout" however short each wait is;
- bodies are capped (Content-Length first, then bytes read) and only PDF and HTML are kept.
Fetched files are named after a hash of the URL and listed in out_dir/manifest.json with doc_type
"linked", so `python -m ingest` indexes them with a source naming the URL and the citing report.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import ipaddress
import json
import os
import re
import socket
import ssl
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from ingest.errors import IngestError
from ingest.links import Link, load_links, save_links, write_json_atomic

LINKED_MANIFEST_FORMAT = 1
MAX_REDIRECTS = 5
ROBOTS_MAX_BYTES = 512_000
_PDF_TYPES = {"application/pdf", "application/x-pdf"}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_SNIFFED_TYPES = {"application/octet-stream", "binary/octet-stream", "application/download"}


class NetworkUnreachable(IngestError):
    """No link could be fetched because the network is off (PUENTE_OFFLINE=1, or no host resolves)."""


class _Refused(Exception):
    """The fetch is not allowed: scheme, address or robots.txt."""


class _Dead(Exception):
    """The server or the network gave no usable answer."""


class _Unreachable(_Dead):
    """The host does not resolve or does not accept connections."""


class _TooLarge(Exception):
    pass


class _BadType(Exception):
    pass


class _Timeout(Exception):
    pass


_STATUS_OF = {_Refused: "refused", _TooLarge: "too_large", _BadType: "bad_type", _Timeout: "timeout", _Dead: "dead"}


@dataclass
class FetchOutcome:
    """What fetching one URL gave."""

    url: str
    status: str  # "ok", "dead", "refused", "too_large", "timeout" or "bad_type"
    content_type: str | None = None
    fetched_path: str | None = None  # relative to the folder of the links manifest when inside it
    detail: str = ""  # why, in a few words: "HTTP 404", "robots.txt disallows", ...
    seconds: float = 0.0
    reached: bool = False  # a server answered (used to tell "offline" from "dead")


@dataclass
class FetchReport:
    """The outcomes of one fetch run, one per distinct URL."""

    manifest_path: Path
    out_dir: Path
    outcomes: list[FetchOutcome] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Return how many URLs ended in each status."""
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        return counts

    def table(self, width: int = 72) -> str:
        """Return a plain-text table of the outcomes, one URL a line, and a closing count."""
        lines = [f"{'status':<10} {'type':<16} {'secs':>5}  {'url':<{width}}  detail"]
        for o in self.outcomes:
            url = o.url if len(o.url) <= width else o.url[:width - 1] + "…"
            lines.append(f"{o.status:<10} {(o.content_type or '-')[:16]:<16} {o.seconds:>5.1f}  {url:<{width}}  {o.detail}")
        summary = ", ".join(f"{n} {status}" for status, n in sorted(self.counts().items()))
        lines.append(f"{len(self.outcomes)} URLs: {summary or 'none'}; manifest {self.manifest_path}, files in {self.out_dir}")
        return "\n".join(lines)


def fetch_url_of(url: str) -> str:
    """Return the URL that is fetched for a cited URL: without its fragment ('#:~:text=...')."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def file_stem(url: str) -> str:
    """Return the name a fetched URL is saved under (without extension): a hash of the fetched URL."""
    return hashlib.sha256(fetch_url_of(url).encode("utf-8")).hexdigest()[:16]


def offline_reason(urls: list[str], *, timeout: float = 5.0) -> str | None:
    """Return why the network is unusable (PUENTE_OFFLINE set, no host resolves), or None when it is usable."""
    if os.environ.get("PUENTE_OFFLINE", "").strip() not in ("", "0"):
        return "PUENTE_OFFLINE is set"
    hosts = sorted({urlsplit(u).hostname for u in urls if urlsplit(u).scheme in ("http", "https")} - {None})
    if not hosts:
        return None
    with ThreadPoolExecutor(max_workers=min(16, len(hosts))) as pool:
        futures = [pool.submit(socket.getaddrinfo, host, None) for host in hosts]
        deadline = time.monotonic() + timeout
        for future in futures:
            try:
                future.result(timeout=max(0.0, deadline - time.monotonic()))
                return None
            except Exception:  # noqa: BLE001 - any failure means "this host does not resolve"
                continue
    return f"none of the {len(hosts)} hosts resolves (no network?)"


class _Fetcher:
    """Fetches URLs one at a time under the settings of a run; holds the robots.txt cache."""

    def __init__(self, out_dir: Path, *, timeout: float, max_bytes: int, allow_private: bool, user_agent: str):
        self.out_dir = out_dir
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.allow_private = allow_private
        self.user_agent = user_agent
        self._robots: dict[str, RobotFileParser | None] = {}
        self._lock = threading.Lock()

    def fetch(self, url: str) -> FetchOutcome:
        """Return the outcome of fetching one URL; never raises for network trouble."""
        started = time.monotonic()
        outcome = FetchOutcome(url=url, status="dead")
        try:
            outcome = self._fetch(url, started + self.timeout, outcome)
        except tuple(_STATUS_OF) as exc:
            outcome.status = next(status for cls, status in _STATUS_OF.items() if isinstance(exc, cls))
            outcome.detail += str(exc)
        outcome.seconds = time.monotonic() - started
        return outcome

    def _fetch(self, url: str, deadline: float, outcome: FetchOutcome) -> FetchOutcome:
        current = fetch_url_of(url)
        for _ in range(MAX_REDIRECTS + 1):
            self._check_robots(current, deadline, outcome)
            with _Exchange(self, current, deadline) as exchange:
                outcome.reached = True
                response = exchange.response
                if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                    current = urljoin(current, response.getheader("Location"))
                    continue
                if response.status >= 400:
                    raise _Dead(f"HTTP {response.status}")
                if not 200 <= response.status < 300:
                    raise _Dead(f"HTTP {response.status} without a usable answer")
                if current != fetch_url_of(url):
                    outcome.detail = f"via {current}; "
                return self._save(current, exchange, outcome)
        raise _Dead(f"more than {MAX_REDIRECTS} redirects")

    def _check_robots(self, url: str, deadline: float, outcome: FetchOutcome) -> None:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            known = key in self._robots
            robots = self._robots.get(key)
        if not known:
            robots = self._read_robots(key, deadline)
            with self._lock:
                self._robots[key] = robots
        if robots is not None:
            outcome.reached = True
            if not robots.can_fetch(self.user_agent, url):
                raise _Refused("robots.txt disallows")

    def _read_robots(self, site: str, deadline: float) -> RobotFileParser | None:
        """Return the site's robots rules, or None (everything allowed) when robots.txt cannot be read."""
        try:
            with _Exchange(self, site + "/robots.txt", deadline) as exchange:
                if exchange.response.status != 200:
                    return None
                body = exchange.read_capped(ROBOTS_MAX_BYTES)
        except (_Dead, _Timeout, _TooLarge):
            return None  # _Refused (scheme, address) propagates: the page itself is refused for it
        parser = RobotFileParser(site + "/robots.txt")
        parser.parse(body.decode("utf-8", errors="replace").splitlines())
        return parser

    def _save(self, url: str, exchange: "_Exchange", outcome: FetchOutcome) -> FetchOutcome:
        """Return the outcome after keeping a PDF or HTML body under out_dir; other types are refused unread.

        The file is named after the URL that answered, so links redirected to one page share one file.
        """
        response = exchange.response
        content_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower() or None
        outcome.content_type = content_type
        length = response.getheader("Content-Length")
        if length and length.strip().isdigit() and int(length) > self.max_bytes:
            raise _TooLarge(f"Content-Length {int(length):,} > {self.max_bytes:,} bytes")
        if content_type not in _PDF_TYPES | _HTML_TYPES | _SNIFFED_TYPES:
            raise _BadType(f"{content_type or 'no content type'} is neither PDF nor HTML")
        body = exchange.read_capped(self.max_bytes)
        if content_type in _HTML_TYPES:
            path = _save_html(self.out_dir, url, body, response.getheader("Content-Type") or "")
        elif body.startswith(b"%PDF-"):
            path = self.out_dir / f"{file_stem(url)}.pdf"
            _write_atomic(path, body)
        else:
            raise _BadType(f"{content_type} body is not a PDF")
        outcome.status, outcome.fetched_path = "ok", str(path)
        outcome.detail += f"{len(body):,} bytes"
        return outcome


class _Exchange:
    """One HTTP GET to a pinned, checked address, with a watchdog that enforces the deadline."""

    def __init__(self, fetcher: _Fetcher, url: str, deadline: float):
        self.fetcher, self.url, self.deadline = fetcher, url, deadline
        self.connection: http.client.HTTPConnection | None = None
        self.sock: socket.socket | None = None
        self.response: http.client.HTTPResponse | None = None
        self._watchdog: threading.Timer | None = None
        self._expired = threading.Event()

    def __enter__(self) -> "_Exchange":
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https"):
            raise _Refused(f"scheme {parts.scheme or '(none)'} is not fetched")
        if not parts.hostname:
            raise _Dead("no host in URL")
        address = self._address(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        remaining = self._remaining()
        self._watchdog = threading.Timer(remaining, self._expire)
        self._watchdog.daemon = True
        self._watchdog.start()
        try:
            cls = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
            self.connection = cls(parts.hostname, parts.port, address=address, timeout=remaining)
            self.connection.connect()
            self.sock = self.connection.sock
            target = parts.path or "/"
            if parts.query:
                target += "?" + parts.query
            self.connection.request("GET", target, headers={
                "User-Agent": self.fetcher.user_agent, "Accept-Encoding": "identity",
                "Accept": "application/pdf, text/html;q=0.9, */*;q=0.1"})
            self._settimeout()
            self.response = self.connection.getresponse()
        except BaseException as exc:
            self.__exit__(None, None, None)
            raise self._translate(exc) from exc
        return self

    def __exit__(self, *exc_info) -> None:
        if self._watchdog:
            self._watchdog.cancel()
        if self.response is not None:
            self.response.close()
        if self.connection is not None:
            self.connection.close()

    def read_capped(self, max_bytes: int) -> bytes:
        """Return the body, or raise _TooLarge past max_bytes and _Timeout past the deadline."""
        chunks, total = [], 0
        try:
            while True:
                self._settimeout()
                chunk = self.response.read1(65536)  # read1: return what arrived, never wait to fill a buffer
                if not chunk:
                    break
                total += len(chunk)
                if total > max_bytes:
                    raise _TooLarge(f"body over {max_bytes:,} bytes")
                chunks.append(chunk)
        except (_TooLarge, _Timeout):
            raise
        except BaseException as exc:
            raise self._translate(exc) from exc
        if self._expired.is_set():
            raise _Timeout(f"not complete within {self.fetcher.timeout:g} s")
        return b"".join(chunks)

    def _address(self, host: str, port: int) -> str:
        """Return the address to connect to; refuse non-public ones unless allowed."""
        try:
            infos = _resolve(host, port, self._remaining())
        except TimeoutError:
            raise _Timeout(f"resolving {host} took over {self.fetcher.timeout:g} s") from None
        except OSError as exc:
            raise _Unreachable(f"{host} does not resolve ({exc.strerror or exc})") from None
        addresses = [info[4][0] for info in infos]
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if self.fetcher.allow_private or (ip.is_global and not ip.is_multicast):
                return address
        raise _Refused(f"{host} resolves to a non-public address ({addresses[0]})")

    def _remaining(self) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise _Timeout(f"not complete within {self.fetcher.timeout:g} s")
        return remaining

    def _settimeout(self) -> None:
        sock = self.sock or (self.connection.sock if self.connection else None)
        if sock is not None:
            sock.settimeout(self._remaining())

    def _expire(self) -> None:
        """Watchdog: the deadline passed; shut the socket so any blocked read returns at once."""
        self._expired.set()
        sock = self.sock or (self.connection.sock if self.connection else None)
        if sock is not None:
            try:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # under TLS too: the SSL layer is left alone
            except OSError:
                pass

    def _translate(self, exc: BaseException) -> BaseException:
        if isinstance(exc, (_Refused, _Dead, _Timeout, _TooLarge, _BadType)):
            return exc
        if self._expired.is_set() or isinstance(exc, (socket.timeout, TimeoutError)):
            return _Timeout(f"not complete within {self.fetcher.timeout:g} s")
        if isinstance(exc, OSError) and not isinstance(exc, ssl.SSLError) and self.response is None:
            return _Unreachable(f"{type(exc).__name__}: {exc}")  # no server answered
        if isinstance(exc, (OSError, http.client.HTTPException, ValueError)):
            return _Dead(f"{type(exc).__name__}: {exc}")
        return exc


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to a given address, with the URL's host name in the Host header."""

    def __init__(self, host: str, port: int | None, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """An HTTPS connection to a given address, verifying the certificate of the URL's host name."""

    def __init__(self, host: str, port: int | None, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _resolve(host: str, port: int, timeout: float) -> list:
    """Return getaddrinfo's answer for host, giving up after timeout seconds (getaddrinfo has no timeout)."""
    result: dict = {}

    def run() -> None:
        try:
            result["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            result["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise TimeoutError(host)
    if "error" in result:
        raise result["error"]
    return result["infos"]


def _write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old one or the new one, never half of one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise IngestError(f"{path}: cannot write the fetched file ({exc})") from exc
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; corpus files are read by whoever indexes
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise IngestError(f"{path}: cannot write the fetched file ({exc})") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _decode_html(body: bytes, content_type: str) -> str:
    """Return the text of an HTML body in the charset the header or a <meta> tag names, UTF-8 otherwise."""
    match = re.search(r"charset=[\"']?([\w-]+)", content_type, re.I) or \
        re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", body[:4096], re.I)
    charset = match.group(1) if match else "utf-8"
    charset = charset.decode("ascii", "replace") if isinstance(charset, bytes) else charset
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def main_content_html(html: str, url: str) -> str:
    """Return the page reduced to its main content as HTML (trafilatura when installed), else the page as is."""
    try:
        import trafilatura
    except ImportError:
        return html  # the HTML reader already skips scripts, styles and navigation
    extracted = trafilatura.extract(html, url=url, output_format="html", include_comments=False,
                                    include_tables=True)
    if not extracted:
        return html
    from ingest.readers import html_title

    title = html_title(html)
    head = f"<head><meta charset=\"utf-8\"><title>{_escape(title)}</title></head>" if title else \
        "<head><meta charset=\"utf-8\"></head>"
    return re.sub(r"<html[^>]*>", lambda m: m.group(0) + head, extracted, count=1)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _save_html(out_dir: Path, url: str, body: bytes, content_type: str) -> Path:
    """Return the path of the page's main content; the page as fetched is kept beside it in .raw/."""
    stem = file_stem(url)
    _write_atomic(out_dir / ".raw" / f"{stem}.html", body)  # hidden: never indexed
    path = out_dir / f"{stem}.html"
    _write_atomic(path, main_content_html(_decode_html(body, content_type), fetch_url_of(url)).encode("utf-8"))
    return path


_STOPWORDS = {
    "es": {"de", "la", "que", "el", "en", "los", "las", "del", "por", "para", "con", "una", "se", "su"},
    "en": {"the", "of", "and", "to", "in", "is", "for", "that", "with", "on", "are", "by", "this"},
    "pt": {"de", "do", "da", "que", "em", "os", "as", "dos", "das", "para", "com", "uma", "não", "ao"},
    "fr": {"de", "la", "le", "les", "des", "et", "en", "du", "pour", "que", "une", "dans", "est", "sur"},
}


def guess_language(text: str) -> str | None:
    """Return the language (es, en, pt, fr) whose common words a text uses most, or None for too little text."""
    words = re.findall(r"[a-záéíóúñãõçâêôàü]+", text.lower())[:5000]
    if len(words) < 20:
        return None
    scores = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOPWORDS.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] else None


def _document_text(path: Path) -> tuple[str | None, str]:
    """Return (title, opening text) of a fetched file, for its manifest entry."""
    from ingest.readers import html_title, pdf_title, read_pages

    try:
        pages = read_pages(path)
    except Exception:  # noqa: BLE001 - a damaged file still gets an entry; ingest reports the damage
        pages = []
    text = " ".join(page.text for page in pages[:3])
    if path.suffix == ".pdf":
        return pdf_title(path), text
    return html_title(path.read_text(encoding="utf-8", errors="replace")), text


def _sidecar_entries(outcomes: list[FetchOutcome], links: list[Link], out_dir: Path) -> dict[str, dict]:
    """Return the out_dir manifest entries of the files fetched this run, keyed by path.

    The source names each cited URL and the reports and sessions citing it:
    "URL — cited by IV-2023, SESIÓN 3. ...". URLs redirected to one file share its entry.
    """
    citations: dict[Path, list[str]] = {}
    for outcome in outcomes:
        if outcome.status == "ok" and outcome.fetched_path:
            citing = [link for link in links if fetch_url_of(link.url) == outcome.url]
            cited_by = "; ".join(dict.fromkeys(f"{link.doc_id}, {link.session or 'no session'}" for link in citing))
            citations.setdefault(Path(outcome.fetched_path), []).append(f"{outcome.url} — cited by {cited_by}")
    entries = {}
    for path, sources in citations.items():
        title, text = _document_text(path)
        entries[path.name] = {
            "doc_id": f"linked-{path.stem}",
            "path": path.name,
            "title": title or sources[0].split(" — ")[0],
            "doc_type": "linked",
            "source": " | ".join(sources),
            "language": guess_language(text) or "es",
            "year": None,
        }
    return entries


def _update_sidecar(out_dir: Path, entries: dict[str, dict]) -> None:
    """Rewrite out_dir/manifest.json with entries replacing those of the same path, others kept in order."""
    from ingest.corpus import MANIFEST_NAME, load_manifest

    path = out_dir / MANIFEST_NAME
    load_manifest(out_dir)  # raises IngestError with the path when the file exists but is unreadable
    documents = json.loads(path.read_text(encoding="utf-8"))["documents"] if path.is_file() else []
    documents = [entries.pop(doc["path"], doc) for doc in documents] + list(entries.values())
    write_json_atomic(path, {"format": LINKED_MANIFEST_FORMAT, "documents": documents})


def _relative(path: str, base: Path) -> str:
    try:
        return Path(path).resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(Path(path).resolve())


def fetch_links(manifest_path: Path | str, out_dir: Path | str, *, timeout: float = 10.0,
                max_bytes: int = 20_000_000, allow_private: bool = False,
                user_agent: str = "Puente/0.1 (+research)") -> FetchReport:
    """Return the report of fetching every URL of a links manifest into out_dir, recorded in both manifests.

    Each distinct URL (fragment dropped) is fetched once; its status, content type, file and check
    time are written to every link citing it (atomic rewrite). A link that fails now keeps the
    file of an earlier successful fetch. Raises NetworkUnreachable, changing nothing, when
    PUENTE_OFFLINE is set, when no host resolves, or when no server could be reached at all.
    """
    manifest_path, out_dir = Path(manifest_path), Path(out_dir)
    links = load_links(manifest_path)
    urls = list(dict.fromkeys(fetch_url_of(link.url) for link in links))
    reason = offline_reason(urls, timeout=timeout)
    if reason:
        raise NetworkUnreachable(f"{reason}: no link was fetched and {manifest_path} is unchanged.")
    fetcher = _Fetcher(out_dir, timeout=timeout, max_bytes=max_bytes, allow_private=allow_private,
                       user_agent=user_agent)
    by_host: dict[str, list[str]] = {}
    for url in urls:
        by_host.setdefault(urlsplit(url).netloc, []).append(url)  # one host's URLs one after another
    with ThreadPoolExecutor(max_workers=max(1, min(8, len(by_host)))) as pool:
        results = pool.map(lambda group: [fetcher.fetch(u) for u in group], by_host.values())
        fetched = {o.url: o for group in results for o in group}
    outcomes = [fetched[url] for url in urls]
    if not any(o.reached for o in outcomes) and any(o.status in ("dead", "timeout") for o in outcomes):
        raise NetworkUnreachable(f"no server could be reached: no link was fetched and {manifest_path} is unchanged.")
    if any(o.status == "ok" for o in outcomes):
        _update_sidecar(out_dir, _sidecar_entries(outcomes, links, out_dir))
    checked = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    for outcome in outcomes:
        if outcome.fetched_path:
            outcome.fetched_path = _relative(outcome.fetched_path, manifest_path.parent)
    for link in links:
        outcome = fetched[fetch_url_of(link.url)]
        link.status, link.checked = outcome.status, checked
        link.content_type = outcome.content_type or link.content_type
        link.fetched_path = outcome.fetched_path or link.fetched_path
    save_links(manifest_path, links)
    return FetchReport(manifest_path=manifest_path, out_dir=out_dir, outcomes=outcomes)


def main(argv: list[str] | None = None) -> int:
    """CLI: `python -m ingest fetch-links`: refresh corpus/links.json, fetch every URL, print a table of outcomes."""
    from index.paths import DEFAULT_CORPUS_DIR  # the CLI edge may know the project layout
    from ingest.links import links_path, refreshed_links

    parser = argparse.ArgumentParser(prog="python -m ingest fetch-links",
                                     description="Fetch the PDFs and pages the reports link to into a folder of "
                                                 "'linked' documents that `python -m ingest` indexes.")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS_DIR, help="corpus folder (holds links.json)")
    parser.add_argument("--out", type=Path, default=None, help="where fetched files go (default: CORPUS/linked)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds allowed per URL, all included")
    parser.add_argument("--max-bytes", type=int, default=20_000_000, help="largest body kept")
    parser.add_argument("--allow-private", action="store_true",
                        help="allow private and loopback addresses (local test servers)")
    args = parser.parse_args(argv)
    try:
        links = refreshed_links(args.corpus)
        reason = offline_reason([link.url for link in links], timeout=args.timeout)
        if reason:
            raise NetworkUnreachable(f"{reason}: no link was fetched and nothing was changed.")
        manifest = save_links(links_path(args.corpus), links)
        report = fetch_links(manifest, args.out or args.corpus / "linked", timeout=args.timeout,
                             max_bytes=args.max_bytes, allow_private=args.allow_private)
    except NetworkUnreachable as exc:
        print(f"offline: {exc}", file=sys.stderr)
        return 1
    except IngestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(report.table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
