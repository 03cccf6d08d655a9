"""A step's cost does not grow with the instance's history (issue 9, defect 15).

The row each step rewrites keeps everything but the trail (every state entered, and when),
which the append-only events hold; replay from the events still equals what is stored, a
resumed instance still shows its whole path, and a database of the version before this one is
converted on open and steps on. Behaviour, not timings: bench/engine_store.py times it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from click.testing import Result
from procflow.engine.desk.audit import verify
from procflow.engine.desk.instances import Desk, Opened
from procflow.engine.desk.pins import pinned_procedures
from procflow.engine.runtime.driver import Driver, Missing
from procflow.engine.runtime.journal import replay, trail
from procflow.engine.runtime.state import stored
from procflow.engine.store.migrations import LATEST, MIGRATIONS
from procflow.engine.store.sqlite import SQLiteStore

SHIFT = Path(__file__).parent / "fixtures" / "run" / "shift.yaml"
T0 = datetime(2026, 3, 9, 9, 0, tzinfo=timezone(timedelta(hours=8)))
ANSWERS = {"guests": 2, "caller": "Ms Lin", "urgent": "no"}


def _clock() -> Callable[[], datetime]:
    moment = [T0]

    def tick() -> datetime:
        moment[0] += timedelta(seconds=1)
        return moment[0]

    return tick


def _row_length(store: SQLiteStore, ident: str) -> int:
    found: int = store.db.execute("SELECT length(snapshot) FROM instances WHERE id = ?", (ident,)).fetchone()[
        0
    ]
    return found


def _drive(desk: Desk, opened: Opened, driver: Driver, steps: int) -> list[tuple[str, int]]:
    """Take up to `steps` steps; (state after the step, length of the stored row) for each."""
    assert isinstance(desk.store, SQLiteStore)
    seen = []
    for _ in range(steps):
        if opened.status != "open":
            break
        plan = driver.plan(opened.view())
        assert not isinstance(plan, Missing), plan
        desk.step(opened, answers=plan.answers, check=plan.check, skip=plan.skip, move=plan.move)
        seen.append((opened.view().path_name, _row_length(desk.store, opened.id)))
    return seen


def test_the_row_a_step_rewrites_does_not_grow_with_the_history(tmp_path: Path) -> None:
    loops = 120
    with SQLiteStore(tmp_path / "procflow.db") as store:
        desk = Desk(store, actor="ann", lang="en", clock=_clock())
        opened = desk.start(str(SHIFT))
        driver = Driver(ANSWERS, ("reopen",) * loops + ("close",), {})
        seen = _drive(desk, opened, driver, 10_000)
        assert opened.status == "finished" and opened.version > 1000
        first, last = seen[: len(seen) // 10], seen[-len(seen) // 10 :]
        # the same states at the start and after a thousand events: rows of the same size (the
        # version and the count of states entered may take a digit or two more)
        for state in {s for s, _ in first} & {s for s, _ in last}:
            early = max(n for s, n in first if s == state)
            late = max(n for s, n in last if s == state)
            assert late <= early + 8, (state, early, late)
        record = store.load(opened.id)
        assert "path" not in record.snapshot and "entered" not in record.snapshot
        events = [e.body for e in store.events(opened.id)]
        rebuilt = replay(pinned_procedures(store, record.pins), events)
        assert json.loads(json.dumps(stored(rebuilt), ensure_ascii=False)) == record.snapshot
        assert record.snapshot["steps"] == len(rebuilt["path"]) == len(trail(events)[0])
        assert trail(events) == (rebuilt["path"], rebuilt["entered"])
        assert verify(store).ok


def test_a_resumed_instance_still_shows_its_whole_path(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    script = tmp_path / "loop.json"
    script.write_text(json.dumps({"answers": ANSWERS, "moves": ["reopen"] * 3}), encoding="utf-8")
    started = run_cli("run", str(SHIFT), "--answers", str(script), "--json")
    first = json.loads(started.stdout.splitlines()[-1])
    assert first["status"] == "open" and len(first["path"]) > 10, started.output
    resumed = run_cli("resume", first["instance"], "--json")  # no input: it stops where it is
    assert "close_desk" in resumed.output and "Traceback" not in resumed.output
    assert json.loads(resumed.stdout.splitlines()[-1])["path"] == first["path"]
    stepped = run_cli("step", first["instance"], "--move", "close", "--json")
    assert stepped.exit_code == 0, stepped.output
    after = json.loads(stepped.stdout.splitlines()[-1])
    assert after["status"] == "finished" and after["path"] == [*first["path"], "closed"]
    assert run_cli("verify").exit_code == 0


def _trail_migration() -> int:
    """The number of the migration that took the trail out of the row (found by what it does,
    so that renumbering migrations at a merge does not break this test)."""
    return next(n for n, sql in enumerate(MIGRATIONS, 1) if any("'$.entered'" in s for s in sql))


def _as_version(source: Path, target: Path, version: int) -> None:
    """A copy of the database at `source` as a procflow of schema `version` wrote it: its
    tables as migrations 1 to `version` make them, the rows copied, the snapshots with their
    trail as they were then."""
    db = sqlite3.connect(target, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    for statement in (s for migration in MIGRATIONS[:version] for s in migration):
        db.execute(statement)
    db.execute("ATTACH DATABASE ? AS new", (str(source),))
    for table in ("procedures", "instances", "events", "due"):
        columns = ", ".join(row[1] for row in db.execute(f"PRAGMA main.table_info({table})"))
        db.execute(f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM new.{table}")
    for ident, snapshot in db.execute("SELECT id, snapshot FROM main.instances").fetchall():
        events = [
            json.loads(r[0])
            for r in db.execute("SELECT body FROM events WHERE instance = ? ORDER BY seq", (ident,))
        ]
        old = json.loads(snapshot)
        del old["steps"]
        old["path"], old["entered"] = trail(events)
        db.execute(
            "UPDATE instances SET snapshot = ? WHERE id = ?", (json.dumps(old, ensure_ascii=False), ident)
        )
    db.execute("DETACH DATABASE new")
    db.execute(f"PRAGMA user_version={version}")
    db.close()


def test_a_database_of_the_version_before_is_converted_and_steps_on(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    script = tmp_path / "loop.json"
    script.write_text(json.dumps({"answers": ANSWERS, "moves": ["reopen"] * 2}), encoding="utf-8")
    first = json.loads(run_cli("run", str(SHIFT), "--answers", str(script), "--json").stdout.splitlines()[-1])
    current = tmp_path / "procflow.db"
    with SQLiteStore(current) as store:
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    version = _trail_migration() - 1
    older = tmp_path / "older.db"
    _as_version(current, older, version)
    raw = sqlite3.connect(older).execute("SELECT snapshot FROM instances").fetchone()[0]
    assert json.loads(raw)["path"] == first["path"]  # the trail in the row, as before
    current.unlink()
    older.rename(current)
    with SQLiteStore(current) as store:  # opening converts it
        assert store.schema_version() == LATEST
        snapshot = store.load(first["instance"]).snapshot
        assert "path" not in snapshot and "entered" not in snapshot
        assert snapshot["steps"] == len(first["path"])
        assert verify(store).ok
    stepped = run_cli("step", first["instance"], "--move", "close", "--json")
    assert stepped.exit_code == 0, stepped.output
    assert json.loads(stepped.stdout.splitlines()[-1])["path"] == [*first["path"], "closed"]
    checked = run_cli("verify")
    assert checked.exit_code == 0, checked.output


def test_a_damaged_snapshot_is_left_for_verify_by_the_conversion(tmp_path: Path) -> None:
    """Migration 7 converts only what it can read: a snapshot that is not JSON stays as it is,
    and `verify` reports it, instead of the database refusing to open."""
    path = tmp_path / "procflow.db"
    version = _trail_migration() - 1
    db = sqlite3.connect(path, isolation_level=None)
    for statement in (s for migration in MIGRATIONS[:version] for s in migration):
        db.execute(statement)
    db.execute("INSERT INTO procedures VALUES ('h', 'p', 'p.yaml', 'id: p', '2024-01-01T00:00:00.000Z')")
    db.execute(
        "INSERT INTO instances (id, procedure_id, hash, pins, status, state, version, snapshot, created_at,"
        " created_by, updated_at, updated_by, owner) VALUES ('abc234', 'p', 'h', '{\"p\":\"h\"}', 'open', 'a',"
        " 1, '{not json', '2024-01-01T00:00:00.000Z', 'ann', '2024-01-01T00:00:00.000Z', 'ann', 'ann')"
    )
    db.execute(f"PRAGMA user_version={version}")
    db.close()
    with SQLiteStore(path) as store:
        assert store.schema_version() == LATEST
        assert store.db.execute("SELECT snapshot FROM instances").fetchone()[0] == "{not json"
