"""The SQLite store, the embedded default backend of the `Store` protocol (engine/store/protocol.py).

Pinned procedure texts, instances with their snapshot, append-only events, due rows and recorded
violations in one file (WAL). One write transaction per step (BEGIN IMMEDIATE), guarded by the
instance's version, so a step is either wholly saved or not at all and two writers cannot both
win. Every sqlite3 failure leaves here as an `engine.base.errors` exception with one sentence.
No procedure logic.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

from procflow.engine.base.errors import ConflictError, DatabaseError, LockedError, NotFoundError
from procflow.engine.base.messages import message
from procflow.engine.base.stamps import stamp
from procflow.engine.store import records
from procflow.engine.store.migrations import LATEST, MIGRATIONS
from procflow.engine.store.protocol import LAST
from procflow.engine.store.records import (
    DRAFT_COLUMNS,
    DRAFT_KINDS,
    EVENT_COLUMNS,
    INSTANCE_COLUMNS,
    SESSION_COLUMNS,
    STORED_DUE_COLUMNS,
    STORED_INSTANCE_COLUMNS,
    SUMMARY_COLUMNS,
    AccountableEvent,
    DecisionRow,
    DraftRecord,
    DueEntry,
    DueRow,
    EventRecord,
    Instance,
    InstanceRecord,
    InstanceSummary,
    Names,
    PinnedText,
    PinRow,
    SessionRow,
    StoredRecord,
    ViolationRow,
    WholeInstance,
    draft_from_row,
    event_from_row,
    event_row,
    local_time,
    sha256,
    whole_seconds,
)

# `normal` (the default) is SQLite's synchronous=NORMAL in WAL mode: a committed step survives
# any crash of procflow itself; after a power cut or OS crash the last steps committed before it
# may be rolled back, never half-applied. `full` also survives those, at about six times the cost.
DURABILITY = {"normal": "NORMAL", "full": "FULL"}
ACCOUNTABLE_KINDS = ("breach", "override")  # the event kinds the partial index `events_accountable` holds
QUICK_CHECK_BELOW = 1 << 20  # bytes: below this a quick_check on open costs about a millisecond
_MAGIC = b"SQLite format 3\x00"
SUGGEST_ALL_BELOW = 2000  # instances: below this every id is a candidate for "did you mean"
SUGGEST_PER_PREFIX = 64  # in a bigger store, at most this many ids per shared prefix
POLL_SECONDS = 0.25  # `wait_for_due_change`: how often it asks whether another desk committed
_OWN_TABLES = frozenset({"procedures", "instances", "events"})  # migration 1's: every version has them


def open_location(
    location: str,
    *,
    timeout: float,
    durability: str,
    create_dir: bool,
    migrate: bool = True,
    glance: bool = False,
) -> SQLiteStore:
    """The store in the file `location` (the `sqlite` entry of `engine.store.BACKENDS`); a
    `glance` never creates the file."""
    if glance and not os.path.isfile(location):
        raise DatabaseError(f"database '{location}' does not exist yet")
    return SQLiteStore(
        location, timeout=timeout, durability=durability, create_dir=create_dir, migrate=migrate
    )


def now() -> str:
    """The current moment as the store stamps it (UTC, milliseconds)."""
    return stamp(datetime.now(UTC))


class SQLiteStore:
    """An open database file; use as a context manager or call `close()`. Implements `Store`."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        timeout: float = 5.0,
        durability: str = "normal",
        create_dir: bool = False,
        migrate: bool = True,
    ) -> None:
        """`migrate`: apply the migrations the file lacks now (False: `procflow db upgrade`,
        which reports what it applies, calls `upgrade` itself, and `db copy`, which reads its
        source as it is)."""
        self.path = os.fspath(path)
        self.location = self.path
        self.timeout = timeout
        self._data_version: int | None = None  # the file's, as `wait_for_due_change` last saw it
        _check_file(self.path, create_dir)
        try:
            self.db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise DatabaseError(f"cannot open database '{self.path}': {exc}") from None
        self._held = _hold(self.path)
        try:
            with self._errors():
                self.db.execute(f"PRAGMA synchronous={DURABILITY[durability]}")
                self.db.execute("PRAGMA foreign_keys=ON")
                if migrate:
                    self.upgrade()
                if os.path.getsize(self.path) < QUICK_CHECK_BELOW:
                    problems = self.integrity(quick=True)
                    if problems:
                        raise DatabaseError(
                            f"database '{self.path}' is damaged ({problems[0]}); restore it from a backup"
                        )
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self.db.close()
        if self._held is not None:
            _OPEN_HERE[self._held] -= 1
            self._held = None

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    # --- plumbing -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """sqlite3 errors as one sentence each; the transaction, if any, is rolled back."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            self._rollback()
            text = str(exc)
            if "locked" in text or "busy" in text:
                path, waited = self.path, f"{self.timeout:g}"
                raise LockedError(
                    f"database '{path}' is locked by another process; tried for {waited} s",
                    lambda lang, ids: message(lang, "refused.locked", path=path, seconds=waited),
                ) from None
            if "readonly" in text or "read-only" in text or "unable to open" in text:
                raise DatabaseError(f"cannot write to database '{self.path}' ({text})") from None
            raise DatabaseError(f"database '{self.path}' cannot be used ({text})") from None
        except sqlite3.DatabaseError as exc:
            self._rollback()
            raise DatabaseError(
                f"database '{self.path}' is damaged or not a procflow database ({exc}); "
                "restore it from a backup"
            ) from None

    def _rollback(self) -> None:
        if self.db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed on success, rolled back on any exception. SQLite's
        own plumbing, not part of the `Store` protocol (the benches fill databases with it)."""
        with self._errors():
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self._rollback()
                raise
            self.db.execute("COMMIT")

    # --- schema ---------------------------------------------------------------------------

    def schema_version(self) -> int:
        with self._errors():
            version: int = self.db.execute("PRAGMA user_version").fetchone()[0]
        return version

    def upgrade(self) -> tuple[int, int]:
        """Apply the migrations the file lacks (engine/store/migrations.py) in one transaction.
        (The version found in that transaction, the one reached): of several processes starting
        at once on a new file, the one that migrated it says so."""
        version = self.schema_version()
        if version > LATEST:
            raise DatabaseError(
                f"database '{self.path}' was written by a newer procflow (schema version "
                f"{version}, this one knows up to {LATEST}); upgrade procflow to use it"
            )
        self._refuse_foreign(version)
        if version == LATEST:
            return version, version
        if version == 0:  # needs the write lock of a fresh file, so before the transaction
            self.db.execute("PRAGMA journal_mode=WAL")
        with self.write() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]  # another process may have won
            for target in range(version + 1, LATEST + 1):
                for statement in MIGRATIONS[target - 1]:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version={target}")
        return version, LATEST

    def _refuse_foreign(self, version: int) -> None:
        """Refuse, before anything is written or the journal mode is changed, a database that
        is neither empty nor procflow's: another application's file keeps its bytes. Procflow's
        has a schema version and its own tables; a new one has no tables at all (migrations run
        in one transaction, so nobody sees procflow's tables without its version)."""
        with self._errors():
            tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version == 0 and tables:
            # a process migrating at once may have committed since the version was read: its
            # tables are never seen without their version (one transaction), so read it again
            version = self.schema_version()
        if (version == 0 and not tables) or (version > 0 and tables >= _OWN_TABLES):
            return
        raise DatabaseError(
            f"'{self.path}' is not a procflow database (an SQLite file of another application); "
            "give another file name"
        )

    def integrity(self, *, quick: bool = False) -> list[str]:
        """Problems reported by SQLite's own check; empty when the file is sound."""
        with self._errors():
            rows = self.db.execute("PRAGMA quick_check" if quick else "PRAGMA integrity_check").fetchall()
        problems = [str(r[0]) for r in rows]
        return [] if problems == ["ok"] else problems

    def integrity_checks(self) -> str:
        return "integrity_check"  # SQLite's own name for it, as `PRAGMA integrity_check` reports

    # --- procedures -----------------------------------------------------------------------

    @staticmethod
    def _pin(db: sqlite3.Connection, procedure_id: str, path: str, raw: bytes, at: str) -> str:
        """Keep the exact text of a procedure (once per hash); inside a write transaction."""
        digest = sha256(raw)
        db.execute(
            "INSERT OR IGNORE INTO procedures (hash, procedure_id, path, text, pinned_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (digest, procedure_id, path, raw.decode("utf-8"), at),
        )
        return digest

    def pinned(self, digest: str) -> PinnedText:
        """(procedure id, path it was read from, exact text) of a pinned hash."""
        with self._errors():
            row = self.db.execute(
                "SELECT procedure_id, path, text FROM procedures WHERE hash = ?", (digest,)
            ).fetchone()
        if row is None:
            raise DatabaseError(
                f"database '{self.path}' lacks the pinned procedure text {digest[:12]}; "
                "it was damaged or edited by hand"
            )
        return PinnedText(row[0], row[1], row[2].encode("utf-8"))

    # --- instances ------------------------------------------------------------------------

    def start_instance(
        self,
        *,
        procedure_id: str,
        pins: Mapping[str, tuple[str, bytes]],
        snapshot: Mapping[str, Any],
        state: str,
        status: str,
        role: str | None,
        events: Sequence[Mapping[str, Any]],
        actor: str,
        at: str,
        parent: str | None = None,
        due: Sequence[Sequence[Any]] = (),
        names: Names | None = None,
    ) -> Instance:
        """A new instance with its first events; `pins` maps procedure id to (path, text): each
        text is kept once per hash, each path with this instance (`Instance.paths`); `due`, its
        rows of the due table (see `_set_due`)."""
        with self.write() as db:
            hashes = {pid: self._pin(db, pid, path, raw, at) for pid, (path, raw) in pins.items()}
            for _ in range(20):
                new_id = records.new_id()
                if db.execute("SELECT 1 FROM instances WHERE id = ?", (new_id,)).fetchone() is None:
                    break
            else:  # 20 collisions in a space of 887 million: something is wrong with randomness
                raise DatabaseError("could not find a free instance id; the store holds too many instances")
            db.execute(
                "INSERT INTO instances (id, procedure_id, hash, pins, status, state, role, version, snapshot,"
                " created_at, created_by, updated_at, updated_by, owner, parent, lang, title, state_title)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    new_id,
                    procedure_id,
                    hashes[procedure_id],
                    _dump(hashes),
                    status,
                    state,
                    role,
                    len(events),
                    _dump(snapshot),
                    at,
                    actor,
                    at,
                    actor,
                    actor,
                    parent,
                    *(names if names is not None else (None, None, None)),
                ),
            )
            db.executemany(  # migration 8: each instance's own paths, whoever pinned the text first
                "INSERT INTO instance_paths (instance, procedure, path) VALUES (?, ?, ?)",
                [(new_id, pid, path) for pid, (path, _) in pins.items()],
            )
            self._append(db, new_id, 0, events, actor, at)
            self._set_due(db, new_id, due)
        return self.load(new_id)

    def append_step(
        self,
        instance_id: str,
        expected_version: int,
        *,
        snapshot: Mapping[str, Any],
        state: str,
        status: str,
        role: str | None,
        events: Sequence[Mapping[str, Any]],
        actor: str,
        at: str,
        holder: tuple[str | None, str | None] | None = None,
        due: Sequence[Sequence[Any]] = (),
        names: Names | None = None,
    ) -> int:
        """Save one step: append `events` and replace the snapshot, if nobody changed it since
        `expected_version`; else `ConflictError` and nothing written. Returns the new version.
        `holder`, (owner, assignee), is set too: a handoff changes whose the instance is.
        `due`, the instance's rows of the due table, replaces them (`_set_due`).

        An instance's version is the number of its events, so the events of this step are
        numbered from `expected_version + 1` and the check on the version guards both.
        """
        if not events:
            raise ValueError("a step without events changes nothing and is not saved")
        version = expected_version + len(events)
        with self.write() as db:
            cur = db.execute(
                "UPDATE instances SET snapshot = ?, state = ?, status = ?, role = ?, version = ?,"
                " updated_at = ?, updated_by = ?, lang = coalesce(lang, ?), title = coalesce(title, ?),"
                " state_title = ? WHERE id = ? AND version = ?",
                (
                    *(_dump(snapshot), state, status, role, version, at, actor),
                    *(names if names is not None else (None, None, None)),  # an older instance takes them now
                    instance_id,
                    expected_version,
                ),
            )
            if cur.rowcount != 1:
                raise self._conflict(db, instance_id, expected_version)
            if holder is not None:  # the version check above already holds the write lock
                db.execute(
                    "UPDATE instances SET owner = ?, assignee = ? WHERE id = ?", (*holder, instance_id)
                )

            self._append(db, instance_id, expected_version, events, actor, at)
            self._set_due(db, instance_id, due)
        return version

    def holder(self, instance_id: str) -> tuple[str | None, str | None]:
        """Whose the instance is now: (owner, assignee). `assignee` is a role it was handed to
        (then it is that role's), else None and it is the owner's."""
        with self._errors():
            row = self.db.execute(
                "SELECT owner, assignee FROM instances WHERE id = ?", (instance_id,)
            ).fetchone()
        if row is None:
            raise NotFoundError(records.unknown_id_message(instance_id, self._similar_ids(instance_id)))
        return row[0], row[1]

    # --- what is due: one row per due time of an open instance (migration 3) -----------------

    @staticmethod
    def _set_due(db: sqlite3.Connection, instance_id: str, rows: Sequence[Sequence[Any]]) -> None:
        """Replace the instance's due rows, inside the write transaction of its step, after the
        instance row is written. A row is (procedure, state path, deadline, kind, due_at UTC
        stamp, every, role, text JSON), as `procflow.engine.runtime.due.due_rows` makes them;
        owner and assignee are copied from the instance; a finished one keeps only its follow-ups
        (the rows `due_rows` gives it) and a cancelled one none. The only writer of the due table
        (migration 6 dropped the triggers that were)."""
        db.execute("DELETE FROM due WHERE instance = ?", (instance_id,))
        if rows:
            db.executemany(
                "INSERT INTO due (instance, procedure, state, deadline, kind, due_at, every, role, text,"
                " owner, assignee) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, owner, assignee FROM instances"
                " WHERE id = ? AND status <> 'cancelled'",
                [(instance_id, *row, instance_id) for row in rows],
            )

    def due_of(self, instance_id: str) -> list[DueRow]:
        """The instance's due rows as `_set_due` takes them, in key order."""
        with self._errors():
            rows = self.db.execute(
                "SELECT procedure, state, deadline, kind, due_at, every, role, text FROM due"
                " WHERE instance = ? ORDER BY state, deadline",
                (instance_id,),
            ).fetchall()
        return [DueRow(*row) for row in rows]

    def agenda(
        self,
        until: str,
        *,
        limit: int,
        role: str | None = None,
        person: str | None = None,
        roles: Sequence[str] = (),
    ) -> tuple[list[DueEntry], int]:
        """Due rows with due_at up to `until` (a UTC stamp), soonest first, at most `limit`, and how
        many match in all. `role` keeps that role's; `person` keeps theirs as `summaries` does.
        The rows are read along the due_at index and stop at the limit."""
        where, named = "due_at <= :until", {"until": until, "limit": limit, "role": role, "who": person}
        if role is not None:
            where += " AND role = :role"
        if person is not None:
            named.update({f"r{n}": held for n, held in enumerate(roles)})
            held = f" OR assignee IN ({', '.join(f':r{n}' for n in range(len(roles)))})" if roles else ""
            where += f" AND ((owner = :who AND assignee IS NULL){held})"
        columns = "instance, procedure, state, deadline, kind, due_at, every, role, text, owner, assignee"
        with self._errors():
            rows = self.db.execute(
                f"SELECT {columns} FROM due WHERE {where} ORDER BY due_at, instance, state, "
                "deadline LIMIT :limit",
                named,
            ).fetchall()
            total = (
                len(rows)
                if len(rows) < limit
                else self.db.execute(f"SELECT count(*) FROM due WHERE {where}", named).fetchone()[0]
            )
        return [DueEntry(*row) for row in rows], total

    def wait_for_due_change(self, timeout: float) -> bool:
        """SQLite tells nobody of a change, so this asks: the file's `data_version` (which moves
        when another connection commits, read without touching a table) every POLL_SECONDS, until
        it moves or `timeout` is over. Any commit counts, not only what is due: a false alarm
        costs the watcher one more read. The first call only notes where the file is."""
        with self._errors():
            version = self.db.execute("PRAGMA data_version").fetchone()[0]
        if self._data_version is None:
            self._data_version = version
        left = max(0.0, timeout)  # counted in what was slept: the same under a test's clock
        while version == self._data_version:
            if left <= 0:
                return False
            pause = min(POLL_SECONDS, left)
            time.sleep(pause)
            left -= pause
            with self._errors():
                version = self.db.execute("PRAGMA data_version").fetchone()[0]
        self._data_version = version
        return True

    def _conflict(self, db: sqlite3.Connection, instance_id: str, expected: int) -> Exception:
        row = db.execute(
            "SELECT updated_by, updated_at, version, status FROM instances WHERE id = ?", (instance_id,)
        ).fetchone()
        if row is None:
            return NotFoundError(records.unknown_id_message(instance_id, []))
        who, when, version, status = row
        at = local_time(when)
        return ConflictError(
            f"instance '{instance_id}' was changed by {who} at {at} (version {version}, "
            f"{status}) after you read version {expected}; nothing of yours was saved, "
            f"see where it is now with `procflow resume {instance_id}`",
            lambda lang, ids: message(lang, "refused.conflict", who=who, when=at, id=instance_id),
        )

    @staticmethod
    def _append(
        db: sqlite3.Connection,
        instance_id: str,
        last: int,
        events: Sequence[Mapping[str, Any]],
        actor: str,
        at: str,
    ) -> None:
        rows = [event_row(instance_id, last + n, event, actor, at) for n, event in enumerate(events, 1)]
        db.executemany(
            f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})",
            rows,
        )

    # --- drafts (migration 10) ------------------------------------------------------------------

    def save_draft(
        self,
        instance_id: str,
        expected_version: int,
        *,
        kind: str,
        name: str,
        value: Any,
        visit: int,
        state: str,
        actor: str,
        at: str,
    ) -> None:
        """One draft in its own write transaction, guarded by the instance's version like a step.
        New methods and table only: the step's path (`append_step`) is untouched, and the trigger
        of migration 10 clears the drafts when a step records its work."""
        subject = DRAFT_KINDS.get(kind)
        if subject is None:
            raise ValueError(f"unknown draft kind {kind!r}")
        with self.write() as db:
            row = db.execute("SELECT version, status FROM instances WHERE id = ?", (instance_id,)).fetchone()
            if row is None or row[0] != expected_version or row[1] != "open":
                raise self._conflict(db, instance_id, expected_version)
            # keep the first-given order of a field or item answered again: update in place
            db.execute(
                f"INSERT INTO drafts ({DRAFT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (instance, subject, name) DO UPDATE SET kind = excluded.kind,"
                " value = excluded.value, visit = excluded.visit, state = excluded.state,"
                " version = excluded.version, at = excluded.at, actor = excluded.actor",
                (
                    instance_id,
                    subject,
                    name,
                    kind,
                    None if value is None else _dump(value),
                    visit,
                    state,
                    expected_version,
                    at,
                    actor,
                ),
            )

    def drop_draft(self, instance_id: str, expected_version: int, *, kind: str, name: str) -> None:
        subject = DRAFT_KINDS.get(kind)
        if subject is None:
            raise ValueError(f"unknown draft kind {kind!r}")
        with self.write() as db:
            row = db.execute("SELECT version, status FROM instances WHERE id = ?", (instance_id,)).fetchone()
            if row is None or row[0] != expected_version or row[1] != "open":
                raise self._conflict(db, instance_id, expected_version)
            db.execute(
                "DELETE FROM drafts WHERE instance = ? AND subject = ? AND name = ? AND kind = ?",
                (instance_id, subject, name, kind),
            )

    def drafts(self, instance_id: str) -> list[DraftRecord]:
        with self._errors():
            rows = self.db.execute(
                f"SELECT {DRAFT_COLUMNS} FROM drafts WHERE instance = ? ORDER BY subject, rowid",
                (instance_id,),
            ).fetchall()
        try:
            return [draft_from_row(r) for r in rows]
        except (ValueError, TypeError):
            raise self._damaged(instance_id, "its drafts") from None

    # --- sign-in for the web desk ----------------------------------------------------------------

    def set_password(self, person: str, hashed: str, *, set_by: str, at: str) -> None:
        with self.write() as db:
            db.execute(
                "INSERT INTO passwords (person, hash, set_by, set_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (person) DO UPDATE SET hash = excluded.hash, set_by = excluded.set_by,"
                " set_at = excluded.set_at",
                (person, hashed, set_by, at),
            )

    def password_of(self, person: str) -> str | None:
        with self._errors():
            row = self.db.execute("SELECT hash FROM passwords WHERE person = ?", (person,)).fetchone()
        return None if row is None else str(row[0])

    # --- the web desk's sessions (migration 13) --------------------------------------------------

    def keep_session(self, digest: str, *, person: str | None, lang: str | None, at: str) -> None:
        with self.write() as db:
            db.execute(
                f"INSERT INTO web_sessions ({SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (digest) DO UPDATE SET person = excluded.person, lang = excluded.lang,"
                " seen_at = excluded.seen_at",
                (digest, person, lang, at, at),
            )

    def session_of(self, digest: str) -> SessionRow | None:
        with self._errors():
            row = self.db.execute(
                f"SELECT {SESSION_COLUMNS} FROM web_sessions WHERE digest = ?", (digest,)
            ).fetchone()
        return None if row is None else SessionRow(*row)

    def touch_session(self, digest: str, *, at: str) -> None:
        with self.write() as db:
            db.execute("UPDATE web_sessions SET seen_at = ? WHERE digest = ?", (at, digest))

    def end_session(self, digest: str) -> None:
        with self.write() as db:
            db.execute("DELETE FROM web_sessions WHERE digest = ?", (digest,))

    def purge_sessions(self, *, idle_before: str) -> int:
        with self.write() as db:
            return int(db.execute("DELETE FROM web_sessions WHERE seen_at < ?", (idle_before,)).rowcount)

    # --- hand-overs -----------------------------------------------------------------------------

    def last_handoffs(self, instance_ids: Sequence[str]) -> dict[str, EventRecord]:
        """One query for up to 500 instances: each one's latest handoff, found by its highest seq
        among that instance's events (read along the events' primary key, instance by instance),
        then read by that key. The cost follows the instances listed, not the store."""
        found: dict[str, EventRecord] = {}
        with self._errors():
            for chunk in _chunks(list(dict.fromkeys(instance_ids))):
                rows = self.db.execute(
                    f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE (instance, seq) IN"
                    " (SELECT instance, max(seq) FROM events"
                    f" WHERE instance IN ({_marks(chunk)}) AND kind = 'handoff' GROUP BY instance)",
                    chunk,
                ).fetchall()
                for row in rows:
                    try:
                        found[row[0]] = event_from_row(row)
                    except (ValueError, TypeError):
                        raise self._damaged(row[0], "its event log") from None
        return found

    def knows_person(self, name: str) -> bool:
        with self._errors():
            row = self.db.execute(
                "SELECT 1 FROM instances WHERE owner = :n OR created_by = :n OR updated_by = :n"
                " UNION ALL SELECT 1 FROM events WHERE actor = :n LIMIT 1",
                {"n": name},
            ).fetchone()
        return row is not None

    def load(self, instance_id: str) -> Instance:
        """The instance with this id (case-insensitive); `NotFoundError` with a suggestion."""
        key = instance_id.strip().lower()
        with self._errors():
            row = self.db.execute(f"SELECT {INSTANCE_COLUMNS} FROM instances WHERE id = ?", (key,)).fetchone()
        if row is None:
            raise NotFoundError(records.unknown_id_message(key, self._similar_ids(key)))
        try:
            return Instance.from_row(row)
        except (ValueError, TypeError):  # a JSON column edited or damaged outside procflow
            raise self._damaged(key, "its snapshot") from None

    def whole(self, instance_id: str) -> WholeInstance:
        """The instance, its events and its due rows in one read transaction: in WAL mode it
        reads the database as of its first statement, whatever is committed meanwhile."""
        with self._reading():
            instance = self.load(instance_id)
            return WholeInstance(instance, self.events(instance.id), self.due_of(instance.id))

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """One read transaction around the statements inside (not for writes, not nested)."""
        with self._errors():
            self.db.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            self._rollback()  # a read transaction has nothing to keep

    def resolve(self, ref: str, person: str) -> str:
        """An instance id as typed, as stored; `last` is `person`'s most recently changed instance."""
        key = ref.strip().lower()
        if key != LAST:
            with self._errors():
                found = self.db.execute("SELECT 1 FROM instances WHERE id = ?", (key,)).fetchone()
            if found is None:
                raise NotFoundError(records.unknown_id_message(key, self._similar_ids(key)))
            return key
        query = (
            "SELECT updated_at, id FROM instances WHERE owner = ? AND status = ? "
            "ORDER BY updated_at DESC LIMIT 1"
        )
        with self._errors():
            last = [
                row
                for status in ("open", "finished", "cancelled")
                for row in self.db.execute(query, (person, status))
            ]
        if not last:
            raise NotFoundError(
                f"{person} holds no instances yet, so 'last' means none; `procflow status` lists instances"
            )
        return str(max(last)[1])

    def _similar_ids(self, key: str) -> list[str]:
        """Ids to suggest for the unknown `key`: every id of a small store; in a big one, a
        bounded set read along the primary key: ids sharing its first three or two characters
        and ids one edit away from it. The cost does not grow with the number of instances."""
        with self._errors():
            few = [r[0] for r in self.db.execute("SELECT id FROM instances LIMIT ?", (SUGGEST_ALL_BELOW,))]
            if len(few) < SUGGEST_ALL_BELOW:
                return few
            found: set[str] = set()
            for size in (3, 2):
                prefix = key[:size]
                if len(prefix) == size:
                    found.update(
                        r[0]
                        for r in self.db.execute(
                            "SELECT id FROM instances WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
                            (prefix, prefix + "\U0010ffff", SUGGEST_PER_PREFIX),
                        )
                    )
            near = sorted(records.near_ids(key))
            for start in range(0, len(near), 500):
                chunk = near[start : start + 500]
                found.update(
                    r[0]
                    for r in self.db.execute(
                        f"SELECT id FROM instances WHERE id IN ({', '.join('?' * len(chunk))})", chunk
                    )
                )
        return sorted(found)

    def events(self, instance_id: str) -> list[EventRecord]:
        with self._errors():
            rows = self.db.execute(
                f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE instance = ? ORDER BY seq",
                (instance_id,),
            ).fetchall()
        try:
            return [event_from_row(r) for r in rows]
        except (ValueError, TypeError):
            raise self._damaged(instance_id, "its event log") from None

    def _damaged(self, instance_id: str, part: str) -> DatabaseError:
        return DatabaseError(
            f"instance '{instance_id}' in database '{self.path}' is damaged ({part} is not "
            "valid JSON); restore the database from a backup"
        )

    def summaries(
        self,
        *,
        person: str | None = None,
        open_limit: int | None = 50,
        recent_limit: int = 10,
        roles: Sequence[str] = (),
    ) -> tuple[list[InstanceSummary], list[InstanceSummary]]:
        """(open instances, recently closed ones), newest first; `person` keeps only theirs:
        those they own that were not handed to a role, and those handed to one of `roles`.

        Each query walks an index in `updated_at` order and stops at its limit, so the cost
        follows what is shown, not how many instances the store holds: the person's own along
        `instances_owner`, those handed to their roles along `instances_assignee`, merged. One
        more open row than the limit is read so the caller can say that more exist.
        """
        clauses = [""] if person is None else [" AND i.owner = :who AND i.assignee IS NULL"]
        if person is not None and roles:  # each role is a bound parameter: :r0, :r1, ...
            clauses.append(f" AND i.assignee IN ({', '.join(f':r{n}' for n in range(len(roles)))})")
        named = {"who": person, **{f"r{n}": role for n, role in enumerate(roles)}}

        def read(status: str, limit: int) -> list[Any]:
            rows = [
                row
                for clause in clauses
                for row in self.db.execute(
                    f"SELECT {SUMMARY_COLUMNS} FROM instances i JOIN procedures p ON p.hash = i.hash"
                    f" WHERE i.status = :status{clause} ORDER BY i.updated_at DESC LIMIT :limit",
                    {"status": status, "limit": limit, **named},
                )
            ]
            if len(clauses) > 1:
                rows.sort(key=lambda row: row[9], reverse=True)  # updated_at
            return rows if limit < 0 else rows[:limit]

        with self._errors():
            opened = read("open", -1 if open_limit is None else open_limit + 1)
            closed = read("finished", recent_limit) + read("cancelled", recent_limit)
        closed.sort(key=lambda row: row[9], reverse=True)  # updated_at
        return (
            [InstanceSummary.from_row(r) for r in opened],
            [InstanceSummary.from_row(r) for r in closed[:recent_limit]],
        )

    def all_ids(self) -> list[str]:
        with self._errors():
            return [r[0] for r in self.db.execute("SELECT id FROM instances ORDER BY created_at, id")]

    # --- violations (migration 4) ------------------------------------------------------------

    def record_violation(
        self,
        *,
        person: str,
        rule: str,
        procedure: str,
        at: str,
        note: str | None,
        recorded_by: str,
        recorded_at: str,
    ) -> int:
        """Append one violation (its own transaction); the table refuses updates and deletes."""
        with self.write() as db:
            cur = db.execute(
                "INSERT INTO violations (person, rule, procedure, at, note, recorded_by, recorded_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (person, rule, procedure, at, note, recorded_by, recorded_at),
            )
        return int(cur.lastrowid or 0)

    def violations(
        self, *, start: datetime | None = None, end: datetime | None = None, person: str | None = None
    ) -> list[ViolationRow]:
        """Recorded violations with `start <= at < end` (either may be open), oldest first."""
        where, args = ["1"], []
        if start is not None:
            where.append("at >= ?")
            args.append(stamp(start))
        if end is not None:
            where.append("at < ?")
            args.append(stamp(end))
        if person is not None:
            where.append("person = ?")
            args.append(person)
        query = (
            "SELECT id, person, rule, procedure, at, note, recorded_by, recorded_at FROM violations"
            f" WHERE {' AND '.join(where)} ORDER BY at, id"
        )
        with self._errors():
            return [ViolationRow(*row) for row in self.db.execute(query, args)]

    def accountable_events(
        self, *, start: datetime | None = None, end: datetime | None = None, person: str | None = None
    ) -> list[AccountableEvent]:
        """Breach and override events with `start <= at < end`, by instance and number. Their
        `at` keeps the offset the step was taken with, so text order is not time order across
        offsets: the query takes a day more on each side (the partial index `events_accountable`
        serves it) and the exact bounds are applied here."""
        where = [f"e.kind IN ({', '.join(repr(k) for k in ACCOUNTABLE_KINDS)})"]
        args: list[str] = []
        if start is not None:
            where.append("e.at >= ?")
            args.append((start.astimezone(UTC) - timedelta(days=1)).strftime("%Y-%m-%d"))
        if end is not None:
            where.append("e.at < ?")
            args.append((end.astimezone(UTC) + timedelta(days=2)).strftime("%Y-%m-%d"))
        if person is not None:
            where.append("e.actor = ?")
            args.append(person)
        query = (
            "SELECT e.instance, e.seq, e.at, e.actor, e.kind, e.body, i.procedure_id FROM events e"
            f" JOIN instances i ON i.id = e.instance WHERE {' AND '.join(where)} ORDER BY e.instance, e.seq"
        )
        found = []
        with self._errors():
            rows = self.db.execute(query, args).fetchall()
        for instance, seq, at, actor, kind, body, procedure in rows:
            moment = records.utc(at)
            if (start is not None and moment < start) or (end is not None and moment >= end):
                continue
            try:
                decoded = json.loads(body)
            except ValueError:
                raise self._damaged(instance, "its event log") from None
            found.append(AccountableEvent(instance, seq, at, actor, kind, decoded, procedure))
        return found

    def decide_violation(
        self, *, violation: str, decision: str, reason: str, decided_by: str, decided_at: str
    ) -> int:
        """Append one decision (its own transaction); the table refuses updates and deletes."""
        with self.write() as db:
            cur = db.execute(
                "INSERT INTO violation_decisions (violation, decision, reason, decided_by, decided_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (violation, decision, reason, decided_by, decided_at),
            )
        return int(cur.lastrowid or 0)

    def answers_of_field(
        self,
        field: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        person: str | None = None,
    ) -> list[AccountableEvent]:
        """Answer events of `field`, by instance and number; the bounds widened by a day."""
        where = ["e.kind = 'answer'", "json_extract(e.answers, '$.' || ?) IS NOT NULL"]
        args: list[str] = [field]
        if start is not None:
            where.append("e.at >= ?")
            args.append((start.astimezone(UTC) - timedelta(days=1)).strftime("%Y-%m-%d"))
        if end is not None:
            where.append("e.at < ?")
            args.append((end.astimezone(UTC) + timedelta(days=2)).strftime("%Y-%m-%d"))
        if person is not None:
            where.append("e.actor = ?")
            args.append(person)
        query = (
            "SELECT e.instance, e.seq, e.at, e.actor, e.kind, e.answers, i.procedure_id FROM events e"
            f" JOIN instances i ON i.id = e.instance WHERE {' AND '.join(where)} ORDER BY e.instance, e.seq"
        )
        found = []
        with self._errors():
            rows = self.db.execute(query, args).fetchall()
        for instance, seq, at, actor, kind, answers, procedure in rows:
            try:
                decoded = json.loads(answers)
            except ValueError:
                raise self._damaged(instance, "its event log") from None
            found.append(AccountableEvent(instance, seq, at, actor, kind, decoded, procedure))
        return found

    def violation_decisions(self) -> list[DecisionRow]:
        """Every decision, oldest first."""
        query = "SELECT id, violation, decision, reason, decided_by, decided_at FROM violation_decisions ORDER BY id"
        with self._errors():
            return [DecisionRow(*row) for row in self.db.execute(query)]

    # --- a whole record, for `procflow db copy` -------------------------------------------------

    def passwords(self) -> list[records.PasswordRow]:
        with self._errors():
            rows = self.db.execute(
                "SELECT person, hash, set_by, set_at FROM passwords ORDER BY person"
            ).fetchall()
        return [records.PasswordRow(*row) for row in rows]

    def pinned_rows(self, hashes: Sequence[str] | None = None) -> list[PinRow]:
        query = "SELECT hash, procedure_id, path, text, pinned_at FROM procedures"
        with self._errors():
            if hashes is None:
                return [PinRow(*row) for row in self.db.execute(query + " ORDER BY hash")]
            found = [
                PinRow(*row)
                for chunk in _chunks(sorted(set(hashes)))
                for row in self.db.execute(f"{query} WHERE hash IN ({_marks(chunk)})", chunk)
            ]
        return sorted(found)

    def instance_records(self, ids: Sequence[str]) -> list[InstanceRecord]:
        try:
            return [stored.decoded() for stored in self.stored_records(ids)]
        except records.UndecodableRecord as exc:
            raise self._damaged(exc.instance, exc.part) from None

    def stored_records(self, ids: Sequence[str]) -> list[StoredRecord]:
        """Read in one transaction, a few statements per 500 ids whatever their histories."""
        rows: dict[str, tuple[Any, ...]] = {}
        parts: dict[str, tuple[list[Any], list[Any], list[Any], list[Any]]] = {
            i: ([], [], [], []) for i in ids
        }
        with self._reading(), self._errors():
            for chunk in _chunks(list(ids)):
                marks = _marks(chunk)
                rows.update(
                    (row[0], row)
                    for row in self.db.execute(
                        f"SELECT {STORED_INSTANCE_COLUMNS} FROM instances WHERE id IN ({marks})", chunk
                    )
                )
                for part, query in enumerate(
                    (
                        "SELECT instance, procedure, path FROM instance_paths WHERE instance IN ({})"
                        " ORDER BY instance, procedure",
                        f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE instance IN ({{}}) ORDER BY instance, seq",
                        f"SELECT {STORED_DUE_COLUMNS} FROM due WHERE instance IN ({{}}) ORDER BY instance, state, deadline",
                        f"SELECT {DRAFT_COLUMNS} FROM drafts WHERE instance IN ({{}}) ORDER BY instance, subject, rowid",
                    )
                ):
                    for row in self.db.execute(query.format(marks), chunk):
                        parts[row[0]][part].append(row)
        found = []
        for ident in ids:
            if ident in rows:
                paths, events, due, drafts = parts[ident]
                found.append(
                    StoredRecord(
                        rows[ident],
                        tuple(row[1:] for row in paths),
                        tuple(events),
                        tuple(
                            row if type(row[6]) is not float else (*row[:6], whole_seconds(row[6]), *row[7:])
                            for row in due
                        ),
                        tuple(drafts),
                    )
                )
        return found

    @contextlib.contextmanager
    def _page_cache(self, kib: int) -> Iterator[None]:
        """SQLite's page cache at `kib` KiB for this connection, as it was after."""
        before = self.db.execute("PRAGMA cache_size").fetchone()[0]
        self.db.execute(f"PRAGMA cache_size = -{int(kib)}")
        try:
            yield
        finally:
            self.db.execute(f"PRAGMA cache_size = {int(before)}")

    def add_records(self, pins: Sequence[PinRow], instances: Sequence[InstanceRecord]) -> None:
        self.add_stored_records(pins, [StoredRecord.encoded(r) for r in instances])

    def add_stored_records(self, pins: Sequence[PinRow], instances: Sequence[StoredRecord]) -> None:
        """One write transaction; inserts only (the events' triggers refuse anything else).

        The trigger that empties an instance's drafts when an event records work (migration 10)
        would fire for most events of a copy, each time in vain, and cost as much as inserting
        them: it is dropped inside the transaction and made again from its own text before
        the commit, so no other connection sees it gone, and its work is done once per instance
        (drafts still go in after the events). A larger page cache while writing: the batch
        lands all over the tables' B-trees."""
        ids = [r.id for r in instances]
        with self.write() as db, self._page_cache(BULK_CACHE_KIB):
            db.executemany(
                "INSERT OR IGNORE INTO procedures (hash, procedure_id, path, text, pinned_at)"
                " VALUES (?, ?, ?, ?, ?)",
                pins,
            )
            for chunk in _chunks(ids):
                taken = db.execute(
                    f"SELECT id FROM instances WHERE id IN ({_marks(chunk)})", chunk
                ).fetchone()
                if taken is not None:
                    raise DatabaseError(
                        f"instance '{taken[0]}' is already in database '{self.path}'; nothing was written"
                    )
            seen: set[str] = set()
            for record in instances:
                parent = record.parent
                if (
                    parent is not None
                    and parent not in seen
                    and db.execute("SELECT 1 FROM instances WHERE id = ?", (parent,)).fetchone() is None
                ):
                    raise DatabaseError(
                        f"instance '{record.id}' belongs to instance '{parent}', which is not in "
                        f"database '{self.path}'; nothing was written"
                    )
                seen.add(record.id)
            columns = STORED_INSTANCE_COLUMNS.split(", ")
            db.executemany(
                f"INSERT INTO instances ({STORED_INSTANCE_COLUMNS}) VALUES ({_marks(columns)})",
                [r.instance for r in instances],
            )
            db.executemany(
                "INSERT INTO instance_paths (instance, procedure, path) VALUES (?, ?, ?)",
                [(r.id, *path) for r in instances for path in r.paths],
            )
            trigger = db.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'drafts_taken'"
            ).fetchone()
            if trigger is not None:
                db.execute("DROP TRIGGER drafts_taken")
            db.executemany(
                f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({_marks(EVENT_COLUMNS)})",
                [e for r in instances for e in r.events],
            )
            if trigger is not None:
                db.execute(trigger[0])
                worked = [r.id for r in instances if any(e[5] in WORK_KINDS for e in r.events)]
                for chunk in _chunks(worked):
                    db.execute(f"DELETE FROM drafts WHERE instance IN ({_marks(chunk)})", chunk)
            db.executemany(
                f"INSERT INTO due ({STORED_DUE_COLUMNS}, owner, assignee) VALUES ({_marks(range(11))})",
                [(*d, r.instance[13], r.instance[14]) for r in instances for d in r.due],
            )
            db.executemany(  # after the events: an event that records work empties the drafts
                f"INSERT INTO drafts ({DRAFT_COLUMNS}) VALUES ({_marks(DRAFT_COLUMNS.split(', '))})",
                [d for r in instances for d in r.drafts],
            )

    def add_accountability(
        self, violations: Sequence[ViolationRow], decisions: Sequence[DecisionRow]
    ) -> None:
        """One write transaction; AUTOINCREMENT goes on from the largest number written."""
        with self.write() as db:
            for table, what, rows in (
                ("violations", "violation", violations),
                ("violation_decisions", "decision about a violation", decisions),
            ):
                numbers = [row[0] for row in rows]
                for chunk in _chunks(numbers):
                    taken = db.execute(
                        f"SELECT id FROM {table} WHERE id IN ({_marks(chunk)})", chunk
                    ).fetchone()
                    if taken is not None:
                        raise DatabaseError(
                            f"{what} {taken[0]} is already in database '{self.path}'; nothing was written"
                        )
            db.executemany(
                "INSERT INTO violations (id, person, rule, procedure, at, note, recorded_by, recorded_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                violations,
            )
            db.executemany(
                "INSERT INTO violation_decisions (id, violation, decision, reason, decided_by, decided_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                decisions,
            )


# the kinds of event whose insert empties the instance's drafts (migration 10's trigger)
WORK_KINDS = frozenset({"answer", "check", "skip", "enter", "move", "finish", "cancel"})
BULK_CACHE_KIB = 64 * 1024  # SQLite's page cache while a copy writes a batch (its default: 2 MiB)


def _chunks(values: list[Any], size: int = 500) -> Iterator[list[Any]]:
    """`values` in slices small enough for one statement's parameters."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _hold(path: str) -> tuple[int, int] | None:
    """Count a new connection to the file at `path` in `_OPEN_HERE`; its key."""
    try:
        found = os.stat(path)
    except OSError:  # the file exists once connected; if not, there is nothing to protect
        return None
    key = (found.st_dev, found.st_ino)
    _OPEN_HERE[key] = _OPEN_HERE.get(key, 0) + 1
    return key


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


# Files (device, inode) this process holds an SQLite connection to, with how many. Closing any
# descriptor of a file drops every POSIX lock the process holds on it, the locks of SQLite's
# own connections included (the SQLite manual's "How To Corrupt An SQLite Database File", 2.2):
# a long-lived process opening a second store on a file while the first is open would corrupt
# it under other writers. `_check_file` therefore never opens a file listed here.
_OPEN_HERE: dict[tuple[int, int], int] = {}


def _check_file(path: str, create_dir: bool) -> None:
    """Refuse what SQLite would report vaguely or late: a directory, a missing folder,
    anything but a regular file (a FIFO would block the open for ever, a device would be read
    without end), a file that is not SQLite, a file or folder we may not write.

    The path is looked at with `stat` (which never blocks) before anything opens it, and the
    file is then opened without blocking and looked at again, so a FIFO put there in between
    is refused too; not when this process has it open already (`_OPEN_HERE`): then it was
    looked at when that connection was made."""
    try:
        found: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        found = None
    except OSError as exc:
        raise DatabaseError(f"cannot read database '{path}': {exc.strerror}") from None
    if found is not None and stat.S_ISDIR(found.st_mode):
        raise DatabaseError(f"database path '{path}' is a directory; give a file name")
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise DatabaseError(
            f"database path '{path}' is {_kind(found.st_mode)}, not a regular file; give a file name"
        )
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.exists(folder):
        if not create_dir:
            raise DatabaseError(f"cannot create database '{path}': folder '{folder}' does not exist")
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"cannot create folder '{folder}' for the database: {exc.strerror}") from None
    if found is not None and _OPEN_HERE.get((found.st_dev, found.st_ino), 0) == 0:
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError as exc:
            raise DatabaseError(f"cannot read database '{path}': {exc.strerror}") from None
        try:
            mode = os.fstat(fd).st_mode
            if not stat.S_ISREG(mode):
                raise DatabaseError(
                    f"database path '{path}' is {_kind(mode)}, not a regular file; give a file name"
                )
            head = os.read(fd, len(_MAGIC))
        except OSError as exc:
            raise DatabaseError(f"cannot read database '{path}': {exc.strerror}") from None
        finally:
            os.close(fd)
        if head and head != _MAGIC:
            raise DatabaseError(f"'{path}' is not a procflow database (not an SQLite file)")
        if not os.access(path, os.W_OK):
            raise DatabaseError(f"cannot write to database '{path}': permission denied")
    if not os.access(folder, os.W_OK):  # WAL needs to create its -wal and -shm files beside it
        raise DatabaseError(f"cannot write to database '{path}': folder '{folder}' is not writable")


def _kind(mode: int) -> str:
    """What a path that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"
