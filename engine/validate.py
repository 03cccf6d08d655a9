"""The checking pipeline: load -> schema -> model -> rules per file, then project rules.

Each stage collects every finding; a file stops only after a stage that failed. Large sets
are checked by a pool of processes and unchanged files come from `cache`. Results are
Diagnostics, sorted and de-duplicated. This module never prints: formatting is `report`'s.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from engine.diagnostic import Diagnostic, sort_unique
from engine.errors import UsageError
from engine.yamlio import DEFAULT_MAX_BYTES, Document, LoadError
from engine.yamlio import _read as read_bytes  # the loader's own refusals: size, directory, symlink

if TYPE_CHECKING:
    from engine.cache import Cache
    from engine.model import Procedure
    from engine.rules import Checked

SUFFIXES = (".yaml", ".yml")

# What project rules read of a procedure: its id, parameters, the states that use another
# procedure and the final states with their outcomes. Only this is kept in memory (and in the
# cache) until project rules run; a test checks they find the same as with whole procedures.
_SUMMARY_KEYS = ("procflow", "id", "title", "initial", "params")
_SUMMARY_STATE_KEYS = ("use", "outcomes", "final", "outcome")


@dataclass(frozen=True)
class FileResult:
    path: str
    diagnostics: list[Diagnostic]
    summary: dict[str, Any] | None  # the procedure reduced to what project rules read
    cached: bool = False


@dataclass(frozen=True)
class ValidationResult:
    """What `validate_paths` found: the files checked and every finding, in order."""

    files: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    counts: dict[str, int]  # files, errors, warnings, cached (files whose result was reused)

    def failed(self, *, strict: bool = False) -> bool:
        """Errors fail; with `strict`, warnings fail too."""
        return self.counts["errors"] > 0 or (strict and self.counts["warnings"] > 0)


def collect_paths(paths: Sequence[str]) -> list[str]:
    """Files as given plus `*.yaml`/`*.yml` under directories (recursively), sorted, each once.

    A path that does not exist, or a directory without procedure files, is a usage error.
    """
    if not paths:
        from engine.catalog import procedures_dir

        bundled = _display(str(procedures_dir()))
        return _walk(bundled) if os.path.isdir(bundled) else []
    found: set[str] = set()
    for given in paths:
        if os.path.isdir(given):
            files = _walk(given)
            if not files:
                raise UsageError(f"no *.yaml or *.yml files under {given!r}")
            found.update(files)
        elif os.path.lexists(given):
            found.add(os.path.normpath(given))
        else:
            raise UsageError(f"path {given!r} does not exist")
    return sorted(found)


def _walk(root: str) -> list[str]:
    out: list[str] = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))  # skip .git and friends
        out.extend(os.path.normpath(os.path.join(directory, f)) for f in filenames if f.endswith(SUFFIXES))
    return sorted(out)


def _display(path: str) -> str:
    """Relative to the working directory when below it, so messages stay short."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if rel.startswith("..") else rel


def check_file(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Procedure | None, list[Diagnostic]]:
    """One procedure with every per-file stage (no project rules): its model if one could be built."""
    from engine.yamlio import load_yaml

    try:
        document = load_yaml(path, max_bytes=max_bytes)
    except LoadError as exc:
        return None, [exc.diagnostic]
    procedure, diagnostics = check_document(document)
    return procedure, sort_unique(diagnostics)


def check_document(document: Document) -> tuple[Procedure | None, list[Diagnostic]]:
    """Schema, model and per-procedure rules over a loaded document."""
    from engine.model import build_procedure
    from engine.rules import Checked, run_rules

    diagnostics = _check_schema(document)
    if any(d.is_error for d in diagnostics):
        return None, diagnostics
    procedure = build_procedure(document.data, document.path)
    diagnostics.extend(run_rules(Checked(procedure, document)))
    return procedure, diagnostics


def _check_schema(document: Document) -> list[Diagnostic]:
    """The schema stage: `engine.schema` when present, else a plain jsonschema check."""
    import importlib.util

    if importlib.util.find_spec("engine.schema") is not None:
        from engine import schema  # type: ignore[attr-defined, unused-ignore]

        found: list[Diagnostic] = schema.check_schema(document)
        return found
    import jsonschema  # type: ignore[import-untyped, unused-ignore]

    from engine.diagnostic import Severity

    out: list[Diagnostic] = []
    for error in _fallback_validator().iter_errors(document.data):
        best = jsonschema.exceptions.best_match([error])
        pointer = "".join(f"/{str(p).replace('~', '~0').replace('/', '~1')}" for p in best.absolute_path)
        line, col = document.locate(pointer)
        out.append(Diagnostic(document.path, line, col, "S001", Severity.ERROR, best.message, pointer))
    return out


@functools.cache
def _fallback_validator() -> Any:
    import json

    import jsonschema

    from engine.catalog import schema_path

    with open(schema_path(), encoding="utf-8") as handle:
        return jsonschema.Draft202012Validator(json.load(handle))


def validate_paths(
    paths: Sequence[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    jobs: int | None = None,
    use_cache: bool = True,
) -> ValidationResult:
    """Check every file under `paths` (the bundled procedures when empty), then project rules."""
    files = collect_paths(paths)
    cache = _open_cache() if use_cache else None
    diagnostics: list[Diagnostic] = []
    checked: list[Checked] = []
    cached = 0
    for result in _check_files(files, max_bytes, cache, jobs):
        diagnostics.extend(result.diagnostics)
        cached += result.cached
        if result.summary is not None:
            checked.append(_summary_checked(result, max_bytes))
    if checked:
        from engine.rules import run_project_rules

        diagnostics.extend(run_project_rules(checked))
    unique = sort_unique(diagnostics)
    errors = sum(1 for d in unique if d.is_error)
    counts = {"files": len(files), "errors": errors, "warnings": len(unique) - errors, "cached": cached}
    return ValidationResult(tuple(files), tuple(unique), counts)


def _open_cache() -> Cache | None:
    from engine.cache import Cache

    try:
        return Cache.open()
    except (OSError, ValueError):  # no home directory, unreadable install: validate without one
        return None


def _check_files(
    files: list[str], max_bytes: int, cache: Cache | None, jobs: int | None
) -> Iterator[FileResult]:
    """Results in the order of `files`, checked here or, for a large set, by worker processes."""
    from engine.workers import map_paths

    check = partial(check_path, max_bytes=max_bytes, cache=cache)
    return map_paths(check, files, jobs, prepare=_prepare_workers)


def _prepare_workers() -> None:
    """Import the model and every rule and load the schema validator once, before forking."""
    import importlib.util

    from engine.rules import all_rules

    all_rules()
    if importlib.util.find_spec("engine.schema") is not None:
        from engine import schema  # type: ignore[attr-defined, unused-ignore]

        schema.is_valid({})


def check_path(path: str, *, max_bytes: int, cache: Cache | None) -> FileResult:
    """Every per-file stage for one path, or its earlier result from the cache."""
    from engine.yamlio import load_yaml_bytes

    try:
        raw = read_bytes(path, max_bytes)
    except LoadError as exc:
        return FileResult(path, [exc.diagnostic], None)
    key = cache.key(path, raw) if cache is not None else ""
    entry = cache.get(key) if cache is not None else None
    if entry is not None:
        return FileResult(path, entry.for_path(path), entry.summary, cached=True)
    try:
        document = load_yaml_bytes(raw, path)
    except LoadError as exc:
        diagnostics, summary = [exc.diagnostic], None
    else:
        procedure, diagnostics = check_document(document)
        summary = None if procedure is None else _summary(document.data)
    if cache is not None:
        from engine.cache import Entry

        cache.put(key, Entry.of(diagnostics, summary))
    return FileResult(path, diagnostics, summary)


def _summary(data: dict[str, Any]) -> dict[str, Any]:
    summary = {key: data[key] for key in _SUMMARY_KEYS if key in data}
    summary["states"] = {
        name: {key: state[key] for key in _SUMMARY_STATE_KEYS if key in state}
        for name, state in data["states"].items()
        if "use" in state or "final" in state
    }
    return summary


class _DeferredDocument(Document):
    """A file checked earlier (maybe in another process, maybe from the cache): its node tree
    is read again only if a project rule reports something in it, so memory stays flat."""

    _max_bytes: int
    _full: Document | None

    def __init__(self, path: str, max_bytes: int) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "_max_bytes", max_bytes)
        object.__setattr__(self, "_full", None)

    def _load(self) -> Document:
        from engine.yamlio import load_yaml, load_yaml_bytes

        full = self._full
        if full is None:
            try:
                full = load_yaml(self.path, max_bytes=self._max_bytes)
            except LoadError:  # changed or removed since it was checked: positions become 1:1
                full = load_yaml_bytes(b"{}", self.path)
            object.__setattr__(self, "_full", full)
        return full

    @property
    def data(self) -> Any:
        return self._load().data

    @property
    def root(self) -> Any:
        return self._load().root

    @property
    def text(self) -> str:
        return self._load().text

    def locate(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        return self._load().locate(pointer, key=key)


def _summary_checked(result: FileResult, max_bytes: int) -> Checked:
    from engine.model import build_procedure
    from engine.rules import Checked

    assert result.summary is not None
    return Checked(build_procedure(result.summary, result.path), _DeferredDocument(result.path, max_bytes))
