"""My desk: what is due for the signed-in person (late first, live: pages/live.py), their
open instances with the hand-over note that gave each to them (the newest OPEN_PAGE, and more on
asking: `?open=N`), and the procedures they may start."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from procflow.engine.base.clock import Duty, now
from procflow.engine.desk.agenda import read_agenda
from procflow.engine.desk.agenda import when as due_when
from procflow.engine.desk.audit import Handover, handovers, status
from procflow.web.context import Context
from procflow.web.registry import page
from procflow.web.times import local
from starlette.responses import Response

AHEAD = 12 * 3600.0  # the agenda shows what is due within this many seconds, and everything late
LIMIT = 100
OPEN_PAGE = 50  # open instances listed at first, and how many more each "show more" adds
OPEN_MOST = 1000  # the most one page lists, however many are asked for


# Rows handed to the templates are named tuples, not dicts: Jinja reads `row.name` as an
# attribute first, and on a dict that is a failed look-up (an exception) for every field shown.
# Their links and phrases are made here: a function called from a template goes through Jinja's
# call wrapper, which costs more than the call, once per row.
class AgendaRow(NamedTuple):
    instance: str
    href: str
    text: str
    procedure: str
    late: bool
    at: str
    iso: str
    when: str


class OpenRow(NamedTuple):
    id: str
    href: str
    procedure: str
    state: str
    since: str  # "since 14:30", in the page's language
    handover: Handover | None
    handover_at: str


class OpenWork(NamedTuple):
    rows: list[OpenRow]
    shown: int  # how many were asked for (`?open=N`, a multiple of OPEN_PAGE)
    more: bool  # more open instances exist than are listed, and a page may list more
    page: int = OPEN_PAGE  # how many more "show more" asks for


def agenda_items(ctx: Context) -> list[AgendaRow]:
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
    offered = ctx.web.offered
    return [
        AgendaRow(
            item.instance,
            ctx.url("instance", id=item.instance),
            item.text,
            offered.title(item.procedure, ctx.lang),
            item.due < moment,
            local(item.due, moment),
            item.due.isoformat(),
            due_when(item, moment, ctx.lang),
        )
        for item in found.items
    ]


def open_count(ctx: Context) -> int:
    """How many open instances the page lists: `?open=N` rounded up to a whole page, within
    OPEN_PAGE..OPEN_MOST; anything else (absent, not a number) is the first page."""
    asked = ctx.request.query_params.get("open", "")
    wanted = int(asked) if asked.isdigit() and len(asked) < 6 else OPEN_PAGE
    pages = max(1, -(-wanted // OPEN_PAGE))
    return min(pages * OPEN_PAGE, OPEN_MOST)


def open_instances(ctx: Context, count: int = OPEN_PAGE) -> OpenWork:
    report = status(  # the desk does not mark changed files: none is read
        ctx.store(),
        person=ctx.person,
        roles=sorted(ctx.roles()),
        open_limit=count,
        recent_limit=0,
        files=False,
    )
    rows = [r.summary for r in report.open]
    notes = handovers(ctx.store(), {s.id: (s.owner, s.assignee) for s in rows})
    moment = now(ctx.site.timezone)
    offered = ctx.web.offered
    shown: list[OpenRow] = []
    for summary in rows:
        handover = notes.get(summary.id)
        shown.append(
            OpenRow(
                summary.id,
                ctx.url("instance", id=summary.id),
                offered.title(summary.procedure_id, ctx.lang),
                offered.state_title(summary.procedure_id, summary.state, ctx.lang),
                ctx.t("desk.since", at=local(datetime.fromisoformat(summary.updated_at), moment)),
                handover,
                local(datetime.fromisoformat(handover.at), moment) if handover else "",
            )
        )
    return OpenWork(shown, count, report.more_open and count < OPEN_MOST)


@page("/", "desk", nav="nav.desk")
def desk(ctx: Context) -> Response:
    return ctx.render(
        "desk.html",
        agenda=agenda_items(ctx),
        work=open_instances(ctx, open_count(ctx)),
        startable=ctx.web.offered.startable(ctx.site.roles_of(ctx.person or ""), ctx.lang),
        handed=ctx.request.query_params.get("handed", ""),
    )
