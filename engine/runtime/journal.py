"""The meaning of an instance's event log: each event applied to a snapshot, and replay.

A snapshot is a pure function of the events (`replay`), so the store can rebuild and verify
it from the append-only log. Every event a session emits goes through `apply`, the one place
that changes a snapshot. Nothing here decides what may happen; that is the session's job.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from procflow.engine.base.clock import duty_from_data
from procflow.engine.base.errors import EXIT_DATABASE, ProcflowError
from procflow.engine.model.procedure import Procedure
from procflow.engine.runtime.due import acknowledge, due_entries, reads_fields, refresh

Snapshot = dict[str, Any]
Event = dict[str, Any]
SEPARATOR = ">"  # `use_state>child_state`: a state inside a sub-procedure, qualified by its caller
EVENT_KEYS = ("kind", "at", "actor", "role", "from", "to", "answers", "items", "move", "note")


class CorruptLogError(ProcflowError):
    """The events do not replay on the procedures given (a damaged or foreign log)."""

    exit_code = EXIT_DATABASE


def make_event(kind: str, at: str, actor: str, role: str | None, **extra: Any) -> Event:
    """An event with every common key present (None when unused) plus kind-specific keys."""
    event: Event = {
        "kind": kind, "at": at, "actor": actor, "role": role, "from": None, "to": None,
        "answers": None, "items": None, "move": None, "note": None,
    }  # fmt: skip
    event.update(extra)
    return event


def qualified(snapshot: Snapshot) -> str:
    """The current state, qualified by the `use` states of the frames below it."""
    frames = snapshot["frames"]
    if len(frames) == 1:
        return str(frames[0]["state"])
    return SEPARATOR.join(frame["state"] for frame in frames)


def replay(procedures: Mapping[str, Procedure], events: Iterable[Mapping[str, Any]]) -> Snapshot:
    """The snapshot the events lead to; CorruptLogError when they cannot apply."""
    snapshot: Snapshot | None = None
    for event in events:
        snapshot = apply(procedures, snapshot, event)
    if snapshot is None:
        raise CorruptLogError("the event log is empty; an instance starts with a 'start' event")
    return snapshot


def apply(
    procedures: Mapping[str, Procedure], snapshot: Snapshot | None, event: Mapping[str, Any]
) -> Snapshot:
    """Apply one event in place (a `start` makes the snapshot) and return the snapshot."""
    kind = event.get("kind") if isinstance(event, Mapping) else None
    try:
        if snapshot is not None and snapshot["status"] != "open":
            raise CorruptLogError(f"event {kind!r} follows the end of the instance ({snapshot['status']})")
        if kind == "start":
            if snapshot is not None:
                raise CorruptLogError("a second 'start' event in one instance")
            snapshot = _new(event)
            _enter(procedures, snapshot, event)
        elif snapshot is None:
            raise CorruptLogError(f"the event log begins with {kind!r}; expected 'start'")
        elif kind in ("enter", "move"):
            _enter(procedures, snapshot, event)
        elif kind == "answer":
            _answer(procedures, snapshot, event["answers"])
        elif kind == "check":
            frame = snapshot["frames"][-1]
            for item in event["items"]:
                frame["skipped"].pop(item, None)
                if item not in frame["checked"]:
                    frame["checked"].append(item)
        elif kind == "skip":
            frame = snapshot["frames"][-1]
            for item, reason in event["items"].items():
                if item in frame["checked"]:
                    frame["checked"].remove(item)
                frame["skipped"][item] = reason
        elif kind == "finish":
            _finish(snapshot, event["outcome"])
        elif kind == "cancel":
            snapshot["status"] = "cancelled"
        elif kind == "done":
            _done(snapshot, event)
        elif kind in ("override", "handoff"):  # who acted or holds it; where it is does not change
            pass
        elif kind not in ("note", "breach"):  # a breach records a missed time; it changes nothing
            raise CorruptLogError(f"unknown event kind {kind!r}")
        snapshot["version"] += 1
        snapshot["updated_at"] = event["at"]
        snapshot["updated_by"] = event["actor"]
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        raise CorruptLogError(f"event {kind!r} does not apply: {type(exc).__name__} {exc}") from None
    return snapshot


def _new(event: Mapping[str, Any]) -> Snapshot:
    return {
        "procedure": event["procedure"],
        "hash": event["hash"],
        "hashes": dict(event["hashes"]),
        "status": "open",
        "outcome": None,
        "version": 0,
        "started_at": event["at"],
        "started_by": event["actor"],
        "updated_at": event["at"],
        "updated_by": event["actor"],
        "frames": [],
        "path": [],
        "entered": [],
    }


def _enter(procedures: Mapping[str, Procedure], snapshot: Snapshot, event: Mapping[str, Any]) -> None:
    frames = snapshot["frames"]
    depth = event["depth"]
    if depth == len(frames):  # a sub-procedure (or the instance) starts: push its frame
        frames.append(
            {
                "procedure": event["procedure"],
                "hash": event["hash"],
                "params": dict(event["params"]),
                "state": None,
                "answers": {},
                "checked": [],
                "skipped": {},
                "visits": {},
                "due": [],
                "returned": None,
            }
        )
        if event.get("calendar"):  # the site calendar, pinned when its deadlines count duty hours
            frames[-1]["calendar"] = event["calendar"]
    elif depth != len(frames) - 1:
        raise CorruptLogError(f"event {event['kind']!r} enters frame {depth} of {len(frames)}")
    frame = frames[depth]
    procedure = procedures[frame["procedure"]]
    state = procedure.states[event["state"]]
    frame.update(state=state.name, checked=[], skipped={}, returned=None)
    for question in state.ask:  # every visit asks its questions afresh
        frame["answers"].pop(question.field, None)
    frame["visits"][state.name] = event["at"]
    frame["due"] = (
        due_entries(
            state, frame["visits"], frame["answers"], frame["params"], duty_from_data(frame.get("calendar"))
        )
        if state.due
        else []
    )
    snapshot["path"].append(qualified(snapshot))
    snapshot["entered"].append(event["at"])


def _answer(procedures: Mapping[str, Procedure], snapshot: Snapshot, answers: Mapping[str, Any]) -> None:
    frame = snapshot["frames"][-1]
    frame["answers"].update(answers)
    state = procedures[frame["procedure"]].states[frame["state"]]
    changed = reads_fields(state) & answers.keys() if state.due else frozenset()
    if changed:  # a due time hangs on an answer given just now
        duty = duty_from_data(frame.get("calendar"))
        frame["due"] = refresh(
            state, frame["due"], frame["visits"], frame["answers"], frame["params"], changed, duty
        )


def _done(snapshot: Snapshot, event: Mapping[str, Any]) -> None:
    """A recurrence acknowledged: its next occurrence counts from the acknowledgement."""
    frame = snapshot["frames"][event["depth"]]
    for index, entry in enumerate(frame["due"]):
        if entry["id"] == event["deadline"] and entry["kind"] == "every":
            frame["due"] = [*frame["due"][:index], acknowledge(entry, event["at"], duty_from_data(frame.get("calendar"))),
                            *frame["due"][index + 1 :]]  # fmt: skip
            return
    raise CorruptLogError(
        f"event 'done' acknowledges {event['deadline']!r}, which is not a recurrence of its state"
    )


def _finish(snapshot: Snapshot, outcome: str) -> None:
    frames = snapshot["frames"]
    if len(frames) > 1:
        frames.pop()
        frames[-1]["returned"] = outcome
    else:
        snapshot["status"] = "finished"
        snapshot["outcome"] = outcome


def copy_snapshot(snapshot: Snapshot) -> Snapshot:
    """A copy a step can change freely; the structure is small and known, so no deepcopy."""
    result = dict(snapshot)
    result["path"] = list(snapshot["path"])
    result["entered"] = list(snapshot["entered"])
    result["frames"] = [_copy_frame(f) for f in snapshot["frames"]]
    return result


def _copy_frame(frame: Mapping[str, Any]) -> dict[str, Any]:
    result = dict(frame)
    # params and due entries are replaced, never changed in place, so they are shared
    for key in ("answers", "skipped", "visits"):
        result[key] = dict(frame[key])
    result["checked"] = list(frame["checked"])
    return result


def clone(value: Snapshot) -> Snapshot:
    """A deep copy for callers that hand a snapshot in and keep using their own."""
    return copy.deepcopy(value)
