"""The checking pipeline: load -> schema -> model -> rules per file, then project rules.

Each stage collects every finding; a file stops only after a stage that failed. Results are
Diagnostics, sorted and de-duplicated. This module never prints: formatting is `report`'s.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.diagnostic import Diagnostic, sort_unique
from engine.errors import UsageError
from engine.yamlio import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from engine.model import Procedure
    from engine.yamlio import Document

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class ValidationResult:
    """What `validate_paths` found: the files checked and every finding, in order."""

    files: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    counts: dict[str, int] = field(default_factory=dict)

    def failed(self, *, strict: bool = False) -> bool:
        """Errors fail; with `strict`, warnings fail too."""
        return self.counts["errors"] > 0 or (strict and self.counts["warnings"] > 0)


def collect_paths(paths: Sequence[str]) -> list[str]:
    """Files as given plus `*.yaml`/`*.yml` under directories (recursively), sorted, each once.

    A path that does not exist, or a directory without procedure files, is a usage error.
    """
    if not paths:
        from engine.catalog import procedures_dir

        return _walk(_display(str(procedures_dir())))
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
    """One procedure fully checked (every per-file stage): the model if it could be built."""
    from engine.yamlio import LoadError, load_yaml

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

    diagnostics = check_schema(document)
    if any(d.is_error for d in diagnostics):
        return None, diagnostics
    procedure = build_procedure(document.data, document.path)
    diagnostics.extend(run_rules(Checked(procedure, document)))
    return procedure, diagnostics


def check_schema(document: Document) -> list[Diagnostic]:
    """The schema stage: `engine.schema` when present, else a plain jsonschema check."""
    if importlib.util.find_spec("engine.schema") is not None:
        from engine import schema  # type: ignore[attr-defined, unused-ignore]

        result: list[Diagnostic] = schema.check_schema(document)
        return result
    return _fallback_schema(document)


def _fallback_schema(document: Document) -> list[Diagnostic]:
    import json

    import jsonschema  # type: ignore[import-untyped, unused-ignore]

    from engine.catalog import schema_path
    from engine.diagnostic import Severity

    with open(schema_path(), encoding="utf-8") as handle:
        validator = jsonschema.Draft202012Validator(json.load(handle))
    out: list[Diagnostic] = []
    for error in validator.iter_errors(document.data):
        best = jsonschema.exceptions.best_match([error])
        pointer = "".join(f"/{str(p).replace('~', '~0').replace('/', '~1')}" for p in best.absolute_path)
        line, col = document.locate(pointer)
        out.append(Diagnostic(document.path, line, col, "S001", Severity.ERROR, best.message, pointer))
    return out


def validate_paths(
    paths: Sequence[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    jobs: int | None = None,
    use_cache: bool = True,
) -> ValidationResult:
    """Check every file under `paths` (the bundled procedures when empty), then project rules."""
    files = collect_paths(paths)
    diagnostics: list[Diagnostic] = []
    checked = []
    for _path, procedure, found in _check_all(files, max_bytes):
        diagnostics.extend(found)
        if procedure is not None:
            checked.append(procedure)
    if checked:
        from engine.rules import run_project_rules

        diagnostics.extend(run_project_rules(checked))
    unique = sort_unique(diagnostics)
    errors = sum(1 for d in unique if d.is_error)
    counts = {"files": len(files), "errors": errors, "warnings": len(unique) - errors}
    return ValidationResult(tuple(files), tuple(unique), counts)


def _check_all(files: Iterable[str], max_bytes: int) -> Iterator[tuple[str, Any, list[Diagnostic]]]:
    from engine.rules import Checked
    from engine.yamlio import LoadError, load_yaml

    for path in files:
        try:
            document = load_yaml(path, max_bytes=max_bytes)
        except LoadError as exc:
            yield path, None, [exc.diagnostic]
            continue
        procedure, found = check_document(document)
        yield path, None if procedure is None else Checked(procedure, document), found
