"""Every answer saved as it is given: drafts through the front door. Ctrl-C or the end of the
input inside a step keeps what was confirmed; `resume` shows it and asks only the rest; the step
clears them; drafts never count as steps (`history`, `verify`); `history --drafts` shows them; a
draft for a step someone else already took is refused."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from procflow import cli
from procflow.engine.base.errors import ConflictError
from procflow.engine.desk import drafts
from procflow.engine.desk.instances import Desk
from procflow.engine.store import open_store

RUN_DIR = str(Path(__file__).parent / "fixtures" / "run")
Run = Callable[..., Result]
TO_CALLER = "y\n\n2\n\n"  # the first state (ticks, guests), then Enter past the greeting


class CtrlC(io.BytesIO):
    """Standard input that gives the lines typed, then Ctrl-C while the next one is awaited."""

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        if not data and size != 0:  # click asks for nothing first, to see that it is binary
            raise KeyboardInterrupt
        return data

    read1 = read


def ctrl_c(*args: str, typed: str) -> Result:
    return CliRunner().invoke(cli.cli, list(args), input=CtrlC(typed.encode()), catch_exceptions=False)


def instance(result: Result) -> str:
    return result.output.split("instance ", 1)[1][:6]


def test_ctrl_c_inside_a_step_keeps_the_answers_confirmed_and_resume_asks_only_the_rest(
    db_backend: str,
    run_cli: Run,
) -> None:
    stopped = ctrl_c("run", "sample-shift", "--dir", RUN_DIR, "--lang", "en", typed=TO_CALLER + "Ms Lin\n")
    assert stopped.exit_code == 130, stopped.output
    ident = instance(stopped)
    trail = json.loads(run_cli("history", ident, "--json", "--drafts", "--show-pii").stdout)
    assert [(d["kind"], d["name"], d["value"]) for d in trail["drafts"]] == [("answer", "caller", "Ms Lin")]
    assert trail["drafts"][0]["state"] == "phone>ask_caller"
    assert "Ms Lin" not in json.dumps(trail["events"])  # a draft is no event
    assert run_cli("verify").exit_code == 0

    resumed = run_cli("resume", ident, "--lang", "en", input="no\n\n")
    shown = resumed.output
    assert "already given (kept as it was typed):\n   ? Caller > Ms Lin\n" in shown
    assert "? Caller (text)" not in shown and "? Urgent? (yes/no, y/n)" in shown
    after = json.loads(run_cli("history", ident, "--json", "--drafts", "--show-pii").stdout)
    assert after["drafts"] == []  # the step took them in
    answered = [e["answers"] for e in after["events"] if e["kind"] == "answer"]
    assert answered[-1] == {"caller": "Ms Lin", "urgent": False}


def test_ticks_and_skips_are_kept_too_and_history_masks_personal_data(db_backend: str, run_cli: Run) -> None:
    typed = "y\n\n2\n\nMs Lin\nno\ns\nno pen at hand\n"  # ...then the input ends before the move
    run_cli("run", "sample-shift", "--dir", RUN_DIR, "--lang", "en", input=typed)
    ended = run_cli("run", "sample-shift", "--dir", RUN_DIR, "--lang", "en", input="y\n")
    assert ended.exit_code == 1
    ident = instance(ended)
    trail = json.loads(run_cli("history", ident, "--json", "--drafts").stdout)
    assert [(d["kind"], d["name"]) for d in trail["drafts"]] == [("check", "lights")]
    stopped = ctrl_c("resume", ident, "--lang", "en", typed="\n")  # the optional item: not done
    assert stopped.exit_code == 130
    text = run_cli("history", ident, "--drafts", "--lang", "en").stdout
    assert "drafts, not steps (1): confirmed in the step not yet taken" in text
    assert "check  Open the desk  ✓ Switch the lights on" in text

    masked = ctrl_c("run", "sample-shift", "--dir", RUN_DIR, "--lang", "en", typed=TO_CALLER + "王小明\n")
    hidden = run_cli("history", instance(masked), "--drafts", "--lang", "en").stdout
    assert "Caller = •••" in hidden and "王小明" not in hidden
    shown = run_cli("history", instance(masked), "--drafts", "--show-pii", "--lang", "en").stdout
    assert "Caller = 王小明" in shown


def test_history_without_drafts_says_nothing_of_them(run_cli: Run) -> None:
    stopped = ctrl_c("run", "sample-shift", "--dir", RUN_DIR, "--lang", "en", typed="y\n")
    plain = run_cli("history", instance(stopped), "--lang", "en")
    assert "draft" not in plain.stdout
    assert "drafts" not in json.loads(run_cli("history", instance(stopped), "--json").stdout)


def test_a_draft_for_a_step_someone_else_took_is_refused(db_backend: str, run_cli: Run) -> None:
    stopped = ctrl_c("run", "sample-shift", "--dir", RUN_DIR, "--lang", "en", typed="y\n")
    ident = instance(stopped)
    with open_store() as store:
        ann = Desk(store, actor="ann", lang="en")
        mine = ann.open(ident)
        drafts.save_check(ann, mine, "flowers")
        took = run_cli("step", ident, "--check", "lights", "--set", "guests=3", "--as", "bob")
        assert took.exit_code == 0, took.output
        with pytest.raises(ConflictError, match=rf"instance '{ident}' was changed by bob .*nothing of yours"):
            drafts.save_answer(ann, mine, "guests", "4")
        assert store.drafts(ident) == []  # bob's step took the drafts of its visit away


def test_a_wrong_answer_is_never_kept_as_a_draft(run_cli: Run) -> None:
    stopped = ctrl_c("run", "sample-shift", "--dir", RUN_DIR, "--lang", "en", typed="y\n")
    with open_store() as store:
        desk = Desk(store, actor="ann", lang="en")
        opened = desk.open(instance(stopped))
        with pytest.raises(Exception, match="not valid"):
            drafts.save_answer(desk, opened, "guests", "-1")
        assert [d.name for d in store.drafts(opened.id)] == ["lights"]


def test_history_drafts_of_an_unknown_instance_is_not_found(run_cli: Run) -> None:
    result = run_cli("history", "zzzzzz", "--drafts")
    assert result.exit_code == 4 and "unknown instance 'zzzzzz'" in result.stderr


def test_a_refused_draft_stops_the_interactive_run_with_exit_7(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone else takes the step while the operator types: the next answer kept is refused
    (exit 7, who and when), and what they took stands."""
    stopped = ctrl_c("run", "sample-shift", "--dir", RUN_DIR, "--lang", "en", typed="y\n")
    ident = instance(stopped)
    from procflow.terminal import drafted

    real_answer = drafted.Keeper.answer

    def meanwhile(self: drafted.Keeper, field: str, raw: str) -> None:
        took = run_cli("step", ident, "--check", "lights", "--set", "guests=3", "--as", "bob")
        assert took.exit_code == 0, took.output
        real_answer(self, field, raw)

    monkeypatch.setattr(drafted.Keeper, "answer", meanwhile)
    result = run_cli("resume", ident, "--lang", "en", input="\n2\n")
    assert result.exit_code == 7, result.output
    assert " already given (kept as it was typed):\n   [x] 1. Switch the lights on\n" in result.stdout
    assert "bob changed this instance at " in result.stderr  # by the operator's screen: no id but
    assert f"see where it is now with procflow resume {ident}" in result.stderr  # the one to type
    assert json.loads(run_cli("history", ident, "--json", "--drafts").stdout)["drafts"] == []


def test_a_kept_answer_its_field_refuses_now_is_asked_again(run_cli: Run) -> None:
    stopped = ctrl_c("run", "sample-shift", "--dir", RUN_DIR, "--lang", "en", typed="y\n")
    ident = instance(stopped)
    with open_store() as store:  # as an older procflow might have kept it
        store.save_draft(
            ident,
            1,
            kind="answer",
            name="guests",
            value="many",
            visit=1,
            state="open_desk",
            actor="x",
            at="2026-03-09T09:00:00+08:00",
        )
    with open_store() as store:
        desk = Desk(store, actor="ann", lang="en")
        assert drafts.given(desk, desk.open(ident)).answers == {}
    resumed = run_cli("resume", ident, "--lang", "en", input="\n2\n")
    assert "? Number of guests (number)\n   > 2\n" in resumed.stdout
