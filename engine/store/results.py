"""A small key-value file for the validation result cache (engine/check/cache.py): text values
by text key in one SQLite file (WAL), written in batches by one process.

Every failure is silent and only costs time: a file that cannot be opened, a locked or
read-only one, a full disk is a miss, and a file that is not a database is removed for the
next run. Knows nothing of what the values mean.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path

_MAGIC = b"SQLite format 3\0"


class ResultFile:
    """Values by key in the file at `path`, opened on first use; `max_entries` caps how many it
    keeps (the oldest written go first)."""

    def __init__(self, path: Path, *, max_entries: int, timeout: float = 0.5) -> None:
        self.path = path
        self.max_entries = max_entries
        self.timeout = timeout
        self._db: sqlite3.Connection | None = None
        self._broken = False

    def get(self, key: str) -> str | None:
        """The value under `key`, or None (missing, or the file cannot be read)."""
        db = self._connect()
        if db is None:
            return None
        try:
            row = db.execute("SELECT value FROM entries WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return None if row is None else str(row[0])

    def put_many(self, items: Iterable[tuple[str, str]]) -> None:
        """Write `items` in one transaction and drop the oldest beyond the cap; on any trouble
        (locked by another run for too long, disk full, read-only) write nothing from now on."""
        db = self._connect()
        if db is None:
            return
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO entries (key, value) VALUES (?, ?)", items)
                db.execute(
                    "DELETE FROM entries WHERE rowid <= (SELECT max(rowid) FROM entries) - ?",
                    (self.max_entries,),
                )
        except (UnicodeError, sqlite3.Error):
            self._broken = True

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and not self._broken:
            try:
                db = sqlite3.connect(self.path, timeout=self.timeout)
            except (OSError, sqlite3.Error):
                self._broken = True
                return None
            try:
                # WAL: readers never wait for a writer, and a crash cannot leave a torn database
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                self._db = db
            except sqlite3.Error:
                db.close()
                self._broken = True
                self._discard_if_damaged()
        return self._db

    def _discard_if_damaged(self) -> None:
        """A file that is not a database (a crash, a foreign file) is removed for the next run."""
        with contextlib.suppress(OSError), open(self.path, "rb") as handle:
            if handle.read(len(_MAGIC)) != _MAGIC:
                self.path.unlink()

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(Exception):
                self._db.close()
            self._db = None
