"""Rules on durations read from parameters: `within: "{setup_lead}"` and the like.

A site sets such a parameter (e.g. the meeting set-up lead time), so the procedure must
declare it, and its default must itself be a duration no longer than 100 years; a recurrence's
must be above zero. A timer the documents do not give has no default at all (one way to say
"not timed until a site sets it"): an empty default is refused.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from procflow.engine.base.durations import parse_duration
from procflow.engine.model.fields import MAX_DURATION_SECONDS
from procflow.engine.model.procedure import Procedure
from procflow.engine.rules import Finding, rule
from procflow.engine.rules.analysis.facts import suggest


@rule(
    "P031",
    "bad-duration-param",
    "a deadline's duration names a parameter that is not declared or whose default is not a duration",
)
def bad_duration_param(procedure: Procedure) -> Iterator[Finding]:
    for state in procedure.states.values():
        for deadline in state.due:
            name = deadline.param
            if name is None:
                continue
            pointer = f"{deadline.ptr}/{deadline.kind}"
            param = procedure.params.get(name)
            if param is None:
                message = f"deadline {deadline.id!r} reads parameter {name!r}, which is not declared"
                yield Finding(pointer, message + suggest(name, procedure.params), offset=1)
                continue
            default = param.default
            if default is None:  # no timer the documents give: untimed until a site sets it
                continue
            if default == "":
                yield Finding(
                    param.ptr,
                    f"parameter {name!r} is a duration of deadline {deadline.id!r}; its default is "
                    "empty: leave `default` out, so nothing is timed until a site sets it",
                    key=True,
                )
                continue
            try:
                if not isinstance(default, str):
                    raise ValueError
                seconds = parse_duration(default)
            except ValueError:
                yield Finding(
                    param.ptr,
                    f"parameter {name!r} is a duration of deadline {deadline.id!r}; its default "
                    f"{default!r} is not one (write e.g. '30 minutes')",
                    key=True,
                )
                continue
            if not math.isfinite(seconds) or abs(seconds) > MAX_DURATION_SECONDS:
                yield Finding(
                    param.ptr,
                    f"parameter {name!r} is a duration of deadline {deadline.id!r}; its default "
                    f"{default!r} is longer than 100 years, the longest duration procflow counts with",
                    key=True,
                )
                continue
            if deadline.kind == "every" and seconds <= 0:
                yield Finding(
                    param.ptr,
                    f"parameter {name!r} sets 'every' of deadline {deadline.id!r} to {default!r}; "
                    "a recurrence needs a duration above zero",
                    key=True,
                )
