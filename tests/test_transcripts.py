"""Golden transcripts of interactive runs: answers in, the whole screen out, in both languages.

Each case in tests/transcripts/ is NAME.args (the command line after `procflow`), NAME.in
(what the operator types, one answer a line) and NAME.out (the screen: standard output and
error as they interleave, the instance id written `<ID>`, then `[exit N]`). The clock is fixed
so due times are stable. `pytest tests/test_transcripts.py --update-goldens` rewrites
the .out files after an intended change; review the diff before committing it.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from conftest import Golden

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
def test_transcript(
    name: str, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, golden: Golden
) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T09:00:00+08:00")
    args = shlex.split((TRANSCRIPTS / f"{name}.args").read_text(encoding="utf-8"))
    typed = (TRANSCRIPTS / f"{name}.in").read_text(encoding="utf-8")
    screen = screen_of(run_cli(*args, input=typed))
    golden(TRANSCRIPTS / f"{name}.out", screen)
    verified = run_cli("verify")
    assert verified.exit_code == 0, verified.output


# --- a real terminal -------------------------------------------------------------------------

PROCFLOW = Path(sys.executable).with_name("procflow")


@pytest.mark.slow
@pytest.mark.skipif(
    sys.platform == "win32" or not PROCFLOW.exists(), reason="needs a POSIX pty and the script"
)
@pytest.mark.parametrize("no_color", [False, True])
def test_a_run_in_a_real_terminal(tmp_path: Path, no_color: bool) -> None:
    """The console script on a pseudo-terminal: prompts wait for typed lines, the terminal echoes
    them, colour is on unless NO_COLOR is set, and the run finishes."""
    import pty
    import select
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "PROCFLOW_PATH")}
    env.update(PROCFLOW_DB=str(tmp_path / "tty.db"), PROCFLOW_USER="tty", TERM="xterm")
    if no_color:
        env["NO_COLOR"] = "1"
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [str(PROCFLOW), "run", "tests/fixtures/valid/visitor.yaml", "--lang", "en"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=REPO,
        close_fds=True,
    )
    os.close(slave)
    seen = b""
    position = 0

    def wait_for(text: str) -> None:
        nonlocal seen, position
        deadline = time.monotonic() + 30
        while text.encode() not in seen[position:]:
            assert time.monotonic() < deadline, (
                f"no {text!r} on the terminal:\n{seen.decode(errors='replace')}"
            )
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(master, 4096)
                except OSError:  # the other end closed: the process ended
                    break
        position = seen.index(text.encode(), position) + len(text)

    script: list[tuple[str, str | None]] = [  # what appears, then what is typed (None: nothing yet)
        ("done?", "y"),
        ("Visitor's name", None),
        (">", "Lee"),
        ("Kind of visitor", None),
        (">", "courier"),
        ("done?", ""),
        ("press Enter to go on", ""),
    ]
    for prompt, typed in script:
        wait_for(prompt)
        if typed is not None:
            os.write(master, typed.encode() + b"\n")
    wait_for("✔ finished")
    assert process.wait(timeout=30) == 0
    os.close(master)
    screen = seen.decode("utf-8", errors="replace")
    assert "Lee" in screen  # shown by the line editor, not echoed by procflow
    # colour: a style code other than the reset (the line editor moves the cursor either way)
    assert bool(re.search(r"\x1b\[[0-9;]*[1-9][0-9;]*m", screen)) is not no_color
