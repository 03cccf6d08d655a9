"""The fixed words procflow itself prints around a procedure's text: headings, deadlines and
penalty rungs of printed SOPs and diagrams, worded from the `sop.` messages of the catalogue.

Procedure text comes from the YAML file, and the words from `engine.base.messages` (unknown
languages read English); this module only puts them together. No I/O here.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from procflow.engine.base.durations import parse_duration
from procflow.engine.base.messages import message, messages
from procflow.engine.base.messages import words as catalogue_words
from procflow.engine.model.procedure import Deadline


@cache
def words(lang: str) -> Mapping[str, Any]:
    """The `sop.` messages of `lang` by their short key, and note kinds under `note_kinds`
    (English when procflow has none for `lang`). Field types name themselves (`model.fields`)."""
    flat = catalogue_words(lang, "sop")
    found: dict[str, Any] = {k: v for k, v in flat.items() if "." not in k}
    found["note_kinds"] = catalogue_words(lang, "sop.note")
    return found


def deadline(d: Deadline, lang: str, anchor: str | None, length: str | None = None) -> str:
    """When a deadline falls, e.g. `within 1 minute of entering this step`; `anchor` is its display name,
    `length` its duration with a `{param}` filled in."""
    when = message(lang, _when_key(d, anchor), span=duration(length or d.duration, lang), anchor=anchor)
    if d.during == "duty_hours":
        return when + message(lang, "sop.deadline.duty_hours")
    return when


def _when_key(d: Deadline, anchor: str | None) -> str:
    if d.kind == "within":
        if anchor is None:
            return "sop.deadline.within_step"
        state_anchor = d.anchor is not None and d.anchor.startswith("state:")
        return "sop.deadline.within_state" if state_anchor else "sop.deadline.within"
    return {"every": "sop.deadline.every", "before": "sop.deadline.before"}.get(d.kind, "sop.deadline.after")


_ZH_UNITS = (("天", 86400), ("小時", 3600), ("分鐘", 60), ("秒", 1))


def duration(text: str, lang: str) -> str:
    """A duration as the procedure wrote it, or in Chinese units (`1 minute` -> `1分鐘`)."""
    if lang != "zh-Hant":
        return text
    try:
        rest = round(parse_duration(text))
    except ValueError:
        return text
    parts = []
    for unit, size in _ZH_UNITS:
        if rest >= size:
            parts.append(f"{rest // size}{unit}")
            rest %= size
    return "".join(parts) or "0秒"


def penalty_rung(count: int | str, period: str, lang: str) -> str:
    """`2 or more in a month` / `每月2次以上`."""
    named = messages(lang).get(f"sop.period.{period}", period)
    return message(lang, "sop.penalty_rung", count=count, period=named)
