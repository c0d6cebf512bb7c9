"""Who is an admin: a sign-in with the admin password gives a session cookie, wrong passwords are logged and lock
an address out for a while. Uploads and the Admin tab's event ask here, so the password is tried in one place,
outside the queue that searches use."""
from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie

from ui.admin import password_matches

COOKIE = "puente_admin"
MAX_SESSIONS = 100  # the oldest go first: admins are few
log = logging.getLogger("puente.admin")


class AdminRefused(Exception):
    """A sign-in refused: status is the HTTP status to answer with, the message one sentence, retry_after seconds."""

    def __init__(self, status: int, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


@dataclass
class _Failures:
    count: int = 0
    locked_until: float = 0.0


class AdminGate:
    """Checks admin passwords per client address and keeps the sessions they open (in memory: a restart signs out)."""

    def __init__(self, password: str | None, *, failures: int = 5, lockout_seconds: float = 900,
                 session_seconds: float = 3600, clock=time.monotonic):
        self._password = password or ""
        self.failures_allowed = max(1, failures)
        self.lockout_seconds = lockout_seconds
        self.session_seconds = session_seconds
        self._clock = clock
        self._failures: dict[str, _Failures] = {}
        self._sessions: dict[str, float] = {}  # token -> expiry
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """True when an admin password is configured (the Admin tab exists)."""
        return bool(self._password)

    def sign_in(self, given: str | None, address: str) -> str:
        """Gives a new session token for the right password; raises AdminRefused (and logs) otherwise."""
        if not self.enabled:
            raise AdminRefused(404, "There is no Admin tab on this server.")
        now = self._clock()
        with self._lock:
            record = self._failures.get(address)
            if record and record.locked_until > now:
                raise AdminRefused(429, "Too many wrong passwords from this address; try again later.",
                                   retry_after=record.locked_until - now)
        if password_matches(given, self._password):
            with self._lock:
                self._failures.pop(address, None)
                token = secrets.token_urlsafe(32)
                self._sessions[token] = now + self.session_seconds
                self._drop_old_sessions(now)
            log.info("admin signed in from %s", address)
            return token
        with self._lock:
            record = self._failures.setdefault(address, _Failures())
            if record.locked_until and record.locked_until <= now:  # an expired lockout starts the count again
                record.count, record.locked_until = 0, 0.0
            record.count += 1
            locked = record.count >= self.failures_allowed
            if locked:
                record.locked_until = now + self.lockout_seconds
        # time comes from the log record; the password given is never written anywhere
        log.warning("admin sign-in failed from %s (wrong password, %d of %d)", address, record.count,
                    self.failures_allowed)
        if locked:
            log.warning("admin sign-in locked for %s for %.0f s", address, self.lockout_seconds)
            raise AdminRefused(429, "Too many wrong passwords from this address; try again later.",
                               retry_after=self.lockout_seconds)
        raise AdminRefused(401, "Wrong password.")

    def sign_out(self, token: str | None) -> None:
        with self._lock:
            self._sessions.pop(token or "", None)

    def is_admin(self, token: str | None) -> bool:
        """True when token is a session opened by sign_in and not yet expired."""
        if not token or not self.enabled:
            return False
        with self._lock:
            expiry = self._sessions.get(token)
            return expiry is not None and expiry > self._clock()

    def is_admin_cookie(self, cookie_header: str | None) -> bool:
        """True when a Cookie header carries a valid admin session."""
        return self.is_admin(session_token(cookie_header))

    def _drop_old_sessions(self, now: float) -> None:
        for token in [t for t, expiry in self._sessions.items() if expiry <= now]:
            del self._sessions[token]
        while len(self._sessions) > MAX_SESSIONS:
            del self._sessions[min(self._sessions, key=self._sessions.get)]


def session_token(cookie_header: str | None) -> str | None:
    """Gives the admin session token of a Cookie header, or None."""
    if not cookie_header:
        return None
    cookies = SimpleCookie()
    try:
        cookies.load(cookie_header)
    except Exception:  # noqa: BLE001 - a malformed Cookie header carries no session
        return None
    morsel = cookies.get(COOKIE)
    return morsel.value if morsel else None
