"""Procedure files that passed every check, kept as their parsed data by the bytes checked, so
`run` starts an unchanged file without PyYAML, the schema check or the rules (a third of its
start-up before the first prompt).

A hit proves that these exact bytes, at this path, passed every per-file and project check
under this very code: the key is a digest of the bytes and path and of the code's identity
(procflow's version, Python, the size and time of every engine source file, the schema and
PyYAML's files), found with a few hundred `stat` calls and no import; entries of other code
age out of the one file. Only a file that runs alone (it
uses no other procedure) is kept, and only data that JSON gives back unchanged. Entries live in
one key-value file (`engine.store.results`) in the cache directory; a broken, locked or
read-only one is a miss. Nothing here checks or prints.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from importlib.util import find_spec
from typing import Any

from procflow.engine import __version__
from procflow.engine.base.paths import ENGINE_DIR, cache_dir, schema_path
from procflow.engine.store.results import ResultFile

LAYOUT = "started-v1"
MAX_ENTRIES = 2_000  # a desk runs a few dozen procedures; each edit of one adds an entry

_identity: str | None = None
_results: ResultFile | None = None


def identity() -> str:
    """Everything besides the file that decides whether it passes: computed once per process
    from file sizes and times (an editable checkout's edits change them, as a new release does)."""
    global _identity
    if _identity is None:
        digest = hashlib.sha256(f"{__version__}|{sys.version}".encode())
        pending = [os.fspath(ENGINE_DIR)]
        while pending:
            with os.scandir(pending.pop()) as entries:
                for entry in sorted(entries, key=lambda e: e.name):
                    if entry.is_dir() and entry.name != "__pycache__":
                        pending.append(entry.path)
                    elif entry.name.endswith(".py"):
                        _stamp(digest, entry.path)
        _stamp(digest, os.fspath(schema_path()))
        spec = find_spec("yaml")  # the loader decides what a file means: its version counts
        for origin in [spec.origin] if spec is not None and spec.origin else []:
            _stamp(digest, origin)
            for name in os.listdir(os.path.dirname(origin)):  # its C extension, if any
                if name.startswith("_yaml") or name.endswith(".so"):
                    _stamp(digest, os.path.join(os.path.dirname(origin), name))
        _identity = digest.hexdigest()
    return _identity


def _stamp(digest: Any, path: str) -> None:
    stat = os.stat(path)
    digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode("utf-8", "surrogateescape"))


def key_of(path: str, raw: bytes) -> str:
    """The key of one file's bytes read from `path` (absolute), under this code."""
    digest = hashlib.sha256(identity().encode() + b"\0started\0")
    digest.update(path.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(raw)
    return digest.hexdigest()


def checked_data(key: str) -> dict[str, Any] | None:
    """The parsed data of the file checked under `key`, or None (never checked, or unreadable)."""
    stored = _file().get(key)
    try:
        data = None if stored is None else json.loads(stored)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def keep(key: str, data: dict[str, Any]) -> None:
    """Remember that the file under `key` passed every check, with its parsed data; data that
    would not come back from JSON as it is (a key that is not a string, NaN) is not kept."""
    try:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        if json.loads(text) != data:
            return
    except (TypeError, ValueError):
        return
    _file().put_many([(key, text)])


def _file() -> ResultFile:
    """The entries' file in the cache directory of the moment (a test may point elsewhere)."""
    global _results
    folder = cache_dir(LAYOUT)
    if _results is None or _results.path.parent != folder:
        with contextlib.suppress(OSError):  # no folder: the file fails to open, every lookup misses
            folder.mkdir(parents=True, exist_ok=True)
        if _results is not None:
            _results.close()
        _results = ResultFile(folder / "started.db", max_entries=MAX_ENTRIES)
    return _results
