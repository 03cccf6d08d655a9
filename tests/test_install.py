"""Installing procflow: from a wheel into a fresh virtualenv, and as a pre-commit hook.

The slow test builds the wheel, installs it into a fresh virtualenv (dependencies from the
package index) and runs the installed `procflow` from a directory outside the checkout. The
hook test reads `.pre-commit-hooks.yaml` and runs its entry the way pre-commit would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path
from typing import Any

import pytest
from procflow.engine.check import catalog

REPO = Path(__file__).resolve().parent.parent


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that could point the installed copy back at the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PROCFLOW_PATH", "VIRTUAL_ENV")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", NO_COLOR="1", **extra)
    return env


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False)


@pytest.mark.slow
def test_wheel_install_lists_and_validates_the_bundled_procedures(tmp_path: Path) -> None:
    env = clean_env(PROCFLOW_DB=str(tmp_path / "procflow.db"), PROCFLOW_USER="tester")
    dist = tmp_path / "dist"
    built = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)], tmp_path, env
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("procflow-*.whl")

    bundled = sorted(
        p.relative_to(REPO / "procedures").as_posix() for p in catalog.procedure_files(REPO / "procedures")
    )
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    # exactly one top-level import name: everything but the metadata lives under procflow/
    top = {name.split("/")[0] for name in names if ".dist-info/" not in name}
    assert top == {"procflow"}, top
    assert not any(name.endswith("__init__.py") and name.count("/") == 1 for name in names)  # a namespace
    assert "procflow/cli.py" in names and "procflow/schemas/procedure.schema.json" in names
    assert {f"procflow/procedures/{name}" for name in bundled} <= names
    # the web desk's templates and static files ship in the package: nothing is fetched at run time
    web_files = {
        p.relative_to(REPO).as_posix()
        for p in (REPO / "web").rglob("*")
        if p.is_file() and p.suffix != ".pyc"
    }
    assert {"web/templates/base.html", "web/static/htmx.min.js", "web/static/app.css"} <= web_files
    assert {f"procflow/{name}" for name in web_files} <= names
    assert not any(
        name.startswith(("procflow/tests/", "procflow/docs/", "procflow/bench/")) for name in names
    )

    target = tmp_path / "venv"
    venv.create(target, with_pip=True)
    bin_dir = target / ("Scripts" if os.name == "nt" else "bin")
    installed = run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)], tmp_path, env)
    assert installed.returncode == 0, installed.stderr
    record = next((target / "lib").glob("python3*/site-packages/procflow-*.dist-info/RECORD"))
    added = {line.split(",")[0].split("/")[0] for line in record.read_text(encoding="utf-8").splitlines()}
    assert {name for name in added if not name.endswith(".dist-info") and name != ".."} == {"procflow"}

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    procflow = str(bin_dir / "procflow")
    listed = run([procflow, "list", "--json"], elsewhere, env)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    expected = set(
        catalog.index_files((p, "bundled") for p in catalog.procedure_files(REPO / "procedures")).entries
    )
    assert {row["id"] for row in rows} == expected
    for row in rows:
        assert Path(row["path"]).is_relative_to(target), row["path"]  # the installed copy, not the checkout
        assert row["origin"] == "bundled"

    checked = run([procflow, "validate"], elsewhere, env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.splitlines()[-1] == f"{len(bundled)} files checked: no problems"

    if rows:  # the installed copy prints them too (its own modules and bundled data only)
        for args in (["show", rows[0]["id"]], ["graph", rows[0]["id"]], ["status"]):
            shown = run([procflow, *args], elsewhere, env)
            assert shown.returncode == 0, shown.stderr

    # without the `web` extra the web desk says what to install, in one line (exit 2)
    served = run([procflow, "serve", "--check"], elsewhere, env)
    assert served.returncode == 2, served.stdout + served.stderr
    assert "pip install 'procflow[web]'" in served.stderr and "Traceback" not in served.stderr

    version = run([procflow, "--version"], elsewhere, env)
    assert version.returncode == 0 and "procflow" in version.stdout

    # a scripted run of a bundled procedure, from the installed copy in another directory
    answers = REPO / "docs" / "examples" / "runs" / "car-service.yaml"
    timed = {**env, "PROCFLOW_NOW": "2026-03-09T09:00+08:00"}
    ran = run([procflow, "run", "art2-car-service", "--answers", str(answers), "--json"], elsewhere, timed)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert json.loads(ran.stdout.splitlines()[-1])["status"] == "finished"

    # nothing but procflow became importable: no cli, engine, terminal, tests or bench
    probe = (
        "import importlib.util, sys\n"
        "names = ('procflow', 'procflow.cli', 'cli', 'engine', 'terminal', 'commands', 'tests', 'bench')\n"
        "print(' '.join(n for n in names if importlib.util.find_spec(n) is not None))\n"
    )
    found = run([str(bin_dir / "python"), "-c", probe], elsewhere, env)
    assert found.stdout.split() == ["procflow", "procflow.cli"], found.stdout + found.stderr


def test_pre_commit_hook_runs_validate_on_procedure_files(run_cli: Any, tmp_path: Path) -> None:
    import re
    import tomllib

    import click
    import yaml
    from procflow import cli

    hooks = {
        h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    }
    hook = hooks["procflow-validate"]
    assert hook["language"] == "python"  # pre-commit installs this repository into its own venv
    assert hook["types"] == ["yaml"] and hook["require_serial"] is True
    script, command = hook["entry"].split()
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts[script] == "procflow.cli:main" and command in cli.cli.list_commands(click.Context(cli.cli))

    files = re.compile(hook["files"])  # pre-commit searches the repository-relative path
    for path in ("procedures/a.yaml", "hotel/procedures/phone/b.yml"):
        assert files.search(path), path
    for path in (".pre-commit-config.yaml", "docs/x.yaml", "my-procedures.yaml"):
        assert not files.search(path), path

    # pre-commit appends the staged file names to the entry
    good = REPO / "tests" / "fixtures" / "valid" / "visitor.yaml"
    assert run_cli(command, str(good)).exit_code == 0
    bad = tmp_path / "procedures" / "bad.yaml"
    bad.parent.mkdir()
    bad.write_text(good.read_text(encoding="utf-8").replace("next: done", "next: gone"), encoding="utf-8")
    result = run_cli(command, str(good), str(bad))
    assert result.exit_code == 1
    assert "target state 'gone' does not exist" in result.output
