"""第三篇 四.2 through the site calendar: on post is the recorded arrival, measured against the
duty period it falls in (morning and afternoon), never the moment a box was ticked; and a
deadline counted in duty hours that starts on a weekend falls due when Monday's duty begins."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

SITE = "docs/examples/site/procflow.yaml"  # XX公司: Mon-Fri 08:30-11:30 and 13:30-17:30


def at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    monkeypatch.setenv("PROCFLOW_NOW", moment)


def start_shift(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, moment: str, site: str = SITE
) -> None:
    at(monkeypatch, moment)
    started = run_cli(
        "--site", site, "run", "art3-front-desk-shift", "--as", "wang", "--lang", "en", input=""
    )
    assert "stays open at 'On post'" in started.output, started.output


def arrive(
    run_cli: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
    ticked: str,
    arrived: str,
    site: str = SITE,
) -> None:
    at(monkeypatch, ticked)
    stepped = run_cli(
        "--site", site, "step", "last", "--check", "on_post", "--set", f"arrived_at={arrived}", "--as", "wang"
    )
    assert stepped.exit_code == 0, stepped.output


def late(run_cli: Callable[..., Result], site: str = SITE) -> list[tuple[object, ...]]:
    found = json.loads(run_cli("--site", site, "violation", "list", "--json").output)
    return [(v["deadline"], v["late_seconds"], v["status"]) for v in found]


def test_arrived_in_time_and_ticked_later_is_no_breach(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    start_shift(run_cli, monkeypatch, "2026-03-09T08:29:00+08:00")
    arrive(run_cli, monkeypatch, "2026-03-09T08:31:00+08:00", "2026-03-09T08:29")
    assert late(run_cli) == []
    assert "breach" not in run_cli("history", "last", "--as", "wang", "--lang", "en").output


def test_a_late_arrival_is_proposed_with_how_late_it_was(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    start_shift(run_cli, monkeypatch, "2026-03-09T08:00+08:00")  # a Monday; the shift opened early
    arrive(run_cli, monkeypatch, "2026-03-09T08:45+08:00", "2026-03-09T08:40")
    assert late(run_cli) == [("on_post_at_duty_start", 600.0, "proposed")]
    report = run_cli("--site", SITE, "report", "--month", "2026-03", "--include-proposed", "--lang", "en")
    assert "art3-front-desk-shift  on_post_at_duty_start (deadline)" in report.output
    assert "  wang: 1 proposed" in report.output


def test_the_afternoon_start_is_checked_too(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "answers: {arrived_at: [2026-03-09T08:20, 2026-03-09T13:33]}\nmoves: [afternoon_start]\n",
        encoding="utf-8",
    )
    at(monkeypatch, "2026-03-09T13:40+08:00")
    run = run_cli(
        "--site",
        SITE,
        "run",
        "art3-front-desk-shift",
        "--answers",
        str(answers),
        "--as",
        "wang",
        "--lang",
        "en",
    )
    assert "stays open at 'On duty'" in run.output, run.output
    found = json.loads(run_cli("--site", SITE, "violation", "list", "--json").output)
    assert [(v["late_seconds"], v["state"]) for v in found] == [(180.0, "arrival (duty from 13:30)")]


def test_without_a_duty_calendar_nothing_is_measured(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    site = tmp_path / "site.yaml"
    site.write_text("procflow-site: 1\ntimezone: Asia/Shanghai\n", encoding="utf-8")
    start_shift(run_cli, monkeypatch, "2026-03-09T08:30:00+08:00", str(site))
    arrive(run_cli, monkeypatch, "2026-03-09T08:30:03+08:00", "2026-03-09T08:30:03", str(site))
    assert late(run_cli, str(site)) == []


def test_a_weekend_start_is_due_when_monday_duty_begins(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, "2026-03-07T10:00+08:00")  # a Saturday: no duty hours
    site = "docs/examples/time/site.yaml"
    started = run_cli(
        "--site",
        site,
        "run",
        "sample-message",
        "--dir",
        "docs/examples/time",
        "--as",
        "bo",
        "--lang",
        "en",
        input="",
    )
    assert "stays open" in started.output, started.output
    agenda = run_cli("--site", site, "agenda", "--json", "--at", "2026-03-09T08:00+08:00", "--within", "2h")
    assert '"due": "2026-03-09T09:30:00+08:00"' in agenda.output, agenda.output
