"""Golden transcripts of the operator's terminal (issue 10): keys in, the whole screen out, in
both languages, for an arrow-key edit, `back`, a refused escape sequence and a deadline passing.

Each case in tests/goldens/terminal/ is NAME.args (the command line after `procflow`), then
either NAME.keys (keys typed into the line editor, prompt_toolkit reading a pipe as it reads a
terminal; `<left>`, `<bs>`, `<tab>`... name keys, a line break is Enter) or NAME.in (lines piped
to the plain reader, as bytes, escape sequences included), optionally NAME.tick (the seconds
the operator takes over each answer: the clock moves on by that much after each), and NAME.out
(the screen, the instance id written `<ID>`, then `[exit N]`). The line editor's own drawing
goes nowhere (a dummy output); each accepted line is echoed, so the .out reads as a transcript.
`pytest tests/test_terminal_goldens.py --update-goldens` rewrites the .out files.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from conftest import Golden
from procflow.engine.desk import instances
from procflow.terminal import screen as screen_module
from procflow.terminal.prompt import KeyReader
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

REPO = Path(__file__).resolve().parent.parent
CASES_DIR = Path(__file__).parent / "goldens" / "terminal"
CASES = sorted(path.name.removesuffix(".args") for path in CASES_DIR.glob("*.args"))
INSTANCE = re.compile(r"^(?:instance|實例) ([a-z0-9]{6}) · ", re.MULTILINE)
START = "2026-03-09T09:00:00+08:00"
KEYS = {  # what a VT100 terminal sends for each named key
    "left": "\x1b[D",
    "right": "\x1b[C",
    "up": "\x1b[A",
    "down": "\x1b[B",
    "home": "\x1b[H",
    "end": "\x1b[F",
    "bs": "\x7f",
    "del": "\x1b[3~",
    "tab": "\t",
    "m-b": "\x1bb",
    "m-f": "\x1bf",
    "c-left": "\x1b[1;5D",
    "c-right": "\x1b[1;5C",
    "c-a": "\x01",
    "c-e": "\x05",
    "c-c": "\x03",
    "c-d": "\x04",
    "esc": "\x1b",
}


def keys_of(text: str) -> str:
    """`<name>` as the terminal sends it; a line break as Enter (a carriage return)."""
    return re.sub(r"<([a-z-]+)>", lambda m: KEYS[m.group(1)], text).replace("\n", "\r")


def test_there_are_cases_in_both_languages_for_each_behaviour() -> None:
    topics = {name.rsplit(".", 1)[0] for name in CASES}
    assert topics >= {"arrow-edit", "back", "refused-escape", "deadline"}
    for topic in topics:
        assert {f"{topic}.en", f"{topic}.zh-Hant"} <= set(CASES), topic


@pytest.fixture
def ticking(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[float], None]]:
    """The desk's clock starts at START and moves on only when told (`advance(seconds)`)."""
    moment = [datetime.fromisoformat(START)]

    def now(zone: Any = None) -> datetime:
        return moment[0].astimezone(zone) if zone is not None else moment[0]

    monkeypatch.setattr(instances, "now", now)
    yield lambda seconds: moment.__setitem__(0, moment[0] + timedelta(seconds=seconds))


@pytest.mark.parametrize("name", CASES)
def test_terminal_transcript(
    name: str,
    run_cli: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
    golden: Golden,
    ticking: Callable[[float], None],
) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("PROCFLOW_NOW", START)
    args = shlex.split((CASES_DIR / f"{name}.args").read_text(encoding="utf-8"))
    tick_file = CASES_DIR / f"{name}.tick"
    tick = float(tick_file.read_text()) if tick_file.exists() else 0.0
    asked = screen_module.Screen.ask

    def ask(self: screen_module.Screen, prompt: str, **how: Any) -> str:
        answer = asked(self, prompt, **how)
        ticking(tick)  # the operator took this long
        return answer

    monkeypatch.setattr(screen_module.Screen, "ask", ask)
    keys_file = CASES_DIR / f"{name}.keys"
    if keys_file.exists():
        with create_pipe_input() as pipe:
            pipe.send_text(keys_of(keys_file.read_text(encoding="utf-8")))
            pipe.close()  # the keys run out: the end of the input, as Ctrl-D
            reader = KeyReader("en", input=pipe, output=DummyOutput(), echo=True)
            monkeypatch.setattr(screen_module, "key_reader", lambda lang: reader)
            result = run_cli(*args, input="")
    else:
        piped = (CASES_DIR / f"{name}.in").read_bytes().decode("utf-8")
        result = run_cli(*args, input=piped)
    found = INSTANCE.search(result.output)
    assert found, result.output
    screen = result.output.replace(found.group(1), "<ID>") + f"[exit {result.exit_code}]\n"
    golden(CASES_DIR / f"{name}.out", screen)
    assert run_cli("verify").exit_code == 0
