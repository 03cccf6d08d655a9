"""Rules on conditional items and phrases (`when`) and on items ordered after the questions
(`after: ask`).

A guard on an item or phrase is decided when the state is shown, before its own questions are
answered, so it must read earlier answers; these rules only read the model and the shared
parsed guards.
"""

from __future__ import annotations

from collections.abc import Iterator

from procflow.engine.model.procedure import Procedure
from procflow.engine.rules import Finding, rule
from procflow.engine.rules.analysis.facts import analyse, parts


@rule(
    "P036",
    "condition-reads-own-question",
    "the guard of an item or phrase reads a field its own state asks, which is answered only after it is shown",
)
def condition_reads_own_question(procedure: Procedure) -> Iterator[Finding]:
    analysis = analyse(procedure)
    for state in procedure.states.values():
        if not state.ask or not (state.do or state.say):  # most states of a large file
            continue
        own = {q.field for q in state.ask}
        for part in parts(state):
            guard = analysis.guards.get(part.ptr + "/when") if part.when is not None else None
            if guard is None:
                continue
            for name, offset in guard.names.items():
                if name in own:
                    yield Finding(
                        part.ptr + "/when",
                        f"the guard reads {name!r}, which state {state.name!r} asks itself: the item or "
                        "phrase is shown before that answer is given; ask it in an earlier state",
                        offset=offset,
                    )


@rule(
    "P037",
    "after-without-questions",
    "an item comes `after: ask` in a state that asks no required question",
)
def after_without_questions(procedure: Procedure) -> Iterator[Finding]:
    for state in procedure.states.values():
        if not state.do or any(q.required for q in state.ask):
            continue
        for item in state.do:
            if item.after == "ask":
                yield Finding(
                    item.ptr + "/after",
                    f"item {item.id!r} comes after the questions of state {state.name!r}, "
                    "which asks no required question",
                )
