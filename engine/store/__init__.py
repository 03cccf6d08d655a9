"""The store: where instances, their events and pinned procedure texts are kept.

`open_store` opens the database the environment names; only this package speaks SQL or imports
a database driver. It may import `engine.base` and nothing else of procflow.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from procflow.engine.base.environment import db_path, durability, lock_timeout

if TYPE_CHECKING:
    from procflow.engine.store.sqlite import Store


def open_store(explicit: str | os.PathLike[str] | None = None) -> Store:
    """The store where `db_path` says, with the lock wait and durability the environment sets."""
    from procflow.engine.store.sqlite import Store

    path, default = db_path(explicit)
    return Store(path, timeout=lock_timeout(), durability=durability(), create_dir=default)
