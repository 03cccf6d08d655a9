"""The database schema as forward migrations; `PRAGMA user_version` is the number applied.

Migration N takes a database from version N-1 to N. Never edit a released migration: add
the next one (and a test that opens a database of the version before it). No Python logic.
"""

from __future__ import annotations

# Version 1: pinned procedure texts, instances with their snapshot, the append-only event log.
_V1 = (
    """CREATE TABLE procedures (
        hash TEXT PRIMARY KEY,          -- sha256 of the exact bytes of the YAML file
        procedure_id TEXT NOT NULL,
        path TEXT NOT NULL,             -- where the text was read from when it was pinned
        text TEXT NOT NULL,
        pinned_at TEXT NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE instances (
        id TEXT PRIMARY KEY,
        procedure_id TEXT NOT NULL,     -- the entry procedure
        hash TEXT NOT NULL REFERENCES procedures (hash),
        pins TEXT NOT NULL,             -- JSON {procedure id: hash} of every procedure it uses
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
        answers TEXT,                   -- JSON
        items TEXT,                     -- JSON
        move TEXT,
        note TEXT,
        body TEXT NOT NULL,             -- the event exactly as the session produced it (JSON)
        PRIMARY KEY (instance, seq)
    ) WITHOUT ROWID""",
    "CREATE INDEX instances_status ON instances (status, updated_at)",
    """CREATE TRIGGER events_no_update BEFORE UPDATE ON events
       BEGIN SELECT RAISE(ABORT, 'events are append-only'); END""",
    """CREATE TRIGGER events_no_delete BEFORE DELETE ON events
       BEGIN SELECT RAISE(ABORT, 'events are append-only'); END""",
)

# Version 2: who holds an instance now, for per-person status and handoffs.
# owner: the person holding it (its starter until a handoff to a person); assignee: a role it
# was handed to (NULL: whoever holds the current state's role); role: the current state's role.
_V2 = (
    "ALTER TABLE instances ADD COLUMN role TEXT",
    "ALTER TABLE instances ADD COLUMN owner TEXT",
    "ALTER TABLE instances ADD COLUMN assignee TEXT",
    "ALTER TABLE instances ADD COLUMN parent TEXT REFERENCES instances (id)",
    "UPDATE instances SET owner = created_by",
    "CREATE INDEX instances_owner ON instances (owner, status, updated_at)",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2)
LATEST = len(MIGRATIONS)
