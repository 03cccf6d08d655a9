"""Rules on each guard by itself: it parses, it reads declared names, its literals fit.

Every guard was parsed once by the shared analysis; these rules only read the result. A
guard that does not parse is reported here and skipped by every other guard rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from procflow.engine.model.guard import Comparison, Guard
from procflow.engine.model.procedure import Procedure
from procflow.engine.rules import Finding, rule
from procflow.engine.rules.analysis.facts import analyse, suggest

_EXPECTED = {
    "number": "a number",
    "bool": "true or false",
    "text": "text in quotes",
    "choice": "an option in quotes",
}


@rule("P007", "guard-syntax", "a guard does not parse, or uses something guards do not allow")
def guard_syntax(procedure: Procedure) -> Iterator[Finding]:
    for pointer, error in analyse(procedure).errors.items():
        yield Finding(pointer, error.message, offset=error.offset)


@rule("P008", "unknown-guard-name", "a guard reads a name that is neither a field nor a parameter")
def unknown_guard_name(procedure: Procedure) -> Iterator[Finding]:
    known = (*procedure.fields, *procedure.params)
    for pointer, guard in analyse(procedure).guards.items():
        for name, offset in guard.names.items():
            if name not in procedure.fields and name not in procedure.params:
                yield Finding(
                    pointer,
                    f"guard reads {name!r}, which is neither a field nor a parameter{suggest(name, known)}",
                    offset=offset,
                )


Problem = tuple[str, Comparison, Any, int, str]


def value_problems(procedure: Procedure, guard: Guard) -> list[Problem]:
    """(code, comparison, value, offset, message) for each literal that cannot match its name.

    Worked out once per guard text and procedure; several rules ask."""
    memo = analyse(procedure).memo
    key = ("problems", guard.source)
    if key not in memo:
        memo[key] = list(_problems(procedure, guard)) if guard.comparisons else []
    return memo[key]  # type: ignore[return-value]


def _problems(procedure: Procedure, guard: Guard) -> Iterator[Problem]:
    for c in guard.comparisons:
        kind = _kind(procedure, c.name)
        if kind is None or (c.op in ("in", "not in") and not c.listed):
            continue
        field = procedure.fields.get(c.name)
        options = _options(procedure, c.name) if kind == "choice" else frozenset()
        for value, offset in zip(c.values, c.value_offsets, strict=True):
            if value is None:
                continue
            if kind == "choice" and isinstance(value, str) and field is not None and value not in options:
                hint = suggest(value, field.options) or f" (options: {', '.join(field.options)})"
                message = f"{value!r} is not an option of choice field {c.name!r}{hint}"
                yield "P009", c, value, offset, message
            elif not _fits(kind, value):
                what = "field" if field is not None else "parameter"
                message = (
                    f"{kind} {what} {c.name!r} is compared with {_show(value)}; expected {_EXPECTED[kind]}"
                )
                yield "P026", c, value, offset, message


def _options(procedure: Procedure, name: str) -> frozenset[str]:
    """The options of choice field `name` as a set, made once per procedure: a field may have
    thousands, and every guard comparing it asks."""
    memo = analyse(procedure).memo
    key = ("options", name)
    if key not in memo:
        memo[key] = frozenset(procedure.fields[name].options)
    return memo[key]  # type: ignore[return-value]


def _kind(procedure: Procedure, name: str) -> str | None:
    field = procedure.fields.get(name)
    if field is not None:
        return field.type if field.type in _EXPECTED else None
    param = procedure.params.get(name)
    if param is None:
        return None
    default = param.default
    return "bool" if isinstance(default, bool) else "number" if isinstance(default, (int, float)) else "text"


def _fits(kind: str, value: Any) -> bool:
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, str)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (true or false)"
    if isinstance(value, str):
        return f"text {value!r}"
    return f"number {value!r}"


def _findings(procedure: Procedure, code: str) -> Iterator[Finding]:
    for pointer, guard in analyse(procedure).guards.items():
        for found, _c, _v, offset, message in value_problems(procedure, guard):
            if found == code:
                yield Finding(pointer, message, offset=offset)


@rule(
    "P009",
    "unknown-choice-value",
    "a guard compares a choice field with a value that is not one of its options",
)
def unknown_choice_value(procedure: Procedure) -> Iterator[Finding]:
    return _findings(procedure, "P009")


@rule("P026", "guard-type-mismatch", "a guard compares a field or parameter with a literal of another type")
def guard_type_mismatch(procedure: Procedure) -> Iterator[Finding]:
    return _findings(procedure, "P026")
