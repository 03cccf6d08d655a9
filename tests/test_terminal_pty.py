"""The console script on a pseudo-terminal (pexpect), typed at as an operator types: arrows,
Home/End, Tab, backspace over Chinese, `back`, Ctrl-C; then the store is read back to prove
that what the screen showed is what was saved (no raw escape sequence, no half character)."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pyte
import pytest

REPO = Path(__file__).resolve().parent.parent
PROCFLOW = Path(sys.executable).with_name("procflow")
VISITOR = "tests/fixtures/valid/visitor.yaml"
LEFT, END, HOME, BACKSPACE, CTRL_C = "\x1b[D", "\x1b[F", "\x1b[H", "\x7f", "\x03"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32" or not PROCFLOW.exists(), reason="needs a POSIX pty"),
]


def environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "PROCFLOW_PATH", "COLUMNS")}
    env.update(
        PROCFLOW_DB=str(tmp_path / "pty.db"),
        PROCFLOW_USER="tty",
        PROCFLOW_NOW="2026-03-09T09:00:00+08:00",
        PROCFLOW_CACHE_DIR=str(tmp_path / "cache"),
        TERM="xterm",
        NO_COLOR="1",
    )
    return env


class Terminal:
    """procflow on a pseudo-terminal of 24 by 80 that answers the line editor's question of
    where the cursor is (CPR), as a real terminal does; `lines()` is the screen as a terminal
    emulator (pyte) draws what was written."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.child = pexpect.spawn(
            str(PROCFLOW), args, env=env, cwd=str(REPO), encoding="utf-8", timeout=30, dimensions=(24, 80)
        )
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.Stream(self.screen)
        self.log = io.StringIO()
        self.child.logfile_read = self.log
        self.fed = 0

    def expect(self, pattern: object) -> None:
        while self.child.expect([r"\x1b\[6n", pattern]) == 0:
            self.child.send("\x1b[10;1R")

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def lines(self, wait: float = 1.5) -> list[str]:
        """The screen after `wait` seconds more of output."""
        try:
            self.child.expect(r"\x1b\[6n", timeout=wait)
            self.child.send("\x1b[10;1R")
        except pexpect.TIMEOUT:
            pass
        written = self.log.getvalue()
        self.stream.feed(written[self.fed :])
        self.fed = len(written)
        return [line.rstrip() for line in self.screen.display]

    def end(self) -> int:
        self.expect(pexpect.EOF)
        self.child.close()
        return int(self.child.exitstatus)


def stored(env: dict[str, str]) -> dict[str, object]:
    shown = subprocess.run(
        [str(PROCFLOW), "history", "last", "--json", "--show-pii"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(shown.stdout)


def answers(history: dict[str, object]) -> dict[str, object]:
    found: dict[str, object] = {}
    for event in history["events"]:  # type: ignore[attr-defined]
        found.update(event["answers"] or {})
    return found


def test_keys_edit_chinese_and_ctrl_c_keeps_what_was_saved(tmp_path: Path) -> None:
    env = environment(tmp_path)
    child = Terminal(["run", VISITOR, "--lang", "zh-Hant"], env)
    child.expect("起立: 尚餘 1分鐘 · back 上一題")  # the bottom toolbar: the time left, the keys
    child.send("y\r")
    child.expect("貴姓")
    child.expect(">")
    # 王明, ← to put 小 between, End, 先, then backspace over the wide 先
    child.send(f"王明{LEFT}小{END}先{BACKSPACE}")
    typed = next(line for line in child.lines() if line.startswith("   > "))
    assert typed == "   > 王小明", typed  # the wide 先 erased whole: nothing left of it on screen
    child.send("\r")
    child.expect("來訪類別")
    child.expect(">")
    child.send("back\r")  # the name again, ready to edit: Home, then the family name replaced
    child.expect("貴姓")
    child.send(f"{HOME}\x1b[3~李\r")  # Delete the first character, type another
    child.expect("來訪類別")
    child.send("快\t\r")  # Tab completes the one option starting so
    child.expect("完成了嗎")
    child.send(CTRL_C)
    child.expect("已中斷")
    assert child.end() == 130
    history = stored(env)
    assert answers(history) == {"visitor_name": "李小明", "visitor_kind": "courier"}
    assert history["status"] == "open" and history["state"] == "sign_parcel"


def test_arrow_keys_never_reach_the_record_and_q_pauses(tmp_path: Path) -> None:
    env = environment(tmp_path)
    child = Terminal(["run", VISITOR, "--lang", "en"], env)
    child.expect(r"done\?")
    child.send("y\r")
    child.expect("Visitor's name")
    child.send(f"Le{LEFT}{LEFT}{END}e Mei\x1bb\x1bb{HOME}Ms \r")  # word motions too
    child.expect("Kind of visitor")
    child.send("\\?\r")  # a literal '?' is an answer, not the keys: refused as a choice
    child.expect(r"is not (a )?valid")
    child.send("?\r")  # the keys
    child.expect("pause: stop here")
    child.send("2\r")
    child.expect(r"done\?")
    child.send("q\r")
    child.expect("paused")
    assert child.end() == 0
    history = stored(env)
    assert history["status"] == "open" and history["state"] == "sign_parcel"
    assert answers(history) == {"visitor_name": "Ms Lee Mei", "visitor_kind": "courier"}
    events = json.dumps(history, ensure_ascii=False)
    assert "\\u001b" not in events and "[D" not in events


def test_at_80_columns_no_line_cuts_a_word_the_keys_and_the_resume_command_included(tmp_path: Path) -> None:
    env = environment(tmp_path)
    child = Terminal(["run", VISITOR, "--lang", "en"], env)
    child.expect(r"done\?")
    child.send("?\r")  # the keys: their longest rows wrap under their text
    child.expect("Tab a")
    child.send("q\r")
    child.expect("paused")
    assert child.end() == 0
    child.stream.feed(child.log.getvalue()[child.fed :])  # all it wrote, as the terminal drew it
    screen = [line.rstrip() for line in child.screen.display]
    row = next(n for n, line in enumerate(screen) if line.startswith("     \\?"))
    assert screen[row + 1].startswith(" " * 15 + "\\back"), screen[row : row + 2]
    # the last line said where the instance stays and how to resume it: wrapped at a blank,
    # under its text, the command's words whole (a terminal would cut "resum|e" at column 80)
    end = next(n for n, line in enumerate(screen) if "stays open at" in line)
    words = " ".join(line.strip() for line in screen[end : end + 2]).split()
    assert words[-3:-1] == ["procflow", "resume"] and screen[end + 1].startswith(" " * 10 + "resume")


def test_the_time_left_counts_down_live_in_the_toolbar(tmp_path: Path) -> None:
    env = environment(tmp_path)
    del env["PROCFLOW_NOW"]  # the real clock: the toolbar is redrawn every second
    child = Terminal(["run", VISITOR, "--lang", "en"], env)
    child.expect(r"done\?")
    for _ in range(40):  # the toolbar comes with the line editor, which loads behind the prompt
        if any("Stand up:" in line for line in child.lines(0.5)):
            break

    def left() -> int:
        bottom = [line for line in child.lines() if "Stand up:" in line]
        assert bottom and re.search(r"Stand up: (\d+)s left · back previous", bottom[-1]), bottom
        return int(re.search(r"Stand up: (\d+)s left", bottom[-1]).group(1))  # type: ignore[union-attr]

    first = left()
    assert left() < first  # a second or more later, less time left, on the same screen
    child.send("q\r")
    child.expect("paused")
    assert child.end() == 0


def test_the_bench_times_the_first_prompt_piped_and_on_a_terminal() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "engine.py"), "--only", "f", "--starts", "1"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert "(f) `procflow run` start-up to the first prompt" in done.stdout
    assert re.search(r"on a terminal\s+\d+\.\d ms", done.stdout) and "goal: the first prompt" in done.stdout


def test_keys_typed_as_the_first_prompt_appears_reach_the_line_editor(tmp_path: Path) -> None:
    env = environment(tmp_path)
    child = Terminal(["run", VISITOR, "--lang", "en"], env)
    child.expect(r"done\?")  # on screen before the line editor has loaded
    child.send("s\r")  # typed at once: held, unechoed, for the editor, which shows it once
    child.expect("reason")
    child.send("busy\r")
    child.expect("Visitor's name")
    screen = child.lines()
    asked = [line for line in screen if "done?" in line]
    assert asked == ["   done? [Enter = yes, s = skip] s"], screen
    child.send(CTRL_C)
    assert child.end() == 130
    history = stored(env)  # the skip typed ahead, with its reason, is the first step
    assert history["state"] == "inquire" and '"busy"' in json.dumps(history["events"]), history
