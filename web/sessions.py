"""Sign-in sessions, kept in the database (migration 13) so that restarting `procflow serve`
signs nobody out and several serve processes behind one proxy share them: a random token in an
HttpOnly, SameSite=Lax cookie (Secure over HTTPS), and in the database only its digest, the
person and the language chosen. The idle timeout and signing out are the server's: a session
unused too long is ended when next seen, and purged with the others at each sign-in.

A visitor not signed in needs no row: their token is only what the sign-in form's CSRF token is
derived from; a row is kept once they sign in or choose a language. Methods run in a worker
thread (they read the store). Never prints."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from procflow.engine.desk.accounts import Store, end_session, find_session, keep_session, purge_sessions

COOKIE = "procflow_session"
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32): what a cookie may hold


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Session:
    token: str
    person: str | None  # None: not signed in (yet); the session still carries a CSRF token
    lang: str | None = None  # chosen with the language switch; None: the browser's
    expired: bool = False  # it was signed in, and has just been ended for being idle too long

    @property
    def csrf(self) -> str:
        """The CSRF token of forms in this session: derived from the session's token (so nothing
        more is kept), under its own prefix (so it says nothing of the digest the database holds)."""
        return hashlib.sha256(b"procflow csrf\0" + self.token.encode()).hexdigest()


class Sessions:
    def __init__(
        self, store: Callable[[], Store], idle_seconds: float, clock: Callable[[], datetime] = _now
    ) -> None:
        self.store = store  # this thread's store connection
        self.idle = idle_seconds
        self.clock = clock

    def new(self, person: str | None = None, lang: str | None = None) -> Session:
        """A fresh session (a new token: signing in never keeps the token used before it)."""
        session = Session(secrets.token_urlsafe(32), person, lang=lang)
        if person is not None:  # a sign-in: sessions idle too long go now, everyone's
            purge_sessions(self.store(), idle=self.idle, at=self.clock())
        if person is not None or lang is not None:
            keep_session(self.store(), session.token, person=person, lang=lang, at=self.clock())
        return session

    def get(self, token: str | None, *, touch: bool = True) -> Session | None:
        """The session of `token`, its idle time reset (unless `touch` is False: a live update
        is not a use); None for no token or one procflow never gives out. A token without a row
        is a visitor not signed in (or signed out, or idle too long: then `expired`)."""
        if not token or not TOKEN.fullmatch(token):
            return None
        found, expired = find_session(self.store(), token, idle=self.idle, at=self.clock(), touch=touch)
        if found is None:
            return Session(token, None, expired=expired)
        return Session(token, found.person, lang=found.lang)

    def choose(self, session: Session, lang: str) -> None:
        """Keep `lang` as the session's language, signed in or not."""
        session.lang = lang
        keep_session(self.store(), session.token, person=session.person, lang=lang, at=self.clock())

    def end(self, token: str) -> None:
        end_session(self.store(), token)
