"""A token bucket per client address: each search takes a token, tokens come back at a steady rate."""
from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict

MAX_CLIENTS = 10_000  # buckets kept; the longest idle go first (an idle bucket is full again anyway)


class RateLimiter:
    """Lets each key (a client address) spend up to `burst` tokens at once, refilled at `per_minute` a minute."""

    def __init__(self, per_minute: float, burst: int, *, clock=time.monotonic):
        self.rate = per_minute / 60.0  # tokens a second
        self.burst = max(1, int(burst))
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, when counted)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def take(self, key: str, tokens: int = 1) -> float:
        """Takes tokens for key (at most the burst); gives 0 when it had them, else the seconds until it will
        (and takes nothing)."""
        if not self.enabled:
            return 0.0
        wanted = float(min(max(1, tokens), self.burst))
        now = self._clock()
        with self._lock:
            held, then = self._buckets.pop(key, (float(self.burst), now))
            held = min(float(self.burst), held + (now - then) * self.rate)
            wait = 0.0 if held >= wanted else (wanted - held) / self.rate
            self._buckets[key] = (held - wanted if not wait else held, now)
            while len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)
        return wait


def retry_after(seconds: float) -> str:
    """Gives a Retry-After header value: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))
