"""Rules on a state's automatic routes taken together, decided by trying candidate values.

Guarded routes form a set: exactly one must hold, `otherwise` applies when none does, and
`priority` orders routes that may hold together. Where a guard reads a name whose values
cannot be listed exactly (free text tested with patterns, date-times) nothing is reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

from engine.diagnostic import Severity
from engine.guard import Guard
from engine.model import Procedure, Route, State
from engine.rules import Finding, rule
from engine.rules.analysis import Analysis, analyse, quoted
from engine.rules.domains import Assignment, describe, truth_table
from engine.rules.guards import value_problems

Table = tuple[list[str], list[tuple[Assignment, tuple[bool, ...]]]]


def _guarded(analysis: Analysis, state: State) -> list[tuple[Route, Guard]]:
    """The state's guarded routes whose guards parsed."""
    out = []
    for route in state.routes:
        guard = analysis.guards.get(route.ptr + "/when")
        if guard is not None:
            out.append((route, guard))
    return out


def _sound(procedure: Procedure, guard: Guard) -> bool:
    """Reads only declared names, with literals that fit them (else other rules report)."""
    declared = all(n in procedure.fields or n in procedure.params for n in guard.names)
    return declared and next(value_problems(procedure, guard), None) is None


def _joint(analysis: Analysis, state: State) -> Table | None:
    """All of the state's sound route guards evaluated together, when that can be decided."""
    key = ("routes", state.name)
    if key not in analysis.memo:
        guards = [g for _, g in _guarded(analysis, state) if _sound(analysis.procedure, g)]
        analysis.memo[key] = (
            truth_table(analysis.procedure, guards, analysis.answered(state)) if guards else None
        )
    return analysis.memo[key]  # type: ignore[return-value]


def _table(analysis: Analysis, state: State, guards: list[Guard]) -> Table | None:
    """Rows for `guards` (each a sound route guard of `state`), from the joint table if any."""
    joint = _joint(analysis, state)
    if joint is not None:
        sound = [g for _, g in _guarded(analysis, state) if _sound(analysis.procedure, g)]
        index = [sound.index(g) for g in guards]
        return joint[0], [(row, tuple(holds[i] for i in index)) for row, holds in joint[1]]
    return truth_table(analysis.procedure, guards, analysis.answered(state))


@rule(
    "P010",
    "unrouted-choice",
    "a choice field routes a state, some options have no route and there is no otherwise",
)
def unrouted_choice(procedure: Procedure) -> Iterator[Finding]:
    analysis = analyse(procedure)
    for state in procedure.states.values():
        guarded = _guarded(analysis, state)
        if not guarded or any(r.when is None for r in state.routes):
            continue
        for name in dict.fromkeys(n for _, g in guarded for n in g.names):
            field = procedure.fields.get(name)
            if field is None or field.type != "choice":
                continue
            routed: set[object] = set()
            for _, guard in guarded:
                if name not in guard.names:
                    continue
                table = _table(analysis, state, [guard]) if _sound(procedure, guard) else None
                if table is None:
                    routed.update(field.options)
                    break
                routed.update(row[name] for row, holds in table[1] if holds[0])
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
    for state in procedure.states.values():
        guarded = [(r, g) for r, g in _guarded(analysis, state) if _sound(procedure, g)]
        for (first, a), (second, b) in combinations(guarded, 2):
            if first.priority != second.priority:
                continue
            table = _table(analysis, state, [a, b])
            if table is None:
                continue
            both = next((row for row, holds in table[1] if holds[0] and holds[1]), None)
            if both is None:
                continue
            names = sorted(set(a.names) | set(b.names))
            yield Finding(
                second.ptr + "/when",
                f"the routes to {second.to!r} and to {first.to!r} (at {{related}}) can both apply "
                f"(e.g. when {describe(both, names)}) with no order between them; give one a higher 'priority'",
                related=first.ptr + "/when",
            )


@rule("P012", "misplaced-otherwise", "an 'otherwise' route that is not the last route, or more than one")
def misplaced_otherwise(procedure: Procedure) -> Iterator[Finding]:
    for state in procedure.states.values():
        fallbacks = [i for i, r in enumerate(state.routes) if r.when is None and not r.ptr.endswith("/next")]
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
        if guard is None or not _sound(procedure, guard):
            continue
        if site.route is not None:
            table = _table(analysis, site.state, [guard])
            what = f"the route to {site.route.to!r} is never taken"
        else:
            table = truth_table(procedure, [guard], analysis.answered(site.state))
            what = f"move {site.move.id!r} is never offered" if site.move is not None else "never"
        if table is not None and not any(holds[0] for _, holds in table[1]):
            yield Finding(site.pointer, f"this guard can never hold, so {what}")
