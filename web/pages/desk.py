"""My desk: what is due for the signed-in person (late first, live: pages/live.py), their
open instances with the hand-over note that gave each to them, and the procedures they may start."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from procflow.engine.base.clock import Duty, now
from procflow.engine.desk.agenda import read_agenda
from procflow.engine.desk.agenda import when as due_when
from procflow.engine.desk.audit import handovers, status
from procflow.web.context import Context
from procflow.web.registry import page
from procflow.web.times import local
from starlette.responses import Response

AHEAD = 12 * 3600.0  # the agenda shows what is due within this many seconds, and everything late
LIMIT = 100


def agenda_items(ctx: Context) -> list[dict[str, object]]:
    site = ctx.site
    moment = now(site.timezone)
    duty = Duty(site.calendar, site.timezone) if site.calendar.defined else None
    found = read_agenda(
        ctx.store(),
        now=moment,
        within=AHEAD,
        limit=LIMIT,
        lang=ctx.lang,
        person=ctx.person,
        roles=sorted(ctx.roles()),
        duty=duty,
    )
    return [
        {
            "instance": item.instance,
            "text": item.text,
            "procedure": ctx.web.offered.title(item.procedure, ctx.lang),
            "late": item.due < moment,
            "at": local(item.due, moment),
            "iso": item.due.isoformat(),
            "when": due_when(item, moment, ctx.lang),
        }
        for item in found.items
    ]


def open_instances(ctx: Context) -> list[dict[str, Any]]:
    report = status(ctx.store(), person=ctx.person, roles=sorted(ctx.roles()), recent_limit=0)
    rows = [r.summary for r in report.open]
    notes = handovers(ctx.store(), {s.id: (s.owner, s.assignee) for s in rows})
    moment = now(ctx.site.timezone)
    shown: list[dict[str, Any]] = []
    for summary in rows:
        handover = notes.get(summary.id)
        shown.append(
            {
                "id": summary.id,
                "procedure": ctx.web.offered.title(summary.procedure_id, ctx.lang),
                "state": ctx.web.offered.state_title(summary.procedure_id, summary.state, ctx.lang),
                "since": local(datetime.fromisoformat(summary.updated_at), moment),
                "handover": handover,
                "handover_at": local(datetime.fromisoformat(handover.at), moment) if handover else "",
            }
        )
    return shown


@page("/", "desk", nav="nav.desk")
def desk(ctx: Context) -> Response:
    return ctx.render(
        "desk.html",
        agenda=agenda_items(ctx),
        instances=open_instances(ctx),
        startable=ctx.web.offered.startable(ctx.site.roles_of(ctx.person or ""), ctx.lang),
        handed=ctx.request.query_params.get("handed", ""),
    )
