"""What every store backend must do, written against the `Store` protocol and nothing else.

Each test runs once per backend in `BACKENDS`; a new backend (PostgreSQL) passes by adding one
`Backend` there: how to open a store at a fresh place, how to run one statement behind its back
(to prove the database itself refuses), and the error its driver raises then.
"""

from __future__ import annotations

import importlib
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from procflow.engine.base.errors import ConflictError, DatabaseError, NotFoundError
from procflow.engine.store import BACKENDS as STORE_BACKENDS
from procflow.engine.store import Store, backend_of
from procflow.engine.store.migrations import LATEST, MIGRATIONS
from procflow.engine.store.postgres_migrations import MIGRATIONS as POSTGRES_MIGRATIONS
from procflow.engine.store.records import ID_ALPHABET, ID_LENGTH, Names, PinnedText, local_time, sha256
from procflow.engine.store.sqlite import SQLiteStore

TEXT = "id: p\ntitle: 來訪者接待\n".encode()
OTHER = b"id: q\ntitle: other\n"
T0 = "2026-03-09T01:00:00.000Z"


@dataclass(frozen=True)
class Backend:
    name: str
    open: Callable[[Path], Store]  # the store kept at this folder (made on first use)
    raw: Callable[[Store, str, Sequence[object]], object]  # one statement, `?` placeholders
    refusal: type[Exception]  # what `raw` raises when the database refuses a statement
    latest: int  # the schema version a fresh store reaches


def _sqlite_raw(store: Store, statement: str, args: Sequence[object]) -> object:
    assert isinstance(store, SQLiteStore)
    return store.db.execute(statement, tuple(args)).fetchall()


def _postgres_raw(store: Store, statement: str, args: Sequence[object]) -> object:
    from procflow.engine.store.postgres import PostgresStore

    assert isinstance(store, PostgresStore)
    with store.db.transaction():
        return store.db.execute(statement.replace("?", "%s"), tuple(args)).rowcount


def _sqlite(request: pytest.FixtureRequest) -> Backend:
    return Backend(
        "sqlite",
        lambda place: SQLiteStore(place / "procflow.db", timeout=5.0),
        _sqlite_raw,
        sqlite3.IntegrityError,
        LATEST,
    )


def _postgres(request: pytest.FixtureRequest) -> Backend:
    """A fresh database of the test's own on the server PROCFLOW_TEST_PG names (conftest `pg_url`)."""
    url: str = request.getfixturevalue("pg_url")
    import psycopg
    from procflow.engine.store.postgres import PostgresStore

    places: dict[Path, str] = {}  # the test's first place is `pg_url`; another one, a database more

    def database(place: Path) -> str:
        if place not in places:
            places[place] = url if not places else _another_database(request, url, len(places))
        return places[place]

    return Backend(
        "postgresql",
        lambda place: PostgresStore(database(place), timeout=5.0),
        _postgres_raw,
        psycopg.errors.RestrictViolation,
        LATEST,
    )


def _another_database(request: pytest.FixtureRequest, url: str, number: int) -> str:
    """A database beside `url`'s on its server, dropped after the test (two stores of one test)."""
    import psycopg

    name = f"{url.rsplit('/', 1)[1]}_{number}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')  # a made-up name, no input

    def drop() -> None:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    request.addfinalizer(drop)
    return url.rsplit("/", 1)[0] + "/" + name


BACKENDS: dict[str, Callable[[pytest.FixtureRequest], Backend]] = {"sqlite": _sqlite, "postgresql": _postgres}


def test_every_registered_backend_runs_this_suite_and_can_be_opened() -> None:
    assert sorted(BACKENDS) == sorted(STORE_BACKENDS)
    for name, registered in STORE_BACKENDS.items():
        module = importlib.import_module(f"procflow.engine.store.{registered.module}")
        assert callable(getattr(module, "open_location", None)), f"{name}: no open_location"
        for scheme in registered.schemes:
            assert backend_of(f"{scheme}://desk@db.example/procflow") == name
    assert backend_of("desk.db") == backend_of("/srv/procflow/desk.db") == "sqlite"
    assert len(POSTGRES_MIGRATIONS) == len(MIGRATIONS) == LATEST  # the same numbers on both


def test_opening_an_sqlite_store_loads_no_postgresql_driver(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom procflow.engine.store import open_store\n"
        f"open_store({str(tmp_path / 'desk.db')!r}).close()\nprint('psycopg' in sys.modules)\n"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert ran.stdout == "False\n"


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> Backend:
    return BACKENDS[request.param](request)


@pytest.fixture
def store(backend: Backend, tmp_path: Path) -> Iterator[Store]:
    with backend.open(tmp_path) as opened:
        yield opened


def at(minute: int, hour: int = 1) -> str:
    return f"2026-03-09T{hour:02d}:{minute:02d}:00.000Z"


def due(deadline: str, due_at: str, role: str | None = "desk", state: str = "a") -> tuple[Any, ...]:
    """A due row as the caller computes it: (procedure, state, deadline, kind, due_at, every, role, text)."""
    return ("p", state, deadline, "within", due_at, None, role, '{"en":"' + deadline + '"}')


def start(store: Store, actor: str = "ann", when: str = T0, **extra: Any) -> str:
    instance = store.start_instance(
        procedure_id="p",
        pins={"p": ("p.yaml", TEXT)},
        snapshot={"state": "a", "n": 0, "note": "來訪者"},
        state="a",
        status="open",
        role="desk",
        events=[{"kind": "start", "to": "a"}],
        actor=actor,
        at=when,
        **extra,
    )
    return instance.id


def step(
    store: Store,
    instance_id: str,
    version: int,
    actor: str = "ann",
    *,
    when: str = T0,
    status: str = "open",
    events: Sequence[dict[str, Any]] | None = None,
    **extra: Any,
) -> int:
    return store.append_step(
        instance_id,
        version,
        snapshot={"state": "b", "n": version},
        state="b",
        status=status,
        role="desk",
        events=[{"kind": "step", "from": "a", "to": "b", "answers": {"x": version}}]
        if events is None
        else events,
        actor=actor,
        at=when,
        **extra,
    )


# --- instances and steps ---------------------------------------------------------------------


def test_a_started_instance_loads_as_it_was_stored(store: Store) -> None:
    iid = start(store, due=[due("d1", at(30))])
    assert len(iid) == ID_LENGTH and set(iid) <= set(ID_ALPHABET)
    loaded = store.load(iid)
    assert (loaded.procedure_id, loaded.status, loaded.state, loaded.role, loaded.version) == (
        "p",
        "open",
        "a",
        "desk",
        1,
    )
    assert loaded.snapshot == {"state": "a", "n": 0, "note": "來訪者"}
    assert loaded.pins == {"p": sha256(TEXT)} and loaded.hash == sha256(TEXT)
    assert (loaded.created_by, loaded.updated_by, loaded.owner, loaded.assignee) == (
        "ann",
        "ann",
        "ann",
        None,
    )
    assert (loaded.created_at, loaded.updated_at, loaded.parent) == (T0, T0, None)
    assert store.load(f" {iid.upper()} ").id == iid
    [event] = store.events(iid)
    assert (event.instance, event.seq, event.kind, event.actor, event.at, event.to_state) == (
        iid,
        1,
        "start",
        "ann",
        T0,
        "a",
    )
    assert event.body == {"kind": "start", "to": "a", "at": T0, "actor": "ann"}
    child = start(store, when=at(5), parent=iid)
    assert store.load(child).parent == iid and store.all_ids() == [iid, child]


def test_a_step_appends_its_events_and_replaces_the_snapshot(store: Store) -> None:
    iid = start(store)
    events = [{"kind": "step", "from": "a", "to": "b", "answers": {"x": 1}}, {"kind": "note", "note": "ok"}]
    assert step(store, iid, 1, actor="bob", when=at(5), events=events) == 3
    loaded = store.load(iid)
    assert (loaded.version, loaded.state, loaded.updated_by, loaded.updated_at) == (3, "b", "bob", at(5))
    assert loaded.snapshot == {"state": "b", "n": 1}
    found = store.events(iid)
    assert [(e.seq, e.kind, e.actor, e.from_state, e.to_state) for e in found] == [
        (1, "start", "ann", None, "a"),
        (2, "step", "bob", "a", "b"),
        (3, "note", "bob", None, None),
    ]
    assert found[1].answers == {"x": 1} and found[2].note == "ok"


def test_an_instance_keeps_its_names_and_each_step_its_state_title(store: Store) -> None:
    iid = start(store, names=Names("zh-Hant", "來訪者接待", "起立"))
    assert store.load(iid).names == Names("zh-Hant", "來訪者接待", "起立")
    step(store, iid, 1, names=Names("en", "Visitor reception", "詢問"))  # the language stays the first
    assert store.load(iid).names == Names("zh-Hant", "來訪者接待", "詢問")
    [summary], _ = store.summaries()
    assert (summary.title, summary.state_title) == ("來訪者接待", "詢問")
    step(store, iid, 2)  # a step that gives no names leaves the state's title unknown
    assert (store.load(iid).title, store.load(iid).state_title) == ("來訪者接待", None)


def test_an_instance_without_names_takes_them_at_its_next_step(store: Store) -> None:
    iid = start(store)  # as one started before migration 12
    assert store.load(iid).names is None
    assert store.summaries()[0][0].title is None
    step(store, iid, 1, names=Names("en", "Visitor reception", "Inquire"))
    assert store.load(iid).names == Names("en", "Visitor reception", "Inquire")


def test_a_step_without_events_is_refused(store: Store) -> None:
    iid = start(store)
    with pytest.raises(ValueError, match="without events"):
        step(store, iid, 1, events=[])
    assert store.load(iid).version == 1


def test_a_failure_inside_a_step_writes_nothing(store: Store) -> None:
    iid = start(store, due=[due("d1", at(30))])
    with pytest.raises(TypeError):
        step(store, iid, 1, events=[{"kind": "step", "answers": {"x": object()}}], due=[due("d2", at(40))])
    assert store.load(iid).version == 1 and len(store.events(iid)) == 1
    assert [row.deadline for row in store.due_of(iid)] == ["d1"]


def test_of_two_writers_of_one_version_exactly_one_wins(backend: Backend, tmp_path: Path) -> None:
    with backend.open(tmp_path) as first:
        iid = start(first)
    results: dict[str, object] = {}
    ready = threading.Barrier(2)

    def write(actor: str, minute: int) -> None:
        with backend.open(tmp_path) as mine:  # each writer its own connection, as two processes
            ready.wait()
            try:
                results[actor] = step(mine, iid, 1, actor=actor, when=at(minute))
            except ConflictError as exc:
                results[actor] = exc

    threads = [threading.Thread(target=write, args=args) for args in (("bob", 10), ("carol", 20))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    [winner] = [who for who, result in results.items() if result == 2]
    [(loser, refusal)] = [(who, r) for who, r in results.items() if isinstance(r, ConflictError)]
    when = at(10) if winner == "bob" else at(20)
    assert f"instance '{iid}' was changed by {winner} at {local_time(when)} " in refusal.message
    assert "nothing of yours was saved" in refusal.message
    with backend.open(tmp_path) as after:
        assert [e.actor for e in after.events(iid)] == ["ann", winner]
        assert after.load(iid).updated_by == winner != loser


def test_a_step_on_a_version_already_passed_names_who_changed_it_and_when(store: Store) -> None:
    iid = start(store)
    step(store, iid, 1, actor="bob", when=at(7))
    with pytest.raises(ConflictError) as caught:
        step(store, iid, 1, actor="carol", when=at(8))
    assert caught.value.message.startswith(
        f"instance '{iid}' was changed by bob at {local_time(at(7))} (version 2, open) after you read version 1"
    )
    assert store.load(iid).snapshot == {"state": "b", "n": 1}


def test_events_are_append_only_in_the_database_itself(backend: Backend, store: Store) -> None:
    iid = start(store)
    step(store, iid, 1)
    for statement in (
        "UPDATE events SET note = 'x' WHERE instance = ?",
        "DELETE FROM events WHERE instance = ?",
    ):
        with pytest.raises(backend.refusal, match="append-only"):
            backend.raw(store, statement, [iid])
    assert [e.seq for e in store.events(iid)] == [1, 2] and all(e.note is None for e in store.events(iid))


# --- pins ----------------------------------------------------------------------------------------


def test_the_same_text_is_pinned_once(store: Store) -> None:
    first = start(store)
    second = store.start_instance(
        procedure_id="q",
        pins={"q": ("elsewhere/q.yaml", OTHER), "p": ("moved/p.yaml", TEXT)},
        snapshot={},
        state="a",
        status="open",
        role=None,
        events=[{"kind": "start"}],
        actor="bob",
        at=T0,
    )
    assert second.pins == {"q": sha256(OTHER), "p": sha256(TEXT)} and second.hash == sha256(OTHER)
    assert store.load(first).hash == sha256(TEXT)
    assert store.pinned(sha256(TEXT)) == PinnedText("p", "p.yaml", TEXT)  # the first pin stays
    assert store.pinned(sha256(OTHER)) == ("q", "elsewhere/q.yaml", OTHER)
    with pytest.raises(DatabaseError, match="lacks the pinned procedure text 000000000000"):
        store.pinned("0" * 64)


def test_each_instance_keeps_the_paths_it_was_started_from(store: Store) -> None:
    """One text pinned once, but each instance names the file it was read from (migration 8)."""
    first = start(store)
    second = store.start_instance(
        procedure_id="p",
        pins={"p": ("/elsewhere/p.yaml", TEXT), "q": ("/elsewhere/q.yaml", OTHER)},
        snapshot={},
        state="a",
        status="open",
        role=None,
        events=[{"kind": "start"}],
        actor="bob",
        at=at(5),
    ).id
    assert store.load(first).paths == {"p": "p.yaml"}
    assert store.load(second).paths == {"p": "/elsewhere/p.yaml", "q": "/elsewhere/q.yaml"}
    assert {s.id: s.path for s in store.summaries()[0]} == {first: "p.yaml", second: "/elsewhere/p.yaml"}
    assert store.pinned(sha256(TEXT)).path == "p.yaml"  # where the text was first read from
    step(store, second, 1)
    assert store.load(second).paths == {"p": "/elsewhere/p.yaml", "q": "/elsewhere/q.yaml"}


# --- due rows and the agenda ---------------------------------------------------------------------


def test_due_rows_are_replaced_with_each_step_and_read_in_due_order(store: Store) -> None:
    one = start(store, due=[due("late", at(50)), due("early", at(10))])
    two = start(store, actor="bob", due=[due("middle", at(30), role="hr")])
    assert [row.deadline for row in store.due_of(one)] == ["early", "late"]  # by state and deadline
    rows, total = store.agenda(at(59), limit=10)
    assert [(r.instance, r.deadline, r.due_at) for r in rows] == [
        (one, "early", at(10)),
        (two, "middle", at(30)),
        (one, "late", at(50)),
    ]
    assert total == 3 and (rows[0].owner, rows[0].assignee, rows[0].kind, rows[0].text) == (
        "ann",
        None,
        "within",
        '{"en":"early"}',
    )
    assert store.agenda(at(40), limit=10)[1] == 2
    assert ([r.deadline for r in store.agenda(at(59), limit=1)[0]], store.agenda(at(59), limit=1)[1]) == (
        ["early"],
        3,
    )
    assert [r.deadline for r in store.agenda(at(59), limit=10, role="hr")[0]] == ["middle"]
    assert [r.deadline for r in store.agenda(at(59), limit=10, person="bob")[0]] == ["middle"]

    step(store, one, 1, due=[due("next", at(20), state="b")])
    assert store.due_of(one) == [("p", "b", "next", "within", at(20), None, "desk", '{"en":"next"}')]
    assert [r.deadline for r in store.agenda(at(59), limit=10)[0]] == ["next", "middle"]
    step(store, one, 2)  # no rows: nothing of it is due any more
    assert store.due_of(one) == []


def test_a_cancelled_instance_has_nothing_due_and_a_finished_one_only_what_it_keeps(store: Store) -> None:
    iid = start(store, due=[due("d1", at(10))])
    step(store, iid, 1, status="cancelled", due=[due("d2", at(20))])
    assert store.due_of(iid) == [] and store.agenda(at(59), limit=10) == ([], 0)
    kept = start(store, due=[due("d1", at(10))])  # a finished instance keeps its follow-ups' rows
    step(store, kept, 1, status="finished", due=[due("f1", at(30))])
    assert [r[2] for r in store.due_of(kept)] == ["f1"]
    assert [r.deadline for r in store.agenda(at(59), limit=10)[0]] == ["f1"]


# --- holders and hand-overs ----------------------------------------------------------------------


def test_a_hand_over_changes_whose_the_instance_and_its_due_rows_are(store: Store) -> None:
    iid = start(store, actor="amy", due=[due("d1", at(10))])
    assert store.holder(iid) == ("amy", None)
    step(store, iid, 1, actor="amy", holder=("amy", "hr"), due=[due("d1", at(10))])
    assert store.holder(iid) == ("amy", "hr") and store.load(iid).assignee == "hr"
    assert store.agenda(at(59), limit=10, person="amy")[0] == []
    [row] = store.agenda(at(59), limit=10, person="bo", roles=["hr"])[0]
    assert (row.owner, row.assignee) == ("amy", "hr")
    assert store.summaries(person="amy")[0] == []
    assert [s.id for s in store.summaries(person="bo", roles=["hr"])[0]] == [iid]
    step(store, iid, 2, actor="bo", holder=("bo", None), due=[due("d1", at(10))])
    assert store.holder(iid) == ("bo", None)
    assert [r.owner for r in store.agenda(at(59), limit=10, person="bo")[0]] == ["bo"]
    with pytest.raises(NotFoundError, match="unknown instance 'zzzzzz'"):
        store.holder("zzzzzz")


# --- status ------------------------------------------------------------------------------------------


def test_status_summaries_list_open_and_recently_closed_newest_first(store: Store) -> None:
    ids = [start(store, actor="ann" if n % 3 else "bob", when=at(n)) for n in range(12)]
    for n in (0, 3, 6):
        step(store, ids[n], 1, actor="bob", when=at(30 + n), status="finished")
    step(store, ids[9], 1, actor="bob", when=at(40), status="cancelled")
    opened, closed = store.summaries()
    assert [s.id for s in opened] == [ids[n] for n in (11, 10, 8, 7, 5, 4, 2, 1)]
    assert [(s.id, s.status) for s in closed] == [
        (ids[9], "cancelled"),
        (ids[6], "finished"),
        (ids[3], "finished"),
        (ids[0], "finished"),
    ]
    assert (opened[0].procedure_id, opened[0].state, opened[0].path, opened[0].hash) == (
        "p",
        "a",
        "p.yaml",
        sha256(TEXT),
    )
    limited, recent = store.summaries(open_limit=3, recent_limit=2)
    assert len(limited) == 4 and [s.id for s in recent] == [ids[9], ids[6]]  # one more: more exist
    assert len(store.summaries(open_limit=None)[0]) == 8
    mine, _ = store.summaries(person="ann")
    assert {s.id for s in mine} == {ids[n] for n in (1, 2, 4, 5, 7, 8, 10, 11)}


# --- short ids ------------------------------------------------------------------------------------


def test_a_short_id_resolves_as_typed_and_last_is_the_latest_change(store: Store) -> None:
    first = start(store, when=at(1))
    second = start(store, when=at(2))
    assert store.resolve(f"  {first.upper()} ", "ann") == first
    assert store.resolve("last", "ann") == second
    step(store, first, 1, when=at(3))
    assert store.resolve("LAST", "ann") == first
    with pytest.raises(NotFoundError, match="bob holds no instances yet"):
        store.resolve("last", "bob")


def test_an_instance_is_read_whole_as_its_parts_say(store: Store) -> None:
    iid = start(store, due=[due("d1", at(30))])
    step(store, iid, 1, due=[due("d2", at(40))])
    whole = store.whole(iid.upper())
    assert whole.instance == store.load(iid) and whole.instance.version == 2
    assert whole.events == store.events(iid) and [e.seq for e in whole.events] == [1, 2]
    assert whole.due == store.due_of(iid) and [d.deadline for d in whole.due] == ["d2"]
    typo = iid[:-1] + ("2" if iid[-1] != "2" else "3")
    with pytest.raises(NotFoundError, match=rf"^unknown instance '{typo}'; did you mean '{iid}'\?$"):
        store.whole(typo)
    step(store, iid, 2)  # the store is usable for writes again after a read, found or not
    assert store.whole(iid).instance.version == 3


def test_an_unknown_id_is_not_found_with_a_suggestion(store: Store) -> None:
    iid = start(store)
    typo = iid[:-1] + ("2" if iid[-1] != "2" else "3")
    for lookup in (store.load, lambda ref: store.resolve(ref, "ann")):
        with pytest.raises(NotFoundError, match=rf"^unknown instance '{typo}'; did you mean '{iid}'\?$"):
            lookup(typo)
        with pytest.raises(NotFoundError, match="`procflow status` lists instances"):
            lookup("zzzzzzzzzzzz")


# --- violations ------------------------------------------------------------------------------------


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def test_violations_are_recorded_and_listed_by_time_and_never_changed(backend: Backend, store: Store) -> None:
    record = dict(rule="no_eating", procedure="p", note=None, recorded_by="zhao", recorded_at=at(59))
    numbers = [
        store.record_violation(person="wang", at=at(20), **record),
        store.record_violation(person="li", at=at(10), **{**record, "note": "noodles"}),
        store.record_violation(person="wang", at=at(40), **record),
    ]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    found = store.violations()
    assert [(v.number, v.person, v.at) for v in found] == [
        (numbers[1], "li", at(10)),
        (numbers[0], "wang", at(20)),
        (numbers[2], "wang", at(40)),
    ]
    assert (found[0].rule, found[0].procedure, found[0].note, found[0].recorded_by, found[0].recorded_at) == (
        "no_eating",
        "p",
        "noodles",
        "zhao",
        at(59),
    )
    assert [v.number for v in store.violations(start=moment(at(20)), end=moment(at(40)))] == [numbers[0]]
    assert [v.number for v in store.violations(person="wang", start=moment(at(30)))] == [numbers[2]]
    for statement in ("UPDATE violations SET note = 'x'", "DELETE FROM violations"):
        with pytest.raises(backend.refusal, match="append-only"):
            backend.raw(store, statement, [])
    assert len(store.violations()) == 3


def test_breach_and_override_events_are_the_accountable_ones(store: Store) -> None:
    iid = start(store)
    breach = {"kind": "breach", "state": "a", "deadline": "d1", "late": 90, "at": "2026-03-09T09:20:00+08:00"}
    override = {"kind": "override", "state": "a", "role": "hr", "reason": "short-handed", "at": at(30)}
    step(store, iid, 1, actor="wang", when=at(30), events=[breach, {"kind": "note", "note": "x"}, override])
    found = store.accountable_events()
    assert [(e.instance, e.seq, e.kind, e.actor, e.procedure) for e in found] == [
        (iid, 2, "breach", "wang", "p"),
        (iid, 4, "override", "wang", "p"),
    ]
    assert found[0].at == "2026-03-09T09:20:00+08:00" and found[0].body["late"] == 90
    assert found[1].body["reason"] == "short-handed"
    # bounds are exact moments, whatever offset the event was stored with (09:20+08:00 is 01:20Z)
    assert [e.seq for e in store.accountable_events(start=moment(at(20)), end=moment(at(21)))] == [2]
    assert [e.seq for e in store.accountable_events(start=moment(at(21)))] == [4]
    assert store.accountable_events(person="li") == []


# --- schema ----------------------------------------------------------------------------------------


def test_a_fresh_store_reaches_the_latest_version_and_reopening_changes_nothing(
    backend: Backend, tmp_path: Path
) -> None:
    with backend.open(tmp_path) as fresh:
        assert fresh.schema_version() == backend.latest
        iid = start(fresh)
        assert fresh.upgrade() == (backend.latest, backend.latest)  # already there: a no-op
        assert fresh.integrity() == [] and fresh.integrity(quick=True) == []
    with backend.open(tmp_path) as again:
        assert again.schema_version() == backend.latest
        assert again.load(iid).version == 1 and [e.seq for e in again.events(iid)] == [1]


# --- drafts: what is confirmed inside a step not yet taken -----------------------------------


def draft(
    store: Store, iid: str, version: int, kind: str, name: str, value: Any = None, **extra: Any
) -> None:
    store.save_draft(
        iid,
        version,
        kind=kind,
        name=name,
        value=value,
        visit=extra.pop("visit", 1),
        state=extra.pop("state", "a"),
        actor=extra.pop("actor", "ann"),
        at=extra.pop("when", at(3)),
    )


def test_drafts_are_kept_as_given_and_a_later_one_replaces_the_same_field_or_item(store: Store) -> None:
    iid = start(store)
    draft(store, iid, 1, "answer", "caller", "王小明")
    draft(store, iid, 1, "check", "lights")
    draft(store, iid, 1, "answer", "guests", "2")
    draft(store, iid, 1, "skip", "lights", "停電 no power", when=at(4))  # the same item: replaced
    draft(store, iid, 1, "answer", "caller", "王小明先生", actor="bob")
    found = store.drafts(iid)
    assert [(d.subject, d.name, d.kind, d.value, d.actor) for d in found] == [
        ("field", "caller", "answer", "王小明先生", "bob"),  # first given first, its value the last
        ("field", "guests", "answer", "2", "ann"),
        ("item", "lights", "skip", "停電 no power", "ann"),
    ]
    assert {(d.visit, d.state, d.version) for d in found} == {(1, "a", 1)}
    # drafts are not events and change nothing of the instance
    assert store.load(iid).version == 1 and len(store.events(iid)) == 1


def test_a_draft_for_a_version_already_passed_is_refused_and_nothing_written(store: Store) -> None:
    iid = start(store)
    draft(store, iid, 1, "answer", "caller", "Lin")
    step(store, iid, 1, actor="bob", when=at(7), events=[{"kind": "answer", "answers": {"caller": "Wu"}}])
    with pytest.raises(ConflictError) as caught:
        draft(store, iid, 1, "answer", "caller", "Wu")
    assert f"instance '{iid}' was changed by bob" in caught.value.message
    assert "nothing of yours was saved" in caught.value.message
    assert store.drafts(iid) == []


def test_a_closed_or_unknown_instance_takes_no_drafts(store: Store) -> None:
    iid = start(store)
    step(store, iid, 1, status="finished", events=[{"kind": "finish", "outcome": "done"}])
    with pytest.raises(ConflictError, match="finished"):
        draft(store, iid, 2, "check", "lights")
    with pytest.raises(NotFoundError):
        draft(store, "zzzzzz", 1, "check", "lights")
    with pytest.raises(ValueError, match="unknown draft kind"):
        draft(store, iid, 2, "move", "close")


@pytest.mark.parametrize("kind", ["answer", "check", "skip", "enter", "move", "finish", "cancel"])
def test_a_step_that_records_work_clears_the_drafts_in_its_transaction(store: Store, kind: str) -> None:
    iid = start(store)
    draft(store, iid, 1, "answer", "caller", "Lin")
    draft(store, iid, 1, "check", "lights")
    step(store, iid, 1, events=[{"kind": kind, "from": "a"}])
    assert store.drafts(iid) == []


@pytest.mark.parametrize("kind", ["handoff", "note", "override", "breach", "done"])
def test_a_hand_over_or_a_note_keeps_the_drafts_of_the_step(store: Store, kind: str) -> None:
    iid = start(store)
    draft(store, iid, 1, "answer", "caller", "Lin")
    step(store, iid, 1, events=[{"kind": kind, "from": "a"}])
    assert [d.name for d in store.drafts(iid)] == ["caller"]
    draft(store, iid, 2, "answer", "guests", "3")  # written on at the new version
    assert [(d.name, d.version) for d in store.drafts(iid)] == [("caller", 1), ("guests", 2)]


def test_a_failed_step_keeps_the_drafts(store: Store) -> None:
    iid = start(store)
    draft(store, iid, 1, "answer", "caller", "Lin")
    with pytest.raises(TypeError):
        step(store, iid, 1, events=[{"kind": "answer", "answers": {"x": object()}}])
    assert [d.value for d in store.drafts(iid)] == ["Lin"]


# --- hand-overs: who passed it on, and who has been seen ----------------------------------------


def test_the_last_hand_over_of_each_instance_is_read_with_its_note(store: Store) -> None:
    first, second, third = start(store), start(store), start(store)
    step(store, first, 1, events=[{"kind": "handoff", "to": "bob", "note": "call Mr Lin back"}])
    step(store, first, 2, actor="bob", events=[{"kind": "handoff", "to": "carol", "note": "交給你了"}])
    step(store, second, 1)
    step(store, third, 1, events=[{"kind": "handoff", "to": "dan", "note": "first"}])
    step(store, third, 2, actor="dan")  # a later step: the hand-over is still the last one
    found = store.last_handoffs([first, second, third, "zzzzzz", first])
    assert set(found) == {first, third}
    assert (found[first].seq, found[first].actor, found[first].note) == (3, "bob", "交給你了")
    assert (found[third].seq, found[third].note) == (2, "first")


def test_a_person_is_known_once_they_started_held_or_acted_on_an_instance(store: Store) -> None:
    assert not store.knows_person("ann")
    iid = start(store, actor="ann")
    assert store.knows_person("ann") and not store.knows_person("bob")
    step(store, iid, 1, actor="bob")
    assert store.knows_person("bob") and not store.knows_person("Bob")


# --- a whole record moved between stores (`procflow db copy`) ----------------------------------


def test_a_whole_record_is_written_elsewhere_as_it_was_read(backend: Backend, tmp_path: Path) -> None:
    (tmp_path / "from").mkdir(), (tmp_path / "to").mkdir()
    with backend.open(tmp_path / "from") as source, backend.open(tmp_path / "to") as destination:
        first = start(source, due=[due("d1", at(30))], names=Names("en", "P", "A"))
        step(source, first, 1, holder=("bob", "desk"), due=[due("d2", at(40))], names=Names("en", "P", "B"))
        second = source.start_instance(
            procedure_id="p", pins={"p": ("p.yaml", TEXT), "q": ("/q.yaml", OTHER)}, snapshot={"s": 1},
            state="a", status="open", role=None, events=[{"kind": "start"}], actor="bob", at=at(5),
        ).id  # fmt: skip
        source.save_draft(
            second, 1, kind="answer", name="x", value="來", visit=1, state="a", actor="bob", at=at(6)
        )
        number = source.record_violation(
            person="ann", rule="r", procedure="p", at=at(7), note=None, recorded_by="boss", recorded_at=at(8)
        )
        source.decide_violation(
            violation=str(number), decision="confirmed", reason="seen", decided_by="boss", decided_at=at(9)
        )
        records = source.instance_records([second, "zzzzzz", first])
        assert [r.instance.id for r in records] == [second, first]
        assert records[1].events == source.events(first) and records[1].due == source.due_of(first)
        assert records[0].drafts == source.drafts(second) and records[0].instance == source.load(second)
        pins = source.pinned_rows()
        assert [p.hash for p in pins] == sorted([sha256(TEXT), sha256(OTHER)])
        assert source.pinned_rows([sha256(OTHER)]) == [p for p in pins if p.hash == sha256(OTHER)]

        destination.add_records(pins, records)
        destination.add_accountability(source.violations(), source.violation_decisions())
        assert destination.instance_records([second, first]) == records
        assert destination.pinned_rows() == pins
        assert destination.holder(first) == ("bob", "desk")
        assert destination.load(first).names == Names("en", "P", "B")
        assert destination.agenda(at(59), limit=5) == source.agenda(at(59), limit=5)
        assert (destination.violations(), destination.violation_decisions()) == (
            source.violations(),
            source.violation_decisions(),
        )
        # numbers given out later follow on; the copied instance steps on from its version
        assert (
            destination.record_violation(
                person="x", rule="r", procedure="p", at=at(10), note=None, recorded_by="b", recorded_at=at(10)
            )
            == number + 1
        )
        assert step(destination, first, 2) == 3


def test_rows_as_stored_go_elsewhere_untouched_and_read_the_same_from_every_backend(
    backend: Backend, tmp_path: Path
) -> None:
    """`stored_records` hands out an instance's rows as kept, JSON text not decoded; written
    with `add_stored_records` into this backend and into an SQLite file they read back as the
    same tuple (so with the same digest), the text spelt as it was, and decode to what
    `instance_records` reads. Text that is not JSON is carried, and named when decoded."""
    (tmp_path / "from").mkdir(), (tmp_path / "to").mkdir()
    with (
        backend.open(tmp_path / "from") as source,
        backend.open(tmp_path / "to") as destination,
        SQLiteStore(tmp_path / "peer.db") as peer,
    ):
        every = ("p", "a", "d3", "every", at(50), 900, "desk", None)
        first = start(source, due=[due("d1", at(30)), every], names=Names("en", "P", "A"))
        step(
            source,
            first,
            1,
            holder=("bob", "desk"),
            due=[due("d2", at(40)), every],
            names=Names("en", "P", "B"),
        )
        second = source.start_instance(
            procedure_id="p", pins={"p": ("p.yaml", TEXT), "q": ("/q.yaml", OTHER)}, snapshot={"s": 1},
            state="a", status="open", role=None, events=[{"kind": "start"}], actor="bob", at=at(5),
        ).id  # fmt: skip
        for name, value in (("y", "來"), ("x", 2)):
            source.save_draft(
                second, 1, kind="answer", name=name, value=value, visit=1, state="a", actor="bob", at=at(6)
            )
        stored = source.stored_records([second, "zzzzzz", first])
        assert [r.id for r in stored] == [second, first]
        assert [r.decoded() for r in stored] == source.instance_records([second, first])
        assert all(type(r.instance[8]) is str for r in stored), "the snapshot is handed out as its text"
        assert stored[1].due[1][6] == 900 and type(stored[1].due[1][6]) is int
        spelt = stored[0]._replace(instance=(*stored[0].instance[:8], '{"s":  1}', *stored[0].instance[9:]))
        damaged = stored[1]._replace(instance=(*stored[1].instance[:8], "{not json", *stored[1].instance[9:]))
        for into in (destination, peer):
            into.add_stored_records(source.pinned_rows(), [spelt, damaged])
            read = into.stored_records([second, first])
            assert read == [spelt, damaged] and [r.digest() for r in read] == [
                spelt.digest(),
                damaged.digest(),
            ]
            assert read[0].digest() != stored[0].digest()
            assert into.instance_records([second]) == source.instance_records([second])
            with pytest.raises(
                DatabaseError, match=f"instance '{first}' .* is damaged \\(its snapshot is not valid JSON"
            ):
                into.instance_records([first])
            # the copied drafts stay, and the next step that records work still empties them
            assert len(into.drafts(second)) == 2
            step(into, second, 1, events=[{"kind": "answer", "from": "a"}])
            assert into.drafts(second) == []


def test_a_record_whose_id_is_taken_is_refused_and_nothing_written(backend: Backend, tmp_path: Path) -> None:
    (tmp_path / "from").mkdir(), (tmp_path / "to").mkdir()
    with backend.open(tmp_path / "from") as source, backend.open(tmp_path / "to") as destination:
        first, second = start(source), start(source, "bob")
        destination.add_records(source.pinned_rows(), source.instance_records([first]))
        with pytest.raises(DatabaseError, match=f"instance '{first}' is already in database"):
            destination.add_records([], source.instance_records([second, first]))
        assert destination.all_ids() == [first]
        destination.add_accountability(source.violations(), [])
        number = source.record_violation(
            person="ann", rule="r", procedure="p", at=at(7), note=None, recorded_by="boss", recorded_at=at(8)
        )
        destination.add_accountability(source.violations(), [])
        with pytest.raises(DatabaseError, match=f"violation {number} is already in database"):
            destination.add_accountability(source.violations(), [])
        assert len(destination.violations()) == 1


def test_every_password_hash_is_listed_by_person_with_who_set_it_when(store: Store) -> None:
    """What `db copy` carries to another store."""
    assert store.passwords() == []
    store.set_password("hana", "$argon2id$v=19$other", set_by="root", at=T0)
    store.set_password("amy", "$argon2id$v=19$first", set_by="root", at=T0)
    store.set_password("amy", "$argon2id$v=19$second", set_by="amy", at=T0)
    assert store.passwords() == [
        ("amy", "$argon2id$v=19$second", "amy", T0),
        ("hana", "$argon2id$v=19$other", "root", T0),
    ]


def test_a_password_hash_is_kept_per_person_and_a_new_one_replaces_it(store: Store) -> None:
    assert store.password_of("amy") is None
    store.set_password("amy", "$argon2id$v=19$first", set_by="root", at=T0)
    store.set_password("hana", "$argon2id$v=19$other", set_by="root", at=T0)
    store.set_password("amy", "$argon2id$v=19$second", set_by="amy", at=T0)
    assert store.password_of("amy") == "$argon2id$v=19$second"
    assert store.password_of("hana") == "$argon2id$v=19$other"
    assert store.password_of("Amy") is None  # person ids are exact, as in the site file


def test_a_draft_dropped_is_gone_and_only_that_one_and_only_at_the_version_read(store: Store) -> None:
    iid = start(store)
    draft(store, iid, 1, "check", "lights")
    draft(store, iid, 1, "check", "door")
    draft(store, iid, 1, "answer", "lights", "on")  # a field of the same name: another subject
    store.drop_draft(iid, 1, kind="check", name="lights")  # unticked again
    store.drop_draft(iid, 1, kind="check", name="never")  # none kept: no error
    store.drop_draft(iid, 1, kind="skip", name="door")  # the item is ticked, not skipped: kept
    assert [(d.kind, d.name) for d in store.drafts(iid)] == [("answer", "lights"), ("check", "door")]
    step(store, iid, 1, actor="bob", when=at(7), events=[{"kind": "note", "note": "x"}])
    with pytest.raises(ConflictError, match="changed by bob"):
        store.drop_draft(iid, 1, kind="check", name="door")
    assert [(d.kind, d.name) for d in store.drafts(iid)] == [("answer", "lights"), ("check", "door")]
    with pytest.raises(ValueError, match="unknown draft kind"):
        store.drop_draft(iid, 2, kind="move", name="door")


def test_a_session_is_kept_by_its_digest_used_ended_and_purged_when_idle(store: Store) -> None:
    assert store.session_of("d1") is None
    store.keep_session("d1", person=None, lang="en", at=at(0))  # a language chosen, not signed in
    store.keep_session("d1", person="amy", lang="zh-Hant", at=at(1))  # signed in: the same row
    store.keep_session("d2", person="ben", lang=None, at=at(2))
    store.keep_session("d3", person="hana", lang=None, at=at(3))
    found = store.session_of("d1")
    assert found is not None
    assert (found.digest, found.person, found.lang, found.created_at, found.seen_at) == (
        "d1", "amy", "zh-Hant", at(0), at(1)
    )  # fmt: skip
    store.touch_session("d1", at=at(9))
    store.touch_session("unknown", at=at(9))  # no row, no error
    assert store.session_of("d1") == found._replace(seen_at=at(9))
    store.end_session("d2")
    store.end_session("d2")  # signed out twice: no error
    assert store.session_of("d2") is None
    assert store.purge_sessions(idle_before=at(5)) == 1  # d3, last used at 3
    assert store.session_of("d3") is None and store.session_of("d1") is not None
    assert store.purge_sessions(idle_before=at(5)) == 0


def test_a_watcher_learns_soon_that_another_desk_changed_what_is_due(
    backend: Backend, tmp_path: Path
) -> None:
    """What `agenda --watch` and the web desk's live updates wait on: PostgreSQL is told
    (NOTIFY), SQLite's file is asked; either way the wait ends well before its timeout."""
    import time

    with backend.open(tmp_path) as watcher, backend.open(tmp_path) as other:
        iid = start(other, due=[due("d1", at(30))])
        assert watcher.wait_for_due_change(0) is False  # starts listening; nothing since
        assert watcher.wait_for_due_change(0.3) is False  # nobody changed anything: the whole wait
        step(other, iid, 1, due=[due("d2", at(40))])
        began = time.monotonic()
        assert watcher.wait_for_due_change(30) is True
        assert time.monotonic() - began < 10
        assert watcher.wait_for_due_change(0) is False  # told once
