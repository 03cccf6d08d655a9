"""Project discovery: procflow.toml, procedures/ by convention, PROCFLOW_PROJECT, the bundled set."""

from __future__ import annotations

from pathlib import Path

import pytest
from procflow.engine.base import paths
from procflow.engine.base.errors import EXIT_PROJECT, ProcflowError
from procflow.engine.base.project import ProjectFileError, find_project


def make(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def test_convention_finds_procedures_in_the_working_directory(tmp_path: Path) -> None:
    make(tmp_path, {"procedures/a.yaml": "", ".git/HEAD": ""})
    project = find_project(tmp_path, environ={})
    assert project.root == tmp_path and project.file is None
    assert project.procedures == (tmp_path / "procedures",)
    assert project.scenarios == (tmp_path / "scenarios",) and project.sources == tmp_path / "sources"
    assert project.reasons["procedures"].why == "convention"
    assert project.why.detail == "procedures/ in the working directory"


def test_search_goes_up_but_not_above_the_repository(tmp_path: Path) -> None:
    make(tmp_path, {"procedures/a.yaml": "", "repo/.git/HEAD": "", "repo/src/deep/x": ""})
    assert find_project(tmp_path / "repo" / "src" / "deep", environ={}).bundled
    make(tmp_path, {"repo/procflow.toml": 'procedures = ["sop"]\n'})
    project = find_project(tmp_path / "repo" / "src" / "deep", environ={})
    assert project.root == tmp_path / "repo" and project.procedures == (tmp_path / "repo" / "sop",)
    assert project.reasons["procedures"].why == "project file"
    assert project.reasons["procedures"].detail == f"{tmp_path / 'repo' / 'procflow.toml'}:1"


def test_project_file_names_every_path(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            ".git/HEAD": "",
            "procflow.toml": 'procedures = ["a", "b"]\nscenarios = "tests/scn"\n'
            'sources = "docs/clauses"\nsite = "site.yaml"\n',
        },
    )
    project = find_project(tmp_path, environ={})
    assert project.procedures == (tmp_path / "a", tmp_path / "b")
    assert project.scenarios == (tmp_path / "tests" / "scn",)
    assert project.sources == tmp_path / "docs" / "clauses"
    assert project.site.path == tmp_path / "site.yaml" and project.site.why == "project file"
    assert project.label() == f"project {tmp_path}"
    flagged = find_project(tmp_path, site_flag="other.yaml", environ={"PROCFLOW_SITE": "env.yaml"})
    assert flagged.site.path == Path("other.yaml") and flagged.site.why == "flag"
    assert find_project(tmp_path, environ={"PROCFLOW_SITE": "env.yaml"}).site.why == "environment"


def test_outside_any_project_and_bundled_flag(tmp_path: Path) -> None:
    make(tmp_path, {".git/HEAD": ""})
    project = find_project(tmp_path, environ={})
    assert project.bundled and project.label() == "bundled"
    assert project.procedures == (paths.procedures_dir(),)
    make(tmp_path, {"procedures/a.yaml": ""})
    assert find_project(tmp_path, bundled=True, environ={}).why.detail == "--bundled"


def test_environment_variable_names_the_project(tmp_path: Path) -> None:
    make(tmp_path, {"elsewhere/procflow.toml": 'procedures = ["p"]\n', "here/.git/HEAD": ""})
    env = {"PROCFLOW_PROJECT": str(tmp_path / "elsewhere")}
    project = find_project(tmp_path / "here", environ=env)
    assert project.root == tmp_path / "elsewhere" and project.why.why == "environment"
    with pytest.raises(ProjectFileError) as caught:
        find_project(tmp_path, environ={"PROCFLOW_PROJECT": str(tmp_path / "nowhere")})
    assert caught.value.exit_code == EXIT_PROJECT


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("procedures = [\n", ":2:1: not valid TOML: invalid value"),
        (
            'procedures = ["a"]\nprocedure = ["b"]\n',
            ":2:1: unknown key 'procedure' in the project file; did you mean 'procedures'?",
        ),
        (
            "colour = 3\n",
            ":1:1: unknown key 'colour' in the project file; expected procedures, scenarios, site, sources",
        ),
        ("sources = 3\n", ":1:1: 'sources' must be a path (a quoted string)"),
        ('site = ["a", "b"]\n', ":1:1: 'site' must be one path, not a list"),
        (
            'procedures = ["../up"]\n',
            ":1:1: 'procedures' path '../up' must be relative and inside the project",
        ),
        ("x = 1 = 2\n", ":1:7: not valid TOML"),
        (
            "# x\nscenarios = []\n",
            ":2:1: 'scenarios' is an empty list; name at least one path or leave it out",
        ),
        ("[procedures]\n", ":1:1: 'procedures' must be a path or a list of paths (a quoted string)"),
    ],
)
def test_malformed_project_file_is_one_message_at_its_place(tmp_path: Path, text: str, message: str) -> None:
    make(tmp_path, {"procflow.toml": text, ".git/HEAD": ""})
    with pytest.raises(ProjectFileError) as caught:
        find_project(tmp_path, environ={})
    assert caught.value.message.startswith(str(tmp_path / "procflow.toml") + message), caught.value.message
    assert caught.value.exit_code == EXIT_PROJECT == 11


def test_a_removed_working_directory_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from procflow.engine.base.errors import EXIT_USAGE

    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    with pytest.raises(ProcflowError) as caught:
        find_project(environ={})
    assert caught.value.exit_code == EXIT_USAGE
