"""`procflow report --month`: people below, at and above each threshold of the 第三篇 八 ladder,
the 八.1/八.2 contradiction stated and never resolved, site thresholds, month bounds.

Run `pytest --update-goldens` to rewrite the golden files after an intended change, then
review the diff.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import Golden
from procflow import cli
from procflow.engine.base.stamps import stamp
from procflow.engine.desk.instances import Desk
from procflow.engine.runtime.journal import make_event
from procflow.engine.store import open_store

GOLDEN = Path(__file__).parent / "golden" / "report_month"
SITE = GOLDEN / "procflow.yaml"
RAISED = GOLDEN / "raised.yaml"
NOW = "2026-04-02T09:00:00+08:00"

# (person, rule, at) recorded by zhao, the manager
RECORDED = [
    ("chen", "no_food_or_clutter", "2026-02-28T23:59:59+08:00"),  # February in Shanghai
    ("li", "no_eating_at_desk", "2026-03-01T00:00:00+08:00"),  # the first instant of March
    ("wang", "on_post_in_duty_hours", "2026-03-10T08:40:00+08:00"),
    ("zhao", "desk_items_only", "2026-03-15T14:00:00+08:00"),
    ("zhao", "keep_calls_short", "2026-03-31T23:59:59+08:00"),  # the last second of March
    ("chen", "no_chatting_at_desk", "2026-04-01T00:00:00+08:00"),  # April
]
# (procedure, actor, kind, at, extra keys of the event)
STEP_EVENTS = [
    ("art3-phone-reception", "wang", "breach", "2026-03-12T10:01:35+08:00",
     {"deadline": "private_call_limit", "due": "2026-03-12T10:00:00+08:00", "late": 95, "state": "private_call"}),
    ("art3-front-desk-shift", "zhao", "override", "2026-03-20T12:10:00+08:00",
     {"role": "manager", "reason": "the manager was at lunch"}),
    ("art1-meeting-service", "zhao", "breach", "2026-03-21T09:50:00+08:00",
     {"deadline": "at_desk_by_t_minus_15", "due": "2026-03-21T09:45:00+08:00", "late": 300,
      "state": "stand_at_desk"}),
    ("art3-visitor-reception", "temp", "override", "2026-03-05T09:00:00+08:00",
     {"role": "front_desk", "reason": "covering the desk"}),
]  # fmt: skip


def add_step_event(procedure: str, actor: str, kind: str, at: str, extra: dict[str, Any]) -> str:
    """An instance of `procedure` with one `breach` or `override` event, through the store's own
    functions (the database is PROCFLOW_DB)."""
    moment = datetime.fromisoformat(at)
    with open_store() as store:
        opened = Desk(store, actor=actor, clock=lambda: moment).start(procedure)
        snapshot = opened.session.snapshot
        rest = {k: v for k, v in extra.items() if k != "role"}  # an override's role is the event's own
        event = make_event(kind, at, actor, extra.get("role"), rest)
        store.append_step(
            opened.id,
            opened.version,
            snapshot=snapshot,
            state=opened.record.state,
            status="open",
            role=opened.record.role,
            events=[event],
            actor=actor,
            at=stamp(moment),
            due=store.due_of(opened.id),
        )
    return opened.id


@pytest.fixture(scope="module")
def month_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The month of the tests, made once: chen 0, li 1, wang 2, zhao 3 (+1 counted for no
    ladder), temp 1 (a breach or override of someone the site does not name)."""
    path = tmp_path_factory.mktemp("month") / "procflow.db"
    with pytest.MonkeyPatch.context() as env:
        for name, value in {
            "PROCFLOW_DB": str(path),
            "PROCFLOW_USER": "tester",
            "PROCFLOW_NOW": NOW,
            "PROCFLOW_SITE": str(SITE),
            "NO_COLOR": "1",
        }.items():
            env.setenv(name, value)
        for person, rule, at in RECORDED:
            if person == "zhao":  # nobody records against themselves: the store's own function
                with open_store() as store:
                    store.record_violation(
                        person=person, rule=rule, procedure="art3-front-desk-shift",
                        at=stamp(datetime.fromisoformat(at)), note=None, recorded_by="zhao",
                        recorded_at=stamp(datetime.fromisoformat(NOW)),
                    )  # fmt: skip
                continue
            result = CliRunner().invoke(
                cli.cli,
                ["violation", "record", "--person", person, "--rule", rule, "--at", at, "--as", "zhao"],
                catch_exceptions=False,
            )
            assert result.exit_code == 0, result.output
        for procedure, actor, kind, at, extra in STEP_EVENTS:
            instance = add_step_event(procedure, actor, kind, at, extra)
            with open_store() as store:  # the month's breaches and overrides, confirmed
                store.decide_violation(
                    violation=f"{instance}#2", decision="confirmed", reason="seen",
                    decided_by="supervisor", decided_at=stamp(datetime.fromisoformat(NOW)),
                )  # fmt: skip
    return path


@pytest.fixture
def seeded(
    run_cli: Callable[..., Result], month_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Result]:
    """`run_cli` on a copy of the month's database, with its site and clock."""
    for suffix in ("", "-wal"):  # the log too, should a connection still hold it open
        if Path(f"{month_db}{suffix}").exists():
            shutil.copyfile(f"{month_db}{suffix}", tmp_path / f"procflow.db{suffix}")
    monkeypatch.setenv("PROCFLOW_NOW", NOW)
    monkeypatch.setenv("PROCFLOW_SITE", str(SITE))
    return run_cli


@pytest.mark.parametrize(("fmt", "lang", "expected"), [
    ("text", "en", "march.txt"), ("text", "zh-Hant", "march.zh-Hant.txt"),
    ("json", "en", "march.json"), ("csv", "en", "march.csv"),
])  # fmt: skip
def test_report_matches_golden(
    seeded: Callable[..., Result], fmt: str, lang: str, expected: str, golden: Golden
) -> None:
    result = seeded("report", "--month", "2026-03", "--format", fmt, "--lang", lang)
    assert result.exit_code == 0, result.output
    golden(GOLDEN / expected, result.stdout_bytes.decode("utf-8"))  # compared as bytes: CSV lines end in CRLF


def ladder_of(report: dict[str, Any], person: str) -> dict[str, Any]:
    found = next(p for p in report["people"] if p["person"] == person)
    ladder: dict[str, Any] = found["ladders"][0]
    return ladder


def test_below_at_and_above_the_source_thresholds(seeded: Callable[..., Result]) -> None:
    report = json.loads(seeded("report", "--month", "2026-03", "--format", "json").output)
    assert [ladder_of(report, p)["count"] for p in ("chen", "li", "temp", "wang", "zhao")] == [0, 1, 1, 2, 3]
    for below in ("chen", "li", "temp"):
        assert ladder_of(report, below)["applies"] == []
        assert ladder_of(report, below)["next"] == {"rung": "negligence", "min_count": 2}
    for reached in ("wang", "zhao"):  # at two and above, 八.1 and 八.2 both: never one of them alone
        assert ladder_of(report, reached)["applies"] == ["negligence", "serious_negligence"]
        assert ladder_of(report, reached)["conflict"] is True
    assert ladder_of(report, "wang")["counted"] == {"rule": 1, "breach": 1, "override": 0}
    assert ladder_of(report, "zhao")["counted"] == {"rule": 2, "breach": 0, "override": 1}
    zhao = next(p for p in report["people"] if p["person"] == "zhao")
    assert zhao["counts"] == {"rule": 2, "breach": 1, "override": 1}  # the meeting's breach counts nowhere
    assert zhao["uncounted"] == {"rule": 0, "breach": 1, "override": 0}
    conflicts = {c["person"]: c for c in report["conflicts"]}
    assert sorted(conflicts) == ["wang", "zhao"]
    assert conflicts["wang"]["rungs"] == ["negligence", "serious_negligence"]
    assert conflicts["wang"]["sources"] == ["第三篇 八.1", "第三篇 八.2"]
    notes = conflicts["wang"]["notes"]
    assert [n["of"] for n in notes] == ["negligence", "serious_negligence", "art3-front-desk-shift"]
    assert all("art3-violation-review" in n["text"] for n in notes)  # who decides, in the procedure's words


def test_site_raises_a_threshold_and_separates_the_rungs(
    seeded: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, golden: Golden
) -> None:
    monkeypatch.setenv("PROCFLOW_SITE", str(RAISED))
    text = seeded("report", "--month", "2026-03", "--lang", "en")
    assert text.exit_code == 0, text.output
    golden(GOLDEN / "march-raised.txt", text.stdout_bytes.decode("utf-8"))
    report = json.loads(seeded("report", "--month", "2026-03", "--format", "json").output)
    rungs = {r["id"]: r["min_count"] for r in report["ladders"][0]["rungs"]}
    assert rungs == {"negligence": 2, "serious_negligence": 3}
    wang, zhao = ladder_of(report, "wang"), ladder_of(report, "zhao")
    assert (wang["applies"], wang["conflict"], wang["next"]) == (
        ["negligence"],
        False,
        {"rung": "serious_negligence", "min_count": 3},
    )
    assert (zhao["reached"], zhao["applies"], zhao["conflict"]) == (
        ["negligence", "serious_negligence"],
        ["serious_negligence"],
        False,
    )
    assert report["conflicts"] == []


def test_csv_is_rfc_4180_with_a_header(seeded: Callable[..., Result]) -> None:
    output = seeded("report", "--month", "2026-03", "--format", "csv").stdout_bytes.decode("utf-8")
    assert output.endswith("\r\n") and "\n" not in output.replace("\r\n", "")
    rows = list(csv.DictReader(io.StringIO(output, newline="")))
    li = next(r for r in rows if r["person"] == "li" and r["ladder"])
    assert li["name"] == "李明, Li Ming"  # quoted in the file, whole again when read
    assert '"李明, Li Ming"' in output
    zhao = [r for r in rows if r["person"] == "zhao"]
    assert [(r["ladder"], r["count"], r["conflict"]) for r in zhao] == [
        ("art3-front-desk-shift", "3", "yes"),
        ("", "1", "no"),
    ]
    assert zhao[0]["rules"] == "desk_items_only=1 keep_calls_short=1"


@pytest.mark.parametrize(("site", "month", "counts"), [
    (SITE, "2026-02", {"chen": 1}),
    (SITE, "2026-04", {"chen": 1}),
    (None, "2026-02", {"chen": 1, "li": 1}),  # UTC: 00:00 on 1 March in Shanghai is still February
    (None, "2026-03", {"chen": 1, "wang": 2, "zhao": 4, "temp": 1}),  # 00:00 on 1 April in Shanghai: March
    (None, "2026-04", {}),
])  # fmt: skip
def test_month_bounds_in_the_site_zone_else_utc(
    seeded: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
    site: Path | None,
    month: str,
    counts: dict[str, int],
) -> None:
    if site is None:
        monkeypatch.delenv("PROCFLOW_SITE")
    report = json.loads(seeded("report", "--month", month, "--format", "json").output)
    assert report["timezone"] == ("Asia/Shanghai" if site else "UTC")
    found = {p["person"]: sum(p["counts"].values()) for p in report["people"] if sum(p["counts"].values())}
    assert found == counts


def test_bounds_are_stated_in_the_report(
    seeded: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    report = json.loads(seeded("report", "--month", "2026-12", "--format", "json").output)
    assert report["from"] == "2026-12-01T00:00:00+08:00" and report["to"] == "2027-01-01T00:00:00+08:00"
    monkeypatch.delenv("PROCFLOW_SITE")
    report = json.loads(seeded("report", "--month", "2026-03", "--format", "json").output)
    assert report["from"] == "2026-03-01T00:00:00+00:00" and report["to"] == "2026-04-01T00:00:00+00:00"


@pytest.mark.parametrize("month", ["2026-3", "2026-13", "2026-00", "March", "2026-03-01", "", "0000-01"])
def test_malformed_month_is_a_usage_error(run_cli: Callable[..., Result], month: str) -> None:
    result = run_cli("report", "--month", month)
    assert result.exit_code == 2
    assert result.output == f"procflow: month {month!r} is not valid; expected YYYY-MM such as 2026-03\n"


def test_missing_month_is_a_usage_error(run_cli: Callable[..., Result]) -> None:
    result = run_cli("report")
    assert result.exit_code == 2 and "--month" in result.output


def test_site_threshold_that_is_not_a_count_is_refused_at_its_position(
    run_cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "procflow.yaml"
    site.write_text(
        "procflow-site: 1\nprocedures:\n  art3-front-desk-shift:\n    params: {negligence_min_count: 0}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PROCFLOW_SITE", str(site))
    result = run_cli("report", "--month", "2026-03")
    assert result.exit_code == 2
    assert result.output == (
        f"procflow: {site}:4:36: penalty threshold 'negligence_min_count' of "
        "'art3-front-desk-shift' is 0; expected a whole number of at least 1\n"
    )


def test_empty_month_without_a_site(db_backend: str, run_cli: Callable[..., Result]) -> None:
    result = run_cli("report", "--month", "2026-03", "--lang", "en")
    assert result.exit_code == 0
    assert result.output == (
        "Violations in 2026-03 · times in UTC · 2026-03-01 00:00 to 2026-04-01 00:00\n\n"
        "no people in the site file and no violations this month\n"
    )


def test_a_late_step_and_an_override_count_end_to_end(
    db_backend: str, run_cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the front door: a discussion at the desk past its ten minutes (a breach) and a
    manager's step taken with --override count for the shift's ladder of whoever took them."""
    monkeypatch.setenv("PROCFLOW_SITE", str(SITE))
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "answers: {arrived_at: 2026-03-09T08:30}\nmoves: [colleague_discussion]\n", encoding="utf-8"
    )

    def at(moment: str, *args: str) -> Result:
        monkeypatch.setenv("PROCFLOW_NOW", moment)
        return run_cli(*args, "--as", "wang", "--lang", "en")

    assert (
        at("2026-03-09T08:30+08:00", "run", "art3-front-desk-shift", "--answers", str(answers)).exit_code == 1
    )
    assert at("2026-03-09T08:45+08:00", "step", "last", "--move", "discussion_ended").exit_code == 0
    assert at("2026-03-09T10:00+08:00", "step", "last", "--move", "leave_desk").exit_code == 0
    assert (
        at(
            "2026-03-09T10:00+08:00",
            "step",
            "last",
            "--check",
            "tell_superior",
            "--set",
            "leave_reason=official_business",
        ).exit_code
        == 0
    )
    refused = at(
        "2026-03-09T10:01+08:00", "step", "last", "--check", "approve", "--set", "leave_approved=yes"
    )
    assert refused.exit_code == 10  # not her role: nothing recorded, nothing counted
    assert (
        at(
            "2026-03-09T10:01+08:00",
            "step",
            "last",
            "--override",
            "--reason",
            "the manager was out",
            "--check",
            "approve",
            "--set",
            "leave_approved=yes",
        ).exit_code
        == 0
    )
    listed = json.loads(run_cli("violation", "list", "--json").output)
    assert [(v["kind"], v["person"], v["procedure"], v["state"]) for v in listed] == [
        ("breach", "wang", "art3-front-desk-shift", "desk_discussion"),
        ("override", "wang", "art3-front-desk-shift", "superior_approval"),
    ]
    assert (listed[0]["deadline"], listed[0]["late_seconds"]) == ("ten_minutes", 300.0)
    assert (listed[1]["role"], listed[1]["reason"]) == ("manager", "the manager was out")
    # found by the machine: proposed, so they count only once the supervisor confirms them
    report = json.loads(run_cli("report", "--month", "2026-03", "--format", "json").output)
    assert ladder_of(report, "wang")["count"] == 0
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T18:00+08:00")
    for violation in listed:
        confirmed = run_cli("violation", "confirm", violation["id"], "--reason", "seen", "--as", "zhao")
        assert confirmed.exit_code == 0, confirmed.output
    report = json.loads(run_cli("report", "--month", "2026-03", "--format", "json").output)
    wang = ladder_of(report, "wang")
    assert (wang["counted"], wang["applies"], wang["conflict"]) == (
        {"rule": 0, "breach": 1, "override": 1},
        ["negligence", "serious_negligence"],
        True,
    )
