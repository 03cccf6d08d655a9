"""What an older database or a colleague stored is printed inert: no escape sequence, OSC,
C1 control, BEL, NUL or bidi override that text holds reaches `history`, `status` or
`violation list`, as text or as JSON."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace as Node

import pytest
from click.testing import Result
from procflow.engine.base.safetext import BIDI_CONTROLS
from procflow.engine.store.sqlite import SQLiteStore, now
from procflow.terminal.screen import Screen

HOSTILE = [
    "\x1b[2J",  # clear the screen
    "\x1b]0;owned\x07",  # OSC 0: retitle the window
    "\x1b]52;c;Zm9v\x07",  # OSC 52: write the clipboard
    "\x9b31m",  # C1 CSI
    "bell\x07",
    "\u202eevil",  # right-to-left override
    "nul\x00",
    "del\x7f",
]
EVIL = "".join(HOSTILE)
VISITOR = Path(__file__).parent / "fixtures" / "valid" / "visitor.yaml"
VISITOR_ID = "sample-visitor"


def raw_controls(text: str) -> list[str]:
    """The characters in `text` that a terminal would obey (newline and tab are layout)."""
    return [
        c for c in text if c not in "\n\t" and (unicodedata.category(c) in ("Cc", "Cs") or c in BIDI_CONTROLS)
    ]


@pytest.fixture
def hostile_db(tmp_path: Path) -> str:
    """An instance and a violation whose every free text is hostile, written past the input
    checks (as an older procflow would have stored them)."""
    with SQLiteStore(tmp_path / "procflow.db") as store:
        actor = f"eve{EVIL}"
        started = store.start_instance(
            procedure_id=VISITOR_ID,
            pins={VISITOR_ID: (str(VISITOR), VISITOR.read_bytes())},
            snapshot={"state": "a"},
            state=f"a{EVIL}",
            status="open",
            role="desk",
            events=[{"kind": "start", "to": "a"}],
            actor=actor,
            at=now(),
        )
        store.append_step(
            started.id,
            1,
            snapshot={"state": "a"},
            state=f"a{EVIL}",
            status="open",
            role="desk",
            events=[
                {"kind": "answer", "from": "a", "to": "a", "answers": {"name": EVIL}},
                {"kind": "skip", "from": "a", "to": "a", "items": {"x": EVIL}},
                {"kind": "override", "from": "a", "to": "a", "reason": EVIL},
                {"kind": "note", "from": "a", "to": "a", "note": EVIL},
            ],
            actor=actor,
            at=now(),
        )
        store.record_violation(
            person=actor,
            rule=f"r{EVIL}",
            procedure="p",
            at=now(),
            note=EVIL,
            recorded_by=actor,
            recorded_at=now(),
        )
        return started.id


def assert_inert(result: Result) -> None:
    assert result.exit_code in (0, 1), result.output
    assert not raw_controls(result.output), repr(result.output)
    assert "\\x1b" in result.output or "\\u001b" in result.output  # shown, not dropped


def test_history_shows_stored_text_inert(run_cli: Callable[..., Result], hostile_db: str) -> None:
    assert_inert(run_cli("history", hostile_db, "--show-pii"))
    shown = run_cli("history", hostile_db, "--json", "--show-pii")
    assert_inert(shown)
    answers = [e["answers"] for e in json.loads(shown.output)["events"] if e["answers"]]
    assert answers == [{"name": EVIL}]  # JSON escapes, yet keeps the value exactly


def test_status_shows_stored_text_inert(run_cli: Callable[..., Result], hostile_db: str) -> None:
    assert_inert(run_cli("status"))
    assert_inert(run_cli("status", "--json"))


def test_violation_list_shows_stored_text_inert(run_cli: Callable[..., Result], hostile_db: str) -> None:
    assert_inert(run_cli("violation", "list"))
    shown = run_cli("violation", "list", "--json")
    assert_inert(shown)
    assert EVIL in [v["note"] for v in json.loads(shown.output)]


# A procedure text with a control character is refused by `validate`, wherever it is -----------

PLACES = {
    "procedure title": "en: Visitor reception}",
    "option label": "courier: {zh-Hant: 快遞人員, en: Courier}",
    "role title": "hr: {zh-Hant: 人力部, en: HR}",
    "move label": "en: HR notified}",
    "field label": "en: Visitor's name}",
}
CONTROLS = ["\x1b", "\x07", "\x00", "\x9b", "\x7f", "\u202e", "\u2066", "\r", "\x85"]


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("char", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_validate_reports_a_control_character_in_any_text(
    place: str, char: str, run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    original = PLACES[place]
    key, _, value = original.rpartition(": ")
    hostile = f'{key}: "{value.rstrip("}")}\\u{ord(char):04x}!"' + ("}" if value.endswith("}") else "")
    text = VISITOR.read_text(encoding="utf-8")
    assert text.count(original) == 1
    path = tmp_path / "hostile.yaml"
    path.write_text(text.replace(original, hostile), encoding="utf-8")
    result = run_cli("validate", "--no-cache", str(path))
    assert result.exit_code == 1
    found = [line for line in result.output.splitlines() if line.endswith("[P032]")]
    assert len(found) == 1 and f"U+{ord(char):04X}" in found[0], result.output
    line = next(n for n, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "\\u" in row)
    assert found[0].startswith(f"{path}:{line}:")
    assert not raw_controls(result.output)


def test_the_coloured_screen_styles_its_own_text_and_shows_stored_text_inert(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """On a colour terminal the screen keeps its own styles (SGR) but no value's controls."""
    screen = Screen("en", color=True)
    view = Node(
        callers=[Node(title=EVIL)],
        procedure_title=EVIL,
        title=EVIL,
        state="here",
        role_title=EVIL,
        steps=1,
        remaining=0,
        source=EVIL,
        caller_due=(),
        due=[Node(text=EVIL, due=None, every=None)],
        notes=[EVIL],
        items=[Node(id="x", status="open", text=EVIL, note=EVIL)],
        phrases=[Node(text=EVIL, note=EVIL)],
        questions=[Node(field="f", label=EVIL, type="text", choices=[])],
        moves=[Node(id="go", label=EVIL)],
        status="finished",
        outcome=EVIL,
    )
    screen.state(view, "abc123", datetime(2026, 3, 9, 10, 0))
    screen.played(view, {"f": EVIL}, ["x"], {"x": EVIL}, "go")
    screen.error(EVIL)
    screen.end(view)
    shown = capsys.readouterr().out
    assert "\x1b[1m" in shown  # its own styles are there
    assert not raw_controls(re.sub(r"\x1b\[[0-9;]*m", "", shown)), repr(shown)
