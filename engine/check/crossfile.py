"""Checks across files, after each file's own stages: project rules and site files.

Project rules run over the digests of every procedure checked together, plus the procedures
those use from elsewhere (found as `procflow run` finds them, so a file checked alone is not
flagged for using one that exists); findings are reported only for the files checked, and
reused from the cache while the set is unchanged. Site files are checked against the
procedures of the run. Nothing here reads a file that `validate` did not point it to.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from procflow.engine.base.diagnostic import Diagnostic
from procflow.engine.check.cache import Cache
from procflow.engine.check.catalog import build_catalog
from procflow.engine.check.digest import checked_from_digest
from procflow.engine.check.files import FileResult, check_path, reuse_or_none
from procflow.engine.load.yamlio import Document, LoadError, load_yaml
from procflow.engine.model.procedure import build_procedure
from procflow.engine.rules import Checked, run_project_rules
from procflow.engine.site.sitefile import check_site

NO_DOCUMENTS: Mapping[str, Document] = MappingProxyType({})


def project_findings(
    results: list[FileResult],
    max_bytes: int,
    cache: Cache | None,
    documents: Mapping[str, Document] = NO_DOCUMENTS,
) -> list[Diagnostic]:
    """Project rules over every file that got through its own stages.

    `documents`: texts already loaded by path (an editor's unsaved buffers), read instead of
    the file on disk, so that positions are those of the text that was checked."""
    usable = [r for r in results if r.digest is not None]
    if not usable:
        return []
    context = _used_elsewhere(usable, max_bytes, cache)
    together = usable + context
    key = cache.project_key([f"{r.path}\0{r.key}" for r in together]) if cache is not None else ""
    found = cache.get_project(key) if cache is not None else None
    if found is not None:
        return found
    shown = {r.path for r in usable}  # a procedure read only because one checked uses it is not reported on
    checked = [
        Checked(build_procedure(documents[r.path].data, r.path), documents[r.path])
        if r.path in documents
        else checked_from_digest(r.path, r.digest or "", max_bytes)
        for r in together
    ]
    diagnostics = [d for d in run_project_rules(checked) if d.path in shown]
    if cache is not None:
        cache.put_project(key, diagnostics)
    return diagnostics


def _used_elsewhere(usable: list[FileResult], max_bytes: int, cache: Cache | None) -> list[FileResult]:
    """Procedures the checked ones `use` (or share a parameter `from`) but that were not given: found as `procflow run` would
    find them (beside the checked files, PROCFLOW_PATH, the bundled set), transitively.

    So a file checked on its own (a pre-commit hook passes only changed files) is not flagged
    for using a procedure that exists; one that exists nowhere still is.
    """
    digests = [json.loads(r.digest or "{}") for r in usable]
    known = {str(s.get("id", "")) for s in digests}
    wanted = set().union(*(_uses(s) for s in digests)) - known
    if not wanted:
        return []
    catalog = build_catalog(
        sorted({os.path.dirname(os.path.abspath(r.path)) for r in usable}), use_index=cache is not None
    )
    found: list[FileResult] = []
    while wanted:
        name = wanted.pop()
        entry = catalog.entries.get(name)
        if entry is None:  # read the closest one, so that "did you mean" can name it
            close = difflib.get_close_matches(name, [e for e in catalog.entries if e not in known], n=1)
            entry = catalog.entries[close[0]] if close else None
        if entry is None or entry.id in known:
            continue
        result = _result(str(entry.path), max_bytes, cache)
        if result.digest is None:
            continue
        found.append(result)
        known.add(entry.id)
        wanted |= _uses(json.loads(result.digest)) - known
    return found


def _result(path: str, max_bytes: int, cache: Cache | None) -> FileResult:
    """A file's result from the cache, or checked now (and stored) with its key, so that a
    change to a used procedure changes the project key too."""
    if cache is None:
        return check_path(path, max_bytes=max_bytes)
    reused = reuse_or_none(path, max_bytes, cache)
    if reused is not None:
        return reused
    fresh = check_path(path, max_bytes=max_bytes, identity=cache.identity)
    if fresh.key:
        cache.put_file(fresh.key, fresh.diagnostics, fresh.digest)
    return fresh


def _uses(digest: dict[str, Any]) -> set[str]:
    """The procedures a digest's procedure needs: those it uses, and those its shared parameters
    come from."""
    states = digest.get("states", {})
    shared = {v["from"] for v in digest.get("params", {}).values() if isinstance(v, dict) and "from" in v}
    return {s["use"]["procedure"] for s in states.values() if isinstance(s.get("use"), dict)} | shared


def site_findings(
    results: list[FileResult], max_bytes: int, documents: Mapping[str, Document] = NO_DOCUMENTS
) -> list[Diagnostic]:
    """Each sound site file against the procedures of the run: unknown procedures, parameters,
    roles, mistyped values. A site file checked alone has no names to check. `documents` as
    for `project_findings`."""
    sites = [r for r in results if r.site and not any(d.is_error for d in r.diagnostics)]
    usable = [r for r in results if r.digest is not None]
    if not sites or not usable:
        return []
    procedures, found = [], []
    for result in usable:
        try:
            document = documents.get(result.path) or load_yaml(result.path, max_bytes=max_bytes)
            procedures.append(build_procedure(document.data, result.path))
        except LoadError:  # changed since it was checked: its own findings come next run
            continue
    for result in sites:
        try:
            site = documents.get(result.path) or load_yaml(result.path, max_bytes=max_bytes)
            found.extend(check_site(site, procedures))
        except LoadError as exc:
            found.append(exc.diagnostic)
    return found
