"""`procflow agenda` at scale: the whole command, as a process, over 100,000 instances against 1,000.

Each store holds that many instances, half of them open, each open one with a due time spread
over a week around the clock the command is given (PROCFLOW_NOW): one real meeting-service
instance is started and worked to its set-up deadline through the engine, then copied under
new ids with the store's own columns (instance row and snapshot, start event, due row; the
later events are left out, as the agenda never reads events). The two commands run
interleaved, so a busy moment hurts both alike; medians and their ratio are printed.

Goals: at most 100 ms for the whole command with 100,000 instances, and at most 1.5x its time
with 1,000. Run from a checkout: `python bench/agenda.py [--instances N] [--small N] [--runs N]`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROCFLOW = Path(sys.executable).with_name("procflow")
T0 = datetime(2026, 3, 9, 9, 0, tzinfo=timezone(timedelta(hours=8)))
WEEK = 7 * 24 * 60  # minutes over which the due times are spread: a day back, six ahead
OPERATORS = 20
ANSWERS = {
    "meeting_start": "2026-03-09T10:00", "meeting_place": "Room 3", "organiser_dept": "Sales",
    "need_name_plates": False, "need_laptop": False, "need_projector": False, "need_recorder": False,
    "need_tea": True, "need_drinks": False, "departments_notified": "IT",
}  # fmt: skip


def fill(path: Path, count: int) -> float:
    """A store of `count` instances, half open with one due row each; seconds it took."""
    from procflow.engine.base.stamps import stamp
    from procflow.engine.desk.instances import Desk
    from procflow.engine.runtime.driver import Driver, Missing
    from procflow.engine.store.records import ID_ALPHABET, ID_LENGTH
    from procflow.engine.store.sqlite import SQLiteStore

    began = time.perf_counter()
    with SQLiteStore(path) as store:
        desk = Desk(store, actor="op0", lang="en", clock=lambda: T0 - timedelta(minutes=10))
        real = desk.start("art1-meeting-service")
        driver = Driver(ANSWERS, [], {})
        while real.view().state != "set_up":
            plan = driver.plan(real.view())
            assert not isinstance(plan, Missing), plan
            desk.step(real, answers=plan.answers, check=plan.check, skip=plan.skip)
        row = store.db.execute(
            "SELECT procedure_id, hash, pins, state, role, version, snapshot FROM instances WHERE id = ?",
            (real.id,),
        ).fetchone()
        events = store.db.execute(
            "SELECT seq, at, actor, role, kind, from_state, to_state, answers, items, move,"
            " note, body FROM events WHERE instance = ?",
            (real.id,),
        ).fetchall()
        [due] = store.db.execute(
            "SELECT procedure, state, deadline, kind, every, role, text FROM due WHERE instance = ?",
            (real.id,),
        ).fetchall()
        rng = random.Random(5)
        taken = {real.id}
        instances, logs, dues = [], [], []
        for n in range(count - 1):
            ident = "".join(rng.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
            while ident in taken:
                ident = "".join(rng.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
            taken.add(ident)
            owner = f"op{n % OPERATORS}"
            status = "open" if n % 2 else rng.choice(("finished", "cancelled"))
            at = stamp(T0 - timedelta(minutes=rng.randrange(WEEK)))
            instances.append((ident, row[0], row[1], row[2], status, row[3], row[4], row[5], row[6], at, owner,
                              at, owner, owner))  # fmt: skip
            logs.append((ident, *events[0]))  # its start: the agenda reads no events, so no more are copied
            if status == "open":
                due_at = stamp(T0 + timedelta(minutes=rng.randrange(-24 * 60, WEEK - 24 * 60)))
                dues.append((ident, due[0], due[1], due[2], due[3], due_at, due[4], due[5], due[6], owner))
        with store.write() as db:
            db.executemany(
                "INSERT INTO instances (id, procedure_id, hash, pins, status, state, role, version,"
                " snapshot, created_at, created_by, updated_at, updated_by, owner)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                instances,
            )
            db.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", logs)
            db.executemany(
                "INSERT INTO due (instance, procedure, state, deadline, kind, due_at, every, role, text,"
                " owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                dues,
            )
        store.db.execute("ANALYZE")
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - began


def wall(command: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - began


def plan(path: Path) -> str:
    """How SQLite reads the agenda's rows: it must walk the due_at index, not sort the table."""
    import sqlite3

    db = sqlite3.connect(path)
    rows = db.execute(
        "EXPLAIN QUERY PLAN SELECT instance, procedure, state, deadline, kind, due_at, every, role,"
        " text, owner, assignee FROM due WHERE due_at <= ? ORDER BY due_at, instance,"
        " state, deadline LIMIT 21",
        ("2026-03-09T02:00:00.000Z",),
    ).fetchall()
    db.close()
    return "; ".join(str(r[-1]) for r in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=100_000, help="instances in the big store")
    parser.add_argument("--small", type=int, default=1_000, help="instances in the small store")
    parser.add_argument("--runs", type=int, default=31, help="processes timed per store")
    options = parser.parse_args(argv)
    os.chdir(ROOT)
    # an installed procflow has its bytecode compiled; a checkout compiles it here once
    subprocess.run(
        [
            sys.executable,
            "-m",
            "compileall",
            "-q",
            "engine",
            "terminal",
            "cli.py",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    with tempfile.TemporaryDirectory() as tmp:
        small, big = Path(tmp) / "small.db", Path(tmp) / "big.db"
        small_fill, big_fill = fill(small, options.small), fill(big, options.instances)
        base = dict(
            os.environ, PROCFLOW_USER="bench", NO_COLOR="1", PROCFLOW_NOW=T0.isoformat(), LANG="en_US.UTF-8"
        )
        base.pop("PROCFLOW_SITE", None)
        command = [str(PROCFLOW), "agenda"]
        envs = {name: dict(base, PROCFLOW_DB=str(path)) for name, path in (("small", small), ("big", big))}
        shown = {name: subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
                 for name, env in envs.items()}  # fmt: skip
        samples: dict[str, list[float]] = {"pass": [], "small": [], "big": []}
        for _ in range(options.runs):  # interleaved: load on the machine falls on all three alike
            samples["pass"].append(wall([sys.executable, "-c", "pass"], base))
            for name, env in envs.items():
                samples[name].append(wall(command, env))
        size = big.stat().st_size / 2**20
        read = plan(big)
    python, low, high = (statistics.median(samples[k]) for k in ("pass", "small", "big"))
    ratio = high / low
    print(
        f"procflow agenda, whole process, median of {options.runs} runs (load average "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)"
    )
    print(
        f"  stores built in           {small_fill:.1f} s ({options.small:,}) and {big_fill:.1f} s "
        f"({options.instances:,}, {size:.0f} MiB)"
    )
    print(f"  python -c pass            {python * 1e3:.1f} ms")
    for name, count, median in (("small", options.small, low), ("big", options.instances, high)):
        lines = shown[name].splitlines()
        print(
            f"  {count:>7,} instances        {median * 1e3:.1f} ms (min {min(samples[name]) * 1e3:.1f}); "
            f"shows: {lines[0]} / {lines[-1] if len(lines) > 1 else ''}"
        )
    print(f"  ratio                     {ratio:.2f}x")
    print(f"  query plan                {read}")
    print(
        f"  goal: at most 100 ms with {options.instances:,} instances (measured {high * 1e3:.1f} ms) — "
        f"{'met' if high <= 0.1 else 'NOT met'}"
    )
    print(
        f"  goal: at most 1.5x the time with {options.small:,} (measured {ratio:.2f}x) — "
        f"{'met' if ratio <= 1.5 else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
