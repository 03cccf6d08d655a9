"""Due times as data: what a state's `due` entries mean for one visit of that state.

Computed when a state is entered, again when an answer they hang on arrives, and for a
recurrence when an operator acknowledges it (`done`). Pure: times come in as ISO strings, no
clock is read, no timer is started; whoever looks (the agenda, a step leaving the state)
compares the entries with its own `now`.

An entry (stored in the frame of the snapshot, JSON-ready):
  {"id": "greet", "kind": "within"|"before"|"after"|"every", "state": "stand",
   "anchor": ISO time the rule counts from, or None while unknown,
   "due": ISO time, or None while the anchor is unknown,
   "every": seconds between recurrences (kind `every` only),
   "during": "duty_hours" (only when the deadline counts duty time),
   "reminder": true (only for a `reminder` deadline: on the agenda, never a breach),
   "not_applicable": why (a `before` lead time whose window closed before the frame began,
   its moment still to come: never a breach)}
The anchor is entering this state, the latest entering of `of: state:NAME` in the same
frame, or the answer of the date-time field named by `of`. For `every`, `due` is the
occurrence waiting to be acknowledged; the next one counts from its acknowledgement.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import datetime, timedelta

from procflow.engine.base.clock import Duty
from procflow.engine.base.stamps import stamp
from procflow.engine.model.fields import MAX_DURATION_SECONDS, bounded_duration
from procflow.engine.model.procedure import Deadline, Procedure, State
from procflow.engine.model.text import render
from procflow.engine.runtime.answers import Value
from procflow.engine.runtime.state import DueEntry, FollowUp, Frame, Scalar, Snapshot

Due = DueEntry
DueRow = tuple[str, str, str, str, str, int | float | None, str | None, str | None]
DUTY = "duty_hours"
FOLLOW_UP = "follow_up"  # the kind of a due row kept after its state was left


def seconds_of(deadline: Deadline, params: Mapping[str, Scalar]) -> float:
    """The deadline's duration in seconds, reading a `{param}` from `params`; ValueError when
    the value is missing or not a duration (empty is allowed: a timer nobody has set)."""
    name = deadline.param
    if name is None:
        return bounded_duration(deadline.duration)
    value = params.get(name)
    if value == "":  # untimed until a site sets it: `due_entries` makes no entry for it
        return 0.0
    if not isinstance(value, str):
        raise ValueError(f"parameter {name!r} of deadline {deadline.id!r} is {value!r}, not a duration")
    return bounded_duration(value)


def due_entries(
    state: State,
    entered: Mapping[str, str],
    answers: Mapping[str, Value],
    params: Mapping[str, Scalar] | None = None,
    duty: Duty | None = None,
) -> list[Due]:
    """Every deadline of `state` that is timed; `entered` maps state names to their latest
    entering time. A deadline whose duration is a parameter without a value (no default, or an
    empty one: a timer the documents do not give) is not timed until a site sets it: no entry,
    no agenda item, no breach."""
    given = params or {}
    return [_entry(state.name, d, entered, answers, given, duty) for d in state.due if timed(d, given)]


def timed(deadline: Deadline, params: Mapping[str, Scalar]) -> bool:
    """False for a deadline whose duration parameter has no value or an empty one: nobody has
    set that timer."""
    return deadline.param is None or params.get(deadline.param) not in (None, "")


def refresh(
    state: State,
    entries: list[Due],
    entered: Mapping[str, str],
    answers: Mapping[str, Value],
    params: Mapping[str, Scalar],
    changed: Collection[str],
    duty: Duty | None = None,
) -> list[Due]:
    """`entries` with those that count from a field in `changed` computed again (the others,
    e.g. an acknowledged recurrence, keep their time)."""
    by_id = {d.id: d for d in state.due}
    return [
        _entry(state.name, by_id[e["id"]], entered, answers, params, duty)
        if by_id[e["id"]].anchor in changed
        else e
        for e in entries
    ]


def reads_fields(state: State) -> frozenset[str]:
    """The fields whose answers move a due time of `state` (so answering them recomputes)."""
    return frozenset(
        d.anchor for d in state.due if d.anchor is not None and not d.anchor.startswith("state:")
    )


def _entry(
    name: str,
    deadline: Deadline,
    entered: Mapping[str, str],
    answers: Mapping[str, Value],
    params: Mapping[str, Scalar],
    duty: Duty | None,
) -> Due:
    anchor = _anchor(name, deadline.anchor, entered, answers)
    try:
        seconds = seconds_of(deadline, params)
    except ValueError:  # too long: validate refuses it (P023); a run without validate counts 100 years
        seconds = MAX_DURATION_SECONDS
    counted = duty if deadline.during == DUTY else None
    due: str | None = None
    if anchor is not None:
        due = _shift(
            datetime.fromisoformat(anchor), -seconds if deadline.kind == "before" else seconds, counted
        )
    entry: Due = {"id": deadline.id, "kind": deadline.kind, "state": name, "anchor": anchor, "due": due}
    if deadline.kind == "every":
        entry["every"] = int(seconds) if float(seconds).is_integer() else seconds
    if deadline.during is not None:
        entry["during"] = deadline.during
    if deadline.reminder:
        entry["reminder"] = True
    if deadline.follow_up:
        entry["follow_up"] = True
    began = min((_aware(t) for t in entered.values()), default=None)
    # a lead time before a moment still to come (set up 30 minutes before a meeting) whose
    # window had closed when the instance began (the notice came at 09:40 for 10:00)
    if (
        deadline.kind == "before"
        and due is not None
        and anchor is not None
        and began is not None
        and _aware(due) < began < _aware(anchor)
    ):
        entry["not_applicable"] = (
            f"its window closed at {due} before the instance began at {began.isoformat()}; "
            "nobody could have met it"
        )
    return entry


def _shift(start: datetime, seconds: float, duty: Duty | None) -> str | None:
    """The due time, or None when it falls outside the dates a datetime holds (no due time)."""
    try:
        if duty is None:
            return (start + timedelta(seconds=seconds)).isoformat()
        moved = duty.add(start, seconds) if seconds >= 0 else duty.subtract(start, -seconds)
    except (OverflowError, ValueError):
        return None
    return moved.isoformat()


def _anchor(
    name: str, anchor: str | None, entered: Mapping[str, str], answers: Mapping[str, Value]
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


# --- acknowledging recurrences and missing deadlines ---------------------------------------------


def acknowledge(entry: Due, at: str, duty: Duty | None = None) -> Due:
    """A recurrence after its occurrence was acknowledged at `at`: the next counts from then."""
    counted = duty if entry.get("during") == DUTY else None
    following: Due = {
        **entry,
        "anchor": at,
        "due": _shift(datetime.fromisoformat(at), entry["every"], counted),
    }
    following.pop("not_applicable", None)  # the next occurrence is the acknowledger's to meet
    return following


def lateness(entry: Due, at: str, duty: Duty | None = None) -> float:
    """Seconds `at` is past the entry's due time (duty time only for a duty-hours deadline); 0
    when it is not late, has no due time, is not applicable or is a reminder (never a breach)."""
    text = entry["due"]
    if text is None or "not_applicable" in entry or entry.get("reminder") or entry.get("follow_up"):
        return 0.0
    due, moment = _aware(text), _aware(at)
    if entry.get("during") == DUTY and duty is not None:
        return duty.between(due, moment)
    return max((moment - due).total_seconds(), 0.0)


def missed(entries: Sequence[Due], at: str, duty: Duty | None = None) -> Iterator[tuple[Due, float]]:
    """Each entry that is late at `at`, with how late: the state is being left then."""
    for entry in entries:
        late = lateness(entry, at, duty)
        if late > 0:
            yield entry, seconds(late)


def seconds(value: float) -> float:
    """Seconds as recorded: whole seconds as an int, else to the millisecond."""
    rounded = round(value, 3)
    return int(rounded) if float(rounded).is_integer() else rounded


def _aware(text: str) -> datetime:
    """A stored time; one without an offset is local time (so it compares with any other)."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.astimezone()


# --- the store's due table -------------------------------------------------------------------------


def due_rows(snapshot: Snapshot, procedures: Mapping[str, Procedure] | None) -> list[DueRow]:
    """One row per entry with a due time, for the store's `due` table (see engine/store/):
    (procedure, state path, deadline, kind, due_at UTC, every, role, text JSON). Without
    `procedures` the role and text are None. An instance that is not open has none but its
    follow-ups (a cancelled one has none at all)."""
    if snapshot["status"] == "cancelled":
        return []
    rows = _follow_up_rows(snapshot, procedures)
    if snapshot["status"] != "open":
        return rows
    path: list[str] = []
    for frame in snapshot["frames"]:
        path.append(frame["state"])
        if not frame["due"]:
            continue
        procedure = procedures.get(frame["procedure"]) if procedures is not None else None
        state = procedure.states.get(frame["state"]) if procedure is not None else None
        for entry in frame["due"]:
            if entry["due"] is None or "not_applicable" in entry:
                continue
            text = None
            deadline = next((d for d in state.due if d.id == entry["id"]), None) if state else None
            if procedure is not None and deadline is not None and deadline.text is not None:
                shown = {lang: render(deadline.text, lang, frame["params"]) for lang in procedure.languages}
                text = json.dumps(shown, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            rows.append((
                frame["procedure"], ">".join(path), entry["id"], entry["kind"], stamp(_aware(entry["due"])),
                entry.get("every"), state.role if state is not None else None, text,
            ))  # fmt: skip
    return rows


def _follow_up_rows(snapshot: Snapshot, procedures: Mapping[str, Procedure] | None) -> list[DueRow]:
    """The rows of the follow-ups kept after their states were left: the deadline column holds
    each one's key, the kind `follow_up`."""
    rows: list[DueRow] = []
    for kept in snapshot.get("follow_ups", []):
        if kept["due"] is None:
            continue
        procedure = procedures.get(kept["procedure"]) if procedures is not None else None
        state = procedure.states.get(kept["state"]) if procedure is not None else None
        text = (
            json.dumps(kept["text"], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            if kept["text"]
            else None
        )
        rows.append((kept["procedure"], kept["path"], kept["key"], FOLLOW_UP, stamp(_aware(kept["due"])), None,
                     state.role if state is not None else None, text))  # fmt: skip
    return rows


def follow_up(snapshot: Snapshot, ref: str) -> FollowUp:
    """The open follow-up `ref` names: its key, or a deadline id (or key prefix) only one has;
    LookupError saying why not."""
    kept = snapshot.get("follow_ups", [])
    exact = [f for f in kept if f["key"] == ref]
    chosen = exact or [f for f in kept if f["id"] == ref] or [f for f in kept if f["key"].startswith(ref)]
    if len(chosen) == 1:
        return chosen[0]
    keys = [f["key"] for f in kept]
    if chosen:
        raise LookupError(
            f"{ref!r} could be any of the follow-ups {', '.join(repr(f['key']) for f in chosen)}"
        )
    close = difflib.get_close_matches(ref, keys, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise LookupError(f"no open follow-up {ref!r} (open: {', '.join(repr(k) for k in keys) or 'none'}){hint}")


def recurrence(frames: Sequence[Frame], ref: str) -> tuple[int, Due]:
    """The frame depth and entry of the recurrence `ref` (its id, or a prefix only it has)
    among those in force (the current state's and its callers'); LookupError saying why not."""
    found = [(depth, e) for depth, frame in enumerate(frames) for e in frame["due"]]
    every = [(depth, e) for depth, e in found if e["kind"] == "every"]
    exact = [(depth, e) for depth, e in every if e["id"] == ref]
    chosen = exact or [(depth, e) for depth, e in every if e["id"].startswith(ref)]
    if len(chosen) == 1:
        entry = chosen[0][1]
        if entry["due"] is None:
            raise LookupError(
                f"recurrence {entry['id']!r} has no due time yet (it counts from an answer not given)"
            )
        return chosen[0]
    if any(e["id"] == ref for _, e in found):
        raise LookupError(f"deadline {ref!r} is not a recurrence; it is met by leaving its state")
    names = [e["id"] for _, e in every]
    if chosen:
        raise LookupError(f"{ref!r} could be any of {', '.join(repr(n) for n in names if n.startswith(ref))}")
    close = difflib.get_close_matches(ref, names, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    listed = ", ".join(repr(n) for n in names) or "none"
    raise LookupError(f"no recurrence {ref!r} is in force here (recurrences: {listed}){hint}")
