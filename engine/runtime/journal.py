"""The meaning of an instance's event log: each event applied to a snapshot, and replay.

A snapshot is a pure function of the events (`replay`), so the store can rebuild and verify
it from the append-only log. Every event a session emits goes through `apply`, the one place
that changes a snapshot. Nothing here decides what may happen; that is the session's job.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping

from procflow.engine.base.clock import duty_from_data
from procflow.engine.model.procedure import Procedure
from procflow.engine.model.text import render
from procflow.engine.runtime.answers import Value, shown_answers
from procflow.engine.runtime.due import acknowledge, due_entries, reads_fields, refresh
from procflow.engine.runtime.state import (
    EVENT_KEYS,
    CorruptLogError,
    Event,
    EventKind,
    FollowUp,
    Frame,
    Snapshot,
    event_from_json,
    event_kind,
    make_event,
)

__all__ = ["EVENT_KEYS", "SEPARATOR", "CorruptLogError", "Event", "Snapshot", "apply", "make_event", "replay"]

SEPARATOR = ">"  # `use_state>child_state`: a state inside a sub-procedure, qualified by its caller


def qualified(snapshot: Snapshot) -> str:
    """The current state, qualified by the `use` states of the frames below it."""
    frames = snapshot["frames"]
    if len(frames) == 1:
        return frames[0]["state"]
    return SEPARATOR.join(frame["state"] for frame in frames)


def replay(procedures: Mapping[str, Procedure], events: Iterable[object]) -> Snapshot:
    """The snapshot the events (as stored: JSON objects) lead to; CorruptLogError when they
    cannot apply."""
    snapshot: Snapshot | None = None
    for raw in events:
        # a misplaced event is named before its keys are read
        _in_order(snapshot, event_kind(raw), isinstance(raw, Mapping) and "follow_up" in raw)
        snapshot = apply(procedures, snapshot, event_from_json(raw))
    if snapshot is None:
        raise CorruptLogError("the event log is empty; an instance starts with a 'start' event")
    return snapshot


def _in_order(snapshot: Snapshot | None, kind: EventKind, closes_follow_up: bool = False) -> None:
    # a correction amends the record of an answer, and a follow-up outlives the instance, so
    # each may follow the end too
    late = kind == "correct" or (kind == "done" and closes_follow_up)
    if snapshot is not None and snapshot["status"] != "open" and not late:
        raise CorruptLogError(f"event {kind!r} follows the end of the instance ({snapshot['status']})")
    if kind == "start" and snapshot is not None:
        raise CorruptLogError("a second 'start' event in one instance")
    if kind != "start" and snapshot is None:
        raise CorruptLogError(f"the event log begins with {kind!r}; expected 'start'")


def apply(procedures: Mapping[str, Procedure], snapshot: Snapshot | None, event: Event) -> Snapshot:
    """Apply one event in place (a `start` makes the snapshot) and return the snapshot."""
    kind = event["kind"]
    _in_order(snapshot, kind, "follow_up" in event)
    try:
        if snapshot is None:  # a start: _in_order refused anything else
            snapshot = _new(event)
            _enter(procedures, snapshot, event)
        elif kind in ("enter", "move"):
            _enter(procedures, snapshot, event)
        elif kind == "answer":
            _answer(procedures, snapshot, event["answers"] or {})
        elif kind == "check":
            frame = snapshot["frames"][-1]
            for item in event["items"] or ():
                frame["skipped"].pop(item, None)
                if item not in frame["checked"]:
                    frame["checked"].append(item)
        elif kind == "skip":
            frame = snapshot["frames"][-1]
            items = event["items"]
            for item, reason in (items if isinstance(items, dict) else {}).items():
                if item in frame["checked"]:
                    frame["checked"].remove(item)
                frame["skipped"][item] = reason
        elif kind == "finish":
            _finish(procedures, snapshot, event["outcome"])
        elif kind == "cancel":
            snapshot["status"] = "cancelled"
        elif kind == "done":
            _done(snapshot, event)
        elif kind == "correct":
            _correct(snapshot, event["answers"] or {})
        # override and handoff say who acted or holds it, not where it is; a note is a remark;
        # a correction replaces a kept answer (above) but never where the instance went;
        # a breach records a missed time: none of them changes the snapshot
        snapshot["version"] += 1
        snapshot["updated_at"] = event["at"]
        snapshot["updated_by"] = event["actor"]
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        raise CorruptLogError(f"event {kind!r} does not apply: {type(exc).__name__} {exc}") from None
    return snapshot


def _new(event: Event) -> Snapshot:
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
        "steps": 0,
        "path": [],
        "entered": [],
    }


def _enter(procedures: Mapping[str, Procedure], snapshot: Snapshot, event: Event) -> None:
    frames = snapshot["frames"]
    depth = event["depth"]
    if depth == len(frames):  # a sub-procedure (or the instance) starts: push its frame
        missing = [key for key in ("procedure", "hash", "params") if key not in event]
        if missing:
            raise CorruptLogError(
                f"event {event['kind']!r} does not apply: it starts a frame without {missing[0]!r}"
            )
        ident = event["procedure"]
        procedure = procedures.get(ident)
        if procedure is None:
            raise CorruptLogError(
                f"event {event['kind']!r} starts procedure {ident!r}, which is not among those given"
            )
        frame: Frame = {
            "procedure": ident,
            "hash": event["hash"],
            "params": dict(event["params"]),
            "state": procedure.initial,  # set below: the state the event enters
            "answers": {},
            "checked": [],
            "skipped": {},
            "visits": {},
            "due": [],
            "returned": None,
        }
        if event.get("calendar"):  # the site calendar, pinned when its deadlines count duty hours
            frame["calendar"] = event["calendar"]
        frames.append(frame)
    elif depth != len(frames) - 1:
        raise CorruptLogError(f"event {event['kind']!r} enters frame {depth} of {len(frames)}")
    frame = frames[depth]
    procedure = procedures[frame["procedure"]]
    left = procedure.states.get(frame["state"]) if frame["visits"] else None
    # answers a sub-procedure just handed back stand in the next state: they were entered once
    carried = left.use.returns.values() if left is not None and left.use is not None else ()
    state = procedure.states.get(event["state"])
    if state is None:
        raise CorruptLogError(
            f"event {event['kind']!r} does not apply: procedure {procedure.id!r} has no state {event['state']!r}"
        )
    if left is not None and frame["due"]:
        _keep_follow_ups(procedure, snapshot, frame, depth)
    frame["state"], frame["checked"], frame["skipped"], frame["returned"] = state.name, [], {}, None
    for question in state.ask:  # every visit asks its questions afresh
        if question.field not in carried:
            frame["answers"].pop(question.field, None)
    frame["visits"][state.name] = event["at"]
    frame["due"] = (
        due_entries(
            state, frame["visits"], frame["answers"], frame["params"], duty_from_data(frame.get("calendar"))
        )
        if state.due
        else []
    )
    snapshot["steps"] += 1
    snapshot["path"].append(qualified(snapshot))
    snapshot["entered"].append(event["at"])


def _answer(procedures: Mapping[str, Procedure], snapshot: Snapshot, answers: Mapping[str, Value]) -> None:
    frame = snapshot["frames"][-1]
    frame["answers"].update(answers)
    state = procedures[frame["procedure"]].states[frame["state"]]
    changed = reads_fields(state) & answers.keys() if state.due else frozenset()
    if changed:  # a due time hangs on an answer given just now
        duty = duty_from_data(frame.get("calendar"))
        frame["due"] = refresh(
            state, frame["due"], frame["visits"], frame["answers"], frame["params"], changed, duty
        )


def _correct(snapshot: Snapshot, answers: Mapping[str, Value]) -> None:
    """A corrected answer replaces the one the innermost frame holding it keeps, so what reads it
    from now on reads the correction; where the instance went already is not changed (the
    `enter` and `move` events stand). A frame already left keeps nothing to replace."""
    for field, value in answers.items():
        for frame in reversed(snapshot["frames"]):
            if field in frame["answers"]:
                frame["answers"][field] = value
                break


def _keep_follow_ups(procedure: Procedure, snapshot: Snapshot, frame: Frame, depth: int) -> None:
    """The follow-ups of the state `frame` is leaving stay with the instance, each under a key of
    its own, with its text as it reads now (parameters and answers filled in)."""
    state = procedure.states[frame["state"]]
    path = SEPARATOR.join(f["state"] for f in snapshot["frames"][: depth + 1])
    for entry in frame["due"]:
        if not entry.get("follow_up") or entry["due"] is None or "not_applicable" in entry:
            continue
        deadline = next(d for d in state.due if d.id == entry["id"])
        values = {**frame["params"], **shown_answers(procedure, frame["answers"])}
        text = (
            {lang: render(deadline.text, lang, values) for lang in procedure.languages}
            if deadline.text
            else {}
        )
        kept: FollowUp = {**entry, "key": f"{entry['id']}-{snapshot['steps']}", "procedure": procedure.id,
                          "path": path, "text": text}  # fmt: skip
        snapshot.setdefault("follow_ups", []).append(kept)


def _done(snapshot: Snapshot, event: Event) -> None:
    """A recurrence acknowledged: its next occurrence counts from the acknowledgement; or a
    follow-up done (`follow_up`: its key): it leaves the agenda."""
    if "follow_up" in event:
        kept = snapshot.get("follow_ups", [])
        remaining = [f for f in kept if f["key"] != event["follow_up"]]
        if len(remaining) == len(kept):
            raise CorruptLogError(f"event 'done' closes follow-up {event['follow_up']!r}, which is not open")
        snapshot["follow_ups"] = remaining
        return
    frame = snapshot["frames"][event["depth"]]
    for index, entry in enumerate(frame["due"]):
        if entry["id"] == event["deadline"] and entry["kind"] == "every":
            frame["due"] = [*frame["due"][:index], acknowledge(entry, event["at"], duty_from_data(frame.get("calendar"))),
                            *frame["due"][index + 1 :]]  # fmt: skip
            return
    raise CorruptLogError(
        f"event 'done' acknowledges {event['deadline']!r}, which is not a recurrence of its state"
    )


def _finish(procedures: Mapping[str, Procedure], snapshot: Snapshot, outcome: str) -> None:
    frames = snapshot["frames"]
    if len(frames) > 1:
        child = frames.pop()
        caller = frames[-1]
        caller["returned"] = outcome
        use = procedures[caller["procedure"]].states[caller["state"]].use
        for theirs, ours in (use.returns if use is not None else {}).items():
            # the sub-procedure's answer, entered once, is the caller's too
            if child["answers"].get(theirs) is not None:
                caller["answers"][ours] = child["answers"][theirs]
    else:
        snapshot["status"] = "finished"
        snapshot["outcome"] = outcome


def trail(events: Iterable[Mapping[str, object]]) -> tuple[list[str], list[str]]:
    """(path, entered) of the events (as stored): every state entered, qualified by its
    callers, and when; what `replay` puts in a snapshot's trail, without applying anything else."""
    path: list[str] = []
    entered: list[str] = []
    stack: list[str] = []
    for event in events:
        if event.get("kind") in ("start", "enter", "move"):
            depth, state = event.get("depth"), event.get("state")
            if not isinstance(depth, int) or not isinstance(state, str) or depth > len(stack):
                raise CorruptLogError(f"event {event.get('kind')!r} enters no state of the frames it has")
            stack[depth:] = [state]
            path.append(SEPARATOR.join(stack))
            entered.append(str(event.get("at")))
    return path, entered


def copy_snapshot(snapshot: Snapshot) -> Snapshot:
    """A copy a step can change freely; the structure is small and known, so no deepcopy."""
    return {
        **snapshot,
        "path": list(snapshot["path"]),
        "entered": list(snapshot["entered"]),
        "frames": [_copy_frame(f) for f in snapshot["frames"]],
    }


def _copy_frame(frame: Frame) -> Frame:
    # params and due entries are replaced, never changed in place, so they are shared
    return {
        **frame,
        "answers": dict(frame["answers"]),
        "skipped": dict(frame["skipped"]),
        "visits": dict(frame["visits"]),
        "checked": list(frame["checked"]),
    }


def clone(value: Snapshot) -> Snapshot:
    """A deep copy for callers that hand a snapshot in and keep using their own."""
    return copy.deepcopy(value)
