"""The operator's terminal through the front door (issue 10): the key words and their escape,
pausing, refused control text, deadlines counted down and breaches announced (on screen and in
--json), lines wrapped by display width, and a line editor that only a terminal loads."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import given
from hypothesis import strategies as st
from procflow.engine.base.width import display_width
from procflow.terminal.prompt import ChoiceCompleter
from procflow.terminal.wrap import CLOSING, wrap
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

REPO = Path(__file__).resolve().parent.parent
VISITOR = str(REPO / "tests" / "fixtures" / "valid" / "visitor.yaml")
Run = Callable[..., Result]


def last_json(result: Result) -> dict:
    return json.loads([line for line in result.stdout.splitlines() if line.strip()][-1])


# --- key words -------------------------------------------------------------------------------


def test_a_backslash_types_a_key_word_as_an_answer(run_cli: Run) -> None:
    result = run_cli("run", VISITOR, "--lang", "en", "--json", input="y\n\\?\n\\back\nback\n\\q\n2\n\n\n")
    assert result.exit_code == 0, result.output
    # `\?` answered the name; `\back` was refused as a kind; `back` went to the name again,
    # where `\q` answered it
    assert last_json(result)["answers"] == {"visitor_name": "q", "visitor_kind": "courier"}
    assert "   > \\back\n   ! " in result.stdout  # refused as an answer, asked again


def test_back_keeps_the_answer_when_enter_is_pressed(run_cli: Run) -> None:
    result = run_cli("run", VISITOR, "--lang", "en", "--json", input="y\nLee\nback\n\n1\ny\n1\n\n")
    assert "(was: Lee; edit it, or Enter keeps it)" in result.stdout
    assert last_json(result)["answers"]["visitor_name"] == "Lee"


def test_the_answer_to_edit_survives_a_look_at_the_keys(run_cli: Run) -> None:
    result = run_cli("run", VISITOR, "--lang", "en", "--json", input="y\nLee\nback\n?\n\n1\ny\n1\n\n")
    assert result.stdout.count("(was: Lee; edit it, or Enter keeps it)") == 2
    assert last_json(result)["answers"]["visitor_name"] == "Lee"


def test_back_from_a_skip_reason_returns_to_its_item(run_cli: Run) -> None:
    result = run_cli("run", VISITOR, "--lang", "en", "--json", input="s\nback\ny\nq\n")
    assert result.exit_code == 0
    history = json.loads(run_cli("history", "last", "--json").stdout)
    assert [e["kind"] for e in history["events"]][:2] == ["start", "check"]  # checked, not skipped


def test_q_pauses_cleanly_and_resume_goes_on(run_cli: Run) -> None:
    paused = run_cli("run", VISITOR, "--lang", "en", "--json", input="y\nq\n")
    assert paused.exit_code == 0
    data = last_json(paused)
    assert data["stopped"] == "paused" and data["status"] == "open" and data["state"] == "inquire"
    assert "procflow: paused" in paused.stderr and "procflow resume" in paused.stderr
    resumed = run_cli("resume", data["instance"], "--lang", "en", "--json", input="Lee\n2\n\n\n")
    assert last_json(resumed)["status"] == "finished"


def test_help_lists_the_keys_in_the_run_language(run_cli: Run) -> None:
    result = run_cli("run", VISITOR, "--lang", "zh-Hant", input="？\nq\n")
    assert "按鍵(任何提示下均可輸入)" in result.stdout and "q         暫停" in result.stdout


# --- text that cannot be recorded ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("Lee\x1b[D", "'\\x1b[D' is a terminal escape sequence"),
        ("Lee\x1b]52;c;Zm9v\x07", "'\\x1b]52;c;Zm9v\\x07' is a terminal escape sequence"),
        ("\u202eLee", "the direction override U+202E"),
        ("Le\x00e", "the control character U+0000"),
    ],
)
def test_control_text_is_refused_and_asked_again(run_cli: Run, typed: str, said: str) -> None:
    result = run_cli("run", VISITOR, "--lang", "en", "--json", input=f"y\n{typed}\nLee\n2\n\n\n")
    assert said in result.stdout
    assert last_json(result)["answers"]["visitor_name"] == "Lee"
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout


def test_a_skip_reason_with_an_escape_sequence_is_refused(run_cli: Run) -> None:
    result = run_cli("run", VISITOR, "--lang", "en", input="s\nbusy\x1b[2J\nbusy\nq\n")
    assert "'\\x1b[2J' is a terminal escape sequence" in result.stdout
    history = json.loads(run_cli("history", "last", "--json").stdout)
    skipped = [e for e in history["events"] if e["kind"] == "skip"]
    assert skipped and "\x1b" not in json.dumps(skipped)


# --- deadlines ------------------------------------------------------------------------------


def test_a_breach_is_announced_at_once_and_listed_in_json(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T09:00:00+08:00")
    ident = last_json(run_cli("run", VISITOR, "--lang", "en", "--json", input="q\n"))["instance"]
    ident2 = last_json(run_cli("run", VISITOR, "--lang", "en", "--json", input="q\n"))["instance"]
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T09:03:30+08:00")
    shown = run_cli("resume", ident, "--lang", "en", input="y\nq\n")  # announced as the step is saved
    assert "! deadline missed: Stand up, late by 2m 30s (recorded as a breach)" in shown.stdout
    data = last_json(run_cli("step", ident2, "--check", "stand_up", "--json"))
    assert data["breaches"] == [
        {"deadline": "greet", "due": "2026-03-09T09:01:00+08:00", "late": 150, "state": "stand"}
    ]


def test_the_time_left_is_shown_and_turns_late(run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T09:00:00+08:00")
    assert "due: Stand up · by 09:01 · 1m left" in run_cli("run", VISITOR, "--lang", "en", input="q\n").stdout
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T09:00:20+08:00")
    shown = run_cli("resume", "last", "--lang", "en", input="q\n").stdout
    assert "due: Stand up · by 09:01 · 40s left" in shown
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T09:02:31+08:00")
    shown = run_cli("resume", "last", "--lang", "zh-Hant", input="q\n").stdout
    assert "時限: 起立 · 09:01 前 · 已逾時 1分鐘31秒" in shown


# --- wrapping -------------------------------------------------------------------------------


def test_a_narrow_screen_wraps_with_a_hanging_indent(run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROCFLOW_WIDTH", "30")
    lines = run_cli("run", VISITOR, "--lang", "zh-Hant", input="q\n").stdout.splitlines()
    assert all(display_width(line) <= 30 for line in lines if "Enter" not in line), lines  # not the prompt
    item = next(n for n, line in enumerate(lines) if line.startswith("   [ ] 1. 立即起立"))
    assert lines[item + 1].startswith(" " * 10) and lines[item + 1][10] != " "
    assert not any(line.strip()[:1] in CLOSING for line in lines if line.strip())


@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
def test_the_list_of_keys_wraps_under_each_key_s_text(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("PROCFLOW_WIDTH", "50")
    lines = run_cli("run", VISITOR, "--lang", lang, input="?\nq\n").stdout.splitlines()
    rows = [n for n, line in enumerate(lines) if line.startswith(("     \\?", "     Ctrl-C"))]
    assert len(rows) == 2, lines
    for row in rows:  # continued under the text of its row, at column 15, not under the key
        assert lines[row + 1].startswith(" " * 15) and lines[row + 1][15] != " ", lines[row : row + 2]
    assert wrap("   ? a question long enough to wrap at twenty", 20)[1] == "     enough to wrap"  # as before
    # a hand-over note goes on under its text, not under the arrow
    assert wrap("   ↳ handed over by eve: the visitor waits", 30) == [
        "   ↳ handed over by eve: the",
        "     visitor waits",
    ]


def test_wrapping_keeps_words_whole_and_closing_punctuation_attached() -> None:
    assert wrap("   ! the visitor supercalifragilistic waits", 20) == [
        "   ! the visitor",
        "     supercalifragilistic",
        "     waits",
    ]
    assert wrap("   ┃ 您好,華僑賓館,請問您找哪一位?", 22) == ["   ┃ 您好,華僑賓館,請", "     問您找哪一位?"]
    # 位 takes its closing 。」 with it to the next line: no line starts with them
    assert wrap("   ┃ 請問您找哪一位。」好", 21) == ["   ┃ 請問您找哪一", "     位。」好"]
    assert wrap("短句", 40) == ["短句"] and wrap("no width", None) == ["no width"]


words = st.lists(
    st.one_of(
        st.text(alphabet="abcdefghij", min_size=1, max_size=12),
        st.text(alphabet="王小明來訪者接待", min_size=1, max_size=6),
        st.sampled_from(["。", ",", "、", "」", "「", "."]),
    ),
    max_size=30,
)


@given(words, st.integers(min_value=20, max_value=60))
def test_wrapped_lines_fit_and_lose_nothing(parts: list[str], width: int) -> None:
    line = "   [ ] 1. " + " ".join(parts)
    wrapped = wrap(line, width)
    assert "".join(wrapped).replace(" ", "") == line.replace(" ", "")
    for piece in wrapped[1:]:
        assert piece.startswith(" " * 10)
        assert piece.strip()[:1] not in CLOSING
    for piece in wrapped:
        words_in = piece.split()
        # only one unit wider than the line overflows: a word with the closing marks after it
        assert display_width(piece) <= width or all(w[0] in CLOSING for w in words_in[1:])


# --- the line editor --------------------------------------------------------------------------


def test_choices_complete_by_number_id_or_label() -> None:
    completer = ChoiceCompleter([("1", "interviewee", "面試者"), ("2", "courier", "快遞人員")])

    def offered(typed: str) -> list[str]:
        return [c.text for c in completer.get_completions(Document(typed), CompleteEvent())]

    assert offered("2") == ["快遞人員"] and offered("cou") == ["快遞人員"] and offered("面") == ["面試者"]
    assert offered("") == ["面試者", "快遞人員"]


@pytest.mark.parametrize("args", [["--help"], ["status"], ["run", VISITOR, "--lang", "en"]])
def test_only_a_terminal_loads_the_line_editor(args: list[str], tmp_path: Path) -> None:
    code = (
        "import sys\nfrom procflow import cli\n"
        f"try:\n    cli.cli.main({args!r}, prog_name='procflow')\nexcept SystemExit:\n    pass\n"
        "print('prompt_toolkit' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        input="q\n",
        capture_output=True,
        text=True,
        env={"PROCFLOW_DB": str(tmp_path / "x.db"), "PROCFLOW_USER": "t", "PATH": "/usr/bin:/bin"},
    )
    assert done.stderr.strip().splitlines()[-1] == "False", done.stderr


# --- every other place that prints stored text ------------------------------------------------


def test_agenda_and_report_show_stored_text_inert(run_cli: Run, tmp_path: Path) -> None:
    """A due row and a violation whose every text is hostile (as an older procflow could have
    stored them) reach `agenda` and `report` inert, as text, JSON and CSV."""
    from procflow.engine.store.sqlite import SQLiteStore
    from test_inert_output import EVIL, VISITOR_ID, raw_controls

    visitor = Path(VISITOR)
    with SQLiteStore(tmp_path / "procflow.db") as store:
        store.start_instance(
            procedure_id=VISITOR_ID,
            pins={VISITOR_ID: (str(visitor), visitor.read_bytes())},
            snapshot={"state": "a"},
            state=f"a{EVIL}",
            status="open",
            role=f"desk{EVIL}",
            events=[{"kind": "start", "to": "a"}],
            actor=f"eve{EVIL}",
            at="2026-03-09T01:00:00.000000Z",
            due=[
                (f"p{EVIL}", f"a{EVIL}", f"d{EVIL}", "within", "2026-03-09T01:00:00.000000Z", None, "r",
                 json.dumps({"en": EVIL, "zh-Hant": EVIL})),
            ],
        )  # fmt: skip
        store.record_violation(
            person=f"eve{EVIL}",
            rule=f"r{EVIL}",
            procedure="p",
            at="2026-03-09T01:00:00.000000Z",
            note=EVIL,
            recorded_by="x",
            recorded_at="2026-03-09T01:00:00.000000Z",
        )
    for args in (
        ["agenda", "--at", "2026-03-09T09:00+08:00", "--lang", "en"],
        ["agenda", "--at", "2026-03-09T09:00+08:00", "--json"],
        ["report", "--month", "2026-03", "--lang", "en"],
        ["report", "--month", "2026-03", "--format", "json"],
        ["report", "--month", "2026-03", "--format", "csv"],
    ):
        shown = run_cli(*args)
        assert shown.exit_code == 0, shown.output
        assert not raw_controls(shown.output), (args, shown.output)
        assert "\\x1b" in shown.output or "\\u001b" in shown.output, args  # shown, not dropped
