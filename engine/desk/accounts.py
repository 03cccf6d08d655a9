"""Accounts for the web desk: whose password hash is kept, its sign-in sessions, and the store
interfaces are handed.

Only hashes pass through here (the web layer makes and checks password hashes; the hashing
library is its own). A password is set for a person of the site file only. A session is kept by
the sha256 of its token, never the token: whoever reads the database cannot sign in with it.
`Store` is re-exported so that an interface typed against the desk services never imports the
store package. Never prints.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from procflow.engine.base.errors import NotFoundError
from procflow.engine.base.stamps import stamp
from procflow.engine.site.sitefile import Site
from procflow.engine.store import Store
from procflow.engine.store.records import SessionRow

__all__ = [
    "SessionRow",
    "Store",
    "digest",
    "end_session",
    "find_session",
    "hash_of",
    "keep_session",
    "purge_sessions",
    "set_hash",
]

TOUCH_EVERY = 60.0  # seconds: a session's last use is written at most this often (one write a minute)


def set_hash(store: Store, site: Site, person: str, hashed: str, *, set_by: str) -> None:
    """Keep `hashed` as the password hash of `person`, who must be one of the site file's people."""
    if person not in site.people:
        known = ", ".join(sorted(site.people)) or "none (the site file names no people)"
        raise NotFoundError(f"unknown person '{person}'; the site file's people: {known}")
    store.set_password(person, hashed, set_by=set_by, at=stamp(datetime.now(UTC)))


def hash_of(store: Store, site: Site, person: str) -> str | None:
    """The password hash of a person of the site file, or None (no such person, or none set)."""
    return store.password_of(person) if person in site.people else None


def digest(token: str) -> str:
    """What a session is kept under: the sha256 of its token, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def keep_session(store: Store, token: str, *, person: str | None, lang: str | None, at: datetime) -> None:
    """Keep the session of `token` for `person` (None: not signed in yet) in `lang`."""
    store.keep_session(digest(token), person=person, lang=lang, at=stamp(at))


def find_session(
    store: Store, token: str, *, idle: float, at: datetime, touch: bool = True
) -> tuple[SessionRow | None, bool]:
    """The session of `token` used now (`touch`: its last use noted), and whether it had just
    expired: a session unused for `idle` seconds is ended here, on the server, whatever the
    browser still holds."""
    key = digest(token)
    found = store.session_of(key)
    if found is None:
        return None, False
    seen = datetime.fromisoformat(found.seen_at)
    if (at - seen).total_seconds() > idle:
        store.end_session(key)
        return None, found.person is not None
    if touch and (at - seen).total_seconds() >= TOUCH_EVERY:
        store.touch_session(key, at=stamp(at))
    return found, False


def end_session(store: Store, token: str) -> None:
    store.end_session(digest(token))


def purge_sessions(store: Store, *, idle: float, at: datetime) -> int:
    """Forget every session unused for `idle` seconds (the browsers holding them are signed out)."""
    return store.purge_sessions(idle_before=stamp(at - timedelta(seconds=idle)))
