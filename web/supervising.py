"""What the supervisor's pages share: who may see them (the site's supervising role, checked on
the server for every request), the month a page is about and its neighbours, the violations of
a month with their status, and the clause each violation rests on (as the CLI reads them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC

from procflow.engine.accountability.decisions import countable, read_with_status
from procflow.engine.accountability.monthly import Month, MonthReport, build_report, parse_month
from procflow.engine.accountability.penalties import build_ladders
from procflow.engine.accountability.violations import Violation
from procflow.engine.base.clock import now
from procflow.engine.base.errors import RoleError, UsageError
from procflow.engine.desk.people import supervises
from procflow.engine.model.procedure import Procedure, State
from procflow.engine.model.text import render
from procflow.web.context import Context


def require_supervisor(ctx: Context) -> None:
    """A 403 page, in the page's language, for anyone not holding the supervising role."""
    if not supervises(ctx.site, ctx.person or ""):
        raise RoleError(ctx.t("supervisor.refused", role=ctx.site.supervising_role))


def shown_to_supervisors(ctx: Context) -> bool:
    return supervises(ctx.site, ctx.person or "")


@dataclass(frozen=True)
class Months:
    month: Month
    previous: str
    next: str


def month_of(ctx: Context) -> Months:
    """The month of `?month=YYYY-MM` (this month in the site's zone without it), its neighbours;
    a month that is not one is a 400 page in the page's language."""
    given = ctx.request.query_params.get("month") or ctx.value("month")
    if not given:
        given = now(ctx.site.timezone or UTC).strftime("%Y-%m")
    try:
        month = parse_month(given, ctx.site.timezone)
    except UsageError:
        raise UsageError(ctx.t("supervisor.bad_month", month=given[:20])) from None
    year, number = int(month.label[:4]), int(month.label[5:])
    before = f"{year - (number == 1):04d}-{(number - 2) % 12 + 1:02d}"
    after = f"{year + (number == 12):04d}-{number % 12 + 1:02d}"
    return Months(month, before, after)


def violations_of(ctx: Context, month: Month) -> list[Violation]:
    """The month's violations with their status, late arrivals included, oldest first."""
    return read_with_status(ctx.store(), month.start, month.end, site=ctx.site)


def month_report(ctx: Context, month: Month, include_proposed: bool) -> MonthReport:
    """`procflow report --month`'s content: the same services, the same counting."""
    procedures = ctx.web.offered.all()
    ladders = build_ladders(procedures, ctx.site)
    found = countable(violations_of(ctx, month), procedures, ctx.site, include_proposed)
    return build_report(month, found, ladders, ctx.site, procedures)


@dataclass(frozen=True)
class Grounds:
    """What a violation rests on: the clause and the words of the rule, deadline or state."""

    source: str | None
    text: str


def grounds(violation: Violation, procedures: Mapping[str, Procedure], lang: str) -> Grounds:
    procedure = procedures.get(violation.procedure)
    if violation.kind == "rule":
        rule = next((r for r in procedure.work_rules if r.id == violation.rule), None) if procedure else None
        return Grounds(rule.source, render(rule.text, lang, {})) if rule else Grounds(None, "")
    state = _state(procedures, violation.procedure, violation.state or "")
    if state is None:
        return Grounds(None, "")
    title = render(state.title, lang, {}) or state.name
    if violation.kind == "breach":
        deadline = next((d for d in state.due if d.id == violation.deadline), None)
        if deadline is not None and deadline.source:
            return Grounds(deadline.source, title)
    return Grounds(state.source, title)


def _state(procedures: Mapping[str, Procedure], procedure_id: str, qualified: str) -> State | None:
    """The state a qualified name (`use_state>child`) ends in, through the procedures used."""
    procedure = procedures.get(procedure_id)
    parts = qualified.split(">")
    for part in parts[:-1]:
        used = procedure.states.get(part) if procedure is not None else None
        procedure = procedures.get(used.use.procedure) if used is not None and used.use is not None else None
    return procedure.states.get(parts[-1]) if procedure is not None else None
