"""Rules on the shape of the state graph: targets, the initial state, reachability, ends.

Each rule reads the shared analysis (successors, reachable and finishing sets); none of them
looks at guards, which cannot make a structurally reachable state unreachable here.
"""

from __future__ import annotations

from collections.abc import Iterator

from procflow.engine.model.procedure import Procedure, State
from procflow.engine.rules import Finding, rule
from procflow.engine.rules.analysis.facts import analyse, suggest


def _targets(state: State) -> Iterator[tuple[str, str]]:
    """(target, pointer of where it is written) for every move out of `state`."""
    for route in state.routes:
        yield route.to, route.ptr if route.ptr.endswith("/next") else route.ptr + "/to"
    for move in state.moves:
        yield move.to, move.ptr + "/to"
    for outcome, target in state.outcomes.items():
        yield target, f"{state.ptr}/outcomes/{outcome}"


@rule("P001", "unknown-target", "a route, move or outcome goes to a state that does not exist")
def unknown_target(procedure: Procedure) -> Iterator[Finding]:
    states = procedure.states
    order = {name: i for i, name in enumerate(states)}
    for name in sorted(analyse(procedure).broken, key=order.__getitem__):
        for target, pointer in _targets(states[name]):
            if target not in states:
                yield Finding(pointer, f"target state {target!r} does not exist{suggest(target, states)}")


@rule("P002", "unknown-initial", "`initial` names a state that does not exist")
def unknown_initial(procedure: Procedure) -> Iterator[Finding]:
    if procedure.initial not in procedure.states:
        yield Finding(
            "/initial",
            f"initial state {procedure.initial!r} does not exist{suggest(procedure.initial, procedure.states)}",
        )


@rule("P003", "unreachable-state", "a state that no path from the initial state reaches")
def unreachable_state(procedure: Procedure) -> Iterator[Finding]:
    reachable = analyse(procedure).reachable
    if not reachable:  # no initial state: P002 says so, and everything would be unreachable
        return
    initial = repr(procedure.initial)
    for state in procedure.states.values():
        if state.name not in reachable:
            yield Finding(
                state.ptr,
                f"state {state.name!r} cannot be reached from the initial state {initial}",
                key=True,
            )


@rule("P004", "no-way-out", "a state that is not final has no route, move or outcome to leave it by")
def no_way_out(procedure: Procedure) -> Iterator[Finding]:
    for state in procedure.states.values():
        if not state.final and not (state.routes or state.moves or state.outcomes):
            yield Finding(
                state.ptr,
                f"state {state.name!r} is not final and has no way out; give it 'next', 'moves' or 'final: true'",
                key=True,
            )


@rule("P005", "cannot-finish", "no final state can be reached from a state (or the procedure has none)")
def cannot_finish(procedure: Procedure) -> Iterator[Finding]:
    if not any(s.final for s in procedure.states.values()):
        yield Finding(
            "/states", "the procedure has no final state; mark where it ends with 'final: true'", key=True
        )
        return
    analysis = analyse(procedure)
    finishing, reachable, states = analysis.finishing, analysis.reachable, procedure.states
    for state in states.values():
        if state.name in finishing or state.name not in reachable or not analysis.succ[state.name]:
            continue
        if state.name not in analysis.broken:  # a missing target is P001's; fixed, it may finish
            yield Finding(state.ptr, f"no final state can be reached from state {state.name!r}", key=True)
