"""The site file's rules that need the procedures (C004-C008): unknown procedures, parameters
and roles, parameter values of the wrong kind, and values that do not suit their use.

Each is a registered rule (`engine.rules.site_rule`) with a stable code, a name and a summary,
listed in docs/site.md; `check_site` runs them when procedures are given (`procflow validate`
with both in one run). They read no files and never print.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from procflow.engine.base.diagnostic import Severity
from procflow.engine.model.fields import bounded_duration
from procflow.engine.rules import SITE_REGISTRY, Finding, Rule, SiteChecked, site_rule

if TYPE_CHECKING:
    from procflow.engine.model.procedure import Procedure


def site_rules() -> list[Rule]:
    """Every site rule, by code."""
    return [SITE_REGISTRY[code] for code in sorted(SITE_REGISTRY)]


@site_rule(
    "C004", "unknown-site-procedure", "`procedures:` names a procedure that is not among those checked"
)
def unknown_procedure(site: SiteChecked) -> Iterator[Finding]:
    known = {p.id for p in site.procedures}
    for ident in _section(site.data, "procedures"):
        if ident not in known:
            yield Finding(
                f"/procedures/{ident}", f"unknown procedure {ident!r}{hint(ident, known)}", key=True
            )


@site_rule(
    "C005",
    "undeclared-site-param",
    "a parameter that no procedure declares (a warning), or that the procedure it is set for does not",
)
def undeclared_param(site: SiteChecked) -> Iterator[Finding]:
    declared = {name for p in site.procedures for name in p.params}
    for name in _section(site.data, "params"):
        if name not in declared:
            message = f"no procedure declares parameter {name!r}{hint(name, declared)}"
            yield Finding(f"/params/{name}", message, key=True, severity=Severity.WARNING)
    by_id = {p.id: p for p in site.procedures}
    for ident, settings in _section(site.data, "procedures").items():
        procedure = by_id.get(ident)
        if procedure is None:
            continue  # C004
        for name in settings.get("params") or {}:
            if name not in procedure.params:
                message = f"procedure {ident!r} has no parameter {name!r}{hint(name, procedure.params)}"
                yield Finding(f"/procedures/{ident}/params/{name}", message, key=True)


@site_rule("C006", "unknown-site-role", "a person holds a role that no procedure declares")
def unknown_role(site: SiteChecked) -> Iterator[Finding]:
    roles = {name for p in site.procedures for name in p.roles}
    for person, raw in _section(site.data, "people").items():
        for index, role in enumerate(raw["roles"]):
            if role not in roles:
                yield Finding(f"/people/{person}/roles/{index}", f"unknown role {role!r}{hint(role, roles)}")


@site_rule(
    "C007",
    "param-kind-mismatch",
    "a parameter value of another kind (text, number, yes/no) than the parameter's default",
)
def kind_mismatch(site: SiteChecked) -> Iterator[Finding]:
    for pointer, name, value, users in _values(site):
        wrong = next((p for p in users if not _fits(value, _default(site, p, name))), None)
        if wrong is not None:
            yield Finding(pointer, _mistyped(name, value, wrong, _default(site, wrong, name)))


@site_rule(
    "C008",
    "unsuited-param-value",
    "a value that cannot serve where the procedure uses the parameter (a duration, a count)",
)
def unsuited_value(site: SiteChecked) -> Iterator[Finding]:
    for pointer, name, value, users in _values(site):
        if all(_fits(value, _default(site, p, name)) for p in users):  # else C007 says why
            unsuited = next((m for p in users if (m := _unsuited(p, name, value))), None)
            if unsuited:
                yield Finding(pointer, unsuited)


def _section(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    section: Mapping[str, Any] = data.get(key) or {}
    return section


def _values(site: SiteChecked) -> Iterator[tuple[str, str, object, list[Procedure]]]:
    """Every parameter value the site sets: its pointer, name and value, and the procedures it
    goes to that declare the parameter (none: C005's finding, not these rules')."""
    for name, value in _section(site.data, "params").items():
        yield f"/params/{name}", name, value, [p for p in site.procedures if name in p.params]
    by_id = {p.id: p for p in site.procedures}
    for ident, settings in _section(site.data, "procedures").items():
        procedure = by_id.get(ident)
        if procedure is None:
            continue
        for name, value in (settings.get("params") or {}).items():
            users = [procedure] if name in procedure.params else []
            yield f"/procedures/{ident}/params/{name}", name, value, users


def _unsuited(procedure: Procedure, name: str, value: object) -> str | None:
    """Why `value` cannot serve where the procedure uses parameter `name`: as a deadline's
    duration, or as a penalty's count of violations (None: it can)."""
    placeholder = "{" + name + "}"
    if isinstance(value, str) and any(
        d.duration == placeholder for state in procedure.states.values() for d in state.due
    ):
        try:
            bounded_duration(value)
        except ValueError as exc:
            why = "is longer than 100 years" if "100 years" in str(exc) else "is not one"
            return (
                f"parameter {name!r} of {procedure.id!r} is a deadline's duration; "
                f"{value!r} {why} (e.g. '30 minutes', '1h30m')"
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


def _default(site: SiteChecked, procedure: Procedure, name: str) -> object:
    """The parameter's default: its own, or for one shared `from` another procedure, that one's."""
    param = procedure.params[name]
    if param.shared is None:
        return param.default
    origin = next((p for p in site.procedures if p.id == param.shared), None)
    found = origin.params.get(name) if origin is not None else None
    return found.default if found is not None else None


def _mistyped(name: str, value: object, procedure: Procedure, default: object) -> str:
    return (
        f"parameter {name!r} of {procedure.id!r} is a {kind_of(default)} (default {default!r}); "
        f"got the {kind_of(value)} {value!r}"
    )


def hint(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""
