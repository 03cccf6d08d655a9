"""Sections (b), (c), (d) and (e) of bench/engine.py: the store and the command line.

(b) persisted step latency: one `Desk.step` (session step + one SQLite transaction) at the
    default durability, `normal` (WAL, synchronous=NORMAL), beside `full` and a bare commit;
    and by history: the step of an instance with 1,000 and 10,000 events against a fresh one's.
(c) scale: `status` of one operator's work and `resume` of one instance with 100,000
    instances in the store (half open) against the same with 100.
(d) CLI start: whole-process wall time of `procflow --help` and `procflow status` against
    `python -c pass`, what `status` imports, and the peak memory of a scripted `run`.
(e) drafts: one answer kept as the operator confirms it (`engine.desk.drafts.save_answer`: the
    answer checked, then one SQLite transaction guarded by the instance's version), persisted.
Run through bench/engine.py (`--only b`, ..., `--only e`), or this file alone.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import redirect_stdout
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

SHIFT = ROOT / "tests" / "fixtures" / "run" / "shift.yaml"
PROCFLOW = Path(sys.executable).with_name("procflow")
T0 = datetime(2026, 3, 9, 9, 0, tzinfo=timezone(timedelta(hours=8)))
OPERATORS = 20
MINE = 24  # op7's own instances, half open: the same work whatever the size of the store


class Section:
    """A title, rows of (label, value) and goals; `render()` as bench/engine.py prints it."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.rows: list[tuple[str, str]] = []
        self.goals: list[tuple[str, bool]] = []

    def render(self) -> str:
        width = max((len(label) for label, _ in self.rows), default=0)
        lines = [self.title]
        lines += [f"  {label.ljust(width)}  {value}" for label, value in self.rows]
        lines += [f"  goal: {text} — {'met' if ok else 'NOT met'}" for text, ok in self.goals]
        return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--steps", type=int, default=3000, help="persisted steps timed (section b)")
    parser.add_argument(
        "--history-samples", type=int, default=300, help="steps timed per history size (section b)"
    )
    parser.add_argument(
        "--instances", type=int, default=100_000, help="instances in the big store (section c)"
    )
    parser.add_argument("--starts", type=int, default=21, help="process starts timed per command (section d)")
    parser.add_argument("--drafts", type=int, default=3000, help="answers kept as drafts (section e)")


def _clock() -> Callable[[], datetime]:
    moment = [T0]

    def tick() -> datetime:
        moment[0] += timedelta(seconds=1)
        return moment[0]

    return tick


def _loop_script(loops: int) -> Any:
    from procflow.engine.runtime.script import Script

    return Script({"guests": 2, "caller": "Ms Lin", "urgent": "no"}, ("reopen",) * loops + ("close",), {})


# --- (b) --------------------------------------------------------------------------------------


def _step_times(durability: str, steps: int, folder: Path) -> list[float]:
    from procflow.engine.desk.instances import Desk
    from procflow.engine.runtime.driver import Driver, Missing
    from procflow.engine.store.sqlite import SQLiteStore

    times: list[float] = []
    with SQLiteStore(folder / f"b-{durability}.db", durability=durability) as store:
        desk = Desk(store, actor="bench", lang="en", clock=_clock())
        while len(times) < steps:
            opened = desk.start(str(SHIFT))
            script = _loop_script(5)  # instances of a realistic length: about 30 steps each
            driver = Driver(script.answers, script.moves, script.skip)
            while opened.status == "open" and len(times) < steps:
                plan = driver.plan(opened.view())
                assert not isinstance(plan, Missing), plan
                began = time.perf_counter()
                desk.step(opened, answers=plan.answers, check=plan.check, skip=plan.skip, move=plan.move)
                times.append(time.perf_counter() - began)
    return times


def _bare_commits(folder: Path, count: int = 2000) -> list[float]:
    db = sqlite3.connect(folder / "bare.db", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE t (x INTEGER)")
    times = []
    for n in range(count):
        began = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t VALUES (?)", (n,))
        db.execute("COMMIT")
        times.append(time.perf_counter() - began)
    db.close()
    return times


HISTORY_SIZES = (1_000, 10_000)  # events of the instances whose step is set against a fresh one's


def _history_times(folder: Path, samples: int) -> dict[str, tuple[list[float], list[float], int]]:
    """For a fresh instance and one with each of HISTORY_SIZES events: (step times, open + step
    times, events at the end). Each sample opens the instance from the store, as `procflow
    step` does, then times `Desk.step`; the sizes take turns sample by sample, so a busy moment
    of the machine hurts them alike. The fresh one is started again once it finishes (it never
    has more than one round of the procedure behind it); the others loop on."""
    from procflow.engine.desk.instances import Desk
    from procflow.engine.runtime.driver import Driver, Missing
    from procflow.engine.store.sqlite import SQLiteStore

    answers = {"guests": 2, "caller": "Ms Lin", "urgent": "no"}
    with SQLiteStore(folder / "history.db") as store:
        desk = Desk(store, actor="bench", lang="en", clock=_clock())
        drivers: dict[str, Driver] = {}
        ids: dict[str, str] = {}

        def begin(name: str, moves: tuple[str, ...]) -> None:
            ids[name] = desk.start(str(SHIFT)).id
            drivers[name] = Driver(answers, moves, {})

        def step(name: str) -> tuple[float, float]:
            began = time.perf_counter()
            opened = desk.open(ids[name])
            plan = drivers[name].plan(opened.view())
            assert not isinstance(plan, Missing), plan
            stepping = time.perf_counter()
            desk.step(opened, answers=plan.answers, check=plan.check, skip=plan.skip, move=plan.move)
            ended = time.perf_counter()
            if opened.status != "open":  # the fresh one finished: a new one takes its place
                begin(name, ("close",))
            return ended - stepping, ended - began

        begin("fresh", ("close",))
        for size in HISTORY_SIZES:
            name = f"{size:,} events"
            begin(name, ("reopen",) * (size + 10 * samples))
            opened = desk.open(ids[name])
            while opened.version < size:  # built by real steps, in one session
                plan = drivers[name].plan(opened.view())
                assert not isinstance(plan, Missing), plan
                desk.step(opened, answers=plan.answers, check=plan.check, skip=plan.skip, move=plan.move)
        found: dict[str, tuple[list[float], list[float], int]] = {name: ([], [], 0) for name in ids}
        for _ in range(samples):
            for name in ids:
                alone, whole = step(name)
                found[name][0].append(alone)
                found[name][1].append(whole)
        return {name: (a, w, store.load(ids[name]).version) for name, (a, w, _) in found.items()}


def section_b(options: argparse.Namespace) -> Section:
    section = Section("(b) persisted step latency: Desk.step = session step + one SQLite transaction")
    steps = getattr(options, "steps", 3000)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        normal = statistics.median(_step_times("normal", steps, folder)) * 1e3
        full = statistics.median(_step_times("full", max(steps // 3, 200), folder)) * 1e3
        bare = statistics.median(_bare_commits(folder)) * 1e3
        history = _history_times(folder, getattr(options, "history_samples", 300))
    section.rows += [
        ("procedure", f"{SHIFT.relative_to(ROOT)} (a sub-procedure, a loop back), {steps} steps"),
        ("median step, durability normal (WAL, synchronous=NORMAL)", f"{normal:.3f} ms"),
        ("median step, durability full (WAL, synchronous=FULL)", f"{full:.3f} ms ({full / normal:.1f}x)"),
        ("median bare commit of one row, WAL + NORMAL", f"{bare:.3f} ms"),
    ]
    section.goals.append(
        (
            f"median persisted step at most 0.5 ms at the default durability 'normal' "
            f"(measured {normal:.3f} ms)",
            normal <= 0.5,
        )
    )
    fresh, fresh_whole = (statistics.median(history["fresh"][i]) for i in (0, 1))
    section.rows.append(
        (
            "by history (median; each size sampled in turn, opened as `procflow step` does)",
            "step  (ratio)  | open + step  (ratio)",
        )
    )
    for name, (alone, whole, events) in history.items():
        step_ms, whole_ms = statistics.median(alone), statistics.median(whole)
        label = (
            "fresh instance (at most one round behind it)"
            if name == "fresh"
            else f"{name} (to {events:,} by the last sample)"
        )
        section.rows.append(
            (
                f"  {label}",
                f"{step_ms * 1e3:.3f} ms  ({step_ms / fresh:.2f}x)  | {whole_ms * 1e3:.3f} ms  "
                f"({whole_ms / fresh_whole:.2f}x)",
            )
        )
    worst = max(statistics.median(a) for a, _, _ in history.values()) / fresh
    section.goals.append(
        (
            f"persisted step at 10,000 events at most 1.5x a fresh instance's "
            f"(measured {statistics.median(history['10,000 events'][0]) / fresh:.2f}x; worst size {worst:.2f}x)",
            statistics.median(history["10,000 events"][0]) / fresh <= 1.5,
        )
    )
    return section


# --- (c) --------------------------------------------------------------------------------------


def _fill(path: Path, count: int) -> tuple[str, str]:
    """A store with `count` instances, half open, over a year: op7 holds MINE of them, the
    other OPERATORS - 1 people the rest. One real instance is copied (its pinned text,
    snapshot and events) under new ids. Returns (an open instance of op7, the real one's id)."""
    from procflow.engine.base.stamps import stamp
    from procflow.engine.desk.instances import Desk
    from procflow.engine.store.records import ID_ALPHABET, ID_LENGTH
    from procflow.engine.store.sqlite import SQLiteStore

    with SQLiteStore(path) as store:
        desk = Desk(store, actor="op7", lang="en", clock=_clock())
        real = desk.start(str(SHIFT))
        desk.step(real, check=["lights"], answers={"guests": 3})
        row = store.db.execute(
            "SELECT procedure_id, hash, pins, state, role, version, snapshot FROM instances WHERE id = ?",
            (real.id,),
        ).fetchone()
        events = store.db.execute(
            "SELECT seq, at, actor, role, kind, from_state, to_state, answers, items, move,"
            " note, body FROM events WHERE instance = ?",
            (real.id,),
        ).fetchall()
        rng = random.Random(7)
        taken = {real.id}
        mine = ""
        with store.write() as db:
            for n in range(count - 1):
                ident = "".join(rng.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
                while ident in taken:
                    ident = "".join(rng.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
                taken.add(ident)
                owner = "op7" if n < MINE - 1 else f"op{n % OPERATORS if n % OPERATORS != 7 else 0}"
                status = "open" if n % 2 else rng.choice(("finished", "cancelled"))
                at = stamp(T0 - timedelta(minutes=rng.randrange(525_600)))
                db.execute(
                    "INSERT INTO instances (id, procedure_id, hash, pins, status, state, role, version,"
                    " snapshot, created_at, created_by, updated_at, updated_by, owner)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        ident,
                        row[0],
                        row[1],
                        row[2],
                        status,
                        row[3],
                        row[4],
                        row[5],
                        row[6],
                        at,
                        owner,
                        at,
                        owner,
                        owner,
                    ),
                )
                db.executemany(
                    "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(ident, *event) for event in events],
                )
                if owner == "op7" and status == "open":
                    mine = ident
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.db.execute("ANALYZE")
    return mine or real.id, real.id


def _time(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def _costs(path: Path, ident: str, repeat: int) -> tuple[float, float, float, int]:
    """Median seconds, on an open store, of `status --by op7` (its queries and its text) and of
    resuming `ident` (reading the row, parsing the pinned text, building the session and its
    view, as a new process does); the whole `procflow status --by op7` process; rows shown."""
    from procflow.engine.desk import audit, pins
    from procflow.engine.desk.instances import Desk
    from procflow.engine.runtime import machine
    from procflow.engine.store.sqlite import SQLiteStore
    from procflow.terminal import listings

    with SQLiteStore(path) as store:

        def status() -> int:
            with redirect_stdout(io.StringIO()):
                report = audit.status(store, person="op7")
                listings.show_status(report, "en", as_json=False)
            return len(report.open) + len(report.recent)

        def resume() -> None:
            pins._parsed.clear()
            machine.cache_clear()
            Desk(store, actor="op7", lang="en").open(ident).view()

        listed = status()
        in_status, in_resume = _time(status, repeat), _time(resume, repeat)
    env = dict(os.environ, PROCFLOW_DB=str(path), NO_COLOR="1")
    command = [str(PROCFLOW), "status", "--by", "op7"]
    process = statistics.median(_wall(command, env) for _ in range(max(repeat // 3, 5)))
    return in_status, in_resume, process, listed


def section_c(options: argparse.Namespace) -> Section:
    big_count = getattr(options, "instances", 100_000)
    section = Section(
        f"(c) scale: status of one operator's work and resume of one instance, "
        f"{big_count:,} instances (half open) vs 100"
    )
    with tempfile.TemporaryDirectory() as tmp:
        small, big = Path(tmp) / "small.db", Path(tmp) / "big.db"
        began = time.perf_counter()
        small_id, _ = _fill(small, 100)
        big_id, _ = _fill(big, big_count)
        built = time.perf_counter() - began
        # the two sizes interleaved round by round, each figure the median over the rounds: no
        # round is picked for looking good
        rounds = [(_costs(small, small_id, 11), _costs(big, big_id, 11)) for _ in range(5)]
        s_status, s_resume, s_process = (statistics.median(r[0][i] for r in rounds) for i in range(3))
        b_status, b_resume, b_process = (statistics.median(r[1][i] for r in rounds) for i in range(3))
        s_rows, b_rows = rounds[0][0][3], rounds[0][1][3]
        size = big.stat().st_size / 2**20
    status_ratio, resume_ratio = b_status / s_status, b_resume / s_resume
    section.rows += [
        (
            "stores built in",
            f"{built:.1f} s (big store {size:.0f} MiB; {OPERATORS} operators, op7 holds {MINE})",
        ),
        ("status --by op7, 100 instances", f"{s_status * 1e3:.3f} ms ({s_rows} rows shown)"),
        (f"status --by op7, {big_count:,} instances", f"{b_status * 1e3:.3f} ms ({b_rows} rows shown)"),
        ("status ratio", f"{status_ratio:.2f}x"),
        ("resume one instance, 100 instances", f"{s_resume * 1e3:.3f} ms"),
        (f"resume one instance, {big_count:,} instances", f"{b_resume * 1e3:.3f} ms"),
        ("resume ratio", f"{resume_ratio:.2f}x"),
        (
            "whole `procflow status --by op7` process, 100 / big",
            f"{s_process * 1e3:.1f} ms / {b_process * 1e3:.1f} ms ({b_process / s_process:.2f}x)",
        ),
    ]
    section.goals += [
        (
            f"status within 1.5x of its cost with 100 instances (measured {status_ratio:.2f}x)",
            status_ratio <= 1.5,
        ),
        (
            f"resume within 1.5x of its cost with 100 instances (measured {resume_ratio:.2f}x)",
            resume_ratio <= 1.5,
        ),
    ]
    return section


# --- (d) --------------------------------------------------------------------------------------


def _wall(command: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - began


# Runs the command's procflow in a fresh interpreter and writes that process's own peak resident
# memory (VmHWM) to the file named by PROCFLOW_BENCH_PEAK when it exits. ru_maxrss from wait4
# would not do: exec records the forking parent's high-water mark into the child's, so the
# bench's own size (tens of MiB after filling stores) would be reported as procflow's.
_LAUNCHER = """
import atexit, os, sys
def _report():
    with open("/proc/self/status", encoding="ascii") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["PROCFLOW_BENCH_PEAK"], "w", encoding="ascii") as out:
        out.write(peak)
atexit.register(_report)
sys.argv[0] = "procflow"
from procflow import cli
cli.main()
"""


def _peak_rss(command: list[str], env: dict[str, str]) -> float:
    """Peak resident memory, in MiB, of the procflow process that `command` (`procflow ARGS`)
    starts, as that process itself measured it (Linux: /proc/self/status)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "peak"
        launched = [sys.executable, "-c", _LAUNCHER, *command[1:]]
        subprocess.run(
            launched,
            env={**env, "PROCFLOW_BENCH_PEAK": str(report)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        return int(report.read_text(encoding="ascii")) / 2**10  # KiB


def compiled() -> None:
    """An installed procflow has its bytecode compiled (pip does it); a checkout run with
    PYTHONDONTWRITEBYTECODE would compile every module on every start instead."""
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
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def section_d(options: argparse.Namespace) -> Section:
    section = Section("(d) CLI start: whole-process wall time against `python -c pass`, and run's memory")
    starts = getattr(options, "starts", 21)
    compiled()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PROCFLOW_DB=str(Path(tmp) / "d.db"), PROCFLOW_USER="bench", NO_COLOR="1")
        env.pop("PROCFLOW_PATH", None)
        loop = Path(tmp) / "loop.json"
        loop.write_text(
            json.dumps(
                {
                    "answers": {"guests": 2, "caller": "Ms Lin", "urgent": "no"},
                    "moves": ["reopen"] * 50 + ["close"],
                }
            ),
            encoding="utf-8",
        )
        run = [str(PROCFLOW), "run", "sample-shift", "--dir", str(SHIFT.parent), "--answers", str(loop)]
        subprocess.run(run, env=env, stdout=subprocess.DEVNULL, check=True)  # a store with an instance in it
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "procflow --help": [str(PROCFLOW), "--help"],
            "procflow status": [str(PROCFLOW), "status"],
        }
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(starts):  # interleaved, so a busy moment hurts every command alike
            for name, command in commands.items():
                samples[name].append(_wall(command, env))
        probe = (
            "import sys\nfrom procflow import cli\ntry:\n    cli.cli.main(['status'], prog_name='procflow')\nexcept SystemExit:\n"
            "    pass\nprint(sorted({m.split('.')[0] for m in sys.modules} & {'yaml', 'jsonschema', "
            "'fastjsonschema', 'transitions'}), file=sys.stderr)"
        )
        heavy = (
            subprocess.run(
                [sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True, check=True
            )
            .stderr.strip()
            .splitlines()[-1]
        )
        peak = statistics.median(_peak_rss(run, env) for _ in range(5))
    base = statistics.median(samples["python -c pass"])
    section.rows.append(("python -c pass", f"{base * 1e3:.1f} ms"))
    for name in ("procflow --help", "procflow status"):
        median = statistics.median(samples[name])
        section.rows.append((name, f"{median * 1e3:.1f} ms ({median / base:.2f}x)"))
        section.goals.append(
            (f"{name} at most 5x python -c pass (measured {median / base:.2f}x)", median / base <= 5)
        )
    section.rows += [
        ("modules of yaml/jsonschema/transitions imported by status", heavy),
        ("peak memory of `procflow run` (sample-shift, 255 steps)", f"{peak:.1f} MiB"),
    ]
    section.goals += [
        ("status imports none of yaml, jsonschema, transitions", heavy == "[]"),
        (f"peak memory of run under 60 MiB (measured {peak:.1f} MiB)", peak < 60),
    ]
    return section


# --- (e) --------------------------------------------------------------------------------------


def _draft_times(count: int, folder: Path) -> list[float]:
    """Answers kept one by one inside the first step of open instances, as an operator types them."""
    from procflow.engine.desk import drafts
    from procflow.engine.desk.instances import Desk
    from procflow.engine.store.sqlite import SQLiteStore

    times: list[float] = []
    with SQLiteStore(folder / "e.db") as store:
        desk = Desk(store, actor="bench", lang="en", clock=_clock())
        while len(times) < count:
            opened = desk.start(str(SHIFT))
            for n in range(50):  # one field answered again and again: each a replaced draft
                began = time.perf_counter()
                drafts.save_answer(desk, opened, "guests", str(n % 40))
                times.append(time.perf_counter() - began)
            assert [d.value for d in store.drafts(opened.id)] == [str(49 % 40)]
    return times


def section_e(options: argparse.Namespace) -> Section:
    section = Section("(e) one answer kept as it is given: a draft, checked and persisted")
    count = getattr(options, "drafts", 3000)
    with tempfile.TemporaryDirectory() as tmp:
        times = _draft_times(count, Path(tmp))
    median = statistics.median(times) * 1e3
    high = sorted(times)[int(len(times) * 0.99) - 1] * 1e3
    section.rows += [
        ("answers kept", f"{len(times)} (durability normal: WAL, synchronous=NORMAL)"),
        ("median, one answer kept", f"{median:.3f} ms"),
        ("99th percentile", f"{high:.3f} ms"),
    ]
    section.goals.append(
        (
            f"median cost of keeping one answer at most 1 ms, persisted (measured {median:.3f} ms)",
            median <= 1.0,
        )
    )
    return section


SECTIONS = {"b": section_b, "c": section_c, "d": section_d, "e": section_e}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append", help="run only these sections")
    options = parser.parse_args(argv)
    os.chdir(ROOT)
    for key in options.only or sorted(SECTIONS):
        print(SECTIONS[key](options).render(), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
