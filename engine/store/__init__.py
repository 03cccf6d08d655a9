"""The store: where instances, their events and pinned procedure texts are kept.

`Store` (protocol.py) names every operation the desk services ask of a store; `open_store`
returns the backend the environment names, typed as that protocol. `BACKENDS` is the one place
a backend is added: `sqlite` (sqlite.py, the embedded default, for a path) and `postgresql`
(postgres.py, for a `postgresql://` URL, its driver imported only then). records.py holds the
typed rows every backend hands out, migrations.py and postgres_migrations.py the schema,
results.py the key-value file of validation results. Only this package speaks SQL or imports a
database driver. It may import `engine.base` and nothing else of procflow.
"""

from __future__ import annotations

import importlib
import os
from typing import NamedTuple

from procflow.engine.base.environment import db_path, durability, is_url, lock_timeout, masked
from procflow.engine.base.errors import UsageError
from procflow.engine.store.protocol import Store

__all__ = ["BACKENDS", "Store", "backend_of", "open_store"]


class Backend(NamedTuple):
    """A store backend as `open_store` knows it before its module (and driver) is imported.
    Its module defines `open_location(location, *, timeout, durability, create_dir, migrate, glance)
    -> Store`."""

    module: str  # under procflow.engine.store
    schemes: tuple[str, ...]  # the URL schemes that select it; none: it takes a file path
    summary: str  # what it is, for messages and docs


BACKENDS: dict[str, Backend] = {
    "sqlite": Backend("sqlite", (), "an SQLite file, the embedded default for one desk"),
    "postgresql": Backend("postgres", ("postgresql", "postgres"), "a PostgreSQL server shared by many desks"),
}


def backend_of(location: str) -> str:
    """The name of the backend that keeps `location`: a URL's scheme decides, a path is SQLite's."""
    if not is_url(location):
        return next(name for name, backend in BACKENDS.items() if not backend.schemes)
    scheme = location.split("://", 1)[0].lower()
    for name, backend in BACKENDS.items():
        if scheme in backend.schemes:
            return name
    known = ", ".join(f"{s}://" for b in BACKENDS.values() for s in b.schemes)
    raise UsageError(
        f"database '{masked(location)}' has an unknown scheme '{scheme}://'; give a file path or a {known} URL"
    )


GLANCE_SECONDS = 0.5  # a glance waits this long for a lock; a server gets libpq's least, 2 s, to answer


def open_store(
    explicit: str | os.PathLike[str] | None = None, *, migrate: bool = True, glance: bool = False
) -> Store:
    """The store where `db_path` says, with the lock wait and durability the environment sets,
    migrated to the latest schema (`migrate=False`: as it is, for `procflow db upgrade`). The
    backend's module loads only now: `validate` and `--help` never load a database driver.

    `glance`: a quick look that must neither wait nor change anything (shell completion, on
    every Tab): nothing is created or migrated (a missing file is a `DatabaseError`), a lock is
    waited on for GLANCE_SECONDS and a server given the shortest time libpq allows to answer."""
    location, default = db_path(explicit)
    module = importlib.import_module(f"procflow.engine.store.{BACKENDS[backend_of(location)].module}")
    store: Store = module.open_location(
        location,
        timeout=GLANCE_SECONDS if glance else lock_timeout(),
        durability=durability(),
        create_dir=default and not glance,
        migrate=migrate and not glance,
        glance=glance,
    )
    return store
