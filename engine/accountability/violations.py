"""Violations: the ones a manager records (migration 4's append-only table) and the ones the
event log already holds (every `breach` and `override` event), read as one kind of record.

Recorded violations name a work rule of a procedure; breaches and overrides are read from the
events at report time and never copied. Validation of names lives here, the queries in the store
(`Store.record_violation`, `violations`, `accountable_events`); no SQL, no printing, no clock.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from procflow.engine.base.clock import parse_moment
from procflow.engine.base.errors import NotFoundError, RoleError, UsageError
from procflow.engine.base.stamps import stamp
from procflow.engine.store import Store
from procflow.engine.store.records import AccountableEvent, ViolationRow, utc

if TYPE_CHECKING:
    from procflow.engine.model.procedure import Procedure, WorkRule
    from procflow.engine.site.sitefile import Site

KINDS = ("rule", "breach", "override")  # the order reports show them in


@dataclass(frozen=True)
class Violation:
    """One violation of `person`; `procedure` is the rule's procedure, or the instance's."""

    kind: str
    id: str  # a recorded violation's number, or `instance#seq` of the event
    person: str
    at: datetime  # aware
    procedure: str
    rule: str | None = None  # kind rule
    note: str | None = None  # kind rule: the manager's note
    instance: str | None = None  # kind breach and override
    state: str | None = None
    deadline: str | None = None  # kind breach
    late: float | None = None  # kind breach: seconds
    role: str | None = None  # kind override: the role the step required
    reason: str | None = None  # kind override
    recorded_by: str | None = None
    recorded_at: datetime | None = None
    status: str = "proposed"  # proposed | confirmed | dismissed | retracted (engine.accountability.decisions)
    decided_by: str | None = None  # the latest decision's supervisor, reason and time
    decided_at: datetime | None = None
    decision_reason: str | None = None


# --- names --------------------------------------------------------------------------------


def find_rule(procedures: Mapping[str, Procedure], ref: str) -> tuple[str, WorkRule]:
    """The work rule `ref` names (`RULE`, or `PROCEDURE:RULE` when two procedures share the id)."""
    found = {(pid, r.id): r for pid, p in procedures.items() for r in p.work_rules}
    if not found:
        raise NotFoundError(f"unknown rule {ref!r}: no procedure declares work_rules")
    if ":" in ref:
        pid, _, rule = ref.partition(":")
        if (pid, rule) in found:
            return pid, found[pid, rule]
    else:
        matching = [key for key in found if key[1] == ref]
        if len(matching) == 1:
            return matching[0][0], found[matching[0]]
        if matching:
            names = " or ".join(repr(f"{p}:{r}") for p, r in sorted(matching))
            raise UsageError(f"rule {ref!r} is declared by more than one procedure; write {names}")
    candidates = sorted({r for _, r in found} | {f"{p}:{r}" for p, r in found})
    close = difflib.get_close_matches(ref, candidates, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else "; `procflow show PROCEDURE` lists its work rules"
    raise NotFoundError(f"unknown rule {ref!r}{hint}")


def check_person(site: Site, person: str, what: str = "person") -> None:
    """When the site names people, `person` must be one of them (NotFoundError, did you mean)."""
    if not site.people or person in site.people:
        return
    close = difflib.get_close_matches(person, sorted(site.people), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; the site file {site.path} lists the people"
    raise NotFoundError(f"unknown {what} {person!r}{hint}")


def record_checked(
    store: Store,
    procedures: Mapping[str, Procedure],
    site: Site,
    *,
    person: str,
    rule: str,
    note: str | None,
    at: str | None,
    actor: str,
    now: datetime,
) -> tuple[Violation, WorkRule]:
    """Check every name and the time, then record: the rule must be declared, the person (and
    the recorder) named by the site when it names people, the time (`--at` as typed, read by
    `procflow.engine.base.clock.parse_moment` on the clock of `now`) not after `now`."""
    person = person.strip()
    if not person:
        raise UsageError("the person is empty; give the id the site file (or the person) signs in with")
    procedure, declared = find_rule(procedures, rule.strip())
    check_person(site, person)
    check_person(site, actor, "recorder")
    require_supervisor(site, actor, "record violations")
    if actor == person:
        raise RoleError(f"{actor} cannot record a violation against themselves; another supervisor must")
    moment = now if at is None else parse_moment(at, now)
    if moment > now:
        raise UsageError(
            f"time {at!r} is after now ({now.isoformat(timespec='minutes')}); "
            "record a violation once it has happened"
        )
    note = note.strip() if note else None
    return record(
        store,
        person=person,
        rule=declared.id,
        procedure=procedure,
        at=moment,
        note=note or None,
        recorded_by=actor,
        recorded_at=now,
    ), declared


def require_supervisor(site: Site, actor: str, what: str) -> None:
    """RoleError (exit 10) unless `actor` holds the site's supervising role; a site that names
    no people restricts nobody, as everywhere else."""
    roles = site.roles_of(actor)
    if roles is None or site.supervising_role in roles:
        return
    holders = ", ".join(site.holders(site.supervising_role)) or "nobody"
    raise RoleError(
        f"{actor} does not hold the supervising role {site.supervising_role!r} and cannot {what} "
        f"(第三篇 七; held by: {holders})"
    )


# --- the table of recorded violations -----------------------------------------------------


def record(
    store: Store,
    *,
    person: str,
    rule: str,
    procedure: str,
    at: datetime,
    note: str | None,
    recorded_by: str,
    recorded_at: datetime,
) -> Violation:
    """Append one violation (its own transaction); the store refuses updates and deletes."""
    number = store.record_violation(
        person=person,
        rule=rule,
        procedure=procedure,
        at=stamp(at),
        note=note,
        recorded_by=recorded_by,
        recorded_at=stamp(recorded_at),
    )
    return Violation(
        "rule",
        str(number),
        person,
        utc(stamp(at)),
        procedure,
        rule=rule,
        note=note,
        recorded_by=recorded_by,
        recorded_at=utc(stamp(recorded_at)),
        status="confirmed",
    )


def read(
    store: Store, start: datetime | None = None, end: datetime | None = None, person: str | None = None
) -> list[Violation]:
    """Every violation with `start <= at < end` (either may be open), oldest first: recorded
    ones and the `breach`/`override` events, attributed to their instance's procedure."""
    found = [_recorded(row) for row in store.violations(start=start, end=end, person=person)]
    found += [_of_step(event) for event in store.accountable_events(start=start, end=end, person=person)]
    found.sort(key=lambda v: (v.at, KINDS.index(v.kind), v.id))
    return found


def _recorded(row: ViolationRow) -> Violation:
    return Violation(
        "rule",
        str(row.number),
        row.person,
        utc(row.at),
        row.procedure,
        rule=row.rule,
        note=row.note,
        recorded_by=row.recorded_by,
        recorded_at=utc(row.recorded_at),
    )


def _of_step(event: AccountableEvent) -> Violation:
    ident = f"{event.instance}#{event.seq}"
    return from_event(
        event.kind, ident, event.actor, utc(event.at), event.procedure, event.instance, event.body
    )


def from_event(
    kind: str,
    ident: str,
    actor: str,
    moment: datetime,
    procedure: str,
    instance: str,
    body: Mapping[str, Any],
) -> Violation:
    """A `breach` or `override` event as the violation of the person who took the step."""
    late = body.get("late")
    return Violation(
        kind,
        ident,
        actor,
        moment,
        procedure,
        instance=instance,
        state=_text(body.get("state") or body.get("from")),
        deadline=_text(body.get("deadline")) if kind == "breach" else None,
        late=float(late) if isinstance(late, int | float) and kind == "breach" else None,
        role=_text(body.get("role")) if kind == "override" else None,
        reason=_text(body.get("reason") or body.get("note")) if kind == "override" else None,
    )


def to_json(violation: Violation, zone: Any) -> dict[str, Any]:
    """The documented keys of one violation; times in `zone` (None: UTC)."""

    def iso(moment: datetime | None) -> str | None:
        return None if moment is None else moment.astimezone(zone or UTC).isoformat()

    return {
        "kind": violation.kind, "id": violation.id, "person": violation.person,
        "at": iso(violation.at), "procedure": violation.procedure, "rule": violation.rule,
        "note": violation.note, "instance": violation.instance, "state": violation.state,
        "deadline": violation.deadline, "late_seconds": violation.late, "role": violation.role,
        "reason": violation.reason, "recorded_by": violation.recorded_by,
        "recorded_at": iso(violation.recorded_at), "status": violation.status,
        "decided_by": violation.decided_by, "decided_at": iso(violation.decided_at),
        "decision_reason": violation.decision_reason,
    }  # fmt: skip


def people_of(violations: Iterable[Violation]) -> list[str]:
    return sorted({v.person for v in violations})


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
