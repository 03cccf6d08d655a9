"""One store connection per worker thread: a SQLite connection belongs to the thread that made
it, and Starlette runs each page in a pool thread. Opened on a thread's first request."""

from __future__ import annotations

import threading
from collections.abc import Callable

from procflow.engine.desk.accounts import Store


class StorePool:
    def __init__(self, opener: Callable[[], Store]) -> None:
        self.opener = opener
        self.local = threading.local()

    def get(self) -> Store:
        store: Store | None = getattr(self.local, "store", None)
        if store is None:
            store = self.opener()
            self.local.store = store
        return store
