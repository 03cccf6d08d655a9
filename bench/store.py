"""The two stores side by side on this machine: SQLite (one desk) and PostgreSQL (a team).

(a) persisted step: median and 99th percentile of `Desk.step` (the session's step and its one
    transaction), a counting procedure stepped again and again, and the CPU a step costs in the
    desk's process and, for PostgreSQL, in its server process (from /proc, when the server runs
    here): what bounds (b) on this machine's cores;
(b) throughput: steps per second with 1, 2, 4 and 8 desks at once, each a process stepping
    instances of its own, the median of --repeat runs taken in turn (backends and sizes
    interleaved, so a busy moment of a shared machine does not fall on one backend only);
    PostgreSQL's at 8 desks against SQLite's (SQLite has one writer at a time).

(a) and (b) compare the two at the same durability, twice: "power-cut safe" (a committed step
survives a power cut: SQLite with PROCFLOW_DURABILITY=full, PostgreSQL with the server's
synchronous_commit=on, its default) and "crash safe" (it survives any crash of procflow or the
server, but the last steps may be lost to a power cut: SQLite's default durability `normal`,
PostgreSQL with synchronous_commit=off for the bench's sessions, set in their URL's options).
The server's own settings (synchronous_commit, commit_delay, ...) are printed as found;
(c) scale: `status`, `agenda` and `report --month`, each the whole command run in-process
    (click, the store, the text; not the interpreter's start), with 1,000 and 100,000 instances,
    and the ratio. The big stores are filled through the store's own bulk insert
    (`Store.add_records`, as `db copy` writes), from a few real instances copied under new ids;
(d) `db copy` of the 100,000 instances from the SQLite file, into a new file and into
    PostgreSQL, and from PostgreSQL back into a new file, every copied instance checked as
    `verify` checks it; with the CPU seconds of procflow's processes and of the server's (what
    the copy costs whatever else the machine's cores are doing).

PostgreSQL is the server of PROCFLOW_BENCH_PG, else PROCFLOW_TEST_PG (a URL whose user may
create databases: the bench makes its own and drops them); without either, SQLite alone is
measured and the PostgreSQL column says why. `--quick` measures 10,000 instances instead of
100,000 and fewer steps. Run from a checkout: `python bench/store.py [--quick]`.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
TALLY = ROOT / "tests" / "fixtures" / "desks" / "tally.yaml"
T0 = datetime(2026, 3, 9, 9, 0, tzinfo=timezone(timedelta(hours=8)))
OPERATORS = 20
MEETINGS = 48  # open templates: meetings 3.5 hours apart over a week, so due times are spread
OPEN_SHARE = 10  # one instance in ten is open; the rest finished, as in a store a year old
NOW = "2026-03-09T20:00+08:00"  # the clock of the scale commands: the week's first meetings due
MEETING = {
    "meeting_place": "Room 3", "organiser_dept": "Sales", "need_name_plates": False,
    "need_laptop": False, "need_projector": False, "need_recorder": False, "need_tea": True,
    "need_drinks": False, "departments_notified": "IT",
}  # fmt: skip
VISITOR = {"visitor_name": "王小明", "visitor_kind": "interviewee"}


# --- where the stores live -------------------------------------------------------------------


class Server:
    """A PostgreSQL server on which the bench makes databases of its own, dropped at the end."""

    def __init__(self, url: str, source: str) -> None:
        self.url, self.source = url, source
        self.made: list[str] = []

    def database(self, name: str) -> str:
        import psycopg

        unique = f"procflow_bench_{name}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(self.url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{unique}"')
        self.made.append(unique)
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(path="/" + unique))

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as admin:
            for name in self.made:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def find_server() -> tuple[Server | None, str]:
    """The PostgreSQL server to measure, or None and why not."""
    for variable in ("PROCFLOW_BENCH_PG", "PROCFLOW_TEST_PG"):
        url = os.environ.get(variable)
        if url:
            break
    else:
        return None, "not measured: set PROCFLOW_BENCH_PG (or PROCFLOW_TEST_PG) to a postgresql:// URL"
    try:
        import procflow.engine.store.postgres  # noqa: F401
        import psycopg  # noqa: F401
    except ImportError:
        return None, f"not measured: {variable} is set, but this procflow lacks the PostgreSQL backend"
    return Server(url, variable), f"{_masked(url)} ({variable})"


def _masked(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@"))
    return urlunsplit(parts)


class Places:
    """A fresh store location per name: a file in a temporary folder, or a database on the server."""

    def __init__(self, folder: Path, server: Server | None) -> None:
        self.folder, self.server = folder, server

    def backends(self) -> list[str]:
        return ["sqlite", "postgresql"] if self.server else ["sqlite"]

    def new(self, backend: str, name: str, safety: str = "") -> str:
        """`safety` (a key of SAFETY) sets PostgreSQL's synchronous_commit in the URL; SQLite's
        durability is PROCFLOW_DURABILITY, set where the store is opened (`durable`)."""
        if backend == "sqlite":
            return str(self.folder / f"{name}.db")
        assert self.server is not None
        url = self.server.database(name)
        options = SAFETY[safety][1] if safety else ""
        if not options:
            return url
        parts = urlsplit(url)
        query = "&".join(filter(None, [parts.query, "options=" + quote(options)]))
        return urlunsplit(parts._replace(query=query))


# the same durability on both backends: (PROCFLOW_DURABILITY for SQLite, PostgreSQL session options)
SAFETY = {
    "power-cut safe": ("full", ""),  # synchronous_commit as the server has it: on by default
    "crash safe": ("normal", "-c synchronous_commit=off"),
}


@contextmanager
def durable(safety: str) -> Iterator[None]:
    """PROCFLOW_DURABILITY as `safety` has it for SQLite, while stores are opened in this process."""
    before = os.environ.get("PROCFLOW_DURABILITY")
    os.environ["PROCFLOW_DURABILITY"] = SAFETY[safety][0]
    try:
        yield
    finally:
        if before is None:
            del os.environ["PROCFLOW_DURABILITY"]
        else:
            os.environ["PROCFLOW_DURABILITY"] = before


def server_settings(server: Server) -> str:
    """The settings of the server that decide what a commit costs, as it runs."""
    import psycopg

    names = (
        "server_version",
        "synchronous_commit",
        "fsync",
        "wal_sync_method",
        "commit_delay",
        "commit_siblings",
    )
    with psycopg.connect(server.url, autocommit=True) as db:
        found = dict(
            db.execute(
                "SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", (list(names),)
            ).fetchall()
        )
    return ", ".join(f"{name}={found.get(name, '?')}" for name in names)


# --- (a) persisted step --------------------------------------------------------------------------


def step_times(location: str, steps: int) -> tuple[list[float], float, float | None]:
    """Seconds of each step; CPU seconds per step in this process, and in the server's process
    serving it (None: not a PostgreSQL server on this machine)."""
    from procflow.engine.desk.instances import Desk
    from procflow.engine.store import open_store

    times = []
    with open_store(location) as store:
        desk = Desk(store, actor="bench", lang="en")
        opened = desk.start(str(TALLY))
        for n in range(20):  # warm: the procedure parsed, the statement prepared
            desk.step(opened, answers={"token": str(n)}, move="again")
        server = _server_cpu(store)
        began_server, began = server(), time.process_time()
        for n in range(steps):
            if n % 200 == 0 and n:  # instances of a realistic length
                opened = desk.start(str(TALLY))
            began_step = time.perf_counter()
            desk.step(opened, answers={"token": str(n)}, move="again")
            times.append(time.perf_counter() - began_step)
        client = (time.process_time() - began) / steps
        ended_server = server()
    on_server = (
        None if ended_server is None or began_server is None else (ended_server - began_server) / steps
    )
    return times, client, on_server


def _server_cpu(store: Any) -> Callable[[], float | None]:
    """A reader of the CPU seconds the server process of `store`'s connection has used."""
    db = getattr(store, "db", None)
    if db is None or not hasattr(db, "pgconn"):
        return lambda: None
    stat = Path(f"/proc/{db.execute('SELECT pg_backend_pid()').fetchone()[0]}/stat")

    def read() -> float | None:
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # a server on another machine
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    return read


# --- (b) throughput -------------------------------------------------------------------------------

WORKER = r"""
import json, sys, time
from procflow.engine.desk.instances import Desk
from procflow.engine.store import open_store

plan = json.loads(sys.argv[1])
with open_store(plan["location"]) as store:
    desk = Desk(store, actor=plan["user"], lang="en")
    opened = desk.start(plan["tally"])
    for n in range(20):  # warm: the procedure parsed, the connection's caches filled
        desk.step(opened, answers={"token": str(n)}, move="again")
    while time.time() < plan["start"]:
        time.sleep(0.001)
    began = time.time()
    for n in range(plan["steps"]):
        desk.step(opened, answers={"token": str(n)}, move="again")
    print(json.dumps({"began": began, "ended": time.time(), "steps": plan["steps"]}))
"""


def throughput(location: str, desks: int, steps: int, durability: str) -> float:
    """Steps per second of `desks` processes stepping `steps` times each, from one moment on."""
    from procflow.engine.store import open_store

    with open_store(location):  # the schema made once, before the desks open it together
        pass
    start = time.time() + 1.5 + 0.3 * desks  # every worker has started and warmed by then
    env = dict(os.environ, PROCFLOW_LOCK_TIMEOUT="60", PROCFLOW_DURABILITY=durability)
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                json.dumps(
                    {
                        "location": location,
                        "user": f"desk{n}",
                        "tally": str(TALLY),
                        "steps": steps,
                        "start": start,
                    }
                ),
            ],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(desks)
    ]
    done = [json.loads(w.communicate(timeout=900)[0]) for w in workers]
    return sum(d["steps"] for d in done) / (max(d["ended"] for d in done) - min(d["began"] for d in done))


# --- (c) scale -------------------------------------------------------------------------------------


def templates(folder: Path) -> tuple[list[Any], list[Any], list[Any]]:
    """Real instances made through the desk: (open meetings, finished visitors, their pins)."""
    from procflow.engine.desk.instances import Desk
    from procflow.engine.runtime.driver import Driver, Missing
    from procflow.engine.store.sqlite import SQLiteStore

    def work(
        desk: Desk,
        procedure: str,
        answers: dict[str, Any],
        until: Callable[[Any], bool],
        moves: tuple[str, ...] = (),
    ) -> str:
        opened = desk.start(procedure)
        driver = Driver(answers, moves, {})
        while not until(opened):
            plan = driver.plan(opened.view())
            assert not isinstance(plan, Missing), plan
            desk.step(opened, answers=plan.answers, check=plan.check, skip=plan.skip, move=plan.move)
        return opened.id

    with SQLiteStore(folder / "templates.db") as store:
        desk = Desk(store, actor="op0", lang="en", dirs=[str(ROOT / "docs" / "examples" / "run")],
                    clock=lambda: T0 - timedelta(minutes=10))  # fmt: skip
        meetings = [
            work(
                desk,
                "art1-meeting-service",
                {**MEETING, "meeting_start": (T0 + timedelta(hours=1 + 3.5 * n)).strftime("%Y-%m-%dT%H:%M")},
                lambda o: o.view().state == "set_up",
            )
            for n in range(MEETINGS)
        ]
        visitor = work(desk, "sample-visitor", VISITOR, lambda o: o.status != "open", ("done",))
        return store.instance_records(meetings), store.instance_records([visitor]), store.pinned_rows()


def fill(location: str, count: int, made: tuple[list[Any], list[Any], list[Any]]) -> float:
    """`count` instances through `Store.add_records`, one in OPEN_SHARE open; seconds it took."""
    from procflow.engine.base.stamps import stamp
    from procflow.engine.store import open_store
    from procflow.engine.store.records import ID_ALPHABET, ID_LENGTH

    meetings, visitors, pins = made
    rng = random.Random(count)
    taken: set[str] = set()
    began = time.perf_counter()
    with open_store(location) as store:
        batch: list[Any] = []
        for n in range(count):
            ident = "".join(rng.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
            while ident in taken:
                ident = "".join(rng.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
            taken.add(ident)
            model = meetings[n % len(meetings)] if n % OPEN_SHARE == 0 else visitors[0]
            owner = f"op{n % OPERATORS}"
            at = stamp(T0 - timedelta(minutes=rng.randrange(365 * 24 * 60)))
            row = model.instance._replace(
                id=ident, created_at=at, updated_at=at, created_by=owner, updated_by=owner, owner=owner
            )
            events = [e._replace(instance=ident) for e in model.events]
            batch.append(model._replace(instance=row, events=events))
            if len(batch) == 2000 or n == count - 1:
                store.add_records(pins if n < 2000 else [], batch)
                batch = []
    return time.perf_counter() - began


SCALE_COMMANDS = {
    "status": ["status", "--lang", "en"],
    "agenda": ["agenda", "--lang", "en"],
    "report --month": ["report", "--month", "2026-03", "--lang", "en"],
}


def command_times(location: str, runs: int) -> dict[str, float]:
    """Median seconds of each scale command, run in-process in turn (a busy moment hurts all)."""
    from click.testing import CliRunner
    from procflow import cli

    env = {"PROCFLOW_DB": location, "PROCFLOW_NOW": NOW, "PROCFLOW_USER": "op7", "NO_COLOR": "1"}
    runner = CliRunner(env=env)
    samples: dict[str, list[float]] = {name: [] for name in SCALE_COMMANDS}
    for n in range(runs + 1):
        for name, args in SCALE_COMMANDS.items():
            began = time.perf_counter()
            result = runner.invoke(cli.cli, args)
            if n:  # the first run of each imports its modules
                samples[name].append(time.perf_counter() - began)
            assert result.exit_code == 0, (name, result.output)
    return {name: statistics.median(times) for name, times in samples.items()}


# --- (d) copy --------------------------------------------------------------------------------------


class ServerCpu:
    """CPU seconds of the PostgreSQL server processes serving the databases of `locations` (the
    URLs among them) while a copy runs: each connection's process is read from /proc every
    0.2 s, the last reading kept (a process is gone once its connection closes, so what it used
    in its last 0.2 s may be missed). None when no location is a URL or the server is elsewhere."""

    def __init__(self, locations: tuple[str, ...]) -> None:
        self.urls = [u for u in locations if u.startswith(("postgresql://", "postgres://"))]
        self.used: dict[int, float] = {}

    def __enter__(self) -> ServerCpu:
        import threading

        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        if self.urls:
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        if self.urls:
            self.thread.join()

    def _sample(self) -> None:
        import psycopg

        names = [urlsplit(u).path.lstrip("/") for u in self.urls]
        with psycopg.connect(self.urls[0], autocommit=True) as watching:
            while True:
                pids = watching.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = ANY(%s) AND pid <> pg_backend_pid()",
                    (names,),
                ).fetchall()
                for (pid,) in pids:
                    try:
                        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    except OSError:  # gone since (its last reading stands), or a server elsewhere
                        continue
                    self.used[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
                if self.stop.wait(0.2):
                    return

    @property
    def seconds(self) -> float | None:
        return sum(self.used.values()) if self.used else None


def copy_time(source: str, destination: str) -> tuple[float, float, float | None]:
    """Seconds a copy took, the CPU seconds of this process and its checking processes, and
    those of the PostgreSQL server's processes serving it (None: no server here)."""
    import resource

    from procflow.engine.desk.transfer import copy_record
    from procflow.engine.store import open_store

    def cpu() -> float:
        return sum(
            usage.ru_utime + usage.ru_stime
            for usage in (
                resource.getrusage(resource.RUSAGE_SELF),
                resource.getrusage(resource.RUSAGE_CHILDREN),
            )
        )

    began, began_cpu = time.perf_counter(), cpu()
    with ServerCpu((source, destination)) as served:
        with open_store(source, migrate=False) as src, open_store(destination) as dst:
            report = copy_record(src, dst, reopen=(source, destination), workers=os.cpu_count() or 1)
        took, used = time.perf_counter() - began, cpu() - began_cpu
    what = f"{report.counts['instances']:,} instances, {report.counts['events']:,} events" + (
        "" if report.ok else f"; NOT ok: {(report.differing + report.problems)[:1]}"
    )
    print(
        f"  copy {_masked(source)} -> {_masked(destination)}: {what}, {took:.1f} s",
        file=sys.stderr,
        flush=True,
    )
    return took, used, served.seconds


def _copied_in(places: Places, source: str) -> str:
    """A PostgreSQL database holding the record of `source` (section d run without c)."""
    destination = places.new("postgresql", "dback")
    copy_time(source, destination)
    return destination


# --- the table --------------------------------------------------------------------------------------


class Table:
    def __init__(self, backends: list[str]) -> None:
        self.backends = backends
        self.rows: list[tuple[str, ...]] = []
        self.goals: list[tuple[str, bool]] = []

    def row(self, label: str, values: dict[str, str], ratio: str = "") -> None:
        self.rows.append((label, values.get("sqlite", ""), values.get("postgresql", "—"), ratio))

    def heading(self, text: str) -> None:
        self.rows.append((text,))

    def render(self) -> str:
        full = [r for r in self.rows if len(r) == 4]
        widths = [
            max(len(r[i]) for r in [("", "SQLite", "PostgreSQL", "PG / SQLite"), *full]) for i in range(4)
        ]
        lines = ["  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in
                           enumerate(zip(("", "SQLite", "PostgreSQL", "PG / SQLite"), widths, strict=True)))]  # fmt: skip
        for r in self.rows:
            if len(r) == 1:
                lines.append(r[0])
            else:
                lines.append(
                    "  ".join(
                        c.rjust(w) if i else c.ljust(w)
                        for i, (c, w) in enumerate(zip(r, widths, strict=True))
                    )
                )
        lines += [f"goal: {text} — {'met' if ok else 'NOT met'}" for text, ok in self.goals]
        return "\n".join(line.rstrip() for line in lines)


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3f} ms"


def _pct(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


@contextmanager
def quiet() -> Iterator[None]:
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        yield


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="10,000 instances instead of 100,000, fewer steps"
    )
    parser.add_argument("--only", choices="abcd", action="append", help="run only these sections")
    parser.add_argument("--repeat", type=int, default=3, help="runs of (b) to take the median of (default 3)")
    options = parser.parse_args(argv)
    only = set(options.only or "abcd")
    big = 10_000 if options.quick else 100_000
    small = 1_000
    steps = 300 if options.quick else 2000
    burst = 100 if options.quick else 400  # steps of each desk in (b)
    os.chdir(ROOT)
    server, said = find_server()
    cores = os.cpu_count() or 1
    print(f"procflow store bench, {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, {cores} cores")
    print(
        f"SQLite:     {__import__('sqlite3').sqlite_version} (WAL; synchronous=NORMAL, or FULL where power-cut safe), a file in a temporary folder"
    )
    print(f"PostgreSQL: {said}")
    if server is not None:
        print(f"            {server_settings(server)}")
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    folder = Path(tempfile.mkdtemp(prefix="procflow-bench-"))
    places = Places(folder, server)
    table = Table(places.backends())
    try:
        if "a" in only:
            table.heading(f"(a) persisted step (Desk.step), {steps:,} steps")
            ceiling: dict[str, dict[str, float]] = {}
            for safety in SAFETY:
                found = {}
                for b in places.backends():
                    with durable(safety):
                        found[b] = step_times(places.new(b, "a", safety), steps)
                medians = {b: statistics.median(t) for b, (t, _, _) in found.items()}
                table.row(f"  median, {safety}", {b: _ms(m) for b, m in medians.items()}, _ratio(medians))
                table.row(f"  99th percentile, {safety}", {b: _ms(_pct(t, 0.99)) for b, (t, _, _) in found.items()},
                          _ratio({b: _pct(t, 0.99) for b, (t, _, _) in found.items()}))  # fmt: skip
                table.row(
                    f"  CPU per step, desk process, {safety}", {b: _ms(c) for b, (_, c, _) in found.items()}
                )
                served = {b: v for b, (_, _, v) in found.items() if v is not None}
                if served:
                    table.row(
                        f"  CPU per step, server process, {safety}",
                        {"sqlite": "(none)", **{b: _ms(v) for b, v in served.items()}},
                    )
                ceiling[safety] = {b: cores / (c + (v or 0.0)) for b, (_, c, v) in found.items()}
                table.row(f"  at most, all {cores} cores busy, {safety}", {b: f"{r:,.0f}/s" for b, r in ceiling[safety].items()},
                          _ratio(ceiling[safety]))  # fmt: skip
                if "postgresql" in medians and safety == "power-cut safe":
                    table.goals.append((f"PostgreSQL median persisted step at most 2 ms (measured "
                                        f"{_ms(medians['postgresql'])})", medians["postgresql"] <= 0.002))  # fmt: skip
        if "b" in only:
            table.heading(f"(b) steps per second, desks at once on instances of their own, {burst} steps each, "
                          f"median of {options.repeat} runs")  # fmt: skip
            samples: dict[tuple[str, int, str], list[float]] = {}
            for run in range(options.repeat):
                for desks in (1, 2, 4, 8):
                    for safety in SAFETY:
                        for b in places.backends() if run % 2 == 0 else places.backends()[::-1]:
                            rate = throughput(
                                places.new(b, f"b{desks}", safety), desks, burst, SAFETY[safety][0]
                            )
                            samples.setdefault((safety, desks, b), []).append(rate)
                print(f"  (b) run {run + 1} of {options.repeat} done", file=sys.stderr, flush=True)
            for safety in SAFETY:
                rates = {desks: {b: statistics.median(samples[safety, desks, b]) for b in places.backends()}
                         for desks in (1, 2, 4, 8)}  # fmt: skip
                for desks, found_rates in rates.items():
                    table.row(f"  {desks} desk{'s' if desks > 1 else ''}, {safety}",
                              {b: f"{r:,.0f}/s" for b, r in found_rates.items()}, _ratio(found_rates))  # fmt: skip
                if "postgresql" in rates[8]:
                    ratio = rates[8]["postgresql"] / rates[8]["sqlite"]
                    table.goals.append((f"PostgreSQL at 8 desks at least 3x SQLite at 8 desks, {safety} "
                                        f"(measured {ratio:.2f}x)", ratio >= 3))  # fmt: skip
        made = None
        stores: dict[tuple[str, int], str] = {}
        if only & {"c", "d"}:
            with quiet():
                made = templates(folder)
            for b in places.backends():
                for count in (small, big):
                    if b == "postgresql" and "c" not in only:
                        continue
                    stores[b, count] = places.new(b, f"c{count}")
                    took = fill(stores[b, count], count, made)
                    print(
                        f"  filled {b} with {count:,} instances in {took:.1f} s", file=sys.stderr, flush=True
                    )
        if "c" in only:
            table.heading(f"(c) whole commands in-process, {small:,} against {big:,} instances "
                          f"(1 in {OPEN_SHARE} open, {OPERATORS} operators)")  # fmt: skip
            costs = {(b, n): command_times(stores[b, n], 5 if options.quick else 11)
                     for b in places.backends() for n in (small, big)}  # fmt: skip
            for name in SCALE_COMMANDS:
                for count in (small, big):
                    table.row(
                        f"  {name}, {count:,}", {b: _ms(costs[b, count][name]) for b in places.backends()}
                    )
                ratios = {b: costs[b, big][name] / costs[b, small][name] for b in places.backends()}
                table.row(f"  {name}, {big:,} / {small:,}", {b: f"{r:.2f}x" for b, r in ratios.items()})
                for b, r in ratios.items():
                    table.goals.append((f"{name} on {b} at {big:,} at most 1.5x its time at {small:,} "
                                        f"(measured {r:.2f}x)", r <= 1.5))  # fmt: skip
        if "d" in only:
            table.heading(f"(d) db copy of {big:,} instances, each checked as verify does, "
                          f"with {cores} checking processes")  # fmt: skip
            found: dict[str, tuple[float, float, float | None]] = {}
            for b in places.backends():
                found[b] = copy_time(stores["sqlite", big], places.new(b, "d"))
            table.row("  from the SQLite file into a new one / into PostgreSQL",
                      {b: f"{took:.1f} s" for b, (took, _, _) in found.items()})  # fmt: skip
            table.row(
                "    CPU of procflow's processes", {b: f"{cpu:.1f} s" for b, (_, cpu, _) in found.items()}
            )
            if "postgresql" in found:
                table.row("    CPU of the server's processes", _served(found["postgresql"]))
                back = copy_time(stores["postgresql", big] if ("postgresql", big) in stores else
                                 _copied_in(places, stores["sqlite", big]), places.new("sqlite", "back"))  # fmt: skip
                table.row("  from PostgreSQL back into a new file", {"postgresql": f"{back[0]:.1f} s"})
                table.row("    CPU of procflow's processes", {"postgresql": f"{back[1]:.1f} s"})
                table.row("    CPU of the server's processes", _served(back))
                found["postgresql back"] = back
            limit = 60 * big / 100_000  # the goal is 60 s for 100,000 (--quick: that rate)
            for b, (took, _, _) in found.items():
                table.goals.append((f"db copy of {big:,} instances, {b}, at most {limit:g} s "
                                    f"(60 s per 100,000; measured {took:.1f} s)", took <= limit))  # fmt: skip
        print(table.render())
        print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if server is not None:
            server.drop()
    return 0


def _served(found: tuple[float, float, float | None]) -> dict[str, str]:
    return {"sqlite": "(none)", "postgresql": "(elsewhere)" if found[2] is None else f"{found[2]:.1f} s"}


def _ratio(values: dict[str, float]) -> str:
    if "postgresql" not in values or not values.get("sqlite"):
        return ""
    return f"{values['postgresql'] / values['sqlite']:.2f}x"


if __name__ == "__main__":
    raise SystemExit(main())
