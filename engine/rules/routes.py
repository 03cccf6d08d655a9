"""Rules on a state's automatic routes taken together, decided by trying candidate values.

Guarded routes form a set: exactly one should hold, `otherwise` applies when none does, and
`priority` orders routes that may hold together. Where a guard reads a name whose values
cannot be listed exactly (free text tested with patterns, date-times) nothing is reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

from procflow.engine.base.diagnostic import Severity
from procflow.engine.model.guard import Guard
from procflow.engine.model.procedure import Procedure, Route, State
from procflow.engine.rules import Finding, rule
from procflow.engine.rules.analysis.domains import Assignment, describe, truth_table
from procflow.engine.rules.analysis.facts import Analysis, analyse, quoted
from procflow.engine.rules.guards import value_problems

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


def _joint(analysis: Analysis, state: State) -> Table | None:
    """All of the state's sound route guards evaluated together, when that can be decided."""
    key = ("joint", state.name)
    if key not in analysis.memo:
        guards = [g for _, g, sound in _routes(analysis, state) if sound]
        table = truth_table(analysis.procedure, guards, analysis.answered(state)) if guards else None
        analysis.memo[key] = table
    return analysis.memo[key]  # type: ignore[return-value]


def _rows(analysis: Analysis, state: State, guards: list[Guard]) -> tuple[Rows, list[int]] | None:
    """Rows deciding `guards` (sound route guards of `state`) and where each guard's truth
    sits in a row: the state's joint table when it exists, else a table of just these."""
    joint = _joint(analysis, state)
    if joint is not None:
        sound = [g for _, g, ok in _routes(analysis, state) if ok]
        return joint[1], [next(i for i, s in enumerate(sound) if s is g) for g in guards]
    table = truth_table(analysis.procedure, guards, analysis.answered(state))
    return None if table is None else (table[1], list(range(len(guards))))


@rule(
    "P010",
    "unrouted-choice",
    "a choice field routes a state, some options have no route and there is no otherwise",
)
def unrouted_choice(procedure: Procedure) -> Iterator[Finding]:
    analysis = analyse(procedure)
    for state in _routed_states(analysis):
        guarded = [(r, g) for r, g, _ in _routes(analysis, state)]
        if any(r.when is None for r in state.routes):
            continue
        for name in dict.fromkeys(n for _, g in guarded for n in g.names):
            field = procedure.fields.get(name)
            if field is None or field.type != "choice":
                continue
            routed: set[object] = set()
            for _, guard in guarded:
                if name not in guard.names:
                    continue
                view = _rows(analysis, state, [guard]) if _sound(analysis, guard) else None
                if view is None:
                    routed.update(field.options)
                    break
                rows, (i,) = view
                routed.update(row[name] for row, holds in rows if holds[i])
            missing = [o for o in field.options if o not in routed]
            if missing:
                noun = "option" if len(missing) == 1 else "options"
                verb = "has" if len(missing) == 1 else "have"
                yield Finding(
                    state.ptr + "/next",
                    f"choice field {name!r} routes state {state.name!r}, but {noun} {quoted(missing)} {verb} "
                    "no route and there is no 'otherwise' route",
                    key=True,
                )


@rule("P011", "overlapping-routes", "two routes of one state can both apply with no order between them")
def overlapping_routes(procedure: Procedure) -> Iterator[Finding]:
    analysis = analyse(procedure)
    for state in _routed_states(analysis):
        guarded = [(r, g) for r, g, sound in _routes(analysis, state) if sound]
        for (first, a), (second, b) in combinations(guarded, 2):
            if first.priority != second.priority:
                continue
            view = _rows(analysis, state, [a, b])
            if view is None:
                continue
            rows, (i, j) = view
            both = next((row for row, holds in rows if holds[i] and holds[j]), None)
            if both is None:
                continue
            names = sorted(set(a.names) | set(b.names))
            yield Finding(
                second.ptr + "/when",
                f"the route to {second.to!r} and the route to {first.to!r} at {{related}} can both apply "
                f"(e.g. when {describe(both, names)}) with no order between them; give one a higher 'priority'",
                related=first.ptr + "/when",
            )


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
            table = truth_table(procedure, [guard], analysis.answered(site.state))
            view = None if table is None else (table[1], [0])
            what = f"move {site.move.id!r} is never offered" if site.move is not None else "never"
        if view is not None and not any(holds[view[1][0]] for _, holds in view[0]):
            yield Finding(site.pointer, f"this guard can never hold, so {what}")
