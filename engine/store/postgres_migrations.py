"""The PostgreSQL schema as the same numbered migrations as migrations.py (SQLite's).

Migration N here makes the same tables, columns, keys, indexes and refusals as migration N
there, in PostgreSQL's words: `procflow_schema` keeps the number applied (PostgreSQL has no
`user_version`), an identity column stands for SQLite's rowid where order of insertion counts,
and a trigger function raising an exception stands for `RAISE(ABORT, ...)`. Stamps and JSON stay
TEXT, as in SQLite, so both backends hand out the same rows and text order is time order.

PostgreSQL support came with schema version 10, so no PostgreSQL database ever held data at a
version below it: the data backfills of migrations 3, 7 and 8 (SQLite's, from older desks) have
nothing to fill here, and their PostgreSQL step is the schema change alone. Never edit a
released migration: add the next one to both files (tests/test_store_conformance.py checks
they have the same number). No Python logic.
"""

from __future__ import annotations

from procflow.engine.store.migrations import LATEST


def _append_only(table: str, what: str) -> tuple[str, ...]:
    """A table the database itself refuses to change: UPDATE, DELETE and TRUNCATE raise."""
    return (
        f"""CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN RAISE EXCEPTION '{what} are append-only' USING ERRCODE = 'restrict_violation'; END $$""",
        f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
           FOR EACH ROW EXECUTE FUNCTION {table}_append_only()""",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
           FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()""",
    )


# Version 1: pinned procedure texts, instances with their snapshot, the append-only event log;
# and the table of the schema version itself.
_V1 = (
    "CREATE TABLE procflow_schema (version INTEGER NOT NULL)",
    "INSERT INTO procflow_schema (version) VALUES (0)",
    """CREATE TABLE procedures (
        hash TEXT PRIMARY KEY,
        procedure_id TEXT NOT NULL,
        path TEXT NOT NULL,
        text TEXT NOT NULL,
        pinned_at TEXT NOT NULL
    )""",
    """CREATE TABLE instances (
        id TEXT PRIMARY KEY,
        procedure_id TEXT NOT NULL,
        hash TEXT NOT NULL REFERENCES procedures (hash),
        pins TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'finished', 'cancelled')),
        state TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        snapshot TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
    )""",
    """CREATE TABLE events (
        instance TEXT NOT NULL REFERENCES instances (id),
        seq INTEGER NOT NULL CHECK (seq >= 1),
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        role TEXT,
        kind TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT,
        answers TEXT,
        items TEXT,
        move TEXT,
        note TEXT,
        body TEXT NOT NULL,
        PRIMARY KEY (instance, seq)
    )""",
    "CREATE INDEX instances_status ON instances (status, updated_at)",
    *_append_only("events", "events"),
)

# Version 2: who holds an instance now.
_V2 = (
    "ALTER TABLE instances ADD COLUMN role TEXT",
    "ALTER TABLE instances ADD COLUMN owner TEXT",
    "ALTER TABLE instances ADD COLUMN assignee TEXT",
    "ALTER TABLE instances ADD COLUMN parent TEXT REFERENCES instances (id)",
    "UPDATE instances SET owner = created_by",
    "CREATE INDEX instances_owner ON instances (owner, status, updated_at)",
)

# Version 3: what is due, with the triggers that kept its copies of the holder until version 6.
_V3 = (
    """CREATE TABLE due (
        instance TEXT NOT NULL REFERENCES instances (id),
        procedure TEXT NOT NULL,
        state TEXT NOT NULL,
        deadline TEXT NOT NULL,
        kind TEXT NOT NULL,
        due_at TEXT NOT NULL,
        every DOUBLE PRECISION,
        role TEXT,
        text TEXT,
        owner TEXT,
        assignee TEXT,
        PRIMARY KEY (instance, state, deadline)
    )""",
    "CREATE INDEX due_at ON due (due_at)",
    "CREATE INDEX due_role ON due (role, due_at)",
    """CREATE FUNCTION due_holder() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN UPDATE due SET owner = NEW.owner, assignee = NEW.assignee WHERE instance = NEW.id;
       RETURN NULL; END $$""",
    """CREATE TRIGGER due_holder AFTER UPDATE OF owner, assignee ON instances
       FOR EACH ROW EXECUTE FUNCTION due_holder()""",
    """CREATE FUNCTION due_closed() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN DELETE FROM due WHERE instance = NEW.id; RETURN NULL; END $$""",
    """CREATE TRIGGER due_closed AFTER UPDATE OF status ON instances
       FOR EACH ROW WHEN (NEW.status <> 'open') EXECUTE FUNCTION due_closed()""",
)

# Version 4: recorded violations, append-only; the partial index of accountable events.
_V4 = (
    """CREATE TABLE violations (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        person TEXT NOT NULL,
        rule TEXT NOT NULL,
        procedure TEXT NOT NULL,
        at TEXT NOT NULL,
        note TEXT,
        recorded_by TEXT NOT NULL,
        recorded_at TEXT NOT NULL
    )""",
    "CREATE INDEX violations_at ON violations (at)",
    "CREATE INDEX violations_person ON violations (person, at)",
    *_append_only("violations", "violations"),
    "CREATE INDEX events_accountable ON events (at) WHERE kind IN ('breach', 'override')",
)

# Version 5: instances handed to a role.
_V5 = (
    "CREATE INDEX instances_assignee ON instances (assignee, status, updated_at) WHERE assignee IS NOT NULL",
)

# Version 6: the store writes due rows whole with each step; the triggers are gone.
_V6 = (
    "DROP TRIGGER due_holder ON instances",
    "DROP FUNCTION due_holder()",
    "DROP TRIGGER due_closed ON instances",
    "DROP FUNCTION due_closed()",
)

# Version 7: the snapshot no longer holds the trail (a data change only: nothing to do here).
_V7: tuple[str, ...] = ()

# Version 8: where each instance's procedure texts were read from.
_V8 = (
    """CREATE TABLE instance_paths (
        instance TEXT NOT NULL REFERENCES instances (id),
        procedure TEXT NOT NULL,
        path TEXT NOT NULL,
        PRIMARY KEY (instance, procedure)
    )""",
)

# Version 9: decisions about violations, append-only.
_V9 = (
    """CREATE TABLE violation_decisions (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        violation TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'dismissed', 'retracted')),
        reason TEXT NOT NULL,
        decided_by TEXT NOT NULL,
        decided_at TEXT NOT NULL
    )""",
    "CREATE INDEX violation_decisions_of ON violation_decisions (violation, id)",
    *_append_only("violation_decisions", "violation decisions"),
)

# Version 10: drafts; `given` keeps the order in which they were first given (SQLite's rowid).
_V10 = (
    """CREATE TABLE drafts (
        instance TEXT NOT NULL REFERENCES instances (id),
        subject TEXT NOT NULL CHECK (subject IN ('field', 'item')),
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('answer', 'check', 'skip')),
        value TEXT,
        visit INTEGER NOT NULL CHECK (visit >= 1),
        state TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        given BIGINT GENERATED ALWAYS AS IDENTITY,
        PRIMARY KEY (instance, subject, name)
    )""",
    """CREATE FUNCTION drafts_taken() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN DELETE FROM drafts WHERE instance = NEW.instance; RETURN NULL; END $$""",
    """CREATE TRIGGER drafts_taken AFTER INSERT ON events FOR EACH ROW
       WHEN (NEW.kind IN ('answer', 'check', 'skip', 'enter', 'move', 'finish', 'cancel'))
       EXECUTE FUNCTION drafts_taken()""",
)

# Version 11: the web desk's sign-in, one password hash per person (as migrations.py's 11).
_V11 = (
    """CREATE TABLE passwords (
        person TEXT PRIMARY KEY,
        hash TEXT NOT NULL,
        set_by TEXT NOT NULL,
        set_at TEXT NOT NULL
    )""",
)

# Version 12: an instance's names for `status` (as migrations.py's 12).
_V12 = (
    "ALTER TABLE instances ADD COLUMN lang TEXT",
    "ALTER TABLE instances ADD COLUMN title TEXT",
    "ALTER TABLE instances ADD COLUMN state_title TEXT",
)

# Version 13: the web desk's sign-in sessions, by the digest of their token (as migrations.py's 13).
_V13 = (
    """CREATE TABLE web_sessions (
        digest TEXT PRIMARY KEY,
        person TEXT,
        lang TEXT,
        created_at TEXT NOT NULL,
        seen_at TEXT NOT NULL
    )""",
    "CREATE INDEX web_sessions_seen ON web_sessions (seen_at)",
)

# Version 14: a person's due rows found by index (as migrations.py's 14).
_V14 = (
    "CREATE INDEX due_owner ON due (owner, due_at)",
    "CREATE INDEX due_assignee ON due (assignee, due_at)",
)

# Version 15: a step empties the instance's drafts in its own statement (postgres.py's `STEP`),
# not by a row trigger that ran a PL/pgSQL DELETE for every event added: a tenth of what the
# server spent on a step. No other path needs it: a new instance has no drafts, and `db copy`
# writes the drafts after the events. Events stay append-only (`events_no_change`).
_V15 = (
    "DROP TRIGGER drafts_taken ON events",
    "DROP FUNCTION drafts_taken()",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    _V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9, _V10, _V11, _V12, _V13, _V14, _V15
)  # fmt: skip
assert len(MIGRATIONS) == LATEST, "every migration of migrations.py has its PostgreSQL step here"
