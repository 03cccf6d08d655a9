"""Reading the record: what is open (`status`), what happened (`history`), whether it adds up
(`verify`: every snapshot rebuilt from its events, and the backend's own integrity check).

`status` reads snapshots and files' hashes only: it must not import yaml, jsonschema or
transitions, so it stays fast. Nothing here writes to the store or prints.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from procflow.engine.base.errors import ProcflowError
from procflow.engine.desk.pins import file_state, pinned_paths, pinned_procedures
from procflow.engine.store import Store
from procflow.engine.store.records import (
    DraftRecord,
    DueRow,
    EventRecord,
    Instance,
    InstanceSummary,
    WholeInstance,
)

if TYPE_CHECKING:  # the runtime loads only where an instance is replayed
    from procflow.engine.runtime.state import Snapshot


class StatusRow(NamedTuple):
    summary: InstanceSummary
    file: str  # current | changed | removed: the procedure file against the pinned text ("": not read)


class StatusReport(NamedTuple):
    open: list[StatusRow]
    more_open: bool  # more open instances exist than were listed
    recent: list[StatusRow]


def status(
    store: Store,
    *,
    person: str | None = None,
    open_limit: int | None = 50,
    recent_limit: int = 10,
    roles: Sequence[str] = (),
    files: bool = True,
) -> StatusReport:
    """Open instances and recently closed ones, newest first, each marked when its procedure
    file has changed or gone since it started. With `person`, only theirs: those they own and
    did not hand to a role, and those handed to one of `roles` (the roles they hold). Without
    `files`, no file is read and every row's `file` is empty (a listing that does not show it)."""
    opened, closed = store.summaries(
        person=person, open_limit=open_limit, recent_limit=recent_limit, roles=roles
    )
    more = open_limit is not None and len(opened) > open_limit
    if more:
        opened = opened[:open_limit]
    states: dict[tuple[str, str], str] = {}

    def row(summary: InstanceSummary) -> StatusRow:
        key = (summary.path, summary.hash)
        if key not in states:
            states[key] = file_state(*key) if files else ""
        return StatusRow(summary, states[key])

    return StatusReport([row(s) for s in opened], more, [row(s) for s in closed])


def role_titles(store: Store, rows: Sequence[StatusRow], lang: str) -> dict[str, str]:
    """The title of the role each instance of `rows` handed to a role is with (instance id:
    title), in the instance's language (`lang` for one started before procflow kept it). Only
    those instances' pinned texts are parsed (once per text per process): `status` without a
    hand-over to a role parses none."""
    from procflow.engine.model.text import render  # with the model: only when a row needs it

    found: dict[str, str] = {}
    for row in rows:
        role = row.summary.assignee
        if not role:
            continue
        record = store.load(row.summary.id)
        procedures = pinned_procedures(store, record.pins)
        text = next((p.roles[role] for p in procedures.values() if role in p.roles), None)
        params = {k: v for frame in record.snapshot.get("frames") or () for k, v in frame["params"].items()}
        title = render(text, record.lang or lang, params)
        if title:
            found[row.summary.id] = title
    return found


def history(store: Store, instance_id: str) -> tuple[Instance, list[EventRecord], frozenset[str]]:
    """The instance, its events in order, and the fields holding personal data (to mask)."""
    record = store.load(instance_id)
    procedures = pinned_procedures(store, record.pins)
    pii = frozenset(name for p in procedures.values() for name, f in p.fields.items() if f.pii)
    return record, store.events(record.id), pii


class Handover(NamedTuple):
    """The hand-over that gave an instance to its holder: who passed it on, when, to whom, why."""

    by: str
    at: str
    to: str
    kind: str  # person | role
    note: str | None
    holder: tuple[str | None, str | None]  # (owner, assignee) it left


def handovers(store: Store, holders: Mapping[str, tuple[str | None, str | None]]) -> dict[str, Handover]:
    """Of each instance (id: its (owner, assignee) now), the hand-over that gave it to that
    holder, for them to read; none when it was not handed over, or moved on since."""
    found = {
        ident: Handover(
            event.actor,
            event.at,
            str(event.body.get("to") or ""),
            str(event.body.get("target") or ""),
            event.note,
            (event.body.get("owner"), event.body.get("assignee")),
        )
        for ident, event in store.last_handoffs(list(holders)).items()
    }
    return {ident: h for ident, h in found.items() if h.holder == tuple(holders[ident])}


def drafts(store: Store, instance_id: str) -> list[DraftRecord]:
    """What was confirmed inside the step not yet taken (`history --drafts`): never events."""
    return store.drafts(instance_id)


def files_of(store: Store, record: Instance) -> list[tuple[str, str, str]]:
    """(procedure id, file, current | changed | removed) of each procedure the instance runs on:
    the file it was started from, compared with the text it runs on."""
    return [
        (pid, path, file_state(path, record.pins[pid]))
        for pid, path in sorted(pinned_paths(store, record.pins, record.paths).items())
    ]


def answers_of(events: list[EventRecord]) -> dict[str, Any]:
    """Every answer given in an instance, by field (a later answer wins): sub-procedures too."""
    found: dict[str, Any] = {}
    for event in events:
        if event.answers:
            found.update(event.answers)
    return found


class VerifyReport:
    def __init__(self, integrity: list[str]) -> None:
        self.checked = 0
        self.integrity = integrity  # the backend's findings (`Store.integrity`); empty when sound
        self.mismatches: list[tuple[str, str]] = []  # (instance, what is wrong)

    @property
    def ok(self) -> bool:
        return not self.integrity and not self.mismatches


def verify(store: Store, instance_id: str | None = None) -> VerifyReport:
    """Rebuild each snapshot from its events and compare with the stored one."""
    report = VerifyReport(integrity=store.integrity())
    ids = [store.load(instance_id).id] if instance_id else store.all_ids()
    for ident in ids:
        report.checked += 1
        problem = _verify_one(store, ident)
        if problem:
            report.mismatches.append((ident, problem))
    return report


def _verify_one(store: Store, ident: str) -> str | None:
    return check_whole(store, store.whole(ident))  # one read: a step saved meanwhile is wholly in or out


def check_whole(store: Store, whole: WholeInstance) -> str | None:
    """What is wrong with one instance read whole (None: its snapshot, row and due rows are what
    its events lead to): the check of `verify`, also run on every instance `db copy` writes."""
    # replay loads the runtime and the model: verify needs them, status (which imports this
    # module) does not
    from procflow.engine.runtime.due import due_rows
    from procflow.engine.runtime.journal import qualified, replay
    from procflow.engine.runtime.state import stored

    record, events, due = whole
    seqs = [e.seq for e in events]
    if seqs != list(range(1, len(seqs) + 1)):
        return f"its events are numbered {_ranges(seqs)}; expected 1 to {len(seqs)} without gaps"
    if record.version != len(events):
        return f"its version is {record.version} but it has {len(events)} events"
    try:
        rebuilt = replay(pinned_procedures(store, record.pins), [e.body for e in events])
    except ProcflowError as exc:
        return f"its events do not replay: {exc.message}"
    text = json.dumps(stored(rebuilt), ensure_ascii=False, sort_keys=True)
    # equal texts are equal values of equal types (1, 1.0 and true differ): the common case
    # costs one encoding, and the stored snapshot then stands for the rebuilt one as stored
    # (JSON types only); the walk that says where they differ runs only when they do
    if text == json.dumps(record.snapshot, ensure_ascii=False, sort_keys=True):
        rebuilt = cast("Snapshot", record.snapshot)
    else:
        rebuilt = json.loads(text)  # as stored: JSON types only
        where = first_difference(record.snapshot, rebuilt)
        if where is not None:
            return f"its snapshot differs from its events at {where}"
    if (record.status, record.state) != (rebuilt["status"], qualified(rebuilt)):
        return (
            f"its row says {record.status} at '{record.state}' but its events lead to "
            f"{rebuilt['status']} at '{qualified(rebuilt)}'"
        )
    return _due_difference(due, due_rows(rebuilt, pinned_procedures(store, record.pins)))


def _due_difference(stored: list[DueRow], expected: list[tuple[Any, ...]]) -> str | None:
    """How the agenda's rows of an instance differ from its snapshot's due times (None: they
    agree). A role or text the store lacks (rows carried over by migration 3) is not compared."""
    wanted = {(row[1], row[2]): row for row in expected}
    for row in stored:
        other = wanted.pop((row[1], row[2]), None)
        if other is None:
            return f"its due row for {row[2]!r} at '{row[1]}' has no due time in its snapshot"
        for name, index in (
            ("procedure", 0),
            ("kind", 3),
            ("due_at", 4),
            ("every", 5),
            ("role", 6),
            ("text", 7),
        ):
            if row[index] != other[index] and (index < 6 or row[index] is not None):
                return f"its due row for {row[2]!r} at '{row[1]}' says {name} {row[index]!r}, its snapshot {other[index]!r}"
    if wanted:
        state, deadline = next(iter(wanted))
        return f"its due time {deadline!r} at '{state}' has no row in the due table"
    return None


def first_difference(stored: Any, rebuilt: Any, where: str = "") -> str | None:
    """The JSON path of the first place two values differ, with both values; None when equal."""
    if isinstance(stored, Mapping) and isinstance(rebuilt, Mapping):
        for key in sorted(set(stored) | set(rebuilt), key=str):
            found = first_difference(stored.get(key), rebuilt.get(key), f"{where}.{key}")
            if found is not None:
                return found
        return None
    if isinstance(stored, list) and isinstance(rebuilt, list) and len(stored) == len(rebuilt):
        for index, (a, b) in enumerate(zip(stored, rebuilt, strict=True)):
            found = first_difference(a, b, f"{where}[{index}]")
            if found is not None:
                return found
        return None
    if stored == rebuilt and type(stored) is type(rebuilt):
        return None
    shown = (json.dumps(v, ensure_ascii=False)[:60] for v in (stored, rebuilt))
    return f"'{where.lstrip('.') or '(top)'}' (stored {next(shown)}, from events {next(shown)})"


def _ranges(seqs: list[int]) -> str:
    return ", ".join(str(s) for s in seqs[:12]) + (" ..." if len(seqs) > 12 else "")
