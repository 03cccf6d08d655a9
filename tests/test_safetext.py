"""Text from outside: what cannot be stored is refused with a reason, and what is printed can
never drive the terminal (escape sequences, OSC, C1 controls, bidi overrides, bad bytes)."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from procflow.engine.base.errors import EXIT_USAGE, UsageError
from procflow.engine.base.safetext import BIDI_CONTROLS, unstorable, visible
from procflow.engine.desk.instances import refuse_unrecordable

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


# texts as operators and files give them: mostly ordinary, now and then a control, a bidi
# character, a lone surrogate, a backslash before a letter JSON escapes with
_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(max_codepoint=0x7F),
        st.sampled_from(["王", "\\", "\u202e", "\x9b", "\udce7", "\t", "\n"]),
    ),
    max_size=8,
)
_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), _TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_TEXT, inner, max_size=4)),
    max_leaves=12,
)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


@given(_VALUES)
def test_a_value_is_refused_exactly_when_one_of_its_strings_cannot_be_recorded(value: object) -> None:
    """Every step's events pass `refuse_unrecordable`, which lets a value through at a glance
    (from its JSON text) and walks only a suspect one: refused exactly when a string is."""
    refused = [s for s in _strings(value) if unstorable(s, allow="\t\n") is not None]
    if refused:
        with pytest.raises(UsageError, match="cannot be recorded"):
            refuse_unrecordable(value, "text")
    else:
        refuse_unrecordable(value, "text")


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
