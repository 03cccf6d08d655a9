"""run, resume, step, status, history, cancel and verify through the front door: every
documented exit code, the --json contracts, pinning, and the faults of issue §5."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from procflow.engine.store.migrations import LATEST
from procflow.terminal.screen import Screen

FIXTURES = Path(__file__).parent / "fixtures"
VISITOR = str(FIXTURES / "valid" / "visitor.yaml")
RUN_DIR = str(FIXTURES / "run")
Run = Callable[..., Result]


def last_json(result: Result) -> dict:
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    return json.loads(lines[-1])


def answers_file(tmp_path: Path, text: str, name: str = "answers.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def start(run_cli: Run, tmp_path: Path, text: str = "answers: {}\n") -> str:
    """An open instance of the visitor procedure, stopped where the answers run out."""
    result = run_cli("run", VISITOR, "--answers", answers_file(tmp_path, text), "--json")
    return last_json(result)["instance"]


FULL = "answers: {visitor_name: 王小明, visitor_kind: interviewee}\nmoves: [done]\n"


def test_a_scripted_run_finishes_and_its_last_line_is_the_result(
    db_backend: str, run_cli: Run, tmp_path: Path
) -> None:
    result = run_cli("run", VISITOR, "--answers", answers_file(tmp_path, FULL), "--json")
    assert result.exit_code == 0, result.output
    data = last_json(result)
    assert set(data) >= {"instance", "procedure", "state", "status", "path", "answers"}
    assert data["status"] == "finished" and data["outcome"] == "completed"
    assert data["procedure"] == "sample-visitor" and data["state"] == "done"
    assert data["path"] == ["stand", "inquire", "interview", "see_off", "done"]
    assert data["answers"] == {"visitor_name": "王小明", "visitor_kind": "interviewee"}
    assert (data["stopped"], data["error"]) == (None, None)
    assert len(data["instance"]) == 6


def test_a_scripted_run_short_of_an_answer_stops_open_and_names_it(
    db_backend: str, run_cli: Run, tmp_path: Path
) -> None:
    result = run_cli(
        "run", VISITOR, "--answers", answers_file(tmp_path, "answers: {visitor_kind: 2}\n"), "--json"
    )
    assert result.exit_code == 1
    data = last_json(result)
    assert data["status"] == "open" and data["state"] == "inquire" and data["stopped"] == "missing"
    assert data["missing"].startswith("answer for 'visitor_name'")
    assert "the answers file has no answer for 'visitor_name'" in result.stderr
    assert f"procflow resume {data['instance']}" in result.stderr
    # what the file does give for the step it stops at is saved
    assert data["path"] == ["stand", "inquire"] and data["answers"] == {"visitor_kind": "courier"}


def test_a_scripted_run_missing_a_move_keeps_the_steps_it_could_take(run_cli: Run, tmp_path: Path) -> None:
    text = "answers: {visitor_name: Lee, visitor_kind: interviewee}\n"
    data = last_json(run_cli("run", VISITOR, "--answers", answers_file(tmp_path, text), "--json"))
    assert data["missing"] == "move in state 'interview' (one of done)"
    assert data["waiting_for"] == [] and data["moves"] == ["done"]  # its checklist was confirmed
    resumed = run_cli(
        "resume", data["instance"], "--answers", answers_file(tmp_path, "moves: [done]\n", "m.yaml"), "--json"
    )
    assert resumed.exit_code == 0 and last_json(resumed)["status"] == "finished"


def test_a_bad_answers_file_starts_nothing(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("run", VISITOR, "--answers", answers_file(tmp_path, "answer: {}\n"))
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("answers.yaml:1:1: unknown key 'answer'; did you mean 'answers'?")
    assert "no open instances" in run_cli("status", "--lang", "en").stdout


def test_skipped_items_need_a_reason_and_are_recorded(run_cli: Run, tmp_path: Path) -> None:
    text = FULL + "skip: {stand_up: visitor was already seated}\n"
    data = last_json(run_cli("run", VISITOR, "--answers", answers_file(tmp_path, text), "--json"))
    history = json.loads(run_cli("history", data["instance"], "--json").stdout)
    skips = [e for e in history["events"] if e["kind"] == "skip"]
    assert skips == [dict(skips[0], items={"stand_up": "visitor was already seated"})]
    bad = run_cli("run", VISITOR, "--answers", answers_file(tmp_path, "skip: {stand_up: ''}\n", "s.yaml"))
    assert bad.exit_code == 2 and "skipping item 'stand_up' needs a reason" in bad.stderr


def test_end_of_input_leaves_the_instance_open_and_resume_finishes_it(db_backend: str, run_cli: Run) -> None:
    first = run_cli("run", VISITOR, "--lang", "en", input="y\n王小明\n")
    assert first.exit_code == 1
    assert "procflow: input ended" in first.stderr
    ident = first.stdout.splitlines()[0].split()[1]
    assert f"instance {ident} stays open at 'Inquire'; continue with: procflow resume {ident}" in first.stderr
    second = run_cli("resume", ident, "--lang", "en", "--json", input="王小明\n1\ny\n1\n\n")
    assert second.exit_code == 0, second.output
    assert last_json(second)["status"] == "finished"
    assert "✔ finished" in second.stdout


def test_ctrl_c_exits_130_and_says_how_to_resume(run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(self: Screen, prompt: str, **how: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(Screen, "ask", interrupted)
    result = run_cli("run", VISITOR, "--lang", "en")
    assert result.exit_code == 130
    assert "procflow: interrupted" in result.stderr and "continue with: procflow resume" in result.stderr
    assert "Visitor reception  Stand up" in run_cli("status", "--lang", "en").stdout
    assert "visitor  stand" in run_cli("status", "--lang", "en", "--ids").stdout


def test_an_invalid_answer_is_asked_again_with_the_reason(run_cli: Run) -> None:
    result = run_cli("run", VISITOR, "--lang", "en", input="y\nLee\n7\nother\n\n")
    assert result.exit_code == 0, result.output
    assert (
        "! '7' is not a valid answer; expected one of 1 Interviewee, 2 Courier, 3 Other (its number or its name)"
        in result.stdout
    )


def test_step_answers_checks_skips_moves_and_notes(db_backend: str, run_cli: Run, tmp_path: Path) -> None:
    ident = start(run_cli, tmp_path)
    assert run_cli("step", ident, "--set", "visitor_name=Lee", "--set", "visitor_kind=1").exit_code == 0
    result = run_cli(
        "step", ident, "--skip", "1", "--reason", "HR already knew", "--note", "walk-in", "--json"
    )
    data = last_json(result)
    assert data["state"] == "interview" and data["moves"] == ["done"] and data["error"] is None
    data = last_json(run_cli("step", ident, "--move", "done", "--json"))
    assert data["state"] == "see_off" and data["recorded"] == 1
    data = last_json(run_cli("step", ident, "--json"))  # acknowledges a state that only says something
    assert data["status"] == "finished"
    kinds = [e["kind"] for e in json.loads(run_cli("history", ident, "--json").stdout)["events"]]
    assert kinds.count("note") == 1 and kinds.count("skip") == 1 and kinds[-1] == "finish"


def test_a_wrong_answer_is_exit_5_and_changes_nothing(db_backend: str, run_cli: Run, tmp_path: Path) -> None:
    ident = start(run_cli, tmp_path)
    before = json.loads(run_cli("history", ident, "--json").stdout)["version"]
    result = run_cli("step", ident, "--set", "visitor_name=Lee", "--set", "visitor_kind=robot", "--json")
    assert result.exit_code == 5
    assert "procflow: answer 'robot' for 'visitor_kind' is not valid" in result.stderr
    assert last_json(result)["error"]["code"] == 5
    assert json.loads(run_cli("history", ident, "--json").stdout)["version"] == before


def test_an_illegal_move_is_exit_6_with_a_suggestion(db_backend: str, run_cli: Run, tmp_path: Path) -> None:
    ident = start(run_cli, tmp_path, "answers: {visitor_name: Lee, visitor_kind: interviewee}\n")
    result = run_cli("step", ident, "--move", "don")
    assert result.exit_code == 6
    assert result.stderr.strip() == (
        "procflow: unknown move 'don' in state 'interview'; expected one of done; did you mean 'done'?"
    )


def test_step_usage_errors(run_cli: Run, tmp_path: Path) -> None:
    ident = start(run_cli, tmp_path)
    for args, message in [
        (("--set", "visitor_name"), "--set 'visitor_name' is not FIELD=VALUE"),
        (("--skip", "1"), "--skip ITEM needs --reason TEXT"),
        (("--reason", "x"), "--reason goes with --skip ITEM"),
        (
            ("--skip", "a", "--skip", "b", "--reason", "x", "--reason", "y", "--reason", "z"),
            "need one --reason",
        ),
    ]:
        result = run_cli("step", ident, *args)
        assert result.exit_code == 2 and message in result.stderr, (args, result.output)


def test_unknown_ids_say_did_you_mean(db_backend: str, run_cli: Run, tmp_path: Path) -> None:
    ident = start(run_cli, tmp_path)
    typo = ident[:-1] + ("2" if ident[-1] != "2" else "3")
    result = run_cli("resume", typo)
    assert result.exit_code == 4
    assert result.stderr.strip() == f"procflow: unknown instance '{typo}'; did you mean '{ident}'?"
    assert run_cli("run", "no-such-procedure").exit_code == 4
    assert run_cli("run", "missing/file.yaml").exit_code == 4


def test_last_means_my_latest_instance(db_backend: str, run_cli: Run, tmp_path: Path) -> None:
    first = start(run_cli, tmp_path)
    second = start(run_cli, tmp_path)
    assert json.loads(run_cli("history", "last", "--json").stdout)["instance"] == second
    result = run_cli("history", "last", "--as", "nobody")
    assert result.exit_code == 4 and "nobody holds no instances yet" in result.stderr
    assert first != second


def test_cancel_records_the_reason_and_closes_the_instance(
    db_backend: str, run_cli: Run, tmp_path: Path
) -> None:
    ident = start(run_cli, tmp_path)
    data = json.loads(run_cli("cancel", ident, "--reason", "visitor left", "--json").stdout)
    assert data == {"instance": ident, "status": "cancelled", "state": "inquire", "reason": "visitor left"}
    again = run_cli("step", ident, "--check", "1")
    assert again.exit_code == 6 and "the instance is cancelled; it takes no more steps" in again.stderr
    assert run_cli("cancel", ident).exit_code == 2  # --reason is required
    recent = json.loads(run_cli("status", "--json").stdout)["recent"]
    assert [(r["instance"], r["status"]) for r in recent] == [(ident, "cancelled")]


def test_status_lists_open_and_recent_work_by_person(db_backend: str, run_cli: Run, tmp_path: Path) -> None:
    mine = start(run_cli, tmp_path)
    path = answers_file(tmp_path, "answers: {}\n", "empty.yaml")
    theirs = last_json(run_cli("run", VISITOR, "--answers", path, "--as", "mei", "--json"))["instance"]
    everyone = json.loads(run_cli("status", "--json").stdout)
    assert {r["instance"] for r in everyone["open"]} == {mine, theirs} and not everyone["more_open"]
    row = next(r for r in everyone["open"] if r["instance"] == theirs)
    assert (row["owner"], row["created_by"], row["procedure_file"], row["state"]) == (
        "mei",
        "mei",
        "current",
        "inquire",
    )
    assert [r["instance"] for r in json.loads(run_cli("status", "--mine", "--json").stdout)["open"]] == [mine]
    assert [r["instance"] for r in json.loads(run_cli("status", "--by", "mei", "--json").stdout)["open"]] == [
        theirs
    ]
    text = run_cli("status", "--lang", "en", "--all").stdout.splitlines()
    assert text[0] == "Open" and text[1].split() == ["ID", "PROCEDURE", "STATE", "WHO", "SINCE"]


def test_pinned_instances_survive_edits_and_removal_of_their_file(
    db_backend: str, run_cli: Run, tmp_path: Path
) -> None:
    copy = tmp_path / "visitor.yaml"
    shutil.copy(VISITOR, copy)
    data = last_json(
        run_cli("run", str(copy), "--answers", answers_file(tmp_path, "answers: {}\n"), "--json")
    )
    ident = data["instance"]
    copy.write_text(copy.read_text(encoding="utf-8").replace("Stand up at once", "Wave"), encoding="utf-8")
    row = json.loads(run_cli("status", "--json").stdout)["open"][0]
    assert row["procedure_file"] == "changed"
    assert "* procedure file changed since it started" in run_cli("status", "--lang", "en").stdout
    resumed = run_cli(
        "step", ident, "--set", "visitor_name=Lee", "--set", "visitor_kind=other", "--lang", "en"
    )
    assert resumed.exit_code == 0
    assert (
        "was changed after this instance started; it keeps running on the text it started with"
        in resumed.stderr
    )
    copy.unlink()
    assert json.loads(run_cli("status", "--json").stdout)["open"][0]["procedure_file"] == "removed"
    finished = run_cli("step", ident, "--json")
    assert finished.exit_code == 0 and last_json(finished)["status"] == "finished"
    assert run_cli("verify", ident).exit_code == 0


def test_a_procedure_with_errors_cannot_be_started(run_cli: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        Path(VISITOR).read_text(encoding="utf-8").replace("next: inquire", "next: inquir"), encoding="utf-8"
    )
    result = run_cli("run", str(bad))
    assert result.exit_code == 1
    assert "target state 'inquir' does not exist; did you mean 'inquire'? [P001]" in result.stderr
    assert result.stderr.strip().endswith(f"see `procflow validate {bad}`")


def test_sub_procedures_run_inside_one_instance(db_backend: str, run_cli: Run, tmp_path: Path) -> None:
    text = "answers: {guests: 2, caller: 林小姐, urgent: no}\nmoves: [close]\n"
    result = run_cli(
        "run", "sample-shift", "--dir", RUN_DIR, "--answers", answers_file(tmp_path, text), "--json"
    )
    assert result.exit_code == 0, result.output
    data = last_json(result)
    assert data["path"] == [
        "open_desk",
        "phone",
        "phone>greet",
        "phone>ask_caller",
        "phone>take_message",
        "phone>noted",
        "close_desk",
        "closed",
    ]
    assert data["answers"] == {"guests": 2, "caller": "林小姐", "urgent": False}
    history = run_cli("history", data["instance"], "--lang", "en").stdout
    assert "Caller = •••" in history and "林小姐" not in history
    assert "林小姐" in run_cli("history", data["instance"], "--show-pii").stdout


def test_verify_finds_a_snapshot_that_does_not_match_its_events(run_cli: Run, tmp_path: Path) -> None:
    ident = start(run_cli, tmp_path, FULL)
    assert run_cli("verify", "--json").stdout.strip() == json.dumps(
        {"checked": 1, "integrity": "ok", "mismatches": [], "ok": True}
    )
    db = sqlite3.connect(os.environ["PROCFLOW_DB"])
    db.execute(
        "UPDATE instances SET snapshot = json_set(snapshot, '$.frames[0].answers.visitor_kind', 'courier')"
    )
    db.commit()
    db.close()
    result = run_cli("verify")
    assert result.exit_code == 1
    assert (
        f"{ident}: its snapshot differs from its events at 'frames[0].answers.visitor_kind' "
        '(stored "courier", from events "interviewee")'
    ) in result.stdout


def test_database_faults_get_one_sentence_and_their_own_exit_code(run_cli: Run, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n", encoding="utf-8")
    result = run_cli("status", "--db", str(text))
    assert result.exit_code == 9
    assert result.stderr == f"procflow: '{text}' is not a procflow database (not an SQLite file)\n"
    newer = tmp_path / "newer.db"
    sqlite3.connect(newer).execute(f"PRAGMA user_version = {LATEST + 5}")
    result = run_cli("status", "--db", str(newer))
    assert result.exit_code == 9 and "written by a newer procflow" in result.stderr
    result = run_cli("status", "--db", str(tmp_path / "no" / "such" / "dir.db"))
    assert result.exit_code == 9 and "does not exist" in result.stderr


def test_a_locked_database_is_exit_8(run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ident = start(run_cli, tmp_path)
    monkeypatch.setenv("PROCFLOW_LOCK_TIMEOUT", "0.2")
    blocker = sqlite3.connect(os.environ["PROCFLOW_DB"], isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        result = run_cli("step", ident, "--set", "visitor_name=Lee")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert result.exit_code == 8
    assert result.stderr.strip().endswith("is locked by another process; tried for 0.2 s")
    assert run_cli("step", ident, "--set", "visitor_name=Lee").exit_code == 0


def test_the_actor_is_recorded(
    db_backend: str, run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ident = start(run_cli, tmp_path)
    run_cli("step", ident, "--set", "visitor_name=Lee", "--as", "mei")
    monkeypatch.delenv("PROCFLOW_USER")
    run_cli("step", ident, "--set", "visitor_kind=other")
    actors = [e["actor"] for e in json.loads(run_cli("history", ident, "--json").stdout)["events"]]
    assert actors[0] == "tester" and "mei" in actors and actors[-1] not in ("tester", "mei")


def test_chinese_screens(run_cli: Run) -> None:
    result = run_cli("run", VISITOR, "--lang", "zh-Hant", input="\n")
    assert "── 來訪者接待 › 起立 ──" in result.stdout
    assert "前臺 · 第 1 步 · 距結束至少 3 步" in result.stdout
    assert "procflow: 輸入已結束" in result.stderr and "保持開啟" in result.stderr


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "\x1b[" in Screen("en", color=True).style("Say", bold=True)
    assert Screen("en", color=False).style("Say", bold=True) == "Say"
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not Screen("en").color
    monkeypatch.delenv("NO_COLOR")
    assert Screen("en").color


def test_a_json_answers_file(run_cli: Run) -> None:
    path = str(Path(__file__).parent.parent / "docs" / "examples" / "run" / "visitor-skip.json")
    data = last_json(run_cli("run", VISITOR, "--answers", path, "--json"))
    assert data["status"] == "finished" and data["answers"] == {
        "visitor_name": "Ms Lin",
        "visitor_kind": "other",
    }
    assert data["path"] == ["stand", "inquire", "see_off", "done"]
