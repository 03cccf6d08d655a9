"""`procflow violation review`: 第三篇's review reads the month's count from the records and its
thresholds from where `report` reads them, so it offers exactly what `report` computes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from test_report_month import RAISED, SITE, add_step_event

NOW = "2026-03-20T10:00:00+08:00"
# where the review goes for each set of rungs `report` says apply
STATE_OF = {
    (): "handle_by_seriousness",
    ("negligence",): "public_criticism",
    ("serious_negligence",): "serious_negligence",
    ("negligence", "serious_negligence"): "both_apply",
}


@pytest.fixture
def desk(run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    monkeypatch.setenv("PROCFLOW_NOW", NOW)
    return run_cli


def record(desk: Callable[..., Result], *rules: str) -> None:
    for index, rule in enumerate(rules):
        at = f"2026-03-1{index}T09:00"
        assert (
            desk(
                "violation", "record", "--person", "wang", "--rule", rule, "--at", at, "--as", "zhao"
            ).exit_code
            == 0
        )


def report_applies(desk: Callable[..., Result]) -> tuple[int, list[str]]:
    report = json.loads(desk("report", "--month", "2026-03", "--format", "json").output)
    wang = next(p for p in report["people"] if p["person"] == "wang")["ladders"][0]
    return wang["count"], wang["applies"]


def review(desk: Callable[..., Result]) -> tuple[dict[str, object], str]:
    """Start the review, record the violation's details, and say which state it offers."""
    started = desk("violation", "review", "--person", "wang", "--month", "2026-03", "--as", "zhao", "--json")
    assert started.exit_code == 0, started.output
    stepped = desk(
        "step", "last", "--as", "zhao", "--check", "record", "--set", "violated_rule=no_eating_at_desk",
        "--set", "violation_details=x", "--json",
    )  # fmt: skip
    assert stepped.exit_code == 0, stepped.output
    return json.loads(started.output), json.loads(stepped.output)["state"]


@pytest.mark.parametrize(
    ("site", "rules"),
    [
        (SITE, ("no_eating_at_desk",)),
        (SITE, ("no_eating_at_desk", "good_posture")),
        (RAISED, ("no_eating_at_desk", "good_posture")),
        (RAISED, ("no_eating_at_desk", "good_posture", "four_sounds")),
    ],
)
def test_the_review_offers_exactly_what_report_computes(
    desk: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, site: Path, rules: tuple[str, ...]
) -> None:
    monkeypatch.setenv("PROCFLOW_SITE", str(site))
    record(desk, *rules)
    count, applies = report_applies(desk)
    started, state = review(desk)
    assert (started["count"], started["applies"]) == (count, applies) == (len(rules), started["applies"])
    assert state == STATE_OF[tuple(applies)]


def test_raised_yaml_offers_no_serious_negligence_at_two(
    desk: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROCFLOW_SITE", str(RAISED))
    record(desk, "no_eating_at_desk", "good_posture")
    started, state = review(desk)
    assert started["applies"] == ["negligence"] and state == "public_criticism"
    assert started["params"]["serious_negligence_min_count"] == 3  # type: ignore[index]


def test_at_two_both_rungs_are_shown_and_what_is_not_applied_is_recorded_with_why(
    desk: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROCFLOW_SITE", str(SITE))
    record(desk, "no_eating_at_desk", "good_posture")
    _, state = review(desk)
    assert state == "both_apply"
    shown = desk("resume", "last", "--as", "zhao", "--lang", "en", input="").output
    assert "the company criticises publicly" in shown and "deduction notice" in shown
    done = desk(
        "step", "last", "--as", "zhao", "--check", "criticise", "--skip", "appraisal", "--skip",
        "deduction_notice", "--reason", "a first offence: public criticism is enough", "--move", "neither",
        "--json",
    )  # fmt: skip
    assert json.loads(done.output)["outcome"] == "closed", done.output
    history = desk("history", "last", "--as", "zhao", "--lang", "en", "--ids").output
    assert "✓ criticise" in history
    why = "a first offence: public criticism is enough"
    assert f"skip    appraisal: {why}; deduction_notice: {why}" in history


def test_an_unconfirmed_breach_is_not_in_the_reviews_count(
    desk: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROCFLOW_SITE", str(SITE))
    record(desk, "no_eating_at_desk")
    add_step_event("art3-front-desk-shift", "wang", "breach", "2026-03-12T10:11:00+08:00",
                   {"deadline": "ten_minutes", "due": "2026-03-12T10:10:00+08:00", "late": 60, "state": "desk_discussion"})  # fmt: skip
    started, state = review(desk)
    assert (started["count"], state) == (1, "handle_by_seriousness")


def test_only_a_supervisor_reviews_and_never_themselves(
    desk: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROCFLOW_SITE", str(SITE))
    refused = desk("violation", "review", "--person", "li", "--month", "2026-03", "--as", "wang")
    assert refused.exit_code == 10
    own = desk("violation", "review", "--person", "zhao", "--month", "2026-03", "--as", "zhao")
    assert (own.exit_code, own.output) == (
        10,
        "procflow: zhao cannot review a violation against themselves; another supervisor must\n",
    )
