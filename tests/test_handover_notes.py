"""Hand-overs reach people: the next holder reads who handed the instance over, when and why as
they resume it and in `status --mine`; without a site file a name never seen before is handed to
only when confirmed (`--new-person`), and refused otherwise (exit 2, nothing saved)."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from procflow.engine.base.errors import EXIT_USAGE, UsageError
from procflow.engine.desk.instances import Desk
from procflow.engine.store import open_store
from procflow.engine.store.records import local_time

RUN_DIR = str(Path(__file__).parent / "fixtures" / "run")
Run = Callable[..., Result]


@pytest.fixture
def instance(run_cli: Run) -> str:
    started = run_cli("run", "sample-shift", "--dir", RUN_DIR, "--as", "ann", "--lang", "en", input="y\n")
    return started.stdout.split("instance ", 1)[1][:6]


def version(run_cli: Run, ident: str) -> int:
    return int(json.loads(run_cli("history", ident, "--json").stdout)["version"])


def test_a_name_never_seen_is_refused_without_new_person_and_nothing_is_saved(
    run_cli: Run, instance: str
) -> None:
    before = version(run_cli, instance)
    refused = run_cli("handoff", instance, "--to", "bbo", "--as", "ann", "--note", "over to you")
    assert refused.exit_code == EXIT_USAGE
    assert refused.stderr.strip() == (
        "procflow: 'bbo' has never used procflow with this database and no site file names people; "
        "check the name, or add --new-person to hand over to someone new"
    )
    assert version(run_cli, instance) == before
    done = run_cli("handoff", instance, "--to", "bob", "--as", "ann", "--new-person", "--note", "over to you")
    assert done.exit_code == 0, done.output
    back = run_cli("handoff", instance, "--to", "ann", "--as", "bob")  # ann has used it: no question
    assert back.exit_code == 0, back.output


def test_the_desk_hands_to_a_new_person_only_when_confirmed(run_cli: Run, instance: str) -> None:
    with open_store() as store:
        desk = Desk(store, actor="ann", lang="en")
        opened = desk.open(instance)
        asked: list[str] = []
        with pytest.raises(UsageError, match="'mei' has never used procflow"):
            desk.handoff(opened, "mei", confirm=lambda name: asked.append(name) is not None)
        assert asked == ["mei"]
        desk.handoff(opened, "mei", "she knows the guest", confirm=lambda name: True)
        assert store.holder(instance) == ("mei", None)


def test_the_next_holder_reads_the_note_on_resume_and_in_status_mine(run_cli: Run, instance: str) -> None:
    note = "call Mr Lin back after 3 · 三點後回電林先生"
    assert (
        run_cli("handoff", instance, "--to", "bob", "--as", "ann", "--new-person", "--note", note).exit_code
        == 0
    )
    at = json.loads(run_cli("history", instance, "--json").stdout)["events"][-1]["at"]
    when = local_time(at)[:16]
    mine = run_cli("status", "--mine", "--as", "bob", "--lang", "en").stdout
    assert f"Handed over to you\n  {instance}  handed over by ann at {when}: {note}\n" in mine
    listed = json.loads(run_cli("status", "--mine", "--as", "bob", "--json").stdout)["open"]
    assert listed[0]["handover"] == {"by": "ann", "at": at, "to": "bob", "target": "person", "note": note}
    assert "Handed over" not in run_cli("status", "--lang", "en").stdout  # everyone's list: no notes
    zh = run_cli("status", "--mine", "--as", "bob", "--lang", "zh-Hant").stdout
    assert f"交接給你的\n  {instance}  ann 於 {when} 交接:{note}\n" in zh

    stepped = run_cli("step", instance, "--as", "bob", "--lang", "en", "--set", "guests=2")
    assert stepped.stdout.startswith(
        f"instance {instance} · Front-desk shift\n   ↳ handed over by ann at {when}: {note}\n"
    )
    resumed = run_cli("resume", instance, "--as", "bob", "--lang", "en", input="")
    assert resumed.stdout.startswith(
        f"instance {instance} · Front-desk shift\n   ↳ handed over by ann at {when}: {note}\n"
    )


def test_a_hand_over_without_a_note_says_who_and_when_and_a_later_holder_sees_only_theirs(
    run_cli: Run, instance: str
) -> None:
    assert run_cli("handoff", instance, "--to", "bob", "--as", "ann", "--new-person").exit_code == 0
    shown = run_cli("resume", instance, "--as", "bob", "--lang", "en", input="").stdout
    assert "   ↳ handed over by ann at " in shown and "(no note)" in shown
    assert run_cli("handoff", instance, "--to", "ann", "--as", "bob", "--note", "back to you").exit_code == 0
    again = run_cli("resume", instance, "--as", "ann", "--lang", "en", input="").stdout
    assert "handed over by bob at " in again and ": back to you" in again and "by ann" not in again
    assert "Handed over" not in run_cli("status", "--mine", "--as", "bob", "--lang", "en").stdout


PROCFLOW = Path(sys.executable).with_name("procflow")


@pytest.mark.slow
@pytest.mark.skipif(
    sys.platform == "win32" or not PROCFLOW.exists(), reason="needs a POSIX pty and the script"
)
@pytest.mark.parametrize(("typed", "code"), [("y", 0), ("n", EXIT_USAGE)])
def test_on_a_terminal_a_new_person_is_asked_about(
    run_cli: Run, instance: str, typed: str, code: int
) -> None:
    """The console script on a pseudo-terminal asks before handing to a name never seen."""
    import pty
    import select
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "PROCFLOW_PATH"}
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [str(PROCFLOW), "handoff", instance, "--to", "mei", "--as", "ann", "--lang", "en"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 30
    while b"hand over to this new person? [y/N]" not in seen:
        assert time.monotonic() < deadline, seen.decode(errors="replace")
        if select.select([master], [], [], 0.5)[0]:
            seen += os.read(master, 4096)
    os.write(master, typed.encode() + b"\n")
    assert process.wait(timeout=30) == code
    os.close(master)
    owner = json.loads(run_cli("status", "--json").stdout)["open"][0]["owner"]
    assert owner == ("mei" if code == 0 else "ann")
