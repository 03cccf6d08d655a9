"""Rules on questions and the answers guards read: declared fields, asked before read.

"Asked before read" is a flow over the state graph from `initial`: a field counts as asked
once some path has passed a state that asks it (that state's own questions included, since
they are answered before it is left). A sub-procedure's questions are its own and never count.
"""

from __future__ import annotations

from collections.abc import Iterator

from procflow.engine.base.diagnostic import Severity
from procflow.engine.model.fields import pattern_problem
from procflow.engine.model.procedure import Procedure
from procflow.engine.rules import Finding, rule
from procflow.engine.rules.analysis.facts import analyse, suggest


@rule("P013", "unknown-question-field", "a state asks about a field that is not declared")
def unknown_question_field(procedure: Procedure) -> Iterator[Finding]:
    for state in procedure.states.values():
        for question in state.ask:
            if question.field not in procedure.fields:
                yield Finding(
                    question.ptr + "/field",
                    f"state {state.name!r} asks {question.field!r}, which is not a declared field"
                    f"{suggest(question.field, procedure.fields)}",
                )


@rule(
    "P014",
    "read-before-ask",
    "a guard or deadline reads a field that no path from the initial state has asked",
)
def read_before_ask(procedure: Procedure) -> Iterator[Finding]:
    analysis = analyse(procedure)
    may = analysis.asked[0]
    bits = analysis.field_bits
    for site in analysis.sites:
        guard = analysis.guards.get(site.pointer)
        if guard is None or site.state.name not in may:
            continue
        for name, offset in guard.names.items():
            if name in bits and not may[site.state.name] & bits[name]:
                yield Finding(
                    site.pointer,
                    f"guard reads {name!r} in state {site.state.name!r}, but no path from the initial state "
                    f"{procedure.initial!r} has asked it by then",
                    offset=offset,
                )
    for state in procedure.states.values():
        if state.name not in may:
            continue
        for deadline in state.due:
            anchor = deadline.anchor
            if anchor is not None and anchor in bits and not may[state.name] & bits[anchor]:
                yield Finding(
                    deadline.ptr + "/of",
                    f"deadline {deadline.id!r} counts from {anchor!r}, but no path from the initial state "
                    f"{procedure.initial!r} has asked it by state {state.name!r}",
                )


@rule("P029", "unused-field", "a declared field that no state asks", Severity.WARNING)
def unused_field(procedure: Procedure) -> Iterator[Finding]:
    asked = {q.field for s in procedure.states.values() for q in s.ask}
    asked.update(f for s in procedure.states.values() if s.use is not None for f in s.use.returns.values())
    for name, field in procedure.fields.items():
        if name not in asked:
            yield Finding(field.ptr, f"field {name!r} is never asked, so it never has an answer", key=True)


@rule(
    "P033",
    "bad-pattern",
    "a field's pattern does not compile or repeats a part that matches in more than one way",
)
def bad_pattern(procedure: Procedure) -> Iterator[Finding]:
    for name, field in procedure.fields.items():
        if field.pattern is None:
            continue
        problem = pattern_problem(field.pattern)
        if problem is not None:
            yield Finding(field.ptr + "/pattern", f"the pattern of field {name!r}: {problem}")
