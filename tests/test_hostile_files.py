"""Files that change under procflow's feet: a procedure file an instance started from may later
be a named pipe, a symlink to /dev/zero, a 3 GiB file, a directory or gone. Every desk command
that looks at it reads it bounded and never blocks; status says it changed or was removed."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VISITOR = ROOT / "tests" / "fixtures" / "valid" / "visitor.yaml"
PARTIAL = ROOT / "docs" / "examples" / "run" / "visitor-partial.yaml"
MEMORY_LIMIT = 512 << 20  # far below what reading /dev/zero or a 3 GiB file would take


def procflow(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    return subprocess.run(
        [sys.executable, "-c", "from procflow import cli; cli.main()", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,  # a FIFO that blocked the command would hang it for ever
        preexec_fn=limit,
        check=False,
    )


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "huge", "directory", "missing"])
def test_desk_commands_never_read_a_changed_procedure_file_unbounded(kind: str, tmp_path: Path) -> None:
    env = {**os.environ, "PROCFLOW_DB": str(tmp_path / "db"), "PROCFLOW_USER": "amy", "NO_COLOR": "1"}
    source = tmp_path / "visitor.yaml"
    shutil.copy(VISITOR, source)
    started = procflow("run", str(source), "--answers", str(PARTIAL), "--json", env=env)
    instance = json.loads(started.stdout.splitlines()[-1])["instance"]
    source.unlink()
    if kind == "fifo":
        os.mkfifo(source)
    elif kind == "dev-zero":
        source.symlink_to("/dev/zero")
    elif kind == "huge":
        with open(source, "wb") as handle:
            handle.truncate(3 << 30)  # sparse: 3 GiB that cost nothing to make
    elif kind == "directory":
        source.mkdir()
    expected = "removed" if kind == "missing" else "changed"

    status = procflow("status", "--json", env=env)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["open"][0]["procedure_file"] == expected

    resumed = procflow("step", instance, "--set", "visitor_name=Lin", "--json", env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert f"was {expected} after this instance started" in resumed.stderr
