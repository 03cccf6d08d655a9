"""Rules on a state's automatic routes taken together, decided by trying candidate values.

Guarded routes form a set: exactly one should hold, `otherwise` applies when none does, and
`priority` orders routes that may hold together. Where a guard reads a name whose values
cannot be listed exactly (free text tested with patterns, date-times) nothing is reported.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from procflow.engine.base.diagnostic import Severity
from procflow.engine.model.guard import Guard
from procflow.engine.model.procedure import Procedure, Route, State
from procflow.engine.rules import Finding, rule
from procflow.engine.rules.analysis.domains import Assignment, describe, truth_table
from procflow.engine.rules.analysis.facts import Analysis, analyse, quoted
from procflow.engine.rules.guards import value_problems

OVERLAPS = 3  # earlier routes reported for one route at most

Rows = list[tuple[Assignment, tuple[bool, ...]]]
Table = tuple[list[str], Rows]


def _routes(analysis: Analysis, state: State) -> list[tuple[Route, Guard, bool]]:
    """The state's guarded routes whose guards parsed, each with whether it is sound."""
    key = ("routes", state.name)
    if key not in analysis.memo:
        found: list[tuple[Route, Guard, bool]] = []
        for route in state.routes:
            guard = analysis.guards.get(route.ptr + "/when")
            if guard is not None:
                found.append((route, guard, _sound(analysis, guard)))
        analysis.memo[key] = found
    return analysis.memo[key]  # type: ignore[return-value]


def _routed_states(analysis: Analysis) -> list[State]:
    """States with at least one guarded route, in file order."""
    return list({site.state.name: site.state for site in analysis.sites if site.route is not None}.values())


def _sound(analysis: Analysis, guard: Guard) -> bool:
    """Reads only declared names, with literals that fit them (else other rules report)."""
    key = ("sound", guard.source)
    found = analysis.memo.get(key)
    if found is None:
        procedure = analysis.procedure
        declared = all(n in procedure.fields or n in procedure.params for n in guard.names)
        found = analysis.memo[key] = declared and not value_problems(procedure, guard)
    return bool(found)


class Joint(NamedTuple):
    """A state's sound route guards evaluated together: the rows, and each guard's column."""

    rows: Rows
    column: dict[int, int]  # id(guard) -> where its truth sits in a row


def _joint(analysis: Analysis, state: State) -> Joint | None:
    """All of the state's sound route guards evaluated together, when that can be decided."""
    key = ("joint", state.name)
    if key not in analysis.memo:
        guards = [g for _, g, sound in _routes(analysis, state) if sound]
        table = (
            truth_table(analysis.procedure, guards, analysis.answered(state), analysis.budget)
            if guards
            else None
        )
        column: dict[int, int] = {}
        for i, guard in enumerate(guards):
            column.setdefault(id(guard), i)  # a guard text repeated: its first column, as before
        analysis.memo[key] = None if table is None else Joint(table[1], column)
    return analysis.memo[key]  # type: ignore[return-value]


def _rows(analysis: Analysis, state: State, guards: list[Guard]) -> tuple[Rows, list[int]] | None:
    """Rows deciding `guards` (sound route guards of `state`) and where each guard's truth
    sits in a row: the state's joint table when it exists, else a table of just these."""
    joint = _joint(analysis, state)
    if joint is not None:
        return joint.rows, [joint.column[id(g)] for g in guards]
    if len(guards) > 1:  # pairs are asked once each: nothing to keep
        table = truth_table(analysis.procedure, guards, analysis.answered(state), analysis.budget)
    else:
        key = ("alone", state.name, guards[0].source)
        if key not in analysis.memo:
            analysis.memo[key] = truth_table(
                analysis.procedure, guards, analysis.answered(state), analysis.budget
            )
        table = analysis.memo[key]  # type: ignore[assignment]
    return None if table is None else (table[1], list(range(len(guards))))


@rule(
    "P010",
    "unrouted-choice",
    "a choice field routes a state, some options have no route and there is no otherwise",
)
def unrouted_choice(procedure: Procedure) -> Iterator[Finding]:
    analysis = analyse(procedure)
    for state in _routed_states(analysis):
        if any(r.when is None for r in state.routes):
            continue
        readers: dict[str, list[Guard]] = {}  # each name read, in order, with the guards reading it
        for _, guard, _ in _routes(analysis, state):
            for name in guard.names:
                readers.setdefault(name, []).append(guard)
        for name, guards in readers.items():
            field = procedure.fields.get(name)
            if field is None or field.type != "choice":
                continue
            routed: set[object] = set()
            for guard in guards:
                view = _rows(analysis, state, [guard]) if _sound(analysis, guard) else None
                if view is None:  # undecided: counts as routing every option
                    break
                rows, (i,) = view
                routed.update(row[name] for row, holds in rows if holds[i])
            else:
                missing = [o for o in field.options if o not in routed]
                if missing:
                    noun = "option" if len(missing) == 1 else "options"
                    verb = "has" if len(missing) == 1 else "have"
                    yield Finding(
                        state.ptr + "/next",
                        f"choice field {name!r} routes state {state.name!r}, but {noun} {quoted(missing)} "
                        f"{verb} no route and there is no 'otherwise' route",
                        key=True,
                    )


@rule("P011", "overlapping-routes", "two routes of one state can both apply with no order between them")
def overlapping_routes(procedure: Procedure) -> Iterator[Finding]:
    analysis = analyse(procedure)
    for state in _routed_states(analysis):
        groups: dict[int, list[tuple[Route, Guard]]] = {}  # only routes of equal priority can clash
        for route, guard, sound in _routes(analysis, state):
            if sound:
                groups.setdefault(route.priority, []).append((route, guard))
        joint = _joint(analysis, state)
        for group in groups.values():
            pairs: Iterable[tuple[int, int, Assignment]]
            if joint is not None:
                if len(group) < 2:  # one route alone overlaps nothing (and the table is made)
                    continue
                pairs = _overlaps(joint, [g for _, g in group])
            else:
                pairs = _overlaps_alone(analysis, state, group)
            for i, j, both in pairs:
                (first, a), (second, b) = group[i], group[j]
                names = sorted(set(a.names) | set(b.names))
                yield Finding(
                    second.ptr + "/when",
                    f"the route to {second.to!r} and the route to {first.to!r} at {{related}} can both apply "
                    f"(e.g. when {describe(both, names)}) with no order between them; give one a higher 'priority'",
                    related=first.ptr + "/when",
                )


def _overlaps(joint: Joint, guards: list[Guard]) -> list[tuple[int, int, Assignment]]:
    """(i, j, the first row where both hold) for guards i < j that can both hold, at most
    OVERLAPS for each j (the earliest i), from the joint table: in time linear in its size."""
    columns = [joint.column[id(g)] for g in guards]
    held: list[list[int]] = []  # per row: the guards holding there, in order
    rows_of: list[list[int]] = [[] for _ in guards]  # per guard: the rows where it holds
    for r, (_, holds) in enumerate(joint.rows):
        here = [k for k, c in enumerate(columns) if holds[c]]
        held.append(here)
        for k in here:
            rows_of[k].append(r)
    out: list[tuple[int, int, Assignment]] = []
    for j in range(len(guards)):
        first_row: dict[int, int] = {}  # earlier guard -> the first row where both hold
        for r in rows_of[j]:
            # the OVERLAPS earliest guards of any row are enough: a later one of this row has
            # OVERLAPS earlier ones before it that overlap j as well
            for i in itertools.islice(held[r], OVERLAPS):
                if i >= j:
                    break
                first_row.setdefault(i, r)
        for i in sorted(first_row)[:OVERLAPS]:
            out.append((i, j, joint.rows[first_row[i]][0]))
    out.sort()
    return out


def _overlaps_alone(
    analysis: Analysis, state: State, group: list[tuple[Route, Guard]]
) -> Iterator[tuple[int, int, Assignment]]:
    """The same pair by pair, when the state's guards together have too many combinations:
    only guards decided alone can be decided in a pair, and the budget bounds the pairs."""
    budget = analysis.budget
    decided = [k for k, (_, g) in enumerate(group) if _rows(analysis, state, [g]) is not None]
    for x, j in enumerate(decided):
        found = 0
        for i in itertools.islice(decided, x):  # every pair tried is paid: the budget bounds this
            if budget.spent:
                return
            view = _rows(analysis, state, [group[i][1], group[j][1]])
            if view is None:
                continue
            rows, (a, b) = view
            both = next((row for row, holds in rows if holds[a] and holds[b]), None)
            if both is not None:
                yield i, j, both
                found += 1
                if found == OVERLAPS:
                    break


@rule("P012", "misplaced-otherwise", "an 'otherwise' route that is not the last route, or more than one")
def misplaced_otherwise(procedure: Procedure) -> Iterator[Finding]:
    for state in procedure.states.values():
        if len(state.routes) < 2:
            continue
        fallbacks = [i for i, r in enumerate(state.routes) if r.when is None]
        for i in fallbacks[1:]:
            yield Finding(
                state.routes[i].ptr + "/otherwise",
                "a state has one 'otherwise' route at most; the first one is at {related}",
                key=True,
                related=state.routes[fallbacks[0]].ptr + "/otherwise",
            )
        if fallbacks and fallbacks[0] != len(state.routes) - 1 and len(fallbacks) == 1:
            yield Finding(
                state.routes[fallbacks[0]].ptr + "/otherwise",
                "the 'otherwise' route must be the last route",
                key=True,
            )


@rule("P027", "guard-never-holds", "a guard that no answers can make true", Severity.WARNING)
def guard_never_holds(procedure: Procedure) -> Iterator[Finding]:
    analysis = analyse(procedure)
    for site in analysis.sites:
        guard = analysis.guards.get(site.pointer)
        if guard is None or not _sound(analysis, guard):
            continue
        if site.route is not None:
            view = _rows(analysis, site.state, [guard])
            what = f"the route to {site.route.to!r} is never taken"
        else:
            table = truth_table(procedure, [guard], analysis.answered(site.state), analysis.budget)
            view = None if table is None else (table[1], [0])
            what = (
                f"move {site.move.id!r} is never offered"
                if site.move is not None
                else "the item or phrase is never shown"
            )
        if view is not None and not any(holds[view[1][0]] for _, holds in view[0]):
            yield Finding(site.pointer, f"this guard can never hold, so {what}")
