"""Formatters of the monthly report: aligned text (Chinese takes two cells) here, JSON and CSV
from `procflow.engine.accountability.monthly_export`, all chosen from `FORMATS`.

Pure functions `MonthReport, lang -> str`. A conflict between rungs is always written out
with the procedure's notes; no formatter ever drops one of the rungs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from procflow.engine.accountability.monthly import Counted, MonthReport, PersonMonth
from procflow.engine.accountability.monthly_export import format_csv, format_json
from procflow.engine.accountability.penalties import conflict_notes
from procflow.engine.accountability.violations import KINDS
from procflow.engine.base.messages import message
from procflow.engine.base.width import align
from procflow.engine.model.text import render

Words = Callable[..., str]  # `message` with the report's language filled in


def _applies(counted: Counted, w: Words) -> str:
    """The rungs of the highest threshold reached, and those reached below them, named too."""
    standing = counted.standing
    names = " + ".join(r.id for r in standing.applies) or w("month.none")
    below = [r.id for r in standing.reached if r not in standing.applies]
    if below:
        names += " " + w("month.over", ids=", ".join(below))
    return f"{names}: {w('month.conflict')}" if standing.conflict else names


def _next(counted: Counted, w: Words) -> str:
    rung = counted.next
    return w("month.none") if rung is None else w("month.at", id=rung.id, n=rung.min_count)


def format_text(report: MonthReport, lang: str) -> str:
    w, month = partial(message, lang), report.month
    stamp = "%Y-%m-%d %H:%M"
    out = [
        w(
            "month.title",
            month=month.label,
            zone=month.zone_name,
            start=month.start.strftime(stamp),
            end=month.end.strftime(stamp),
        ),
        "",
    ]
    if not report.people:
        return "\n".join([*out, w("month.nobody")]) + "\n"
    head = [
        w("month.person"),
        w("month.name"),
        w("month.rules"),
        w("month.breaches"),
        w("month.overrides"),
        w("month.total"),
    ]
    rows = [
        [p.person, p.name or "", *(str(p.total(k)) for k in KINDS), str(sum(p.total(k) for k in KINDS))]
        for p in report.people
    ]
    out += align([head, *rows], right={2, 3, 4, 5})
    if not report.ladders:
        out += ["", w("month.no_ladders")]
    for index, ladder in enumerate(report.ladders):
        out += [
            "",
            w("month.ladder", id=ladder.procedure, title=render(ladder.title, lang, {})),
            "  " + w("month.scope", ids=", ".join(ladder.scope)),
        ]
        out += align(
            [
                [
                    r.id,
                    w("month.rung", n=r.min_count),
                    r.param or "",
                    r.source or "",
                    render(r.text, lang, ladder.params),
                ]
                for r in ladder.rungs
            ],
            indent="  ",
        )
        head = [
            w("month.person"),
            w("month.count"),
            w("month.rules"),
            w("month.breaches"),
            w("month.overrides"),
            w("month.applies"),
            w("month.next"),
        ]
        rows = [
            [
                p.person,
                str(c.standing.count),
                str(sum(c.rules.values())),
                str(c.breaches),
                str(c.overrides),
                _applies(c, w),
                _next(c, w),
            ]
            for p in report.people
            for c in p.ladders[index : index + 1]
        ]
        out += ["", *align([head, *rows], right={1, 2, 3, 4}, indent="  ")]
    details = _detail_rows(report, lang, w)
    if details:
        out += ["", w("month.details"), *align(details, right={4}, indent="  ")]
    conflicts = _conflict_lines(report, lang, w)
    if conflicts:
        out += ["", w("month.conflicts"), *conflicts]
    proposed = [p for p in report.people if p.proposed]
    if proposed:
        out += [
            "",
            w("month.proposed"),
            *("  " + w("month.proposed_line", person=p.person, n=p.proposed) for p in proposed),
        ]
    return "\n".join(out) + "\n"


def _detail_rows(report: MonthReport, lang: str, w: Words) -> list[list[str]]:
    rows = []
    for p in report.people:
        for (pid, rule), n in p.rules.items():
            declared = report.work_rules.get((pid, rule))
            source = f" ({declared.source})" if declared is not None and declared.source else ""
            rows.append([p.person, w("month.rule"), pid, rule + source, str(n)])
        rows += [
            [p.person, w("month.breach"), pid, f"{d} ({w('month.deadline')})", str(n)]
            for (pid, d), n in p.breaches.items()
        ]
        rows += [
            [p.person, w("month.override"), pid, f"{r} ({w('month.role')})", str(n)]
            for (pid, r), n in p.overrides.items()
        ]
        if sum(p.uncounted.values()) and report.ladders:
            rows.append([p.person, "", "", w("month.uncounted", n=sum(p.uncounted.values())), ""])
    return rows


def _conflict_lines(report: MonthReport, lang: str, w: Words) -> list[str]:
    """One paragraph per ladder and set of rungs in conflict, naming everyone it concerns."""
    groups: dict[tuple[str, tuple[str, ...]], list[tuple[PersonMonth, Counted]]] = {}
    for person, counted in report.conflicts():
        key = (counted.ladder.procedure, tuple(r.id for r in counted.standing.applies))
        groups.setdefault(key, []).append((person, counted))
    out = []
    for members in groups.values():
        counted = members[0][1]
        rungs = counted.standing.applies
        who = ", ".join(f"{p.person} ({c.standing.count})" for p, c in members)
        names = ", ".join(f"{r.id} ({r.source})" if r.source else r.id for r in rungs)
        out.append(
            "  "
            + w(
                "month.conflict_line",
                who=who,
                ladder=counted.ladder.procedure,
                rungs=names,
                n=rungs[0].min_count,
            )
        )
        out.append("  " + w("month.statement"))
        for whose, note in conflict_notes(counted.ladder, rungs):
            text = render(note.text, lang, counted.ladder.params)
            out.append(f"    - {w('month.note_of', who=whose)}: {text}")
    return out


FORMATS: dict[str, Callable[[MonthReport, str], str]] = {
    "text": format_text,
    "json": format_json,
    "csv": format_csv,
}
