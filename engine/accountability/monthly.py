"""The monthly report as data: per person, violations counted by kind and where each ladder's
count stands, for one calendar month in the site's time zone (UTC when the site sets none).

Pure: violations, ladders and people come in, a `MonthReport` goes out; `engine.accountability.monthly_format`
turns it into text, JSON or CSV. Nothing here reads the store, the clock or the terminal.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, TypeVar

from procflow.engine.accountability.penalties import Ladder, Rung, Standing, stand
from procflow.engine.accountability.violations import KINDS
from procflow.engine.base.errors import UsageError
from procflow.engine.base.stamps import EARLIEST_YEAR, LATEST_YEAR

if TYPE_CHECKING:
    from procflow.engine.accountability.violations import Violation
    from procflow.engine.model.procedure import Procedure, WorkRule
    from procflow.engine.site.sitefile import Site

MONTH = re.compile(r"(\d{4})-(\d{2})")
K = TypeVar("K", str, tuple[str, str])


@dataclass(frozen=True)
class Month:
    label: str  # YYYY-MM
    zone: tzinfo
    zone_name: str
    start: datetime  # the first instant of the month in `zone`
    end: datetime  # the first instant of the next month


def parse_month(text: str, zone: tzinfo | None) -> Month:
    """`YYYY-MM` as the month's bounds in `zone` (None: UTC); UsageError for anything else."""
    match = MONTH.fullmatch(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
        raise UsageError(f"month {text!r} is not valid; expected YYYY-MM such as 2026-03")
    year, month = int(match.group(1)), int(match.group(2))
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise UsageError(
            f"month {text!r} is in the year {year}; procflow accepts years {EARLIEST_YEAR}-{LATEST_YEAR}"
        )
    where = zone or UTC
    start = datetime(year, month, 1, tzinfo=where)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=where)
    return Month(f"{year:04d}-{month:02d}", where, str(getattr(where, "key", "UTC")), start, end)


@dataclass(frozen=True)
class Counted:
    """One person on one ladder: the violations that count for it, and where the total stands."""

    ladder: Ladder
    rules: Mapping[str, int]  # work rule id -> violations
    breaches: int
    overrides: int
    standing: Standing

    @property
    def next(self) -> Rung | None:
        """The lowest rung not reached yet."""
        return next((r for r in self.ladder.rungs if r.min_count > self.standing.count), None)


@dataclass(frozen=True)
class PersonMonth:
    person: str
    name: str | None  # from the site file
    rules: Mapping[tuple[str, str], int]  # (procedure, rule) -> violations
    breaches: Mapping[tuple[str, str], int]  # (procedure, deadline) -> breaches
    overrides: Mapping[tuple[str, str], int]  # (procedure, role) -> overrides
    ladders: tuple[Counted, ...]
    uncounted: Mapping[str, int]  # kind -> violations that count for no ladder
    proposed: int = 0  # of the violations counted, those no supervisor has confirmed (--include-proposed)

    def total(self, kind: str) -> int:
        found = {"rule": self.rules, "breach": self.breaches, "override": self.overrides}[kind]
        return sum(found.values())


@dataclass(frozen=True)
class MonthReport:
    month: Month
    ladders: tuple[Ladder, ...]
    people: tuple[PersonMonth, ...]
    work_rules: Mapping[tuple[str, str], WorkRule]  # (procedure, rule) -> the rule as declared

    def conflicts(self) -> list[tuple[PersonMonth, Counted]]:
        return [(p, c) for p in self.people for c in p.ladders if c.standing.conflict]


def build_report(
    month: Month,
    violations: Sequence[Violation],
    ladders: Sequence[Ladder],
    site: Site,
    procedures: Mapping[str, Procedure],
) -> MonthReport:
    """Everyone the site names (none omitted, so a clean month shows) and everyone with a
    violation in the month, by person id."""
    inside = [v for v in violations if month.start <= v.at < month.end]
    persons = sorted(set(site.people) | {v.person for v in inside})
    people = []
    for person in persons:
        own = [v for v in inside if v.person == person]
        counted = tuple(_count(ladder, own) for ladder in ladders)
        in_scope = {v.id for v in own for ladder in ladders if _counts_for(ladder, v)}
        found = site.people.get(person)
        people.append(
            PersonMonth(
                person,
                found.name if found else None,
                _tally((v.procedure, v.rule or "") for v in own if v.kind == "rule"),
                _tally((v.procedure, v.deadline or "") for v in own if v.kind == "breach"),
                _tally((v.procedure, v.role or "") for v in own if v.kind == "override"),
                counted,
                {k: sum(1 for v in own if v.kind == k and v.id not in in_scope) for k in KINDS},
                sum(1 for v in own if v.status == "proposed"),
            )
        )
    work_rules = {(pid, r.id): r for pid, p in procedures.items() for r in p.work_rules}
    return MonthReport(month, tuple(ladders), tuple(people), work_rules)


def _counts_for(ladder: Ladder, violation: Violation) -> bool:
    if violation.kind == "rule":
        return violation.procedure == ladder.procedure
    return violation.procedure in ladder.scope


def _count(ladder: Ladder, own: Sequence[Violation]) -> Counted:
    mine = [v for v in own if _counts_for(ladder, v)]
    rules = _tally(v.rule or "" for v in mine if v.kind == "rule")
    breaches = sum(1 for v in mine if v.kind == "breach")
    overrides = sum(1 for v in mine if v.kind == "override")
    return Counted(ladder, rules, breaches, overrides, stand(ladder, len(mine)))


def _tally(keys: Iterable[K]) -> dict[K, int]:
    return dict(sorted(Counter(keys).items()))
