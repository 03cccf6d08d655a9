"""Where a name is defined and used, renaming it, and the outline of states.

A move's target leads to its state, a guard's name to its field (or parameter), a `{param}`
to its parameter, a `use` to the other procedure's file; a state's references are the moves,
routes, outcomes and `initial` that lead to it. Pure functions over `index.Index`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from procflow.engine.check.catalog import build_catalog
from procflow.engine.load.yamlio import LoadError, load_yaml_bytes
from procflow.lsp.index import FIELD, PARAM, PROCEDURE, RENAMEABLE, STATE, Index, Name, build_index
from procflow.lsp.project import Project

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")  # the schema's `identifier`
_PROCEDURE_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")  # the schema's `procedureId`


class RenameRefused(ValueError):
    """A rename that would break the procedure; the message says why."""


@dataclass(frozen=True)
class Place:
    """A span in a file: 0-based line, column and length in characters."""

    path: str
    line: int
    col: int
    length: int


def definition(index: Index, path: str, line: int, col: int, project: Project) -> Place | None:
    name = index.at(line, col)
    if name is None:
        return None
    if name.kind == PROCEDURE and not name.definition:
        return procedure_file(name.name, path, project)
    target = index.definition(name.kind, name.name)
    if target is None and name.kind == FIELD:  # a guard may read a parameter of the same name
        target = index.definition(PARAM, name.name)
    return None if target is None else Place(path, target.line, target.col, target.length)


def procedure_file(procedure_id: str, path: str, project: Project) -> Place | None:
    """The file that defines `procedure_id`: in the project, beside the file, on PROCFLOW_PATH,
    bundled (as `procflow run` finds it); at its `id:`."""
    for candidate in project.procedures:
        place = _id_place(Path(candidate), procedure_id)
        if place is not None:
            return place
    beside = [] if project.root is not None else [Path(path).parent]  # a file alone: its neighbours too
    entry = build_catalog(beside, project=project.found).entries.get(procedure_id)
    return None if entry is None else _id_place(entry.path, procedure_id)


def _id_place(path: Path, procedure_id: str) -> Place | None:
    index = _index_of_file(path)
    found = None if index is None else index.definition(PROCEDURE, procedure_id)
    return None if found is None else Place(str(path), found.line, found.col, found.length)


def _index_of_file(path: Path) -> Index | None:
    try:
        return build_index(load_yaml_bytes(path.read_bytes(), str(path)))
    except (OSError, LoadError):
        return None


def references(index: Index, path: str, line: int, col: int, *, include_definition: bool) -> list[Place]:
    name = index.at(line, col)
    if name is None:
        return []
    return [
        Place(path, n.line, n.col, n.length)
        for n in index.occurrences(name.kind, name.name)
        if include_definition or not n.definition
    ]


def rename_target(index: Index, line: int, col: int) -> Name | None:
    """The name at a position if it can be renamed here."""
    name = index.at(line, col)
    return name if name is not None and name.kind in RENAMEABLE else None


def rename(
    index: Index,
    path: str,
    line: int,
    col: int,
    new: str,
    project: Project,
    read: Callable[[str], str | None],
) -> list[Place]:
    """Every span to replace with `new`; RenameRefused when `new` is taken or not a valid id.
    `read(path)` gives another file's current text (an open editor's), None for the disk's."""
    name = rename_target(index, line, col)
    if name is None:
        raise RenameRefused("only a state, field, parameter or procedure id can be renamed")
    if name.kind == PROCEDURE:
        return _rename_procedure(index, path, name.name, new, project, read)
    if not _IDENTIFIER.match(new):
        raise RenameRefused(f"{new!r} is not an id: lowercase letters, digits and underscores, from a letter")
    kinds = (FIELD, PARAM) if name.kind in (FIELD, PARAM) else (name.kind,)  # one namespace in guards
    for kind in kinds:
        if new in index.defined(kind):
            raise RenameRefused(f"{kind} {new!r} already exists; pick another name")
    spans = index.occurrences(name.kind, name.name)
    return [Place(path, n.line, n.col, n.length) for n in spans]


def _rename_procedure(
    index: Index, path: str, old: str, new: str, project: Project, read: Callable[[str], str | None]
) -> list[Place]:
    if not _PROCEDURE_ID.match(new):
        raise RenameRefused(f"{new!r} is not a procedure id: lowercase words joined by hyphens")
    if procedure_file(new, path, project) is not None or new == index.procedure_id:
        raise RenameRefused(f"procedure {new!r} already exists; pick another id")
    files = dict.fromkeys([path, *project.procedures])
    places: list[Place] = []
    for other in files:
        other_index = index if other == path else _index_of_text(other, read(other))
        if other_index is None:
            continue
        places.extend(Place(other, n.line, n.col, n.length) for n in other_index.occurrences(PROCEDURE, old))
    return places


def _index_of_text(path: str, text: str | None) -> Index | None:
    if text is None:
        return _index_of_file(Path(path))
    try:
        return build_index(load_yaml_bytes(text.encode("utf-8"), path))
    except LoadError:
        return None


def states(index: Index) -> list[Name]:
    """The state definitions, in file order."""
    return [n for n in index.names if n.kind == STATE and n.definition]
