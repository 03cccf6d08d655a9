"""What `PROCFLOW_DB` may name, run through the CLI in a child process: anything but a regular
SQLite file (a FIFO, a device, a socket, a directory) and another application's SQLite file are
refused with one sentence and exit 9, at once, and the refused file is left as it was."""

from __future__ import annotations

import hashlib
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

EXIT_DATABASE = 9
COMMANDS = (["status"], ["agenda"], ["verify"], ["history", "abc234"])


def procflow(db: Path | str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PROCFLOW_DB": str(db), "PROCFLOW_USER": "ann", "LANG": "C.UTF-8"}
    return subprocess.run(
        [sys.executable, "-c", "from procflow import cli; cli.main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=20,
    )


def assert_refused(done: subprocess.CompletedProcess[str], says: str) -> None:
    assert done.returncode == EXIT_DATABASE, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and says in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("args", COMMANDS)
def test_a_fifo_as_the_database_is_refused_without_waiting(tmp_path: Path, args: list[str]) -> None:
    fifo = tmp_path / "procflow.db"
    os.mkfifo(fifo)
    assert_refused(procflow(fifo, *args), "is a named pipe (FIFO), not a regular file")


def test_devices_sockets_and_directories_are_refused(tmp_path: Path) -> None:
    assert_refused(procflow("/dev/null", "status"), "is a device, not a regular file")
    link = tmp_path / "zero.db"
    link.symlink_to("/dev/zero")
    assert_refused(procflow(link, "status"), "is a device, not a regular file")
    assert_refused(procflow(tmp_path, "status"), "is a directory")
    place = tmp_path / "s.db"
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(place))
        assert_refused(procflow(place, "status"), "is a socket, not a regular file")


def foreign(path: Path, *, journal: str = "delete", user_version: int = 0) -> None:
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA journal_mode={journal}")
        db.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
        db.execute("INSERT INTO contacts VALUES ('Ann', '555-0100')")
        db.execute(f"PRAGMA user_version={user_version}")
    db.close()


def journal_mode(path: Path) -> str:
    db = sqlite3.connect(path)
    try:
        return str(db.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        db.close()


@pytest.mark.parametrize(
    ("user_version", "extra"),
    [(0, ""), (3, ""), (0, "CREATE TABLE instances (id TEXT)"), (2, "CREATE TABLE events (x)")],
)
@pytest.mark.parametrize("args", COMMANDS)
def test_another_applications_database_is_refused_untouched(
    tmp_path: Path, user_version: int, extra: str, args: list[str]
) -> None:
    path = tmp_path / "contacts.sqlite"
    foreign(path, user_version=user_version)
    if extra:
        with sqlite3.connect(path) as db:
            db.execute(extra)
        db.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert_refused(
        procflow(path, *args), "is not a procflow database (an SQLite file of another application)"
    )
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert journal_mode(path) == "delete"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.sqlite"]


def test_an_empty_file_and_procflows_own_database_are_used(tmp_path: Path) -> None:
    path = tmp_path / "procflow.db"
    path.touch()  # an empty file is a new database
    assert procflow(path, "status").returncode == 0
    assert journal_mode(path) == "wal"
    assert procflow(path, "status").returncode == 0  # and then procflow's own


def test_opening_a_second_store_on_a_file_keeps_the_locks_of_the_first(tmp_path: Path) -> None:
    """Closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's
    own included: the look at the file before a second store on it is opened must not open it,
    or another process would take the file as unused while the first store is still reading it
    (a long-lived process, eight desks at once: a corrupted database)."""
    from procflow.engine.store.sqlite import SQLiteStore

    path = tmp_path / "desk.db"
    probe = (
        "import sqlite3, sys\ntry:\n"
        "    print(sqlite3.connect(sys.argv[1], timeout=0).execute('PRAGMA journal_mode=DELETE').fetchone()[0])\n"
        "except sqlite3.Error as exc:\n    print(exc)"
    )

    def exclusive_elsewhere() -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, timeout=20
        )
        return done.stdout.strip()

    with SQLiteStore(path) as first:
        first.all_ids()
        assert exclusive_elsewhere() == "database is locked"
        SQLiteStore(path).close()
        assert exclusive_elsewhere() == "database is locked", "the first store's locks were dropped"
        assert first.all_ids() == []
    assert exclusive_elsewhere() == "delete"  # once it is closed, nothing holds the file
