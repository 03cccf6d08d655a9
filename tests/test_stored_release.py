"""Instances stored by procflow 0.1 stay readable: status, history, steps, resume and verify.

tests/fixtures/store/release-0.1.db was written by that release (commit 8abf406) with real
commands, and release-0.1.session is what it printed for the commands below, run on a copy of
that database; both come from make_release_db.py there. The current code must print the same.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from procflow.engine.base.errors import EXIT_DATABASE
from procflow.engine.desk.pins import pinned_procedures
from procflow.engine.runtime.journal import replay, trail
from procflow.engine.runtime.session import Session
from procflow.engine.runtime.state import CorruptLogError, event_from_json, snapshot_from_json, stored
from procflow.engine.store.sqlite import SQLiteStore

STORE = Path(__file__).parent / "fixtures" / "store"
RELEASE = STORE / "release-0.1.db"
EXIT = re.compile(r"^\[exit (\d+)\]$")


def session_blocks() -> list[tuple[str, str]]:
    """(command line, what 0.1 printed with `[exit N]`) for each command of the session file: a
    command is a `$ ` line at the start or after an `[exit N]` line."""
    blocks: list[list[str]] = []
    previous = "[exit 0]"
    for line in (STORE / "release-0.1.session").read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("$ ") and EXIT.match(previous.rstrip("\n")):
            blocks.append([line[2:].rstrip("\n"), ""])
        else:
            blocks[-1][1] += line
        previous = line
    return [(command, output) for command, output in blocks]


@pytest.fixture
def desk(tmp_path: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the release's database as PROCFLOW_DB, an empty working directory (the pinned
    procedure files are not there) with the site and answers files, the desk in UTC."""
    shutil.copy(RELEASE, tmp_path / "procflow.db")  # run_cli's PROCFLOW_DB
    work = tmp_path / "desk"
    work.mkdir()
    shutil.copy(STORE / "release-0.1.site.yaml", work / "site.yaml")
    shutil.copy(STORE / "release-0.1.car-service.yaml", work / "car-service.yaml")
    monkeypatch.chdir(work)
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")  # as when the session was recorded: zh-Hant by default
    time.tzset()
    yield tmp_path / "procflow.db"
    monkeypatch.undo()
    time.tzset()


def run_line(run_cli: Callable[..., Result], line: str, monkeypatch: pytest.MonkeyPatch) -> str:
    words = shlex.split(line)
    env = [w for w in words if re.fullmatch(r"[A-Z_]+=.*", w)]
    command = words[len(env) :]
    if command[0] == "history":  # names since migration 12; --ids shows the ids 0.1 printed
        command.append("--ids")
    with monkeypatch.context() as scoped:
        for assignment in env:
            scoped.setenv(*assignment.split("=", 1))
        result = run_cli(*command)
    return result.output + f"[exit {result.exit_code}]\n"


def test_the_session_of_the_release_prints_the_same_today(
    desk: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = session_blocks()
    assert len(blocks) > 20 and blocks[0][0] == "status --all --json"
    for line, printed in blocks:
        assert (line, run_line(run_cli, line, monkeypatch)) == (line, printed)


def test_every_instance_of_the_release_verifies_and_has_a_readable_snapshot(desk: Path) -> None:
    with SQLiteStore(desk) as store:
        ids = store.all_ids()
        assert len(ids) == 8
        statuses = set()
        for ident in ids:
            record = store.load(ident)
            snapshot = snapshot_from_json(record.snapshot, f"instance '{ident}'")
            statuses.add(snapshot["status"])
            events = [event_from_json(e.body) for e in store.events(ident)]
            procedures = pinned_procedures(store, record.pins)
            rebuilt = replay(procedures, [e.body for e in store.events(ident)])
            # the row keeps all but the trail (migration 7), which the events rebuild
            assert stored(rebuilt) == stored(snapshot) and snapshot["path"] == snapshot["entered"] == []
            assert trail(e.body for e in store.events(ident)) == (rebuilt["path"], rebuilt["entered"])
            assert rebuilt["steps"] == len(rebuilt["path"])
            Session(procedures, snapshot).view()  # a session opens on it
            kinds = {e["kind"] for e in events}
            assert kinds <= {"start", "enter", "move", "answer", "check", "skip", "note", "override",
                             "breach", "done", "finish", "cancel", "handoff"}  # fmt: skip
    assert statuses == {"open", "finished", "cancelled"}


def test_the_release_covers_every_kind_of_event_it_wrote(desk: Path) -> None:
    """The fixture is worth its bytes only if it holds what can go wrong: every event kind but
    none missing, and a frame of a sub-procedure still open."""
    with SQLiteStore(desk) as store:
        kinds = {e.kind for ident in store.all_ids() for e in store.events(ident)}
        deepest = max(len(store.load(i).snapshot["frames"]) for i in store.all_ids())
    assert kinds == {"start", "enter", "move", "answer", "check", "skip", "note", "override",
                     "breach", "done", "finish", "cancel", "handoff"}  # fmt: skip
    assert deepest == 2


def _damage(db: Path, ident: str, change: Callable[[dict[str, object]], None]) -> None:
    with sqlite3.connect(db) as connection:
        (text,) = connection.execute("SELECT snapshot FROM instances WHERE id = ?", (ident,)).fetchone()
        snapshot = json.loads(text)
        change(snapshot)
        connection.execute("UPDATE instances SET snapshot = ? WHERE id = ?", (json.dumps(snapshot), ident))
    connection.close()


def _open_one(db: Path) -> str:
    with SQLiteStore(db) as store:
        return next(i for i in store.all_ids() if store.load(i).status == "open")


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda s: s.pop("frames"), "its snapshot has no 'frames'"),
        (lambda s: s.update(status="paused"), "its snapshot has 'status' 'paused', not one of 'open', "),
        (lambda s: s["frames"][0].pop("state"), "frame 0 of its snapshot has no 'state'"),
        (
            lambda s: s["frames"][0].update(answers=[]),
            "frame 0 of its snapshot has 'answers' [], not a mapping",
        ),
        (
            lambda s: s["frames"][0].update(due=[{"id": "x"}]),
            "due entry 0 of frame 0 of its snapshot has no 'kind'",
        ),
        (lambda s: s.update(version="3"), "its snapshot has 'version' '3', not a whole number"),
    ],
)
def test_a_damaged_snapshot_is_one_sentence_and_the_database_exit_code(
    desk: Path, run_cli: Callable[..., Result], change: Callable[[dict[str, object]], None], said: str
) -> None:
    ident = _open_one(desk)
    _damage(desk, ident, change)
    result = run_cli("step", ident, "--as", "bo")
    assert result.exit_code == EXIT_DATABASE, result.output
    message = result.output.strip().splitlines()[-1]
    assert message.startswith(f"procflow: instance '{ident}' is damaged: {said}")
    assert message.endswith("; restore the database from a backup")
    assert "Traceback" not in result.output and "KeyError" not in result.output


def test_a_damaged_event_is_named_by_verify(desk: Path, run_cli: Callable[..., Result]) -> None:
    ident = _open_one(desk)
    with sqlite3.connect(desk) as connection:
        connection.execute("DROP TRIGGER events_no_update")  # damage from outside procflow
        connection.execute(
            "UPDATE events SET body = json_remove(body, '$.state') WHERE instance = ? AND kind = 'enter'",
            (ident,),
        )
    connection.close()
    result = run_cli("verify", ident)
    assert result.exit_code == 1, result.output
    assert (
        f"{ident}: its events do not replay: event 'enter' does not apply: it has no 'state'" in result.output
    )


def test_a_stored_event_is_checked_before_it_is_applied() -> None:
    with pytest.raises(CorruptLogError, match=r"^unknown event kind 'jump'$"):
        event_from_json({"kind": "jump", "at": "2026-03-09T09:00", "actor": "amy"})
    with pytest.raises(
        CorruptLogError, match=r"^event 'check' does not apply: it has 'items' \{\}, not a list"
    ):
        event_from_json({"kind": "check", "at": "2026-03-09T09:00", "actor": "amy", "items": {}})
    older = event_from_json({"kind": "note", "at": "2026-03-09T09:00", "actor": "amy", "note": "hi"})
    assert older["from"] is None and older["answers"] is None  # a key an older log lacks is None
