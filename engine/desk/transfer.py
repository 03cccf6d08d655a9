"""Moving a desk's whole record from one store to another (`procflow db copy`), any pair of backends.

Reads the source in batches (`Store.instance_records`), writes each batch in one transaction of
the destination (`Store.add_records`) with ids, numbers and stamps as they were, reads it back,
and runs `verify`'s check on every instance. Safe to run again: an instance already there and
identical is skipped, one that differs is reported and left as it is. Never prints; the caller
is told of progress through a callback.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, TypeVar

from procflow.engine.base.errors import DatabaseError
from procflow.engine.desk.audit import check_whole
from procflow.engine.store import Store
from procflow.engine.store.migrations import LATEST
from procflow.engine.store.records import InstanceRecord, ViolationRow, WholeInstance

BATCH = 500  # instances per read and per write transaction: a few MiB at most, a few statements each


class CopyReport(NamedTuple):
    counts: Counter[str]  # what was written, by kind (KINDS)
    skipped: Counter[str]  # already in the destination and identical, by kind
    differing: list[tuple[str, str]]  # (what, how it differs): left as the destination has it
    problems: list[tuple[str, str]]  # (instance, what `verify` finds wrong) after the copy
    integrity: list[str]  # the destination's own check
    refused: list[tuple[str, str]]  # (what, why) not copied: text no store keeps (`keepable`)

    @property
    def ok(self) -> bool:
        return not self.differing and not self.problems and not self.integrity and not self.refused


# what a copy counts, in the order it is shown
KINDS = (
    "instances",
    "events",
    "hand-overs",
    "pinned texts",
    "instance paths",
    "due rows",
    "drafts",
    "violations",
    "decisions",
    "passwords",
)


def readable(source: Store) -> None:
    """Refuse (`DatabaseError`) a source opened as it is whose schema is not this procflow's: a
    copy reads the latest schema only, and never migrates what it copies from."""
    version = source.schema_version()
    if version > LATEST:
        raise DatabaseError(
            f"database '{source.location}' was written by a newer procflow (schema version {version}, "
            f"this one knows up to {LATEST}); upgrade procflow to copy from it"
        )
    if version == 0:
        raise DatabaseError(f"database '{source.location}' holds no procflow record; nothing to copy")
    if version < LATEST:
        raise DatabaseError(
            f"database '{source.location}' is at schema version {version}, this procflow at {LATEST}; "
            f"run `procflow db upgrade --db {source.location}` first"
        )


def copy_record(
    source: Store,
    destination: Store,
    *,
    batch: int = BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> CopyReport:
    """Copy every instance, then every recorded violation and decision, from `source` to
    `destination`; `progress(done, total)` after each batch of instances."""
    report = CopyReport(Counter(), Counter(), [], [], [], [])
    ids = source.all_ids()  # oldest first: an instance started inside another comes after it
    had_pins = {row.hash for row in destination.pinned_rows()}
    for start in range(0, len(ids), batch):
        _copy_batch(source, destination, ids[start : start + batch], had_pins, report)
        if progress is not None:
            progress(min(start + batch, len(ids)), len(ids))
    _copy_accountability(source, destination, report)
    report.integrity.extend(destination.integrity(quick=True))
    return report


def _copy_batch(
    source: Store, destination: Store, ids: Sequence[str], had_pins: set[str], report: CopyReport
) -> None:
    records = _parents_first(source.instance_records(ids))
    records = keepable(records, report)
    there = {r.instance.id: r for r in destination.instance_records(ids)}
    new = [r for r in records if r.instance.id not in there]
    checked = [r.instance.id for r in new]  # what `verify` checks: the new ones, the identical ones
    for record in records:
        found = there.get(record.instance.id)
        if found is None:
            continue
        difference = _difference(record, found)
        if difference is None:
            report.skipped["instances"] += 1
            checked.append(record.instance.id)
        else:
            report.differing.append((f"instance '{record.instance.id}'", difference))
    wanted = sorted({digest for r in new for digest in r.instance.pins.values()} - had_pins)
    pins = source.pinned_rows(wanted) if wanted else []
    if new:
        destination.add_records(pins, new)
    had_pins.update(row.hash for row in pins)
    written = {r.instance.id: r for r in records}
    for copied in destination.instance_records(checked):  # read back as any later command reads it
        ident = copied.instance.id
        difference = _difference(written[ident], copied)
        problem = (
            f"it reads back otherwise than it was written: {difference}"
            if difference is not None
            else check_whole(destination, WholeInstance(copied.instance, copied.events, copied.due))
        )
        if problem is not None:
            report.problems.append((ident, problem))
    counts = report.counts
    counts["instances"] += len(new)
    counts["pinned texts"] += len(pins)
    for r in new:
        counts["events"] += len(r.events)
        counts["hand-overs"] += sum(1 for e in r.events if e.kind == "handoff")
        counts["instance paths"] += len(r.instance.paths)
        counts["due rows"] += len(r.due)
        counts["drafts"] += len(r.drafts)


def _copy_accountability(source: Store, destination: Store, report: CopyReport) -> None:
    """Recorded violations and decisions by number: new ones written in one transaction."""
    chosen = []
    for kind, ours, theirs in (
        ("violations", source.violations(), destination.violations()),
        ("decisions", source.violation_decisions(), destination.violation_decisions()),
    ):
        there = {row[0]: row for row in theirs}
        fresh = []
        for row in ours:
            found = there.get(row[0])
            if found is None:
                fresh.append(row)
            elif found == row:
                report.skipped[kind] += 1
            else:
                what = "violation" if kind == "violations" else "decision about a violation"
                report.differing.append((f"{what} {row[0]}", _row_difference(row._asdict(), found._asdict())))
        fresh = keepable(fresh, report)
        report.counts[kind] += len(fresh)
        chosen.append(fresh)
    violations, decisions = chosen
    if violations or decisions:
        destination.add_accountability(violations, decisions)  # type: ignore[arg-type]


Row = TypeVar("Row")
NUL = "\x00"  # the one character PostgreSQL's text cannot hold; an older SQLite desk may have kept it


def keepable(rows: Sequence[Row], report: CopyReport) -> list[Row]:
    """`rows` (instance records, violations, decisions) less those with U+0000 in a text the
    store keeps as it is (a note, a reason, a name: JSON columns escape it), each added to
    `report.refused` with why, and less the instances inside a refused one. A copy neither
    fails on them nor changes their text, whichever the backends; the source keeps them.
    (procflow refuses the character at input since; an older desk could record it.)"""
    kept = []
    refused = {what for what, _ in report.refused}
    for item in rows:
        row: Any = item
        if isinstance(row, InstanceRecord):
            what, parent = f"instance '{row.instance.id}'", row.instance.parent
            if parent is not None and f"instance '{parent}'" in refused:
                report.refused.append((what, f"it belongs to instance '{parent}', which was not copied"))
                refused.add(what)
                continue
        else:
            what = (
                f"{'violation' if isinstance(row, ViolationRow) else 'decision about a violation'} {row[0]}"
            )
        place = _where_nul(row)
        if place is None:
            kept.append(item)
        else:
            report.refused.append((what, f"{place} holds the character U+0000, which PostgreSQL cannot keep"))
            refused.add(what)
    return kept


def _where_nul(row: Any) -> str | None:
    """Which part of a row holds U+0000 in a text column (None: none does). Only the plain
    strings of each row are looked at: quick enough for every instance of a large copy."""
    if not isinstance(row, InstanceRecord):
        return "its text" if _has_nul(row) else None
    if _has_nul(row.instance) or _has_nul(row.instance.paths.values()):
        return "its row"
    for event in row.events:
        if _has_nul(event):
            return f"its event {event.seq}"
    if any(_has_nul(d) for d in row.due) or any(_has_nul(d) for d in row.drafts):
        return "its due rows or drafts"
    return None


def _has_nul(values: Any) -> bool:
    return any(type(v) is str and NUL in v for v in values)


def copy_passwords(source: Store, destination: Store, report: CopyReport) -> None:
    """The web desk passwords (their hashes, with who set them when) of the people `destination`
    has none for; a person who has one there keeps it (they may have changed it on the server
    since), counted as already there. Run again, nothing is written twice."""
    for row in source.passwords():
        if destination.password_of(row.person) is None:
            destination.set_password(row.person, row.hash, set_by=row.set_by, at=row.set_at)
            report.counts["passwords"] += 1
        else:
            report.skipped["passwords"] += 1


def _parents_first(records: list[InstanceRecord]) -> list[InstanceRecord]:
    """The batch with every instance after its parent when both are in it."""
    by_id = {r.instance.id: r for r in records}
    placed: dict[str, InstanceRecord] = {}

    def place(record: InstanceRecord, seen: frozenset[str] = frozenset()) -> None:
        parent = record.instance.parent
        if parent in by_id and parent not in placed and parent not in seen:
            place(by_id[parent], seen | {record.instance.id})
        placed.setdefault(record.instance.id, record)

    for record in records:
        place(record)
    return list(placed.values())


def _difference(ours: InstanceRecord, theirs: InstanceRecord) -> str | None:
    """How the destination's instance differs from the source's, in a few words (None: identical)."""
    if ours == theirs:
        return None
    if ours.events != theirs.events:
        if len(ours.events) != len(theirs.events):
            return f"it has {len(theirs.events)} events there and {len(ours.events)} here"
        seq = next(a.seq for a, b in zip(ours.events, theirs.events, strict=True) if a != b)
        return f"its event {seq} differs"
    if ours.instance != theirs.instance:
        return "its row " + _row_difference(ours.instance._asdict(), theirs.instance._asdict())
    if ours.due != theirs.due:
        return "its due rows differ"
    return "its drafts differ"


def _row_difference(ours: dict[str, object], theirs: dict[str, object]) -> str:
    name = next((key for key in ours if ours[key] != theirs.get(key)), None)
    if name is None:
        return "differs"
    shown = (
        json.dumps(value, ensure_ascii=False, default=str)[:40] for value in (theirs.get(name), ours[name])
    )
    return f"differs in '{name}' ({next(shown)} there, {next(shown)} here)"
