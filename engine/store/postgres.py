"""The PostgreSQL store: the `Store` protocol (engine/store/protocol.py) on a server many desks share.

The same tables as SQLite's (postgres_migrations.py, numbered as migrations.py), the same rows
handed out (records.py), the same guarantees: one transaction per step guarded by the instance's
version (two desks stepping one instance: the second waits for the first's row lock, then finds
the version moved and gets `ConflictError`), events, violations and decisions that the database
itself refuses to change (triggers), a schema migrated once however many desks start at once (an
advisory lock). Driver: psycopg 3, imported only when a `postgresql://` URL selects this backend;
the URL goes to libpq as given, so its environment variables (PGPASSWORD, PGHOST, ...) and
~/.pgpass apply. Every psycopg failure leaves as an `engine.base.errors` exception with one
sentence, the URL shown without its password. A step that changes what is due sends a NOTIFY
in its transaction, so `agenda --watch` wakes when another desk changes it. No procedure logic.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

from procflow.engine.base.environment import masked
from procflow.engine.base.errors import ConflictError, DatabaseError, LockedError, NotFoundError
from procflow.engine.base.stamps import stamp
from procflow.engine.store import records
from procflow.engine.store.migrations import LATEST
from procflow.engine.store.postgres_migrations import MIGRATIONS
from procflow.engine.store.protocol import LAST
from procflow.engine.store.records import (
    DRAFT_COLUMNS,
    DRAFT_KINDS,
    EVENT_COLUMNS,
    SESSION_COLUMNS,
    STORED_DUE_COLUMNS,
    STORED_INSTANCE_COLUMNS,
    TAKES_DRAFTS,
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
    event_values,
    local_time,
    sha256,
    whole_seconds,
)

try:
    import psycopg
    from psycopg import errors as pg_errors
except ImportError:  # pragma: no cover - the extra is missing; open_location says how to add it
    psycopg = None  # type: ignore[assignment]

ACCOUNTABLE_KINDS = ("breach", "override")
SUGGEST_ALL_BELOW = 2000  # as sqlite.py: every id is a candidate for "did you mean" below this
SUGGEST_PER_PREFIX = 64
CHANNEL = "procflow_due"  # NOTIFY'd in a step's transaction when what is due changed
REPLAY_POLL_SECONDS = 1.0  # a hot standby takes no LISTEN: how often a watch there asks what it replayed
MIGRATION_LOCK = 0x70726F63666C6F77  # pg_advisory_xact_lock key: "procflow" in ASCII
CONNECT_TIMEOUT = 10  # seconds, unless the URL or PGCONNECT_TIMEOUT says otherwise
GLANCE_CONNECT = 2  # seconds for a glance (shell completion), whatever is set: libpq's least
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3}
APPEND_ONLY = ("events", "violations", "violation_decisions")
_OWN_TABLES = frozenset({"procflow_schema", "procedures", "instances", "events"})
INSTANCE_COLUMNS = (
    "id, procedure_id, hash, pins, status, state, role, version, snapshot, created_at, created_by,"
    " updated_at, updated_by, owner, assignee, parent, coalesce((SELECT json_object_agg(procedure, path)::text"
    " FROM instance_paths WHERE instance = instances.id), '{}'), lang, title, state_title"
)
SUMMARY_COLUMNS = records.SUMMARY_COLUMNS  # plain SQL both backends speak
DUE_COLUMNS = "procedure, state, deadline, kind, due_at, every, role, text"
DUE_NAMES = tuple(DUE_COLUMNS.split(", "))
DUE_ROW = f"{DUE_COLUMNS}, owner, assignee"
# A whole step as one statement (an implicit transaction): the instance's row moves from the
# version read to the new one, or nothing does; only then are its events added, its drafts
# taken (when an event records work: TAKES_DRAFTS) and its due rows brought to the set given
# (one JSON parameter), writing only what changed: a row kept as it was is neither deleted nor
# inserted again (each costs its five indexes), a changed one is deleted before its new form
# goes in under the same key (`put` reads `gone`). When a row went or came, or the holder was
# set, the agendas that watch are notified. The result: whether the instance moved.
STEP = f"""WITH moved AS (
    UPDATE instances SET snapshot = %s, state = %s, status = %s, role = %s, version = %s,
        updated_at = %s, updated_by = %s, lang = coalesce(lang, %s), title = coalesce(title, %s),
        state_title = %s,
        owner = CASE WHEN %s THEN %s ELSE owner END, assignee = CASE WHEN %s THEN %s ELSE assignee END
    WHERE id = %s AND version = %s RETURNING id, status, owner, assignee
), added AS (
    INSERT INTO events ({", ".join(EVENT_COLUMNS)})
    SELECT {", ".join(f"e.{c}" for c in EVENT_COLUMNS)} FROM moved, json_populate_recordset(NULL::events, %s) AS e
), taken AS (
    DELETE FROM drafts USING moved WHERE drafts.instance = moved.id AND %s
), wanted AS (
    SELECT moved.id AS instance, {", ".join(f"d.{c}" for c in DUE_NAMES)}, moved.owner, moved.assignee
    FROM moved, json_populate_recordset(NULL::due, %s) AS d WHERE moved.status <> 'cancelled'
), gone AS (
    DELETE FROM due USING moved WHERE due.instance = moved.id AND NOT EXISTS
        (SELECT FROM wanted WHERE ({DUE_ROW}) IS NOT DISTINCT FROM ({", ".join(f"due.{c}" for c in DUE_ROW.split(", "))}))
    RETURNING 1
), put AS (
    INSERT INTO due (instance, {DUE_ROW})
    SELECT * FROM wanted WHERE (SELECT count(*) FROM gone) >= 0 AND NOT EXISTS
        (SELECT FROM due WHERE due.instance = wanted.instance AND ({", ".join(f"due.{c}" for c in DUE_ROW.split(", "))})
            IS NOT DISTINCT FROM ({", ".join(f"wanted.{c}" for c in DUE_ROW.split(", "))}))
    RETURNING 1
)
SELECT EXISTS (SELECT FROM moved),
    (SELECT count(pg_notify(%s, %s)) FROM moved WHERE %s OR EXISTS (SELECT FROM gone) OR EXISTS (SELECT FROM put))"""


def open_location(
    location: str,
    *,
    timeout: float,
    durability: str,
    create_dir: bool,
    migrate: bool = True,
    glance: bool = False,
) -> PostgresStore:
    """The store on the server `location` names (the `postgresql` entry of `engine.store.BACKENDS`).
    Durability is the server's (`synchronous_commit`); there is no folder to create. A `glance`
    gives the server GLANCE_CONNECT seconds to answer and every statement `timeout`."""
    del durability, create_dir
    return PostgresStore(location, timeout=timeout, migrate=migrate, glance=glance)


def _one_line(exc: BaseException) -> str:
    """A driver's message on one line, any password in it hidden."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    text = " ".join(str(primary or exc).split())
    return masked(text.removeprefix("connection failed: "))  # libpq's own words say it again


class PostgresStore:
    """An open connection to a PostgreSQL database; use as a context manager or call `close()`.
    Implements `Store`."""

    def __init__(self, url: str, *, timeout: float = 5.0, migrate: bool = True, glance: bool = False) -> None:
        """`migrate`: apply the migrations the database lacks now, as SQLite's store does.
        `glance`: a quick look (shell completion) that never waits long: connecting, a lock and
        every statement each have a short limit."""
        self._glance = glance
        if psycopg is None:
            raise DatabaseError(
                f"database '{masked(url)}' needs the PostgreSQL driver: pip install 'procflow[postgresql]'"
            )
        self.url = url
        self.location = masked(url)
        self.timeout = timeout
        self._listening = False
        self._replayed: str | None = None  # on a hot standby: the WAL position a watch last saw
        self.db = self._connect()
        try:
            if migrate:
                self.upgrade()
            else:
                self._refuse_foreign(self.schema_version())
        except BaseException:
            self.db.close()
            raise

    def _connect(self) -> psycopg.Connection[Any]:
        extra: dict[str, Any] = {}
        if self._glance:
            extra["connect_timeout"] = GLANCE_CONNECT
        elif "connect_timeout" not in self.url and not os.environ.get("PGCONNECT_TIMEOUT"):
            extra["connect_timeout"] = CONNECT_TIMEOUT
        if (
            "keepalives" not in self.url
        ):  # a network that drops silently mid-step is noticed, not waited on for ever
            extra.update(KEEPALIVES)
        try:
            db = psycopg.connect(self.url, autocommit=True, **extra)
        except psycopg.Error as exc:
            raise DatabaseError(f"cannot connect to database '{self.location}': {_one_line(exc)}") from None
        except ValueError as exc:  # psycopg's own check of the URL
            raise DatabaseError(f"database URL '{self.location}' cannot be used: {_one_line(exc)}") from None
        try:
            # a row another desk holds is waited for as long as PROCFLOW_LOCK_TIMEOUT, like SQLite's lock
            db.execute(f"SET lock_timeout = {max(1, int(self.timeout * 1000))}")  # 0 would wait for ever
            if self._glance:
                db.execute(f"SET statement_timeout = {GLANCE_CONNECT * 1000}")
        except psycopg.Error as exc:
            db.close()
            raise DatabaseError(f"cannot use database '{self.location}': {_one_line(exc)}") from None
        return db

    def close(self) -> None:
        self.db.close()

    def __del__(self) -> None:
        """A command may end without closing its store (SQLite's file needs nothing more): the
        connection ends with it then, as a quiet close rather than the driver's warning."""
        db = getattr(self, "db", None)
        if db is not None:
            db.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    # --- plumbing -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """psycopg errors as one sentence each (a transaction open inside is rolled back by
        `write`). A connection lost before is made again first: a long `agenda --watch`
        outlives a server restart."""
        if self.db.closed or self.db.broken:
            with contextlib.suppress(psycopg.Error):
                self.db.close()
            self.db = self._connect()
            self._listening, self._replayed = False, None  # a promoted standby listens again
        try:
            yield
        except psycopg.Error as exc:
            raise self._translate(exc) from None

    def _translate(self, exc: BaseException) -> Exception:
        where, why = self.location, _one_line(exc)
        if isinstance(
            exc, pg_errors.LockNotAvailable | pg_errors.DeadlockDetected | pg_errors.SerializationFailure
        ):
            return LockedError(
                f"database '{where}' is locked by another desk; tried for {self.timeout:g} s ({why})"
            )
        if isinstance(exc, pg_errors.QueryCanceled):
            return DatabaseError(
                f"database '{where}' did not answer within its statement timeout ({why}); nothing was saved"
            )
        if isinstance(exc, pg_errors.ReadOnlySqlTransaction):
            return DatabaseError(f"cannot write to database '{where}': it is read-only ({why})")
        if isinstance(exc, pg_errors.InsufficientPrivilege):
            return DatabaseError(f"cannot use database '{where}': permission denied ({why})")
        if isinstance(exc, psycopg.OperationalError):  # the server went away, the network dropped
            return DatabaseError(
                f"lost the connection to database '{where}' ({why}); a step being saved is saved whole "
                "or not at all: `procflow resume ID` shows which"
            )
        return DatabaseError(f"database '{where}' cannot be used ({why})")

    @contextlib.contextmanager
    def write(self) -> Iterator[psycopg.Connection[Any]]:
        """One write transaction: committed on success, rolled back on any exception. The
        PostgreSQL store's own plumbing, not part of the `Store` protocol."""
        with self._errors(), self.db.transaction():
            yield self.db

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """One read-only transaction that sees the database as of its first statement."""
        with self._errors(), self.db.transaction():
            self.db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield

    def _rows(self, query: str, args: Sequence[Any] | Mapping[str, Any] = ()) -> list[tuple[Any, ...]]:
        with self._errors():
            return self.db.execute(query, args).fetchall()

    # --- schema ---------------------------------------------------------------------------

    def schema_version(self) -> int:
        with self._errors():
            found = self.db.execute("SELECT to_regclass('procflow_schema') IS NOT NULL").fetchone()
            if found is None or not found[0]:
                return 0
            row = self.db.execute("SELECT version FROM procflow_schema").fetchone()
        return int(row[0]) if row is not None else 0

    def upgrade(self) -> tuple[int, int]:
        """Apply the migrations the database lacks (postgres_migrations.py) in one transaction,
        under an advisory lock: of several desks starting at once on a fresh database, one
        migrates it and the others find it done. (The version found under the lock, the one
        reached): the desk that migrated says so, the others find the latest."""
        version = self.schema_version()
        self._refuse_newer(version)
        self._refuse_foreign(version)
        if version == LATEST:
            return version, version
        # the session's advisory lock, taken before the transaction: a transaction that began
        # before the wait would look tables up in the catalogue as it was then, and miss the
        # ones the desk that held the lock has just made
        with self._errors():
            self.db.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            with self.write() as db:
                version = self.schema_version()  # another desk may have migrated it while we waited
                self._refuse_newer(version)
                for target in range(version + 1, LATEST + 1):
                    for statement in MIGRATIONS[target - 1]:
                        db.execute(statement)  # our own constant SQL
                    db.execute("UPDATE procflow_schema SET version = %s", (target,))
        finally:
            if not self.db.broken:  # a lost connection has let go of its locks already
                with self._errors():
                    self.db.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
        return version, LATEST

    def _refuse_newer(self, version: int) -> None:
        if version > LATEST:
            raise DatabaseError(
                f"database '{self.location}' was written by a newer procflow (schema version "
                f"{version}, this one knows up to {LATEST}); upgrade procflow to use it"
            )

    def _refuse_foreign(self, version: int) -> None:
        """Refuse a database holding another application's tables: procflow's has its own, a
        new one has none in its schema."""
        tables = {
            r[0]
            for r in self._rows(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            )
        }
        if version == 0 and tables:
            # a desk migrating at once may have committed since the version was read: its tables
            # are never seen without their version (one transaction), so read the version again
            version = self.schema_version()
        if (version == 0 and not tables) or (version > 0 and tables >= _OWN_TABLES):
            return
        raise DatabaseError(
            f"database '{self.location}' is not a procflow database (it holds tables of another "
            "application); give an empty database"
        )

    def integrity(self, *, quick: bool = False) -> list[str]:
        """What the server cannot check by itself: the schema is this procflow's, the
        append-only triggers are in place, and (unless `quick`) every instance's version is the
        number of its events. (The server keeps its own pages sound: nothing like SQLite's
        integrity_check is asked of it.)"""
        version = self.schema_version()
        problems = [] if version == LATEST else [f"schema version {version}, not {LATEST}"]
        found = {
            r[0]
            for r in self._rows(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND t.tgname = c.relname || '_no_change'"
            )
        }
        problems += [
            f"table {t} is no longer append-only (its trigger is missing or disabled)"
            for t in APPEND_ONLY
            if t not in found
        ]
        if not quick:
            rows = self._rows(
                "SELECT i.id, i.version, count(e.seq), coalesce(max(e.seq), 0) FROM instances i"
                " LEFT JOIN events e ON e.instance = i.id GROUP BY i.id, i.version"
                " HAVING i.version <> count(e.seq) OR count(e.seq) <> coalesce(max(e.seq), 0) ORDER BY i.id"
            )
            problems += [
                f"instance {i} is at version {v} but has {n} events (last {m})" for i, v, n, m in rows
            ]
        return problems

    def integrity_checks(self) -> str:
        return f"schema version {LATEST}, append-only triggers and event counts"

    # --- procedures -----------------------------------------------------------------------

    @staticmethod
    def _pin(db: psycopg.Connection[Any], procedure_id: str, path: str, raw: bytes, at: str) -> str:
        digest = sha256(raw)
        db.execute(
            "INSERT INTO procedures (hash, procedure_id, path, text, pinned_at) VALUES (%s, %s, %s, %s, %s)"
            " ON CONFLICT (hash) DO NOTHING",
            (digest, procedure_id, path, raw.decode("utf-8"), at),
        )
        return digest

    def pinned(self, digest: str) -> PinnedText:
        rows = self._rows("SELECT procedure_id, path, text FROM procedures WHERE hash = %s", (digest,))
        if not rows:
            raise DatabaseError(
                f"database '{self.location}' lacks the pinned procedure text {digest[:12]}; "
                "it was damaged or edited by hand"
            )
        row = rows[0]
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
        with self.write() as db:
            hashes = {pid: self._pin(db, pid, path, raw, at) for pid, (path, raw) in pins.items()}
            for _ in range(20):
                new_id = records.new_id()
                cur = db.execute(
                    "INSERT INTO instances (id, procedure_id, hash, pins, status, state, role, version,"
                    " snapshot, created_at, created_by, updated_at, updated_by, owner, parent, lang, title,"
                    " state_title)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                    " ON CONFLICT (id) DO NOTHING",
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
                if cur.rowcount == 1:
                    break
            else:  # 20 collisions in a space of 887 million: something is wrong with randomness
                raise DatabaseError("could not find a free instance id; the store holds too many instances")
            with db.cursor() as many:
                many.executemany(
                    "INSERT INTO instance_paths (instance, procedure, path) VALUES (%s, %s, %s)",
                    [(new_id, pid, path) for pid, (path, _) in pins.items()],
                )
            self._append(db, new_id, 0, events, actor, at)
            self._set_due(db, new_id, due, changed=False)
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
        """Save one step in one statement (`STEP`), its own transaction: one round trip to the
        server. Its UPDATE guarded by the version takes the instance's row lock: a desk stepping
        the same instance meanwhile waits for this one, then finds the version moved (READ
        COMMITTED re-reads the row), changes nothing, and gets `ConflictError`."""
        if not events:
            raise ValueError("a step without events changes nothing and is not saved")
        version = expected_version + len(events)
        added, takes_drafts = _events_json(instance_id, expected_version, events, actor, at)
        owner, assignee = holder if holder is not None else (None, None)
        with self._errors():
            found = self.db.execute(
                STEP,
                (
                    *(_dump(snapshot), state, status, role, version, at, actor),
                    *(names if names is not None else (None, None, None)),  # an older instance takes them now
                    *(holder is not None, owner, holder is not None, assignee, instance_id, expected_version),
                    added,
                    takes_drafts,
                    _objects(DUE_NAMES, due),
                    *(CHANNEL, instance_id, holder is not None),
                ),
                prepare=True,
            ).fetchone()
            if not found or not found[0]:
                raise self._conflict(self.db, instance_id, expected_version)
        return version

    def holder(self, instance_id: str) -> tuple[str | None, str | None]:
        rows = self._rows("SELECT owner, assignee FROM instances WHERE id = %s", (instance_id,))
        if not rows:
            raise NotFoundError(records.unknown_id_message(instance_id, self._similar_ids(instance_id)))
        return rows[0][0], rows[0][1]

    # --- what is due ---------------------------------------------------------------------------

    @staticmethod
    def _set_due(
        db: psycopg.Connection[Any], instance_id: str, rows: Sequence[Sequence[Any]], *, changed: bool
    ) -> None:
        """Replace the instance's due rows as sqlite.py's `_set_due` does; when that changes what
        is due (or whose it is: `changed`), NOTIFY the agendas that watch, on commit."""
        before = db.execute(
            f"DELETE FROM due WHERE instance = %s RETURNING {DUE_COLUMNS}", (instance_id,)
        ).fetchall()
        inserted: list[tuple[Any, ...]] = []
        if rows:
            for row in rows:
                found = db.execute(
                    f"INSERT INTO due (instance, {DUE_COLUMNS}, owner, assignee)"
                    " SELECT %s::text, %s::text, %s::text, %s::text, %s::text, %s::text,"
                    " %s::double precision, %s::text, %s::text, owner, assignee FROM instances"
                    f" WHERE id = %s AND status <> 'cancelled' RETURNING {DUE_COLUMNS}",
                    (instance_id, *row, instance_id),
                ).fetchall()
                inserted.extend(found)
        if changed or sorted(map(_due_key, before)) != sorted(map(_due_key, inserted)):
            db.execute("SELECT pg_notify(%s, %s)", (CHANNEL, instance_id))

    def due_of(self, instance_id: str) -> list[DueRow]:
        rows = self._rows(
            f"SELECT {DUE_COLUMNS} FROM due WHERE instance = %s ORDER BY state, deadline", (instance_id,)
        )
        return [DueRow(*_due_key(row)) for row in rows]

    def agenda(
        self,
        until: str,
        *,
        limit: int,
        role: str | None = None,
        person: str | None = None,
        roles: Sequence[str] = (),
    ) -> tuple[list[DueEntry], int]:
        where, named = "due_at <= %(until)s", {"until": until, "limit": limit, "role": role, "who": person}
        if role is not None:
            where += " AND role = %(role)s"
        if person is not None:
            named["roles"] = list(roles)
            where += " AND ((owner = %(who)s AND assignee IS NULL) OR assignee = ANY(%(roles)s))"
        columns = "instance, procedure, state, deadline, kind, due_at, every, role, text, owner, assignee"
        with self._errors():
            rows = self.db.execute(
                f"SELECT {columns} FROM due WHERE {where} ORDER BY due_at, instance, state, deadline"
                " LIMIT %(limit)s",
                named,
            ).fetchall()
            if len(rows) < limit:
                total = len(rows)
            else:
                counted = self.db.execute(f"SELECT count(*) FROM due WHERE {where}", named).fetchone()
                total = int(counted[0]) if counted else 0
        return [DueEntry(*_entry(row)) for row in rows], total

    def wait_for_due_change(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for a step of any desk to change what is due (LISTEN/NOTIFY);
        whether one did. The first call starts listening (call it with 0 before the first read).
        A NOTIFY that arrives while the connection runs other queries waits in psycopg's backlog
        (3.3) for the next call; no notify handler is added, as psycopg warns against both.

        A hot standby refuses LISTEN while it replays the primary's log: there the wait polls
        the position replayed (`pg_last_wal_replay_lsn`), as SQLite's polls its file's version,
        so a read-only desk on a replica still sees another desk's step."""
        with self._errors():
            if not self._listening and self._replayed is None:
                try:
                    self.db.execute(f"LISTEN {CHANNEL}")
                except pg_errors.ReadOnlySqlTransaction:  # "cannot execute LISTEN during recovery"
                    self._replayed = self._replay_position()
                else:
                    self._listening = True
                    for _ in self.db.notifies(timeout=0):  # what came before: already read
                        pass
            if self._replayed is not None:
                return self._wait_for_replay(timeout)
            changed = False
            for _ in self.db.notifies(timeout=max(0.0, timeout), stop_after=1):
                changed = True
            if changed:  # several steps at once: one refresh
                for _ in self.db.notifies(timeout=0):
                    pass
        return changed

    def _replay_position(self) -> str:
        row = self.db.execute("SELECT pg_last_wal_replay_lsn()::text").fetchone()
        return str(row[0]) if row else ""

    def _wait_for_replay(self, timeout: float) -> bool:
        """Whether the standby replays more of the primary's log within `timeout` seconds (any
        commit there, as SQLite's `data_version` counts any other connection's)."""
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            position = self._replay_position()
            if position != self._replayed:
                self._replayed = position
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(REPLAY_POLL_SECONDS, left))

    def _conflict(self, db: psycopg.Connection[Any], instance_id: str, expected: int) -> Exception:
        row = db.execute(
            "SELECT updated_by, updated_at, version, status FROM instances WHERE id = %s", (instance_id,)
        ).fetchone()
        if row is None:
            return NotFoundError(records.unknown_id_message(instance_id, []))
        who, when, version, status = row
        return ConflictError(
            f"instance '{instance_id}' was changed by {who} at {local_time(when)} (version {version}, "
            f"{status}) after you read version {expected}; nothing of yours was saved, "
            f"see where it is now with `procflow resume {instance_id}`"
        )

    @staticmethod
    def _append(
        db: psycopg.Connection[Any],
        instance_id: str,
        last: int,
        events: Sequence[Mapping[str, Any]],
        actor: str,
        at: str,
    ) -> None:
        rows = [event_row(instance_id, last + n, event, actor, at) for n, event in enumerate(events, 1)]
        with db.cursor() as many:
            many.executemany(
                f"INSERT INTO events ({', '.join(EVENT_COLUMNS)})"
                f" VALUES ({', '.join(['%s'] * len(EVENT_COLUMNS))})",
                rows,
            )

    # --- drafts ----------------------------------------------------------------------------------

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
        """One draft in its own transaction; the instance's row is locked while its version is
        checked, so no step slips in between."""
        subject = DRAFT_KINDS.get(kind)
        if subject is None:
            raise ValueError(f"unknown draft kind {kind!r}")
        with self.write() as db:
            row = db.execute(
                "SELECT version, status FROM instances WHERE id = %s FOR UPDATE", (instance_id,)
            ).fetchone()
            if row is None or row[0] != expected_version or row[1] != "open":
                raise self._conflict(db, instance_id, expected_version)
            db.execute(
                f"INSERT INTO drafts ({DRAFT_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
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
            row = db.execute(
                "SELECT version, status FROM instances WHERE id = %s FOR UPDATE", (instance_id,)
            ).fetchone()
            if row is None or row[0] != expected_version or row[1] != "open":
                raise self._conflict(db, instance_id, expected_version)
            db.execute(
                "DELETE FROM drafts WHERE instance = %s AND subject = %s AND name = %s AND kind = %s",
                (instance_id, subject, name, kind),
            )

    def drafts(self, instance_id: str) -> list[DraftRecord]:
        rows = self._rows(
            f"SELECT {DRAFT_COLUMNS} FROM drafts WHERE instance = %s ORDER BY subject, given", (instance_id,)
        )
        try:
            return [draft_from_row(r) for r in rows]
        except (ValueError, TypeError):
            raise self._damaged(instance_id, "its drafts") from None

    # --- hand-overs -----------------------------------------------------------------------------

    def last_handoffs(self, instance_ids: Sequence[str]) -> dict[str, EventRecord]:
        """One query for all: each instance's latest handoff, read backwards along the key."""
        if not instance_ids:
            return {}
        rows = self._rows(
            f"SELECT DISTINCT ON (instance) {', '.join(EVENT_COLUMNS)} FROM events"
            " WHERE instance = ANY(%s) AND kind = 'handoff' ORDER BY instance, seq DESC",
            (list(instance_ids),),
        )
        found: dict[str, EventRecord] = {}
        for row in rows:
            try:
                found[row[0]] = event_from_row(row)
            except (ValueError, TypeError):
                raise self._damaged(row[0], "its event log") from None
        return found

    def set_password(self, person: str, hashed: str, *, set_by: str, at: str) -> None:
        with self.write() as db:
            db.execute(
                "INSERT INTO passwords (person, hash, set_by, set_at) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (person) DO UPDATE SET hash = excluded.hash, set_by = excluded.set_by,"
                " set_at = excluded.set_at",
                (person, hashed, set_by, at),
            )

    def password_of(self, person: str) -> str | None:
        rows = self._rows("SELECT hash FROM passwords WHERE person = %s", (person,))
        return None if not rows else str(rows[0][0])

    def keep_session(self, digest: str, *, person: str | None, lang: str | None, at: str) -> None:
        with self.write() as db:
            db.execute(
                f"INSERT INTO web_sessions ({SESSION_COLUMNS}) VALUES (%s, %s, %s, %s, %s)"
                " ON CONFLICT (digest) DO UPDATE SET person = excluded.person, lang = excluded.lang,"
                " seen_at = excluded.seen_at",
                (digest, person, lang, at, at),
            )

    def session_of(self, digest: str) -> SessionRow | None:
        rows = self._rows(f"SELECT {SESSION_COLUMNS} FROM web_sessions WHERE digest = %s", (digest,))
        return SessionRow(*rows[0]) if rows else None

    def touch_session(self, digest: str, *, at: str) -> None:
        with self.write() as db:
            db.execute("UPDATE web_sessions SET seen_at = %s WHERE digest = %s", (at, digest))

    def end_session(self, digest: str) -> None:
        with self.write() as db:
            db.execute("DELETE FROM web_sessions WHERE digest = %s", (digest,))

    def purge_sessions(self, *, idle_before: str) -> int:
        with self.write() as db:
            return int(db.execute("DELETE FROM web_sessions WHERE seen_at < %s", (idle_before,)).rowcount)

    def knows_person(self, name: str) -> bool:
        rows = self._rows(
            "SELECT 1 FROM instances WHERE owner = %(n)s OR created_by = %(n)s OR updated_by = %(n)s"
            " UNION ALL (SELECT 1 FROM events WHERE actor = %(n)s LIMIT 1) LIMIT 1",
            {"n": name},
        )
        return bool(rows)

    def load(self, instance_id: str) -> Instance:
        key = instance_id.strip().lower()
        rows = self._rows(f"SELECT {INSTANCE_COLUMNS} FROM instances WHERE id = %s", (key,))
        if not rows:
            raise NotFoundError(records.unknown_id_message(key, self._similar_ids(key)))
        try:
            return Instance.from_row(rows[0])
        except (ValueError, TypeError):
            raise self._damaged(key, "its snapshot") from None

    def whole(self, instance_id: str) -> WholeInstance:
        """The instance, its events and due rows in one REPEATABLE READ transaction."""
        key = instance_id.strip().lower()
        with self._reading():
            instance = self.load(key)
            return WholeInstance(instance, self.events(instance.id), self.due_of(instance.id))

    def resolve(self, ref: str, person: str) -> str:
        key = ref.strip().lower()
        if key != LAST:
            if not self._rows("SELECT 1 FROM instances WHERE id = %s", (key,)):
                raise NotFoundError(records.unknown_id_message(key, self._similar_ids(key)))
            return key
        last = self._rows(
            "SELECT updated_at, id FROM instances WHERE owner = %s ORDER BY updated_at DESC, id DESC LIMIT 1",
            (person,),
        )
        if not last:
            raise NotFoundError(
                f"{person} holds no instances yet, so 'last' means none; `procflow status` lists instances"
            )
        return str(last[0][1])

    def _similar_ids(self, key: str) -> list[str]:
        few = [r[0] for r in self._rows("SELECT id FROM instances LIMIT %s", (SUGGEST_ALL_BELOW,))]
        if len(few) < SUGGEST_ALL_BELOW:
            return few
        found: set[str] = set()
        for size in (3, 2):
            prefix = key[:size]
            if len(prefix) == size:
                found.update(
                    r[0]
                    for r in self._rows(
                        "SELECT id FROM instances WHERE id >= %s AND id < %s ORDER BY id LIMIT %s",
                        (prefix, prefix + "\U0010ffff", SUGGEST_PER_PREFIX),
                    )
                )
        near = sorted(records.near_ids(key))
        found.update(r[0] for r in self._rows("SELECT id FROM instances WHERE id = ANY(%s)", (near,)))
        return sorted(found)

    def events(self, instance_id: str) -> list[EventRecord]:
        rows = self._rows(
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE instance = %s ORDER BY seq", (instance_id,)
        )
        try:
            return [event_from_row(r) for r in rows]
        except (ValueError, TypeError):
            raise self._damaged(instance_id, "its event log") from None

    def _damaged(self, instance_id: str, part: str) -> DatabaseError:
        return DatabaseError(
            f"instance '{instance_id}' in database '{self.location}' is damaged ({part} is not "
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
        """As sqlite.py's: each query walks an index in `updated_at` order and stops at its limit."""
        clauses = [""] if person is None else [" AND i.owner = %(who)s AND i.assignee IS NULL"]
        if person is not None and roles:
            clauses.append(" AND i.assignee = ANY(%(roles)s)")
        named: dict[str, Any] = {"who": person, "roles": list(roles)}

        def read(status: str, limit: int | None) -> list[Any]:
            rows = [
                row
                for clause in clauses
                for row in self.db.execute(
                    f"SELECT {SUMMARY_COLUMNS} FROM instances i JOIN procedures p ON p.hash = i.hash"
                    f" WHERE i.status = %(status)s{clause} ORDER BY i.updated_at DESC LIMIT %(limit)s",
                    {"status": status, "limit": limit, **named},
                )
            ]
            if len(clauses) > 1:
                rows.sort(key=lambda row: row[9], reverse=True)
            return rows if limit is None else rows[:limit]

        with self._errors():
            opened = read("open", None if open_limit is None else open_limit + 1)
            closed = read("finished", recent_limit) + read("cancelled", recent_limit)
        closed.sort(key=lambda row: row[9], reverse=True)
        return (
            [InstanceSummary.from_row(r) for r in opened],
            [InstanceSummary.from_row(r) for r in closed[:recent_limit]],
        )

    def all_ids(self) -> list[str]:
        return [r[0] for r in self._rows("SELECT id FROM instances ORDER BY created_at, id")]

    # --- violations ------------------------------------------------------------------------------

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
        with self.write() as db:
            row = db.execute(
                "INSERT INTO violations (person, rule, procedure, at, note, recorded_by, recorded_at)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
                (person, rule, procedure, at, note, recorded_by, recorded_at),
            ).fetchone()
        return int(row[0]) if row else 0

    def violations(
        self, *, start: datetime | None = None, end: datetime | None = None, person: str | None = None
    ) -> list[ViolationRow]:
        where, args = ["TRUE"], []
        if start is not None:
            where.append("at >= %s")
            args.append(stamp(start))
        if end is not None:
            where.append("at < %s")
            args.append(stamp(end))
        if person is not None:
            where.append("person = %s")
            args.append(person)
        query = (
            "SELECT id, person, rule, procedure, at, note, recorded_by, recorded_at FROM violations"
            f" WHERE {' AND '.join(where)} ORDER BY at, id"
        )
        return [ViolationRow(int(row[0]), *row[1:]) for row in self._rows(query, args)]

    def _accountable(
        self,
        kinds: str,
        column: str,
        extra: list[str],
        args: list[Any],
        start: datetime | None,
        end: datetime | None,
        person: str | None,
    ) -> list[tuple[Any, ...]]:
        where = [kinds, *extra]
        if start is not None:
            where.append("e.at >= %s")
            args.append((start.astimezone(UTC) - timedelta(days=1)).strftime("%Y-%m-%d"))
        if end is not None:
            where.append("e.at < %s")
            args.append((end.astimezone(UTC) + timedelta(days=2)).strftime("%Y-%m-%d"))
        if person is not None:
            where.append("e.actor = %s")
            args.append(person)
        return self._rows(
            f"SELECT e.instance, e.seq, e.at, e.actor, e.kind, e.{column}, i.procedure_id FROM events e"
            f" JOIN instances i ON i.id = e.instance WHERE {' AND '.join(where)} ORDER BY e.instance, e.seq",
            args,
        )

    def accountable_events(
        self, *, start: datetime | None = None, end: datetime | None = None, person: str | None = None
    ) -> list[AccountableEvent]:
        """Breach and override events with `start <= at < end`; the query takes a day more on each
        side (their `at` keeps its offset) and the exact bounds are applied here, as in sqlite.py."""
        kinds = f"e.kind IN ({', '.join(repr(k) for k in ACCOUNTABLE_KINDS)})"
        found = []
        for instance, seq, at, actor, kind, body, procedure in self._accountable(
            kinds, "body", [], [], start, end, person
        ):
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
        with self.write() as db:
            row = db.execute(
                "INSERT INTO violation_decisions (violation, decision, reason, decided_by, decided_at)"
                " VALUES (%s, %s, %s, %s, %s) RETURNING id",
                (violation, decision, reason, decided_by, decided_at),
            ).fetchone()
        return int(row[0]) if row else 0

    def answers_of_field(
        self,
        field: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        person: str | None = None,
    ) -> list[AccountableEvent]:
        """Answer events of `field` (a JSON null answer counts as none, as SQLite's json_extract)."""
        extra = ["coalesce(jsonb_typeof(e.answers::jsonb -> %s), 'null') <> 'null'"]
        found = []
        for instance, seq, at, actor, kind, answers, procedure in self._accountable(
            "e.kind = 'answer'", "answers", extra, [field], start, end, person
        ):
            try:
                decoded = json.loads(answers)
            except ValueError:
                raise self._damaged(instance, "its event log") from None
            found.append(AccountableEvent(instance, seq, at, actor, kind, decoded, procedure))
        return found

    def violation_decisions(self) -> list[DecisionRow]:
        rows = self._rows(
            "SELECT id, violation, decision, reason, decided_by, decided_at FROM violation_decisions ORDER BY id"
        )
        return [DecisionRow(int(row[0]), *row[1:]) for row in rows]

    # --- a whole record, for `procflow db copy` -------------------------------------------------

    def passwords(self) -> list[records.PasswordRow]:
        return [
            records.PasswordRow(*row)
            for row in self._rows("SELECT person, hash, set_by, set_at FROM passwords ORDER BY person")
        ]

    def pinned_rows(self, hashes: Sequence[str] | None = None) -> list[PinRow]:
        query = "SELECT hash, procedure_id, path, text, pinned_at FROM procedures"
        if hashes is None:
            rows = self._rows(query)
        else:
            rows = self._rows(f"{query} WHERE hash = ANY(%s)", (sorted(set(hashes)),))
        return sorted(PinRow(*row) for row in rows)  # by hash, in code-point order as SQLite's

    def instance_records(self, ids: Sequence[str]) -> list[InstanceRecord]:
        try:
            return [stored.decoded() for stored in self.stored_records(ids)]
        except records.UndecodableRecord as exc:
            raise self._damaged(exc.instance, exc.part) from None

    def stored_records(self, ids: Sequence[str]) -> list[StoredRecord]:
        """One REPEATABLE READ transaction, five statements whatever the number of ids. Every
        part is put in order here, not by the database's collation: a record reads the same
        from either backend."""
        wanted = list(ids)
        parts: dict[str, tuple[list[Any], list[Any], list[Any], list[Any]]] = {
            i: ([], [], [], []) for i in wanted
        }
        with self._reading():
            rows = {
                row[0]: row
                for row in self.db.execute(
                    f"SELECT {STORED_INSTANCE_COLUMNS} FROM instances WHERE id = ANY(%s)", (wanted,)
                )
            }
            for part, query in enumerate(
                (
                    "SELECT instance, procedure, path FROM instance_paths WHERE instance = ANY(%s)",
                    f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE instance = ANY(%s) ORDER BY instance, seq",
                    f"SELECT {STORED_DUE_COLUMNS} FROM due WHERE instance = ANY(%s)",
                    f"SELECT {DRAFT_COLUMNS} FROM drafts WHERE instance = ANY(%s) ORDER BY given",
                )
            ):
                for row in self.db.execute(query, (wanted,)):
                    parts[row[0]][part].append(row)
        found = []
        for ident in wanted:
            if ident in rows:
                paths, events, due, drafts = parts[ident]
                found.append(
                    StoredRecord(
                        rows[ident],
                        tuple(sorted(row[1:] for row in paths)),
                        tuple(events),
                        tuple(
                            (*row[:6], whole_seconds(row[6]), *row[7:])
                            for row in sorted(due, key=lambda d: (d[2], d[3]))
                        ),
                        tuple(sorted(drafts, key=lambda d: d[1])),  # stable: first given first
                    )
                )
        return found

    def add_records(self, pins: Sequence[PinRow], instances: Sequence[InstanceRecord]) -> None:
        self.add_stored_records(pins, [StoredRecord.encoded(r) for r in instances])

    def add_stored_records(self, pins: Sequence[PinRow], instances: Sequence[StoredRecord]) -> None:
        """One transaction; the rows go in by COPY, the bulk path of the server, as they were
        read (JSON text as it is). Inserts only: the append-only triggers stay on, and drafts
        go in after the events, as they stand after a step."""
        ids = [r.id for r in instances]
        with self.write() as db, db.cursor() as cur:
            cur.executemany(
                "INSERT INTO procedures (hash, procedure_id, path, text, pinned_at)"
                " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (hash) DO NOTHING",
                list(pins),
            )
            taken = db.execute("SELECT id FROM instances WHERE id = ANY(%s) LIMIT 1", (ids,)).fetchone()
            if taken is not None:
                raise DatabaseError(
                    f"instance '{taken[0]}' is already in database '{self.location}'; nothing was written"
                )
            seen: set[str] = set()
            for record in instances:
                parent = record.parent
                if (
                    parent is not None
                    and parent not in seen
                    and db.execute("SELECT 1 FROM instances WHERE id = %s", (parent,)).fetchone() is None
                ):
                    raise DatabaseError(
                        f"instance '{record.id}' belongs to instance '{parent}', which is not in "
                        f"database '{self.location}'; nothing was written"
                    )
                seen.add(record.id)
            self._copy(cur, f"instances ({STORED_INSTANCE_COLUMNS})", (r.instance for r in instances))
            self._copy(
                cur,
                "instance_paths (instance, procedure, path)",
                ((r.id, *path) for r in instances for path in r.paths),
            )
            self._copy(cur, f"events ({', '.join(EVENT_COLUMNS)})", (e for r in instances for e in r.events))
            self._copy(
                cur,
                f"due ({STORED_DUE_COLUMNS}, owner, assignee)",
                ((*d, r.instance[13], r.instance[14]) for r in instances for d in r.due),
            )
            self._copy(cur, f"drafts ({DRAFT_COLUMNS})", (d for r in instances for d in r.drafts))
            if any(r.due for r in instances):
                db.execute("SELECT pg_notify(%s, %s)", (CHANNEL, "copy"))

    @staticmethod
    def _copy(cur: Any, target: str, rows: Iterator[Sequence[Any]] | Any) -> None:
        with cur.copy(f"COPY {target} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def add_accountability(
        self, violations: Sequence[ViolationRow], decisions: Sequence[DecisionRow]
    ) -> None:
        """One transaction; the numbers are given (OVERRIDING SYSTEM VALUE) and each identity
        then goes on from the largest number in its table."""
        with self.write() as db, db.cursor() as cur:
            for table, what, rows in (
                ("violations", "violation", violations),
                ("violation_decisions", "decision about a violation", decisions),
            ):
                numbers = [row[0] for row in rows]
                taken = db.execute(
                    f"SELECT id FROM {table} WHERE id = ANY(%s) LIMIT 1", (numbers,)
                ).fetchone()
                if taken is not None:
                    raise DatabaseError(
                        f"{what} {taken[0]} is already in database '{self.location}'; nothing was written"
                    )
            cur.executemany(
                "INSERT INTO violations (id, person, rule, procedure, at, note, recorded_by, recorded_at)"
                " OVERRIDING SYSTEM VALUE VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                list(violations),
            )
            cur.executemany(
                "INSERT INTO violation_decisions (id, violation, decision, reason, decided_by, decided_at)"
                " OVERRIDING SYSTEM VALUE VALUES (%s, %s, %s, %s, %s, %s)",
                list(decisions),
            )
            for table in ("violations", "violation_decisions"):
                db.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
                    " HAVING max(id) IS NOT NULL"
                )


def _number(value: Any) -> Any:
    """`every` as SQLite's NUMERIC hands it out: a whole number of seconds as an int."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _entry(row: Sequence[Any]) -> list[Any]:
    values = list(row)
    values[6] = _number(values[6])
    return values


def _due_key(row: Sequence[Any]) -> tuple[Any, ...]:
    values = list(row)
    values[5] = _number(values[5])
    return tuple(values)


def _events_json(
    instance_id: str, last: int, events: Sequence[Mapping[str, Any]], actor: str, at: str
) -> tuple[str, bool]:
    """A step's events as one JSON array of rows for `json_populate_recordset`, and whether one
    of them takes the drafts. Their JSON columns stay JSON values in it: the server copies a
    nested value's text into a text column as it is written (json, not jsonb), so one dump of
    the whole step, compact with sorted keys, puts in each column the text `event_row` gives,
    without a dump per column and the escaping of those strings by a second one. A value JSON
    has no word for (NaN) is dumped per column as before, into a string."""
    values = [event_values(instance_id, last + n, e, actor, at) for n, e in enumerate(events, 1)]
    takes = any(row[5] in TAKES_DRAFTS for row in values)
    try:
        text = json.dumps(
            [dict(zip(EVENT_COLUMNS, row, strict=True)) for row in values],
            ensure_ascii=False,
            separators=(",", ":"),
            sort_keys=True,
            allow_nan=False,
        )
    except ValueError:
        rows = [event_row(instance_id, last + n, e, actor, at) for n, e in enumerate(events, 1)]
        return _objects(EVENT_COLUMNS, rows), takes
    return text, takes


def _objects(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Rows as one JSON array of objects, for `json_populate_recordset` (one parameter, however
    many rows: dumping it is one call into the C encoder)."""
    return json.dumps([dict(zip(names, row, strict=True)) for row in rows], ensure_ascii=False)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
