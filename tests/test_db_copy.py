"""`procflow db copy`: a desk's whole record moved to another store and back, as it was.

A source desk is made with real commands (instances finished and open, due rows, a hand-over)
plus drafts, violations and decisions kept through the desk services; the copy must hold every
instance, event, pin, path, due row, draft, violation and decision with the same ids, numbers
and stamps, pass `verify`, and say what it copied. Run again it writes nothing; an instance
that differs in the destination is reported and left alone. Bad sources and destinations are
one line and their exit code.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from procflow.engine.base.errors import EXIT_DATABASE, EXIT_FINDINGS, EXIT_USAGE
from procflow.engine.desk import drafts, transfer
from procflow.engine.desk.instances import Desk
from procflow.engine.store import Store, open_store
from procflow.engine.store.migrations import LATEST

FIXTURES = Path(__file__).parent / "fixtures"
MEETING_ANSWERS = Path(__file__).parent / "fixtures" / "answers" / "meeting.yaml"
RunCli = Callable[..., Result]


def make_desk(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, tmp: Path, db: Path) -> list[str]:
    """A desk's record at `db`: a finished and an open visitor, two meetings with due rows (one
    handed over), drafts, two violations and a decision. The ids of its instances."""
    monkeypatch.setenv("PROCFLOW_DB", str(db))
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T08:50+08:00")
    ids = []
    for answers in ("visitor-answers.yaml", "visitor-partial.yaml"):
        ran = run_cli(
            "run", "sample-visitor", "--dir", "docs/examples/run", "--answers",
            f"docs/examples/run/{answers}", "--json", "--as", "amy",
        )  # fmt: skip
        ids.append(json.loads(ran.output.splitlines()[-1])["instance"])
    meeting = tmp / "meeting.yaml"
    meeting.write_bytes(MEETING_ANSWERS.read_bytes())
    for actor in ("amy", "bob"):
        ran = run_cli("run", "art1-meeting-service", "--answers", str(meeting), "--json", "--as", actor)
        ident = json.loads(ran.output.splitlines()[-1])["instance"]
        stepped = run_cli("step", ident, "--set", "departments_notified=IT", "--as", actor)
        assert stepped.exit_code == 0, stepped.output
        ids.append(ident)
    handed = run_cli("handoff", ids[-1], "--as", "bob", "--to", "amy", "--note", "back at 11", "--lang", "en")
    assert handed.exit_code == 0, handed.output
    with open_store(db) as store:
        desk = Desk(store, actor="amy", lang="en")
        drafts.save_answer(desk, desk.open(ids[1]), "visitor_name", "Ms Lin")
        first = store.record_violation(
            person="amy", rule="r1", procedure="p", at="2026-03-01T01:00:00.000Z",
            note="late", recorded_by="boss", recorded_at="2026-03-02T01:00:00.000Z",
        )  # fmt: skip
        store.record_violation(
            person="bob", rule="r2", procedure="p", at="2026-03-03T01:00:00.000Z",
            note=None, recorded_by="boss", recorded_at="2026-03-04T01:00:00.000Z",
        )  # fmt: skip
        store.decide_violation(
            violation=str(first), decision="confirmed", reason="seen",
            decided_by="boss", decided_at="2026-03-05T01:00:00.000Z",
        )  # fmt: skip
    return ids


def whole_record(store: Store) -> dict[str, Any]:
    """Everything the store keeps, through the protocol: comparable between two stores."""
    ids = store.all_ids()
    return {
        "instances": store.instance_records(ids),
        "pins": [(p.hash, p.procedure_id, p.text) for p in store.pinned_rows()],
        "violations": store.violations(),
        "decisions": store.violation_decisions(),
    }


def open_visitor(store: Store) -> str:
    return next(
        r.instance.id
        for r in store.instance_records(store.all_ids())
        if (r.instance.procedure_id, r.instance.status) == ("sample-visitor", "open")
    )


def copy(run_cli: RunCli, source: str, destination: str) -> Result:
    return run_cli("db", "copy", "--from", source, "--to", destination)


COPIED = """\
  instances             4  (0 already there)
  events          {events}
  hand-overs            1
  pinned texts          3
  instance paths        6
  due rows              2
  drafts                1
  violations            2  (0 already there)
  decisions             1  (0 already there)
  passwords             0  (0 already there)
verified 4 instances in the copy: each matches its events
"""


@pytest.fixture
def desk_db(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    db = tmp_path / "desk.db"
    make_desk(run_cli, monkeypatch, tmp_path, db)
    return db


def test_a_desk_copied_to_another_file_is_the_same_record(
    run_cli: RunCli, desk_db: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "archive.db"
    copied = copy(run_cli, str(desk_db), str(archive))
    assert copied.exit_code == 0, copied.output
    with open_store(desk_db) as source, open_store(archive) as destination:
        record = whole_record(source)
        assert whole_record(destination) == record
        events = sum(len(r.events) for r in record["instances"])
        ident = open_visitor(source)
        # what `status` and `agenda` read (the order of equal times aside)
        assert [sorted(part) for part in destination.summaries()] == [
            sorted(part) for part in source.summaries()
        ]
        due, total = destination.agenda("2026-03-10T00:00:00.000Z", limit=10)
        assert (sorted(due), total) == (sorted(source.agenda("2026-03-10T00:00:00.000Z", limit=10)[0]), 2)
    assert copied.output == f"copied {desk_db} to {archive}\n" + COPIED.format(
        events=f"{events:>7,}", to=archive
    )
    verified = run_cli("verify", "--db", str(archive))
    assert verified.exit_code == 0, verified.output
    # the copy is a desk of its own: the next step goes on from the copied version
    stepped = run_cli("step", ident, "--set", "visitor_name=Mr Wu", "--db", str(archive), "--as", "amy")
    assert stepped.exit_code in (0, 1), stepped.output
    with open_store(archive) as destination:
        assert destination.load(ident).version > next(
            r.instance.version for r in record["instances"] if r.instance.id == ident
        )


def test_copying_again_writes_nothing_and_a_differing_instance_is_reported(
    run_cli: RunCli, desk_db: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "archive.db"
    assert copy(run_cli, str(desk_db), str(archive)).exit_code == 0
    again = copy(run_cli, str(desk_db), str(archive))
    assert again.exit_code == 0, again.output
    assert "  instances             0  (4 already there)\n" in again.output
    assert "  events                0\n" in again.output
    assert "  violations            0  (2 already there)\n" in again.output
    assert again.output.endswith("verified 4 instances in the copy: each matches its events\n")
    with open_store(desk_db) as source, open_store(archive) as destination:
        assert whole_record(destination) == whole_record(source)
        changed = open_visitor(source)  # a step in the archive only
    stepped = run_cli("step", changed, "--set", "visitor_name=Mr Wu", "--db", str(archive), "--as", "amy")
    assert stepped.exit_code in (0, 1), stepped.output
    with open_store(archive) as destination:
        before = whole_record(destination)
    third = copy(run_cli, str(desk_db), str(archive))
    assert third.exit_code == EXIT_FINDINGS, third.output
    assert "  instances             0  (3 already there)\n" in third.output
    assert f"not copied: instance '{changed}' is in {archive} already and it has " in third.output
    with open_store(archive) as destination:
        assert whole_record(destination) == before, "the destination's instance was overwritten"


def test_bad_sources_and_destinations_are_one_line_and_their_exit_code(
    run_cli: RunCli, desk_db: Path, tmp_path: Path
) -> None:
    missing = copy(run_cli, str(tmp_path / "nothing.db"), str(tmp_path / "b.db"))
    assert (missing.exit_code, missing.output) == (
        EXIT_DATABASE,
        f"procflow: no database at '{tmp_path / 'nothing.db'}'\n",
    )
    assert not (tmp_path / "nothing.db").exists() and not (tmp_path / "b.db").exists()

    same = copy(run_cli, str(desk_db), str(desk_db))
    assert same.exit_code == EXIT_USAGE
    assert same.output == f"procflow: --from and --to name the same database '{desk_db}'; give two\n"

    old = tmp_path / "old.db"
    shutil.copy(FIXTURES / "store" / "release-0.1.db", old)
    before = old.read_bytes()
    older = copy(run_cli, str(old), str(tmp_path / "c.db"))
    assert older.exit_code == EXIT_DATABASE
    assert older.output.startswith(f"procflow: database '{old}' is at schema version ")
    assert older.output.endswith(f"; run `procflow db upgrade --db {old}` first\n")
    assert old.read_bytes() == before, "the source was written to"

    newer = tmp_path / "newer.db"
    shutil.copy(desk_db, newer)
    with sqlite3.connect(newer) as raw:
        raw.execute(f"PRAGMA user_version = {LATEST + 1}")
    refused = copy(run_cli, str(desk_db), str(newer))
    assert refused.exit_code == EXIT_DATABASE
    assert refused.output.startswith(f"procflow: database '{newer}' was written by a newer procflow")

    text = tmp_path / "notes.txt"
    text.write_text("not a database\n", encoding="utf-8")
    foreign = copy(run_cli, str(text), str(tmp_path / "d.db"))
    assert (foreign.exit_code, foreign.output) == (
        EXIT_DATABASE,
        f"procflow: '{text}' is not a procflow database (not an SQLite file)\n",
    )
    usage = run_cli("db", "copy", "--from", str(desk_db))
    assert usage.exit_code == EXIT_USAGE and "Missing option '--to'" in usage.output


def test_a_desk_goes_to_postgresql_and_back_as_it_was(
    run_cli: RunCli, desk_db: Path, tmp_path: Path, pg_url: str
) -> None:
    there = copy(run_cli, str(desk_db), pg_url)
    assert there.exit_code == 0, there.output
    back = tmp_path / "back.db"
    returned = copy(run_cli, pg_url, str(back))
    assert returned.exit_code == 0, returned.output
    assert "  instances             4  (0 already there)\n" in returned.output
    again = copy(run_cli, str(desk_db), pg_url)
    assert again.exit_code == 0 and "  instances             0  (4 already there)\n" in again.output
    with open_store(desk_db) as source, open_store(back) as returned_store, open_store(pg_url) as middle:
        record = whole_record(source)
        assert whole_record(returned_store) == record
        assert whole_record(middle) == record


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_text_holding_nul_is_not_copied_and_named_and_the_rest_is(
    run_cli: RunCli, desk_db: Path, tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    """An older desk could keep U+0000 in a note (procflow refuses it at input now; PostgreSQL's
    text cannot hold it): that instance and that violation are not copied, each named with
    why, the rest is, and the exit code says something was left behind; alike on both backends,
    and alike when run again (nothing duplicated)."""
    with open_store(desk_db) as store:  # as an older desk wrote it, through the store itself
        ident = open_visitor(store)
        found = store.load(ident)
        store.append_step(
            ident, found.version, snapshot=found.snapshot, state=found.state, status=found.status,
            role=found.role, events=[{"kind": "note", "note": "rang\x00twice"}], actor="amy",
            at="2026-03-09T01:00:00.000Z",
        )  # fmt: skip
        bad = store.record_violation(
            person="amy", rule="r3", procedure="p", at="2026-03-06T01:00:00.000Z",
            note="late\x00", recorded_by="boss", recorded_at="2026-03-07T01:00:00.000Z",
        )  # fmt: skip
        seq = found.version + 1
    destination = request.getfixturevalue("pg_url") if backend == "postgresql" else str(tmp_path / "copy.db")
    for _ in range(2):
        copied = copy(run_cli, str(desk_db), destination)
        assert copied.exit_code == EXIT_FINDINGS, copied.output
        assert "  not copied            2  (each named below)\n" in copied.output
        assert (
            f"not copied: instance '{ident}': its event {seq} holds the character U+0000, "
            "which PostgreSQL cannot keep\n"
        ) in copied.output
        assert f"not copied: violation {bad}: its text holds the character U+0000" in copied.output
        assert copied.output.endswith("verified 3 instances in the copy: each matches its events\n")
    with open_store(destination) as there, open_store(desk_db) as source:
        assert ident not in there.all_ids() and len(there.all_ids()) == 3
        assert [v[0] for v in there.violations()] == [v[0] for v in source.violations() if v[0] != bad]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_web_passwords_go_with_the_desk_unless_left_out(
    run_cli: RunCli,
    desk_db: Path,
    tmp_path: Path,
    backend: str,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The hashes `procflow passwd` kept are copied with who set them when; someone who has a
    password in the destination already keeps it; run again nothing is written twice;
    --without-passwords copies none."""
    site = tmp_path / "site.yaml"
    site.write_text(
        "procflow-site: 1\npeople:\n  amy: {roles: [clerk]}\n  bob: {roles: [clerk]}\n", encoding="utf-8"
    )
    monkeypatch.setenv("PROCFLOW_SITE", str(site))
    for person in ("amy", "bob"):
        kept = run_cli(
            "passwd", person, "--password-stdin", "--db", str(desk_db), input="at least 12 chars\n"
        )
        assert kept.exit_code == 0, kept.output
    if backend == "postgresql":
        destination, bare = request.getfixturevalue("pg_url"), str(tmp_path / "bare.db")
    else:
        destination, bare = str(tmp_path / "copy.db"), str(tmp_path / "bare.db")
    first = copy(run_cli, str(desk_db), destination)
    assert first.exit_code == 0 and "  passwords             2  (0 already there)\n" in first.output
    with open_store(desk_db) as source, open_store(destination) as there:
        assert there.passwords() == source.passwords() and len(source.passwords()) == 2
    changed = run_cli("passwd", "bob", "--password-stdin", "--db", destination, input="another of 12 chars\n")
    assert changed.exit_code == 0, changed.output
    with open_store(destination) as there:
        bobs = there.password_of("bob")
    again = copy(run_cli, str(desk_db), destination)
    assert again.exit_code == 0 and "  passwords             0  (2 already there)\n" in again.output
    with open_store(destination) as there, open_store(desk_db) as source:
        assert there.password_of("bob") == bobs != source.password_of("bob")  # bob's new one kept
        assert there.password_of("amy") == source.password_of("amy") and len(there.passwords()) == 2
    left = run_cli("db", "copy", "--from", str(desk_db), "--to", bare, "--without-passwords")
    assert (
        left.exit_code == 0 and "  passwords             0  (left out: --without-passwords)\n" in left.output
    )
    with open_store(bare) as there:
        assert there.passwords() == []


@pytest.mark.parametrize("into", ["file", "postgresql"])
def test_a_copy_of_many_batches_is_checked_in_processes_of_its_own_and_still_finds_damage(
    run_cli: RunCli,
    desk_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    into: str,
) -> None:
    """With more than one batch the check of what was written runs in worker processes (one per
    core); every instance is still checked, and one whose row does not match its events (damaged
    in the source behind procflow's back) is still reported, with exit 1."""
    monkeypatch.setattr(transfer, "BATCH", 1)  # four batches of one instance
    destination = str(tmp_path / "archive.db") if into == "file" else request.getfixturevalue("pg_url")
    with sqlite3.connect(desk_db) as raw:
        damaged = raw.execute("SELECT id FROM instances ORDER BY created_at, id LIMIT 1 OFFSET 2").fetchone()[
            0
        ]
        raw.execute("UPDATE instances SET state = 'nowhere' WHERE id = ?", (damaged,))
    copied = copy(run_cli, str(desk_db), destination)
    assert copied.exit_code == EXIT_FINDINGS, copied.output
    assert "  instances             4  (0 already there)\n" in copied.output
    assert f"verify: instance '{damaged}': its row says " in copied.output
    assert "but its events lead to" in copied.output and "verified" not in copied.output
    again = copy(run_cli, str(desk_db), destination)  # the three sound ones are checked again too
    assert "  instances             0  (4 already there)\n" in again.output
    assert again.output.count("verify: instance") == 1, again.output


def test_the_same_values_spelt_otherwise_are_already_there_and_text_that_is_not_json_is_named(
    run_cli: RunCli, desk_db: Path, tmp_path: Path
) -> None:
    """A copy moves rows as they are stored and compares values, not spelling: an instance the
    destination keeps with other JSON spacing (an older procflow's) is already there, identical.
    An instance whose stored text is not JSON (damaged behind procflow's back) is copied as it
    is and named by the check, with exit 1; the rest is copied and verified."""
    archive = tmp_path / "archive.db"
    assert copy(run_cli, str(desk_db), str(archive)).exit_code == 0
    with sqlite3.connect(archive) as raw:
        raw.execute("UPDATE instances SET snapshot = replace(snapshot, '\":', '\": ')")
        assert raw.execute("SELECT count(*) FROM instances WHERE snapshot LIKE '%\": %'").fetchone() == (4,)
    again = copy(run_cli, str(desk_db), str(archive))
    assert again.exit_code == 0, again.output
    assert "  instances             0  (4 already there)\n" in again.output
    with sqlite3.connect(desk_db) as raw:
        damaged = raw.execute("SELECT id FROM instances ORDER BY id LIMIT 1").fetchone()[0]
        raw.execute("UPDATE instances SET snapshot = '{\"state\"' WHERE id = ?", (damaged,))
    fresh = copy(run_cli, str(desk_db), str(tmp_path / "fresh.db"))
    assert fresh.exit_code == EXIT_FINDINGS, fresh.output
    assert "  instances             4  (0 already there)\n" in fresh.output
    assert f"verify: instance '{damaged}': its snapshot is not valid JSON\n" in fresh.output
    third = copy(run_cli, str(desk_db), str(archive))
    assert third.exit_code == EXIT_FINDINGS, third.output
    assert (
        f"not copied: instance '{damaged}' is in {archive} already and its snapshot here is not valid JSON"
        in third.output
    )


@pytest.mark.parametrize("batch", [500, 1])
def test_an_instance_that_reads_back_otherwise_than_it_was_written_is_named(
    run_cli: RunCli, desk_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """Each copied instance is read back from the destination and must hold exactly what was
    written (checked here, or with more than one batch in the checking processes): a
    destination that changes a row as it is inserted (a trigger of its own) is caught, with
    what differs, and exit 1."""
    monkeypatch.setattr(transfer, "BATCH", batch)
    archive = tmp_path / "archive.db"
    with open_store(archive):
        pass
    with sqlite3.connect(archive) as raw:
        raw.execute(
            "CREATE TRIGGER meddling AFTER INSERT ON instances WHEN NEW.created_by = 'bob'"
            " BEGIN UPDATE instances SET title = 'changed' WHERE id = NEW.id; END"
        )
    copied = copy(run_cli, str(desk_db), str(archive))
    assert copied.exit_code == EXIT_FINDINGS, copied.output
    assert "  instances             4  (0 already there)\n" in copied.output
    assert copied.output.count("it reads back otherwise than it was written: its row differs in 'title'") == 1
    assert '("changed" there, ' in copied.output and "verified" not in copied.output
