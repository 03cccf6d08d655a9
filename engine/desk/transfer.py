"""Moving a desk's whole record from one store to another (`procflow db copy`), any pair of backends.

Reads the source once, in batches of rows as they are stored (`Store.stored_records`: JSON text
not decoded), writes each batch in one transaction of the destination (`Store.add_stored_records`)
with ids, numbers, stamps and text as they were, reads it back (its digest must be what was
written) and runs `verify`'s check on every instance. Safe to run again: an instance already
there and identical is skipped, one that differs is reported and left as it is. Never prints;
the caller is told of progress through a callback.
"""

from __future__ import annotations

import atexit
import json
import multiprocessing
import signal
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, NamedTuple, TypeVar

from procflow.engine.base.errors import DatabaseError
from procflow.engine.desk.audit import check_whole
from procflow.engine.store import Store, open_store
from procflow.engine.store.migrations import LATEST
from procflow.engine.store.records import (
    InstanceRecord,
    StoredRecord,
    UndecodableRecord,
    ViolationRow,
    WholeInstance,
)

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
    batch: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    reopen: tuple[str, str] | None = None,
    workers: int = 0,
) -> CopyReport:
    """Copy every instance, then every recorded violation and decision, from `source` to
    `destination`; `progress(done, total)` after each batch of instances is written and checked.

    The check of what was written (read back, then `verify`'s replay) costs more than the copy
    itself: given `reopen`, the locations of the source and the destination as the caller opened
    them (passwords and all: they never leave this machine's processes), and more than one batch
    to copy, it runs in up to `workers` processes of their own, each reading the batch back from
    the destination, while this one reads and writes the next batches. What a worker is handed
    is the digest of each instance as written (`StoredRecord.digest`): the source is read once.
    Every instance is checked either way, and the report is the same. The caller's main module
    must be safe to import (`spawn`)."""
    report = CopyReport(Counter(), Counter(), [], [], [], [])
    ids = source.all_ids()  # oldest first: an instance started inside another comes after it
    had_pins = {row.hash for row in destination.pinned_rows()}
    size = batch or BATCH
    batches = [ids[start : start + size] for start in range(0, len(ids), size)]
    done = 0

    def checked(found: list[tuple[str, str]], count: int) -> None:
        nonlocal done
        report.problems.extend(found)
        done += count
        if progress is not None:
            progress(done, len(ids))

    pool = _Checkers.start(reopen, workers) if reopen is not None and len(batches) > 1 else None
    if pool is None:
        for ids_of_batch in batches:
            written = _write_batch(source, destination, ids_of_batch, had_pins, report)
            checked(check_copied(source, destination, written), len(ids_of_batch))
    else:
        with pool:
            waiting: deque[tuple[Future[list[tuple[str, str]]], list[tuple[str, str]], int]] = deque()

            def collect() -> None:
                future, to_check, count = waiting.popleft()
                try:
                    found = future.result()
                except BrokenProcessPool:  # a worker died (killed, out of memory): check here
                    found = check_copied(source, destination, to_check)
                checked(found, count)

            for ids_of_batch in batches:
                written = _write_batch(source, destination, ids_of_batch, had_pins, report)
                waiting.append((pool.submit(written), written, len(ids_of_batch)))
                while len(waiting) > workers:  # a batch in each worker and one queued, no more
                    collect()
            while waiting:
                collect()
    _copy_accountability(source, destination, report)
    report.integrity.extend(destination.integrity(quick=True))
    return report


def _write_batch(
    source: Store, destination: Store, ids: Sequence[str], had_pins: set[str], report: CopyReport
) -> list[tuple[str, str]]:
    """Write the instances of `ids` the destination lacks, in one transaction, rows as they are
    stored; (id, digest) of each to check there: the new ones, and those it had already, identical."""
    read = _parents_first(source.stored_records(ids))
    texts = {r.id: r.text() for r in read}  # made once: for the U+0000 scan and the digest
    records = keepable(read, report, texts)
    there = {r.id: r for r in destination.stored_records(ids)}
    new = [r for r in records if r.id not in there]
    to_check = [(r.id, r.digest(texts[r.id])) for r in new]
    for record in records:
        found = there.get(record.id)
        if found is None:
            continue
        difference = None if found == record else _stored_difference(record, found)
        if difference is None:
            report.skipped["instances"] += 1
            to_check.append((found.id, found.digest()))  # as it is there: read back, it must stay so
        else:
            report.differing.append((f"instance '{record.id}'", difference))
    wanted = sorted({digest for r in new for digest in _pins_of(r)} - had_pins)
    pins = source.pinned_rows(wanted) if wanted else []
    if new:
        destination.add_stored_records(pins, new)
    had_pins.update(row.hash for row in pins)
    counts = report.counts
    counts["instances"] += len(new)
    counts["pinned texts"] += len(pins)
    for r in new:
        counts["events"] += len(r.events)
        counts["hand-overs"] += sum(1 for e in r.events if e[5] == "handoff")
        counts["instance paths"] += len(r.paths)
        counts["due rows"] += len(r.due)
        counts["drafts"] += len(r.drafts)
    return to_check


def _pins_of(record: StoredRecord) -> list[str]:
    """The hashes of the procedure texts `record` is pinned to (its `pins` column, decoded)."""
    try:
        pins = json.loads(record.instance[3])
    except ValueError:  # damaged: what it needs is not known; the check names it
        return []
    return [str(digest) for digest in pins.values()] if isinstance(pins, dict) else []


def check_copied(
    source: Store, destination: Store, written: Sequence[tuple[str, str]]
) -> list[tuple[str, str]]:
    """(instance, what is wrong) for each of `written`, (id, digest) pairs, that does not read
    back from `destination` with that digest, or fails `verify`'s check there."""
    expected = dict(written)
    problems = []
    for copied in destination.stored_records(list(expected)):  # read back as any later command reads it
        ident = copied.id
        problem = None
        if copied.digest() != expected.pop(ident):
            problem = f"it reads back otherwise than it was written: {_read_back(source, copied)}"
        else:
            try:
                record = copied.decoded()
            except UndecodableRecord as exc:
                problem = f"{exc.part} is not valid JSON"
            else:
                problem = check_whole(destination, WholeInstance(record.instance, record.events, record.due))
        if problem is not None:
            problems.append((ident, problem))
    problems += [(ident, "it is not in the destination after it was written") for ident in expected]
    return problems


def _read_back(source: Store, copied: StoredRecord) -> str:
    """How an instance read back from the destination differs from the source's (a rare path:
    the source is read again for it)."""
    ours = source.stored_records([copied.id])
    if not ours:
        return "it is no longer in the source"
    return _stored_difference(ours[0], copied) or "its stored text differs"


class _Checkers:
    """Worker processes that each open the source and the destination once and run
    `check_copied` on the instances handed to them (their ids and digests: handing over the
    records would cost more, pickling them is slower than reading them back). Started fresh
    (`spawn`), not forked: a child must not inherit this process's open connections. They
    ignore Ctrl-C, which this process handles: an interrupted copy stops after the batches
    being checked, and a copy run again checks everything anew."""

    def __init__(self, pool: ProcessPoolExecutor) -> None:
        self.pool = pool

    @classmethod
    def start(cls, locations: tuple[str, str], workers: int) -> _Checkers | None:
        """Worker processes, or None (the check runs in this process) where none can start."""
        if workers < 1:
            return None
        context = multiprocessing.get_context("spawn")
        try:
            return cls(ProcessPoolExecutor(workers, context, initializer=_open_checker, initargs=locations))
        except (OSError, ImportError, NotImplementedError):  # no semaphores here (some containers)
            return None

    def submit(self, written: list[tuple[str, str]]) -> Future[list[tuple[str, str]]]:
        try:
            return self.pool.submit(_check_in_worker, written)
        except BrokenProcessPool as exc:  # collected, and checked here, like a result that broke
            broken: Future[list[tuple[str, str]]] = Future()
            broken.set_exception(exc)
            return broken

    def __enter__(self) -> _Checkers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


_checker_stores: list[Store] = []  # the source and the destination, as a worker process opened them


def _open_checker(source: str, destination: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for location in (source, destination):
        store = open_store(location, migrate=False)
        atexit.register(store.close)
        _checker_stores.append(store)


def _check_in_worker(written: list[tuple[str, str]]) -> list[tuple[str, str]]:
    source, destination = _checker_stores
    return check_copied(source, destination, written)


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


def keepable(rows: Sequence[Row], report: CopyReport, texts: Mapping[str, str] | None = None) -> list[Row]:
    """`rows` (instance records, violations, decisions) less those with U+0000 in a text the
    store keeps as it is (a note, a reason, a name: JSON columns escape it), each added to
    `report.refused` with why, and less the instances inside a refused one. A copy neither
    fails on them nor changes their text, whichever the backends; the source keeps them.
    (procflow refuses the character at input since; an older desk could record it.)"""
    kept = []
    refused = {what for what, _ in report.refused}
    for item in rows:
        row: Any = item
        if isinstance(row, StoredRecord):
            what, parent = f"instance '{row.id}'", row.parent
            if parent is not None and f"instance '{parent}'" in refused:
                report.refused.append((what, f"it belongs to instance '{parent}', which was not copied"))
                refused.add(what)
                continue
        else:
            what = (
                f"{'violation' if isinstance(row, ViolationRow) else 'decision about a violation'} {row[0]}"
            )
        place = _where_nul(row, texts)
        if place is None:
            kept.append(item)
        else:
            report.refused.append((what, f"{place} holds the character U+0000, which PostgreSQL cannot keep"))
            refused.add(what)
    return kept


def _where_nul(row: Any, texts: Mapping[str, str] | None = None) -> str | None:
    """Which part of a row holds U+0000 in a text column (None: none does). Only the plain
    strings of each row are looked at (a JSON text holds the character escaped): quick enough
    for every instance of a large copy. `texts`: `StoredRecord.text` of instances, by id."""
    if not isinstance(row, StoredRecord):
        return "its text" if _has_nul(row) else None
    if "\\x00" not in (
        texts[row.id] if texts else row.text()
    ):  # the common case: the character shows escaped, if at all
        return None
    if _has_nul(row.instance) or any(_has_nul(path) for path in row.paths):
        return "its row"
    for event in row.events:
        if _has_nul(event):
            return f"its event {event[1]}"
    return "its due rows or drafts"


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


def _parents_first(records: list[StoredRecord]) -> list[StoredRecord]:
    """The batch with every instance after its parent when both are in it."""
    by_id = {r.id: r for r in records}
    placed: dict[str, StoredRecord] = {}

    def place(record: StoredRecord, seen: frozenset[str] = frozenset()) -> None:
        parent = record.parent
        if parent in by_id and parent not in placed and parent not in seen:
            place(by_id[parent], seen | {record.id})
        placed.setdefault(record.id, record)

    for record in records:
        place(record)
    return list(placed.values())


def _stored_difference(ours: StoredRecord, theirs: StoredRecord) -> str | None:
    """As `_difference`, for records as stored: their values are compared, not how their JSON
    is spelt (an older procflow may have written the same value with other spacing)."""
    decoded = []
    for record, where in ((ours, "here"), (theirs, "there")):
        try:
            decoded.append(record.decoded())
        except UndecodableRecord as exc:
            return f"{exc.part} {where} is not valid JSON"
    return _difference(*decoded)


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
