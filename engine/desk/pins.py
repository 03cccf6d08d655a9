"""Pinned procedure texts: the models an instance runs on, and whether their files changed.

An instance runs on the exact bytes it started with, kept in the store under their hash; this
module parses them (once per hash per process) and compares the files on disk with them.
Shared by the desk services; reads files and the store, never writes either.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from procflow.engine.base.errors import DatabaseError
from procflow.engine.load.reader import DEFAULT_MAX_BYTES, LoadError, read_bytes
from procflow.engine.store import Store
from procflow.engine.store.records import sha256

if TYPE_CHECKING:
    from procflow.engine.model.procedure import Procedure

_parsed: dict[str, Procedure] = {}  # pinned text hash -> model; texts never change under a hash


def remember_parsed(digest: str, procedure: Procedure) -> None:
    """Keep the model of a text just pinned, so a resume in this process does not parse it again."""
    _parsed.setdefault(digest, procedure)


def pinned_procedures(store: Store, pins: Mapping[str, str]) -> dict[str, Procedure]:
    """The procedures an instance runs on, from their pinned texts (parsed once per hash)."""
    # the YAML loader (PyYAML) and the model load only when a text must be parsed: `status`,
    # which imports this module, never parses one and must start fast
    from procflow.engine.load.yamlio import load_yaml_bytes
    from procflow.engine.model.procedure import build_procedure

    procedures: dict[str, Procedure] = {}
    for pid, digest in pins.items():
        found = _parsed.get(digest)
        if found is None:
            _, path, raw = store.pinned(digest)
            try:
                found = build_procedure(load_yaml_bytes(raw, path).data, path)
            except (LoadError, KeyError, TypeError, ValueError) as exc:
                raise DatabaseError(
                    f"the pinned text of '{path}' in the database cannot be read "
                    f"({type(exc).__name__}); the database was damaged or edited"
                ) from None
            _parsed[digest] = found
        procedures[pid] = found
    return procedures


def file_state(path: str, digest: str) -> str:
    """`current`, `changed` or `removed`: the file at `path` against a pinned hash (no YAML).

    Read through the bounded reader: a pinned text passed the loader, so a file over its size
    limit, or one that is not a regular file (a pipe, a device, a symlink to /dev/zero) is not
    it, and is never read (or waited for) to find that out."""
    try:
        raw = read_bytes(path, DEFAULT_MAX_BYTES)
    except LoadError:
        return "changed" if os.path.exists(path) else "removed"
    return "current" if sha256(raw) == digest else "changed"


def pinned_paths(store: Store, pins: Mapping[str, str], paths: Mapping[str, str]) -> dict[str, str]:
    """The file each pinned procedure of an instance was read from: its own `paths`, else (a row
    written without them) the path its text was first pinned from."""
    return {pid: paths.get(pid) or store.pinned(digest).path for pid, digest in pins.items()}


def changed_files(store: Store, pins: Mapping[str, str], paths: Mapping[str, str]) -> list[str]:
    """One sentence per pinned procedure whose file has changed or gone since the instance
    started, naming the file that instance was started from (`paths`, absolute since migration 8)."""
    notices = []
    for pid, path in pinned_paths(store, pins, paths).items():
        state = file_state(path, pins[pid])
        if state != "current":
            notices.append(
                f"procedure '{pid}' ({path}) was {state} after this instance started; "
                "it keeps running on the text it started with"
            )
    return notices


def absolute(path: str) -> str:
    """`path` as the store keeps it for an instance: absolute, its folder with symbolic links
    and `..` resolved, so it names the same file from any working directory. The file's own
    name is kept as given: a link the user named stays the file they chose, and a link that is
    pointed elsewhere later is a changed procedure, not the old target unchanged."""
    folder, name = os.path.split(os.path.abspath(path))
    return os.path.join(os.path.realpath(folder), name)
