"""The typed runtime state (snapshots, frames, due entries, events) and its stored JSON.

TypedDicts, so the JSON an instance is stored as keeps exactly its shape; the only place that
reads that JSON back is here: `snapshot_from_json` and `event_from_json` check every key a
session reads and raise CorruptLogError with one sentence for a damaged or foreign row, never a
KeyError further on. Reads no procedure, store or clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal, NotRequired, TypedDict, cast, get_args

from procflow.engine.base.errors import EXIT_DATABASE, ProcflowError
from procflow.engine.model.procedure import DEADLINE_KINDS, DeadlineKind
from procflow.engine.runtime.answers import Value

JSON = str | int | float | bool | None | list["JSON"] | dict[str, "JSON"]
Scalar = str | int | float | bool  # a site or procedure parameter
Status = Literal["open", "finished", "cancelled"]
EventKind = Literal[
    "start", "enter", "move", "answer", "check", "skip", "note", "override",
    "breach", "done", "finish", "cancel", "handoff", "correct",
]  # fmt: skip
Via = Literal["use", "route", "outcome"]  # why an `enter` event entered its state
EVENT_KINDS: tuple[EventKind, ...] = get_args(EventKind)
STATUSES: tuple[Status, ...] = get_args(Status)


class CorruptLogError(ProcflowError):
    """The events do not replay on the procedures given, or a stored snapshot or event does not
    have the shape procflow writes (a damaged or foreign log)."""

    exit_code = EXIT_DATABASE


class DueEntry(TypedDict):
    """One deadline of a state being visited (see engine/runtime/due.py)."""

    id: str
    kind: DeadlineKind
    state: str
    anchor: str | None  # the time it counts from; None while a date-time answer is missing
    due: str | None
    every: NotRequired[int | float]  # seconds, for kind `every`
    during: NotRequired[str]  # `duty_hours`: only duty time counts
    reminder: NotRequired[bool]  # a moment that calls for another path: on the agenda, never a breach
    not_applicable: NotRequired[str]  # why it cannot be met: its window closed before the instance began
    follow_up: NotRequired[bool]  # kept when its state is left (a FollowUp), never a breach


class FollowUp(DueEntry):
    """A follow-up deadline kept after its state was left: on the agenda, even after the end,
    until someone marks it done by its `key`."""

    key: str  # `ID-N`: unique in the instance (N: the steps taken when its state was left)
    procedure: str  # whose deadline it is (a sub-procedure's own)
    path: str  # the state it belongs to, qualified by its callers: `use_state>child_state`
    text: dict[str, str]  # what is due per language, parameters and answers filled in when left


class Frame(TypedDict):
    """One procedure being run: the instance's own, or a sub-procedure a `use` state started."""

    procedure: str
    hash: str
    params: dict[str, Scalar]
    state: str
    answers: dict[str, Value]
    checked: list[str]
    skipped: dict[str, str]  # item -> reason
    visits: dict[str, str]  # state -> when it was last entered
    due: list[DueEntry]
    returned: str | None  # the outcome of the sub-procedure that just ended here
    calendar: NotRequired[dict[str, JSON]]  # duty hours, pinned when a deadline counts them


class Snapshot(TypedDict):
    """An instance as its events leave it; frames[-1] is where it stands now."""

    procedure: str
    hash: str
    hashes: dict[str, str]  # procedure id -> hash of its pinned text
    status: Status
    outcome: str | None
    version: int  # events applied so far
    started_at: str
    started_by: str
    updated_at: str
    updated_by: str
    frames: list[Frame]
    steps: int  # how many states were entered so far (a visit of a state is one more)
    # The trail: every state entered, qualified by its callers, and when. It grows with the
    # history, so the store does not keep it in the row each step rewrites (`stored`): a
    # snapshot read back from the store starts both empty and they then hold the states entered
    # since; `replay` and a session started in memory have them whole (len(path) == steps), and
    # `journal.trail` rebuilds them from the events.
    path: list[str]
    entered: list[str]
    follow_ups: NotRequired[list[FollowUp]]  # kept after their states were left, until done


# The keys every event has (None when unused), then those of some kinds only.
_Event = TypedDict(
    "_Event",
    {
        "kind": EventKind, "at": str, "actor": str, "role": str | None, "from": str | None,
        "to": str | None, "answers": dict[str, Value] | None, "items": list[str] | dict[str, str] | None,
        "move": str | None, "note": str | None,
    },
)  # fmt: skip
EventBody = TypedDict(
    "EventBody",
    {
        "from": str | None, "to": str | None, "answers": dict[str, Value] | None,
        "items": list[str] | dict[str, str] | None, "move": str | None, "note": str | None,
        "procedure": str, "hash": str, "hashes": dict[str, str], "params": dict[str, Scalar],
        "depth": int, "state": str, "calendar": dict[str, JSON], "via": Via, "guard": str | None,
        "outcome": str, "reason": str, "deadline": str, "due": str | None, "late": int | float,
        "target": str, "owner": str | None, "assignee": str | None, "follow_up": str,
    },
    total=False,
)  # fmt: skip
"""What a session gives for one event besides its kind, time, actor and role."""


class Event(_Event):
    """One event as the journal applies it and the store keeps it (the `body` column)."""

    # start, enter, move (and done: the frame it acknowledges in)
    procedure: NotRequired[str]
    hash: NotRequired[str]
    hashes: NotRequired[dict[str, str]]
    params: NotRequired[dict[str, Scalar]]
    depth: NotRequired[int]
    state: NotRequired[str]
    calendar: NotRequired[dict[str, JSON]]
    via: NotRequired[Via]
    guard: NotRequired[str | None]
    outcome: NotRequired[str]  # finish
    reason: NotRequired[str]  # override
    deadline: NotRequired[str]  # breach, done
    follow_up: NotRequired[str]  # done: the key of the follow-up it closes
    due: NotRequired[str | None]
    late: NotRequired[int | float]  # breach: seconds
    target: NotRequired[str]  # handoff: person | role
    owner: NotRequired[str | None]
    assignee: NotRequired[str | None]


EVENT_KEYS = ("kind", "at", "actor", "role", "from", "to", "answers", "items", "move", "note")


def make_event(kind: EventKind, at: str, actor: str, role: str | None, body: EventBody) -> Event:
    """An event with every common key present (None when unused) plus the kind's own keys."""
    return {
        "kind": kind, "at": at, "actor": actor, "role": role, "from": None, "to": None,
        "answers": None, "items": None, "move": None, "note": None, **body,
    }  # fmt: skip


def to_json(value: Snapshot | Event) -> Mapping[str, object]:
    """The JSON object of a snapshot or an event as it is: the TypedDict is already its shape."""
    return value


GROWING = ("path", "entered")  # the snapshot's keys that grow with the history


def stored(snapshot: Snapshot) -> Mapping[str, object]:
    """The JSON object the store keeps for a snapshot, the row each step rewrites: all of it
    but the trail (`GROWING`), so its size does not grow with the instance's history."""
    return {key: value for key, value in snapshot.items() if key not in GROWING}


# --- reading stored JSON back ---------------------------------------------------------------------

Check = tuple[Callable[[object], bool], str]  # a test of a value, and what it should have been


def _is_text(value: object) -> bool:
    return isinstance(value, str)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | int | float | bool)


def _optional(check: Check) -> Check:
    test, noun = check
    return (lambda v: v is None or test(v)), f"{noun} or null"


def _list_of(check: Check) -> Check:
    test, noun = check
    return (lambda v: isinstance(v, list) and all(test(x) for x in v)), f"a list of {noun}s"


def _map_of(check: Check) -> Check:
    test, noun = check
    return (
        (lambda v: isinstance(v, dict) and all(isinstance(k, str) and test(x) for k, x in v.items())),
        f"a mapping to {noun}s",
    )


def _one_of(values: tuple[str, ...]) -> Check:
    return (lambda v: v in values), "one of " + ", ".join(repr(v) for v in values)


TEXT: Check = (_is_text, "a text")
INT: Check = (_is_int, "a whole number")
NUMBER: Check = (_is_number, "a number")
SCALAR: Check = (_is_scalar, "a text, number or true/false")
OBJECT: Check = (lambda v: isinstance(v, dict), "an object")
TEXTS, TEXT_MAP, SCALAR_MAP = _list_of(TEXT), _map_of(TEXT), _map_of(SCALAR)
# _optional(TEXT) in one call: it checks most keys of every event replayed
OPT_TEXT: Check = ((lambda v: v is None or isinstance(v, str)), "a text or null")

_DUE: dict[str, Check] = {
    "id": TEXT, "kind": _one_of(DEADLINE_KINDS), "state": TEXT, "anchor": OPT_TEXT, "due": OPT_TEXT,
}  # fmt: skip
_DUE_OPTIONAL: dict[str, Check] = {
    "every": NUMBER, "during": TEXT, "not_applicable": TEXT, "reminder": (lambda v: v is True, "true"),
    "follow_up": (lambda v: v is True, "true"),
}  # fmt: skip
_FOLLOW_UP: dict[str, Check] = {**_DUE, "key": TEXT, "procedure": TEXT, "path": TEXT, "text": TEXT_MAP}
_FRAME: dict[str, Check] = {
    "procedure": TEXT, "hash": TEXT, "params": SCALAR_MAP, "state": TEXT, "answers": SCALAR_MAP,
    "checked": TEXTS, "skipped": TEXT_MAP, "visits": TEXT_MAP, "due": (lambda v: isinstance(v, list), "a list"),
    "returned": OPT_TEXT,
}  # fmt: skip
_SNAPSHOT: dict[str, Check] = {
    "procedure": TEXT, "hash": TEXT, "hashes": TEXT_MAP, "status": _one_of(STATUSES), "outcome": OPT_TEXT,
    "version": INT, "started_at": TEXT, "started_by": TEXT, "updated_at": TEXT, "updated_by": TEXT,
    "frames": (lambda v: isinstance(v, list) and bool(v), "a non-empty list"), "steps": INT,
}  # fmt: skip
_SNAPSHOT_OPTIONAL: dict[str, Check] = {
    "path": TEXTS, "entered": TEXTS, "follow_ups": (lambda v: isinstance(v, list), "a list"),
}  # fmt: skip
_ITEMS: Check = (
    lambda v: v is None or TEXTS[0](v) or TEXT_MAP[0](v),
    "a list of item ids, a mapping or null",
)
_EVENT: dict[str, Check] = {"at": TEXT, "actor": TEXT}
_EVENT_COMMON: dict[str, Check] = {
    "role": OPT_TEXT, "from": OPT_TEXT, "to": OPT_TEXT, "answers": _optional(SCALAR_MAP), "items": _ITEMS,
    "move": OPT_TEXT, "note": OPT_TEXT,
}  # fmt: skip
_EVENT_EXTRA: dict[str, Check] = {
    "procedure": TEXT, "hash": TEXT, "hashes": TEXT_MAP, "params": SCALAR_MAP, "depth": INT, "state": TEXT,
    "calendar": OBJECT, "via": _one_of(get_args(Via)), "guard": OPT_TEXT, "outcome": TEXT, "reason": TEXT,
    "deadline": TEXT, "due": OPT_TEXT, "late": NUMBER, "target": TEXT, "owner": OPT_TEXT, "assignee": OPT_TEXT,
    "follow_up": TEXT,
}  # fmt: skip
# what applying an event of each kind reads, beyond `at` and `actor`
_NEEDS: dict[str, dict[str, Check]] = {
    "start": {k: _EVENT_EXTRA[k] for k in ("procedure", "hash", "hashes", "params", "depth", "state")},
    "enter": {"depth": INT, "state": TEXT},
    "move": {"depth": INT, "state": TEXT},
    "answer": {"answers": SCALAR_MAP},
    "check": {"items": TEXTS},
    "skip": {"items": TEXT_MAP},
    "finish": {"outcome": TEXT},
    "done": {"deadline": TEXT, "depth": INT},
    "correct": {"answers": SCALAR_MAP},
}
# every key an event of each kind must have, in the order they are checked: merged once, not
# once per event replayed (`verify` and `db copy` replay every event of every instance)
_REQUIRED: dict[str, dict[str, Check]] = {
    kind: {**_EVENT, **_EVENT_COMMON, **_NEEDS.get(kind, {})} for kind in EVENT_KINDS
}


def snapshot_from_json(data: object, owner: str = "a stored instance") -> Snapshot:
    """`data` (a decoded snapshot column) as a Snapshot, after checking every key a session
    reads; CorruptLogError naming `owner` and the first damaged key otherwise. A stored
    snapshot (`stored`) gets an empty trail."""

    def damaged(what: str) -> CorruptLogError:
        return CorruptLogError(f"{owner} is damaged: {what}; restore the database from a backup")

    _check(data, _SNAPSHOT, "its snapshot", damaged, _SNAPSHOT_OPTIONAL)
    assert isinstance(data, dict)  # checked just now: narrows for mypy
    for key in GROWING:  # a stored snapshot has no trail: it holds the states entered from now on
        data.setdefault(key, [])
    for depth, frame in enumerate(data["frames"]):
        where = f"frame {depth} of its snapshot"
        _check(frame, _FRAME, where, damaged, {"calendar": OBJECT})
        for index, entry in enumerate(frame["due"]):
            _check(entry, _DUE, f"due entry {index} of {where}", damaged, _DUE_OPTIONAL)
            if entry["kind"] == "every" and "every" not in entry:
                raise damaged(f"due entry {index} of {where} is a recurrence without 'every'")
    for index, entry in enumerate(data.get("follow_ups", [])):
        _check(entry, _FOLLOW_UP, f"follow-up {index} of its snapshot", damaged, _DUE_OPTIONAL)
    return cast(Snapshot, data)


def event_kind(data: object) -> EventKind:
    """The kind of a stored event; CorruptLogError when it has none procflow knows."""
    kind = data.get("kind") if type(data) is dict or isinstance(data, Mapping) else None
    if kind not in EVENT_KINDS:
        raise CorruptLogError(f"unknown event kind {kind!r}")
    return cast(EventKind, kind)


def event_from_json(data: object) -> Event:
    """`data` (a decoded event body) as an Event, after checking every key applying it reads;
    CorruptLogError saying which event and key otherwise. A common key an older log lacks is
    taken as None."""
    kind = event_kind(data)
    assert type(data) is dict or isinstance(data, Mapping)  # event_kind refused anything else

    def damaged(what: str) -> CorruptLogError:
        return CorruptLogError(f"event {kind!r} does not apply: {what}")

    event = {key: None for key in _EVENT_COMMON} | dict(data)
    _check(event, _REQUIRED[kind], "it", damaged, _EVENT_EXTRA)
    return cast(Event, event)


def _check(
    data: object,
    required: Mapping[str, Check],
    where: str,
    damaged: Callable[[str], CorruptLogError],
    optional: Mapping[str, Check] | None = None,
) -> None:
    if not isinstance(data, dict):
        raise damaged(f"{where} is {_short(data)}, not an object")
    for key, (test, noun) in required.items():
        if key not in data:
            raise damaged(f"{where} has no {key!r}")
        if not test(data[key]):
            raise damaged(f"{where} has {key!r} {_short(data[key])}, not {noun}")
    for key, (test, noun) in (optional or {}).items():
        if key in data and key not in required and not test(data[key]):
            raise damaged(f"{where} has {key!r} {_short(data[key])}, not {noun}")


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
