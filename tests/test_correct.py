"""`procflow correct ID FIELD [VALUE] --reason TEXT`: a correction is an event of its own with
its reason; the original stays in history; routing already taken is never rewritten, and when the
corrected answer would have routed elsewhere it is said on screen, in --json and in the event;
replay and verify handle it; reports count nothing from it; every refusal has its exit code."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from procflow.engine.base.errors import (
    EXIT_INVALID_ANSWER,
    EXIT_NOT_FOUND,
    EXIT_ROLE,
    EXIT_USAGE,
)

FIXTURES = Path(__file__).parent / "fixtures"
RUN_DIR = str(FIXTURES / "run")
SITE = str(FIXTURES / "people" / "site.yaml")
Run = Callable[..., Result]
# the whole shift up to its last choice: two guests, Ms Lin not urgent, the message skipped
TO_CLOSE = "y\n\n2\n\nMs Lin\nno\ns\nno pen at hand\n\n"


@pytest.fixture
def shift(run_cli: Run) -> str:
    started = run_cli("run", "sample-shift", "--dir", RUN_DIR, "--lang", "en", input=TO_CLOSE)
    return started.stdout.split("instance ", 1)[1][:6]


def events(run_cli: Run, ident: str) -> list[dict]:
    return json.loads(run_cli("history", ident, "--json", "--show-pii").stdout)["events"]


def test_a_correction_keeps_the_original_and_says_the_route_taken_stands(
    db_backend: str, run_cli: Run, shift: str
) -> None:
    done = run_cli("correct", shift, "urgent", "yes", "--reason", "she said it was urgent", "--lang", "en")
    assert done.exit_code == 0, done.output
    assert done.stdout == (
        f"instance {shift}: 'Urgent?' corrected from 'no' to 'yes'\n"
        "   reason: she said it was urgent\n"
        "   with the corrected answer, it would have gone from 'Ask what they need' to 'Transfer', "
        "not to 'Take a message'; the route taken stands (recorded with the correction)\n"
    )
    log = events(run_cli, shift)
    original = next(e for e in log if e["kind"] == "answer" and "urgent" in e["answers"])
    assert original["answers"]["urgent"] is False  # the original stays
    last = log[-1]
    assert (last["kind"], last["answers"], last["note"], last["was"]) == (
        "correct",
        {"urgent": True},
        "she said it was urgent",
        False,
    )
    assert (last["how"], last["taken"], last["would"], last["rerouted"]) == (
        "route",
        "take_message",
        "transfer",
        True,
    )
    assert (last["answered"], last["from"]) == (original["seq"], "phone>ask_caller")
    status = json.loads(run_cli("history", shift, "--json").stdout)
    assert status["state"] == "close_desk"  # where it went is not rewritten
    assert run_cli("verify", shift).exit_code == 0
    text = run_cli("history", shift, "--lang", "en").stdout
    assert "correct  Urgent?: no → yes (answered in event" in text
    assert "would have gone to Transfer, not Take a message (stands)" in text
    ids = run_cli("history", shift, "--lang", "en", "--ids").stdout
    assert "correct  urgent: False → True (answered in event" in ids
    assert "would have gone to transfer, not take_message (stands)" in ids


def test_a_correction_in_json_and_a_correction_of_a_correction(run_cli: Run, shift: str) -> None:
    first = json.loads(run_cli("correct", shift, "guests", "3", "--reason", "miscounted", "--json").stdout)
    assert first == {
        "instance": shift,
        "field": "guests",
        "was": 2,
        "value": 3,
        "reason": "miscounted",
        "state": "open_desk",
        "seq": first["seq"],
        "routing": {"how": "route", "taken": "phone", "rerouted": False, "would": "phone"},
    }
    again = json.loads(run_cli("correct", shift, "guests", "4", "--reason", "one more", "--json").stdout)
    assert (again["was"], again["value"], again["seq"]) == (3, 4, first["seq"] + 1)
    same = run_cli("correct", shift, "guests", "4", "--reason", "again", "--lang", "en")
    assert same.exit_code == EXIT_INVALID_ANSWER
    assert "'4' is already the answer recorded for 'Number of guests': nothing to correct" in same.stderr
    same = run_cli("correct", shift, "guests", "4", "--reason", "again", "--lang", "zh-Hant", "--ids")
    assert "「4」已是「guests」記錄的答案,無須更正" in same.stderr
    same = run_cli("correct", shift, "guests", "4", "--reason", "again", "--json")
    assert "answer '4' for 'guests' is already the one recorded; nothing to correct" in same.stderr
    data = json.loads(run_cli("step", shift, "--move", "close", "--json").stdout)
    assert data["answers"]["guests"] == 4  # the answers read the correction


def test_what_reads_the_answer_from_now_on_reads_the_correction(run_cli: Run, shift: str) -> None:
    assert run_cli("correct", shift, "guests", "0", "--reason", "nobody came").exit_code == 0
    refused = run_cli("step", shift, "--move", "reopen")  # `when: guests > 0`
    assert refused.exit_code == 6, refused.output
    assert run_cli("step", shift, "--move", "close").exit_code == 0
    late = run_cli("correct", shift, "handover_note", "all quiet", "--reason", "x")
    assert late.exit_code == EXIT_NOT_FOUND  # left unanswered: nothing to correct
    finished = run_cli("correct", shift, "guests", "1", "--reason", "one walked in", "--lang", "en")
    assert finished.exit_code == 0, finished.output  # a finished record can be corrected too
    assert run_cli("verify").exit_code == 0


def test_refusals_have_their_exit_codes(run_cli: Run, shift: str) -> None:
    unknown = run_cli("correct", "zzzzzz", "guests", "3", "--reason", "x")
    assert unknown.exit_code == EXIT_NOT_FOUND and "unknown instance 'zzzzzz'" in unknown.stderr
    field = run_cli("correct", shift, "gusts", "3", "--reason", "x")
    assert field.exit_code == EXIT_NOT_FOUND
    assert f"unknown field 'gusts' in instance '{shift}'; did you mean 'guests'?" in field.stderr
    bad = run_cli(
        "correct", shift, "guests", "--reason", "x", "--lang", "en", "--", "-1"
    )  # `--`: a value that looks like an option
    assert bad.exit_code == EXIT_INVALID_ANSWER  # said as a run says it: no id but with --ids
    assert bad.stderr == "procflow: '-1' is not a valid answer; expected a whole number of at least 0\n"
    bad = run_cli("correct", shift, "guests", "--reason", "x", "--json", "--", "-1")
    assert "answer '-1' for 'guests' is not valid; expected a whole number of at least 0" in bad.stderr
    assert run_cli("correct", shift, "guests", "3").exit_code == EXIT_USAGE  # --reason is required
    novalue = run_cli("correct", shift, "guests", "--reason", "x", input="")
    assert novalue.exit_code == EXIT_USAGE and "give the corrected value" in novalue.stderr
    assert [e["kind"] for e in events(run_cli, shift)].count("correct") == 0  # nothing recorded


def test_a_correction_needs_the_role_of_the_state_the_answer_was_given_in(run_cli: Run) -> None:
    started = run_cli(
        "--site", SITE, "run", "sample-interview", "--dir", str(FIXTURES / "people"), "--as", "amy",
        "--lang", "en", input="王小明\n",
    )  # fmt: skip
    ident = started.stdout.split("instance ", 1)[1][:6]
    refused = run_cli(
        "--site", SITE, "correct", ident, "candidate", "王曉明", "--reason", "typo", "--as", "hana",
        "--json",
    )  # fmt: skip
    assert refused.exit_code == EXIT_ROLE, refused.output
    assert "role 'front_desk' of state 'greet' is held by amy, ruth, not by 'hana'" in refused.stderr
    fixed = run_cli(
        "--site", SITE, "correct", ident, "candidate", "王曉明", "--reason", "typo", "--as", "ruth"
    )
    assert fixed.exit_code == 0, fixed.output


def test_reports_count_nothing_from_a_correction(run_cli: Run, shift: str) -> None:
    before = run_cli("violation", "list", "--json").stdout
    assert run_cli("correct", shift, "urgent", "yes", "--reason", "urgent after all").exit_code == 0
    assert run_cli("violation", "list", "--json").stdout == before


def test_a_correction_is_shown_in_chinese(run_cli: Run, shift: str) -> None:
    done = run_cli("correct", shift, "urgent", "yes", "--reason", "其實很急", "--lang", "zh-Hant")
    assert done.stdout.splitlines() == [
        f"實例 {shift}:「是否緊急」已由「否」更正為「是」",
        "   原因:其實很急",
        "   依更正後的答案,本應從「詢問來意」轉往「轉接」,而非「記錄留言」;已走的路線不變(已隨更正記錄)",
    ]
    ids = run_cli("correct", shift, "guests", "3", "--reason", "數錯了", "--lang", "zh-Hant", "--ids")
    assert ids.stdout.splitlines() == [f"實例 {shift}:「guests」已由「2」更正為「3」", "   原因:數錯了"]
    rerouted = run_cli("correct", shift, "urgent", "no", "--reason", "x", "--lang", "zh-Hant", "--ids")
    assert rerouted.stdout.splitlines()[0] == f"實例 {shift}:「urgent」已由「True」更正為「False」"
    history = run_cli("history", shift, "--lang", "zh-Hant").stdout
    assert (
        "更正  是否緊急:否 → 是(更正第 7 項事件的答案):其實很急;本應轉往「轉接」,而非「記錄留言」(不變)"
        in history
    )
    assert "更正  來賓人數:2 → 3(更正第 2 項事件的答案):數錯了" in history


PROCFLOW = Path(sys.executable).with_name("procflow")


@pytest.mark.slow
@pytest.mark.skipif(
    sys.platform == "win32" or not PROCFLOW.exists(), reason="needs a POSIX pty and the script"
)
def test_on_a_terminal_a_missing_value_is_asked_for(run_cli: Run, shift: str) -> None:
    import pty
    import select
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "PROCFLOW_PATH"}
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [str(PROCFLOW), "correct", shift, "guests", "--reason", "miscounted", "--lang", "en"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 30
    while b"corrected answer for Number of guests > " not in seen:
        assert time.monotonic() < deadline, seen.decode(errors="replace")
        if select.select([master], [], [], 0.5)[0]:
            seen += os.read(master, 4096)
    os.write(master, b"5\n")
    assert process.wait(timeout=30) == 0
    os.close(master)
    assert events(run_cli, shift)[-1]["answers"] == {"guests": 5}
