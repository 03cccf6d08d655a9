"""Commands with no path work on the project: a broken file there fails `validate`, `test` and
`trace`; `--bundled` checks the bundled set; a malformed project file is exit 11."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "docs" / "examples" / "project"
RunCli = Callable[..., Result]
BROKEN = (
    "procflow: 1\nid: broken\ntitle: {zh-Hant: 壞, en: Broken}\ninitial: a\n"
    "states:\n  a: {next: nowhere}\n  b: {final: true}\n"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the sample project as the working directory, the top of its own repository."""
    root = tmp_path / "work"
    shutil.copytree(SAMPLE, root)
    (root / ".git").mkdir()
    monkeypatch.chdir(root)
    monkeypatch.delenv("PROCFLOW_PROJECT", raising=False)
    monkeypatch.delenv("PROCFLOW_PATH", raising=False)
    return root


def test_a_clean_project_passes_and_says_so(run_cli: RunCli, project: Path) -> None:
    checked = run_cli("validate")
    assert checked.exit_code == 0 and checked.stdout == "checked: project .\n1 file checked: no problems\n"
    tested = run_cli("test")
    assert tested.exit_code == 0 and "checked: project .\n2 scenarios: 2 passed" in tested.stdout
    traced = run_cli("trace", "--missing")
    assert traced.exit_code == 0 and traced.stdout.endswith(
        "checked: project .\n1 article, 3 clauses: 2 encoded, 1 not executable, 0 missing, 0 problems\n"
    )


def test_a_broken_file_fails_validate_test_and_trace_with_no_path(run_cli: RunCli, project: Path) -> None:
    (project / "procedures" / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    checked = run_cli("validate")
    assert checked.exit_code == 1, checked.output
    assert "procedures/broken.yaml:6:" in checked.stdout and "[P001]" in checked.stdout
    assert checked.stdout.endswith("checked: project .\n2 files checked: 2 errors, 0 warnings\n")
    tested = run_cli("test")
    assert tested.exit_code == 1 and "ERROR procedure 'broken' has errors" in tested.stdout, tested.output
    traced = run_cli("trace")
    assert traced.exit_code == 1 and "[P001]" in traced.stdout, traced.output
    github = run_cli("validate", "--format", "github")
    assert github.exit_code == 1 and "::error file=procedures/broken.yaml,line=6" in github.stdout


def test_unreadable_yaml_in_the_project_fails_test_too(run_cli: RunCli, project: Path) -> None:
    (project / "procedures" / "torn.yaml").write_text("id: [\n", encoding="utf-8")
    tested = run_cli("test")
    assert (
        tested.exit_code == 1 and f"ERROR {project}/procedures/torn.yaml:2:1: invalid YAML" in tested.stdout
    ), tested.output


def test_bundled_flag_checks_the_bundled_set(run_cli: RunCli, project: Path) -> None:
    (project / "procedures" / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    checked = run_cli("validate", "--bundled", "--format", "json")
    assert checked.exit_code == 0
    document = json.loads(checked.stdout)
    assert document["checked"] == "bundled" and document["summary"]["files"] > 1
    assert run_cli("list", "--bundled", "--json").exit_code == 0
    listed = json.loads(run_cli("list", "--json").stdout)
    assert [(row["id"], row["origin"]) for row in listed] == [
        ("broken", "project"),
        ("trace-visitor", "project"),
    ]
    mixed = run_cli("validate", "--bundled", "procedures")
    assert mixed.exit_code == 2 and "--bundled goes without PATH" in mixed.stderr


def test_outside_any_project_the_bundled_set_is_used(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "alone" / ".git").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "alone")
    monkeypatch.delenv("PROCFLOW_PROJECT", raising=False)
    result = run_cli("validate")
    assert result.exit_code == 0 and "checked: bundled\n" in result.stdout
    assert json.loads(run_cli("test", "--json").stdout)["checked"] == "bundled"


def test_an_explicit_directory_without_procedures_is_a_usage_error(run_cli: RunCli, project: Path) -> None:
    (project / "empty").mkdir()
    result = run_cli("validate", "empty")
    assert result.exit_code == 2 and result.stderr == "procflow: no *.yaml or *.yml files under 'empty'\n"
    shutil.rmtree(project / "procedures")
    (project / "procedures").mkdir()
    result = run_cli("validate")
    assert result.exit_code == 2 and "no *.yaml or *.yml files under 'procedures'" in result.stderr


def test_a_malformed_project_file_is_one_line_and_exit_11(run_cli: RunCli, project: Path) -> None:
    (project / "procflow.toml").write_text('procedures = ["procedures"]\nscenario = "x"\n', encoding="utf-8")
    for args in (["validate"], ["test"], ["trace"], ["list"], ["show", "trace-visitor"]):
        result = run_cli(*args)
        assert result.exit_code == 11, (args, result.output)
        assert result.stderr == (
            f"procflow: {project / 'procflow.toml'}:2:1: unknown key 'scenario' in the project file; "
            "did you mean 'scenarios'?\n"
        )


def test_project_file_names_other_directories(run_cli: RunCli, project: Path) -> None:
    (project / "procedures").rename(project / "sop")
    (project / "procflow.toml").write_text('procedures = "sop"\nsources = "sources"\n', encoding="utf-8")
    result = run_cli("validate")
    assert result.exit_code == 0 and result.stdout == "checked: project .\n1 file checked: no problems\n"
    shown = run_cli("show", "trace-visitor", "--lang", "en")
    assert shown.exit_code == 0 and shown.stdout.startswith("Visitor reception\n")


def test_run_finds_a_project_procedure_by_id(run_cli: RunCli, project: Path) -> None:
    answers = project / "answers.yaml"
    answers.write_text("moves: []\n", encoding="utf-8")
    result = run_cli("run", "trace-visitor", "--answers", str(answers), "--lang", "en")
    assert result.exit_code == 0, result.output


BUNDLED_ID = "art5-visitor-reception"
LOCAL = (
    f"procflow: 1\nid: {BUNDLED_ID}\ntitle: {{zh-Hant: 本地接待, en: Local reception}}\ninitial: a\n"
    "states:\n  a: {next: b}\n  b: {final: true}\n"
)


def test_run_bundled_takes_the_bundled_procedure_over_the_projects(run_cli: RunCli, project: Path) -> None:
    (project / "procedures" / "local.yaml").write_text(LOCAL, encoding="utf-8")
    answers = project / "answers.yaml"
    answers.write_text("moves: []\n", encoding="utf-8")
    ran = run_cli("run", BUNDLED_ID, "--answers", str(answers), "--json", "--db", str(project / "p.db"))
    assert ran.exit_code == 0, ran.output
    assert json.loads(ran.stdout.splitlines()[-1])["path"] == ["a", "b"]  # the project's two states
    bundled = run_cli(
        "run", BUNDLED_ID, "--bundled", "--answers", str(answers), "--json", "--db", str(project / "p.db")
    )
    assert bundled.exit_code == 1, bundled.output  # the bundled one asks questions the file lacks
    shown = json.loads(bundled.stdout.splitlines()[-1])
    assert shown["procedure"] == BUNDLED_ID and shown["path"][0] == "prepare" and shown["missing"]


def test_list_show_and_graph_say_which_set_they_used(run_cli: RunCli, project: Path) -> None:
    (project / "procedures" / "local.yaml").write_text(LOCAL, encoding="utf-8")
    listed = run_cli("list", "--lang", "en")
    assert listed.exit_code == 0 and listed.stdout.endswith("\nchecked: project .\n")
    assert "Local reception" in listed.stdout
    assert {row["checked"] for row in json.loads(run_cli("list", "--json").stdout)} == {"project ."}
    assert run_cli("list", "--bundled").stdout.endswith("\nchecked: bundled\n")
    assert {row["checked"] for row in json.loads(run_cli("list", "--bundled", "--json").stdout)} == {
        "bundled"
    }
    for command in ("show", "graph"):
        mine = run_cli(command, BUNDLED_ID, "--lang", "en")
        assert mine.exit_code == 0 and mine.stderr == "checked: project .\n", mine.output
        assert "checked" not in mine.stdout  # the document or diagram alone, for a pipe
        theirs = run_cli(command, BUNDLED_ID, "--bundled", "--lang", "en")
        assert theirs.exit_code == 0 and theirs.stderr == "checked: bundled\n", theirs.output
        by_path = run_cli(command, "procedures/local.yaml")
        assert by_path.exit_code == 0 and by_path.stderr == ""  # a file names no set
    assert run_cli("show", BUNDLED_ID, "--lang", "en").stdout.startswith("Local reception\n")
    assert run_cli("show", BUNDLED_ID, "--bundled", "--lang", "en").stdout.startswith("Visitor reception\n")


def test_a_subdirectory_finds_the_project_above(
    run_cli: RunCli, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "procedures" / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    (project / "deep" / "er").mkdir(parents=True)
    monkeypatch.chdir(project / "deep" / "er")
    result = run_cli("validate")
    assert result.exit_code == 1 and f"checked: project {project}\n" in result.stdout, result.output


def test_the_project_files_site_is_checked_with_its_procedures(run_cli: RunCli, project: Path) -> None:
    (project / "procflow.toml").write_text(
        'procedures = "procedures"\nsite = "desk.yaml"\n', encoding="utf-8"
    )
    (project / "desk.yaml").write_text("procflow-site: 1\nparams:\n  no_such: 1\n", encoding="utf-8")
    result = run_cli("validate", "--strict", "--format", "github")
    assert result.exit_code == 1
    assert "::warning file=desk.yaml,line=3,col=3,title=C005::" in result.stdout, result.output
    assert result.stdout.endswith("checked: project .\n2 files checked: 0 errors, 1 warning\n")
