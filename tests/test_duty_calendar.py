"""第三篇 四.2 through the site calendar: a shift must be on post when duty hours begin."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result

SITE = "docs/examples/site/procflow.yaml"  # XX公司: Mon-Fri 08:30-11:30 and 13:30-17:30


def at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    monkeypatch.setenv("PROCFLOW_NOW", moment)


def start_shift(run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    at(monkeypatch, moment)
    started = run_cli(
        "--site", SITE, "run", "art3-front-desk-shift", "--as", "wang", "--lang", "en", input=""
    )
    assert "stays open at 'On post'" in started.output, started.output


def test_a_shift_started_before_duty_is_due_on_post_when_duty_begins(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    start_shift(run_cli, monkeypatch, "2026-03-09T08:00+08:00")  # a Monday
    at(monkeypatch, "2026-03-09T08:10+08:00")
    agenda = run_cli("--site", SITE, "agenda", "--lang", "en")
    assert "in 20m  08:30  On post when duty hours begin" in agenda.output, agenda.output
    at(monkeypatch, "2026-03-09T08:40+08:00")
    stepped = run_cli("--site", SITE, "step", "last", "--check", "on_post", "--as", "wang", "--lang", "en")
    assert stepped.exit_code == 0, stepped.output
    history = run_cli("history", "last", "--as", "wang", "--lang", "en")
    assert "breach  on_post_at_duty_start (due 08:30, 10m late)" in history.output, history.output


def test_on_post_in_time_is_no_breach(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    start_shift(run_cli, monkeypatch, "2026-03-09T08:20+08:00")
    at(monkeypatch, "2026-03-09T08:29+08:00")
    run_cli("--site", SITE, "step", "last", "--check", "on_post", "--as", "wang", "--lang", "en")
    assert "breach" not in run_cli("history", "last", "--as", "wang", "--lang", "en").output


def test_a_weekend_start_is_due_when_monday_duty_begins(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    start_shift(run_cli, monkeypatch, "2026-03-07T10:00+08:00")  # a Saturday: no duty hours
    agenda = run_cli("--site", SITE, "agenda", "--json", "--at", "2026-03-09T08:00+08:00")
    assert '"due": "2026-03-09T08:30:00+08:00"' in agenda.output, agenda.output
