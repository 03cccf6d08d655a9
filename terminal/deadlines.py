"""Deadlines as the operator sees them while working: the time left, counting down, "late by …"
once passed, and the breaches a step recorded (for the screen and for `--json`).

Reads due times the view gives and events the store kept; never records or decides anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from procflow.engine.base.durations import say_duration
from procflow.engine.base.messages import message
from procflow.engine.store.records import EventRecord

BREACH_KEYS = ("deadline", "due", "late", "state")  # what `--json` gives of each breach


def seconds_left(due: Any, now: datetime) -> float:
    """Seconds until `due` (a view's DueView with a time), negative once passed."""
    at = datetime.fromisoformat(due.due)
    if at.tzinfo is None:
        at = at.replace(tzinfo=now.tzinfo)
    return (at - now).total_seconds()


def passed(due: Any, now: datetime) -> bool:
    return due.due is not None and not due.every and seconds_left(due, now) < 0


def span(seconds: float, lang: str) -> str:
    """A length of time as the screen counts it, in `lang`: whole seconds under ten minutes, else
    minutes."""
    rest = abs(seconds)
    return say_duration(rest if rest < 600 else round(rest / 60) * 60, lang)


def left(due: Any, now: datetime, lang: str, *, named: bool = True) -> str:
    """`Stand up: 45s left`, or `Stand up: late by 1m 5s` once the time has passed (a recurrence:
    the time to its next occurrence); without the name when `named` is False."""
    seconds = seconds_left(due, now)
    if due.every:
        key = "term.next_in" if seconds >= 0 else "term.late_by"
    else:
        key = "term.left" if seconds >= 0 else "term.late_by"
    text = message(lang, key, d=span(seconds, lang))
    return f"{due.text}: {text}" if named else text


def breaches(events: Sequence[EventRecord]) -> list[dict[str, Any]]:
    """The breaches among `events` (those one step recorded), as `--json` gives them."""
    return [{key: event.body.get(key) for key in BREACH_KEYS} for event in events if event.kind == "breach"]
