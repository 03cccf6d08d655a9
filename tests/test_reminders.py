"""A `reminder` deadline: a moment that calls for another path (第二篇: the promised delivery
time passes while the car is still in repair, so the workshop reports the delay). It is on
the agenda once it passes, and taking the path it calls for records no breach against anyone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Run = Callable[..., Result]
ROOT = Path(__file__).resolve().parent.parent
ANSWERS = str(ROOT / "docs" / "examples" / "time" / "answers" / "car-repair.yaml")
SITE = "procflow-site: 1\npeople:\n  chen: {name: 陳, roles: [service_advisor, workshop]}\n"


def test_the_promised_time_passing_in_repair_is_a_reminder(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site.yaml"
    site.write_text(SITE, encoding="utf-8")

    def at(moment: str, *args: str) -> Result:
        monkeypatch.setenv("PROCFLOW_NOW", moment)
        return run_cli(*args)

    at(
        "2026-03-09T09:00+08:00",
        "run",
        "art2-car-service",
        "--answers",
        ANSWERS,
        "--as",
        "chen",
        "--lang",
        "en",
    )
    agenda = at("2026-03-09T17:30+08:00", "agenda", "--as", "chen", "--lang", "en").output
    assert "overdue 30m  17:00  The promised delivery time has come and the car is still in repair" in agenda
    at("2026-03-09T17:30+08:00", "step", "last", "--as", "chen", "--move", "report_problem", "--lang", "en")
    moved = at(
        "2026-03-09T17:31+08:00", "step", "last", "--as", "chen", "--check", "receive_report",
        "--set", "problem_kind=delay", "--lang", "en",
    )  # fmt: skip
    assert moved.exit_code == 0 and "Delivery delayed" in moved.output, moved.output
    history = run_cli("history", "last", "--as", "chen", "--lang", "en", "--ids").output
    assert "breach" not in history and "report_problem" in history, history
    assert run_cli("violation", "list", "--lang", "en").output.strip() == "no violations"
    report = run_cli(
        "--site", str(site), "report", "--month", "2026-03", "--include-proposed", "--lang", "en"
    ).output
    assert "chen    陳        0         0          0      0" in report, report


def test_only_the_repair_reminder_is_exempt_the_delivery_deadline_still_counts() -> None:
    from procflow.engine.check.files import load_checked

    service, _ = load_checked(ROOT / "procedures" / "art2-car-service.yaml")
    assert service is not None
    (reached,) = [d for d in service.states["repair"].due if d.id == "delivery_time_reached"]
    (promised,) = service.states["delivery"].due
    assert reached.reminder and not promised.reminder


VISITOR = "answers: {host_name: 張, visitor_company: ACME, visitor_name: 李, appointment: none, host_status: busy}\n"


@pytest.mark.parametrize("site_sets_it", [True, False])
def test_a_long_wait_is_a_reminder_only_once_a_site_says_how_long(
    site_sets_it: bool, run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = tmp_path / "visitor.yaml"
    answers.write_text(VISITOR, encoding="utf-8")
    site = tmp_path / "site.yaml"
    params = "{long_wait_after: 10 minutes}" if site_sets_it else "{}"
    site.write_text(
        f"procflow-site: 1\nprocedures:\n  art1-visitor-reception:\n    params: {params}\n", "utf-8"
    )
    s = ("--site", str(site))
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T09:00+08:00")
    run_cli(*s, "run", "art1-visitor-reception", "--answers", str(answers), "--as", "amy", "--lang", "en")
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T09:20+08:00")
    agenda = run_cli(*s, "agenda", "--as", "amy", "--lang", "zh-Hant").output
    shown = "已逾時 10分鐘  09:10  等待時間長:要關照來訪者向其說明" in agenda
    assert shown is site_sets_it, agenda
    moved = run_cli(*s, "step", "last", "--move", "long_wait", "--as", "amy", "--lang", "en")
    assert "A long wait" in moved.output, moved.output
    history = run_cli(*s, "history", "last", "--as", "amy", "--lang", "en", "--ids").output
    assert "long_wait: host_busy → long_wait" in history and "breach" not in history, history
    assert run_cli(*s, "violation", "list", "--lang", "en").output.strip() == "no violations"
