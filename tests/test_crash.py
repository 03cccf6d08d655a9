"""Kill `procflow` with SIGKILL at random moments mid-run, many times; nothing may be lost.

Real processes of the console script, two at a time on one database (so they also contend
for it, and the first ones race to create it). Afterwards every instance's event log must be
an exact prefix of an uninterrupted run's (no event lost, none duplicated, none half-written),
SQLite's integrity_check and `procflow verify` must pass, and every instance left open must
resume at its last completed step and finish.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
PROCFLOW = Path(sys.executable).with_name("procflow")
RUN_DIR = REPO / "tests" / "fixtures" / "run"
LOOPS = 80  # each loop is five saved steps: a run is a few hundred transactions long
KILLS = 32

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PROCFLOW.exists(), reason="the procflow console script is not installed"),
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
]


def environment(db: Path, user: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(PROCFLOW_DB=str(db), PROCFLOW_USER=user, NO_COLOR="1", PROCFLOW_LOCK_TIMEOUT="20")
    env.pop("PROCFLOW_PATH", None)
    return env


def procflow(db: Path, *args: str, user: str = "crash") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PROCFLOW), *args],
        env=environment(db, user),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def signature(events: list[dict[str, Any]]) -> list[str]:
    """What each event did, without when and by whom."""
    keys = ("kind", "from", "to", "move", "answers", "items", "note", "via", "outcome")
    return [json.dumps([e.get(k) for k in keys], ensure_ascii=False, sort_keys=True) for e in events]


def history(db: Path, ident: str) -> dict[str, Any]:
    """The instance's row and its events as stored (read directly: fast, and independent of the CLI)."""
    connection = sqlite3.connect(db)
    try:
        state, status = connection.execute(
            "SELECT state, status FROM instances WHERE id = ?", (ident,)
        ).fetchone()
        rows = connection.execute(
            "SELECT seq, body FROM events WHERE instance = ? ORDER BY seq", (ident,)
        ).fetchall()
    finally:
        connection.close()
    return {
        "state": state,
        "status": status,
        "events": [dict(json.loads(body), seq=seq) for seq, body in rows],
    }


def open_instances(db: Path) -> int:
    if not db.exists():
        return 0
    connection = sqlite3.connect(db)
    try:
        return int(connection.execute("SELECT count(*) FROM instances WHERE status = 'open'").fetchone()[0])
    except sqlite3.Error:  # not created yet: every kill so far landed before the first write
        return 0
    finally:
        connection.close()


def test_sigkill_at_random_moments_loses_nothing(tmp_path: Path) -> None:
    answers = tmp_path / "loop.json"
    answers.write_text(
        json.dumps(
            {
                "answers": {"guests": 2, "caller": "Ms Lin", "urgent": "no"},
                "moves": ["reopen"] * LOOPS + ["close"],
            }
        ),
        encoding="utf-8",
    )
    finish = tmp_path / "finish.json"  # a resumed instance goes round once more and closes
    finish.write_text(
        json.dumps({"answers": {"guests": 2, "caller": "Ms Lin", "urgent": "no"}, "moves": ["close"]}),
        encoding="utf-8",
    )
    run = ["run", "sample-shift", "--dir", str(RUN_DIR), "--answers", str(answers), "--json"]

    reference_db = tmp_path / "reference.db"
    began = time.monotonic()
    whole = procflow(reference_db, *run)
    duration = time.monotonic() - began
    assert whole.returncode == 0, whole.stderr
    reference = signature(
        history(reference_db, json.loads(whole.stdout.splitlines()[-1])["instance"])["events"]
    )

    seed = int(os.environ.get("PROCFLOW_CRASH_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    db = tmp_path / "crash.db"
    killed = 0
    # On a loaded machine more kills land during start-up; go on (bounded) until enough landed
    # mid-run for the resume checks below to mean something.
    while killed < KILLS or (open_instances(db) < KILLS // 4 and killed < 4 * KILLS):
        pair = [
            subprocess.Popen(
                [str(PROCFLOW), *run],
                env=environment(db, f"op{killed + n}"),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for n in range(2)
        ]
        started = time.monotonic()
        # most kills land while steps are being saved, some during start-up or the first write
        moments = sorted((rng.uniform(0.3, 1.0) * duration, n) for n in range(2))
        for moment, n in moments:
            time.sleep(max(0.0, started + moment - time.monotonic()))
            pair[n].send_signal(signal.SIGKILL)
        for process in pair:
            process.wait(timeout=60)
            killed += 1

    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)], f"seed {seed}"
    ids = [row[0] for row in connection.execute("SELECT id FROM instances ORDER BY created_at")]
    connection.close()
    assert ids, f"no instance survived long enough to be created (seed {seed}); the test needs tuning"
    verified = procflow(db, "verify", "--json")
    assert verified.returncode == 0 and json.loads(verified.stdout)["ok"], (seed, verified.stdout)

    resumed_mid_run = 0
    for ident in ids:
        before = history(db, ident)
        events = signature(before["events"])
        assert events == reference[: len(events)], (
            f"instance {ident}: its events are not a prefix (seed {seed})"
        )
        assert [e["seq"] for e in before["events"]] == list(range(1, len(events) + 1))
        if before["status"] != "open":
            continue
        resumed = procflow(db, "resume", ident, "--answers", str(finish), "--json")
        assert resumed.returncode == 0, (seed, resumed.stderr)
        assert json.loads(resumed.stdout.splitlines()[-1])["status"] == "finished"
        after = history(db, ident)
        assert signature(after["events"])[: len(events)] == events, f"resume rewrote history (seed {seed})"
        assert after["events"][len(events)]["from"] == before["state"], (
            f"instance {ident} did not resume at {before['state']!r} (seed {seed})"
        )
        resumed_mid_run += 1

    verified = procflow(db, "verify")
    assert verified.returncode == 0, (seed, verified.stdout)
    assert resumed_mid_run >= KILLS // 4, f"only {resumed_mid_run} kills landed mid-run (seed {seed})"
