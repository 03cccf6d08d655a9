"""The checking pipeline: load -> schema -> model -> rules per file, then project rules.

Each stage collects every finding; a file stops only after a stage that failed. Unchanged
files and an unchanged set come from `cache`; large sets are checked by `workers`. Results
are Diagnostics, sorted and de-duplicated. This module never prints: formatting is `report`'s.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.diagnostic import Diagnostic, sort_unique
from engine.errors import UsageError
from engine.yamlio import DEFAULT_MAX_BYTES, Document, LoadError, read_bytes

if TYPE_CHECKING:
    from engine.cache import Cache
    from engine.model import Procedure

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class FileResult:
    path: str
    diagnostics: list[Diagnostic]
    summary: str | None  # what project rules read (engine.summary); None: not checked that far
    key: str = ""  # the cache key of the bytes that were checked
    cached: bool = False
    site: bool = False  # a site file (`procflow-site:`), checked by engine.site, never cached


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
    from engine.schema import check_schema

    diagnostics = check_schema(document)
    if any(d.is_error for d in diagnostics):
        return None, diagnostics
    procedure = build_procedure(document.data, document.path)
    diagnostics.extend(run_rules(Checked(procedure, document)))
    return procedure, diagnostics


def validate_paths(
    paths: Sequence[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    jobs: int | None = None,
    use_cache: bool = True,
    sites: Sequence[str] = (),
) -> ValidationResult:
    """Check every file under `paths` (the bundled procedures when empty) and the site files
    `sites`, then project rules, then each site file's names against the procedures checked."""
    files = collect_paths(paths)
    for site in sites:
        if not os.path.isfile(site):
            raise UsageError(f"site file {site!r} does not exist")
        if os.path.normpath(site) not in files:
            files.append(os.path.normpath(site))
    cache = _open_cache() if use_cache else None
    results = {r.path: r for r in _reuse(files, max_bytes, cache)} if cache is not None else {}
    misses = [path for path in files if path not in results]
    for result in _check_files(misses, max_bytes, cache, jobs):
        results[result.path] = result
        if cache is not None and result.key:
            cache.put_file(result.key, result.diagnostics, result.summary)
    diagnostics = [d for path in files for d in results[path].diagnostics]
    diagnostics.extend(_project_rules([results[path] for path in files], max_bytes, cache))
    diagnostics.extend(_site_names([results[path] for path in files], max_bytes))
    if cache is not None:
        cache.close()
    unique = sort_unique(diagnostics)
    errors = sum(1 for d in unique if d.is_error)
    cached = sum(results[path].cached for path in files)
    counts = {"files": len(files), "errors": errors, "warnings": len(unique) - errors, "cached": cached}
    return ValidationResult(tuple(files), tuple(unique), counts)


def _open_cache() -> Cache | None:
    from engine.cache import Cache

    try:
        return Cache.open()
    except (OSError, ValueError):  # no home directory, unreadable install: validate without one
        return None


def _reuse(files: list[str], max_bytes: int, cache: Cache) -> Iterator[FileResult]:
    """Results of files that are unchanged since they were checked (and of unreadable ones)."""
    from engine.cache import file_key

    for path in files:
        try:
            raw = read_bytes(path, max_bytes)
        except LoadError as exc:
            yield FileResult(path, [exc.diagnostic], None)
            continue
        key = file_key(cache.identity, path, raw)
        found = cache.get_file(key, path)
        if found is not None:
            yield FileResult(path, found[0], found[1], key, cached=True)


def _check_files(
    files: list[str], max_bytes: int, cache: Cache | None, jobs: int | None
) -> Iterator[FileResult]:
    """Results in the order of `files`, checked here or, for a large set, by worker processes."""
    from engine.workers import map_paths

    identity = cache.identity if cache is not None else None
    check = functools.partial(check_path, max_bytes=max_bytes, identity=identity)
    return map_paths(check, files, jobs, prepare=_prepare_workers)


def _prepare_workers() -> None:
    """Import every rule and load the schema validator once, before the workers are forked."""
    import engine.site  # noqa: F401 - every file is asked whether it is a site file
    from engine import schema
    from engine.rules import all_rules

    all_rules()
    schema.is_valid({})


def check_path(path: str, *, max_bytes: int, identity: str | None = None) -> FileResult:
    """Every per-file stage for one path; with the cache's `identity`, the result carries its key."""
    from engine.summary import summarize
    from engine.yamlio import load_yaml_bytes

    try:
        raw = read_bytes(path, max_bytes)
    except LoadError as exc:
        return FileResult(path, [exc.diagnostic], None)
    try:
        document = load_yaml_bytes(raw, path)
    except LoadError as exc:
        diagnostics, summary = [exc.diagnostic], None
    else:
        if "procflow" not in document.data:  # every procedure has it; a site file may be meant
            from engine.site import check_site, is_site

            if is_site(document.data):  # no key: its names are checked against each run's procedures
                return FileResult(path, check_site(document), None, site=True)
        procedure, diagnostics = check_document(document)
        summary = None if procedure is None else summarize(document.data)
    if identity is None:
        return FileResult(path, diagnostics, summary)
    from engine.cache import file_key

    return FileResult(path, diagnostics, summary, file_key(identity, path, raw))


def _site_names(results: list[FileResult], max_bytes: int) -> list[Diagnostic]:
    """Each sound site file against the procedures of the run: unknown procedures, parameters,
    roles, mistyped values. A site file checked alone has no names to check."""
    sites = [r for r in results if r.site and not any(d.is_error for d in r.diagnostics)]
    usable = [r for r in results if r.summary is not None]
    if not sites or not usable:
        return []
    from engine.model import build_procedure
    from engine.site import check_site
    from engine.yamlio import load_yaml

    procedures, found = [], []
    for result in usable:
        try:
            procedures.append(build_procedure(load_yaml(result.path, max_bytes=max_bytes).data, result.path))
        except LoadError:  # changed since it was checked: its own findings come next run
            continue
    for result in sites:
        try:
            found.extend(check_site(load_yaml(result.path, max_bytes=max_bytes), procedures))
        except LoadError as exc:
            found.append(exc.diagnostic)
    return found


def _used_elsewhere(usable: list[FileResult], max_bytes: int) -> list[FileResult]:
    """Procedures the checked ones `use` but that were not given: found as `procflow run` would
    find them (beside the checked files, PROCFLOW_PATH, the bundled set), transitively.

    So a file checked on its own (a pre-commit hook passes only changed files) is not flagged
    for using a procedure that exists; one that exists nowhere still is.
    """
    import difflib
    import json

    from engine.catalog import build_catalog

    def uses(result: FileResult) -> set[str]:
        states = json.loads(result.summary or "{}").get("states", {})
        return {s["use"]["procedure"] for s in states.values() if isinstance(s.get("use"), dict)}

    def ident(result: FileResult) -> str:
        return str(json.loads(result.summary or "{}").get("id", ""))

    known = {ident(r) for r in usable}
    wanted = set().union(*(uses(r) for r in usable)) - known
    if not wanted:
        return []
    catalog = build_catalog(sorted({os.path.dirname(os.path.abspath(r.path)) for r in usable}))
    found: list[FileResult] = []
    while wanted:
        name = wanted.pop()
        entry = catalog.entries.get(name)
        if entry is None:  # read the closest one, so that "did you mean" can name it
            close = difflib.get_close_matches(name, [e for e in catalog.entries if e not in known], n=1)
            entry = catalog.entries[close[0]] if close else None
        if entry is None or entry.id in known:
            continue
        result = check_path(str(entry.path), max_bytes=max_bytes)
        if result.summary is None:
            continue
        found.append(result)
        known.add(entry.id)
        wanted |= uses(result) - known
    return found


def _project_rules(results: list[FileResult], max_bytes: int, cache: Cache | None) -> list[Diagnostic]:
    """Project rules over every file that got through its own stages; reused for an unchanged set."""
    usable = [r for r in results if r.summary is not None]
    if not usable:
        return []
    context = _used_elsewhere(usable, max_bytes)
    usable += context
    key = cache.project_key([f"{r.path}\0{r.key}" for r in usable]) if cache is not None else ""
    found = cache.get_project(key) if cache is not None else None
    if found is not None:
        return found
    from engine.rules import run_project_rules
    from engine.summary import checked_from_summary

    shown = {r.path for r in usable} - {r.path for r in context}
    diagnostics = [
        d
        for d in run_project_rules([checked_from_summary(r.path, r.summary or "", max_bytes) for r in usable])
        if d.path in shown  # a procedure read only because one checked uses it is not reported on
    ]
    if cache is not None:
        cache.put_project(key, diagnostics)
    return diagnostics
