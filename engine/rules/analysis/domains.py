"""Deciding what guards can do by trying every value that matters.

A name gets a finite list of candidate values when that list is exact: a choice field's
options, a bool, numbers at and between the literals it is compared with, text equal to a
literal or to none of them, and `None` while it may be unanswered. Guards are evaluated on
the product of those lists (bounded); where a name has no such list the answer is None
(undecided), and rules then report nothing. Every evaluation is paid from a budget shared by
one procedure's questions, so no file makes the rules try more than EVALUATIONS assignments
in all: beyond that, questions are undecided too. Nothing here reports.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Container, Iterable, Sequence
from typing import Any

from procflow.engine.model.guard import Guard
from procflow.engine.model.procedure import Procedure

LIMIT = 4096  # assignments evaluated per question at most
EVALUATIONS = 250_000  # guard evaluations per procedure at most, over every question
ATTEMPT = 16  # what asking a question costs even when it is not decided: a few names looked at


class Budget:
    """Guard evaluations a procedure's questions may still spend."""

    def __init__(self, evaluations: int = EVALUATIONS) -> None:
        self.left = evaluations

    def spend(self, evaluations: int) -> bool:
        """Take `evaluations` if that many are left (else take nothing and say no)."""
        if evaluations > self.left:
            return False
        self.left -= evaluations
        return True

    @property
    def spent(self) -> bool:
        """Nothing is left for even a question that is not decided."""
        return self.left < ATTEMPT


class _Other:
    """A value equal to no literal: `text` that is none of those compared, or any answer."""

    def __init__(self, label: str) -> None:
        self.label = label

    def __repr__(self) -> str:
        return self.label


OTHER_TEXT = _Other("any other text")
ANSWERED = _Other("answered")

Assignment = dict[str, Any]


def domain(
    procedure: Procedure, name: str, guards: Sequence[Guard], answered: bool
) -> tuple[Any, ...] | None:
    """Candidate values of `name` that decide every guard in `guards`, or None.

    `answered`: the field is certainly answered here, so `None` is not a candidate.
    """
    comparisons = [c for g in guards for c in g.comparisons if c.name == name]
    opaque = any(name in g.opaque for g in guards)
    return _domain(procedure, name, comparisons, opaque, answered)


def _domain(
    procedure: Procedure, name: str, comparisons: Sequence[Any], opaque: bool, answered: bool
) -> tuple[Any, ...] | None:
    unset: tuple[Any, ...] = () if answered else (None,)
    field = procedure.fields.get(name)
    if field is not None:
        if field.type == "choice":  # more options than assignments allowed: never listed
            return (*field.options, *unset) if len(field.options) <= LIMIT else None
        if field.type == "bool":
            return (True, False, *unset)
        if opaque:
            return None
        if not comparisons:  # read only by answered()
            return (ANSWERED, *unset)
        if field.type == "number":
            points = _numbers(comparisons, field.min, field.max, field.integer)
            return None if points is None else (*points, *unset)
        if field.type == "text" and field.pattern is None and field.min is None and field.max is None:
            texts = _texts(comparisons)
            return None if texts is None else (*texts, *unset)
        return None
    param = procedure.params.get(name)
    if param is None:
        return None
    if isinstance(param.default, bool):
        return (True, False)
    if opaque:
        return None
    if not comparisons:
        return (ANSWERED,)
    if isinstance(param.default, (int, float)):
        return _numbers(comparisons, None, None, False)
    return _texts(comparisons)


def _numbers(
    comparisons: Iterable[Any], low: float | None, high: float | None, integer: bool
) -> tuple[Any, ...] | None:
    """One value for each region the literals cut the allowed range into: each literal, one
    value between neighbours, one below and one above (whole numbers for `integer`)."""
    consts: set[float] = set()
    for c in comparisons:
        if c.op in ("in", "not in") and not c.listed:
            return None
        for v in c.values:
            if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
                consts.add(v)
    lo = -math.inf if low is None else (math.ceil(low) if integer else low)
    hi = math.inf if high is None else (math.floor(high) if integer else high)
    if lo > hi:
        return ()
    points = sorted(p for p in consts if lo <= p <= hi)
    if not points:  # nothing to tell values apart: any allowed value stands for all
        return (_shown(lo if lo > -math.inf else hi if hi < math.inf else 0),)
    first, last = points[0], points[-1]
    out: list[float] = []
    below = math.ceil(first) - 1 if integer else max(first - 1, lo)
    if lo <= below < first:
        out.append(below)
    for a, b in itertools.pairwise(points):
        if not integer or float(a).is_integer():
            out.append(a)
        between = math.floor(a) + 1 if integer else (a + b) / 2
        if between < b:
            out.append(between)
    if not integer or float(last).is_integer():
        out.append(last)
    above = math.floor(last) + 1 if integer else min(last + 1, hi)
    if last < above <= hi:
        out.append(above)
    return tuple(_shown(x) for x in out)


def _shown(x: float) -> float:
    """5 rather than 5.0, so examples in messages read as written."""
    return int(x) if float(x).is_integer() else x


def _texts(comparisons: Iterable[Any]) -> tuple[Any, ...] | None:
    literals: dict[Any, None] = {}
    for c in comparisons:
        if c.op not in ("==", "!=", "in", "not in") or (c.op in ("in", "not in") and not c.listed):
            return None  # ordering or substring tests: the literals no longer cut the space
        literals.update((v, None) for v in c.values if isinstance(v, str))
    return (*literals, OTHER_TEXT)


def truth_table(
    procedure: Procedure,
    guards: Sequence[Guard],
    answered: Container[str],
    budget: Budget | None = None,
) -> tuple[list[str], list[tuple[Assignment, tuple[bool, ...]]]] | None:
    """Every candidate assignment of the guards' names with whether each guard holds, or None
    when a name has no exact candidates, there are more than LIMIT assignments, or `budget`
    cannot pay for evaluating every guard on each of them."""
    if budget is not None and not budget.spend(ATTEMPT):
        return None
    names = sorted({n for g in guards for n in g.names})
    comparisons: dict[str, list[Any]] = {}
    opaque: set[str] = set()
    for g in guards:  # one pass: a state's guards may read thousands of names between them
        for c in g.comparisons:
            comparisons.setdefault(c.name, []).append(c)
        opaque.update(g.opaque)
    domains = []
    size = 1
    for name in names:
        values = _domain(procedure, name, comparisons.get(name, ()), name in opaque, name in answered)
        if values is None:
            return None
        size *= len(values)
        if size > LIMIT:
            return None
        domains.append(values)
    if budget is not None and not budget.spend(size * len(guards)):
        return None
    runs = [g.run for g in guards]
    rows = []
    for combo in itertools.product(*domains):
        assignment = dict(zip(names, combo, strict=True))
        rows.append((assignment, tuple([bool(run(assignment)) for run in runs])))
    return names, rows


def describe(values: Assignment, names: Iterable[str]) -> str:
    """`kind is 'courier' and vip is true`."""
    parts = []
    for name in names:
        value = values[name]
        if value is None:
            shown = "unanswered"
        elif isinstance(value, bool):
            shown = "true" if value else "false"
        elif isinstance(value, str):
            shown = repr(value)
        else:
            shown = str(value)
        parts.append(f"{name} is {shown}")
    return " and ".join(parts)
