"""Bytes that are not UTF-8 (Big5 王 typed in a UTF-8 terminal) or a control character, given
as an answer or as a recorded command-line text: one line, a documented code, no traceback;
an interactive run asks again. Run in a subprocess so the bytes arrive as a real terminal's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from procflow.engine.base.errors import EXIT_INVALID_ANSWER, EXIT_USAGE

VISITOR = Path(__file__).parent / "fixtures" / "valid" / "visitor.yaml"
BIG5_WANG = b"\xa4\xfd"  # 王 in Big5: not UTF-8
BAD = [BIG5_WANG, b"Wang\x1b]0;owned\x07", b"\x9b31m", b"\xe2\x80\xaeevil"]  # OSC, C1 CSI, U+202E


def procflow(tmp_path: Path, *args: bytes | str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = {
        **os.environ,
        "PROCFLOW_DB": str(tmp_path / "procflow.db"),
        "PROCFLOW_CACHE_DIR": str(tmp_path / "cache"),
        "PROCFLOW_USER": "tester",
        "LC_ALL": "C.UTF-8",
        "NO_COLOR": "1",
    }
    env.pop("PROCFLOW_SITE", None)
    argv = [a if isinstance(a, bytes) else a.encode() for a in args]
    return subprocess.run(
        [sys.executable.encode(), b"-c", b"from procflow import cli; cli.main()", *argv],
        env={k.encode(): v.encode("utf-8", "surrogateescape") for k, v in env.items()},
        input=stdin,
        capture_output=True,
        check=False,
        timeout=60,
    )


def one_line(run: subprocess.CompletedProcess[bytes], code: int) -> str:
    message = run.stderr.decode("utf-8", "replace")
    assert run.returncode == code, message
    assert message.count("\n") == 1 and "Traceback" not in message, message
    assert "cannot be recorded" in message and not any(c in message for c in "\x1b\x07\x9b\u202e")
    return message


@pytest.fixture
def instance(tmp_path: Path) -> str:
    """An open instance of the visitor procedure, waiting at its first state."""
    run = procflow(tmp_path, "run", str(VISITOR), "--json", stdin=b"")
    return str(json.loads(run.stdout.decode().splitlines()[-1])["instance"])


@pytest.mark.parametrize("bad", BAD, ids=["big5", "osc", "c1", "bidi"])
def test_a_recorded_command_line_text_that_cannot_be_stored_is_a_usage_error(
    bad: bytes, tmp_path: Path, instance: str
) -> None:
    for args in (
        ("cancel", instance, "--reason", bad),
        ("handoff", instance, "--to", "someone", "--note", bad),
        ("step", instance, "--note", bad),
        ("step", instance, "--skip", "stand_up", "--reason", bad),
        ("violation", "record", "--person", "wang", "--rule", "r", "--note", bad),
    ):
        assert "--" in one_line(procflow(tmp_path, *args), EXIT_USAGE)
    assert b'"status":"open"' in procflow(tmp_path, "status", "--json").stdout.replace(b" ", b"")


@pytest.mark.parametrize("bad", BAD, ids=["big5", "osc", "c1", "bidi"])
def test_an_answer_that_cannot_be_stored_is_an_invalid_answer(
    bad: bytes, tmp_path: Path, instance: str
) -> None:
    assert procflow(tmp_path, "step", instance, "--check", "stand_up").returncode == 0
    run = procflow(
        tmp_path, "step", instance, "--set", b"visitor_name=" + bad, "--set", "visitor_kind=courier"
    )
    assert "visitor_name" in one_line(run, EXIT_INVALID_ANSWER)


def test_an_interactive_run_asks_again_after_an_answer_that_cannot_be_stored(tmp_path: Path) -> None:
    typed = b"y\n" + b"\n".join(BAD) + b"\nMr Wang\n2\n"
    run = procflow(tmp_path, "run", str(VISITOR), "--lang", "en", stdin=typed)
    screen = run.stdout.decode("utf-8", "replace")
    assert screen.count("cannot be recorded") == len(BAD), screen
    assert "Traceback" not in run.stderr.decode("utf-8", "replace")
    assert not any(c in screen for c in "\x1b\x07\x9b\u202e")
    opened = json.loads(procflow(tmp_path, "status", "--json").stdout)["open"][0]["instance"]
    history = json.loads(procflow(tmp_path, "history", opened, "--json", "--show-pii").stdout)
    answers = {k: v for e in history["events"] if e["answers"] for k, v in e["answers"].items()}
    assert answers == {"visitor_name": "Mr Wang", "visitor_kind": "courier"}


def test_a_skip_reason_that_cannot_be_stored_is_asked_again(tmp_path: Path) -> None:
    run = procflow(tmp_path, "run", str(VISITOR), "--lang", "en", stdin=b"s\n" + BIG5_WANG + b"\nbusy\n")
    screen = run.stdout.decode("utf-8", "replace")
    assert screen.count("cannot be recorded") == 1 and "Traceback" not in run.stderr.decode()


@pytest.mark.parametrize(
    "args",
    [
        ("history", BIG5_WANG),
        ("resume", BIG5_WANG),
        ("verify", BIG5_WANG),
        ("cancel", BIG5_WANG, "--reason", "x"),
        ("agenda", "--role", BIG5_WANG),
        ("violation", "list", "--person", BIG5_WANG),
    ],
    ids=["history", "resume", "verify", "cancel", "agenda", "violation-list"],
)
def test_an_id_or_name_that_is_not_utf8_is_a_usage_error(
    args: tuple[bytes | str, ...], tmp_path: Path
) -> None:
    run = procflow(tmp_path, *args)
    message = run.stderr.decode("utf-8", "replace")
    assert run.returncode == EXIT_USAGE, message
    assert message.count("\n") == 1 and "names nothing procflow could have recorded" in message
