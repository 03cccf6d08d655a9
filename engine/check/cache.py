"""A content-hash cache of validation results, so unchanged files are not checked again.

A file's entry is keyed on its path and bytes, the project rules' entry on the keys of all
files checked together; both also on the identity of everything else that decides a result
(procflow's version and source, the schema, PyYAML, Python). Entries are JSON (never pickle)
in one key-value file per identity (`engine.store.results`), in the user cache directory or
PROCFLOW_CACHE_DIR, written by this process alone in a few batches. A broken, locked or
read-only cache is a miss. No SQL here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from procflow.engine import __version__
from procflow.engine.base.diagnostic import Diagnostic, Severity
from procflow.engine.base.paths import ENGINE_DIR, cache_dir, schema_path
from procflow.engine.check.digest import is_digest

if TYPE_CHECKING:
    from procflow.engine.store.results import ResultFile

LAYOUT = "validate-v2"
STALE_SECONDS = 7 * 24 * 3600  # results of other procflow versions are removed after a week
FLUSH_EVERY = 256  # entries held in memory before they are written
MAX_ENTRIES = 100_000  # beyond this the oldest entries go (each edit of a file adds one)


class Cache:
    """Entries by key; every failure is silent and only costs time."""

    def __init__(self, directory: Path, identity: str) -> None:
        self.path = directory / LAYOUT / f"{identity[:24]}.sqlite3"
        self.identity = identity
        self.pending: dict[str, str] = {}
        self._results: ResultFile | None = None

    @classmethod
    def open(cls) -> Cache:
        return cls(default_directory(), code_identity())

    def project_key(self, file_keys: list[str]) -> str:
        joined = "\0".join([self.identity, "project", *file_keys])
        return hashlib.sha256(joined.encode("utf-8", "surrogateescape")).hexdigest()

    def get_file(self, key: str, path: str) -> tuple[list[Diagnostic], str | None] | None:
        """The diagnostics (for `path`) and digest stored under `key`, or None."""
        stored = self._get(key)
        try:
            digest = stored["digest"]
            if digest is not None and not (isinstance(digest, str) and is_digest(digest)):
                return None
            return [_diagnostic(path, *row) for row in stored["diagnostics"]], digest
        except (ValueError, TypeError, KeyError, IndexError):
            return None  # missing, or not what this version writes: check again

    def put_file(self, key: str, diagnostics: list[Diagnostic], digest: str | None) -> None:
        self._put(key, {"diagnostics": [_row(d)[1:] for d in diagnostics], "digest": digest})

    def get_project(self, key: str) -> list[Diagnostic] | None:
        stored = self._get(key)
        try:
            return [_diagnostic(*row) for row in stored["project"]]
        except (ValueError, TypeError, KeyError, IndexError):
            return None

    def put_project(self, key: str, diagnostics: list[Diagnostic]) -> None:
        self._put(key, {"project": [_row(d) for d in diagnostics]})

    def _get(self, key: str) -> Any:
        stored = self._file().get(key)
        try:
            return None if stored is None else json.loads(stored)
        except ValueError:
            return None

    def _put(self, key: str, value: dict[str, Any]) -> None:
        # ASCII escapes: a path that is not UTF-8 (surrogates) must still be storable
        self.pending[key] = json.dumps(value, separators=(",", ":"))
        if len(self.pending) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Write what is pending in one batch; on any trouble, drop it."""
        pending, self.pending = self.pending, {}
        if pending:
            self._file().put_many(pending.items())

    def _file(self) -> ResultFile:
        """The file of this identity; a new one first clears out other versions' stale files."""
        if self._results is None:
            # sqlite3 and the store package load only when a result is read or written, not in
            # `validate --no-cache`, which times a file's check alone
            from procflow.engine.store.results import ResultFile

            if not self.path.exists():
                with contextlib.suppress(OSError):  # a folder we cannot make: the file fails to open
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    _prune_siblings(self.path)
            self._results = ResultFile(self.path, max_entries=MAX_ENTRIES)
        return self._results

    def close(self) -> None:
        self.flush()
        if self._results is not None:
            self._results.close()
            self._results = None


def file_key(identity: str, path: str, raw: bytes) -> str:
    """The key of one file's result: the identity, the file's absolute path and its bytes."""
    digest = hashlib.sha256(identity.encode() + b"\0file\0")
    digest.update(os.path.abspath(path).encode("utf-8", "surrogateescape") + b"\0")
    digest.update(raw)
    return digest.hexdigest()


def _row(d: Diagnostic) -> list[Any]:
    return [d.path, d.line, d.col, d.code, d.severity.value, d.message, d.pointer]


def _diagnostic(
    path: str, line: int, col: int, code: str, severity: str, message: str, pointer: str
) -> Diagnostic:
    texts = (path, code, message, pointer)
    if not (type(line) is int and type(col) is int and all(isinstance(v, str) for v in texts)):
        raise TypeError("not a stored diagnostic")
    return Diagnostic(path, line, col, code, Severity(severity), message, pointer)


def default_directory() -> Path:
    """Where validation results are kept (see `engine.base.paths.cache_dir`)."""
    return cache_dir()


_identity: str | None = None


def code_identity() -> str:
    """A digest of everything besides the files that decides a result; computed once per process."""
    global _identity
    if _identity is None:
        versions = f"{__version__}|{sys.version}|{yaml.__version__}|{yaml.__with_libyaml__}"
        digest = hashlib.sha256(versions.encode())
        package = ENGINE_DIR
        for source in sorted(package.rglob("*.py")):  # the loader, schema check, model and every rule
            digest.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
        digest.update(schema_path().read_bytes())
        _identity = digest.hexdigest()
    return _identity


def _prune_siblings(current: Path) -> None:
    """Remove results of other procflow versions that nobody has written to for a week."""
    now = time.time()
    for sibling in current.parent.iterdir():
        with contextlib.suppress(OSError):
            other = sibling.name.split(".")[0] != current.name.split(".")[0]
            if other and now - sibling.stat().st_mtime > STALE_SECONDS:
                sibling.unlink()
