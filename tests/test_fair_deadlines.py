"""No invented rule counts against a person: the phone procedures count rings, not seconds, so
nothing is timed until a site sets a timer; P034 flags a counted length no clause quotes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from procflow.engine.rules.counted import quoted_seconds

SITE = """procflow-site: 1
timezone: Asia/Shanghai
people:
  wang: {roles: [front_desk]}
  zhao: {roles: [manager, front_desk]}
"""


def pick_up_after(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, procedure: str, site: str
) -> list[dict[str, object]]:
    """Start a call at 09:00:00, pick up at 09:01:00; the violations list afterwards."""
    (tmp_path / "site.yaml").write_text(site, encoding="utf-8")
    (tmp_path / "answers.yaml").write_text("{}\n", encoding="utf-8")
    monkeypatch.setenv("PROCFLOW_SITE", str(tmp_path / "site.yaml"))
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T09:00:00+08:00")
    started = run_cli("run", procedure, "--answers", str(tmp_path / "answers.yaml"), "--as", "wang")
    assert started.exit_code == 1, started.output  # stops at the first question: the call is open
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T09:01:00+08:00")
    stepped = run_cli(
        "step",
        "last",
        "--check",
        "pen_and_paper",
        "--check",
        "pick_up",
        "--set",
        "answered_late=no",
        "--as",
        "wang",
    )
    assert stepped.exit_code == 0, stepped.output
    return list(json.loads(run_cli("violation", "list", "--json").output))


@pytest.mark.parametrize(
    "procedure", ["art1-phone-reception", "art4-phone-reception", "art5-phone-reception"]
)
def test_a_60_second_pick_up_with_no_site_timer_records_nothing(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, procedure: str
) -> None:
    assert pick_up_after(run_cli, monkeypatch, tmp_path, procedure, SITE) == []
    agenda = run_cli("agenda", "--json", "--at", "2026-03-09T09:00:30+08:00")
    assert json.loads(agenda.output)["items"] == []  # not timed either


def test_a_site_that_sets_the_timer_gets_a_proposed_breach(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    site = SITE + "procedures:\n  art1-phone-reception:\n    params: {pick_up_timer: 15 seconds}\n"
    found = pick_up_after(run_cli, monkeypatch, tmp_path, "art1-phone-reception", site)
    assert [(v["kind"], v["deadline"], v["late_seconds"], v["status"]) for v in found] == [
        ("breach", "pick_up_by_third_ring", 45.0, "proposed")
    ]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("私人電話不要超過三分鐘", {180.0}),
        ("在前臺探討公務不得超過十分鐘", {600.0}),
        ("做到一分鐘內及時接待客戶", {60.0}),
        ("會議開始前半小時", {1800.0}),
        ("提前15分鐘回到前臺", {900.0}),
        ("no longer than three minutes, or half an hour", {180.0, 1800.0}),
        ("在電話鈴響的第二聲和第三聲的時候接起電話", set()),
    ],
)
def test_the_lengths_a_text_quotes(text: str, seconds: set[float]) -> None:
    assert quoted_seconds(text) == seconds


def test_validate_flags_an_invented_length(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "call.yaml"
    path.write_text(
        "procflow: 1\nid: call\ntitle: Call\ninitial: answer\nstates:\n  answer:\n"
        "    due:\n      - {id: ring, within: 15 seconds, source: 第一篇 一.1.1), text: Pick up at the third ring}\n"
        "      - {id: brief, within: 3 minutes, source: 第三篇 四.9, text: no longer than three minutes}\n"
        "    next: done\n  done: {final: true}\n",
        encoding="utf-8",
    )
    result = run_cli("validate", "--no-cache", "--strict", str(path))
    assert result.exit_code == 1
    assert "deadline 'ring' counts '15 seconds' against a person" in result.output
    assert "'brief'" not in result.output


def test_a_window_closed_before_the_notice_arrived_is_not_applicable_never_a_breach(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The notice of a 10:00 meeting arrives at 09:40: the set-up was due at 09:30 (第一篇 二.4),
    before anyone could act. It is not counted; the 09:45 return to the desk still is."""
    answers = "docs/examples/time/answers/meeting.yaml"

    def at(moment: str, *args: str) -> Result:
        monkeypatch.setenv("PROCFLOW_NOW", moment)
        return run_cli(*args, "--as", "amy", "--lang", "en")

    assert at("2026-03-09T09:40+08:00", "run", "art1-meeting-service", "--answers", answers).exit_code == 1
    entered = at("2026-03-09T09:41+08:00", "step", "last", "--set", "departments_notified=IT")
    assert entered.exit_code == 0, entered.output
    agenda = json.loads(at("2026-03-09T09:42+08:00", "agenda", "--json").output)
    assert [i["deadline"] for i in agenda["items"]] == []  # nothing overdue that nobody could meet
    items = ("notepaper", "pens", "ashtrays", "tea", "other_supplies")
    left = at("2026-03-09T09:50+08:00", "step", "last", *(a for i in items for a in ("--check", i)))
    assert left.exit_code == 0, left.output
    at("2026-03-09T09:52+08:00", "step", "last", "--check", "stand_at_desk")
    found = json.loads(run_cli("violation", "list", "--json").output)
    assert [(v["deadline"], v["late_seconds"]) for v in found] == [("at_desk_by_t_minus_15", 420.0)]


MESSAGE = """procflow: 1
id: sample-callback
title: Call back
params:
  reply_within: {default: 10 minutes, description: a length no document gives}
roles:
  front_desk: Front desk
initial: reply
states:
  reply:
    role: front_desk
    do: [{id: call_back, text: Call the customer back}]
    due:
      - {id: reply, within: "{reply_within}", text: Call back}
    next: done
  done: {final: true}
"""


@pytest.mark.parametrize(
    ("extra", "counted"),
    [
        ("", 0),
        ("confirmed: [sample-callback.reply_within]\n", 1),
        ("params: {reply_within: 10 minutes}\n", 1),
    ],
)
def test_a_disclosed_default_counts_only_once_the_site_confirms_or_sets_it(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, extra: str, counted: int
) -> None:
    procs = tmp_path / "procs"
    procs.mkdir()
    (procs / "callback.yaml").write_text(MESSAGE, encoding="utf-8")
    (tmp_path / "site.yaml").write_text(SITE + extra, encoding="utf-8")
    monkeypatch.setenv("PROCFLOW_SITE", str(tmp_path / "site.yaml"))
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T09:00:00+08:00")
    run_cli("run", "sample-callback", "--dir", str(procs), "--as", "wang", input="")
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T09:30:00+08:00")
    assert run_cli("step", "last", "--check", "call_back", "--as", "wang").exit_code == 0
    [breach] = json.loads(run_cli("violation", "list", "--json").output)
    confirmed = run_cli("violation", "confirm", breach["id"], "--reason", "late", "--as", "zhao")
    assert confirmed.exit_code == 0, confirmed.output
    report = run_cli("report", "--month", "2026-03", "--format", "json", "--dir", str(procs))
    wang = next(p for p in json.loads(report.output)["people"] if p["person"] == "wang")
    assert wang["counts"]["breach"] == counted
