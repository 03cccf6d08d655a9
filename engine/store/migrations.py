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

# Version 3: what is due, one row per due time of an open instance, for the agenda. Rewritten with
# each step in its transaction (engine/runtime/due.py `due_rows`); owner and assignee are copies
# kept current by a trigger, and closing an instance empties its rows (until version 6). Instances open before this
# version get rows from their snapshots; their role (below the current frame) and text are NULL
# until their next step, and the agenda then reads the text from the pinned procedure.
_V3 = (
    """CREATE TABLE due (
        instance TEXT NOT NULL REFERENCES instances (id),
        procedure TEXT NOT NULL,        -- the procedure whose deadline it is (a sub-procedure's own)
        state TEXT NOT NULL,            -- path name of the state it belongs to: `use_state>child_state`
        deadline TEXT NOT NULL,         -- the deadline's id
        kind TEXT NOT NULL,             -- within | before | after | every
        due_at TEXT NOT NULL,           -- UTC stamp, so text order is time order
        every NUMERIC,                  -- seconds between occurrences (kind every)
        role TEXT,                      -- the role of its state
        text TEXT,                      -- JSON {language: what is due}, parameters filled in
        owner TEXT,                     -- copied from instances
        assignee TEXT,
        PRIMARY KEY (instance, state, deadline)
    ) WITHOUT ROWID""",
    "CREATE INDEX due_at ON due (due_at)",
    "CREATE INDEX due_role ON due (role, due_at)",
    """CREATE TRIGGER due_holder AFTER UPDATE OF owner, assignee ON instances
       BEGIN UPDATE due SET owner = NEW.owner, assignee = NEW.assignee WHERE instance = NEW.id; END""",
    """CREATE TRIGGER due_closed AFTER UPDATE OF status ON instances WHEN NEW.status != 'open'
       BEGIN DELETE FROM due WHERE instance = NEW.id; END""",
    """INSERT OR IGNORE INTO due (instance, procedure, state, deadline, kind, due_at, every, role, owner, assignee)
       SELECT i.id, json_extract(f.value, '$.procedure'),
              (SELECT group_concat(json_extract(g.value, '$.state'), '>')
                 FROM json_each(i.snapshot, '$.frames') g WHERE g.key <= f.key),
              json_extract(d.value, '$.id'), json_extract(d.value, '$.kind'),
              strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(d.value, '$.due')), json_extract(d.value, '$.every'),
              CASE WHEN f.key = json_array_length(i.snapshot, '$.frames') - 1 THEN i.role END,
              i.owner, i.assignee
         FROM instances i, json_each(i.snapshot, '$.frames') f, json_each(f.value, '$.due') d
        WHERE i.status = 'open' AND strftime('%s', json_extract(d.value, '$.due')) IS NOT NULL""",
)

# Version 4: violations of the work rules recorded by a manager, append-only like the events.
# Breaches and overrides are not copied here: they stay events, found through a partial index
# that holds only them, so it costs nothing on the steps that are neither.
_V4 = (
    """CREATE TABLE violations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        person TEXT NOT NULL,           -- who broke the rule (a person id of the site file)
        rule TEXT NOT NULL,             -- a work rule id of `procedure`
        procedure TEXT NOT NULL,        -- the procedure that declares the rule
        at TEXT NOT NULL,               -- when it happened: UTC stamp, so text order is time order
        note TEXT,
        recorded_by TEXT NOT NULL,
        recorded_at TEXT NOT NULL
    )""",
    "CREATE INDEX violations_at ON violations (at)",
    "CREATE INDEX violations_person ON violations (person, at)",
    """CREATE TRIGGER violations_no_update BEFORE UPDATE ON violations
       BEGIN SELECT RAISE(ABORT, 'violations are append-only'); END""",
    """CREATE TRIGGER violations_no_delete BEFORE DELETE ON violations
       BEGIN SELECT RAISE(ABORT, 'violations are append-only'); END""",
    "CREATE INDEX events_accountable ON events (at) WHERE kind IN ('breach', 'override')",
)

# Version 5: instances handed to a role, for `status --mine` / `--by` of the people holding it.
# Partial: only instances with an assignee are in it, so steps on all the others cost nothing more.
_V5 = (
    "CREATE INDEX instances_assignee ON instances (assignee, status, updated_at) WHERE assignee IS NOT NULL",
)

# Version 6: the store writes an instance's due rows whole with each step, owner and assignee
# included and none once it is closed (`SQLiteStore._set_due`), so the triggers that kept those
# copies are gone: one way to keep the agenda's rows, the same for every backend. Every step
# already rewrote the rows after the instance row, so the data needs no change.
_V6 = (
    "DROP TRIGGER due_holder",
    "DROP TRIGGER due_closed",
)

# Version 7: the snapshot row no longer holds the trail (every state entered, and when), which
# grew with the history and made each step rewrite more: a step now rewrites a row of the same
# size whatever came before (engine/runtime/state.py `stored`). The events hold the trail
# (engine/runtime/journal.py `trail`); the row keeps its length as `steps`. A snapshot that is
# not valid JSON (damaged) is left as it is, for `verify` to report.
_V7 = (
    """UPDATE instances
          SET snapshot = json_remove(json_set(snapshot, '$.steps', json_array_length(snapshot, '$.path')),
                                     '$.path', '$.entered')
        WHERE CASE WHEN json_valid(snapshot) THEN json_type(snapshot, '$.path') END = 'array'""",
)

# Version 8: where each instance's procedure texts were read from, one row per instance and
# procedure id, written as absolute paths when the instance starts. Before it the only path was
# the pinned text's, the first path ever seen with those bytes, as it was typed (relative to
# wherever that run was started): two instances started from two copies of one text shared it.
# Instances started before this version are given that path, the best known.
_V8 = (
    """CREATE TABLE instance_paths (
        instance TEXT NOT NULL REFERENCES instances (id),
        procedure TEXT NOT NULL,        -- a procedure id of the instance's pins
        path TEXT NOT NULL,             -- the file its text was read from, for this instance
        PRIMARY KEY (instance, procedure)
    ) WITHOUT ROWID""",
    """INSERT OR IGNORE INTO instance_paths (instance, procedure, path)
       SELECT i.id, j.key, p.path
         FROM instances i,
              json_each(CASE WHEN json_valid(i.pins) AND json_type(i.pins) = 'object' THEN i.pins ELSE '{}' END) j
         JOIN procedures p ON p.hash = j.value""",
)

# Version 9: what a supervisor decided about each violation, append-only. A
# violation is a recorded one's number or `instance#seq` of its breach or override event; its
# latest decision is its status (none: proposed). A retraction is a decision too, so nothing
# is ever changed or removed.
_V9 = (
    """CREATE TABLE violation_decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        violation TEXT NOT NULL,        -- a recorded violation's number, or instance#seq of an event
        decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'dismissed', 'retracted')),
        reason TEXT NOT NULL,
        decided_by TEXT NOT NULL,
        decided_at TEXT NOT NULL        -- UTC stamp
    )""",
    "CREATE INDEX violation_decisions_of ON violation_decisions (violation, id)",
    """CREATE TRIGGER violation_decisions_no_update BEFORE UPDATE ON violation_decisions
       BEGIN SELECT RAISE(ABORT, 'violation decisions are append-only'); END""",
    """CREATE TRIGGER violation_decisions_no_delete BEFORE DELETE ON violation_decisions
       BEGIN SELECT RAISE(ABORT, 'violation decisions are append-only'); END""",
)

# Version 10: drafts, every answer, ticked item and skip kept the moment the operator confirms it,
# before the step that records them is taken. A draft belongs to one visit of one state (`visit`:
# how many states the instance had entered) and was written at instance version `version`; it is
# not an event: history, replay and reports never read it. One row per field or item: a later
# draft of the same one replaces it. A trigger empties an instance's drafts in the transaction of
# any event that records the work of a step or leaves the state (answer, check, skip, enter, move,
# finish, cancel), so the step's own write path needs no change and no draft outlives its step;
# a hand-over, a note, an override, a breach or an acknowledged recurrence keeps them.
_V10 = (
    """CREATE TABLE drafts (
        instance TEXT NOT NULL REFERENCES instances (id),
        subject TEXT NOT NULL CHECK (subject IN ('field', 'item')),
        name TEXT NOT NULL,             -- the field or checklist item id
        kind TEXT NOT NULL CHECK (kind IN ('answer', 'check', 'skip')),
        value TEXT,                     -- JSON: the answer as typed, the reason of a skip
        visit INTEGER NOT NULL CHECK (visit >= 1),
        state TEXT NOT NULL,            -- the qualified state it belongs to
        version INTEGER NOT NULL CHECK (version >= 1),
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        PRIMARY KEY (instance, subject, name)
    )""",  # with its rowid: the order in which the drafts were first given
    """CREATE TRIGGER drafts_taken AFTER INSERT ON events
       WHEN NEW.kind IN ('answer', 'check', 'skip', 'enter', 'move', 'finish', 'cancel')
       BEGIN DELETE FROM drafts WHERE instance = NEW.instance; END""",
)

# Version 11: the web desk's sign-in, one password hash per person of the site file (argon2id,
# in its own PHC string form, so the parameters travel with it). Kept in the database, never in
# the site file, which lives in version control. Plain portable SQL: the PostgreSQL backend's
# migration of the same number creates the same table.
_V11 = (
    """CREATE TABLE passwords (
        person TEXT PRIMARY KEY,        -- a person id of the site file
        hash TEXT NOT NULL,             -- the PHC string of the hash, e.g. $argon2id$v=19$...
        set_by TEXT NOT NULL,
        set_at TEXT NOT NULL            -- UTC stamp
    )""",
)

# Version 12: an instance's names as people read them, so `status` shows them without loading
# a procedure (YAML): the language of the run that started it, the procedure's title and the
# current state's title in that language, written with every step. Instances started before
# have none (their titles are in YAML, which SQL cannot read) until their next step: `status`
# shows them by id, with a note. Plain portable SQL: PostgreSQL's 12 is the same.
_V12 = (
    "ALTER TABLE instances ADD COLUMN lang TEXT",
    "ALTER TABLE instances ADD COLUMN title TEXT",
    "ALTER TABLE instances ADD COLUMN state_title TEXT",
)

# Version 13: the web desk's sign-in sessions, kept in the database so that restarting `procflow
# serve` signs nobody out and several serve processes behind one proxy share them. Only the sha256
# of a session's token is kept; `seen_at` (UTC stamp) is when it was last used, for the idle
# timeout, and rows idle past it are purged. Plain portable SQL, as PostgreSQL's 13.
_V13 = (
    """CREATE TABLE web_sessions (
        digest TEXT PRIMARY KEY,        -- sha256 of the session token, hex; never the token
        person TEXT,                    -- a person of the site file; NULL before signing in
        lang TEXT,                      -- chosen with the language switch; NULL: the browser's
        created_at TEXT NOT NULL,
        seen_at TEXT NOT NULL
    )""",
    "CREATE INDEX web_sessions_seen ON web_sessions (seen_at)",
)

# Version 14: a person's due rows found by index. The agenda of one person (`agenda --mine`, the
# web desk) keeps rows they own and nobody was assigned, or assigned to a role they hold; along
# the due_at index alone it read every person's rows in the window. Plain portable SQL, as
# PostgreSQL's 14.
_V14 = (
    "CREATE INDEX due_owner ON due (owner, due_at)",
    "CREATE INDEX due_assignee ON due (assignee, due_at)",
)

# Version 15: PostgreSQL's step empties the drafts in its own statement, not by a trigger on
# every event it adds (postgres_migrations.py's 15). Here SQLite's trigger stays: it costs a
# step little and SQLite has one writer at a time. Nothing to do.
_V15: tuple[str, ...] = ()

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    _V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9, _V10, _V11, _V12, _V13, _V14, _V15
)  # fmt: skip
LATEST = len(MIGRATIONS)
