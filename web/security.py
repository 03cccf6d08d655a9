"""What every response and every sign-in attempt goes through: security headers, the CSRF
check of state-changing requests, and the sign-in rate limit per person and per address."""

from __future__ import annotations

import hmac
import threading
import time
from collections import deque
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No inline script or style anywhere: every script and stylesheet is a file under /static.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeaders:
    """ASGI middleware adding HEADERS to every HTTP response (and no-store to every page)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += HEADERS
                if not static:  # pages hold people's answers: never kept by a shared cache
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def csrf_ok(expected: str, given: str | None) -> bool:
    """Whether a request carries the session's CSRF token (compared in constant time)."""
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


class RateLimit:
    """At most `limit` failed sign-ins per key within `window` seconds (a sliding window).
    Keys are `person:NAME` and `address:IP`; a success clears the person's failures."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.lock = threading.Lock()
        self.failures: dict[str, deque[float]] = {}

    def blocked(self, key: str) -> bool:
        with self.lock:
            return len(self._recent(key)) >= self.limit

    def failed(self, key: str) -> None:
        with self.lock:
            self._recent(key).append(self.clock())

    def clear(self, key: str) -> None:
        with self.lock:
            self.failures.pop(key, None)

    def _recent(self, key: str) -> deque[float]:
        found = self.failures.setdefault(key, deque())
        while found and self.clock() - found[0] > self.window:
            found.popleft()
        return found
