"""`procflow schema` and `procflow new`: the schema found outside this repository, and new
procedures (or copies) that validate clean with a modeline that works where they are written."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from click.testing import Result
from procflow.engine.authoring import scaffold
from procflow.engine.base.paths import schema_path

REPO = Path(__file__).resolve().parent.parent
RunCli = Callable[..., Result]


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty repository outside procflow's, as the working directory."""
    root = tmp_path / "desk"
    (root / ".git").mkdir(parents=True)
    monkeypatch.chdir(root)
    monkeypatch.delenv("PROCFLOW_PROJECT", raising=False)
    monkeypatch.delenv("PROCFLOW_PATH", raising=False)
    return root


def schema_of(path: Path) -> Path:
    """The schema file the modeline of `path` names, resolved as yaml-language-server does."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(scaffold.MODELINE), first
    target = first[len(scaffold.MODELINE) :]
    if target.startswith("file:"):
        return Path(unquote(urlparse(target).path))
    return (path.parent / target).resolve()


def test_schema_prints_the_installed_schema(run_cli: RunCli, elsewhere: Path) -> None:
    text = run_cli("schema").stdout
    assert json.loads(text) == json.loads(schema_path().read_text(encoding="utf-8"))
    assert "procflow schema --path" in json.loads(text)["description"]
    assert run_cli("schema", "--path").stdout == f"{schema_path().resolve()}\n"
    assert run_cli("schema", "--uri").stdout == f"{schema_path().resolve().as_uri()}\n"
    assert run_cli("schema", "--kind", "site", "--path").stdout == f"{schema_path('site').resolve()}\n"
    both = run_cli("schema", "--path", "--uri")
    assert both.exit_code == 2 and both.stderr == "procflow: --path and --uri go one at a time\n"


def test_new_writes_a_procedure_that_validates_clean(run_cli: RunCli, elsewhere: Path) -> None:
    result = run_cli("new", "visitor-desk")
    written = Path("procedures/visitor-desk.yaml")
    assert result.exit_code == 0 and result.stdout == (
        f"wrote {written}\ncheck it with: procflow validate --strict {written}\n"
    )
    assert schema_of(elsewhere / written) == schema_path().resolve()  # an editor finds it from here
    checked = run_cli("validate", "--strict", str(written))
    assert checked.exit_code == 0 and checked.stdout == "1 file checked: no problems\n"
    project = run_cli("validate", "--strict")  # the new procedures/ made this a project
    assert project.exit_code == 0 and project.stdout == "checked: project .\n1 file checked: no problems\n"
    text = written.read_text(encoding="utf-8")
    assert "zh-Hant:" in text and "en:" in text
    shown = run_cli("show", "visitor-desk", "--lang", "en")
    assert shown.exit_code == 0 and shown.stdout.startswith("New procedure visitor-desk\n")


def test_new_copies_a_bundled_procedure_under_a_new_id(run_cli: RunCli, elsewhere: Path) -> None:
    result = run_cli("new", "lobby", "--from", "art4-visitor-reception", "--dir", "sop")
    assert result.exit_code == 0, result.output
    copy = Path("sop/lobby.yaml")
    text = copy.read_text(encoding="utf-8")
    original = (REPO / "procedures" / "art4-visitor-reception.yaml").read_text(encoding="utf-8")
    assert "\nid: lobby\n" in text and "art4-visitor-reception" not in text.split("\nid:")[0]
    assert text.splitlines()[1:] == [
        "id: lobby" if line.startswith("id: ") else line for line in original.splitlines()[1:]
    ]
    assert schema_of(elsewhere / copy) == schema_path().resolve()
    assert run_cli("validate", "--strict", "sop").exit_code == 0


def test_new_refuses_to_overwrite_bad_ids_and_ids_in_use(run_cli: RunCli, elsewhere: Path) -> None:
    assert run_cli("new", "visitor-desk").exit_code == 0
    before = Path("procedures/visitor-desk.yaml").read_bytes()
    again = run_cli("new", "visitor-desk")
    assert again.exit_code == 2
    assert again.stderr == (
        "procflow: 'procedures/visitor-desk.yaml' already exists; procflow new never overwrites a file\n"
    )
    assert Path("procedures/visitor-desk.yaml").read_bytes() == before
    used = run_cli("new", "visitor-desk", "--dir", "other")
    assert used.exit_code == 2 and "procedure id 'visitor-desk' is already used by" in used.stderr
    for bad in ("Visitor", "visitor_desk", "x-", "x--y", "1st", "a" * 81, "訪客", "../up"):
        refused = run_cli("new", bad)
        assert refused.exit_code == 2 and "procflow: procedure id" in refused.stderr, (bad, refused.output)
    missing = run_cli("new", "lobby", "--from", "art4-visitor-receptoin")
    assert missing.exit_code == 4 and "did you mean 'art4-visitor-reception'" in missing.stderr
    assert not Path("procedures/lobby.yaml").exists()


def test_inside_a_project_that_holds_the_schema_the_modeline_is_relative(tmp_path: Path) -> None:
    target = REPO / "procedures" / "example.yaml"  # not written: the text only
    line = scaffold.modeline(target, schema_path(), REPO)
    assert line == "# yaml-language-server: $schema=../schemas/procedure.schema.json"
    assert (target.parent / line.split("=", 1)[1]).resolve() == schema_path().resolve()
    outside = scaffold.modeline(tmp_path / "p" / "x.yaml", schema_path(), tmp_path)
    assert outside == scaffold.MODELINE + schema_path().resolve().as_uri()
    assert os.path.isfile(unquote(urlparse(outside.split("=", 1)[1]).path))
