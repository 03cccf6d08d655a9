"""`procflow where`: every path in use and why, from each of its sources; passwords masked."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from procflow.engine.base import paths
from procflow.terminal.commands.where import masked

RunCli = Callable[..., Result]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory at the top of its own repository, with no procflow variables set."""
    root = tmp_path / "home"
    (root / ".git").mkdir(parents=True)
    monkeypatch.chdir(root)
    for name in ("PROCFLOW_PROJECT", "PROCFLOW_SITE", "PROCFLOW_DB", "PROCFLOW_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    return root


def where(run_cli: RunCli, *args: str) -> dict[str, Any]:
    result = run_cli(*args, "--json")
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def reason(entry: dict[str, Any]) -> tuple[str | None, str, str]:
    return entry["path"], entry["why"], entry["detail"]


def test_defaults_outside_any_project(run_cli: RunCli, home: Path, tmp_path: Path) -> None:
    found = where(run_cli, "where")
    assert reason(found["project"]) == ("bundled", "default", "no procflow.toml or procedures/ here or above")
    assert reason(found["procedures"][0]) == (str(paths.procedures_dir()), "bundled", "shipped with procflow")
    assert reason(found["database"]) == (
        str(tmp_path / "data" / "procflow" / "procflow.db"),
        "default",
        "procflow.db in the per-user data directory",
    )
    assert reason(found["cache"]) == (
        str(tmp_path / "cache-home" / "procflow"),
        "default",
        "the per-user cache directory",
    )
    assert reason(found["site"]) == (None, "default", "none: no --site, PROCFLOW_SITE or procflow.yaml")
    assert reason(found["schema"]) == (str(paths.schema_path()), "installed", "shipped with procflow")


def test_convention_and_defaults_in_a_project(run_cli: RunCli, home: Path) -> None:
    (home / "procedures").mkdir()
    (home / "procflow.yaml").write_text("procflow-site: 1\n", encoding="utf-8")
    found = where(run_cli, "where")
    assert reason(found["project"]) == (".", "found", "procedures/ in the working directory")
    assert reason(found["procedures"][0]) == ("procedures", "convention", "procedures/ in the project")
    assert reason(found["scenarios"][0]) == ("scenarios", "convention", "scenarios/ in the project")
    assert reason(found["sources"]) == ("sources", "convention", "sources/ in the project")
    assert reason(found["site"]) == ("procflow.yaml", "default", "procflow.yaml in the working directory")
    text = run_cli("where").stdout
    assert text.splitlines()[0].split() == [
        "project",
        ".",
        "found:",
        "procedures/",
        "in",
        "the",
        "working",
        "directory",
    ]


def test_project_file_and_environment(run_cli: RunCli, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (home / "procflow.toml").write_text(
        '# ours\nprocedures = ["sop", "shared"]\nsite = "desk.yaml"\n', encoding="utf-8"
    )
    found = where(run_cli, "where")
    assert reason(found["project"]) == (".", "found", "procflow.toml in the working directory")
    toml = str(home / "procflow.toml")
    assert [reason(e) for e in found["procedures"]] == [
        ("sop", "project file", f"{toml}:2"),
        ("shared", "project file", f"{toml}:2"),
    ]
    assert reason(found["site"]) == ("desk.yaml", "project file", f"{toml}:3")
    monkeypatch.setenv("PROCFLOW_SITE", "/etc/procflow/site.yaml")
    monkeypatch.setenv("PROCFLOW_DB", "/srv/desk.db")
    monkeypatch.setenv("PROCFLOW_CACHE_DIR", "/var/cache/pf")
    found = where(run_cli, "where")
    assert reason(found["site"]) == ("/etc/procflow/site.yaml", "environment", "PROCFLOW_SITE")
    assert reason(found["database"]) == ("/srv/desk.db", "environment", "PROCFLOW_DB")
    assert reason(found["cache"]) == ("/var/cache/pf", "environment", "PROCFLOW_CACHE_DIR")
    elsewhere = home.parent / "other"
    (elsewhere / "procedures").mkdir(parents=True)
    monkeypatch.setenv("PROCFLOW_PROJECT", str(elsewhere))
    assert reason(where(run_cli, "where")["project"]) == (str(elsewhere), "environment", "PROCFLOW_PROJECT")


def test_flags(run_cli: RunCli, home: Path) -> None:
    (home / "procedures").mkdir()
    found = where(run_cli, "--site", "given.yaml", "where", "--db", "given.db", "--bundled")
    assert reason(found["project"]) == ("bundled", "flag", "--bundled")
    assert reason(found["site"]) == ("given.yaml", "flag", "--site")
    assert reason(found["database"]) == ("given.db", "flag", "--db")


def test_a_password_is_never_printed(run_cli: RunCli, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROCFLOW_DB", "postgresql://desk:s3cret@db.example:5432/procflow?sslmode=require")
    for args in (["where"], ["where", "--json"]):
        result = run_cli(*args)
        assert "s3cret" not in result.output
        assert "postgresql://desk:***@db.example:5432/procflow?sslmode=require" in result.output
    assert masked("postgresql://db/x?user=a&password=p%40ss") == "postgresql://db/x?user=a&password=***"
    assert masked("sqlite:///tmp/a:b.db") == "sqlite:///tmp/a:b.db"


def test_a_malformed_project_file_stops_where(run_cli: RunCli, home: Path) -> None:
    (home / "procflow.toml").write_text("procedures = 1\n", encoding="utf-8")
    result = run_cli("where")
    assert result.exit_code == 11
    assert (
        result.stderr
        == f"procflow: {home / 'procflow.toml'}:1:1: 'procedures' must be a path or a list of paths (a quoted string)\n"
    )


def test_a_subdirectory_sees_the_site_file_at_the_projects_root(
    run_cli: RunCli, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (home / "procedures").mkdir()
    (home / "procflow.yaml").write_text("procflow-site: 1\n", encoding="utf-8")
    (home / "sub").mkdir()
    monkeypatch.chdir(home / "sub")
    found = where(run_cli, "where")
    assert reason(found["project"]) == (str(home), "found", f"procedures/ in {home}")
    assert reason(found["site"]) == (str(home / "procflow.yaml"), "default", "procflow.yaml in the project")
