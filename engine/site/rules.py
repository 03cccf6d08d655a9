"""The site file's rules that need the procedures: unknown procedures, parameters and roles,
parameter values of the wrong type, and values that do not suit their use (C004-C008).

Run by `check_site` when procedures are given (`procflow validate` with both in one run).
Reports through the `add` callback it is handed; reads no files and never prints.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from procflow.engine.base.diagnostic import Severity

if TYPE_CHECKING:
    from procflow.engine.model.procedure import Procedure

Add = Callable[..., None]  # (pointer, code, message, severity=ERROR, key=False)


def check_names(data: Mapping[str, Any], procedures: list[Procedure], add: Add) -> None:
    """Every name in the site file against the procedures checked with it."""
    by_id = {p.id: p for p in procedures}
    params = {name for p in procedures for name in p.params}
    roles = {name for p in procedures for name in p.roles}
    for ident in data.get("procedures") or {}:
        if ident not in by_id:
            add(f"/procedures/{ident}", "C004", f"unknown procedure {ident!r}{hint(ident, by_id)}", key=True)
    for name, value in (data.get("params") or {}).items():
        if name not in params:
            add(
                f"/params/{name}",
                "C005",
                f"no procedure declares parameter {name!r}{hint(name, params)}",
                Severity.WARNING,
                key=True,
            )
            continue
        wrong = next(
            (p for p in procedures if name in p.params and not _fits(value, p.params[name].default)), None
        )
        if wrong is not None:
            add(f"/params/{name}", "C007", _mistyped(name, value, wrong))
            continue
        unsuited = next(
            (m for p in procedures if name in p.params for m in [_unsuited(p, name, value)] if m), None
        )
        if unsuited:
            add(f"/params/{name}", "C008", unsuited)
    for ident, settings in (data.get("procedures") or {}).items():
        procedure = by_id.get(ident)
        if procedure is None:
            continue
        for name, value in (settings.get("params") or {}).items():
            if name not in procedure.params:
                add(
                    f"/procedures/{ident}/params/{name}",
                    "C005",
                    f"procedure {ident!r} has no parameter {name!r}{hint(name, procedure.params)}",
                    key=True,
                )
            elif not _fits(value, procedure.params[name].default):
                add(f"/procedures/{ident}/params/{name}", "C007", _mistyped(name, value, procedure))
            elif unsuited := _unsuited(procedure, name, value):
                add(f"/procedures/{ident}/params/{name}", "C008", unsuited)
    for person, raw in (data.get("people") or {}).items():
        for index, role in enumerate(raw["roles"]):
            if role not in roles:
                add(f"/people/{person}/roles/{index}", "C006", f"unknown role {role!r}{hint(role, roles)}")


def _unsuited(procedure: Procedure, name: str, value: object) -> str | None:
    """Why `value` cannot serve where the procedure uses parameter `name`: as a deadline's
    duration, or as a penalty's count of violations (None: it can)."""
    placeholder = "{" + name + "}"
    if isinstance(value, str) and any(
        d.duration == placeholder for state in procedure.states.values() for d in state.due
    ):
        from procflow.engine.base.durations import parse_duration

        try:
            parse_duration(value)
        except ValueError:
            return (
                f"parameter {name!r} of {procedure.id!r} is a deadline's duration; "
                f"{value!r} is not one (e.g. '30 minutes', '1h30m')"
            )
    counts = any(p.min_count == placeholder for p in procedure.penalties)
    if counts and not (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
        return (
            f"parameter {name!r} of {procedure.id!r} is a penalty's count of violations; "
            f"expected a whole number of at least 1, got {value!r}"
        )
    return None


def kind_of(value: object) -> str:
    """`text`, `number` or `yes/no`: what a parameter value is, in a message's words."""
    if isinstance(value, bool):
        return "yes/no"
    return "number" if isinstance(value, int | float) else "text"


def _fits(value: object, default: object) -> bool:
    # a number may stand for a number of another kind (25 for 25.5); text and yes/no must match
    return kind_of(value) == kind_of(default)


def _mistyped(name: str, value: object, procedure: Procedure) -> str:
    default = procedure.params[name].default
    return (
        f"parameter {name!r} of {procedure.id!r} is a {kind_of(default)} (default {default!r}); "
        f"got the {kind_of(value)} {value!r}"
    )


def hint(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""
