"""The CI recipes of docs/ci.md work as written: the GitHub Actions workflow's `run:` commands
pass on the sample project and fail on copies broken in each way, and the `procflow-test`
pre-commit hook runs the project's scenarios."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "docs" / "examples" / "project"
DOC = REPO / "docs" / "ci.md"


def workflow() -> dict[Any, Any]:
    """The workflow file of docs/ci.md, parsed as GitHub would parse it."""
    blocks = re.findall(r"```yaml\n(# \.github/workflows/.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1, "docs/ci.md shows one workflow file"
    found: dict[Any, Any] = yaml.safe_load(blocks[0])
    return found


def run_steps() -> list[str]:
    return [step["run"] for step in workflow()["jobs"]["check"]["steps"] if "run" in step]


def test_the_workflow_installs_procflow_then_validates_tests_and_traces() -> None:
    steps = run_steps()
    assert steps[0] == 'python -m pip install "$PROCFLOW"'
    assert "@v" in workflow()["env"]["PROCFLOW"]  # pinned to a tag, not a branch
    assert steps[1:] == [
        "procflow validate --strict --format github",
        "procflow test",
        "procflow trace --missing",
    ]


def play(project: Path, tmp_path: Path) -> list[subprocess.CompletedProcess[str]]:
    """Run the workflow's procflow steps in `project` as a job does: in order, stopping at the
    first that fails. procflow is the one installed with this interpreter."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PROCFLOW_") and key not in ("PYTHONPATH", "LANG", "LC_ALL")
    }
    env.update(
        PATH=os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""),
        PROCFLOW_CACHE_DIR=str(tmp_path / "cache"),
        PROCFLOW_DB=str(tmp_path / "procflow.db"),
    )
    assert shutil.which("procflow", path=env["PATH"]), "procflow is not installed beside this Python"
    done = []
    for step in run_steps()[1:]:
        ran = subprocess.run(
            ["bash", "-eo", "pipefail", "-c", step],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        done.append(ran)
        if ran.returncode != 0:
            break
    return done


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "procedures-repo"
    shutil.copytree(SAMPLE, root)
    (root / ".git").mkdir()
    return root


def test_the_workflow_passes_on_a_clean_project(project: Path, tmp_path: Path) -> None:
    steps = play(project, tmp_path)
    assert [s.returncode for s in steps] == [0, 0, 0], [s.stdout + s.stderr for s in steps]
    assert steps[0].stdout == "checked: project .\n1 file checked: no problems\n"
    assert "checked: project .\n2 scenarios: 2 passed" in steps[1].stdout


BROKEN_PROCEDURE = (
    "procflow: 1\nid: broken\ntitle: {zh-Hant: 壞, en: Broken}\ninitial: a\nstates:\n  a: {next: nowhere}\n"
)


def test_a_broken_procedure_fails_the_job_with_an_annotation(project: Path, tmp_path: Path) -> None:
    (project / "procedures" / "broken.yaml").write_text(BROKEN_PROCEDURE, encoding="utf-8")
    steps = play(project, tmp_path)
    assert [s.returncode for s in steps] == [1]
    assert "::error file=procedures/broken.yaml,line=6,col=13,title=P001::" in steps[0].stdout


def test_a_warning_fails_the_job_with_strict(project: Path, tmp_path: Path) -> None:
    visitor = project / "procedures" / "visitor.yaml"
    visitor.write_text(visitor.read_text(encoding="utf-8").replace(", en: Stand up", ""), encoding="utf-8")
    steps = play(project, tmp_path)
    assert [s.returncode for s in steps] == [1]
    assert "::warning file=procedures/visitor.yaml" in steps[0].stdout and "title=P018" in steps[0].stdout


def test_a_failing_scenario_fails_the_job(project: Path, tmp_path: Path) -> None:
    scenarios = project / "scenarios" / "visitor.yaml"
    scenarios.write_text(
        scenarios.read_text(encoding="utf-8").replace("[stand, inquire, done]", "[stand, done]"),
        encoding="utf-8",
    )
    steps = play(project, tmp_path)
    assert [s.returncode for s in steps] == [0, 1]
    assert "FAIL  scenarios/visitor.yaml:4" in steps[1].stdout


def test_an_unaccounted_clause_fails_the_job(project: Path, tmp_path: Path) -> None:
    visitor = project / "procedures" / "visitor.yaml"
    visitor.write_text(
        visitor.read_text(encoding="utf-8").replace("    source: 第四篇 來訪者接待 1\n", ""), encoding="utf-8"
    )
    steps = play(project, tmp_path)
    assert [s.returncode for s in steps] == [0, 0, 1]
    assert "第四篇 來訪者接待 1  MISSING:" in steps[2].stdout


def test_pre_commit_offers_a_test_hook_beside_validate(
    run_cli: Any, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hooks = {
        h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    }
    assert list(hooks) == ["procflow-validate", "procflow-test"]
    hook = hooks["procflow-test"]
    assert (
        hook["entry"] == "procflow test" and hook["pass_filenames"] is False and hook["language"] == "python"
    )
    files = re.compile(hook["files"])
    assert files.search("scenarios/visitor.yaml") and files.search("desk/procedures/a.yml")
    assert not files.search("docs/x.yaml")
    monkeypatch.chdir(project)
    monkeypatch.delenv("PROCFLOW_PROJECT", raising=False)
    assert run_cli(*hook["entry"].split()[1:]).exit_code == 0
    (project / "procedures" / "broken.yaml").write_text(BROKEN_PROCEDURE, encoding="utf-8")
    assert run_cli(*hook["entry"].split()[1:]).exit_code == 1


def test_the_docs_pin_a_tag_and_advise_strict() -> None:
    for doc in (DOC, REPO / "README.md"):
        text = doc.read_text(encoding="utf-8")
        assert "rev: main" not in text, f"{doc.name} pins pre-commit to a branch"
        assert re.search(r"rev: v\d+\.\d+\.\d+", text), f"{doc.name} shows no rev pinned to a tag"
        assert "--strict" in text
