"""Rows of the store as typed records, and the short ids people type for instances.

Converts between sqlite rows and Python values (JSON columns decoded); knows nothing of
SQL transactions or of procedures. Named tuples, not dataclasses: `status` imports this and
must start fast.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NamedTuple

# No 0/o, 1/l/i: an id read aloud or copied from paper is unambiguous. 31**6 ≈ 887 million.
ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
ID_LENGTH = 6

INSTANCE_COLUMNS = (
    "id, procedure_id, hash, pins, status, state, role, version, snapshot, created_at, created_by,"
    " updated_at, updated_by, owner, assignee, parent"
)
SUMMARY_COLUMNS = (
    "i.id, i.procedure_id, i.hash, i.status, i.state, i.role, i.version, i.created_at, i.created_by,"
    " i.updated_at, i.updated_by, i.owner, i.assignee, p.path"
)
EVENT_COLUMNS = (
    "instance",
    "seq",
    "at",
    "actor",
    "role",
    "kind",
    "from_state",
    "to_state",
    "answers",
    "items",
    "move",
    "note",
    "body",
)


def new_id() -> str:
    import secrets  # not at import time: `status` never makes ids

    return "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


def unknown_id_message(key: str, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else "; `procflow status` lists instances"
    return f"unknown instance '{key}'{hint}"


class Instance(NamedTuple):
    """An instance as stored, with its snapshot decoded."""

    id: str
    procedure_id: str
    hash: str
    pins: dict[str, str]
    status: str
    state: str
    role: str | None
    version: int
    snapshot: dict[str, Any]
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str
    owner: str | None
    assignee: str | None
    parent: str | None

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> Instance:
        values = list(row)
        values[3] = json.loads(values[3])
        values[8] = json.loads(values[8])
        return cls(*values)


class Summary(NamedTuple):
    """What `status` shows of an instance: no snapshot, so listing stays cheap."""

    id: str
    procedure_id: str
    hash: str
    status: str
    state: str
    role: str | None
    version: int
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str
    owner: str | None
    assignee: str | None
    path: str  # of the procedure file the instance's text was pinned from

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> Summary:
        return cls(*row)


class Event(NamedTuple):
    """One stored event: the readable columns, and `body`, the event as the session made it."""

    instance: str
    seq: int
    at: str
    actor: str
    role: str | None
    kind: str
    from_state: str | None
    to_state: str | None
    answers: dict[str, Any] | None
    items: Any
    move: str | None
    note: str | None
    body: dict[str, Any]


def event_row(instance: str, seq: int, event: Mapping[str, Any], actor: str, at: str) -> tuple[Any, ...]:
    """The column values of a session event; `actor` and `at` of the step fill gaps."""
    body = dict(event)
    body.setdefault("at", at)
    body.setdefault("actor", actor)
    return (
        instance,
        seq,
        body["at"],
        body["actor"],
        body.get("role"),
        str(body.get("kind", "step")),
        body.get("from"),
        body.get("to"),
        _json(body.get("answers")),
        _json(body.get("items")),
        body.get("move"),
        body.get("note"),
        _json(body),
    )


def event_from_row(row: tuple[Any, ...]) -> Event:
    values = list(row)
    for index in (8, 9, 12):
        values[index] = None if values[index] is None else json.loads(values[index])
    return Event(*values)


def _json(value: Any) -> str | None:
    if value is None or value == {} or value == []:
        return None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
