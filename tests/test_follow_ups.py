"""A `follow_up` deadline outlives its state: an open entry of 第三篇's visitors' book stays on the
front desk's agenda after the registration has ended, until someone marks it done; the car's
follow-up after delivery (第二篇 五.1) lands on the agenda at the time the site sets. Through the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Run = Callable[..., Result]
ROOT = Path(__file__).resolve().parent.parent
BOOK = str(ROOT / "docs" / "examples" / "time" / "answers" / "visitor-book.yaml")


@pytest.fixture
def at(run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    def run(moment: str, *args: str, input: str | None = None) -> Result:
        monkeypatch.setenv("PROCFLOW_NOW", moment)
        return run_cli(*args, input=input)

    return run


def _agenda(at: Callable[..., Result], moment: str, *site: str, who: str = "wang") -> list[dict[str, object]]:
    result = at(moment, *site, "agenda", "--json", "--within", "1d", "--as", who)
    assert result.exit_code == 0, result.output
    items: list[dict[str, object]] = json.loads(result.output)["items"]
    return items


def test_an_open_visitor_book_entry_stays_on_the_agenda_after_registration_ends(
    at: Callable[..., Result],
) -> None:
    run = at(
        "2026-03-09T10:00+08:00",
        "run",
        "art3-visitor-registration",
        "--answers",
        BOOK,
        "--as",
        "wang",
        "--lang",
        "en",
    )
    assert run.exit_code == 0 and "finished" in run.output, run.output
    assert "(visit: —; in at —)" in run.output  # the step names the answers its text shows: none yet
    [item] = _agenda(at, "2026-03-09T11:00+08:00")
    assert item["deadline"] == "time_out_entry-2" and item["kind"] == "follow_up"
    assert item["role"] == "front_desk" and item["due"] == "2026-03-09T10:00:00+08:00"
    assert "出入時間(洽談;" in str(item["text"])  # the book's clause, with the entry it stands for
    assert item["command"].endswith("--done time_out_entry-2")  # type: ignore[union-attr]
    shown = at("2026-03-09T11:00+08:00", "agenda", "--as", "wang", "--lang", "en").output
    assert "waiting 1h" in shown and "overdue" not in shown  # open, never late

    done = at("2026-03-09T11:30+08:00", "step", "last", "--done", "time_out_entry", "--as", "wang")
    assert done.exit_code == 0, done.output
    assert _agenda(at, "2026-03-09T11:31+08:00") == []
    history = at("2026-03-09T11:31+08:00", "history", "last", "--as", "wang", "--lang", "en", "--ids").output
    assert "done    time_out_entry" in history
    assert "breach" not in history  # a follow-up is never counted against anyone
    again = at("2026-03-09T11:32+08:00", "step", "last", "--done", "time_out_entry", "--as", "wang")
    assert again.exit_code == 5 and "no open follow-up 'time_out_entry'" in again.output


def test_only_the_role_of_its_state_closes_a_follow_up_of_an_ended_instance(
    at: Callable[..., Result], tmp_path: Path
) -> None:
    site = tmp_path / "site.yaml"
    site.write_text(
        "procflow-site: 1\npeople:\n  wang: {roles: [front_desk]}\n  li: {roles: [service_advisor]}\n",
        encoding="utf-8",
    )
    s = ("--site", str(site))
    register = ("run", "art3-visitor-registration", "--answers", BOOK, "--as", "wang", "--lang", "en")
    run = at("2026-03-09T10:00+08:00", *s, *register)
    assert run.exit_code == 0, run.output
    instance = run.output.split()[1]  # "instance ID · ..."
    refused = at("2026-03-09T11:00+08:00", *s, "step", instance, "--done", "time_out_entry", "--as", "li")
    assert refused.exit_code == 10, refused.output
    assert "role 'front_desk'" in refused.output
    assert len(_agenda(at, "2026-03-09T11:00+08:00", *s)) == 1  # nothing was recorded


CALL_BACK = """\
procflow: 1
id: call-back
title: Call back
fields:
  wants_call: {type: bool}
initial: take_call
states:
  take_call:
    ask: [wants_call]
    due:
      - {id: call_back, within: 2 hours, follow_up: true, text: Call the customer back}
    next: wait
  wait:
    moves:
      - {id: close, to: done}
  done: {final: true}
"""


def test_a_follow_up_stays_while_the_instance_moves_on_and_leaves_with_a_cancel(
    at: Callable[..., Result], tmp_path: Path
) -> None:
    procedure = tmp_path / "call-back.yaml"
    procedure.write_text(CALL_BACK, encoding="utf-8")
    answers = tmp_path / "answers.yaml"
    answers.write_text("answers: {wants_call: true}\n", encoding="utf-8")
    at("2026-03-09T10:00+08:00", "run", str(procedure), "--answers", str(answers), "--as", "wang")
    [item] = _agenda(at, "2026-03-09T10:05+08:00")
    assert (item["deadline"], item["state"], item["text"]) == (
        "call_back-1",
        "take_call",
        "Call the customer back",
    )
    cancelled = at("2026-03-09T10:06+08:00", "cancel", "last", "--reason", "wrong number", "--as", "wang")
    assert cancelled.exit_code == 0, cancelled.output
    assert _agenda(at, "2026-03-09T10:07+08:00") == []


def test_the_follow_up_after_delivery_lands_on_the_agenda_at_the_time_the_site_sets(
    at: Callable[..., Result], tmp_path: Path
) -> None:
    site = tmp_path / "site.yaml"
    site.write_text(
        "procflow-site: 1\nprocedures:\n  art2-car-service: {params: {follow_up_delay: 3 days}}\n",
        encoding="utf-8",
    )
    s = ("--site", str(site))
    answers = tmp_path / "delivered.yaml"  # delivered, the follow-up not yet made: the run stops there
    lines = (
        (ROOT / "docs" / "examples" / "runs" / "car-service.yaml").read_text(encoding="utf-8").splitlines()
    )
    kept = [line for line in lines if "customer_feedback" not in line and "our_shortcomings" not in line]
    answers.write_text("\n".join(kept) + "\n", encoding="utf-8")
    run = at(
        "2026-03-09T09:00+08:00", *s, "run", "art2-car-service", "--answers", str(answers), "--as", "chen"
    )
    assert "customer_feedback" in run.output, run.output
    early = [i for i in _agenda(at, "2026-03-10T09:00+08:00", *s) if i["deadline"] == "follow_up_visit"]
    assert early == []  # due three days after delivery, not within a day of it
    [item] = [i for i in _agenda(at, "2026-03-12T08:00+08:00", *s) if i["deadline"] == "follow_up_visit"]
    assert item["state"] == "follow_up" and item["role"] == "service_advisor"


def test_an_operator_marks_a_follow_up_done_while_choosing_the_next_move(
    at: Callable[..., Result], tmp_path: Path
) -> None:
    procedure = tmp_path / "call-back.yaml"
    procedure.write_text(CALL_BACK, encoding="utf-8")
    args = ("run", str(procedure), "--as", "wang", "--lang", "en")
    result = at("2026-03-09T10:00+08:00", *args, input="yes\nd\n1\n")
    assert result.exit_code == 0, result.output
    first, second = result.output.split("── Call back › wait ──")[1:]
    assert "d. done: Call the customer back" in first  # kept from take_call, offered beside the moves
    assert "d. done" not in second  # marked done: no longer offered
    assert _agenda(at, "2026-03-09T10:05+08:00") == []
