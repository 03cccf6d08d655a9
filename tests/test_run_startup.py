"""`procflow run` on its way to the first prompt: a file that passed every check before is
started from its kept data (`engine/check/started.py`) without YAML, the schema check, the
rules or `transitions`, and anything else is checked in full, as it always was."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from procflow.engine.base.paths import cache_dir

ROOT = Path(__file__).resolve().parent.parent
VISITOR = ROOT / "tests" / "fixtures" / "valid" / "visitor.yaml"
HEAVY = ("yaml", "jsonschema", "fastjsonschema", "transitions", "procflow.engine.rules")
PROBE = (
    "import sys\nfrom procflow import cli\n"
    "try:\n    cli.cli.main(sys.argv[1:], prog_name='procflow')\n"
    "except SystemExit as exc:\n    code = exc.code\n"
    f"heavy = sorted(m for m in {HEAVY!r} if m in sys.modules)\n"
    "print('exit', code, 'heavy:', ','.join(heavy), file=sys.stderr)\n"
)


def start(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`procflow run ARGS` with no input: it stops at the first prompt (exit 1, input ended)."""
    env = {
        **os.environ,
        "PROCFLOW_DB": str(tmp_path / "procflow.db"),
        "PROCFLOW_USER": "ann",
        "PROCFLOW_CACHE_DIR": str(tmp_path / "cache"),
        "NO_COLOR": "1",
    }
    return subprocess.run(
        [sys.executable, "-c", PROBE, "run", *args, "--lang", "en"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )


def heavy(done: subprocess.CompletedProcess[str]) -> str:
    return done.stderr.rstrip().rsplit("heavy:", 1)[1].strip()


def test_an_unchanged_file_starts_without_yaml_schema_rules_or_transitions(tmp_path: Path) -> None:
    copy = tmp_path / "visitor.yaml"
    copy.write_bytes(VISITOR.read_bytes())
    first, second = start(tmp_path, str(copy)), start(tmp_path, str(copy))
    assert "yaml" in heavy(first) and "procflow.engine.rules" in heavy(first)  # checked in full
    assert heavy(second) == ""  # the same bytes passed: nothing but the model is built
    for done in (first, second):
        assert "exit 1 " in done.stderr and "input ended" in done.stderr
    # the same first screen, and two instances in the store
    assert first.stdout.split("\n", 1)[1] == second.stdout.split("\n", 1)[1]
    assert first.stdout.split()[1] != second.stdout.split()[1]


def test_a_procedure_by_id_starts_as_fast_once_its_file_passed(tmp_path: Path) -> None:
    folder = tmp_path / "procedures"
    folder.mkdir()
    (folder / "visitor.yaml").write_bytes(VISITOR.read_bytes())
    first, second = (
        start(tmp_path, "sample-visitor", "--dir", str(folder)),
        start(tmp_path, "sample-visitor", "--dir", str(folder)),
    )
    assert "yaml" in heavy(first) and heavy(second) == ""  # the index knows the id; the bytes passed
    assert "input ended" in second.stderr and "Visitor reception" in second.stdout


def test_a_file_changed_since_it_passed_is_checked_again(tmp_path: Path) -> None:
    copy = tmp_path / "visitor.yaml"
    text = VISITOR.read_text(encoding="utf-8")
    copy.write_text(text, encoding="utf-8")
    assert "exit 1 " in start(tmp_path, str(copy)).stderr
    broken = text.replace("initial: ", "initial: nowhere_", 1)
    assert broken != text
    copy.write_text(broken, encoding="utf-8")
    refused = start(tmp_path, str(copy))
    assert "cannot be started" in refused.stderr and "yaml" in heavy(refused)
    assert "instance" not in refused.stdout


def test_a_file_that_uses_another_is_checked_in_full_every_time(tmp_path: Path) -> None:
    path = ROOT / "procedures" / "art3-visitor-reception.yaml"
    for _ in range(2):
        done = start(tmp_path, str(path))
        assert "input ended" in done.stderr and "yaml" in heavy(done)


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG rule is the Linux one")
@pytest.mark.parametrize("xdg", [None, "/tmp/xdg-cache", "relative/cache"])
def test_the_cache_folder_is_where_platformdirs_puts_it(
    xdg: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from platformdirs import user_cache_dir

    monkeypatch.delenv("PROCFLOW_CACHE_DIR")
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert cache_dir("x") == Path(user_cache_dir("procflow", appauthor=False), "x")
