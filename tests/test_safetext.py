"""Text from outside: what cannot be stored is refused with a reason, and what is printed can
never drive the terminal (escape sequences, OSC, C1 controls, bidi overrides, bad bytes)."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from procflow.engine.base.errors import EXIT_USAGE
from procflow.engine.base.safetext import BIDI_CONTROLS, unstorable, visible

HOSTILE = [
    "\x1b[2J",
    "\x1b]0;owned\x07",
    "\x1b]52;c;Zm9v\x07",
    "\x9b31m",
    "\u202eevil",
    "\x00",
    "\x7f",
    "\udce7",
]


@given(st.text())
def test_visible_text_holds_no_control_character(text: str) -> None:
    shown = visible(text)
    for char in shown:
        assert char in "\n\t" or (
            unicodedata.category(char) not in ("Cc", "Cs") and char not in BIDI_CONTROLS
        )


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))))
def test_ordinary_text_is_left_alone(text: str) -> None:
    if not any(c in BIDI_CONTROLS for c in text):
        assert visible(text) == text and unstorable(text) is None


def test_each_hostile_sequence_is_refused_at_input_and_inert_on_output() -> None:
    for sample in HOSTILE:
        assert unstorable(f"王小明{sample}") is not None
        assert not any(c in visible(sample) for c in "\x1b\x07\x9b\x00\x7f\u202e\udce7")
    assert visible("a\x1b[2Jb") == "a\\x1b[2Jb" and visible("x\u202ey") == "x\\u202ey"


def test_an_actor_name_that_cannot_be_recorded_is_one_line_and_exit_2(tmp_path: Path) -> None:
    visitor = Path(__file__).parent / "fixtures" / "valid" / "visitor.yaml"
    for name in (b"\xe7\x8e\x8b\xff", b"bob\x1b]0;owned\x07"):
        env = {**os.environ, "PROCFLOW_DB": str(tmp_path / "db")}
        run = subprocess.run(
            [sys.executable, "-c", "from procflow import cli; cli.main()", "run", str(visitor)],
            env={k.encode(): v.encode("utf-8", "surrogateescape") for k, v in env.items()}
            | {b"PROCFLOW_USER": name},
            capture_output=True,
            input=b"",
            check=False,
        )
        assert run.returncode == EXIT_USAGE, run.stderr
        message = run.stderr.decode("utf-8", "replace")
        assert message.count("\n") == 1 and "cannot be recorded" in message and "\x1b" not in message
