"""Live updates for every open desk page of one server: one watcher thread with one store
connection of its own waits on the store (`wait_for_due_change`, as `agenda --watch` does:
PostgreSQL is told by LISTEN/NOTIFY, SQLite's file is asked cheaply) and wakes the streams
waiting in the event loop. A stream holds no thread and no connection while it waits, so a
browser that goes away leaves nothing behind; closing the server ends every stream at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Iterator

from procflow.engine.base.errors import ProcflowError
from procflow.engine.desk.accounts import Store

WAIT = 1.0  # seconds the watcher waits on the store at a time: how soon it notices it must stop
RETRY = 5.0  # seconds before the watcher tries a store it could not reach again


class Live:
    def __init__(self, open_store: Callable[[], Store]) -> None:
        self.open_store = open_store
        self.waiting: set[asyncio.Event] = set()
        self.changes = 0  # how many changes the watcher has seen (for tests and logs)
        self.closed = False
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread: threading.Thread | None = None
        self.stopping = threading.Event()

    def start(self) -> None:
        """Start the watcher; called in the event loop as the server starts."""
        self.loop = asyncio.get_running_loop()
        self.thread = threading.Thread(target=self._watch, name="procflow-live", daemon=True)
        self.thread.start()

    def close(self) -> None:
        """End every stream and the watcher (the server is stopping); safe to call twice."""
        self.closed = True
        self.stopping.set()
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._wake)

    def join(self, timeout: float = 5.0) -> None:
        if self.thread is not None:
            self.thread.join(timeout)

    @contextlib.contextmanager
    def listening(self) -> Iterator[asyncio.Event]:
        """An event set at each change, for one stream, for as long as it runs."""
        event = asyncio.Event()
        self.waiting.add(event)
        try:
            yield event
        finally:
            self.waiting.discard(event)

    async def wait(self, event: asyncio.Event, timeout: float) -> None:
        """Until the store changes, the server closes, or `timeout` seconds pass."""
        if not self.closed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), max(0.0, timeout))
        event.clear()

    def _wake(self) -> None:
        self.changes += 1
        for event in self.waiting:
            event.set()

    def _watch(self) -> None:
        store: Store | None = None
        while not self.stopping.is_set():
            try:
                if store is None:
                    store = self.open_store()
                    store.wait_for_due_change(0)  # listening from now on
                if store.wait_for_due_change(WAIT) and self.loop is not None:
                    with contextlib.suppress(RuntimeError):  # the loop closed as the server stopped
                        self.loop.call_soon_threadsafe(self._wake)
            except ProcflowError:  # the database is unreachable for now: pages say so; try again
                if store is not None:
                    with contextlib.suppress(ProcflowError):
                        store.close()
                store = None
                self.stopping.wait(RETRY)
        if store is not None:
            store.close()
