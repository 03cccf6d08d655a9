"""procflow test: scenarios in, pass/fail and transition coverage out, through the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from conftest import FIXTURES

VALID = str(FIXTURES / "valid")
SCENARIOS = FIXTURES / "scenarios" / "visitor.yaml"


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_passing_scenarios_cover_every_transition(run_cli: Callable[..., Result]) -> None:
    result = run_cli("test", "--dir", VALID, "--min-coverage", "100", "--all-languages", str(SCENARIOS))
    assert result.exit_code == 0, result.output
    assert f"PASS  {SCENARIOS}:3  an interviewee is seated and HR is told [en]" in result.output
    assert "  sample-visitor  7/7 transitions (100%)  languages: en, zh-Hant" in result.output
    assert result.output.endswith(
        "3 scenarios: 3 passed, 0 failed, 0 not run; coverage 100.0% (7/7 transitions)\n"
    )


def test_a_wrong_path_fails_and_names_both_paths(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """procedure: sample-visitor
scenarios:
  - name: courier
    answers: {visitor_name: 李, visitor_kind: courier}
    expect: {path: [stand, inquire, interview, see_off, done]}
""",
    )
    result = run_cli("test", "--dir", VALID, path)
    assert result.exit_code == 1
    assert f"FAIL  {path}:3  courier [zh-Hant]" in result.output
    assert (
        "      path is ['stand', 'inquire', 'sign_parcel', 'see_off', 'done'], "
        "expected ['stand', 'inquire', 'interview', 'see_off', 'done']"
    ) in result.output


def test_a_missing_answer_stops_the_scenario(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """procedure: sample-visitor
scenarios:
  - name: no kind given
    lang: en
    answers: {visitor_name: Wang}
  - name: stopping is what this one expects
    lang: en
    answers: {visitor_name: Wang}
    expect: {missing: visitor_kind, state: inquire}
""",
    )
    result = run_cli("test", "--dir", VALID, path)
    assert result.exit_code == 1
    assert "      stopped: the script has no answer for 'visitor_kind' (Kind of visitor)" in result.output
    assert f"PASS  {path}:6  stopping is what this one expects [en]" in result.output


def test_a_refused_answer_fails_unless_expected(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """procedure: sample-visitor
scenarios:
  - name: an option that does not exist
    answers: {visitor_name: 王, visitor_kind: plumber}
  - name: the same, expected
    answers: {visitor_name: 王, visitor_kind: plumber}
    expect: {error: "'plumber'"}
""",
    )
    result = run_cli("test", "--dir", VALID, path)
    assert result.exit_code == 1
    assert "      refused: answer 'plumber' for 'visitor_kind' is not valid" in result.output
    assert f"PASS  {path}:5  the same, expected [zh-Hant]" in result.output


def test_coverage_below_the_minimum_fails_and_lists_what_was_not_taken(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        """procedure: sample-visitor
scenarios:
  - name: courier only
    answers: {visitor_name: 李, visitor_kind: courier}
""",
    )
    assert run_cli("test", "--dir", VALID, path).exit_code == 0
    result = run_cli("test", "--dir", VALID, "--min-coverage", "100", path)
    assert result.exit_code == 1
    assert (
        "  sample-visitor  4/7 transitions (57%) (below --min-coverage)  languages: zh-Hant" in result.output
    )
    assert "      not taken: inquire -route:0-> interview" in result.output
    assert "      not taken: interview -move:done-> see_off" in result.output


def test_all_languages_needs_a_passing_scenario_per_language(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        """procedure: sample-visitor
scenarios:
  - name: courier only
    answers: {visitor_name: 李, visitor_kind: courier}
""",
    )
    result = run_cli("test", "--dir", VALID, "--all-languages", path)
    assert result.exit_code == 1
    assert "languages: zh-Hant (no passing scenario in en)" in result.output


def test_text_missing_in_the_scenario_language_fails(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    procedure = (FIXTURES / "valid" / "visitor.yaml").read_text(encoding="utf-8")
    procedure = procedure.replace("title: {zh-Hant: 問詢, en: Inquire}", "title: {zh-Hant: 問詢}")
    (tmp_path / "procs").mkdir()
    (tmp_path / "procs" / "visitor.yaml").write_text(procedure, encoding="utf-8")
    path = write(
        tmp_path,
        """procedure: sample-visitor
scenarios:
  - name: in English
    lang: en
    answers: {visitor_name: Li, visitor_kind: courier}
""",
    )
    result = run_cli("test", "--dir", str(tmp_path / "procs"), path)
    assert result.exit_code == 1
    assert "      state 'inquire': title has no 'en' text" in result.output


def test_json_report(run_cli: Callable[..., Result]) -> None:
    result = run_cli("test", "--dir", VALID, "--json", str(SCENARIOS))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["summary"] == {"scenarios": 3, "passed": 3, "failed": 0, "not_run": 0}
    assert data["coverage"]["sample-visitor"]["percent"] == 100.0
    assert data["scenarios"][1]["path"] == ["stand", "inquire", "sign_parcel", "see_off", "done"]


def test_malformed_scenario_file_is_reported_and_fails(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        """procedure: sample-visitor
scenarios:
  - name: typo
    answer: {visitor_name: 李}
""",
    )
    result = run_cli("test", "--dir", VALID, path)
    assert result.exit_code == 1
    assert f"ERROR {path}:3: unknown key 'answer' in scenario 'typo'" in result.output


def test_unknown_procedure_is_reported(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """procedure: sample-visiter
scenarios:
  - name: typo in the id
""",
    )
    result = run_cli("test", "--dir", VALID, path)
    assert result.exit_code == 1
    assert (
        "typo in the id: no procedure with id 'sample-visiter'; did you mean 'sample-visitor'?"
        in result.output
    )


def test_sub_procedure_outcomes_count_even_when_they_lead_to_the_same_state(
    run_cli: Callable[..., Result],
) -> None:
    scenarios = FIXTURES / "scenarios" / "desk.yaml"
    result = run_cli(
        "test", "--dir", str(FIXTURES / "subprocedures"), "--min-coverage", "100", str(scenarios)
    )
    assert result.exit_code == 0, result.output
    assert "  sample-call  2/2 transitions (100%)  languages: en" in result.output
    assert "  sample-desk  4/4 transitions (100%)  languages: en" in result.output
