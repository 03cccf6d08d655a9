"""The desk's live updates by server-sent events: one stream per open desk page of a signed-in
person, sending the agenda and open instances again whenever they change (a step or hand-over
at any desk, by `web/live.py`'s watcher) or a due time passes. The page works without it (and
without JavaScript); web/static/live.js swaps what arrives in place."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from procflow.engine.base.clock import now
from procflow.web.context import Context
from procflow.web.pages.desk import agenda_items, open_count, open_instances
from procflow.web.registry import page
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response, StreamingResponse

QUIET = 25.0  # seconds: at most this long without a byte (a comment), so a closed tab is noticed
RETRY_MS = 3000  # how soon a browser reconnects after losing the stream


def frame(event: str, html: str) -> str:
    """One server-sent event: every line of `html` as a data line (the browser joins them)."""
    return f"event: {event}\n" + "".join(f"data: {line}\n" for line in html.splitlines()) + "\n"


def _render(ctx: Context) -> tuple[str | None, float]:
    """The desk's live part as it is now (None: the session has ended), and how many seconds
    until the next due time passes (or QUIET)."""
    session = ctx.web.sessions.get(ctx.session.token, touch=False)
    if session is None or session.person != ctx.person:
        return None, 0.0
    agenda = agenda_items(ctx)
    work = open_instances(ctx, open_count(ctx))  # as many as the page listed (its `?open=N`)
    html = ctx.render("partials/desk_live.html", agenda=agenda, work=work).body
    moment = now(ctx.site.timezone)
    ahead = [(datetime.fromisoformat(i.iso) - moment).total_seconds() for i in agenda]
    soonest = min((s for s in ahead if s > 0), default=QUIET)
    return bytes(html).decode(), min(QUIET, soonest + 0.5)


@page("/live/desk/events", "desk_events")
def desk_events(ctx: Context) -> Response:
    live = ctx.web.live

    async def stream() -> AsyncIterator[str]:
        yield f"retry: {RETRY_MS}\n\n"
        sent = ""
        with live.listening() as changed:
            while not live.closed:
                html, wait = await run_in_threadpool(_render, ctx)
                if html is None:  # signed out or idle too long: the stream ends, the page stays
                    yield "event: ended\ndata: \n\n"
                    return
                if html != sent:
                    sent = html
                    yield frame("desk", html)
                else:
                    yield ": still here\n\n"
                await live.wait(changed, wait)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"X-Accel-Buffering": "no"})
