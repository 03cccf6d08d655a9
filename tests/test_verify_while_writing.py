"""`verify` while another process steps instances: it reads each instance (its row, its events,
its due rows) in one read transaction, so a step saved in between is wholly seen or not at all,
and it never reports damage that is not there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from procflow.engine.desk.audit import verify
from procflow.engine.store.sqlite import SQLiteStore

REPO = Path(__file__).resolve().parent.parent
RUN_DIR = REPO / "tests" / "fixtures" / "run"

pytestmark = pytest.mark.slow
CLI = "from procflow import cli; cli.main()"

# One lap of the shift procedure: back at the first state after the last step.
LAP = [
    ["--check", "lights", "--set", "guests=2"],
    [],  # acknowledge the greeting of the phone sub-procedure
    ["--set", "caller=Ms Lin", "--set", "urgent=no"],
    ["--check", "write"],
    ["--move", "reopen"],
]

# Steps the given instances round after round until the stop file appears; prints how many.
# Each step is the `procflow step` command, run in this one process to step quickly.
STEPPER = """
import contextlib, io, json, os, sys
from procflow import cli
stop, ids, laps = sys.argv[1], sys.argv[2].split(","), json.loads(sys.argv[3])
done = 0
while not os.path.exists(stop):
    for args in laps:
        for ident in ids:
            with contextlib.redirect_stdout(io.StringIO()):
                try:
                    cli.cli.main(["step", ident, *args], prog_name="procflow")
                except SystemExit as exit:
                    assert not exit.code, (ident, args, exit.code)
            done += 1
print(done)
"""


def environment(db: Path) -> dict[str, str]:
    return {**os.environ, "PROCFLOW_DB": str(db), "PROCFLOW_USER": "ann", "NO_COLOR": "1", "LANG": "C.UTF-8"}


def start(db: Path, tmp_path: Path) -> str:
    nothing = tmp_path / "nothing.json"
    nothing.write_text("{}", encoding="utf-8")
    started = subprocess.run(
        [
            sys.executable,
            "-c",
            CLI,
            "run",
            "sample-shift",
            "--dir",
            str(RUN_DIR),
            "--answers",
            str(nothing),
            "--json",
        ],
        env=environment(db),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert started.returncode == 1, started.stderr  # stops at the first question
    return str(json.loads(started.stdout.splitlines()[-1])["instance"])


def test_verify_never_reports_damage_while_another_process_steps(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    ids = [start(db, tmp_path) for _ in range(3)]
    stop = tmp_path / "stop"
    stepper = subprocess.Popen(
        [sys.executable, "-c", STEPPER, str(stop), ",".join(ids), json.dumps(LAP)],
        env=environment(db),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reports = 0
    try:
        with SQLiteStore(db) as store:
            deadline = time.monotonic() + 6
            while time.monotonic() < deadline and stepper.poll() is None:
                report = verify(store)
                assert report.ok, report.mismatches
                assert report.checked == len(ids)
                reports += 1
    finally:
        stop.touch()
        out, err = stepper.communicate(timeout=60)
    assert stepper.returncode == 0, err
    assert int(out) > 20 and reports > 20, (out, reports)  # both really ran side by side
    with SQLiteStore(db) as store:
        assert verify(store).ok
