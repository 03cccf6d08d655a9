"""`status` shows an instance by the names kept with it (schema version 12), in the language of
the run that started it, without loading a procedure; `--ids` shows the ids; an instance an
older procflow started shows its ids, with a note, until its next step."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Run = Callable[..., Result]
ROOT = Path(__file__).resolve().parent.parent
VISITOR = str(ROOT / "tests" / "fixtures" / "valid" / "visitor.yaml")
RELEASE = ROOT / "tests" / "fixtures" / "store" / "release-0.1.db"


def row(text: str, ident: str) -> str:
    """The table row of instance `ident`, its columns single-spaced."""
    line = next(line for line in text.splitlines() if line.startswith(ident))
    return " ".join(re.split(r"\s\d{4}-\d\d-\d\d ", line)[0].split())  # up to the SINCE time


@pytest.mark.parametrize(
    ("lang", "started", "stepped"),
    [
        ("en", "Visitor reception Stand up", "Visitor reception Inquire"),
        ("zh-Hant", "來訪者接待 起立", "來訪者接待 問詢"),
    ],
)
def test_status_names_the_procedure_and_state_in_the_language_of_the_run(
    run_cli: Run, lang: str, started: str, stepped: str
) -> None:
    run = run_cli("run", VISITOR, "--lang", lang, "--json", input="")
    ident = run.stdout.strip().splitlines()[-1].split('"instance":"')[1][:6]
    other = "zh-Hant" if lang == "en" else "en"
    for shown_in in (lang, other):  # the instance's language, whoever lists it
        assert row(run_cli("status", "--lang", shown_in).stdout, ident) == f"{ident} {started} tester"
    assert row(run_cli("status", "--ids").stdout, ident) == f"{ident} sample-visitor stand tester"
    run_cli("step", ident, "--check", "stand_up", "--lang", other)  # another language steps it on
    assert row(run_cli("status").stdout, ident) == f"{ident} {stepped} tester"
    assert "(" not in run_cli("status", "--lang", "en").stdout  # no note: every instance is named


def test_an_older_instance_shows_its_ids_with_a_note_until_its_next_step(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(RELEASE, tmp_path / "procflow.db")  # run_cli's PROCFLOW_DB; written by procflow 0.1
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T09:40+08:00")
    before = run_cli("status", "--all", "--lang", "en").stdout
    assert row(before, "ywwfbj") == "ywwfbj sample-visitor inquire bo"
    assert "instances started before procflow kept titles show their ids" in before
    assert "以編號顯示" in run_cli("status", "--all", "--lang", "zh-Hant").stdout
    done = run_cli("step", "ywwfbj", "--as", "bo", "--set", "visitor_name=Chen", "--lang", "en")
    assert done.exit_code == 0, done.output
    after = run_cli("status", "--all", "--lang", "en").stdout
    assert row(after, "ywwfbj").startswith("ywwfbj Visitor reception ")  # the desk's language: en
    assert "show their ids" in after  # the others are still as 0.1 left them
    assert "show their ids" not in run_cli("status", "--all", "--ids", "--lang", "en").stdout


@pytest.mark.parametrize(
    ("lang", "handed", "role"),
    [("en", "instance {} is now with role HR", "HR"), ("zh-Hant", "實例 {} 已交給角色 人力部", "人力部")],
)
def test_an_instance_handed_to_a_role_shows_the_role_by_its_title(
    run_cli: Run, lang: str, handed: str, role: str
) -> None:
    run = run_cli("run", VISITOR, "--lang", lang, "--json", input="")
    ident = run.stdout.strip().splitlines()[-1].split('"instance":"')[1][:6]
    done = run_cli("handoff", ident, "--to", "hr", "--lang", lang)
    assert done.stdout == handed.format(ident) + "\n", done.output
    shown = row(run_cli("status", "--lang", lang).stdout, ident)
    assert shown.endswith(f" tester → {role}") and "hr" not in shown
    assert row(run_cli("status", "--ids").stdout, ident) == f"{ident} sample-visitor stand tester → hr"
    assert json_assignee(run_cli, ident) == "hr"  # --json keeps ids


def json_assignee(run_cli: Run, ident: str) -> str:
    rows = json.loads(run_cli("status", "--json").stdout)["open"]
    return str(next(r["assignee"] for r in rows if r["instance"] == ident))
