"""Due times as data: what a state's `due` entries mean for one visit of that state.

Computed when a state is entered and again when an answer arrives (a `before`/`after` a
date-time field becomes known then). Pure: times come in as ISO strings, no clock is read,
no timer is started; the agenda decides what is due or late by comparing with its own `now`.

An entry (stored in the frame of the snapshot, JSON-ready):
  {"id": "greet", "kind": "within"|"before"|"after"|"every", "state": "stand",
   "anchor": ISO time the rule counts from, or None while unknown,
   "due": ISO time, or None while the anchor is unknown,
   "every": seconds between recurrences (kind `every` only; `due` is the first one)}
The anchor is entering this state, the latest entering of `of: state:NAME` in the same
frame, or the answer of the date-time field named by `of`. For `every` the agenda computes
later occurrences as `due + k * every` while the instance stays in the state.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from engine.durations import parse_duration
from engine.model import Deadline, State

Due = dict[str, Any]


def due_entries(state: State, entered: Mapping[str, str], answers: Mapping[str, Any]) -> list[Due]:
    """Every deadline of `state`; `entered` maps state names to their latest entering time."""
    return [_entry(state.name, deadline, entered, answers) for deadline in state.due]


def reads_fields(state: State) -> frozenset[str]:
    """The fields whose answers move a due time of `state` (so answering them recomputes)."""
    return frozenset(
        d.anchor for d in state.due if d.anchor is not None and not d.anchor.startswith("state:")
    )


def _entry(name: str, deadline: Deadline, entered: Mapping[str, str], answers: Mapping[str, Any]) -> Due:
    anchor = _anchor(name, deadline.anchor, entered, answers)
    seconds = parse_duration(deadline.duration)
    due: str | None = None
    if anchor is not None:
        start = datetime.fromisoformat(anchor)
        delta = timedelta(seconds=-seconds if deadline.kind == "before" else seconds)
        due = (start + delta).isoformat()
    entry: Due = {"id": deadline.id, "kind": deadline.kind, "state": name, "anchor": anchor, "due": due}
    if deadline.kind == "every":
        entry["every"] = int(seconds) if float(seconds).is_integer() else seconds
    return entry


def _anchor(
    name: str, anchor: str | None, entered: Mapping[str, str], answers: Mapping[str, Any]
) -> str | None:
    if anchor is None:
        return entered.get(name)
    if anchor.startswith("state:"):
        return entered.get(anchor[len("state:") :])
    value = answers.get(anchor)
    if not isinstance(value, str):
        return None
    try:
        datetime.fromisoformat(value)
    except ValueError:  # not a date-time answer: a rule reports such an anchor; no due time here
        return None
    return value


def next_occurrence(entry: Due, after: datetime) -> datetime | None:
    """The first due time of `entry` at or after `after` (recurrences step by `every`)."""
    if entry.get("due") is None:
        return None
    due = datetime.fromisoformat(entry["due"])
    every = entry.get("every")
    if not every or due >= after:
        return due
    steps = -(-(after - due).total_seconds() // every)  # ceiling division
    return due + timedelta(seconds=steps * every)
