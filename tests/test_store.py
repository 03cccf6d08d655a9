"""The SQLite store on its own: its file (WAL, durability, migrations from older versions), what
SQLite itself enforces, and one clear error for every way a database file can be unusable. What
every backend must do is in test_store_conformance.py."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from procflow.engine.base import environment
from procflow.engine.base.errors import DatabaseError, LockedError, NotFoundError, UsageError
from procflow.engine.store.migrations import LATEST, MIGRATIONS
from procflow.engine.store.records import ID_ALPHABET, ID_LENGTH, new_id, sha256
from procflow.engine.store.results import ResultFile
from procflow.engine.store.sqlite import SQLiteStore, now

TEXT = "id: p\ntitle: 來訪者接待\n".encode()


def make(store: SQLiteStore, actor: str = "ann", **extra: object) -> str:
    instance = store.start_instance(
        procedure_id="p",
        pins={"p": ("p.yaml", TEXT)},
        snapshot={"state": "a", "n": 0},
        state="a",
        status="open",
        role="desk",
        events=[{"kind": "start", "to": "a"}],
        actor=actor,
        at=now(),
        **extra,
    )
    return instance.id


def step(store: SQLiteStore, instance_id: str, version: int, actor: str = "ann", n: int = 1) -> int:
    return store.append_step(
        instance_id,
        version,
        snapshot={"state": "b", "n": n},
        state="b",
        status="open",
        role="desk",
        events=[{"kind": "step", "from": "a", "to": "b", "answers": {"x": n}}],
        actor=actor,
        at=now(),
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    with SQLiteStore(tmp_path / "procflow.db") as opened:
        yield opened


def test_a_fresh_database_is_at_the_latest_version_in_wal_mode(store: SQLiteStore) -> None:
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert store.integrity() == []


def test_full_durability_is_synchronous_full(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "f.db", durability="full") as store:
        assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_an_event_number_is_never_used_twice(store: SQLiteStore) -> None:
    iid = make(store)
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute(
            "INSERT INTO events (instance, seq, at, actor, kind, body) VALUES (?, 1, '', '', 'x', '{}')",
            (iid,),
        )


def test_pinning_keeps_the_exact_text_once_per_hash(store: SQLiteStore) -> None:
    first, second = make(store), make(store)
    assert store.load(first).hash == store.load(second).hash == sha256(TEXT)
    assert store.pinned(sha256(TEXT)) == ("p", "p.yaml", TEXT)
    assert store.db.execute("SELECT COUNT(*) FROM procedures").fetchone()[0] == 1


def test_ids_are_short_and_typeable() -> None:
    assert all(len(i) == ID_LENGTH and set(i) <= set(ID_ALPHABET) for i in {new_id() for _ in range(2000)})
    assert not set("01ilo") & set(ID_ALPHABET)
    assert len({new_id() for _ in range(2000)}) == 2000


def test_status_queries_walk_an_index_and_stop_at_the_limit(store: SQLiteStore) -> None:
    for n in range(30):
        iid = make(store, actor="ann" if n % 3 else "bob")
        if n % 5 == 0:
            store.append_step(
                iid,
                1,
                snapshot={},
                state="end",
                status="finished",
                role=None,
                events=[{"kind": "finish"}],
                actor="ann",
                at=now(),
            )
    opened, closed = store.summaries(person="bob", open_limit=3, recent_limit=2)
    assert len(opened) == 4 and all(s.owner == "bob" and s.status == "open" for s in opened)
    assert len(closed) == 2 and all(s.status == "finished" for s in closed)
    assert [s.updated_at for s in opened] == sorted((s.updated_at for s in opened), reverse=True)
    plan = " ".join(
        str(r)
        for r in store.db.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM instances WHERE status = 'open' AND owner = 'bob' "
            "ORDER BY updated_at DESC LIMIT 5"
        )
    )
    assert "instances_owner" in plan and "TEMP B-TREE" not in plan


def test_a_locked_database_waits_a_bounded_time_then_says_so(tmp_path: Path) -> None:
    path = tmp_path / "procflow.db"
    with SQLiteStore(path) as store:
        iid = make(store)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with SQLiteStore(path, timeout=0.2) as store, pytest.raises(LockedError) as caught:
            step(store, iid, 1)
        assert caught.value.message == f"database '{path}' is locked by another process; tried for 0.2 s"
        assert caught.value.exit_code == 8
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_an_older_database_is_migrated_forward_keeping_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    for statement in MIGRATIONS[0]:
        db.execute(statement)
    db.execute("PRAGMA user_version=1")
    db.execute("INSERT INTO procedures VALUES ('h', 'p', 'p.yaml', 'id: p', '2024-01-01T00:00:00.000Z')")
    db.execute(
        "INSERT INTO instances VALUES ('abc234', 'p', 'h', '{\"p\":\"h\"}', 'open', 'a', 3, '{}',"
        " '2024-01-01T00:00:00.000Z', 'ann', '2024-01-02T00:00:00.000Z', 'bob')"
    )
    db.close()
    with SQLiteStore(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == LATEST
        old = store.load("abc234")
        assert (old.version, old.owner, old.assignee, old.updated_by) == (3, "ann", None, "bob")
        assert store.summaries(person="ann")[0][0].id == "abc234"


def test_a_database_from_a_newer_procflow_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    sqlite3.connect(path).execute(f"PRAGMA user_version={LATEST + 1}")
    with pytest.raises(DatabaseError, match=rf"written by a newer procflow \(schema version {LATEST + 1}"):
        SQLiteStore(path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello\n" * 100)
    with pytest.raises(DatabaseError, match=r"is not a procflow database \(not an SQLite file\)"):
        SQLiteStore(path)


def test_a_damaged_database_is_refused_with_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "procflow.db"
    with SQLiteStore(path) as store:
        for _ in range(200):
            make(store)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = bytearray(path.read_bytes())
    page = 4096
    for offset in range(2 * page, len(raw), page):  # keep the header page, scramble the rest
        raw[offset : offset + 64] = bytes(range(64))
    path.write_bytes(bytes(raw))
    with pytest.raises(DatabaseError, match=r"damaged|malformed") as caught:
        SQLiteStore(path)
    assert "\n" not in caught.value.message


def test_wrong_places_for_a_database(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="is a directory"):
        SQLiteStore(tmp_path)
    with pytest.raises(DatabaseError, match=r"folder .* does not exist"):
        SQLiteStore(tmp_path / "missing" / "procflow.db")
    SQLiteStore(tmp_path / "made" / "procflow.db", create_dir=True).close()


def test_a_read_only_database_is_refused(tmp_path: Path) -> None:
    """Root may write anywhere, so as root the opening is done by an unprivileged child."""
    import subprocess
    import sys
    import tempfile

    unprivileged = hasattr(os, "geteuid") and os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(dir="/tmp")) if unprivileged else tmp_path  # tmp_path is 0700
    try:
        path = folder / "procflow.db"
        SQLiteStore(path).close()
        path.chmod(0o444)
        if not unprivileged:
            with pytest.raises(DatabaseError, match="cannot write to database"):
                SQLiteStore(path)
            return
        nobody = 65534
        folder.chmod(0o755)
        os.chown(folder, nobody, nobody)
        os.chown(path, nobody, nobody)

        # the child loads Python and procflow as root (the interpreter may live under /root),
        # then gives up root before it opens the database
        probe = (
            "import os, sys\nfrom procflow.engine.base.errors import DatabaseError\n"
            "from procflow.engine.store.sqlite import SQLiteStore\n"
            f"os.setgid({nobody})\nos.setuid({nobody})\n"
            "try:\n    SQLiteStore(sys.argv[1])\nexcept DatabaseError as exc:\n    print(exc.message)\n"
        )
        opened = subprocess.run(
            [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, check=False
        )
        assert "cannot write to database" in opened.stdout, opened.stdout + opened.stderr
    finally:
        if unprivileged:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)


def test_a_database_we_may_not_write_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same refusals as for a read-only file or folder, where the tests run as root."""
    path = tmp_path / "procflow.db"
    SQLiteStore(path).close()
    monkeypatch.setattr(os, "access", lambda p, mode: os.fspath(p) != str(path))
    with pytest.raises(DatabaseError, match=r"^cannot write to database '.*procflow.db': permission denied$"):
        SQLiteStore(path)
    monkeypatch.setattr(os, "access", lambda p, mode: os.fspath(p) != str(tmp_path))
    with pytest.raises(DatabaseError, match=r"folder '.*' is not writable"):
        SQLiteStore(path)


def test_the_database_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROCFLOW_DB", str(tmp_path / "env.db"))
    assert environment.db_path("cli.db") == ("cli.db", False)
    assert environment.db_path() == (str(tmp_path / "env.db"), False)
    monkeypatch.delenv("PROCFLOW_DB")
    path, default = environment.db_path()
    assert default and Path(path).name == "procflow.db" and "procflow" in Path(path).parent.name


def test_actor_and_language_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROCFLOW_USER", "mei")
    assert environment.actor("ana") == "ana" and environment.actor() == "mei"
    monkeypatch.delenv("PROCFLOW_USER")
    assert environment.actor()
    with pytest.raises(UsageError):
        environment.actor("  ")
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    assert environment.language() == "zh-Hant"
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert environment.language() == "en" and environment.language("zh-Hant") == "zh-Hant"
    monkeypatch.setenv("LC_ALL", "zh_TW.UTF-8")
    assert environment.language() == "zh-Hant"
    with pytest.raises(UsageError, match="unknown language 'fr'"):
        environment.language("fr")


def test_a_row_damaged_outside_procflow_is_one_sentence(store: SQLiteStore) -> None:
    iid = make(store)
    store.db.execute("UPDATE instances SET snapshot = '{not json' WHERE id = ?", (iid,))
    with pytest.raises(
        DatabaseError, match=rf"^instance '{iid}' in database .* is damaged \(its snapshot is not"
    ):
        store.load(iid)


def test_version_6_leaves_the_due_rows_to_the_store_alone(tmp_path: Path) -> None:
    """A version-5 database had triggers copying holders into the due rows and emptying them on
    close; after migration 6 only the store writes them, with each step, and the agenda agrees."""
    path = tmp_path / "v5.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    for statement in (s for migration in MIGRATIONS[:5] for s in migration):
        db.execute(statement)
    db.execute("PRAGMA user_version=5")
    db.close()
    row = ("p", "a", "d1", "within", "2026-03-09T01:10:00.000Z", None, "desk", None)
    with SQLiteStore(path) as store:
        assert store.schema_version() == LATEST
        triggers = store.db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        names = [name for (name,) in triggers]  # later migrations may add their own guards
        assert not [name for name in names if name.startswith("due")]
        assert {
            "events_no_delete",
            "events_no_update",
            "violations_no_delete",
            "violations_no_update",
        } <= set(names)
        iid = make(store, due=[row])
        store.append_step(
            iid, 1, snapshot={}, state="a", status="open", role="desk", events=[{"kind": "handoff"}],
            actor="ann", at=now(), holder=("ann", "hr"), due=[row],
        )  # fmt: skip
        assert store.db.execute("SELECT owner, assignee FROM due").fetchall() == [("ann", "hr")]
        store.append_step(
            iid, 2, snapshot={}, state="z", status="finished", role=None, events=[{"kind": "finish"}],
            actor="ann", at=now(), due=[row],
        )  # fmt: skip
        # a finished instance keeps the rows it is given: its follow-ups (due_rows gives it no others)
        assert store.db.execute("SELECT count(*) FROM due").fetchone() == (1,)
        store.append_step(
            iid, 3, snapshot={}, state="z", status="cancelled", role=None, events=[{"kind": "cancel"}],
            actor="ann", at=now(), due=[row],
        )  # fmt: skip
        assert store.db.execute("SELECT count(*) FROM due").fetchone() == (0,)


def test_the_result_file_keeps_the_newest_entries_up_to_its_cap(tmp_path: Path) -> None:
    results = ResultFile(tmp_path / "r.sqlite3", max_entries=3)
    assert results.get("a") is None  # a fresh file: a miss
    results.put_many([("a", "1"), ("b", "2")])
    results.put_many([("c", "3"), ("d", "4"), ("a", "5")])  # `a` rewritten: now the newest
    assert [results.get(key) for key in "abcd"] == ["5", None, "3", "4"]
    results.close()
    assert ResultFile(tmp_path / "r.sqlite3", max_entries=3).get("d") == "4"


def test_a_result_file_that_is_not_a_database_is_a_miss_and_removed(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    path.write_text("not a database\n" * 100)
    results = ResultFile(path, max_entries=10)
    assert results.get("a") is None
    results.put_many([("a", "1")])  # written nowhere, and no error
    assert not path.exists()
    assert ResultFile(path, max_entries=10).get("a") is None


def test_status_reads_the_store_without_yaml_jsonschema_or_transitions(tmp_path: Path) -> None:
    path = tmp_path / "procflow.db"
    with SQLiteStore(path) as store:
        iid = make(store)
    code = (
        "import sys\nfrom procflow import cli\n"
        "try:\n    cli.cli.main(['status', '--db', sys.argv[1]], prog_name='procflow')\n"
        "except SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('yaml', 'jsonschema', 'transitions', 'fastjsonschema') if m in sys.modules)\n"
        "print('heavy:', ','.join(heavy))\n"
    )
    env = {**os.environ, "PROCFLOW_USER": "ann", "LANG": "en_US.UTF-8"}
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True, env=env
    )
    assert iid in done.stdout and done.stdout.rstrip().endswith("heavy:")


def fill_ids(store: SQLiteStore, ids: list[str]) -> None:
    """Copies of one real instance under the given ids (a big store, quickly)."""
    model = make(store)
    with store.write() as db:
        db.executemany(
            "INSERT INTO instances (id, procedure_id, hash, pins, status, state, role, version, snapshot,"
            " created_at, created_by, updated_at, updated_by, owner) SELECT ?, procedure_id, hash, pins,"
            " status, state, role, version, snapshot, created_at, created_by, updated_at, updated_by,"
            " owner FROM instances WHERE id = ?",
            [(ident, model) for ident in ids],
        )


def test_an_unknown_id_in_a_big_store_is_suggested_from_a_bounded_set(store: SQLiteStore) -> None:
    rng = random.Random(17)
    known = {"".join(rng.choice(ID_ALPHABET) for _ in range(ID_LENGTH)) for _ in range(6000)}
    known -= {"abcdef", "abcdeg", "bacdef", "bcdef", "abcdefg", "zzzzzz", "xbcdey"}
    fill_ids(store, sorted(known))
    target = "kmn234"
    fill_ids(store, [target])
    statements: list[str] = []
    store.db.set_trace_callback(statements.append)
    for typo in ("kmn235", "KMN523", "mkn234", "kmn24", "kmn2344", " Kmn23x "):
        statements.clear()
        with pytest.raises(NotFoundError) as caught:
            store.load(typo)
        assert caught.value.message == f"unknown instance '{typo.strip().lower()}'; did you mean '{target}'?"
        assert not any(s.strip() == "SELECT id FROM instances" for s in statements)  # never every id
        with pytest.raises(NotFoundError, match=rf"did you mean '{target}'\?$"):
            store.resolve(typo, "ann")
        with pytest.raises(NotFoundError, match=rf"did you mean '{target}'\?$"):
            store.holder(typo.strip().lower())
    with pytest.raises(NotFoundError, match=r"^unknown instance 'qqqqqqqqqqqqqqqq'; `procflow status` lists"):
        store.load("qqqqqqqqqqqqqqqq")


def test_an_unknown_id_in_a_small_store_is_compared_with_every_id(store: SQLiteStore) -> None:
    fill_ids(store, ["xbcdey"])  # four characters in order, but not one edit away nor a prefix
    with pytest.raises(NotFoundError, match=r"^unknown instance 'abcdef'; did you mean 'xbcdey'\?$"):
        store.load("abcdef")
