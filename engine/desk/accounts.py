"""Accounts for the web desk: whose password hash is kept, and the store interfaces are handed.

Only hashes pass through here (the web layer makes and checks them; the hashing library is its
own). A password is set for a person of the site file only. `Store` is re-exported so that an
interface typed against the desk services never imports the store package. Never prints.
"""

from __future__ import annotations

from datetime import UTC, datetime

from procflow.engine.base.errors import NotFoundError
from procflow.engine.base.stamps import stamp
from procflow.engine.site.sitefile import Site
from procflow.engine.store import Store

__all__ = ["Store", "hash_of", "set_hash"]


def set_hash(store: Store, site: Site, person: str, hashed: str, *, set_by: str) -> None:
    """Keep `hashed` as the password hash of `person`, who must be one of the site file's people."""
    if person not in site.people:
        known = ", ".join(sorted(site.people)) or "none (the site file names no people)"
        raise NotFoundError(f"unknown person '{person}'; the site file's people: {known}")
    store.set_password(person, hashed, set_by=set_by, at=stamp(datetime.now(UTC)))


def hash_of(store: Store, site: Site, person: str) -> str | None:
    """The password hash of a person of the site file, or None (no such person, or none set)."""
    return store.password_of(person) if person in site.people else None
