"""The store: where instances, their events and pinned procedure texts are kept.

`Store` (protocol.py) names every operation the desk services ask of a store; `open_store`
returns the backend the environment names, typed as that protocol. Backends: `sqlite`
(sqlite.py, the embedded default). records.py holds the typed rows every backend hands out,
migrations.py the schema, results.py the key-value file of validation results. Only this
package speaks SQL or imports a database driver. It may import `engine.base` and nothing
else of procflow.
"""

from __future__ import annotations

import os

from procflow.engine.base.environment import db_path, durability, lock_timeout
from procflow.engine.store.protocol import Store

__all__ = ["Store", "open_store"]


def open_store(explicit: str | os.PathLike[str] | None = None, *, migrate: bool = True) -> Store:
    """The store where `db_path` says, with the lock wait and durability the environment sets.
    `migrate=False`: only an existing store at the latest version, never written to on opening."""
    # sqlite3 loads only when a command opens the store: `validate` and `--help` never do
    from procflow.engine.store.sqlite import SQLiteStore

    path, default = db_path(explicit)
    return SQLiteStore(
        path, timeout=lock_timeout(), durability=durability(), create_dir=default, migrate=migrate
    )
