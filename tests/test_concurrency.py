"""Two operators step the same instance at the same moment: exactly one wins each step.

Both `procflow step` processes read the instance while the test holds the database's write
lock (SQLite) or the instance's row lock (PostgreSQL), so both prepare their step from the same
version and then wait; when the lock is let go, one commits and the other must be refused with
exit 7 and a message naming the winner, having written nothing. Round after round, no event is
lost and `verify` stays clean. Run once per backend.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
PROCFLOW = Path(sys.executable).with_name("procflow")
RUN_DIR = REPO / "tests" / "fixtures" / "run"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PROCFLOW.exists(), reason="the procflow console script is not installed"),
    pytest.mark.skipif(
        not Path("/proc/self/fd").is_dir(), reason="needs /proc to see who opened the database"
    ),
]

# One step of the shift procedure per round, the same for both operators.
ROUNDS = [
    ("--check", "lights", "--check", "flowers", "--set", "guests=2"),
    (),  # acknowledge the greeting of the phone sub-procedure
    ("--set", "caller=Ms Lin", "--set", "urgent=no"),
    ("--check", "write"),
    ("--move", "reopen"),
    ("--check", "lights", "--set", "guests=1"),
]


def environment(db: Path | str, user: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(PROCFLOW_DB=str(db), PROCFLOW_USER=user, NO_COLOR="1", PROCFLOW_LOCK_TIMEOUT="60")
    return env


def has_open(pid: int, db: Path) -> bool:
    """Whether process `pid` has the database file open (it has started reading)."""
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}") == str(db) for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


def events(db: Path | str, ident: str) -> list[tuple[int, str]]:
    if isinstance(db, str):  # a PostgreSQL URL
        import psycopg

        with psycopg.connect(db) as server:
            found = server.execute(
                "SELECT seq, actor FROM events WHERE instance = %s ORDER BY seq", (ident,)
            ).fetchall()
        return [(seq, actor) for seq, actor in found]
    connection = sqlite3.connect(db)
    try:
        return connection.execute(
            "SELECT seq, actor FROM events WHERE instance = ? ORDER BY seq", (ident,)
        ).fetchall()
    finally:
        connection.close()


def sqlite_held(db: Path | str, racers: Callable[[], list[Any]]) -> None:
    """Start the racers while the database's write lock is held; let go once both wait for it."""
    assert isinstance(db, Path)
    lock = sqlite3.connect(db, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")  # readers go on; both writers will have to wait
    try:
        started = racers()
        deadline = time.monotonic() + 30
        while not all(has_open(p.pid, db) for p in started) and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(1.0)  # each has read the instance and prepared its step: now both wait for the lock
    finally:
        lock.execute("ROLLBACK")
        lock.close()


def postgres_held(db: Path | str, racers: Callable[[], list[Any]]) -> None:
    """Start the racers while every instance's row lock is held; let go once the server shows
    both waiting for it."""
    import psycopg

    assert isinstance(db, str)
    with psycopg.connect(db) as lock, psycopg.connect(db, autocommit=True) as watcher:
        lock.execute("SELECT 1 FROM instances FOR UPDATE")
        racers()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            row = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock'"
            ).fetchone()
            if row is not None and row[0] == 2:
                break
            time.sleep(0.02)
        else:
            pytest.fail("the two steps never both waited for the instance's row lock")
        lock.rollback()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path | str, Any]:
    """Where the desks' database is and how to hold it while both prepare their step."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url"), postgres_held
    return tmp_path / "desk.db", sqlite_held


def test_two_processes_step_one_instance_and_exactly_one_wins(
    backend: tuple[Path | str, Any], tmp_path: Path
) -> None:
    db, held = backend
    nothing = tmp_path / "nothing.json"
    nothing.write_text("{}", encoding="utf-8")
    started = subprocess.run(
        [str(PROCFLOW), "run", "sample-shift", "--dir", str(RUN_DIR), "--answers", str(nothing), "--json"],
        env=environment(db, "ann"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert started.returncode == 1, started.stderr  # the empty answers file stops at the first question
    ident = json.loads(started.stdout.splitlines()[-1])["instance"]

    winners = []
    for args in ROUNDS:
        before = events(db, ident)
        racers: dict[str, subprocess.Popen[str]] = {}

        def race(args: tuple[str, ...] = args, racers: dict[str, Any] = racers) -> list[Any]:
            for user in ("ann", "bob"):
                racers[user] = subprocess.Popen(
                    [str(PROCFLOW), "step", ident, *args, "--json"],
                    env=environment(db, user),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            return list(racers.values())

        held(db, race)
        results = {user: (p.wait(timeout=60), *p.communicate()) for user, p in racers.items()}

        codes = sorted(code for code, _, _ in results.values())
        assert codes == [0, 7], results
        winner = next(user for user, (code, _, _) in results.items() if code == 0)
        loser = "bob" if winner == "ann" else "ann"
        _, out, err = results[loser]
        assert f"procflow: instance '{ident}' was changed by {winner} at " in err
        assert "nothing of yours was saved" in err and err.count("\n") == 1
        refused = json.loads(out.splitlines()[-1])
        assert refused["error"]["code"] == 7
        won = json.loads(results[winner][1].splitlines()[-1])
        after = events(db, ident)
        assert after[: len(before)] == before, "an earlier event changed"
        added = after[len(before) :]
        assert len(added) == won["recorded"] == won["version"] - len(before) > 0
        assert {actor for _, actor in added} == {winner}, "the loser wrote something"
        assert refused["version"] == won["version"], "the loser's view is not the stored instance"
        winners.append(winner)

    verified = subprocess.run(
        [str(PROCFLOW), "verify", ident],
        env=environment(db, "ann"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert verified.returncode == 0, verified.stdout
    seqs = [seq for seq, _ in events(db, ident)]
    assert seqs == list(range(1, len(seqs) + 1))
