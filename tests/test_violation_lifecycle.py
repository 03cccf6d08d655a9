"""A violation's lifecycle (第三篇 七): breaches and overrides are proposed until a supervisor
confirms or dismisses them with a reason; only confirmed ones count in `report`; a retraction is
one more decision; recording and deciding need the site's supervising role, never about oneself."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from test_report_month import SITE, add_step_event

NOW = "2026-03-20T10:00:00+08:00"
BREACH = {
    "deadline": "private_call_limit",
    "due": "2026-03-04T10:00:00+08:00",
    "late": 95,
    "state": "private_call",
}


@pytest.fixture
def desk(run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    monkeypatch.setenv("PROCFLOW_NOW", NOW)
    monkeypatch.setenv("PROCFLOW_SITE", str(SITE))
    return run_cli


def breach_of(person: str) -> str:
    """A breach event of `person`'s step, and its violation id."""
    instance = add_step_event("art3-phone-reception", person, "breach", "2026-03-04T10:01:35+08:00", BREACH)
    return f"{instance}#2"


def wang_count(desk: Callable[..., Result], *extra: str) -> int:
    result = desk("report", "--month", "2026-03", "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    wang = next(p for p in json.loads(result.output)["people"] if p["person"] == "wang")
    return int(wang["ladders"][0]["count"])


def test_an_unconfirmed_breach_is_absent_from_the_report(desk: Callable[..., Result]) -> None:
    ident = breach_of("wang")
    assert wang_count(desk) == 0
    assert wang_count(desk, "--include-proposed") == 1
    shown = desk("report", "--month", "2026-03", "--include-proposed", "--lang", "en").output
    assert "Proposed violations counted above" in shown and "  wang: 1 proposed" in shown
    assert "proposed" not in desk("report", "--month", "2026-03", "--lang", "en").output
    listed = desk("violation", "list", "--json").output
    assert [(v["id"], v["status"]) for v in json.loads(listed)] == [(ident, "proposed")]


def test_confirm_counts_retract_stops_and_nothing_is_deleted(
    desk: Callable[..., Result], tmp_path: Path
) -> None:
    ident = breach_of("wang")
    confirmed = desk(
        "violation", "confirm", ident, "--reason", "the call log shows it", "--as", "zhao", "--lang", "en"
    )
    assert (confirmed.exit_code, confirmed.output) == (
        0,
        f"violation {ident} (wang, breach) is confirmed by zhao: the call log shows it\n",
    )
    assert wang_count(desk) == 1
    again = desk("violation", "dismiss", ident, "--reason", "changed my mind", "--as", "zhao")
    assert (again.exit_code, again.output) == (
        6,
        f"procflow: violation {ident} is confirmed; only a proposed violation can be dismissed\n",
    )
    retracted = desk(
        "violation", "retract", ident, "--reason", "the phone was out of order", "--as", "zhao", "--json"
    )
    assert retracted.exit_code == 0, retracted.output
    [found] = json.loads(retracted.output)
    assert (found["status"], found["decided_by"], found["decision_reason"]) == (
        "retracted",
        "zhao",
        "the phone was out of order",
    )
    assert wang_count(desk) == 0 and wang_count(desk, "--include-proposed") == 0
    with sqlite3.connect(tmp_path / "procflow.db") as db:
        decisions = db.execute("SELECT violation, decision, decided_by FROM violation_decisions ORDER BY id")
        assert decisions.fetchall() == [(ident, "confirmed", "zhao"), (ident, "retracted", "zhao")]
        for statement in ("UPDATE violation_decisions SET reason = 'x'", "DELETE FROM violation_decisions"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                db.execute(statement)


def test_a_dismissed_breach_never_counts(desk: Callable[..., Result]) -> None:
    ident = breach_of("wang")
    dismissed = desk("violation", "dismiss", ident, "--reason", "the caller hung up at once", "--as", "zhao")
    assert dismissed.exit_code == 0, dismissed.output
    assert wang_count(desk) == 0 and wang_count(desk, "--include-proposed") == 0
    listed = desk("violation", "list", "--lang", "en").output
    assert "dismissed (zhao)" in listed


@pytest.mark.parametrize(
    "args",
    [
        ("violation", "record", "--person", "zhao", "--rule", "no_eating_at_desk"),
        ("violation", "confirm", "BREACH", "--reason", "seen"),
        ("violation", "dismiss", "BREACH", "--reason", "not so"),
    ],
)
def test_a_front_desk_person_cannot_record_confirm_or_dismiss(
    desk: Callable[..., Result], tmp_path: Path, args: tuple[str, ...]
) -> None:
    ident = breach_of("li")
    result = desk(*(ident if a == "BREACH" else a for a in args), "--as", "wang")
    assert (result.exit_code, result.output) == (
        10,
        f"procflow: wang does not hold the supervising role 'manager' and cannot {args[1]} violations "
        "(第三篇 七; held by: zhao)\n",
    )
    with sqlite3.connect(tmp_path / "procflow.db") as db:
        assert db.execute("SELECT count(*) FROM violations").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM violation_decisions").fetchone() == (0,)


def test_nobody_decides_about_themselves(desk: Callable[..., Result]) -> None:
    ident = breach_of("zhao")
    result = desk("violation", "confirm", ident, "--reason", "fair is fair", "--as", "zhao")
    assert (result.exit_code, result.output) == (
        10,
        "procflow: zhao cannot confirm a violation against themselves; another supervisor must\n",
    )
    own = desk("violation", "record", "--person", "zhao", "--rule", "no_eating_at_desk", "--as", "zhao")
    assert own.exit_code == 10


def test_an_unknown_id_and_an_empty_reason_are_refused(desk: Callable[..., Result]) -> None:
    breach_of("wang")
    unknown = desk("violation", "confirm", "nosuch#9", "--reason", "x", "--as", "zhao")
    assert unknown.exit_code == 4
    assert "unknown violation 'nosuch#9'" in unknown.output
    empty = desk("violation", "confirm", "nosuch#9", "--reason", "  ", "--as", "zhao")
    assert (empty.exit_code, empty.output) == (
        2,
        "procflow: a reason is needed to confirm a violation (--reason TEXT)\n",
    )


def test_a_month_of_one_person_is_decided_at_once_after_reading_the_list(desk: Callable[..., Result]) -> None:
    first, second = breach_of("wang"), breach_of("wang")
    breach_of("li")
    done = desk(
        "violation",
        "confirm",
        "--person",
        "wang",
        "--month",
        "2026-03",
        "--reason",
        "reviewed",
        "--as",
        "zhao",
        "--lang",
        "en",
    )
    assert done.exit_code == 0, done.output
    assert sorted(line.split()[1] for line in done.output.splitlines()) == sorted([first, second])
    assert wang_count(desk) == 2
    again = desk(
        "violation",
        "confirm",
        "--person",
        "wang",
        "--month",
        "2026-03",
        "--reason",
        "reviewed",
        "--as",
        "zhao",
    )
    assert (again.exit_code, again.output) == (4, "procflow: wang has no proposed violations in that month\n")
    neither = desk("violation", "confirm", "--person", "wang", "--reason", "x", "--as", "zhao")
    assert (neither.exit_code, neither.output) == (
        2,
        "procflow: give the violation IDs to confirm, or --person NAME and --month YYYY-MM\n",
    )


def test_a_site_names_its_own_supervising_role(
    desk: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site.yaml"
    site.write_text(SITE.read_text(encoding="utf-8") + "supervising_role: front_desk\n", encoding="utf-8")
    monkeypatch.setenv("PROCFLOW_SITE", str(site))
    ident = breach_of("li")
    assert desk("violation", "confirm", ident, "--reason", "seen", "--as", "wang").exit_code == 0
