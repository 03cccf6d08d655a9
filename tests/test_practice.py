"""Practice mode: `run --practice` and `resume --practice` work in a scratch database beside the
real one, say so on every screen, and nothing practised reaches the real record or `report`."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from procflow.terminal.practice import is_practice, practice_path

REPO = Path(__file__).resolve().parent.parent
RUN_DIR = str(REPO / "tests" / "fixtures" / "run")
SITE = REPO / "tests" / "golden" / "report_month" / "procflow.yaml"
Run = Callable[..., Result]
BANNER = "◆ PRACTICE · nothing here is real or counted · scratch database "


def test_the_scratch_database_is_the_real_ones_sibling_and_never_the_real_one(tmp_path: Path) -> None:
    assert practice_path(str(tmp_path / "procflow.db")) == str(tmp_path / "procflow.practice.db")
    assert practice_path(str(tmp_path / "records")) == str(tmp_path / "records.practice")
    assert practice_path(str(tmp_path / "x.practice.db")) == str(tmp_path / "x.practice.db")
    assert is_practice(str(tmp_path / "procflow.practice.db")) and not is_practice(str(tmp_path / "p.db"))


def test_practice_beside_a_team_server_is_a_file_on_this_desk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for url in ("postgresql://desk@db.example/procflow", "postgres://desk:pw@db.example:5433/team"):
        scratch = practice_path(url)
        assert scratch == str(tmp_path / "data" / "procflow" / "procflow.practice.db") and is_practice(
            scratch
        )
        assert (tmp_path / "data" / "procflow").is_dir()


def test_a_practice_run_says_so_above_every_state_and_leaves_the_real_database_alone(
    run_cli: Run, tmp_path: Path
) -> None:
    real = Path(os.environ["PROCFLOW_DB"])
    typed = "y\n\n2\n\nMs Lin\n"
    result = run_cli("run", "sample-shift", "--dir", RUN_DIR, "--lang", "en", "--practice", input=typed)
    assert result.exit_code == 1, result.output
    scratch = tmp_path / "procflow.practice.db"
    assert scratch.exists() and not real.exists()
    states = result.stdout.count("\n── ")
    assert states == 3 and result.stdout.count(BANNER + str(scratch)) == states
    ident = result.stdout.split("instance ", 1)[1][:6]
    assert (
        f"practice instance {ident} stays open at 'Ask what they need' in the scratch database"
        in result.stderr
    )
    assert f"procflow resume {ident} --practice" in result.stderr

    assert run_cli("resume", ident, "--lang", "en").exit_code == 4  # not in the real database
    real.unlink()  # that look made an empty real database; nothing below may write to it
    ended = run_cli("resume", ident, "--lang", "en", "--practice", "--json", input="no\ns\nno pen\n\nclose\n")
    assert ended.exit_code == 0, ended.output
    data = json.loads(ended.stdout.splitlines()[-1])
    assert (data["status"], data["practice"]) == ("finished", str(scratch))
    assert "already given (kept as it was typed):\n   ? Caller > Ms Lin" in ended.stdout
    assert f"practice over: nothing was recorded for real (scratch database {scratch})" in ended.stderr
    assert not real.exists()
    assert "no open instances" in run_cli("status", "--lang", "en").stdout


def test_a_practice_run_in_chinese_says_so_in_chinese(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("run", "sample-shift", "--dir", RUN_DIR, "--lang", "zh-Hant", "--practice", input="y\n")
    assert "◆ 練習 · 此處一切不算數、不計入報表 · 練習資料庫 " in result.stdout
    assert "練習實例" in result.stderr and "--practice" in result.stderr


def test_a_breach_made_in_practice_is_never_counted_by_report(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROCFLOW_SITE", str(SITE))
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "answers: {arrived_at: '2026-03-09T08:30'}\nmoves: [colleague_discussion]\n", encoding="utf-8"
    )
    later = tmp_path / "later.yaml"
    later.write_text("moves: [discussion_ended]\n", encoding="utf-8")
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T08:30+08:00")
    started = run_cli(
        "run", "art3-front-desk-shift", "--practice", "--as", "wang", "--answers", str(answers), "--json"
    )
    ident = json.loads(started.stdout.splitlines()[-1])["instance"]
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T08:45+08:00")  # five minutes past the ten allowed
    run_cli("resume", ident, "--practice", "--as", "wang", "--answers", str(later), "--json")
    scratch = str(tmp_path / "procflow.practice.db")
    practised = json.loads(run_cli("violation", "list", "--json", "--db", scratch).stdout)
    assert [(v["kind"], v["person"]) for v in practised] == [("breach", "wang")]
    assert json.loads(run_cli("violation", "list", "--json").stdout) == []
    report = json.loads(run_cli("report", "--month", "2026-03", "--format", "json").stdout)
    assert {p["person"]: sum(p["counts"].values()) for p in report["people"]}.get("wang", 0) == 0


def test_practice_refusals_have_their_exit_codes_and_never_touch_the_real_database(run_cli: Run) -> None:
    real = Path(os.environ["PROCFLOW_DB"])
    unknown = run_cli("run", "no-such-procedure", "--practice")
    assert unknown.exit_code == 4 and "no-such-procedure" in unknown.stderr
    missing = run_cli("resume", "zzzzzz", "--practice")
    assert missing.exit_code == 4 and "unknown instance 'zzzzzz'" in missing.stderr
    assert not real.exists()
