"""Sign-in sessions, kept in memory: a random token in an HttpOnly, SameSite=Lax cookie (Secure
over HTTPS), the person, their CSRF token and language, and when it was last used. A session
idle longer than the limit is gone; a restart signs everyone out. Never prints."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

COOKIE = "procflow_session"
MAX_SESSIONS = 10_000  # anonymous ones (a sign-in form shown) are dropped first past this


@dataclass
class Session:
    token: str
    person: str | None  # None: not signed in (yet); the session still carries a CSRF token
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    lang: str | None = None  # chosen with the language switch; None: the browser's
    seen: float = 0.0


class Sessions:
    def __init__(self, idle_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle = idle_seconds
        self.clock = clock
        self.lock = threading.Lock()
        self.found: dict[str, Session] = {}

    def new(self, person: str | None = None, lang: str | None = None) -> Session:
        """A fresh session (a new token: signing in never keeps the token used before it)."""
        session = Session(secrets.token_urlsafe(32), person, lang=lang, seen=self.clock())
        with self.lock:
            if len(self.found) >= MAX_SESSIONS:
                self._sweep()
            self.found[session.token] = session
        return session

    def get(self, token: str | None) -> Session | None:
        """The live session of `token`, its idle time reset; None when unknown or idle too long."""
        if not token:
            return None
        now = self.clock()
        with self.lock:
            session = self.found.get(token)
            if session is None:
                return None
            if now - session.seen > self.idle:
                del self.found[token]
                return None
            session.seen = now
            return session

    def end(self, token: str) -> None:
        with self.lock:
            self.found.pop(token, None)

    def _sweep(self) -> None:
        now = self.clock()
        for token, session in list(self.found.items()):
            if now - session.seen > self.idle or session.person is None:
                del self.found[token]
