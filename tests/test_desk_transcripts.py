"""Golden transcripts of the desk's sessions over several commands, in both languages: Ctrl-C in
the middle of a step and `resume` with the drafts restored, a correction, a practice run.

Each case in tests/transcripts/desk/ is NAME.case: `$ ARGS` lines (a command after `procflow`),
each followed by what the operator types, one answer a line; a line `^C` is Ctrl-C while the
next answer is awaited. NAME.out is the screen of each command in turn (standard output and
error as they interleave) after its `$ ARGS` line, instance ids written `<ID>` and the test's
folder `<TMP>`, then `[exit N]`. The clock is fixed. `pytest tests/test_desk_transcripts.py
--update-goldens` rewrites the .out files after an intended change; review the diff.
"""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Golden
from procflow import cli

REPO = Path(__file__).resolve().parent.parent
CASES_DIR = Path(__file__).parent / "transcripts" / "desk"
CASES = sorted(path.name.removesuffix(".case") for path in CASES_DIR.glob("*.case"))
INSTANCE = re.compile(r"^(?:instance|實例) ([a-z0-9]{6}) · ", re.MULTILINE)
CTRL_C = "^C"


class Typed(io.BytesIO):
    """Standard input with the lines typed; with `interrupt`, Ctrl-C once they are used up."""

    def __init__(self, data: bytes, interrupt: bool) -> None:
        super().__init__(data)
        self.interrupt = interrupt

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        if not data and size != 0 and self.interrupt:  # click first asks for nothing
            raise KeyboardInterrupt
        return data

    read1 = read


def commands(text: str) -> list[tuple[list[str], str, bool]]:
    """(arguments, what is typed, whether Ctrl-C ends it) of each `$` command of a case."""
    found: list[tuple[list[str], list[str]]] = []
    for line in text.splitlines():
        if line.startswith("$ "):
            found.append((shlex.split(line[2:]), []))
        else:
            found[-1][1].append(line)
    out = []
    for args, lines in found:
        interrupt = bool(lines) and lines[-1] == CTRL_C
        typed = lines[:-1] if interrupt else lines
        out.append((args, "".join(f"{line}\n" for line in typed), interrupt))
    return out


def test_there_are_desk_transcripts_in_both_languages() -> None:
    assert {name.rsplit(".", 1)[1] for name in CASES} == {"en", "zh-Hant"}
    for name in CASES:
        assert (CASES_DIR / f"{name}.out").exists(), name


@pytest.mark.parametrize("name", CASES)
def test_desk_transcript(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, golden: Golden) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T09:00:00+08:00")
    monkeypatch.setenv("PROCFLOW_DB", str(tmp_path / "procflow.db"))
    monkeypatch.setenv("PROCFLOW_USER", "tester")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("PROCFLOW_SITE", raising=False)
    screen = ""
    for args, typed, interrupt in commands((CASES_DIR / f"{name}.case").read_text(encoding="utf-8")):
        stdin = Typed(typed.encode(), interrupt)
        result = CliRunner().invoke(cli.cli, args, input=stdin, catch_exceptions=False)
        screen += f"$ {shlex.join(args)}\n{result.output}[exit {result.exit_code}]\n"
    for ident in set(INSTANCE.findall(screen)):
        screen = screen.replace(ident, "<ID>")
    golden(CASES_DIR / f"{name}.out", screen.replace(str(tmp_path), "<TMP>"))
    assert CliRunner().invoke(cli.cli, ["verify"]).exit_code == 0
