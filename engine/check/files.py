"""The per-file stages of a check: load -> schema -> model -> rules for one file, and its
cached result when the file is unchanged.

`pipeline` runs these over many files and then the cross-file checks; `crossfile` and the
catalog use them for single files. Nothing here looks at other files or prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from procflow.engine.base.diagnostic import Diagnostic, sort_unique
from procflow.engine.check.cache import Cache, file_key
from procflow.engine.check.digest import make_digest
from procflow.engine.load.yamlio import (
    DEFAULT_MAX_BYTES,
    Document,
    LoadError,
    collection_paused,
    load_yaml,
    load_yaml_bytes,
    read_bytes,
)
from procflow.engine.model.procedure import Procedure, build_procedure
from procflow.engine.rules import Checked, run_rules
from procflow.engine.schema.check import check_schema
from procflow.engine.site.sitefile import check_site, is_site


@dataclass(frozen=True)
class FileResult:
    path: str
    diagnostics: list[Diagnostic]
    digest: str | None  # what project rules read (check/digest.py); None: not checked that far
    key: str = ""  # the cache key of the bytes that were checked
    cached: bool = False
    site: bool = False  # a site file (`procflow-site:`), checked by engine.site, never cached


def check_file(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Procedure | None, list[Diagnostic]]:
    """One procedure with every per-file stage (no project rules): its model if one could be built."""
    try:
        document = load_yaml(path, max_bytes=max_bytes)
    except LoadError as exc:
        return None, [exc.diagnostic]
    procedure, diagnostics = check_document(document)
    return procedure, sort_unique(diagnostics)


def check_document(document: Document) -> tuple[Procedure | None, list[Diagnostic]]:
    """Schema, model and per-procedure rules over a loaded document."""
    with collection_paused():  # a large file's model and findings would be traced over and over
        return _check_document(document)


def _check_document(document: Document) -> tuple[Procedure | None, list[Diagnostic]]:
    diagnostics = check_schema(document)
    if any(d.is_error for d in diagnostics):
        return None, diagnostics
    procedure = build_procedure(document.data, document.path)
    diagnostics.extend(run_rules(Checked(procedure, document)))
    return procedure, diagnostics


def load_checked(path: Path) -> tuple[Procedure | None, list[Diagnostic]]:
    """One file through every per-file check: the procedure (None when it has errors) and the findings."""
    procedure, found = check_file(str(path))
    return (None if any(d.is_error for d in found) else procedure), found


def reuse_or_none(path: str, max_bytes: int, cache: Cache) -> FileResult | None:
    """The cached result of an unchanged file (or the refusal of an unreadable one), else None."""
    try:
        raw = read_bytes(path, max_bytes)
    except LoadError as exc:
        return FileResult(path, [exc.diagnostic], None)
    key = file_key(cache.identity, path, raw)
    found = cache.get_file(key, path)
    return None if found is None else FileResult(path, found[0], found[1], key, cached=True)


def check_path(path: str, *, max_bytes: int, identity: str | None = None) -> FileResult:
    """Every per-file stage for one path; with the cache's `identity`, the result carries its key."""
    try:
        raw = read_bytes(path, max_bytes)
    except LoadError as exc:
        return FileResult(path, [exc.diagnostic], None)
    try:
        document = load_yaml_bytes(raw, path, max_bytes=max_bytes)
    except LoadError as exc:
        diagnostics, digest = [exc.diagnostic], None
    else:
        # every procedure has the key `procflow`; without it a site file may be meant (no cache
        # key: its names are checked against each run's procedures)
        if "procflow" not in document.data and is_site(document.data):
            return FileResult(path, check_site(document), None, site=True)
        procedure, diagnostics = check_document(document)
        digest = None if procedure is None else make_digest(document.data)
    if identity is None:
        return FileResult(path, diagnostics, digest)
    return FileResult(path, diagnostics, digest, file_key(identity, path, raw))
