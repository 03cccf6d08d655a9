"""Roles through the CLI: who may act in which state, refusals (exit 10), and overrides recorded."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from procflow.engine.base.errors import EXIT_ROLE
from procflow.engine.desk.people import may_act
from procflow.engine.site.sitefile import Person, Site

FIXTURES = Path(__file__).parent / "fixtures" / "people"
ROOT = Path(__file__).resolve().parent.parent
SITE = str(FIXTURES / "site.yaml")
DIR = str(FIXTURES)
Run = Callable[..., Result]


def start(run_cli: Run, *args: str, **kwargs: Any) -> Result:
    """`procflow --site SITE run sample-interview --dir DIR ARGS...`"""
    return run_cli("--site", SITE, "run", "sample-interview", "--dir", DIR, *args, **kwargs)


@pytest.fixture
def answers(tmp_path: Path) -> str:
    path = tmp_path / "answers.yaml"
    path.write_text("answers: {candidate: 王小明}\n", encoding="utf-8")
    return str(path)


def last_json(result: Result) -> dict:
    return json.loads(result.stdout.strip().splitlines()[-1])


def events(run_cli: Run, instance: str) -> list[dict]:
    shown = run_cli("history", instance, "--json")
    assert shown.exit_code == 0, shown.output
    return json.loads(shown.output)["events"]


def test_a_person_without_the_first_role_starts_nothing(run_cli: Run, answers: str) -> None:
    result = run_cli(
        "--site", SITE, "run", "sample-interview", "--dir", DIR, "--answers", answers, "--as", "hana"
    )
    assert result.exit_code == EXIT_ROLE
    assert result.stderr.strip().splitlines()[-1] == (
        "procflow: role 'front_desk' of state 'greet' is held by amy, ruth, not by 'hana'; "
        "to act anyway add --override --reason TEXT"
    )
    assert json.loads(run_cli("status", "--json").output)["open"] == []


def test_someone_not_in_the_site_file_is_told_so(run_cli: Run, answers: str) -> None:
    result = start(run_cli, "--answers", answers)
    assert result.exit_code == EXIT_ROLE
    assert "not by 'tester' (not among the site file's people)" in result.output


def test_a_scripted_run_stops_where_the_role_changes_and_a_step_is_refused(
    run_cli: Run, answers: str
) -> None:
    started = run_cli(
        "--site", SITE, "run", "sample-interview", "--dir", DIR, "--answers", answers, "--as", "amy", "--json"
    )
    assert started.exit_code == EXIT_ROLE
    data = last_json(started)
    assert data["state"] == "interview" and data["status"] == "open"
    assert data["error"] == {
        "code": EXIT_ROLE,
        "message": "role 'hr' of state 'interview' is held by hana, ruth, not by 'amy'; "
        "to act anyway add --override --reason TEXT",
    }
    before = data["version"]
    refused = run_cli("--site", SITE, "step", data["instance"], "--as", "amy", "--check", "hold", "--json")
    assert refused.exit_code == EXIT_ROLE
    assert last_json(refused)["version"] == before  # nothing of the refused step was saved
    assert run_cli("--site", SITE, "step", data["instance"], "--as", "hana", "--check", "hold").exit_code == 0


def test_override_records_the_reason_first_in_the_step(run_cli: Run, answers: str) -> None:
    instance = last_json(
        start(
            run_cli,
            "--answers",
            answers,
            "--as",
            "amy",
            "--json",
        )
    )["instance"]
    done = run_cli(
        "--site",
        SITE,
        "step",
        instance,
        "--as",
        "amy",
        "--check",
        "hold",
        "--move",
        "done",
        "--override",
        "--reason",
        "  HR is out today  ",
        "--json",
    )
    assert done.exit_code == 0, done.output
    assert last_json(done)["status"] == "finished"
    log = events(run_cli, instance)
    kinds = [e["kind"] for e in log]
    at = kinds.index("override")
    assert kinds[at:] == ["override", "check", "move", "finish"]
    override = log[at]
    assert (override["actor"], override["role"], override["reason"], override["from"]) == (
        "amy",
        "hr",
        "HR is out today",
        "interview",
    )
    text = run_cli("history", instance, "--lang", "en", "--ids").stdout
    assert re.search(r"amy \(hr\) +override +acted without role hr: HR is out today\n", text)
    assert run_cli("verify", instance).exit_code == 0


def test_no_override_is_recorded_for_a_role_the_person_holds(run_cli: Run, answers: str) -> None:
    run = start(
        run_cli,
        "--answers",
        answers,
        "--as",
        "ruth",
        "--override",
        "--reason",
        "just in case",
        "--json",
    )
    assert run.exit_code == 1  # the answers file has no move for the interview
    assert "override" not in [e["kind"] for e in events(run_cli, last_json(run)["instance"])]


def test_a_start_with_override_records_it_right_after_start(run_cli: Run, answers: str) -> None:
    run = start(
        run_cli,
        "--answers",
        answers,
        "--as",
        "hana",
        "--override",
        "--reason",
        "front desk empty",
        "--json",
    )
    assert run.exit_code == 1
    log = events(run_cli, last_json(run)["instance"])
    assert [e["kind"] for e in log[:2]] == ["start", "override"]
    assert log[1]["reason"] == "front desk empty" and log[1]["role"] == "front_desk"
    # one override per visit of a state of the role: the answer given in 'greet' records no second
    # one there, 'notify' (front desk too) records its own, 'interview' (hr) none
    assert [e["from"] for e in log if e["kind"] == "override"] == ["greet", "notify"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("run", "sample-interview", "--dir", DIR, "--override"), "--override needs --reason TEXT"),
        (
            ("run", "sample-interview", "--dir", DIR, "--override", "--reason", "  "),
            "--override needs --reason TEXT",
        ),
        (("run", "sample-interview", "--dir", DIR, "--reason", "why"), "--reason goes with --override"),
        (("resume", "last", "--reason", "why"), "--reason goes with --override"),
        (("step", "last", "--override"), "--override needs --reason TEXT"),
        (("step", "last", "--reason", "why"), "--reason goes with --skip ITEM or --override"),
        (
            ("step", "last", "--override", "--skip", "a", "--skip", "b", "--reason", "1", "--reason", "2"),
            "--override with 2 --skip takes one --reason for all, or one for the override and one per --skip; got 2",
        ),
    ],
)
def test_override_usage_errors(run_cli: Run, args: tuple[str, ...], message: str) -> None:
    result = run_cli("--site", SITE, *args)
    assert result.exit_code == 2
    assert message in result.output


def test_interactive_run_asks_why_once_per_visit(run_cli: Run) -> None:
    typed = "王小明\n\n" + "HR is at lunch\n" + "\n1\n"  # candidate, call_hr, reason, hold, move
    result = run_cli(
        "--site", SITE, "run", "sample-interview", "--dir", DIR, "--as", "amy", "--lang", "en", input=typed
    )
    assert result.exit_code == 0, result.output
    assert "! 'Interview' is a step for the role 'HR', held by hana, ruth, not by 'amy'" in result.output
    assert result.output.count("reason to act anyway, recorded (Enter stops here) >") == 1
    assert "✔ finished" in result.output
    instance = json.loads(run_cli("status", "--json").output)["recent"][0]["instance"]
    log = events(run_cli, instance)
    overrides = [e for e in log if e["kind"] == "override"]
    assert [(e["reason"], e["from"]) for e in overrides] == [("HR is at lunch", "interview")]
    assert [e["kind"] for e in log][-4:] == ["override", "check", "move", "finish"]


def test_interactive_run_stops_when_no_reason_is_given(run_cli: Run) -> None:
    result = start(
        run_cli,
        "--as",
        "amy",
        "--lang",
        "en",
        input="王小明\n\n\n",
    )
    assert result.exit_code == EXIT_ROLE
    assert "stays open at 'Interview'" in result.output
    instance = json.loads(run_cli("status", "--json").output)["open"][0]["instance"]
    assert "override" not in [e["kind"] for e in events(run_cli, instance)]
    resumed = run_cli(
        "--site",
        SITE,
        "resume",
        instance,
        "--as",
        "amy",
        "--override",
        "--reason",
        "covering",
        "--lang",
        "en",
        input="\n1\n",
    )
    assert resumed.exit_code == 0, resumed.output
    assert "reason to act anyway" not in resumed.output  # --override answered before it was asked
    assert [e["reason"] for e in events(run_cli, instance) if e["kind"] == "override"] == ["covering"]


def test_interactive_start_asks_before_anything_is_created(run_cli: Run) -> None:
    refused = start(run_cli, "--as", "hana", input="\n")
    assert refused.exit_code == EXIT_ROLE
    assert json.loads(run_cli("status", "--json").output)["open"] == []


def test_without_people_nobody_is_restricted(run_cli: Run, answers: str, tmp_path: Path) -> None:
    site = tmp_path / "procflow.yaml"
    site.write_text("procflow-site: 1\nparams: {org_name: 靜茶}\n", encoding="utf-8")
    for where in (("--site", str(site)), ()):
        run = run_cli(*where, "run", "sample-interview", "--dir", DIR, "--answers", answers, "--json")
        assert (
            run.exit_code == 1 and last_json(run)["state"] == "interview"
        )  # stopped for the missing move only
        done = run_cli(*where, "step", "last", "--check", "hold", "--move", "done")
        assert done.exit_code == 0, done.output


def test_roles_inside_a_sub_procedure(run_cli: Run, tmp_path: Path) -> None:
    site = str(ROOT / "docs" / "examples" / "site" / "car-service.yaml")
    script = tmp_path / "car.yaml"
    script.write_text("answers: {intake_mode: at_shop}\n", encoding="utf-8")
    run = run_cli("--site", site, "run", "art2-car-service", "--answers", str(script), "--as", "li", "--json")
    assert run.exit_code == EXIT_ROLE
    data = last_json(run)
    assert data["state"] == "intake>guide_parking"
    assert data["error"]["message"].startswith(
        "role 'security' of state 'intake>guide_parking' is held by ma, not by 'li'"
    )


def test_may_act() -> None:
    site = Site(people={"amy": Person("amy", "Amy", frozenset({"front_desk"}))})
    assert may_act(site, "amy", "front_desk")
    assert not may_act(site, "amy", "hr")
    assert not may_act(site, "bo", "front_desk")
    assert may_act(site, "bo", None)  # a state without a role restricts nobody
    assert may_act(Site(), "bo", "hr")  # nor does a site without people
