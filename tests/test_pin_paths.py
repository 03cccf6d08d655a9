"""Each instance names the file it was started from, from any directory (issue 9, defect 12).

Through the CLI: two copies of one text at two places, an instance started from each, then
one copy edited and the other removed; `status`, the notices of `step` and `history --json`
name each instance's own file. A relative path given to `run` is kept absolute, so `status`
run elsewhere calls an unchanged file unchanged. A database of the version before keeps
working, each instance showing the path its text was first read from.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from procflow.engine.store.migrations import LATEST, MIGRATIONS
from procflow.engine.store.sqlite import SQLiteStore

VISITOR = Path(__file__).parent / "fixtures" / "valid" / "visitor.yaml"
Run = Callable[..., Result]


def _start(run_cli: Run, tmp_path: Path, procedure: str) -> str:
    answers = tmp_path / "answers.yaml"
    answers.write_text("answers: {}\n", encoding="utf-8")
    result = run_cli("run", procedure, "--answers", str(answers), "--json")
    return str(json.loads(result.stdout.splitlines()[-1])["instance"])


def _status(run_cli: Run) -> dict[str, str]:
    result = run_cli("status", "--json")
    assert result.exit_code == 0, result.output
    return {row["instance"]: row["procedure_file"] for row in json.loads(result.stdout)["open"]}


def _files(run_cli: Run, ident: str) -> list[dict[str, str]]:
    result = run_cli("history", ident, "--json")
    assert result.exit_code == 0, result.output
    files: list[dict[str, str]] = json.loads(result.stdout)["files"]
    return files


def test_two_copies_of_one_text_each_name_their_own_file(run_cli: Run, tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "visitor.yaml", tmp_path / "b" / "visitor.yaml"
    for copy in (first, second):
        copy.parent.mkdir()
        shutil.copy(VISITOR, copy)
    one, two = _start(run_cli, tmp_path, str(first)), _start(run_cli, tmp_path, str(second))
    assert _files(run_cli, one) == [{"procedure": "sample-visitor", "path": str(first), "file": "current"}]
    assert _files(run_cli, two) == [{"procedure": "sample-visitor", "path": str(second), "file": "current"}]

    second.write_text(second.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert _status(run_cli) == {one: "current", two: "changed"}
    quiet = run_cli("step", one, "--note", "still here", "--lang", "en")
    assert quiet.exit_code == 0 and "procflow: note" not in quiet.stderr
    noticed = run_cli("step", two, "--note", "still here", "--lang", "en")
    assert noticed.exit_code == 0
    assert f"procedure 'sample-visitor' ({second}) was changed after this instance started" in noticed.stderr
    assert _files(run_cli, two)[0]["file"] == "changed"

    first.unlink()
    assert _status(run_cli) == {one: "removed", two: "changed"}
    gone = run_cli("step", one, "--note", "still here", "--lang", "en")
    assert f"procedure 'sample-visitor' ({first}) was removed after this instance started" in gone.stderr
    assert str(second) not in gone.stderr
    assert _files(run_cli, one) == [{"procedure": "sample-visitor", "path": str(first), "file": "removed"}]


def test_status_from_another_directory_calls_an_unchanged_file_unchanged(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work, elsewhere = tmp_path / "work", tmp_path / "elsewhere"
    (work / "procedures").mkdir(parents=True)
    elsewhere.mkdir()
    shutil.copy(VISITOR, work / "procedures" / "visitor.yaml")
    monkeypatch.chdir(work)
    ident = _start(run_cli, tmp_path, "procedures/visitor.yaml")  # relative, as typed
    assert _status(run_cli) == {ident: "current"}
    monkeypatch.chdir(elsewhere)
    assert _status(run_cli) == {ident: "current"}
    assert "* " not in run_cli("status", "--lang", "en").stdout
    stepped = run_cli("step", ident, "--note", "from elsewhere", "--lang", "en")
    assert stepped.exit_code == 0 and "procflow: note" not in stepped.stderr
    assert _files(run_cli, ident)[0]["path"] == str(work / "procedures" / "visitor.yaml")


def test_a_path_through_a_linked_folder_and_dots_is_kept_resolved(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "real"
    real.mkdir()
    shutil.copy(VISITOR, real / "visitor.yaml")
    (tmp_path / "link").symlink_to(real)
    monkeypatch.chdir(tmp_path)
    ident = _start(run_cli, tmp_path, "link/../link/visitor.yaml")
    assert _files(run_cli, ident)[0]["path"] == str(real / "visitor.yaml")


def _paths_migration() -> int:
    """The number of the migration that keeps paths per instance (found by what it does, so
    that renumbering migrations at a merge does not break this test)."""
    return next(
        n for n, sql in enumerate(MIGRATIONS, 1) if any("CREATE TABLE instance_paths" in s for s in sql)
    )


def test_a_database_of_the_version_before_shows_the_first_path_and_steps_on(
    run_cli: Run, tmp_path: Path
) -> None:
    """Rows written before paths were kept per instance get the path their text was first
    pinned from, as it was stored then (here relative to a folder no longer current)."""
    copy = tmp_path / "visitor.yaml"
    shutil.copy(VISITOR, copy)
    ident = _start(run_cli, tmp_path, str(copy))
    path = tmp_path / "procflow.db"  # run_cli's PROCFLOW_DB
    version = _paths_migration() - 1
    old = tmp_path / "old.db"  # its rows as the version before kept them: no table of paths
    db = sqlite3.connect(old, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    for statement in (s for migration in MIGRATIONS[:version] for s in migration):
        db.execute(statement)
    db.execute("ATTACH DATABASE ? AS new", (str(path),))
    for table in ("procedures", "instances", "events", "due"):
        columns = ", ".join(row[1] for row in db.execute(f"PRAGMA main.table_info({table})"))
        db.execute(f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM new.{table}")
    db.execute("DETACH DATABASE new")
    db.execute("UPDATE procedures SET path = 'ex/visitor.yaml'")  # as typed then, elsewhere
    db.execute(f"PRAGMA user_version={version}")
    db.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    old.rename(path)

    assert _files(run_cli, ident) == [
        {"procedure": "sample-visitor", "path": "ex/visitor.yaml", "file": "removed"}
    ]
    with SQLiteStore(path) as store:
        assert store.schema_version() == LATEST
        assert store.load(ident).paths == {"sample-visitor": "ex/visitor.yaml"}
    stepped = run_cli("step", ident, "--note", "after the upgrade", "--lang", "en")
    assert stepped.exit_code == 0, stepped.output
    assert "procedure 'sample-visitor' (ex/visitor.yaml) was removed" in stepped.stderr
    assert run_cli("verify").exit_code == 0
