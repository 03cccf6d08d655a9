"""A content-hash cache of per-file validation results, so unchanged files are not checked again.

Keyed on the file's path and bytes plus the identity of everything that decides the result
(procflow's version and source, the schema, PyYAML, Python). Stored as JSON (never pickle) in
the user cache directory or PROCFLOW_CACHE_DIR. A broken or unwritable cache is only a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.diagnostic import Diagnostic, Severity

ENV_VARIABLE = "PROCFLOW_CACHE_DIR"
LAYOUT = "validate-v1"
STALE_SECONDS = 7 * 24 * 3600  # results of other procflow versions are removed after a week


@dataclass(frozen=True)
class Entry:
    """One file's result: its diagnostics (without path) and what project rules need."""

    rows: tuple[tuple[int, int, str, str, str, str], ...]  # line, col, code, severity, message, pointer
    summary: dict[str, Any] | None

    @classmethod
    def of(cls, diagnostics: list[Diagnostic], summary: dict[str, Any] | None) -> Entry:
        return cls(
            tuple((d.line, d.col, d.code, d.severity.value, d.message, d.pointer) for d in diagnostics),
            summary,
        )

    def for_path(self, path: str) -> list[Diagnostic]:
        return [
            Diagnostic(path, ln, col, code, Severity(sev), msg, ptr)
            for ln, col, code, sev, msg, ptr in self.rows
        ]


class Cache:
    """Results by key in one directory per identity; every failure is silent and only costs time."""

    def __init__(self, directory: Path, identity: str) -> None:
        self.directory = directory / LAYOUT / identity[:24]
        self.identity = identity
        self.writable = True

    @classmethod
    def open(cls) -> Cache:
        return cls(default_directory(), code_identity())

    def key(self, path: str, raw: bytes) -> str:
        digest = hashlib.sha256(self.identity.encode())
        digest.update(os.path.abspath(path).encode("utf-8", "surrogateescape") + b"\0")
        digest.update(raw)
        return digest.hexdigest()

    def get(self, key: str) -> Entry | None:
        try:
            with open(self.directory / f"{key}.json", encoding="utf-8") as handle:
                stored = json.load(handle)
            rows = tuple(
                (int(r[0]), int(r[1]), str(r[2]), str(Severity(r[3]).value), str(r[4]), str(r[5]))
                for r in stored["diagnostics"]
            )
            summary = stored["summary"]
            if summary is not None and not isinstance(summary, dict):
                return None
            return Entry(rows, summary)
        except (OSError, ValueError, TypeError, KeyError, IndexError):
            return None  # missing, half-written by a crash, or from a foreign tool: check again

    def put(self, key: str, entry: Entry) -> None:
        if not self.writable:
            return
        target = self.directory / f"{key}.json"
        temporary = self.directory / f".{key}.{os.getpid()}.tmp"
        try:
            if not self.directory.is_dir():
                self.directory.mkdir(parents=True, exist_ok=True)
                _prune_siblings(self.directory)
            payload = {"diagnostics": entry.rows, "summary": entry.summary}
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(temporary, target)  # atomic: a reader sees the old entry or the new one
        except (OSError, ValueError, TypeError):
            self.writable = False  # read-only home, full disk: validate on without a cache
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)


def default_directory() -> Path:
    override = os.environ.get(ENV_VARIABLE)
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("procflow", appauthor=False))


_identity: str | None = None


def code_identity() -> str:
    """A digest of everything besides the file that decides a result; computed once per process."""
    global _identity
    if _identity is None:
        import yaml

        from engine import __version__
        from engine.catalog import schema_path

        versions = f"{__version__}|{sys.version}|{yaml.__version__}|{yaml.__with_libyaml__}"
        digest = hashlib.sha256(versions.encode())
        package = Path(__file__).resolve().parent
        for source in sorted(package.rglob("*.py")):  # the loader, schema check, model and every rule
            digest.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
        digest.update(schema_path().read_bytes())
        _identity = digest.hexdigest()
    return _identity


def _prune_siblings(current: Path) -> None:
    """Remove results of other procflow versions that nobody has written to for a week."""
    now = time.time()
    for sibling in current.parent.iterdir():
        try:
            if sibling != current and sibling.is_dir() and now - sibling.stat().st_mtime > STALE_SECONDS:
                shutil.rmtree(sibling, ignore_errors=True)
        except OSError:
            continue
