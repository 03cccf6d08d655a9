"""The checking pipeline: the per-file stages (`files`) over every file, then `crossfile` checks.

Each stage collects every finding; a file stops only after a stage that failed. Unchanged
files and an unchanged set come from `cache`; large sets are checked by `workers`. Results are
Diagnostics, sorted and de-duplicated. Never prints: `engine.output.diagnostics` formats them.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from procflow.engine.base.diagnostic import Diagnostic, count_errors, sort_unique
from procflow.engine.base.errors import UsageError
from procflow.engine.base.paths import SUFFIXES, procedures_dir
from procflow.engine.base.project import Project
from procflow.engine.check.cache import Cache
from procflow.engine.check.catalog import project_dirs
from procflow.engine.check.crossfile import project_findings, site_findings
from procflow.engine.check.files import FileResult, check_path, reuse_or_none
from procflow.engine.check.workers import map_paths
from procflow.engine.load.yamlio import DEFAULT_MAX_BYTES, collection_paused
from procflow.engine.rules import all_rules
from procflow.engine.schema import check as schema


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
        bundled = display_path(str(procedures_dir()))
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


def project_paths(project: Project) -> list[str]:
    """The directories `validate` checks when given no path: the project's procedure
    directories (as the working directory shows them), or the bundled set outside any project.
    A project directory that does not exist or holds no procedure file is then a usage error."""
    return [display_path(str(directory)) for directory, _ in project_dirs(project)]


def _walk(root: str) -> list[str]:
    out: list[str] = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))  # skip .git and friends
        out.extend(os.path.normpath(os.path.join(directory, f)) for f in filenames if f.endswith(SUFFIXES))
    return sorted(out)


def display_path(path: str) -> str:
    """Relative to the working directory when below it, so messages stay short."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if rel.startswith("..") else rel


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
    with collection_paused():  # the findings of a large file are kept to the end: not traced
        return _validate_paths(paths, max_bytes, jobs, use_cache, sites)


def _validate_paths(
    paths: Sequence[str], max_bytes: int, jobs: int | None, use_cache: bool, sites: Sequence[str]
) -> ValidationResult:
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
            cache.put_file(result.key, result.diagnostics, result.digest)
    diagnostics = [d for path in files for d in results[path].diagnostics]
    checked = [results[path] for path in files]
    diagnostics.extend(project_findings(checked, max_bytes, cache))
    diagnostics.extend(site_findings(checked, max_bytes))
    if cache is not None:
        cache.close()
    unique = sort_unique(diagnostics)
    errors = count_errors(unique)
    cached = sum(results[path].cached for path in files)
    counts = {"files": len(files), "errors": errors, "warnings": len(unique) - errors, "cached": cached}
    return ValidationResult(tuple(files), tuple(unique), counts)


def _open_cache() -> Cache | None:
    try:
        return Cache.open()
    except (OSError, ValueError):  # no home directory, unreadable install: validate without one
        return None


def _reuse(files: list[str], max_bytes: int, cache: Cache) -> Iterator[FileResult]:
    """Results of files that are unchanged since they were checked (and of unreadable ones)."""
    for path in files:
        found = reuse_or_none(path, max_bytes, cache)
        if found is not None:
            yield found


def _check_files(
    files: list[str], max_bytes: int, cache: Cache | None, jobs: int | None
) -> Iterator[FileResult]:
    """Results in the order of `files`, checked here or, for a large set, by worker processes."""
    identity = cache.identity if cache is not None else None
    check = functools.partial(check_path, max_bytes=max_bytes, identity=identity)
    return map_paths(check, files, jobs, prepare=_prepare_workers)


def _prepare_workers() -> None:
    """Import every rule and load the schema validator once, before the workers are forked."""
    all_rules()
    schema.is_valid({})
