"""The checks every request passes before the page or the API sees it, as one ASGI middleware.

In order: the address is not too long (414), the Host is one of ours (400), an upload comes from a signed-in
admin (403), the body is within its cap, refused before it is read when its length is declared and cut off as
soon as it passes the cap when it is not (413), and a search finds a token in its client's bucket (429). Every
response, Gradio's included, leaves with the security headers. A refusal is JSON: {"error": "one sentence"}.
"""
from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import time
from urllib.parse import parse_qs
from dataclasses import dataclass, field

from server.admin_gate import AdminGate
from server.ratelimit import RateLimiter, retry_after
from server.settings import ServerSettings

log = logging.getLogger("puente.server")
LOG_EVERY_SECONDS = 60.0
CHARS_PER_TOKEN = 100  # see search_cost
TARPIT_SECONDS = 1.0  # how long a rate-limited request waits for its 429

UPLOAD_PATH = "/gradio_api/upload"
OTHER_UPLOAD_PATHS = ("/gradio_api/process_recording",)  # Gradio's media route: Puente has no recorder
# Gradio's routes that run an event: the event is named by the path (api_name) or by fn_index in the body.
_EVENT_BY_NAME = re.compile(r"^/gradio_api/(?:run|call|call/v2|api)/([^/]+)/?$")
_EVENT_BY_INDEX = ("/gradio_api/queue/join", "/gradio_api/run/predict")
_API_SEARCHES = ("/api/search", "/api/practices")
# Gradio's page runs the handlers it is given as JavaScript (new Function) and inlines its config and styles.
PAGE_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; media-src 'self' blob:; "
            "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
            "frame-ancestors 'none'")
SECURITY_HEADERS = (
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", PAGE_CSP.encode()),
    (b"cross-origin-opener-policy", b"same-origin"),
)
_OURS = {name for name, _ in SECURITY_HEADERS}


@dataclass(frozen=True)
class SearchEvents:
    """The page's events that search (they share the search queue): by fn_index and by api_name."""

    indices: frozenset = field(default_factory=frozenset)
    names: frozenset = field(default_factory=frozenset)


class Refusal(Exception):
    """A request refused by a guard: HTTP status, one sentence, and extra headers."""

    def __init__(self, status: int, message: str, headers: tuple = ()):
        super().__init__(message)
        self.status = status
        self.headers = headers


async def send_error(send, status: int, message: str, headers: tuple = ()) -> None:
    """Sends {"error": message} with the status (the security headers are added by the caller's send)."""
    body = json.dumps({"error": message}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body})


def with_security_headers(send):
    """Gives a send that adds SECURITY_HEADERS to each response start (replacing any the app set)."""
    async def sending(message):
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _OURS]
            message = {**message, "headers": headers + list(SECURITY_HEADERS)}
        await send(message)
    return sending


def host_name(value: str) -> str:
    """Gives the host of a Host header without its port, lower case ("[::1]:7860" -> "::1")."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def client_address(scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


class Guards:
    """The ASGI middleware: wrap the whole application (the API and the mounted Gradio page) in it."""

    def __init__(self, app, *, settings: ServerSettings, gate: AdminGate, limiter: RateLimiter,
                 max_upload_bytes: int, search_events: SearchEvents = SearchEvents()):
        self.app = app
        self.settings = settings
        self.gate = gate
        self.limiter = limiter
        self.max_upload_bytes = max_upload_bytes
        self.search_events = search_events  # the page's events that a rate-limited search runs
        self.allowed_hosts = frozenset(settings.allowed_hosts)
        self._logged: dict[tuple[str, int], float] = {}  # (address, status) -> when last logged

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            if not self._host_allowed(scope):
                return await send({"type": "websocket.close", "code": 1008})
            return await self.app(scope, receive, send)
        send = with_security_headers(send)
        try:
            limit = self._check_head(scope)
            channel = await self._check_body(scope, receive, send, limit)
        except Refusal as refusal:
            self._log(scope, refusal)
            if refusal.status == 429:  # held a moment (no CPU, no thread): a client that ignores Retry-After
                await asyncio.sleep(TARPIT_SECONDS)  # and asks again at once cannot make refusals its load
            return await send_error(send, refusal.status, str(refusal), refusal.headers)
        if channel is None:  # the body passed its cap while being read: answered already
            return None
        if not isinstance(channel, CappedBody):
            return await self.app(scope, *channel)
        try:
            await self.app(scope, channel.receive, channel.send)
        except Exception:  # noqa: BLE001 - the app's reaction to the "disconnect" the guard gave it
            if not channel.refused:
                raise

    def _log(self, scope, refusal: Refusal) -> None:
        """Logs a refusal in one line, at most once a minute per client address and status (refusals are cheap
        to send: the log must not grow with them)."""
        key = (client_address(scope), refusal.status)
        now = time.monotonic()
        if now - self._logged.get(key, -LOG_EVERY_SECONDS) < LOG_EVERY_SECONDS:
            return
        if len(self._logged) > 10_000:
            self._logged.clear()
        self._logged[key] = now
        log.info("refused %s %s from %s (%d): %s", scope["method"], scope["path"][:80], key[0], refusal.status,
                 refusal)

    # -- before the body -------------------------------------------------------------------------------------

    def _host_allowed(self, scope) -> bool:
        if "*" in self.allowed_hosts:
            return True
        host = _header(scope, b"host")
        return host is not None and host_name(host) in self.allowed_hosts

    def _check_head(self, scope) -> int:
        """Checks what the request line and headers say; gives the body's cap in bytes; raises Refusal."""
        length = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
        if length > self.settings.max_url_chars:
            raise Refusal(414, f"The address is {length} characters long; the limit is {self.settings.max_url_chars}.")
        if not self._host_allowed(scope):
            raise Refusal(400, "This server does not answer for that host name.")
        limit = self.settings.max_body_bytes
        if scope["path"].rstrip("/") in OTHER_UPLOAD_PATHS:
            raise Refusal(403, "This server takes no recordings.")
        if scope["path"].rstrip("/") == UPLOAD_PATH:
            if not self.gate.enabled:
                raise Refusal(403, "This server takes no uploads.")
            if not self.gate.is_admin_cookie(_header(scope, b"cookie")):
                raise Refusal(403, "Only a signed-in admin can upload files; sign in on the Admin tab first.")
            limit = self.max_upload_bytes
        declared = _header(scope, b"content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                raise Refusal(400, "The Content-Length header is not a number.")
            if int(declared) > limit:
                raise Refusal(413, f"The request body is {int(declared)} bytes; the limit is {limit}.")
        if scope["method"] == "GET" and scope["path"] in _API_SEARCHES:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("q", [""])[0]
            self._take_tokens(scope, query)
        return limit

    def _take_tokens(self, scope, query) -> None:
        """Takes the search's cost from its client's bucket (search_cost); raises Refusal(429) when it lacks them."""
        wait = self.limiter.take(client_address(scope), search_cost(query))
        if wait:
            raise Refusal(429, f"Too many searches from this address; try again in {retry_after(wait)} s.",
                          ((b"retry-after", retry_after(wait).encode()),))

    # -- the body --------------------------------------------------------------------------------------------

    async def _check_body(self, scope, receive, send, limit: int):
        """Gives the (receive, send) the app should use (a CappedBody for a streamed body); None when the request
        was refused while reading it."""
        if scope["method"] not in ("POST", "PUT", "PATCH"):
            return receive, send
        path = scope["path"]
        named = _EVENT_BY_NAME.match(path)
        if path in _EVENT_BY_INDEX or named:  # an event call: which event and its question are in the body,
            body = await self._read_all(receive, send, limit)  # read whole (it is under the cap)
            if body is None:
                return None
            try:
                call = json.loads(body)
                event, question = call.get("fn_index"), (call.get("data") or [""])[0]
            except (ValueError, AttributeError, TypeError, IndexError, KeyError):
                event, question = None, ""  # Gradio answers a malformed call itself
            events = self.search_events
            if (named and named.group(1) in events.names) or (not named and event in events.indices):
                self._take_tokens(scope, question)
            return _replay(body, receive), send
        files = _boundary(scope) if path.rstrip("/") == UPLOAD_PATH else None
        return CappedBody(receive, send, limit, files, self.settings.max_upload_files)

    async def _read_all(self, receive, send, limit: int) -> bytes | None:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await send_error(send, 413, f"The request body is over the limit of {limit} bytes.")
                return None
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)


def search_cost(query) -> int:
    """Gives the tokens a search takes from its client's bucket: one per started 100 characters of its question.

    The work a search causes grows with its question (tokens embedded, words looked up, terms scored): a
    1,000-character question of made-up English words, the costliest the server accepts, takes 10 (a whole
    burst) and cost about ten normal searches or more in our runs (python -m bench.load_test --mixed shows what
    the charge buys); a question under 100 characters takes one (the 1,460 of tests/data: 78 on average, 166 at
    most; one in five takes two).
    """
    return max(1, math.ceil(len(query) / CHARS_PER_TOKEN)) if isinstance(query, str) else 1


def _replay(body: bytes, receive):
    sent = False

    async def replaying():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()
    return replaying


def _boundary(scope) -> bytes | None:
    content_type = _header(scope, b"content-type") or ""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    return ("--" + match.group(1)).encode("latin-1") if match else None


class CappedBody:
    """The (receive, send) the app gets for a body read as it streams: the body passes on until it passes
    `limit` bytes (or, for an upload, `max_files` parts); then the guard answers 413 itself, tells the app the
    client has gone, and drops whatever the app still sends."""

    def __init__(self, receive, send, limit: int, boundary: bytes | None, max_files: int):
        self._receive, self._send = receive, send
        self.limit, self.boundary, self.max_files = limit, boundary, max_files
        self.size, self.parts, self._tail = 0, 0, b""
        self.refused = False

    async def receive(self):
        if self.refused:
            return {"type": "http.disconnect"}
        message = await self._receive()
        if message["type"] != "http.request":
            return message
        chunk = message.get("body", b"")
        self.size += len(chunk)
        problem = None
        if self.size > self.limit:
            problem = f"The request body is over the limit of {self.limit} bytes."
        elif self.boundary:
            seen = self._tail + chunk
            self.parts += seen.count(self.boundary)
            self._tail = seen[-(len(self.boundary) - 1):]
            if self.parts > self.max_files + 1:  # each part opens with the boundary, and one more closes the last
                problem = f"An upload may hold {self.max_files} file(s) at most."
        if problem:
            self.refused = True
            await send_error(self._send, 413, problem)
            return {"type": "http.disconnect"}
        return message

    async def send(self, message):
        if not self.refused:  # once refused, what the app still says is dropped: the answer has gone
            await self._send(message)
