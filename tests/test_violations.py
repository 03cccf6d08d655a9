"""`procflow violation record` and `list`: names checked with "did you mean", times on the
site's clock, an append-only table, and breaches and overrides read from the event log."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from procflow.engine.store.migrations import MIGRATIONS
from procflow.engine.store.sqlite import SQLiteStore
from test_report_month import SITE, add_step_event

NOW = "2026-03-20T10:00:00+08:00"
VISITOR = (Path(__file__).parent / "fixtures" / "valid" / "visitor.yaml").read_text(encoding="utf-8")


@pytest.fixture
def cli_at_site(run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    monkeypatch.setenv("PROCFLOW_NOW", NOW)
    monkeypatch.setenv("PROCFLOW_SITE", str(SITE))
    monkeypatch.setenv("PROCFLOW_USER", "zhao")
    return run_cli


def rows(tmp_path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(tmp_path / "procflow.db") as db:
        return db.execute(
            "SELECT id, person, rule, procedure, at, note, recorded_by, recorded_at"
            " FROM violations ORDER BY id"
        ).fetchall()


def test_record_stores_who_what_when_and_who_recorded(
    cli_at_site: Callable[..., Result], tmp_path: Path
) -> None:
    result = cli_at_site(
        "violation",
        "record",
        "--person",
        "wang",
        "--rule",
        "no_eating_at_desk",
        "--note",
        "  noodles at the desk  ",
        "--at",
        "2026-03-19T12:05",
        "--lang",
        "en",
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        "recorded violation 1: wang broke no_eating_at_desk (art3-front-desk-shift, "
        "第三篇 四.10) at 2026-03-19 12:05 Asia/Shanghai\n"
    )
    # a time without an offset is on the site's clock (UTC+8); the store keeps UTC
    assert rows(tmp_path) == [
        (
            1,
            "wang",
            "no_eating_at_desk",
            "art3-front-desk-shift",
            "2026-03-19T04:05:00.000Z",
            "noodles at the desk",
            "zhao",
            "2026-03-20T02:00:00.000Z",
        )
    ]


def test_record_json_and_the_recorder_from_as(cli_at_site: Callable[..., Result]) -> None:
    result = cli_at_site(
        "violation", "record", "--person", "li", "--rule", "keep_calls_short", "--as", "zhao", "--json"
    )
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found == {
        "kind": "rule", "id": "1", "person": "li", "at": NOW, "procedure": "art3-front-desk-shift",
        "rule": "keep_calls_short", "note": None, "instance": None, "state": None, "deadline": None,
        "late_seconds": None, "role": None, "reason": None, "recorded_by": "zhao", "recorded_at": NOW,
        "status": "confirmed", "decided_by": None, "decided_at": None, "decision_reason": None,
    }  # fmt: skip


@pytest.mark.parametrize(("args", "code", "message"), [
    (("--person", "wang", "--rule", "no_eatin_at_desk"), 4,
     "unknown rule 'no_eatin_at_desk'; did you mean 'no_eating_at_desk'?"),
    (("--person", "wang", "--rule", "zzz"), 4,
     "unknown rule 'zzz'; `procflow show PROCEDURE` lists its work rules"),
    (("--person", "wnag", "--rule", "no_eating_at_desk"), 4, "unknown person 'wnag'; did you mean 'wang'?"),
    (("--person", " ", "--rule", "no_eating_at_desk"), 2,
     "the person is empty; give the id the site file (or the person) signs in with"),
    (("--person", "wang", "--rule", "no_eating_at_desk", "--as", "zhou"), 4,
     "unknown recorder 'zhou'; did you mean 'zhao'?"),
    (("--person", "wang", "--rule", "no_eating_at_desk", "--at", "yesterday"), 2,
     "time 'yesterday' is not understood; expected e.g. 2026-03-07T09:30, 14:30 or +90m"),
    (("--person", "wang", "--rule", "no_eating_at_desk", "--at", "2026-03-20T10:01+08:00"), 2,
     "time '2026-03-20T10:01+08:00' is after now (2026-03-20T10:00+08:00); record a violation once it has happened"),
])  # fmt: skip
def test_record_refuses_unknown_names_and_bad_times(
    cli_at_site: Callable[..., Result], tmp_path: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    result = cli_at_site("violation", "record", *args)
    assert (result.exit_code, result.output) == (code, f"procflow: {message}\n")
    assert rows(tmp_path) == []


def test_without_a_site_anyone_may_be_named(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PROCFLOW_NOW", NOW)
    result = run_cli("violation", "record", "--person", "someone", "--rule", "good_posture")
    assert result.exit_code == 0, result.output
    assert [r[1:4] for r in rows(tmp_path)] == [("someone", "good_posture", "art3-front-desk-shift")]


def test_a_rule_two_procedures_declare_must_be_qualified(
    cli_at_site: Callable[..., Result], tmp_path: Path
) -> None:
    extra = tmp_path / "procs"
    extra.mkdir()
    (extra / "desk.yaml").write_text(
        VISITOR.replace("id: sample-visitor", "id: desk-rules")
        + "work_rules:\n  - {id: no_eating_at_desk, text: No eating at the desk}\n",
        encoding="utf-8",
    )
    result = cli_at_site(
        "violation", "record", "--person", "wang", "--rule", "no_eating_at_desk", "--dir", str(extra)
    )
    assert (result.exit_code, result.output) == (
        2,
        (
            "procflow: rule 'no_eating_at_desk' is declared by more than one procedure; write "
            "'art3-front-desk-shift:no_eating_at_desk' or 'desk-rules:no_eating_at_desk'\n"
        ),
    )
    result = cli_at_site(
        "violation",
        "record",
        "--person",
        "wang",
        "--rule",
        "desk-rules:no_eating_at_desk",
        "--dir",
        str(extra),
    )
    assert result.exit_code == 0, result.output
    assert [r[2:4] for r in rows(tmp_path)] == [("no_eating_at_desk", "desk-rules")]


def test_the_table_is_append_only(cli_at_site: Callable[..., Result], tmp_path: Path) -> None:
    assert cli_at_site("violation", "record", "--person", "wang", "--rule", "good_posture").exit_code == 0
    with sqlite3.connect(tmp_path / "procflow.db") as db:
        for statement in ("UPDATE violations SET person = 'li'", "DELETE FROM violations"):
            with pytest.raises(sqlite3.IntegrityError, match="violations are append-only"):
                db.execute(statement)
    assert [r[1] for r in rows(tmp_path)] == ["wang"]


def seed_list(run: Callable[..., Result]) -> None:
    for person, rule, at in (
        ("wang", "good_posture", "2026-02-27T09:00"),
        ("wang", "four_sounds", "2026-03-02T09:00"),
        ("li", "neat_and_clean", "2026-03-03T09:00"),
    ):
        assert run("violation", "record", "--person", person, "--rule", rule, "--at", at).exit_code == 0
    add_step_event(
        "art3-phone-reception",
        "wang",
        "breach",
        "2026-03-04T10:01:35+08:00",
        {
            "deadline": "private_call_limit",
            "due": "2026-03-04T10:00:00+08:00",
            "late": 95,
            "state": "private_call",
        },
    )
    add_step_event(
        "art3-front-desk-shift",
        "li",
        "override",
        "2026-03-05T12:00:00+08:00",
        {"role": "manager", "reason": "the manager was out"},
    )


def test_list_shows_recorded_breaches_and_overrides(cli_at_site: Callable[..., Result]) -> None:
    seed_list(cli_at_site)
    result = cli_at_site("violation", "list", "--month", "2026-03", "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "ID",
        "AT",
        "(Asia/Shanghai)",
        "PERSON",
        "KIND",
        "PROCEDURE",
        "WHAT",
        "RECORDED",
        "BY",
        "STATUS",
    ]
    assert [line.split()[3:6] for line in lines[1:]] == [
        ["wang", "rule", "art3-front-desk-shift"],
        ["li", "rule", "art3-front-desk-shift"],
        ["wang", "breach", "art3-phone-reception"],
        ["li", "override", "art3-front-desk-shift"],
    ]
    assert "private_call_limit in private_call, 1m 35s late" in lines[3]
    assert " ".join(lines[4].split()).endswith("a step of role manager: the manager was out - proposed")
    starts = {lines[0].index("AT")} | {line.index("2026-") for line in lines[1:]}
    assert len(starts) == 1  # the id column is padded to one width


def test_list_filters_by_person_and_month_and_speaks_json(cli_at_site: Callable[..., Result]) -> None:
    seed_list(cli_at_site)
    found = json.loads(cli_at_site("violation", "list", "--person", "wang", "--json").output)
    assert [(v["kind"], v["at"]) for v in found] == [
        ("rule", "2026-02-27T09:00:00+08:00"),
        ("rule", "2026-03-02T09:00:00+08:00"),
        ("breach", "2026-03-04T10:01:35+08:00"),
    ]
    breach = found[2]
    assert (breach["deadline"], breach["late_seconds"], breach["state"], breach["recorded_by"]) == (
        "private_call_limit",
        95.0,
        "private_call",
        None,
    )
    assert breach["id"] == f"{breach['instance']}#2"
    assert json.loads(cli_at_site("violation", "list", "--month", "2026-02", "--json").output)[0]["rule"] == (
        "good_posture"
    )
    empty = cli_at_site("violation", "list", "--person", "chen", "--lang", "zh-Hant")
    assert (empty.exit_code, empty.output) == (0, "沒有違反記錄\n")
    bad = cli_at_site("violation", "list", "--month", "2026-3")
    assert (bad.exit_code, bad.output) == (
        2,
        "procflow: month '2026-3' is not valid; expected YYYY-MM such as 2026-03\n",
    )


def test_a_version_2_database_gains_the_table_and_keeps_its_events(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        for statement in (*MIGRATIONS[0], *MIGRATIONS[1]):
            db.execute(statement)
        db.execute("PRAGMA user_version=2")
    with SQLiteStore(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert store.db.execute("SELECT count(*) FROM violations").fetchone() == (0,)
        plan = store.db.execute(
            "EXPLAIN QUERY PLAN SELECT at FROM events WHERE kind IN ('breach', 'override') AND at >= '2026-03'"
        ).fetchall()
    assert any("events_accountable" in str(row) for row in plan)  # the report never scans every event
