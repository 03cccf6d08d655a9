"""A violation's lifecycle, owned by the supervisor (第三篇 七): breaches and overrides the
machine finds are *proposed*; a person holding the site's supervising role confirms or dismisses
each with a reason, and may later retract a confirmed one. Every decision is appended (migration
7); the latest is the violation's status. No SQL, no printing, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from procflow.engine.accountability.arrivals import late_arrivals
from procflow.engine.accountability.violations import KINDS, Violation, read, require_supervisor
from procflow.engine.base.errors import IllegalMoveError, NotFoundError, RoleError, UsageError
from procflow.engine.base.stamps import stamp
from procflow.engine.store import Store
from procflow.engine.store.records import DecisionRow, utc

if TYPE_CHECKING:
    from procflow.engine.model.procedure import Procedure
    from procflow.engine.site.sitefile import Site

PROPOSED, CONFIRMED, DISMISSED, RETRACTED = "proposed", "confirmed", "dismissed", "retracted"
STATUSES = (PROPOSED, CONFIRMED, DISMISSED, RETRACTED)
# decision -> (the verb typed, the statuses it may follow)
DECISIONS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    CONFIRMED: ("confirm", (PROPOSED,)),
    DISMISSED: ("dismiss", (PROPOSED,)),
    RETRACTED: ("retract", (CONFIRMED,)),
}


def not_against_self(actor: str, person: str, what: str) -> None:
    if actor == person:
        raise RoleError(f"{actor} cannot {what} a violation against themselves; another supervisor must")


def with_status(violations: Sequence[Violation], decisions: Sequence[DecisionRow]) -> list[Violation]:
    """Each violation with its status: its latest decision; none means proposed for a breach or
    override, confirmed for a violation a supervisor recorded by hand."""
    latest = {row.violation: row for row in decisions}
    found = []
    for v in violations:
        row = latest.get(v.id)
        if row is None:
            found.append(replace(v, status=CONFIRMED if v.kind == "rule" else PROPOSED))
        else:
            found.append(
                replace(
                    v,
                    status=row.decision,
                    decided_by=row.decided_by,
                    decided_at=utc(row.decided_at),
                    decision_reason=row.reason,
                )
            )
    return found


def read_with_status(
    store: Store,
    start: datetime | None = None,
    end: datetime | None = None,
    person: str | None = None,
    site: Site | None = None,
) -> list[Violation]:
    """Every violation with its status; with `site`, late arrivals measured on its calendar too."""
    found = read(store, start, end, person)
    if site is not None:
        found += late_arrivals(store, site, start, end, person)
        found.sort(key=lambda v: (v.at, KINDS.index(v.kind), v.id))
    return with_status(found, store.violation_decisions())


def counted(violations: Sequence[Violation], include_proposed: bool = False) -> list[Violation]:
    """What a report counts: confirmed violations, and proposed ones when asked for."""
    keep = {CONFIRMED, PROPOSED} if include_proposed else {CONFIRMED}
    return [v for v in violations if v.status in keep]


def decide(
    store: Store, site: Site, *, ref: str, decision: str, reason: str, actor: str, now: datetime
) -> Violation:
    """Append `decision` about the violation `ref` (a number, or `instance#seq`), after checking
    the role, the person, the reason and that the decision may follow the current status."""
    verb, after = DECISIONS[decision]
    require_supervisor(site, actor, f"{verb} violations")
    reason = reason.strip()
    if not reason:
        raise UsageError(f"a reason is needed to {verb} a violation (--reason TEXT)")
    ref = ref.strip()
    found = next((v for v in read_with_status(store, site=site) if v.id == ref), None)
    if found is None:
        raise NotFoundError(
            f"unknown violation {ref!r}; `procflow violation list` shows their ids "
            "(a number, or INSTANCE#EVENT for a breach or an override)"
        )
    not_against_self(actor, found.person, verb)
    if found.status not in after:
        raise IllegalMoveError(
            f"violation {ref} is {found.status}; only a {' or '.join(after)} violation can be {decision}"
        )
    store.decide_violation(
        violation=ref, decision=decision, reason=reason, decided_by=actor, decided_at=stamp(now)
    )
    return replace(
        found, status=decision, decided_by=actor, decided_at=utc(stamp(now)), decision_reason=reason
    )


def pending(
    store: Store, decision: str, person: str, start: datetime, end: datetime, site: Site | None = None
) -> list[str]:
    """The ids of `person`'s violations in [start, end) that `decision` may follow, oldest first
    (`violation confirm --person NAME --month YYYY-MM` after reading the list)."""
    after = DECISIONS[decision][1]
    found = [v.id for v in read_with_status(store, start, end, person, site) if v.status in after]
    if not found:
        raise NotFoundError(f"{person} has no {' or '.join(after)} violations in that month")
    return found


def unconfirmed_default(violation: Violation, procedures: Mapping[str, Procedure], site: Site) -> bool:
    """Whether `violation` is a breach of a deadline whose length is a parameter's default that
    no clause gives (the parameter has no `source`) and that the site has neither set nor
    confirmed (`confirmed: [PROCEDURE.PARAM]`): such a length counts against nobody."""
    if violation.kind != "breach" or not violation.state or not violation.deadline:
        return False
    procedure = procedures.get(violation.procedure)
    parts = violation.state.split(">")
    for part in parts[:-1]:
        used = procedure.states.get(part) if procedure is not None else None
        procedure = procedures.get(used.use.procedure) if used is not None and used.use is not None else None
    state = procedure.states.get(parts[-1]) if procedure is not None else None
    deadline = next((d for d in state.due if d.id == violation.deadline), None) if state is not None else None
    if procedure is None or deadline is None or deadline.param is None:
        return False
    param = procedure.params.get(deadline.param)
    if param is not None and param.shared is not None:  # the declaring procedure's, set or confirmed there
        if site.sets(procedure.id, deadline.param):
            return False
        origin = procedures.get(param.shared)
        param, procedure = (
            (origin.params.get(deadline.param), origin) if origin is not None else (None, procedure)
        )
    return param is not None and param.source is None and not site.sets(procedure.id, deadline.param)


def countable(
    violations: Sequence[Violation],
    procedures: Mapping[str, Procedure],
    site: Site,
    include_proposed: bool = False,
) -> list[Violation]:
    """What `report` and the review count: `counted`, without breaches of unconfirmed defaults."""
    return [v for v in counted(violations, include_proposed) if not unconfirmed_default(v, procedures, site)]
