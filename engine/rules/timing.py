"""Rules on deadlines and recurrences: their durations parse, their anchors exist.

`within` counts from entering this state or, with `of: state:NAME`, another one; `before`
and `after` count from a date-time answer named in `of`; `every` repeats while here.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from procflow.engine.model.fields import bounded_duration
from procflow.engine.model.procedure import Procedure
from procflow.engine.rules import Finding, rule
from procflow.engine.rules.analysis.facts import suggest


@rule(
    "P022",
    "bad-anchor",
    "a deadline counts from a state that does not exist or a field that is not a datetime",
)
def bad_anchor(procedure: Procedure) -> Iterator[Finding]:
    datetimes = [n for n, f in procedure.fields.items() if f.type == "datetime"]
    for state in procedure.states.values():
        for deadline in state.due:
            anchor, pointer = deadline.anchor, deadline.ptr + "/of"
            if anchor is None:
                continue
            if anchor.startswith("state:"):
                name = anchor[len("state:") :]
                if deadline.kind in ("before", "after"):
                    yield Finding(
                        pointer,
                        f"{deadline.kind!r} counts from a datetime field, not from entering a state; "
                        f"use 'within' with {anchor!r}",
                    )
                elif name not in procedure.states:
                    message = f"deadline counts from state {name!r}, which does not exist"
                    yield Finding(pointer, message + suggest(name, procedure.states), offset=len("state:"))
                continue
            field = procedure.fields.get(anchor)
            if field is None:
                if anchor in procedure.states:
                    hint = f"; to count from entering state {anchor!r}, write 'state:{anchor}'"
                else:
                    hint = suggest(anchor, datetimes) or suggest(anchor, procedure.fields)
                yield Finding(pointer, f"{anchor!r} is not a field{hint}")
            elif field.type != "datetime":
                yield Finding(
                    pointer, f"{anchor!r} is a {field.type} field; a deadline counts from a datetime field"
                )


@rule(
    "P023",
    "bad-duration",
    "a deadline's duration does not parse, or a recurrence is not longer than zero",
)
def bad_duration(procedure: Procedure) -> Iterator[Finding]:
    for state in procedure.states.values():
        for deadline in state.due:
            pointer = f"{deadline.ptr}/{deadline.kind}"
            if deadline.param is not None:  # `{param}`: rule P031 checks the parameter
                continue
            try:
                seconds = _seconds(deadline.duration)
            except ValueError as exc:
                yield Finding(pointer, str(exc))
                continue
            if deadline.kind == "every" and seconds <= 0:
                yield Finding(
                    pointer,
                    f"'every {deadline.duration}' would repeat without pause; give a duration above zero",
                )


_seconds = lru_cache(maxsize=1024)(bounded_duration)  # procedures repeat a few durations
