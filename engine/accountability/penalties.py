"""Penalty ladders as data: every procedure's `penalties` with thresholds resolved from its
parameters (the procedure's default, then the site's value), and where a count stands on them.

A ladder counts violations of its procedure's work rules plus breaches and overrides in
instances of its procedure or of any procedure it uses, transitively. Equal thresholds reached
together are reported as a conflict with the procedure's own notes; nothing here picks one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from procflow.engine.base.errors import UsageError
from procflow.engine.check.catalog import procedure_files, search_dirs
from procflow.engine.check.files import check_document
from procflow.engine.load.yamlio import LoadError, load_yaml

if TYPE_CHECKING:
    from procflow.engine.model.procedure import Note, Procedure, Text
    from procflow.engine.site.sitefile import Site


@dataclass(frozen=True)
class Rung:
    id: str
    min_count: int
    param: str | None  # the parameter the threshold comes from, if any
    period: str
    text: Text
    source: str | None
    note: Note | None


@dataclass(frozen=True)
class Ladder:
    procedure: str
    title: Text
    rungs: tuple[Rung, ...]  # by threshold, then declaration order
    scope: tuple[str, ...]  # the procedure and every one it uses, transitively
    params: Mapping[str, Any]  # resolved values, to fill the texts' placeholders
    notes: tuple[Note, ...]  # the procedure's notes of kind `conflict`


@dataclass(frozen=True)
class Standing:
    """Where a count stands on a ladder: every rung reached, and the highest threshold's rungs;
    `conflict` when more than one rung shares that threshold (the source does not say which)."""

    count: int
    reached: tuple[Rung, ...]
    applies: tuple[Rung, ...]

    @property
    def conflict(self) -> bool:
        return len(self.applies) > 1


def load_procedures(dirs: Sequence[str] = ()) -> tuple[dict[str, Procedure], list[str]]:
    """Every procedure in the search path that passes its checks (the first of an id wins),
    and one message per file left out."""
    procedures: dict[str, Procedure] = {}
    problems: list[str] = []
    seen: set[Path] = set()
    for directory, _ in search_dirs(dirs):
        for path in procedure_files(directory):
            if path.resolve() in seen:
                continue
            seen.add(path.resolve())
            try:
                procedure, found = check_document(load_yaml(path))
            except LoadError as exc:
                problems.append(f"{exc.diagnostic}; the file is left out")
                continue
            if procedure is None or any(d.is_error for d in found):
                problems.append(f"{path} has errors and is left out (`procflow validate {path}`)")
            elif procedure.id not in procedures:
                procedures[procedure.id] = procedure
    return procedures, problems


def scope_of(procedures: Mapping[str, Procedure], entry: str) -> tuple[str, ...]:
    """`entry` and every procedure it uses, transitively, in the order first reached."""
    order, pending = [entry], [entry]
    while pending:
        current = procedures.get(pending.pop(0))
        if current is None:
            continue
        for state in current.states.values():
            if state.use is not None and state.use.procedure not in order:
                order.append(state.use.procedure)
                pending.append(state.use.procedure)
    return tuple(order)


def build_ladders(procedures: Mapping[str, Procedure], site: Site) -> list[Ladder]:
    """One ladder per procedure with `penalties`, by procedure id."""
    ladders = []
    for pid in sorted(procedures):
        procedure = procedures[pid]
        if not procedure.penalties:
            continue
        given = site.params_for(pid)
        params = {name: given.get(name, p.default) for name, p in procedure.params.items()}
        rungs = []
        for penalty in procedure.penalties:
            param = penalty.min_count[1:-1] if isinstance(penalty.min_count, str) else None
            count = penalty.min_count if param is None else params.get(param)
            if isinstance(count, bool) or not isinstance(count, int) or count < 1:
                raise UsageError(_bad_threshold(site, pid, param or "", count))
            rungs.append(
                Rung(penalty.id, count, param, penalty.period, penalty.text, penalty.source, penalty.note)
            )
        rungs.sort(key=lambda r: r.min_count)  # stable: declaration order within a threshold
        notes = tuple(n for n in procedure.notes if n.kind == "conflict")
        ladders.append(Ladder(pid, procedure.title, tuple(rungs), scope_of(procedures, pid), params, notes))
    return ladders


def stand(ladder: Ladder, count: int) -> Standing:
    reached = tuple(r for r in ladder.rungs if r.min_count <= count)
    top = max((r.min_count for r in reached), default=None)
    return Standing(count, reached, tuple(r for r in reached if r.min_count == top))


def conflict_notes(ladder: Ladder, rungs: Sequence[Rung]) -> list[tuple[str, Note]]:
    """What the procedure says about rungs that apply together, each with whose note it is: each
    rung's own note, then its notes of kind `conflict` whose source cites all these rungs' clauses."""
    found = [(r.id, r.note) for r in rungs if r.note is not None]
    clauses = {r.source for r in rungs if r.source}
    for note in ladder.notes:
        cited = {part.strip() for part in (note.source or "").split(";")}
        if clauses and clauses <= cited:
            found.append((ladder.procedure, note))
    return found


def _bad_threshold(site: Site, pid: str, param: str, value: Any) -> str:
    where = "the procedure's default"
    if site.path is not None and (param in site.procedure_params.get(pid, {}) or param in site.params):
        pointer = (
            f"/procedures/{pid}/params/{param}"
            if param in site.procedure_params.get(pid, {})
            else f"/params/{param}"
        )
        where = f"{site.path}:{_position(site.path, pointer)}"
    return (
        f"{where}: penalty threshold {param!r} of {pid!r} is {value!r}; expected a whole number of at least 1"
    )


def _position(path: str, pointer: str) -> str:
    try:
        line, col = load_yaml(Path(os.fspath(path))).locate(pointer)
    except (LoadError, KeyError, ValueError):
        return "1:1"
    return f"{line}:{col}"
