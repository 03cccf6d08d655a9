"""The PostgreSQL store through the front door: `db upgrade` on both backends, a URL's password
never shown, libpq's own variables honoured, one migration however many desks start at once,
and the faults of a server shared over a network: the server stopped mid-run, a connection
dropped in the middle of a step, a statement timeout, a lock held too long, a read-only replica.
`agenda --watch` wakes when another desk's step changes what is due (LISTEN/NOTIFY).

Each test has a fresh database of its own on the server PROCFLOW_TEST_PG names (conftest
`pg_url`); the server-stopped test starts a private server of its own, never stopping the shared
one. Without PROCFLOW_TEST_PG these are left out and the first test says how to run them.
"""

from __future__ import annotations

import gc
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import Result
from conftest import PG_SKIPPED, PG_VARIABLE
from procflow.engine.store.migrations import LATEST

FIXTURES = Path(__file__).parent / "fixtures"
VISITOR = str(FIXTURES / "valid" / "visitor.yaml")
PROCFLOW = Path(sys.executable).with_name("procflow")
Run = Callable[..., Result]
SECRET = "s3cret-Pw"


def test_a_postgresql_server_is_given_and_may_create_databases() -> None:
    server = os.environ.get(PG_VARIABLE, "").strip()
    if not server:
        pytest.skip(PG_SKIPPED)
    import psycopg

    with psycopg.connect(server) as admin:
        row = admin.execute(
            "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
    assert row == (True,), f"the role of {PG_VARIABLE} may not create databases"


def with_options(url: str, **options: str) -> str:
    """`url` with libpq `options` (-c NAME=VALUE each) in its query string."""
    text = "%20".join(f"-c%20{name}%3D{value}" for name, value in options.items())
    return f"{url}{'&' if '?' in url else '?'}options={text}"


def with_password(url: str, password: str) -> str:
    parts = urlsplit(url)
    user = parts.username or "postgres"
    return parts._replace(netloc=f"{user}:{password}@{parts.hostname}:{parts.port}").geturl()


def start(run_cli: Run, tmp_path: Path) -> str:
    """An open instance of the visitor procedure, stopped at its first question."""
    answers = tmp_path / "none.yaml"
    answers.write_text("answers: {}\n", encoding="utf-8")
    ran = run_cli("run", VISITOR, "--answers", str(answers), "--json")
    assert ran.exit_code == 1, ran.output
    return str(json.loads(ran.stdout.splitlines()[-1])["instance"])


def history(run_cli: Run, ident: str) -> list[tuple[int, str]]:
    shown = run_cli("history", ident, "--json")
    assert shown.exit_code == 0, shown.output
    return [(e["seq"], e["kind"]) for e in json.loads(shown.stdout)["events"]]


def one_line(result: Result) -> str:
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.output
    return result.stderr


# --- db upgrade, on both backends -----------------------------------------------------------------


def set_version(db: str, version: int) -> None:
    """Make the database say a procflow of schema `version` wrote it (as a newer one would)."""
    if "://" in db:
        import psycopg

        with psycopg.connect(db) as server:
            server.execute("UPDATE procflow_schema SET version = %s", (version,))
    else:
        import sqlite3

        connection = sqlite3.connect(db)
        connection.execute(f"PRAGMA user_version = {version}")
        connection.close()


def test_db_upgrade_migrates_once_and_refuses_a_newer_database(db_backend: str, run_cli: Run) -> None:
    first = run_cli("db", "upgrade")
    assert first.exit_code == 0, first.output
    assert first.stdout.endswith(f"schema version 0 -> {LATEST}: upgraded\n")
    again = run_cli("db", "upgrade", "--json")
    assert json.loads(again.stdout) == {
        "database": json.loads(again.stdout)["database"],
        "from": LATEST,
        "to": LATEST,
        "latest": LATEST,
    }
    set_version(os.environ["PROCFLOW_DB"], LATEST + 1)
    for args in (("db", "upgrade"), ("status",)):
        refused = run_cli(*args)
        assert refused.exit_code == 9
        assert (
            f"was written by a newer procflow (schema version {LATEST + 1}, this one knows up to {LATEST})"
            in (one_line(refused))
        )


AT_ONCE = """
import sys, time
from procflow.cli import main
time.sleep(max(0.0, float(sys.argv[1]) - time.time()))  # every desk loaded: they start together
sys.argv[1:] = ["db", "upgrade", "--json"]
main()
"""


@pytest.mark.slow
def test_desks_starting_at_once_on_a_fresh_database_migrate_it_once(db_backend: str, tmp_path: Path) -> None:
    """8 desks, loaded first and then let go at one moment (a barrier), on a new database: every
    one succeeds, and exactly one of them found it empty and migrated it."""
    env = {**os.environ, "PROCFLOW_USER": "ann"}
    at = f"{time.time() + 4:.3f}"
    desks = [
        subprocess.Popen(
            [sys.executable, "-c", AT_ONCE, at],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    results = [(d.wait(timeout=120), *d.communicate()) for d in desks]
    assert [code for code, _, _ in results] == [0] * 8, results  # a second CREATE TABLE would fail
    found = sorted((json.loads(out)["from"], json.loads(out)["to"]) for _, out, _ in results)
    assert found == [(0, LATEST)] + [(LATEST, LATEST)] * 7, results
    if db_backend == "postgresql":
        import psycopg

        with psycopg.connect(os.environ["PROCFLOW_DB"]) as server:
            assert server.execute("SELECT version FROM procflow_schema").fetchall() == [(LATEST,)]


# --- verify says what its backend checked -------------------------------------------------------


def test_verify_says_what_each_backend_checked(db_backend: str, run_cli: Run, tmp_path: Path) -> None:
    """SQLite runs its integrity_check; PostgreSQL keeps its pages itself, so procflow checks
    what the server cannot: the schema version, the append-only triggers, versions and events."""
    ident = start(run_cli, tmp_path)
    checked = {
        "sqlite": "integrity_check",
        "postgresql": f"schema version {LATEST}, append-only triggers and event counts",
    }[db_backend]
    sound = run_cli("verify", "--lang", "en")
    assert sound.exit_code == 0
    assert sound.stdout == f"verified 1 instance against their events; {checked} ok: ok\n"
    if db_backend == "postgresql":
        import psycopg

        with psycopg.connect(os.environ["PROCFLOW_DB"], autocommit=True) as server:
            server.execute("ALTER TABLE events DISABLE TRIGGER events_no_change")
        damaged = run_cli("verify", ident, "--lang", "en")
        assert damaged.exit_code == 9
        assert damaged.stdout.splitlines() == [
            f"{checked}: table events is no longer append-only (its trigger is missing or disabled)",
            f"verified 1 instance against their events; {checked} failed: 0 mismatched, integrity FAILED",
        ]


# --- connections: every command closes its store, on every path ----------------------------------


def connections(url: str) -> int:
    """How many sessions the server holds on `url`'s database, besides the one asking."""
    import psycopg

    with psycopg.connect(url) as server:
        row = server.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        ).fetchone()
    return int(row[0]) if row is not None else -1


def test_commands_run_in_one_process_leave_no_connection_open(
    pg_url: str, run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process running many commands (the tests, the web server) ends each one with its
    connection closed, whether the command succeeded, stopped short or was refused; not left
    to the collector, which is off here."""
    monkeypatch.setenv("PROCFLOW_DB", pg_url)
    ident = start(run_cli, tmp_path)
    answers = str(tmp_path / "none.yaml")
    commands = (
        ("status",),
        ("history", ident),
        ("verify", ident),
        ("verify",),
        ("agenda",),
        ("resume", ident, "--answers", answers),  # stops short: exit 1
        ("step", ident, "--set", "visitor_kind=nine"),  # refused answer
        ("history", "nosuchid"),  # exit 4
        ("verify", "nosuchid"),
        ("cancel", "nosuchid", "--reason", "gone"),
    )
    gc.disable()
    try:
        left = []
        for _ in range(3):
            for args in commands:
                code = run_cli(*args).exit_code
                left.append((args[0], code, connections(pg_url)))
    finally:
        gc.enable()
    assert [(name, n) for name, _, n in left if n] == [], left


# --- the URL: its password never shown, libpq's variables honoured --------------------------------


def test_a_password_in_the_url_is_never_shown(
    pg_url: str, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = with_password(pg_url, SECRET)  # the test server trusts its clients: the password is not checked
    monkeypatch.setenv("PROCFLOW_DB", url)
    shown = [run_cli("db", "upgrade"), run_cli("where"), run_cli("where", "--json"), run_cli("status")]
    assert [r.exit_code for r in shown] == [0, 0, 0, 0]
    assert "database: " + url.replace(SECRET, "***") in shown[0].stdout
    set_version(pg_url, LATEST + 1)  # a refusal names the database too
    shown.append(run_cli("status"))
    assert shown[-1].exit_code == 9 and url.replace(SECRET, "***") in shown[-1].stderr
    assert not [r for r in shown if SECRET in r.output]


def test_libpq_variables_fill_what_the_url_leaves_out(
    pg_url: str, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = urlsplit(pg_url)
    monkeypatch.setenv("PGHOST", parts.hostname or "")
    monkeypatch.setenv("PGPORT", str(parts.port or 5432))
    monkeypatch.setenv("PGUSER", parts.username or "postgres")
    monkeypatch.setenv(
        "PROCFLOW_DB", f"postgresql://{parts.path}"
    )  # postgresql:///name: all from the variables
    upgraded = run_cli("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert f"database: postgresql://{parts.path}\n" in upgraded.stdout


def test_an_unknown_kind_of_url_is_a_usage_error(run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROCFLOW_DB", f"mysql://ann:{SECRET}@db.example/procflow")
    refused = run_cli("status")
    assert refused.exit_code == 2
    assert one_line(refused) == (
        "procflow: database 'mysql://ann:***@db.example/procflow' has an unknown scheme 'mysql://'; "
        "give a file path or a postgresql://, postgres:// URL\n"
    )


def test_without_the_driver_a_url_says_which_extra_to_install(tmp_path: Path) -> None:
    code = (
        "import sys\nsys.modules['psycopg'] = None  # as if `procflow[postgresql]` were not installed\n"
        "from procflow.cli import main\nsys.argv = ['procflow', 'status']\nmain()\n"
    )
    env = {**os.environ, "PROCFLOW_DB": "postgresql://desk@db.example/procflow"}
    ran = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 9
    assert ran.stderr == (
        "procflow: database 'postgresql://desk@db.example/procflow' needs the PostgreSQL driver: "
        "pip install 'procflow[postgresql]'\n"
    )


def test_a_server_that_cannot_be_reached_is_one_line_and_exit_9(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PROCFLOW_DB", f"postgresql://ann:{SECRET}@/procflow?host={tmp_path}&port=1")
    refused = run_cli("status")
    assert refused.exit_code == 9
    line = one_line(refused)
    assert line.startswith("procflow: cannot connect to database 'postgresql://ann:***@/procflow?host=")
    assert SECRET not in line


# --- faults of a shared server -------------------------------------------------------------------


def waiting_on_lock(url: str, count: int) -> list[int]:
    """The server pids of `count` connections to `url`'s database seen waiting for a lock."""
    import psycopg

    deadline = time.monotonic() + 30
    with psycopg.connect(url, autocommit=True) as watcher:
        while time.monotonic() < deadline:
            pids = [
                r[0]
                for r in watcher.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ]
            if len(pids) == count:
                return pids
            time.sleep(0.02)
    pytest.fail(f"never saw {count} connections waiting for a lock")


def background_step(url: str, ident: str, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(PROCFLOW), "step", ident, *args],
        env={**os.environ, "PROCFLOW_DB": url, "PROCFLOW_USER": "tester", "NO_COLOR": "1", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_a_connection_dropped_in_the_middle_of_a_step_saves_none_of_it(
    pg_url: str, run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    url = pg_url
    monkeypatch.setenv("PROCFLOW_DB", url)
    ident = start(run_cli, tmp_path)
    before = history(run_cli, ident)
    with psycopg.connect(url) as lock:
        lock.execute("SELECT 1 FROM instances WHERE id = %s FOR UPDATE", (ident,))  # the step waits inside
        step = background_step(url, ident, "--set", "visitor_name=Lee", "--set", "visitor_kind=1")
        [pid] = waiting_on_lock(url, 1)
        with psycopg.connect(url, autocommit=True) as admin:  # as a network drop: the server ends it
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        code, _, err = step.wait(timeout=60), *step.communicate()
    assert code == 9, err
    assert err.startswith(f"procflow: lost the connection to database '{url}' (")
    assert "`procflow resume ID` shows which" in err and err.count("\n") == 1
    assert history(run_cli, ident) == before  # nothing of the step was written
    again = run_cli("step", ident, "--set", "visitor_name=Lee", "--set", "visitor_kind=1")
    assert again.exit_code == 0, again.output
    assert len(history(run_cli, ident)) > len(before)
    assert run_cli("verify", ident).exit_code == 0


@pytest.mark.slow
def test_a_statement_timeout_and_a_lock_held_too_long_refuse_the_step(
    pg_url: str, run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    monkeypatch.setenv("PROCFLOW_DB", pg_url)
    ident = start(run_cli, tmp_path)
    before = history(run_cli, ident)
    slow = with_options(pg_url, statement_timeout="300")
    answer = ("--set", "visitor_name=Lee", "--set", "visitor_kind=1")
    with psycopg.connect(pg_url) as lock:
        lock.execute("SELECT 1 FROM instances WHERE id = %s FOR UPDATE", (ident,))
        monkeypatch.setenv("PROCFLOW_LOCK_TIMEOUT", "60")  # the statement timeout comes first
        monkeypatch.setenv("PROCFLOW_DB", slow)
        timed_out = run_cli("step", ident, *answer)
        monkeypatch.setenv("PROCFLOW_LOCK_TIMEOUT", "0.3")
        monkeypatch.setenv("PROCFLOW_DB", pg_url)
        locked = run_cli("step", ident, *answer)
    assert timed_out.exit_code == 9
    assert "did not answer within its statement timeout" in one_line(timed_out)
    assert locked.exit_code == 8
    assert "is locked by another desk; tried for 0.3 s" in one_line(locked)
    assert history(run_cli, ident) == before
    monkeypatch.setenv("PROCFLOW_DB", slow)  # without the lock the same step fits in its timeout
    assert run_cli("step", ident, *answer).exit_code == 0


def test_a_read_only_replica_is_read_and_refuses_writes(
    pg_url: str, run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROCFLOW_DB", pg_url)
    ident = start(run_cli, tmp_path)
    before = history(run_cli, ident)
    monkeypatch.setenv("PROCFLOW_DB", with_options(pg_url, default_transaction_read_only="on"))
    assert run_cli("status").exit_code == 0 and history(run_cli, ident) == before
    refused = run_cli("step", ident, "--set", "visitor_name=Lee", "--set", "visitor_kind=1")
    assert refused.exit_code == 9
    assert "cannot write to database" in one_line(refused) and "it is read-only" in refused.stderr
    assert run_cli("verify", ident).exit_code == 0
    assert history(run_cli, ident) == before


# --- a server of the test's own, stopped and started again ---------------------------------------


def binary(name: str) -> str:
    """A PostgreSQL server program: on the PATH, else Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        pytest.fail(f"{name} is not installed: the PostgreSQL server package is needed (.ci/run installs it)")
    return found


class PrivateServer:
    """A PostgreSQL cluster in a temporary folder, on a unix socket there: this test's alone.
    With `primary`, a hot standby of that server's cluster, streaming its log."""

    def __init__(self, primary: PrivateServer | None = None) -> None:
        self.folder = tempfile.mkdtemp(prefix="procflow-pg-")
        self.data = os.path.join(self.folder, "data")
        self.as_owner: list[str] = []
        if os.geteuid() == 0:  # the server refuses to run as root: its files are the postgres user's
            shutil.chown(self.folder, "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        if primary is None:
            self.run(
                binary("initdb"), "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"
            )
        else:  # -R: standby.signal and the primary's address, so it starts as its hot standby
            self.run(binary("pg_basebackup"), "-h", primary.folder, "-p", "5432", "-U", "postgres",
                     "-D", self.data, "-R", "-X", "stream", "--no-sync")  # fmt: skip
        self.url = f"postgresql://postgres@/postgres?host={self.folder}&port=5432"

    def run(self, *args: str) -> None:
        subprocess.run([*self.as_owner, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-k {self.folder} -c listen_addresses='' -p 5432 -c fsync=off"
        self.run(binary("pg_ctl"), "-D", self.data, "-o", options, "-l", f"{self.folder}/log", "-w", "start")

    def stop(self) -> None:
        self.run(binary("pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def private_server() -> Iterator[PrivateServer]:
    server = PrivateServer()
    try:
        server.start()
        yield server
    finally:
        server.remove()


@pytest.mark.slow
@pytest.mark.postgresql
def test_the_server_stopped_mid_run_is_exit_9_and_the_run_goes_on_after_a_restart(
    private_server: PrivateServer, run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROCFLOW_DB", private_server.url)
    ident = start(run_cli, tmp_path)
    assert run_cli("step", ident, "--set", "visitor_name=Lee", "--set", "visitor_kind=1").exit_code == 0
    before = history(run_cli, ident)
    private_server.stop()
    refused = run_cli("step", ident, "--skip", "1", "--reason", "HR already knew")
    assert refused.exit_code == 9
    assert one_line(refused).startswith(f"procflow: cannot connect to database '{private_server.url}': ")
    private_server.start()
    assert history(run_cli, ident) == before  # nothing lost, nothing half-written
    again = run_cli("step", ident, "--skip", "1", "--reason", "HR already knew")
    assert again.exit_code == 0, again.output
    assert history(run_cli, ident)[: len(before)] == before and len(history(run_cli, ident)) > len(before)
    assert run_cli("verify").exit_code == 0


# --- agenda --watch wakes on NOTIFY ---------------------------------------------------------------

MEETING_ANSWERS = Path(__file__).parent / "fixtures" / "answers" / "meeting.yaml"  # shared with test_db_copy


@pytest.mark.slow
def test_agenda_watch_wakes_when_another_desk_changes_what_is_due(
    pg_url: str, run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The watch refreshes every 10 minutes; the second refresh comes when another desk's step
    puts a deadline on the agenda, not when the interval is over."""
    monkeypatch.setenv("PROCFLOW_DB", pg_url)
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T08:50+08:00")
    answers = tmp_path / "meeting.yaml"
    answers.write_bytes(MEETING_ANSWERS.read_bytes())
    ran = run_cli("run", "art1-meeting-service", "--answers", str(answers), "--json", "--as", "amy")
    ident = json.loads(ran.stdout.splitlines()[-1])["instance"]
    watch = subprocess.Popen(
        [str(PROCFLOW), "agenda", "--watch", "--interval", "600", "--count", "2", "--json", "--lang", "en"],
        env={**os.environ, "PROCFLOW_USER": "amy"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert watch.stdout is not None
        first = json.loads(watch.stdout.readline())  # listening before this first read
        assert first["items"] == []
        stepped = run_cli("step", ident, "--set", "departments_notified=IT", "--as", "amy")
        assert stepped.exit_code == 0, stepped.output
        timer = threading.Timer(120, watch.kill)  # far below the 600 s interval: only a NOTIFY wakes it
        timer.start()
        assert watch.stdout.readline() == "\n"  # refreshes are apart by a blank line
        second = json.loads(watch.stdout.readline())
        timer.cancel()
        assert watch.wait(timeout=30) == 0
    finally:
        watch.kill()
        watch.communicate()
    assert [(i["instance"], i["deadline"]) for i in second["items"]] == [(ident, "set_up_by_t_minus_30")]


def test_a_step_wakes_watching_desks_only_when_it_changes_what_is_due_or_whose_it_is(pg_url: str) -> None:
    """The step is one statement that also decides whether to NOTIFY: a step that leaves the due
    rows as they were wakes nobody; new due rows, none left, or a hand-over do."""
    import psycopg
    from procflow.engine.store.postgres import CHANNEL, PostgresStore

    row = ("p", "a", "d1", "within", "2026-03-09T02:00:00.000Z", None, "desk", None)
    moved = ("p", "b", "d2", "within", "2026-03-09T03:00:00.000Z", 900.0, "desk", '{"en":"d2"}')
    with PostgresStore(pg_url) as desk, psycopg.connect(pg_url, autocommit=True) as watcher:
        watcher.execute(f"LISTEN {CHANNEL}")
        iid = desk.start_instance(
            procedure_id="p", pins={"p": ("p.yaml", b"id: p\n")}, snapshot={}, state="a", status="open",
            role="desk", events=[{"kind": "start"}], actor="ann", at="2026-03-09T01:00:00.000Z", due=[row],
        ).id  # fmt: skip
        assert any(watcher.notifies(timeout=1.0, stop_after=1))  # a new instance with something due

        def step(version: int, due: list[tuple[object, ...]], **extra: object) -> bool:
            desk.append_step(
                iid, version, snapshot={"n": version}, state="a", status="open", role="desk",
                events=[{"kind": "note", "note": str(version)}], actor="ann", at="2026-03-09T01:05:00.000Z",
                due=due, **extra,
            )  # fmt: skip
            return any(watcher.notifies(timeout=1.0, stop_after=1))

        assert step(1, [row]) is False  # the same row again
        assert step(2, [row, moved]) is True  # one more
        assert step(3, [moved, row]) is False  # the same two, in another order
        assert step(4, [row, moved], holder=("bob", None)) is True  # whose they are
        until = "2026-03-09T04:00:00.000Z"
        assert [(d.deadline, d.owner) for d in desk.agenda(until, limit=9, person="bob")[0]] == [
            ("d1", "bob"), ("d2", "bob")
        ]  # fmt: skip
        later = (*row[:4], "2026-03-09T02:30:00.000Z", *row[5:])
        assert step(5, [later, moved]) is True  # one row's time, under the same key
        assert [d.due_at for d in desk.due_of(iid)] == [later[4], moved[4]]
        assert step(6, [later]) is True  # one fewer
        assert step(7, []) is True  # none left
        assert step(8, []) is False
        assert [d.deadline for d in desk.due_of(iid)] == []


@pytest.mark.slow
@pytest.mark.postgresql
def test_agenda_watch_on_a_hot_standby_polls_what_it_replayed(
    private_server: PrivateServer, run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A replica refuses LISTEN while it replays: a supervisor's watch there still refreshes
    when a desk on the primary changes what is due, and a write there is refused clearly."""
    monkeypatch.setenv("PROCFLOW_DB", private_server.url)
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T08:50+08:00")
    answers = tmp_path / "meeting.yaml"
    answers.write_bytes(MEETING_ANSWERS.read_bytes())
    ran = run_cli("run", "art1-meeting-service", "--answers", str(answers), "--json", "--as", "amy")
    ident = json.loads(ran.stdout.splitlines()[-1])["instance"]
    standby = PrivateServer(primary=private_server)
    try:
        standby.start()
        replica = {**os.environ, "PROCFLOW_USER": "amy", "PROCFLOW_DB": standby.url}
        written = subprocess.run([str(PROCFLOW), "step", ident, "--set", "departments_notified=IT"],
                                 env=replica, capture_output=True, text=True, timeout=60)  # fmt: skip
        assert written.returncode == 9 and "it is read-only" in written.stderr, written.stderr
        for reading in (["status"], ["history", ident], ["report", "--month", "2026-03"], ["verify"]):
            read = subprocess.run([str(PROCFLOW), *reading], env=replica, capture_output=True, text=True,
                                  timeout=60)  # fmt: skip
            assert read.returncode == 0, (reading, read.stderr)
        watch = subprocess.Popen(
            [
                str(PROCFLOW),
                "agenda",
                "--watch",
                "--interval",
                "600",
                "--count",
                "2",
                "--json",
                "--lang",
                "en",
            ],
            env=replica,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert watch.stdout is not None
            first = json.loads(watch.stdout.readline())
            assert first["items"] == []
            stepped = run_cli("step", ident, "--set", "departments_notified=IT", "--as", "amy")
            assert stepped.exit_code == 0, stepped.output
            timer = threading.Timer(120, watch.kill)  # far below the 600 s interval
            timer.start()
            assert watch.stdout.readline() == "\n"
            second = json.loads(watch.stdout.readline())
            timer.cancel()
            assert watch.wait(timeout=30) == 0
        finally:
            watch.kill()
            _, errors = watch.communicate()
        assert errors == ""
        assert [(i["instance"], i["deadline"]) for i in second["items"]] == [(ident, "set_up_by_t_minus_30")]
    finally:
        standby.remove()


def test_a_step_stores_each_event_column_as_the_text_both_backends_write(pg_url: str) -> None:
    """The step sends its events as one JSON document and the server copies each nested value's
    text into its column: the text must be what `event_row` (SQLite's, and `db copy`'s) writes,
    key order, spacing, Chinese, numbers and empty values alike; NaN, which JSON has no word
    for, takes the per-column path and is kept as before."""
    import psycopg
    from procflow.engine.store.postgres import PostgresStore
    from procflow.engine.store.records import EVENT_COLUMNS, event_row

    stamp = "2026-03-09T01:05:00.000Z"
    steps = [
        [
            {
                "kind": "answer",
                "from": "a",
                "answers": {"z": 1.5, "名字": "王小明", "a": [3, {"y": None, "b": True}]},
            },
            {"kind": "move", "from": "a", "to": "b", "items": [], "answers": {}, "move": "go", "depth": 0},
        ],
        [{"kind": "note", "note": 'say "hi"\\', "actor": "bo", "at": "2026-03-09T01:06:00.000Z"}],
        [{"kind": "answer", "from": "b", "answers": {"n": float("nan")}}],
    ]
    with PostgresStore(pg_url) as desk:
        iid = desk.start_instance(
            procedure_id="p", pins={"p": ("p.yaml", b"id: p\n")}, snapshot={}, state="a", status="open",
            role="desk", events=[{"kind": "start"}], actor="ann", at="2026-03-09T01:00:00.000Z",
        ).id  # fmt: skip
        version, expected = 1, []
        for events in steps:
            expected += [event_row(iid, version + n, e, "ann", stamp) for n, e in enumerate(events, 1)]
            version = desk.append_step(
                iid, version, snapshot={}, state="b", status="open", role="desk", events=events,
                actor="ann", at=stamp,
            )  # fmt: skip
    with psycopg.connect(pg_url) as db:
        stored = db.execute(
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE instance = %s AND seq > 1 ORDER BY seq",
            (iid,),
        ).fetchall()
    assert stored == expected
