"""`procflow handoff` through the CLI: to a person, to a role, unknown names, races; and whose
an instance is in `status`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from procflow.engine.base.errors import (
    EXIT_CONFLICT,
    EXIT_ILLEGAL_MOVE,
    EXIT_NOT_FOUND,
    EXIT_ROLE,
    EXIT_USAGE,
    ConflictError,
)
from procflow.engine.desk.instances import Desk
from procflow.engine.site.sitefile import open_site
from procflow.engine.store import open_store

FIXTURES = Path(__file__).parent / "fixtures" / "people"
SITE = str(FIXTURES / "site.yaml")
DIR = str(FIXTURES)
Run = Callable[..., Result]


def start(run_cli: Run, *args: str, **kwargs: Any) -> Result:
    """`procflow --site SITE run sample-interview --dir DIR ARGS...`"""
    return run_cli("--site", SITE, "run", "sample-interview", "--dir", DIR, *args, **kwargs)


@pytest.fixture
def instance(run_cli: Run, tmp_path: Path) -> str:
    """An open instance of sample-interview, started by amy, waiting in 'greet'."""
    script = tmp_path / "none.yaml"
    script.write_text("answers: {}\n", encoding="utf-8")
    run = start(
        run_cli,
        "--answers",
        str(script),
        "--as",
        "amy",
        "--json",
    )
    assert run.exit_code == 1, run.output  # stopped for the candidate's name: the instance stays open
    return str(json.loads(run.stdout.splitlines()[-1])["instance"])


def status(run_cli: Run, *args: str) -> list[dict]:
    shown = run_cli("--site", SITE, "status", "--json", *args)
    assert shown.exit_code == 0, shown.output
    return list(json.loads(shown.stdout)["open"])


def holders(run_cli: Run, *args: str) -> list[tuple[str, str | None, str | None]]:
    return [(row["instance"], row["owner"], row["assignee"]) for row in status(run_cli, *args)]


def test_handoff_to_a_person(db_backend: str, run_cli: Run, instance: str) -> None:
    done = run_cli(
        "--site",
        SITE,
        "handoff",
        instance,
        "--to",
        "ruth",
        "--note",
        "candidate is early",
        "--as",
        "amy",
        "--lang",
        "en",
    )
    assert done.exit_code == 0, done.output
    assert done.stdout == f"instance {instance} is now with person ruth\n"
    assert holders(run_cli) == [(instance, "ruth", None)]
    assert holders(run_cli, "--mine", "--as", "ruth") == [(instance, "ruth", None)]
    assert holders(run_cli, "--mine", "--as", "amy") == []
    events = json.loads(run_cli("history", instance, "--json").stdout)["events"]
    handoff = events[-1]
    assert (handoff["kind"], handoff["actor"], handoff["to"], handoff["target"], handoff["note"]) == (
        "handoff",
        "amy",
        "ruth",
        "person",
        "candidate is early",
    )
    assert (handoff["owner"], handoff["assignee"], handoff["from"]) == ("ruth", None, "greet")
    assert run_cli("verify", instance).exit_code == 0


def test_handoff_to_a_role_is_everyone_holding_it(db_backend: str, run_cli: Run, instance: str) -> None:
    done = run_cli("--site", SITE, "handoff", instance, "--to", "hr", "--as", "amy", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout) == {
        "instance": instance,
        "to": "hr",
        "target": "role",
        "owner": "amy",
        "assignee": "hr",
        "version": 2,
    }
    assert holders(run_cli, "--mine", "--as", "hana") == [(instance, "amy", "hr")]
    assert holders(run_cli, "--by", "ruth") == [(instance, "amy", "hr")]
    assert holders(run_cli, "--mine", "--as", "amy") == []  # handed on: no longer amy's
    text = run_cli("--site", SITE, "status", "--lang", "en", "--ids").stdout
    assert f"{instance}  sample-interview  greet  amy → hr" in text
    named = run_cli("--site", SITE, "status", "--lang", "en").stdout  # in the language it was started in
    assert f"{instance}  面試接待   問候   amy → 人力部" in named  # the role by its title too
    again = run_cli("--site", SITE, "handoff", instance, "--to", "role:hr", "--as", "hana")
    assert again.exit_code == EXIT_ILLEGAL_MOVE
    assert f"instance '{instance}' is already with role 'hr'; nothing was handed on" in again.output
    back = run_cli("--site", SITE, "handoff", instance, "--to", "person:amy", "--as", "hana")
    assert back.exit_code == 0 and holders(run_cli) == [(instance, "amy", None)]


@pytest.mark.parametrize(
    ("to", "code", "message"),
    [
        (
            "rut",
            EXIT_NOT_FOUND,
            "unknown person or role 'rut' (people: amy, hana, ruth; roles: front_desk, hr); did you mean 'ruth'?",
        ),
        (
            "person:hanna",
            EXIT_NOT_FOUND,
            "unknown person 'hanna' (the site file's people: amy, hana, ruth); did you mean 'hana'?",
        ),
        ("role:x", EXIT_NOT_FOUND, "unknown role 'x' (this instance's roles: front_desk, hr)"),
        ("role:", EXIT_USAGE, "--to 'role:' names no role"),
        (" ", EXIT_USAGE, "--to needs a person or a role"),
    ],
)
def test_unknown_people_and_roles(run_cli: Run, instance: str, to: str, code: int, message: str) -> None:
    result = run_cli("--site", SITE, "handoff", instance, "--to", to, "--as", "amy")
    assert result.exit_code == code
    assert result.stderr == f"procflow: {message}\n"
    assert holders(run_cli) == [(instance, "amy", None)]  # nothing changed


def test_a_name_that_is_both_a_person_and_a_role(run_cli: Run, instance: str, tmp_path: Path) -> None:
    site = tmp_path / "site.yaml"
    site.write_text(
        "procflow-site: 1\npeople:\n  hr: {roles: [hr]}\n  amy: {roles: [front_desk]}\n", encoding="utf-8"
    )
    both = run_cli("--site", str(site), "handoff", instance, "--to", "hr", "--as", "amy")
    assert both.exit_code == EXIT_USAGE
    assert "'hr' is both a person and a role; write --to person:hr or --to role:hr" in both.output
    assert (
        run_cli("--site", str(site), "handoff", instance, "--to", "person:hr", "--as", "amy").exit_code == 0
    )
    assert holders(run_cli) == [(instance, "hr", None)]


def test_without_people_any_name_is_a_person(run_cli: Run, instance: str) -> None:
    done = run_cli("handoff", instance, "--to", "mei", "--as", "amy", "--new-person")  # mei is new here
    assert done.exit_code == 0, done.output
    assert holders(run_cli, "--mine", "--as", "mei") == [(instance, "mei", None)]


def test_a_closed_instance_is_not_handed_on(db_backend: str, run_cli: Run, instance: str) -> None:
    assert run_cli("cancel", instance, "--reason", "candidate left").exit_code == 0
    result = run_cli("--site", SITE, "handoff", instance, "--to", "ruth")
    assert result.exit_code == EXIT_ILLEGAL_MOVE
    assert f"instance '{instance}' is cancelled; it cannot be handed on" in result.output


def test_concurrent_handoffs_one_wins(db_backend: str, run_cli: Run, instance: str) -> None:
    site = open_site(SITE)
    first = Desk(open_store(), actor="amy", site=site)
    second = Desk(open_store(), actor="ruth", site=site)
    mine, theirs = first.open(instance), second.open(instance)  # both read the same version
    first.handoff(mine, "hana")
    with pytest.raises(ConflictError, match=f"instance '{instance}' was changed by amy"):
        second.handoff(theirs, "hr")
    assert holders(run_cli) == [(instance, "hana", None)]
    kinds = [e["kind"] for e in json.loads(run_cli("history", instance, "--json").stdout)["events"]]
    assert kinds.count("handoff") == 1


def test_a_handoff_racing_a_step_is_refused_through_the_cli(
    db_backend: str, run_cli: Run, instance: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from procflow.engine.desk import instances

    real_open = instances.Desk.open

    def open_then_someone_steps(self: Desk, ident: str) -> instances.Opened:
        opened = real_open(self, ident)
        other = Desk(open_store(), actor="ruth", site=open_site(SITE))  # between our read and our write
        other.step(real_open(other, ident), answers={"candidate": "王小明"})
        return opened

    monkeypatch.setattr(instances.Desk, "open", open_then_someone_steps)
    result = run_cli("--site", SITE, "handoff", instance, "--to", "hana", "--as", "amy")
    assert result.exit_code == EXIT_CONFLICT
    assert f"instance '{instance}' was changed by ruth" in result.output
    assert holders(run_cli) == [(instance, "amy", None)]


def test_store_holder(run_cli: Run, instance: str) -> None:
    store = open_store()
    assert store.holder(instance) == ("amy", None)
    assert run_cli("--site", SITE, "handoff", instance, "--to", "front_desk", "--as", "amy").exit_code == 0
    assert store.holder(instance) == ("amy", "front_desk")


def test_a_handoff_updates_whose_the_agenda_says_it_is(db_backend: str, run_cli: Run) -> None:
    visitor = str(Path(__file__).parent / "fixtures" / "valid")
    started = run_cli(
        "run", "sample-visitor", "--dir", visitor, input=""
    )  # stops in 'stand', due in a minute
    assert started.exit_code == 1

    def due() -> list[tuple[str, str | None, str | None]]:
        items = json.loads(run_cli("agenda", "--json", "--within", "1h").stdout)["items"]
        return [(item["deadline"], item["owner"], item["assignee"]) for item in items]

    assert due() == [("greet", "tester", None)]
    assert run_cli("handoff", "last", "--to", "hr").exit_code == 0
    assert due() == [("greet", "tester", "hr")]
    assert run_cli("handoff", "last", "--to", "mei", "--new-person").exit_code == 0
    assert due() == [("greet", "mei", None)]


def test_mine_merges_owned_and_role_held_newest_first(
    db_backend: str, run_cli: Run, instance: str, tmp_path: Path
) -> None:
    script = tmp_path / "none.yaml"
    script.write_text("answers: {}\n", encoding="utf-8")
    own = start(
        run_cli,
        "--answers",
        str(script),
        "--as",
        "ruth",
        "--json",
    )
    mine = str(json.loads(own.stdout.splitlines()[-1])["instance"])
    assert (
        run_cli("--site", SITE, "handoff", instance, "--to", "hr", "--as", "amy").exit_code == 0
    )  # newer now
    assert holders(run_cli, "--mine", "--as", "ruth") == [(instance, "amy", "hr"), (mine, "ruth", None)]
    assert holders(run_cli, "--by", "hana") == [(instance, "amy", "hr")]
    assert holders(run_cli, "--by", "amy") == []


def test_a_version_4_database_gets_the_index_of_handed_instances(tmp_path: Path) -> None:
    import sqlite3

    from procflow.engine.store.migrations import MIGRATIONS
    from procflow.engine.store.sqlite import SQLiteStore

    path = tmp_path / "v4.db"
    db = sqlite3.connect(path)
    for statement in (s for migration in MIGRATIONS[:4] for s in migration):
        db.execute(statement)
    db.execute("PRAGMA user_version=4")
    db.commit()
    db.close()
    with SQLiteStore(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        plan = store.db.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM instances WHERE assignee IN ('hr') "
            "AND status = 'open' ORDER BY updated_at DESC"
        ).fetchall()
        assert "instances_assignee" in str(plan)


def test_who_may_pass_on_or_cancel(db_backend: str, run_cli: Run, instance: str, tmp_path: Path) -> None:
    """The holder, the current state's role and the supervising role may hand on or cancel;
    anyone else is refused (exit 10, nothing saved) unless they override with a reason, which
    is recorded before the handoff or the cancel."""
    site = tmp_path / "site.yaml"  # the fixture's people, and a manager (the supervising role)
    site.write_text(
        Path(SITE).read_text(encoding="utf-8") + "  boss: {name: Boss, roles: [manager]}\n", encoding="utf-8"
    )

    def kinds() -> list[tuple[str, str]]:
        shown = run_cli("history", instance, "--json")
        return [(e["kind"], e["actor"]) for e in json.loads(shown.stdout)["events"]]

    before = kinds()
    for command in (["handoff", instance, "--to", "ruth"], ["cancel", instance, "--reason", "no show"]):
        refused = run_cli("--site", str(site), *command, "--as", "hana", "--lang", "en")
        assert refused.exit_code == EXIT_ROLE, refused.output
        assert "role 'front_desk' of state 'greet' is held by amy, ruth, not by 'hana'" in refused.output
    assert kinds() == before and holders(run_cli) == [(instance, "amy", None)]

    lone = run_cli("--site", str(site), "handoff", instance, "--to", "ruth", "--as", "hana", "--reason", "x")
    assert lone.exit_code == EXIT_USAGE and "--reason goes with --override" in lone.output

    why = ["--override", "--reason", "amy called in sick"]
    passed = run_cli("--site", str(site), "handoff", instance, "--to", "hr", "--as", "hana", *why, "--json")
    assert passed.exit_code == 0, passed.output
    assert kinds()[len(before) :] == [("override", "hana"), ("handoff", "hana")]
    events = json.loads(run_cli("history", instance, "--json").stdout)["events"]
    assert events[len(before)]["reason"] == "amy called in sick"

    # handed to hr: hana now holds it through her role, and passes it on without an override
    back = run_cli("--site", str(site), "handoff", instance, "--to", "person:amy", "--as", "hana")
    assert back.exit_code == 0, back.output
    # the supervisor cancels another's instance without an override
    cancelled = run_cli("--site", str(site), "cancel", instance, "--reason", "no show", "--as", "boss")
    assert cancelled.exit_code == 0, cancelled.output
    assert kinds()[len(before) + 2 :] == [("handoff", "hana"), ("cancel", "boss")]
