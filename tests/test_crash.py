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
import threading
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


# --- kills between the answers of one step ----------------------------------------------------

FORM = REPO / "tests" / "fixtures" / "crash" / "form.yaml"
DRAFT_KILLS = 200
LANES = 2  # instances driven at once, each by its own process, on one database


class Operator:
    """One `procflow resume` on a pipe, answered prompt by prompt as an operator would: each
    answer is typed only once the prompt is on screen, so an answer is *confirmed* when the
    next prompt appears (procflow printed it after keeping the answer)."""

    def __init__(self, db: Path, ident: str, user: str) -> None:
        self.process = subprocess.Popen(
            [str(PROCFLOW), "resume", ident, "--lang", "en"],
            env=environment(db, user),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.seen = ""

    def prompt(self, timeout: float = 30.0) -> str | None:
        """The text since the last answer, once procflow waits for the next one (None: it ended)."""
        import select

        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + timeout
        while not self.seen.endswith(("]", ">")):
            assert time.monotonic() < deadline, f"no prompt:\n{self.seen}"
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    return None
                self.seen += chunk.decode("utf-8", errors="replace")
        text, self.seen = self.seen, ""
        return text

    def type(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=60)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


def kept(db: Path, ident: str) -> set[str]:
    """Every answer value the store holds for the instance: its drafts and its answer events."""
    connection = sqlite3.connect(db, timeout=30)
    try:
        values = {
            json.loads(v)
            for (v,) in connection.execute(
                "SELECT value FROM drafts WHERE instance = ? AND kind = 'answer'", (ident,)
            )
        }
        for (answers,) in connection.execute(
            "SELECT answers FROM events WHERE instance = ? AND kind = 'answer'", (ident,)
        ):
            values.update(json.loads(answers).values())
    finally:
        connection.close()
    return values


def drive_until_killed(db: Path, ident: str, lane: int, rng: random.Random, counter: list[int]) -> set[str]:
    """Resume the instance and answer on, then SIGKILL it after a random number of confirmed
    answers, at a random moment: while it waits for the next answer, or just after one was typed
    (while it is being kept). The answers confirmed before the kill."""
    operator = Operator(db, ident, f"lane{lane}")
    confirmed: set[str] = set()
    pending: str | None = None
    stop_after = rng.randint(0, 9)
    while True:
        text = operator.prompt()
        if text is None:  # it ended on its own: cannot happen while the form goes round
            raise AssertionError("the run ended before it was killed")
        if pending is not None:
            confirmed.add(pending)  # the next prompt is on screen: the answer was kept
            pending = None
        if len(confirmed) >= stop_after:
            if rng.random() < 0.5:  # type one more and kill while it is being kept
                counter[0] += 1
                operator.type(f"v{lane}-{counter[0]}" if text.endswith(">") and "choose" not in text else "y")
                time.sleep(rng.uniform(0, 0.004))
            operator.kill()
            return confirmed
        if "choose" in text.rsplit("\n", 1)[-1]:
            operator.type("1")  # another form: the loop never ends by itself
        elif text.endswith("]"):
            operator.type("y")
        else:
            counter[0] += 1
            pending = f"v{lane}-{counter[0]}"
            operator.type(pending)


def test_sigkill_between_answers_of_a_step_loses_no_confirmed_answer(tmp_path: Path) -> None:
    db = tmp_path / "drafts.db"
    idents = []
    for lane in range(LANES):
        started = subprocess.run(
            [str(PROCFLOW), "run", str(FORM), "--lang", "en", "--json"],
            env=environment(db, f"lane{lane}"),
            input="",
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        idents.append(json.loads(started.stdout.splitlines()[-1])["instance"])
    seed = int(os.environ.get("PROCFLOW_CRASH_SEED", random.randrange(1 << 30)))
    rngs = [random.Random(seed + lane) for lane in range(LANES)]
    counter = [0]
    kills = 0
    all_confirmed = 0
    lost: list[tuple[str, str]] = []

    lock = threading.Lock()

    def lane_loop(lane: int) -> None:
        nonlocal kills, all_confirmed
        ever: set[str] = set()  # every answer confirmed on this lane, by every process so far
        while True:
            with lock:
                if kills >= DRAFT_KILLS:
                    return
                kills += 1
            confirmed = drive_until_killed(db, idents[lane], lane, rngs[lane], counter)
            ever |= confirmed
            # all of them, not only this process's: a resume that asked a kept answer again
            # would replace its draft and lose it
            missing = ever - kept(db, idents[lane])
            with lock:
                all_confirmed += len(confirmed)
                lost.extend((idents[lane], value) for value in sorted(missing))
            ever -= missing  # each loss counted once

    threads = [threading.Thread(target=lane_loop, args=(lane,)) for lane in range(LANES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(
        f"\n{kills} kills between answers, {all_confirmed} confirmed answers, {len(lost)} lost (seed {seed})"
    )
    assert kills >= DRAFT_KILLS
    assert all_confirmed > DRAFT_KILLS, f"too few answers were confirmed to mean anything (seed {seed})"
    assert lost == [], f"confirmed answers lost: {lost[:5]} (seed {seed})"
    verified = procflow(db, "verify", "--json")
    assert verified.returncode == 0 and json.loads(verified.stdout)["ok"], (seed, verified.stdout)
