"""The supervisor's list of a month's violations: the proposed ones (breaches and overrides the
machine found) to confirm or dismiss with a reason, and those already decided or recorded, each
with the clause it rests on. Deciding is `violation confirm|dismiss`'s service, with its checks."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from procflow.engine.accountability.decisions import (
    CONFIRMED,
    DISMISSED,
    PROPOSED,
    decide,
    unconfirmed_default,
)
from procflow.engine.accountability.register import STAMP, what
from procflow.engine.accountability.violations import Violation
from procflow.engine.base.clock import now
from procflow.engine.base.errors import IllegalMoveError, NotFoundError, RoleError
from procflow.web.context import Context, refusal
from procflow.web.registry import page
from procflow.web.supervising import (
    Months,
    grounds,
    month_of,
    require_supervisor,
    shown_to_supervisors,
    violations_of,
)
from starlette.responses import Response

DECISIONS = {"confirm": CONFIRMED, "dismiss": DISMISSED}  # the button pressed -> the decision


def _shown(ctx: Context, violation: Violation) -> dict[str, Any]:
    procedures = ctx.web.offered.all()
    found = grounds(violation, procedures, ctx.lang)
    person = ctx.site.people.get(violation.person)
    return {
        "id": violation.id,
        "kind": violation.kind,
        "person": violation.person,
        "name": person.name if person else "",
        "at": violation.at.astimezone(ctx.site.timezone or UTC).strftime(STAMP),  # always with the date
        "iso": violation.at.isoformat(),
        "procedure": ctx.web.offered.title(violation.procedure, ctx.lang),
        "procedure_id": violation.procedure,
        "instance": violation.instance,
        "what": what(violation, ctx.lang),
        "source": found.source,
        "grounds": found.text,
        "status": violation.status,
        "decided_by": violation.decided_by,
        "decision_reason": violation.decision_reason,
        "own": violation.person == ctx.person,
        "uncounted": unconfirmed_default(violation, procedures, ctx.site),
    }


def _render(ctx: Context, months: Months, status: int = 200, **values: Any) -> Response:
    found = [_shown(ctx, v) for v in violations_of(ctx, months.month)]
    beside = any(v["id"] == values.get("problem_id") and v["status"] == PROPOSED for v in found)
    return ctx.render(
        "violations.html",
        status,
        months=months,
        proposed=[v for v in found if v["status"] == PROPOSED],
        decided=[v for v in found if v["status"] != PROPOSED],
        zone=months.month.zone_name,
        beside=beside,  # the refusal is shown beside its violation, else above the lists
        **{"problem": "", "problem_id": "", "reason": "", "done": None, **values},
    )


@page("/violations", "violations", nav="nav.violations", shown_to=shown_to_supervisors)
def violations(ctx: Context) -> Response:
    require_supervisor(ctx)
    months = month_of(ctx)
    done = None
    decided, status = ctx.request.query_params.get("decided"), ctx.request.query_params.get("status")
    if decided and status in (CONFIRMED, DISMISSED):
        done = {"id": decided, "status": status}
    return _render(ctx, months, done=done)


@page("/violations/decide", "violation_decide", methods=("POST",))
def violation_decide(ctx: Context) -> Response:
    """Confirm or dismiss one proposed violation; a refusal is shown in place beside it."""
    require_supervisor(ctx)
    months = month_of(ctx)
    ref, reason = ctx.value("violation").strip(), ctx.value("reason").strip()
    decision = DECISIONS.get(ctx.value("decision"))
    refused = ""
    status = 200
    if decision is None:
        refused, status = ctx.t("violations.which_decision"), 400
    elif not reason:
        refused, status = ctx.t("violations.reason_needed"), 422
    else:
        found = next((v for v in violations_of(ctx, months.month) if v.id == ref), None)
        if found is None:
            raise NotFoundError(ctx.t("violations.unknown", id=ref))
        if found.person == ctx.person:
            refused, status = ctx.t("violations.not_own"), 403
        elif found.status != PROPOSED:
            refused, status = ctx.t("violations.already", status=ctx.t(f"violations.{found.status}")), 409
    if not refused:
        try:
            decide(
                ctx.store(),
                ctx.site,
                ref=ref,
                decision=decision or "",
                reason=reason,
                actor=ctx.person or "",
                now=now(ctx.site.timezone),
            )
        except (IllegalMoveError, RoleError) as exc:  # decided meanwhile by someone else
            refused, status = refusal(exc, ctx.lang), 409 if isinstance(exc, IllegalMoveError) else 403
    if refused:
        return _render(ctx, months, status, problem=refused, problem_id=ref, reason=reason)
    return ctx.redirect("violations", {"month": months.month.label, "decided": ref, "status": decision or ""})
