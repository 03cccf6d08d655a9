"""What the store hands out and takes in, as typed records, and the short ids people type.

The records every backend shares (the `Store` protocol speaks in them): an instance, its summary
for `status`, a stored event, a due row, a recorded violation. Converts between database rows and
Python values (JSON columns decoded); knows nothing of SQL transactions or of procedures. Named
tuples, not dataclasses: `status` imports this and must start fast.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple

try:  # the built-in implementation: importing hashlib first loads OpenSSL (~2 ms of `status`)
    from _sha256 import sha256 as _new_sha256  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # pragma: no cover - Python 3.12 renamed it, other builds may lack it
    from hashlib import sha256 as _new_sha256

# No 0/o, 1/l/i: an id read aloud or copied from paper is unambiguous. 31**6 ≈ 887 million.
ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
ID_LENGTH = 6

INSTANCE_COLUMNS = (
    "id, procedure_id, hash, pins, status, state, role, version, snapshot, created_at, created_by,"
    " updated_at, updated_by, owner, assignee, parent,"
    " (SELECT json_group_object(procedure, path) FROM instance_paths WHERE instance = instances.id),"
    " lang, title, state_title"
)
SUMMARY_COLUMNS = (
    "i.id, i.procedure_id, i.hash, i.status, i.state, i.role, i.version, i.created_at, i.created_by,"
    " i.updated_at, i.updated_by, i.owner, i.assignee,"
    " coalesce((SELECT path FROM instance_paths WHERE instance = i.id AND procedure = i.procedure_id), p.path),"
    " i.title, i.state_title"
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


def sha256(raw: bytes) -> str:
    """The hex sha256 that names a pinned text."""
    digest: str = _new_sha256(raw).hexdigest()
    return digest


def new_id() -> str:
    import secrets  # not at import time: `status` never makes ids

    return "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


def near_ids(key: str) -> set[str]:
    """The well-formed ids one edit away from `key` (a character changed, added, left out, or
    two neighbours swapped): at most a few hundred, whatever the store holds."""
    found: set[str] = set()
    if len(key) == ID_LENGTH:
        for at in range(ID_LENGTH):
            found.update(key[:at] + c + key[at + 1 :] for c in ID_ALPHABET)
            if at + 1 < ID_LENGTH:
                found.add(key[:at] + key[at + 1] + key[at] + key[at + 2 :])
    elif len(key) == ID_LENGTH - 1:
        for at in range(ID_LENGTH):
            found.update(key[:at] + c + key[at:] for c in ID_ALPHABET)
    elif len(key) == ID_LENGTH + 1:
        found.update(key[:at] + key[at + 1 :] for at in range(len(key)))
    found.discard(key)
    return {ident for ident in found if all(c in ID_ALPHABET for c in ident)}


def unknown_id_message(key: str, known: list[str]) -> str:
    import difflib  # only when an id is wrong: `status` and every step never need it

    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else "; `procflow status` lists instances"
    return f"unknown instance '{key}'{hint}"


class Names(NamedTuple):
    """An instance's names as people read them, kept so that `status` needs no procedure: the
    language of the run that started it, and in it the procedure's title and the current state's."""

    lang: str
    title: str
    state_title: str


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
    paths: dict[str, str]  # procedure id -> the file its text was read from for this instance
    # its names (migration 12); None for an instance started before, until its next step
    lang: str | None = None
    title: str | None = None
    state_title: str | None = None

    @property
    def names(self) -> Names | None:
        if self.lang is None or self.title is None or self.state_title is None:
            return None
        return Names(self.lang, self.title, self.state_title)

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> Instance:
        values = list(row)
        for index in (3, 8, 16):
            values[index] = json.loads(values[index])
        return cls(*values)


class InstanceSummary(NamedTuple):
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
    path: str  # of the file this instance's entry procedure was read from (Instance.paths)
    title: str | None = None  # the procedure's title in the instance's language (migration 12)
    state_title: str | None = None  # the current state's, likewise; None: started before

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> InstanceSummary:
        return cls(*row)


class EventRecord(NamedTuple):
    """One stored event: the readable columns, and `body`, the event as the session made it.
    (Not the runtime's journal event: this is its row in the store's append-only log.)"""

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
    values = event_values(instance, seq, event, actor, at)
    return (*values[:8], _json(values[8]), _json(values[9]), *values[10:12], _json(values[12]))


def event_values(instance: str, seq: int, event: Mapping[str, Any], actor: str, at: str) -> tuple[Any, ...]:
    """`event_row` before its JSON columns (answers, items, body) are dumped: their values, an
    empty one None, for a backend that dumps the whole step at once."""
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
        _filled(body.get("answers")),
        _filled(body.get("items")),
        body.get("move"),
        body.get("note"),
        body,
    )


def event_from_row(row: tuple[Any, ...]) -> EventRecord:
    values = list(row)
    for index in (8, 9, 12):
        values[index] = None if values[index] is None else json.loads(values[index])
    return EventRecord(*values)


def _filled(value: Any) -> Any:
    return None if value == {} or value == [] else value


def _json(value: Any) -> str | None:
    if _filled(value) is None:
        return None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class DraftRecord(NamedTuple):
    """An answer, a ticked item or a skip confirmed inside a step not yet taken: kept at once,
    never an event (`Store.save_draft`)."""

    instance: str
    subject: str  # field | item
    name: str  # the field or item id
    kind: str  # answer | check | skip
    value: Any  # the answer as typed, the reason of a skip; None for a check
    visit: int  # which visit of its state: how many states the instance had entered
    state: str  # the qualified state
    version: int  # the instance's version when it was written
    at: str  # as the desk's clock showed it, like an event's (ISO with its offset)
    actor: str


DRAFT_COLUMNS = "instance, subject, name, kind, value, visit, state, version, at, actor"


class SessionRow(NamedTuple):
    """A web desk's sign-in session as kept (`Store.keep_session`): the token itself never is,
    only its digest, so a copy of the database signs nobody in."""

    digest: str  # sha256 of the session token, hex
    person: str | None  # None: not signed in (a language chosen before signing in)
    lang: str | None  # chosen with the language switch; None: the browser's
    created_at: str  # UTC stamps
    seen_at: str  # the last request that used it (kept at most once a minute)


SESSION_COLUMNS = "digest, person, lang, created_at, seen_at"
DRAFT_KINDS = {"answer": "field", "check": "item", "skip": "item"}  # kind: its subject
# the kinds of event that take an instance's drafts (SQLite's `drafts_taken` trigger names them too)
TAKES_DRAFTS = frozenset({"answer", "check", "skip", "enter", "move", "finish", "cancel"})


def draft_from_row(row: tuple[Any, ...]) -> DraftRecord:
    values = list(row)
    values[4] = None if values[4] is None else json.loads(values[4])
    return DraftRecord(*values)


class PinnedText(NamedTuple):
    """The exact text of a procedure an instance runs on, kept once per hash."""

    procedure_id: str
    path: str  # where the text was first read from (an instance's own path: Instance.paths)
    text: bytes


class DueRow(NamedTuple):
    """One due time of an open instance as the caller computes it with each step
    (`procflow.engine.runtime.due.due_rows`); the store adds whose instance it is."""

    procedure: str  # the procedure whose deadline it is (a sub-procedure's own)
    state: str  # path name of the state it belongs to: `use_state>child_state`
    deadline: str  # the deadline's id
    kind: str  # within | before | after | every
    due_at: str  # UTC stamp, so text order is time order
    every: float | None  # seconds between occurrences (kind every)
    role: str | None  # the role of its state
    text: str | None  # JSON {language: what is due}, parameters filled in


class WholeInstance(NamedTuple):
    """An instance with its events and due rows, read at one moment (`Store.whole`)."""

    instance: Instance
    events: list[EventRecord]
    due: list[DueRow]


class DueEntry(NamedTuple):
    """A due row as the agenda reads it: with its instance and who holds that instance."""

    instance: str
    procedure: str
    state: str
    deadline: str
    kind: str
    due_at: str
    every: float | None
    role: str | None
    text: str | None
    owner: str | None
    assignee: str | None


class ViolationRow(NamedTuple):
    """A violation of a work rule as a manager recorded it (append-only)."""

    number: int
    person: str
    rule: str
    procedure: str  # the procedure that declares the rule
    at: str  # UTC stamp
    note: str | None
    recorded_by: str
    recorded_at: str  # UTC stamp


class DecisionRow(NamedTuple):
    """A supervisor's decision about one violation (append-only): `violation` is a recorded
    violation's number or `instance#seq` of its event; `decision` confirmed, dismissed or retracted."""

    number: int
    violation: str
    decision: str
    reason: str
    decided_by: str
    decided_at: str  # UTC stamp


class AccountableEvent(NamedTuple):
    """A `breach` or `override` event, for the violations it stands for: the person who took the
    step is `actor`; `procedure` is its instance's entry procedure."""

    instance: str
    seq: int
    at: str  # as the step stored it (its offset kept)
    actor: str
    kind: str
    body: dict[str, Any]
    procedure: str


def utc(text: str) -> datetime:
    """A stored time (UTC stamp, or ISO with an offset; none read as UTC) as an aware UTC moment."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def local_time(text: str) -> str:
    """A stored time (UTC stamp or ISO with offset) in local time, to the second, for people."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


# --- a whole record, as `procflow db copy` moves it from one store to another ----------------


class PinRow(NamedTuple):
    """A pinned procedure text as stored: its hash, and when and from where it was first pinned."""

    hash: str
    procedure_id: str
    path: str
    text: str
    pinned_at: str


class PasswordRow(NamedTuple):
    """A person's web desk password as the store keeps it (`Store.passwords`): its hash, never
    the password, and who set it when."""

    person: str
    hash: str  # the PHC string (argon2id or scrypt, with its salt)
    set_by: str
    set_at: str


class InstanceRecord(NamedTuple):
    """Everything a store keeps of one instance, ids, numbers and stamps as stored: its row (with
    its paths), its events, its due rows and its drafts (`Store.instance_records`)."""

    instance: Instance
    events: list[EventRecord]
    due: list[DueRow]
    drafts: list[DraftRecord]


def json_column(value: Any) -> str | None:
    """A decoded JSON column as the stores write it again (None stays NULL)."""
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


# Columns of an instance's own row as `StoredRecord.instance` holds them (its paths apart).
STORED_INSTANCE_COLUMNS = (
    "id, procedure_id, hash, pins, status, state, role, version, snapshot, created_at, created_by,"
    " updated_at, updated_by, owner, assignee, parent, lang, title, state_title"
)
STORED_DUE_COLUMNS = "instance, procedure, state, deadline, kind, due_at, every, role, text"


class UndecodableRecord(ValueError):
    """A stored record whose JSON text does not decode: which instance, and which part of it."""

    def __init__(self, instance: str, part: str) -> None:
        super().__init__(instance, part)
        self.instance, self.part = instance, part


class StoredRecord(NamedTuple):
    """One instance exactly as a store keeps its rows, JSON text as it is, not decoded
    (`Store.stored_records`): what `db copy` moves, so a copy neither decodes nor re-encodes
    what it does not have to. Every backend reads the same tuple for the same rows: its parts
    are in one order (events by number, due rows by state and deadline, paths by procedure,
    drafts by subject and then as given) and `every` is a whole number of seconds as an int."""

    instance: tuple[Any, ...]  # STORED_INSTANCE_COLUMNS
    paths: tuple[tuple[str, str], ...]  # (procedure, path)
    events: tuple[tuple[Any, ...], ...]  # EVENT_COLUMNS
    due: tuple[tuple[Any, ...], ...]  # STORED_DUE_COLUMNS (owner and assignee: the instance's)
    drafts: tuple[tuple[Any, ...], ...]  # DRAFT_COLUMNS

    @property
    def id(self) -> str:
        return str(self.instance[0])

    @property
    def parent(self) -> str | None:
        parent: str | None = self.instance[15]
        return parent

    def text(self) -> str:
        """Every value as one text (Python's repr: strings quoted and escaped, so the parts
        cannot run into each other), the same whichever store read them."""
        return repr(tuple(self))

    def digest(self, text: str | None = None) -> str:
        """A fingerprint of every value (of `text`, when this record's is at hand already)."""
        from hashlib import blake2b  # only a copy needs it: `status` does not load OpenSSL

        return blake2b((text or self.text()).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()

    def decoded(self) -> InstanceRecord:
        """The record with its JSON decoded; UndecodableRecord naming the part that is not JSON."""
        part = "its snapshot"
        try:
            values = list(self.instance)
            for index in (3, 8):
                values[index] = json.loads(values[index])
            values.insert(16, dict(self.paths))
            instance = Instance(*values)
            part = "its event log"
            loads = json.loads
            events = [  # event_from_row, unrolled: a copy decodes every event of every instance
                EventRecord._make(
                    (
                        *row[:8],
                        None if row[8] is None else loads(row[8]),
                        None if row[9] is None else loads(row[9]),
                        row[10],
                        row[11],
                        loads(row[12]),
                    )
                )
                for row in self.events
            ]
            part = "its drafts"
            drafts = [draft_from_row(row) for row in self.drafts]
        except (ValueError, TypeError):
            raise UndecodableRecord(self.id, part) from None
        return InstanceRecord(instance, events, [DueRow(*row[1:]) for row in self.due], drafts)

    @classmethod
    def encoded(cls, record: InstanceRecord) -> StoredRecord:
        """`record` as a store writes its rows (JSON as the stores write it: compact, keys sorted)."""
        row = record.instance
        ident = row.id
        return cls(
            (*row[:3], json_column(row.pins), *row[4:8], json_column(row.snapshot), *row[9:16], *row[17:20]),
            tuple(sorted(row.paths.items())),
            tuple(
                (*e[:8], json_column(e.answers), json_column(e.items), e.move, e.note, json_column(e.body))
                for e in sorted(record.events, key=lambda e: e.seq)
            ),
            tuple(
                (ident, *d[:5], whole_seconds(d.every), *d[6:])
                for d in sorted(record.due, key=lambda d: (d.state, d.deadline))
            ),
            tuple(
                (*d[:4], json_column(d.value), *d[5:]) for d in sorted(record.drafts, key=lambda d: d.subject)
            ),
        )


def whole_seconds(value: Any) -> Any:
    """`every` as SQLite's NUMERIC hands it out: a whole number of seconds as an int."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
