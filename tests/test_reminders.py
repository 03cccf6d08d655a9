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
    history = run_cli("history", "last", "--as", "chen", "--lang", "en").output
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
