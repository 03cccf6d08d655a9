"""The web desk under load: a real `procflow serve` process, 50 people signed in at once, each on a
connection of their own, loading their desk page and taking steps, over 1,000 and then 100,000
instances in the database.

The stores are filled through the store's own bulk insert (`Store.add_records`, as `db copy`
writes) from real instances made through the desk: open meeting-service instances owned by the
50 people (so every desk has an agenda and open work) and finished visitor instances; one open
tally instance per person is what their step POSTs advance. Each session loads its desk, waits a
think time (randomised around --think seconds), and again; then each steps its tally instance
the same way. Every request is timed from the first byte sent to the last byte read; any status
other than the expected one (200 for the desk, 303 for a step) is an error.

One instance in ten is open, as in a store a year old (bench/store.py), so at 100,000 each person
holds 200 open instances and their desk is full (its agenda up to 12 hours ahead, at most 50
open instances listed), against two or three at 1,000: the ratio is of a full desk over a
nearly empty one on a small store, and the line "one session alone" is the page's own cost:
its median time, and the server process's CPU time a page (from /proc, over 200 pages), which
does not move with what else the machine's cores are running as the times do.

Goals, with 100,000 instances and 50 sessions: p95 at most 50 ms for the desk page and at most
100 ms for a step, no error. Run from a checkout: `python bench/web.py [--quick]`.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import selectors
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from store import NOW, OPEN_SHARE, T0, templates  # bench/store.py's week of templates, filled alike

ROOT = Path(__file__).resolve().parent.parent
TALLY = ROOT / "tests" / "fixtures" / "desks" / "tally.yaml"
PEOPLE = 50
PASSWORD = "bench password 1"
CPU_PAGES = 200  # desk pages timed on the server's CPU clock


def person(n: int) -> str:
    return f"op{n}"


def site_text() -> str:
    lines = ["procflow-site: 1", "timezone: Asia/Taipei", "people:"]
    lines += [f"  {person(n)}: {{name: Operator {n}, roles: [front_desk]}}" for n in range(PEOPLE)]
    lines.append("  boss: {name: The Boss, roles: [manager]}")
    return "\n".join(lines) + "\n"


# --- the stores ------------------------------------------------------------------------------


def fill(path: Path, count: int, made: tuple[list[Any], list[Any], list[Any]]) -> tuple[float, list[str]]:
    """`count` instances through `Store.add_records`, then one tally instance per person started
    through the desk and every person's password; seconds it took, and the tally ids by person."""
    from procflow.engine.base.stamps import stamp
    from procflow.engine.desk.instances import Desk
    from procflow.engine.store.records import ID_ALPHABET, ID_LENGTH
    from procflow.engine.store.sqlite import SQLiteStore
    from procflow.web.passwords import make_hash

    meetings, visitors, pins = made
    rng = random.Random(count)
    taken: set[str] = set()
    began = time.perf_counter()
    with SQLiteStore(path) as store:
        batch: list[Any] = []
        for n in range(count):
            ident = "".join(rng.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
            while ident in taken:
                ident = "".join(rng.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
            taken.add(ident)
            model = meetings[n % len(meetings)] if n % OPEN_SHARE == 0 else visitors[0]
            # the open ones spread over everyone, so every desk has work on it
            owner = person(n // OPEN_SHARE % PEOPLE if n % OPEN_SHARE == 0 else n % PEOPLE)
            at = stamp(T0 - timedelta(minutes=rng.randrange(365 * 24 * 60)))
            row = model.instance._replace(
                id=ident, created_at=at, updated_at=at, created_by=owner, updated_by=owner, owner=owner
            )
            events = [e._replace(instance=ident) for e in model.events]
            batch.append(model._replace(instance=row, events=events))
            if len(batch) == 2000 or n == count - 1:
                store.add_records(pins if n < 2000 else [], batch)
                batch = []
        tallies = []
        hashed = make_hash(PASSWORD)  # one hash for all: argon2 is slow on purpose
        for n in range(PEOPLE):
            desk = Desk(store, actor=person(n), lang="en", dirs=[str(TALLY.parent)])
            tallies.append(desk.start("sample-tally").id)
            store.set_password(person(n), hashed, set_by="bench", at=stamp(T0))
    return time.perf_counter() - began, tallies


# --- the server and its clients --------------------------------------------------------------


def serve(db: Path, site: Path) -> tuple[subprocess.Popen[str], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROCFLOW_")}
    env |= {"PROCFLOW_DB": str(db), "PROCFLOW_SITE": str(site), "PROCFLOW_NOW": NOW, "NO_COLOR": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "procflow.cli", "serve", "--port", "0", "--dir", str(TALLY.parent)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=db.parent,
    )
    assert process.stdout is not None
    with selectors.DefaultSelector() as wait:
        wait.register(process.stdout, selectors.EVENT_READ)
        if not wait.select(timeout=60):
            process.kill()
            raise SystemExit("procflow serve printed no address within 60 s")
    found = re.search(r"http://[\w.:]+", process.stdout.readline())
    if found is None:
        process.kill()
        raise SystemExit(f"procflow serve did not start: {process.communicate(timeout=10)[1]}")
    return process, found.group(0)


class Session:
    """One person signed in, on a keep-alive connection of their own."""

    def __init__(self, url: str, who: str) -> None:
        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=60)
        self.cookie = ""
        self.csrf = ""
        self.who = who
        self.reconnects = 0
        status, page = self.request("GET", "/signin")
        self.csrf = _field(page, "csrf")
        status, _ = self.request("POST", "/signin", {"person": who, "password": PASSWORD, "next": "/"})
        if status != 303:
            raise SystemExit(f"{who} could not sign in ({status})")
        self.csrf = _field(self.request("GET", "/")[1], "csrf")

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Accept-Language": "en", "Cookie": self.cookie}
        body = None
        if form is not None:
            body = urlencode({**form, "csrf": self.csrf})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # the server closed a connection left idle past its keep-alive: a browser opens
            # another and sends again, so does this (counted, and the time includes it)
            self.reconnects += 1
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        page = response.read().decode()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, page


def _field(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    if found is None:
        raise SystemExit(f"no {name} on the page: {page[:300]!r}")
    return found.group(1)


def timed(sessions: list[Session], rounds: int, think: float, act: Callable[[Session, int], tuple[int, float]],
          expect: int) -> tuple[list[float], int, float]:  # fmt: skip
    """Every session doing `act` (its status and the seconds its request took) `rounds` times at
    once, with think times between; the request times, the errors, and the requests per second."""
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start = threading.Barrier(len(sessions))

    def run(session: Session, seed: int) -> None:
        rng = random.Random(seed)
        start.wait()
        time.sleep(rng.uniform(0, think))  # not all at the same instant
        for n in range(rounds):
            try:
                status, took = act(session, n)
            except (OSError, http.client.HTTPException):
                status, took = -1, 0.0
            with lock:
                times.append(took)
                errors[0] += status != expect
            time.sleep(rng.uniform(0.5 * think, 1.5 * think))

    threads = [threading.Thread(target=run, args=(s, n)) for n, s in enumerate(sessions)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, errors[0], len(times) / (time.perf_counter() - began)


def measure(folder: Path, count: int, made: Any, rounds: int, think: float) -> dict[str, Any]:
    db = folder / f"web-{count}.db"
    filled, tallies = fill(db, count, made)
    site = folder / "procflow.yaml"
    site.write_text(site_text(), encoding="utf-8")
    process, url = serve(db, site)
    try:
        sessions = [Session(url, person(n)) for n in range(PEOPLE)]
        versions = [
            int(_field(s.request("GET", f"/instance/{t}")[1], "version"))
            for s, t in zip(sessions, tallies, strict=True)
        ]
        for s in sessions:  # warm: each worker thread opens its store connection, templates compile
            s.request("GET", "/")
            s.reconnects = 0
        page = sessions[1].request("GET", "/")[1]
        shows = (len(re.findall(r'<li class="(?:late|due)"', page)), page.count('class="instance-link"'))

        def desk(session: Session, n: int) -> tuple[int, float]:
            began = time.perf_counter()
            status, page = session.request("GET", "/")
            return status if "agenda" in page else -2, time.perf_counter() - began

        def step(session: Session, n: int) -> tuple[int, float]:
            index = sessions.index(session)
            began = time.perf_counter()
            status, _ = session.request(
                "POST",
                f"/instance/{tallies[index]}/step",
                {"version": str(versions[index]), "a.token": f"t{n}", "move": "again"},
            )
            took = time.perf_counter() - began
            # the browser follows the redirect to the step page: its version is the next POST's
            versions[index] = int(_field(session.request("GET", f"/instance/{tallies[index]}")[1], "version"))
            return status, took

        alone = [desk(sessions[1], 0)[1] for _ in range(rounds)]  # one person, nobody else: the service time
        # the server's own CPU time for a page, over CPU_PAGES of them one after another: what
        # the page costs, whatever else the machine's cores are doing (a time waits its turn
        # for a core; this does not)
        used = _cpu_seconds(process.pid)
        for _ in range(CPU_PAGES):
            desk(sessions[1], 0)
        after = _cpu_seconds(process.pid)
        cpu = (after - used) / CPU_PAGES if used is not None and after is not None else None
        desk_times, desk_errors, desk_rate = timed(sessions, rounds, think, desk, 200)
        desk_again = sum(s.reconnects for s in sessions)
        step_times, step_errors, step_rate = timed(sessions, rounds, think, step, 303)
        step_again = sum(s.reconnects for s in sessions) - desk_again
    finally:
        process.terminate()
        process.wait(timeout=10)
    return {
        "count": count, "filled": filled, "size": db.stat().st_size / 2**20,
        "desk": desk_times, "desk_errors": desk_errors, "desk_rate": desk_rate,
        "step": step_times, "step_errors": step_errors, "step_rate": step_rate,
        "desk_again": desk_again, "step_again": step_again, "shows": shows, "alone": alone, "cpu": cpu,
    }  # fmt: skip


def _cpu_seconds(pid: int) -> float | None:
    """The CPU time (user and system) process `pid` has used so far, from Linux's /proc (counted
    in ticks of 10 ms: hence CPU_PAGES pages); None where there is no /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=100_000, help="instances in the big store")
    parser.add_argument("--small", type=int, default=1_000, help="instances in the small store")
    parser.add_argument("--rounds", type=int, default=20, help="desk loads and steps per session")
    parser.add_argument("--think", type=float, default=1.0, help="seconds a person waits between requests")
    parser.add_argument("--quick", action="store_true", help="10,000 instances and 8 rounds")
    options = parser.parse_args(argv)
    if options.quick:
        options.instances, options.rounds = 10_000, 8
    with tempfile.TemporaryDirectory() as tmp:
        made = templates(Path(tmp))
        small = measure(Path(tmp), options.small, made, options.rounds, options.think)
        big = measure(Path(tmp), options.instances, made, options.rounds, options.think)
    load = os.getloadavg()[0]
    print(
        f"procflow serve: {PEOPLE} people signed in at once, {options.rounds} requests each, think time "
        f"~{options.think:g} s (load average {load:.2f} on {os.cpu_count()} cores)"
    )
    for found in (small, big):
        due, open_ = found["shows"]
        print(
            f"  {found['count']:>7,} instances: store filled in {found['filled']:.1f} s "
            f"({found['size']:.0f} MiB); op1's desk shows {due} due and {open_} open"
        )
    for found in (small, big):
        print(
            f"  desk page (GET /)  {found['count']:>7,}, one session alone: median "
            f"{statistics.median(found['alone']) * 1e3:6.1f} ms, server CPU "
            + (f"{found['cpu'] * 1e3:5.2f} ms a page" if found["cpu"] is not None else "not known here")
        )
    for what, goal in (("desk", 0.05), ("step", 0.1)):
        label = "desk page (GET /)" if what == "desk" else "step (POST, 303)"
        for found in (small, big):
            times = found[what]
            print(
                f"  {label:<18} {found['count']:>7,}: median {statistics.median(times) * 1e3:6.1f} ms, "
                f"p95 {p95(times) * 1e3:6.1f} ms, {found[what + '_rate']:.0f} req/s, "
                f"{found[what + '_errors']} errors of {len(times)}, {found[what + '_again']} reconnected"
            )
        high, low = p95(big[what]), p95(small[what])
        print(f"  {label:<18} ratio p95 {options.instances:,} / {options.small:,}: {high / low:.2f}x")
        met = high <= goal and big[what + "_errors"] == 0
        print(
            f"  goal: {label} p95 at most {goal * 1e3:.0f} ms with {options.instances:,} instances and no "
            f"error (measured {high * 1e3:.1f} ms, {big[what + '_errors']} errors) — {'met' if met else 'NOT met'}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
