"""The monthly report for programs: JSON with the keys docs/accountability.md lists (Chinese
kept readable) and CSV (RFC 4180, UTF-8, a header row, one row per person and ladder).

Pure functions `MonthReport, lang -> str`; a conflict keeps every rung and the notes on it.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from procflow.engine.accountability.monthly import Counted, MonthReport, PersonMonth
from procflow.engine.accountability.penalties import Ladder, Rung, conflict_notes
from procflow.engine.accountability.violations import KINDS
from procflow.engine.base.messages import message
from procflow.engine.model.text import render


def to_json(report: MonthReport, lang: str) -> dict[str, Any]:
    month = report.month
    return {
        "month": month.label, "timezone": month.zone_name, "from": month.start.isoformat(),
        "to": month.end.isoformat(), "lang": lang,
        "ladders": [_ladder_json(ladder, lang) for ladder in report.ladders],
        "people": [_person_json(p, report, lang) for p in report.people],
        "conflicts": [_conflict_json(p, c, lang) for p, c in report.conflicts()],
    }  # fmt: skip


def _rung_json(rung: Rung, ladder: Ladder, lang: str) -> dict[str, Any]:
    return {
        "id": rung.id,
        "min_count": rung.min_count,
        "param": rung.param,
        "period": rung.period,
        "source": rung.source,
        "text": render(rung.text, lang, ladder.params),
        "note": None if rung.note is None else render(rung.note.text, lang, ladder.params),
    }


def _ladder_json(ladder: Ladder, lang: str) -> dict[str, Any]:
    return {
        "procedure": ladder.procedure,
        "title": render(ladder.title, lang, {}),
        "scope": list(ladder.scope),
        "rungs": [_rung_json(r, ladder, lang) for r in ladder.rungs],
    }


def _person_json(p: PersonMonth, report: MonthReport, lang: str) -> dict[str, Any]:
    def rule_text(pid: str, rule: str) -> tuple[str | None, str | None]:
        declared = report.work_rules.get((pid, rule))
        return (None, None) if declared is None else (declared.source, render(declared.text, lang, {}))

    return {
        "person": p.person, "name": p.name,
        "counts": {k: p.total(k) for k in KINDS},
        "rules": [{"procedure": pid, "rule": rule, "count": n, "source": rule_text(pid, rule)[0],
                   "text": rule_text(pid, rule)[1]} for (pid, rule), n in p.rules.items()],
        "breaches": [{"procedure": pid, "deadline": d, "count": n} for (pid, d), n in p.breaches.items()],
        "overrides": [{"procedure": pid, "role": r, "count": n} for (pid, r), n in p.overrides.items()],
        "uncounted": dict(p.uncounted), "proposed": p.proposed,
        "ladders": [_counted_json(c) for c in p.ladders],
    }  # fmt: skip


def _counted_json(c: Counted) -> dict[str, Any]:
    nxt = c.next
    return {
        "procedure": c.ladder.procedure, "count": c.standing.count,
        "counted": {"rule": sum(c.rules.values()), "breach": c.breaches, "override": c.overrides},
        "rules": dict(c.rules), "reached": [r.id for r in c.standing.reached],
        "applies": [r.id for r in c.standing.applies], "conflict": c.standing.conflict,
        "next": None if nxt is None else {"rung": nxt.id, "min_count": nxt.min_count},
    }  # fmt: skip


def _conflict_json(p: PersonMonth, c: Counted, lang: str) -> dict[str, Any]:
    rungs = c.standing.applies
    return {
        "person": p.person, "procedure": c.ladder.procedure, "count": c.standing.count,
        "rungs": [r.id for r in rungs], "min_count": rungs[0].min_count,
        "sources": [r.source for r in rungs],
        "statement": message(lang, "month.statement"),
        "notes": [{"of": whose, "kind": n.kind, "source": n.source, "text": render(n.text, lang, c.ladder.params)}
                  for whose, n in conflict_notes(c.ladder, rungs)],
    }  # fmt: skip


def format_json(report: MonthReport, lang: str) -> str:
    return json.dumps(to_json(report, lang), ensure_ascii=False, indent=2) + "\n"


# --- CSV ------------------------------------------------------------------------------------

CSV_HEADER = (
    "month",
    "timezone",
    "person",
    "name",
    "ladder",
    "rule_violations",
    "breaches",
    "overrides",
    "count",
    "reached",
    "applies",
    "conflict",
    "next_rung",
    "next_min_count",
    "rules",
)


def format_csv(report: MonthReport, lang: str) -> str:
    """One row per person and ladder; a person's violations that count for no ladder get a row
    with an empty `ladder`. `rules` is `rule=count` pairs separated by spaces."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    month = report.month
    for p in report.people:
        for c in p.ladders:
            nxt = c.next
            writer.writerow([
                month.label, month.zone_name, p.person, p.name or "", c.ladder.procedure,
                sum(c.rules.values()), c.breaches, c.overrides, c.standing.count,
                " ".join(r.id for r in c.standing.reached), " ".join(r.id for r in c.standing.applies),
                "yes" if c.standing.conflict else "no", "" if nxt is None else nxt.id,
                "" if nxt is None else nxt.min_count, " ".join(f"{k}={n}" for k, n in c.rules.items()),
            ])  # fmt: skip
        rest = dict(p.uncounted) if p.ladders else {k: p.total(k) for k in KINDS}
        if sum(rest.values()) or not p.ladders:
            writer.writerow(
                [
                    month.label,
                    month.zone_name,
                    p.person,
                    p.name or "",
                    "",
                    rest["rule"],
                    rest["breach"],
                    rest["override"],
                    sum(rest.values()),
                    "",
                    "",
                    "no",
                    "",
                    "",
                    "",
                ]
            )
    return buffer.getvalue()
