"""Rules on who acts: every role a state names is declared, and acting states name one.

A final state does nothing, so it needs no role. A procedure that declares no roles may
leave every state without one (a one-person procedure).
"""

from __future__ import annotations

from collections.abc import Iterator

from procflow.engine.base.diagnostic import Severity
from procflow.engine.model.procedure import Procedure
from procflow.engine.rules import Finding, rule
from procflow.engine.rules.analysis.facts import suggest


@rule("P015", "unknown-role", "a state names a role that the procedure does not declare")
def unknown_role(procedure: Procedure) -> Iterator[Finding]:
    roles = procedure.roles
    for state in procedure.states.values():
        if state.role is not None and state.role not in roles:
            declared = suggest(state.role, roles) or (
                f" (roles: {', '.join(roles)})" if roles else "; declare it under 'roles'"
            )
            yield Finding(state.ptr + "/role", f"role {state.role!r} is not declared{declared}")


@rule(
    "P016",
    "missing-role",
    "a state that is not final names no role although the procedure declares roles",
    Severity.WARNING,
)
def missing_role(procedure: Procedure) -> Iterator[Finding]:
    if not procedure.roles:
        return
    for state in procedure.states.values():
        if not state.final and state.role is None:
            yield Finding(
                state.ptr,
                f"state {state.name!r} names no role; the procedure's roles are {', '.join(procedure.roles)}",
                key=True,
            )
