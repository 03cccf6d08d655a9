"""Golden transcripts of interactive runs: answers in, the whole screen out, in both languages.

Each case in tests/transcripts/ is NAME.args (the command line after `procflow`), NAME.in
(what the operator types, one answer a line) and NAME.out (the screen: standard output and
error as they interleave, the instance id written `<ID>`, then `[exit N]`). The clock is fixed
so due times are stable. `PROCFLOW_UPDATE_GOLDEN=1 pytest tests/test_transcripts.py` rewrites
the .out files after an intended change; review the diff before committing it.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

REPO = Path(__file__).resolve().parent.parent
TRANSCRIPTS = Path(__file__).parent / "transcripts"
CASES = sorted(path.name.removesuffix(".args") for path in TRANSCRIPTS.glob("*.args"))
INSTANCE = re.compile(r"^(?:instance|實例) ([a-z0-9]{6}) · ", re.MULTILINE)


def screen_of(result: Result) -> str:
    found = INSTANCE.search(result.output)
    assert found, result.output
    return result.output.replace(found.group(1), "<ID>") + f"[exit {result.exit_code}]\n"


def test_there_are_transcripts_in_both_languages() -> None:
    assert {name.rsplit(".", 1)[1] for name in CASES} == {"en", "zh-Hant"}
    for name in CASES:
        assert (TRANSCRIPTS / f"{name}.in").exists() and (TRANSCRIPTS / f"{name}.out").exists(), name


@pytest.mark.parametrize("name", CASES)
def test_transcript(name: str, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T09:00:00+08:00")
    args = shlex.split((TRANSCRIPTS / f"{name}.args").read_text(encoding="utf-8"))
    typed = (TRANSCRIPTS / f"{name}.in").read_text(encoding="utf-8")
    screen = screen_of(run_cli(*args, input=typed))
    golden = TRANSCRIPTS / f"{name}.out"
    if os.environ.get("PROCFLOW_UPDATE_GOLDEN"):
        golden.write_text(screen, encoding="utf-8")
    assert screen == golden.read_text(encoding="utf-8")
    verified = run_cli("verify")
    assert verified.exit_code == 0, verified.output
