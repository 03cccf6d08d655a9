"""Hand-over notes as their next holder reads them: who passed the instance on, when, and why,
above the state when they resume it and under their list in `status --mine`.

Reads through `engine.desk.audit.handovers` and only formats.
"""

from __future__ import annotations

from typing import Any

from procflow.engine.base.messages import message
from procflow.engine.desk.audit import Handover, handovers
from procflow.engine.store.records import local_time


def line(handover: Handover, lang: str) -> str:
    """`handed over by ann at 2026-03-09 09:00: call Mr Lin back`, in `lang`."""
    at = local_time(handover.at)[:16]
    if handover.note:
        return message(lang, "handoff.note", who=handover.by, at=at, note=handover.note)
    return message(lang, "handoff.no_note", who=handover.by, at=at)


def as_json(handover: Handover) -> dict[str, str | None]:
    return {
        "by": handover.by,
        "at": handover.at,
        "to": handover.to,
        "target": handover.kind,
        "note": handover.note,
    }


def show(desk: Any, opened: Any, screen: Any) -> None:
    """Under the instance's first line: the hand-over that gave it to its holder, if one did."""
    holder = (opened.record.owner, opened.record.assignee)
    for handover in handovers(desk.store, {opened.id: holder}).values():
        screen.out("   " + screen.style("↳ " + line(handover, desk.lang), fg="yellow"))
