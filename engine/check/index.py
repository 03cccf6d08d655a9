"""The procedure-id index of a directory, kept between runs so that finding one id by name
does not parse every file beside it.

Each file's id, title, source and number of states (or why it could not be read) is kept with
the file's size, modification time and inode; a file whose metadata has not changed is not
read again. One JSON file per directory in the cache directory, replaced atomically; a torn,
foreign or unreadable index only costs reading the files again. Never prints.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from procflow.engine import __version__
from procflow.engine.base.paths import cache_dir

FORMAT = 1
Record = dict[str, Any]  # the JSON of one file: id/title/source/states, or {"problem": message}


def stamp_of(path: Path) -> list[int] | None:
    """What says a file may have changed: size, modification time (ns), inode, change time (ns)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns]


class DirectoryIndex:
    """The records of one directory's files, read from and written back to the cache."""

    def __init__(self, directory: Path) -> None:
        real = os.path.realpath(directory)
        name = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:32]
        self._file = cache_dir("index", f"{name}.json")
        self._records: dict[str, dict[str, Any]] = {}
        self._changed = False
        with contextlib.suppress(OSError, ValueError):
            data = json.loads(self._file.read_text(encoding="utf-8"))
            if (
                data.get("format") == FORMAT
                and data.get("version") == __version__
                and data.get("dir") == real
            ):
                self._records = data["files"]
        self._dir = real
        self._used: set[str] = set()

    def record(self, path: Path, read: Callable[[Path], Record]) -> Record:
        """The record of `path`: kept when its metadata is unchanged, else `read(path)` now."""
        key = os.fsdecode(path)
        self._used.add(key)
        stamp = stamp_of(path)
        kept = self._records.get(key)
        if stamp is not None and kept is not None and kept.get("stamp") == stamp:
            found: Record = kept["record"]
            return found
        fresh = read(path)
        if stamp is not None:
            self._records[key] = {"stamp": stamp, "record": fresh}
            self._changed = True
        return fresh

    def save(self) -> None:
        """Write the index back if anything changed (files gone since are dropped)."""
        if not self._changed and self._used >= set(self._records):
            return
        records = {key: value for key, value in self._records.items() if key in self._used}
        data = {"format": FORMAT, "version": __version__, "dir": self._dir, "files": records}
        with contextlib.suppress(OSError):  # an unwritable cache only costs time
            self._file.parent.mkdir(parents=True, exist_ok=True)
            partial = self._file.with_name(f"{self._file.name}.{os.getpid()}.tmp")
            partial.write_text(json.dumps(data), encoding="utf-8")  # ASCII: any file name survives
            os.replace(partial, self._file)
