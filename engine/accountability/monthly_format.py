"""Formatters of the monthly report: aligned text (Chinese takes two cells) here, JSON and CSV
from `procflow.engine.accountability.monthly_export`, all chosen from `FORMATS`.

Pure functions `MonthReport, lang -> str`. A conflict between rungs is always written out
with the procedure's notes; no formatter ever drops one of the rungs.
"""

from __future__ import annotations

from collections.abc import Callable

from procflow.engine.accountability.monthly import Counted, MonthReport, PersonMonth
from procflow.engine.accountability.monthly_export import STATEMENT, format_csv, format_json
from procflow.engine.accountability.penalties import conflict_notes
from procflow.engine.accountability.violations import KINDS
from procflow.engine.base.width import align
from procflow.engine.model.text import render

WORDS = {
    "en": {
        "title": "Violations in {month} · times in {zone} · {start} to {end}",
        "person": "PERSON", "name": "NAME", "rules": "RULES", "breaches": "BREACHES",
        "overrides": "OVERRIDES", "total": "TOTAL", "count": "COUNT", "applies": "APPLIES", "next": "NEXT",
        "nobody": "no people in the site file and no violations this month",
        "ladder": "Ladder {id} · {title}",
        "scope": "counts its work rules, and breaches and overrides in: {ids}",
        "rung": "at {n}", "none": "-", "over": "(over {ids})", "at": "{id} at {n}", "conflict": "conflict",
        "details": "Details", "rule": "rule", "breach": "breach", "override": "override",
        "deadline": "deadline", "role": "role", "uncounted": "{n} counted for no ladder",
        "conflicts": "Conflicts: the source contradicts itself",
        "conflict_line": "{who} on {ladder}: {rungs} apply together at {n}.",
        "note_of": "note of {who}",
        "no_ladders": "no procedure declares penalties; counts only",
    },
    "zh-Hant": {
        "title": "{month} 違反記錄 · 時區 {zone} · {start} 至 {end}",
        "person": "人員", "name": "姓名", "rules": "違反細則", "breaches": "逾時", "overrides": "越權",
        "total": "合計", "count": "次數", "applies": "適用", "next": "下一級",
        "nobody": "站點檔沒有人員,本月也沒有違反記錄",
        "ladder": "處罰 {id} · {title}",
        "scope": "計入:本程序的工作細則,以及以下程序中的逾時和越權:{ids}",
        "rung": "{n} 次", "none": "-", "over": "(已超過 {ids})", "at": "{id} {n} 次", "conflict": "衝突",
        "details": "明細", "rule": "細則", "breach": "逾時", "override": "越權",
        "deadline": "時限", "role": "角色", "uncounted": "{n} 次不計入任何處罰",
        "conflicts": "衝突:原文自相矛盾",
        "conflict_line": "{who} 在 {ladder}:{rungs} 同在 {n} 次適用。",
        "note_of": "{who} 的說明",
        "no_ladders": "沒有程序聲明處罰;只列次數",
    },
}  # fmt: skip


def _words(lang: str) -> dict[str, str]:
    return WORDS.get(lang, WORDS["en"])


def _applies(counted: Counted, w: dict[str, str]) -> str:
    """The rungs of the highest threshold reached, and those reached below them, named too."""
    standing = counted.standing
    names = " + ".join(r.id for r in standing.applies) or w["none"]
    below = [r.id for r in standing.reached if r not in standing.applies]
    if below:
        names += " " + w["over"].format(ids=", ".join(below))
    return f"{names}: {w['conflict']}" if standing.conflict else names


def _next(counted: Counted, w: dict[str, str]) -> str:
    rung = counted.next
    return w["none"] if rung is None else w["at"].format(id=rung.id, n=rung.min_count)


def format_text(report: MonthReport, lang: str) -> str:
    w, month = _words(lang), report.month
    stamp = "%Y-%m-%d %H:%M"
    out = [
        w["title"].format(
            month=month.label,
            zone=month.zone_name,
            start=month.start.strftime(stamp),
            end=month.end.strftime(stamp),
        ),
        "",
    ]
    if not report.people:
        return "\n".join([*out, w["nobody"]]) + "\n"
    head = [w["person"], w["name"], w["rules"], w["breaches"], w["overrides"], w["total"]]
    rows = [
        [p.person, p.name or "", *(str(p.total(k)) for k in KINDS), str(sum(p.total(k) for k in KINDS))]
        for p in report.people
    ]
    out += align([head, *rows], right={2, 3, 4, 5})
    if not report.ladders:
        out += ["", w["no_ladders"]]
    for index, ladder in enumerate(report.ladders):
        out += [
            "",
            w["ladder"].format(id=ladder.procedure, title=render(ladder.title, lang, {})),
            "  " + w["scope"].format(ids=", ".join(ladder.scope)),
        ]
        out += align(
            [
                [
                    r.id,
                    w["rung"].format(n=r.min_count),
                    r.param or "",
                    r.source or "",
                    render(r.text, lang, ladder.params),
                ]
                for r in ladder.rungs
            ],
            indent="  ",
        )
        head = [w["person"], w["count"], w["rules"], w["breaches"], w["overrides"], w["applies"], w["next"]]
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
        out += ["", w["details"], *align(details, right={4}, indent="  ")]
    conflicts = _conflict_lines(report, lang, w)
    if conflicts:
        out += ["", w["conflicts"], *conflicts]
    return "\n".join(out) + "\n"


def _detail_rows(report: MonthReport, lang: str, w: dict[str, str]) -> list[list[str]]:
    rows = []
    for p in report.people:
        for (pid, rule), n in p.rules.items():
            declared = report.work_rules.get((pid, rule))
            source = f" ({declared.source})" if declared is not None and declared.source else ""
            rows.append([p.person, w["rule"], pid, rule + source, str(n)])
        rows += [
            [p.person, w["breach"], pid, f"{d} ({w['deadline']})", str(n)]
            for (pid, d), n in p.breaches.items()
        ]
        rows += [
            [p.person, w["override"], pid, f"{r} ({w['role']})", str(n)]
            for (pid, r), n in p.overrides.items()
        ]
        if sum(p.uncounted.values()) and report.ladders:
            rows.append([p.person, "", "", w["uncounted"].format(n=sum(p.uncounted.values())), ""])
    return rows


def _conflict_lines(report: MonthReport, lang: str, w: dict[str, str]) -> list[str]:
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
            + w["conflict_line"].format(
                who=who, ladder=counted.ladder.procedure, rungs=names, n=rungs[0].min_count
            )
        )
        out.append("  " + STATEMENT.get(lang, STATEMENT["en"]))
        for whose, note in conflict_notes(counted.ladder, rungs):
            text = render(note.text, lang, counted.ladder.params)
            out.append(f"    - {w['note_of'].format(who=whose)}: {text}")
    return out


FORMATS: dict[str, Callable[[MonthReport, str], str]] = {
    "text": format_text,
    "json": format_json,
    "csv": format_csv,
}
