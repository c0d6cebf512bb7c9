"""What the server layer enforces, read once from the environment: hosts, sizes, rates, the admin lockout."""
from __future__ import annotations

import os
from dataclasses import dataclass

# The names a browser on this machine uses for it; a public deployment lists its own in PUENTE_ALLOWED_HOSTS.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class SettingsError(ValueError):
    """An environment variable of the server layer holds a value it cannot use; the message names it."""


@dataclass(frozen=True)
class ServerSettings:
    """Limits of the served page and its JSON API (every field has an environment variable, see from_environment)."""

    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS  # Host header values answered (port aside); "*" answers any
    max_body_bytes: int = 64 * 1024  # any request body but an admin's upload: a search is a few hundred bytes
    max_url_chars: int = 8 * 1024  # path and query string: a shared search address is well under 1 kB
    max_upload_files: int = 1  # files in one upload request (the Admin tab sends one)
    searches_per_minute: float = 30.0  # per client address, sustained; 0 turns the rate limit off
    search_burst: int = 10  # searches a client may send at once before the rate applies
    api_concurrency: int = 4  # JSON API searches run at once (as many as the page runs)
    api_waiting: int = 64  # JSON API requests that may wait for one of those; more are told the server is busy
    admin_failures: int = 5  # wrong admin passwords from one address before it is locked out
    admin_lockout_seconds: float = 15 * 60
    admin_session_seconds: float = 60 * 60  # an admin sign-in lasts this long

    @classmethod
    def from_environment(cls, environ=None) -> "ServerSettings":
        """Gives the settings with any PUENTE_* variable set in the environment applied; raises SettingsError."""
        environ = os.environ if environ is None else environ
        changes = {}
        hosts = environ.get("PUENTE_ALLOWED_HOSTS", "").strip()
        if hosts:
            changes["allowed_hosts"] = tuple(h.strip().lower() for h in hosts.split(",") if h.strip())
        for name, variable, kind in (("max_body_bytes", "PUENTE_MAX_BODY_BYTES", int),
                                     ("searches_per_minute", "PUENTE_SEARCHES_PER_MINUTE", float),
                                     ("search_burst", "PUENTE_SEARCH_BURST", int),
                                     ("admin_failures", "PUENTE_ADMIN_FAILURES", int),
                                     ("admin_lockout_seconds", "PUENTE_ADMIN_LOCKOUT_SECONDS", float)):
            raw = environ.get(variable, "").strip()
            if not raw:
                continue
            try:
                value = kind(raw)
            except ValueError:
                raise SettingsError(f"{variable}={raw!r} is not a number.") from None
            if value < 0:
                raise SettingsError(f"{variable}={raw!r} must not be negative.")
            changes[name] = value
        return cls(**changes)
