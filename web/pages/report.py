"""The monthly report for the supervisor: `procflow report --month`'s content as tables, a chart
per person of where each stands on every penalty ladder (an SVG drawn here, its values written
out as text too), the clause of every rung and rule, month by month, and the CLI's CSV."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from procflow.engine.accountability.monthly import Counted, MonthReport
from procflow.engine.accountability.monthly_export import format_csv
from procflow.engine.accountability.penalties import Ladder, conflict_notes
from procflow.engine.accountability.violations import KINDS
from procflow.engine.base.messages import message
from procflow.engine.base.safetext import visible
from procflow.engine.model.text import render
from procflow.web.context import Context
from procflow.web.registry import page
from procflow.web.supervising import month_of, month_report, require_supervisor, shown_to_supervisors
from starlette.responses import Response

WIDTH, LEFT, RIGHT = 360.0, 8.0, 8.0  # the chart's drawing area, in SVG units


@dataclass(frozen=True)
class Tick:
    x: float
    count: int
    rungs: str  # the rungs at this threshold, by id


@dataclass(frozen=True)
class Bar:
    """One person on one ladder, ready to draw: the bar's length and the words beside it."""

    person: str
    name: str
    count: int
    width: float
    applies: str
    next: str
    conflict: bool
    label: str  # the whole standing as a sentence (the SVG's title, for screen readers)


def _scale(ladder: Ladder, counts: list[int]) -> int:
    """The count at the right end: one past the top rung (or the highest count), so every
    threshold has room and a count past the top still shows as past it."""
    return max([r.min_count for r in ladder.rungs] + counts + [1]) + 1


def _x(count: int, top: int) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * count / top


def _bar(ctx: Context, person: str, name: str, counted: Counted, top: int) -> Bar:
    standing = counted.standing
    applies = " + ".join(r.id for r in standing.applies)
    nxt = counted.next
    following = ctx.t("report.next_at", rung=nxt.id, n=nxt.min_count) if nxt else ctx.t("report.top")
    label = ctx.t(
        "report.standing",
        person=name or person,
        n=standing.count,
        applies=applies or ctx.t("report.no_rung"),
        next=following,
    )
    return Bar(
        person,
        name,
        standing.count,
        _x(standing.count, top) - LEFT,
        applies,
        following,
        standing.conflict,
        label,
    )


def _ladder(ctx: Context, report: MonthReport, index: int, ladder: Ladder) -> dict[str, Any]:
    people = [(p, p.ladders[index]) for p in report.people]
    top = _scale(ladder, [c.standing.count for _, c in people])
    thresholds: dict[int, list[str]] = {}
    for rung in ladder.rungs:
        thresholds.setdefault(rung.min_count, []).append(rung.id)
    conflicts = []
    for p, c in people:
        if c.standing.conflict:
            notes = conflict_notes(ladder, c.standing.applies)
            conflicts.append(
                {
                    "person": p.person,
                    "count": c.standing.count,
                    "rungs": [(r.id, r.source or "") for r in c.standing.applies],
                    "notes": [
                        (whose, render(n.text, ctx.lang, ladder.params), n.source) for whose, n in notes
                    ],
                }
            )
    return {
        "id": ladder.procedure,
        "title": render(ladder.title, ctx.lang, {}),
        "scope": ", ".join(ladder.scope),
        "rungs": [
            {
                "id": r.id,
                "min_count": r.min_count,
                "param": r.param or "",
                "period": r.period,
                "source": r.source or "",
                "text": render(r.text, ctx.lang, ladder.params),
            }
            for r in ladder.rungs
        ],
        "ticks": [Tick(_x(n, top), n, " + ".join(ids)) for n, ids in sorted(thresholds.items())],
        "axis": [(_x(n, top), n) for n in range(top + 1)],
        "bars": [_bar(ctx, p.person, p.name or "", c, top) for p, c in people],
        "rows": [(p, c) for p, c in people],
        "conflicts": conflicts,
    }


def _details(ctx: Context, report: MonthReport) -> list[dict[str, Any]]:
    """What was counted per person: each work rule with its clause, deadlines and roles."""
    rows = []
    for p in report.people:
        for (pid, rule), n in p.rules.items():
            declared = report.work_rules.get((pid, rule))
            rows.append(
                {
                    "person": p.person,
                    "kind": "rule",
                    "procedure": pid,
                    "what": rule,
                    "text": render(declared.text, ctx.lang, {}) if declared else "",
                    "source": (declared.source or "") if declared else "",
                    "count": n,
                }
            )
        for kind, found in (("breach", p.breaches), ("override", p.overrides)):
            for (pid, what), n in found.items():
                rows.append(
                    {
                        "person": p.person,
                        "kind": kind,
                        "procedure": pid,
                        "what": what,
                        "text": "",
                        "source": "",
                        "count": n,
                    }
                )
    return rows


def _include_proposed(ctx: Context) -> bool:
    return ctx.request.query_params.get("proposed") == "1"


@page("/report", "report", nav="nav.report", shown_to=shown_to_supervisors)
def report(ctx: Context) -> Response:
    require_supervisor(ctx)
    months = month_of(ctx)
    proposed = _include_proposed(ctx)
    found = month_report(ctx, months.month, proposed)
    query = {"month": months.month.label} | ({"proposed": "1"} if proposed else {})
    return ctx.render(
        "report.html",
        months=months,
        report=found,
        kinds=KINDS,
        include_proposed=proposed,
        csv_url=ctx.url("report_csv", query),
        ladders=[_ladder(ctx, found, i, ladder) for i, ladder in enumerate(found.ladders)],
        details=_details(ctx, found),
        statement=message(ctx.lang, "month.statement"),
        width=WIDTH,
    )


@page("/report.csv", "report_csv")
def report_csv(ctx: Context) -> Response:
    """`procflow report --month M --format csv`, byte for byte (control characters made
    visible as the CLI prints them; no byte-order mark, as the CLI writes none), as a download."""
    require_supervisor(ctx)
    months = month_of(ctx)
    found = month_report(ctx, months.month, _include_proposed(ctx))
    name = f"procflow-report-{months.month.label}.csv"
    return Response(
        visible(format_csv(found, ctx.lang), allow="\r\n\t").encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
