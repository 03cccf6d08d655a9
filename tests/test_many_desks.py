"""Eight desks at once on one store, on each backend: nothing lost, nothing twice.

Eight processes, each a desk (its own PROCFLOW_USER), start 200 instances of a counting
procedure and step each of them, and in between step 50 instances they all share (2,400 steps
in all), each
step through `procflow step` (the CLI's own code, in-process in the worker) with a token of
its own as the answer. Afterwards every accepted step's token is in its instance's history
exactly once, no refused step left a trace, every refusal was exit 7 (someone else's step
came first) or 8 (the store stayed busy), and `procflow verify` passes on every instance.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from procflow.engine.base.errors import EXIT_CONFLICT, EXIT_LOCKED
from procflow.engine.store import open_store

DESKS = 8
OWN = 200  # instances each desk starts and steps once
SHARED = 50  # instances every desk steps
SHARED_STEPS = 100  # attempts of each desk on the shared ones (2 on each, shuffled)
TALLY = Path(__file__).parent / "fixtures" / "desks"
PROCFLOW = Path(sys.executable).with_name("procflow")

pytestmark = pytest.mark.slow

# One desk: `procflow run` and `procflow step` through click, in this process, so that 8 desks
# taking thousands of steps cost seconds, not the start of thousands of interpreters.
WORKER = r"""
import json, os, random, sys
from click.testing import CliRunner
from procflow import cli

plan = json.loads(sys.argv[1])
user = os.environ["PROCFLOW_USER"]
runner = CliRunner()

def procflow(*args):  # each command closes its store: nothing is left to the collector
    return runner.invoke(cli.cli, list(args), catch_exceptions=False)

mine = []
for _ in range(plan["own"]):
    started = procflow("run", "sample-tally", "--dir", plan["dir"], "--answers", plan["nothing"], "--json")
    assert started.exit_code == 1, started.output  # it waits for the first token
    mine.append(json.loads(started.stdout.splitlines()[-1])["instance"])
shared = [ident for ident in plan["shared"] for _ in range(plan["shared_steps"] // len(plan["shared"]))]
random.Random(user).shuffle(shared)
targets = list(mine)
random.Random(user + "!").shuffle(targets)
order = []
while targets or shared:  # own and shared steps interleaved
    for queue in (targets, shared):
        if queue:
            order.append(queue.pop())
steps = []
for number, ident in enumerate(order):
    token = f"{user}-{number}"
    done = procflow("step", ident, "--set", f"token={token}", "--move", "again")
    steps.append([ident, token, done.exit_code, done.output[-300:] if done.exit_code else ""])
with open(plan["out"], "w", encoding="utf-8") as out:
    json.dump({"mine": mine, "steps": steps}, out)
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def db_backend(request: pytest.FixtureRequest) -> str:
    """The backend of this run (the conftest's name for it, so a run without a server leaves the
    PostgreSQL one out)."""
    name: str = request.param
    return name


@pytest.fixture
def database(db_backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if db_backend == "sqlite":
        return str(tmp_path / "team.db")
    url: str = request.getfixturevalue("pg_url")
    return url


def environment(db: str, user: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(PROCFLOW_DB=db, PROCFLOW_USER=user, NO_COLOR="1", PROCFLOW_LOCK_TIMEOUT="30")
    return env


def start_shared(db: str, nothing: Path) -> list[str]:
    shared = []
    for _ in range(SHARED):
        started = subprocess.run(
            [str(PROCFLOW), "run", "sample-tally", "--dir", str(TALLY), "--answers", str(nothing), "--json"],
            env=environment(db, "lead"),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert started.returncode == 1, started.stderr
        shared.append(json.loads(started.stdout.splitlines()[-1])["instance"])
    return shared


def test_eight_desks_stepping_at_once_lose_nothing_and_repeat_nothing(database: str, tmp_path: Path) -> None:
    nothing = tmp_path / "nothing.json"
    nothing.write_text("{}", encoding="utf-8")
    shared = start_shared(database, nothing)
    desks = {}
    for n in range(DESKS):
        user = f"desk{n}"
        plan = {
            "own": OWN,
            "shared": shared,
            "shared_steps": SHARED_STEPS,
            "dir": str(TALLY),
            "nothing": str(nothing),
            "out": str(tmp_path / f"{user}.json"),
        }
        desks[user] = subprocess.Popen(
            [sys.executable, "-c", WORKER, json.dumps(plan)],
            env=environment(database, user),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    for user, process in desks.items():
        _, err = process.communicate(timeout=900)
        assert process.returncode == 0, f"{user}: {err[-2000:]}"
    results: dict[str, Any] = {
        user: json.loads((tmp_path / f"{user}.json").read_text(encoding="utf-8")) for user in desks
    }

    accepted: dict[str, list[str]] = {}  # instance: tokens of its accepted steps
    refused = Counter[int]()
    for user, result in results.items():
        assert len(result["mine"]) == OWN
        for ident, token, code, output in result["steps"]:
            if code == 0:
                accepted.setdefault(ident, []).append(token)
            else:
                assert code in (EXIT_CONFLICT, EXIT_LOCKED), f"{user} on {ident}: exit {code}: {output}"
                refused[code] += 1
    assert sum(len(result["steps"]) for result in results.values()) >= 2000
    for result in results.values():  # a desk's own instances: nobody else steps them
        assert all(len(accepted[ident]) == 1 for ident in result["mine"])
    assert all(accepted.get(ident) for ident in shared), "a shared instance was never stepped"

    with open_store(database) as store:
        ids = store.all_ids()
        assert len(ids) == DESKS * OWN + SHARED
        for ident in ids:
            tokens = [e.answers["token"] for e in store.events(ident) if e.kind == "answer" and e.answers]
            counted = Counter(tokens)
            assert not [t for t, n in counted.items() if n > 1], f"{ident}: a step recorded twice"
            assert sorted(tokens) == sorted(accepted.get(ident, [])), (
                f"{ident}: history and accepted steps differ"
            )
    verified = subprocess.run(
        [str(PROCFLOW), "verify"],
        env=environment(database, "lead"),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"verified {len(ids)} instances against their events" in verified.stdout
