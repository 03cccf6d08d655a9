"""`procflow validate` through the front door: stages, paths, exit codes, cache and pool."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from click.testing import Result
from procflow.engine.base.diagnostic import Diagnostic, Severity, sort_unique
from procflow.engine.check import crossfile, workers
from procflow.engine.check import files as check_files
from procflow.engine.check import pipeline as validate
from procflow.engine.check.files import check_file
from procflow.engine.check.pipeline import validate_paths

FIXTURES = Path(__file__).parent / "fixtures"
VISITOR = FIXTURES / "valid" / "visitor.yaml"
RunCli = Callable[..., Result]


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own result cache, never the user's."""
    directory = tmp_path / "cache"
    monkeypatch.setenv("PROCFLOW_CACHE_DIR", str(directory))
    return directory


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory, so paths in messages are short and predictable."""
    directory = tmp_path / "work"
    directory.mkdir()
    monkeypatch.chdir(directory)
    return directory


def copy_valid(target: Path, *, procedure_id: str = "sample-visitor") -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    text = VISITOR.read_text(encoding="utf-8").replace("id: sample-visitor", f"id: {procedure_id}")
    target.write_text(text, encoding="utf-8")
    return target


def write(target: Path, text: str) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def bad_field_type(target: Path) -> Path:
    """A valid procedure with one schema error: `type: txt` at line 13, column 24."""
    text = VISITOR.read_text(encoding="utf-8").replace("{type: text,", "{type: txt,")
    return write(target, text)


def test_clean_file_exits_0(run_cli: RunCli, work: Path) -> None:
    copy_valid(work / "visitor.yaml")
    result = run_cli("validate", "visitor.yaml")
    assert result.exit_code == 0, result.output
    assert result.output == "1 file checked: no problems\n"


def test_schema_error_at_line_and_column_exits_1(run_cli: RunCli, work: Path) -> None:
    bad_field_type(work / "bad.yaml")
    result = run_cli("validate", "bad.yaml")
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith("bad.yaml:13:24: error: ")
    assert "'txt'" in first
    assert result.output.endswith("1 file checked: 1 error, 0 warnings\n")


def test_missing_path_is_a_usage_error(run_cli: RunCli, work: Path) -> None:
    result = run_cli("validate", "nope.yaml")
    assert result.exit_code == 2
    assert result.stderr == "procflow: path 'nope.yaml' does not exist\n"
    assert result.stdout == ""


def test_directory_without_procedures_is_a_usage_error(run_cli: RunCli, work: Path) -> None:
    (work / "empty").mkdir()
    (work / "empty" / "readme.txt").write_text("not a procedure")
    result = run_cli("validate", "empty")
    assert result.exit_code == 2
    assert result.stderr == "procflow: no *.yaml or *.yml files under 'empty'\n"


def test_bad_option_value_is_a_usage_error(run_cli: RunCli, work: Path) -> None:
    copy_valid(work / "visitor.yaml")
    assert run_cli("validate", "--format", "xml", "visitor.yaml").exit_code == 2
    assert run_cli("validate", "--max-bytes", "0", "visitor.yaml").exit_code == 2


def test_directories_are_walked_recursively_sorted_and_hidden_ones_skipped(work: Path) -> None:
    copy_valid(work / "procs" / "b.yaml", procedure_id="b")
    copy_valid(work / "procs" / "sub" / "a.yml", procedure_id="a")
    copy_valid(work / "procs" / ".git" / "c.yaml", procedure_id="c")
    write(work / "procs" / "notes.txt", "not yaml: [")
    assert validate.collect_paths(["procs"]) == [
        os.path.join("procs", "b.yaml"),
        os.path.join("procs", "sub", "a.yml"),
    ]


def test_a_file_given_twice_is_checked_once(run_cli: RunCli, work: Path) -> None:
    bad_field_type(work / "procs" / "bad.yaml")
    result = run_cli("validate", "procs", "procs/bad.yaml", "./procs/bad.yaml")
    assert result.exit_code == 1
    assert result.output.count("error: ") == 1
    assert result.output.endswith("1 file checked: 1 error, 0 warnings\n")


def test_no_path_checks_the_bundled_procedures() -> None:
    from procflow.engine.base.paths import procedures_dir
    from procflow.engine.check.catalog import procedure_files

    result = validate_paths([])
    assert result.counts["files"] == len(procedure_files(procedures_dir()))


def test_every_file_is_checked_even_after_a_broken_one(run_cli: RunCli, work: Path) -> None:
    write(work / "a.yaml", "id: [unclosed\n")
    bad_field_type(work / "b.yaml")
    copy_valid(work / "c.yaml", procedure_id="c")
    result = run_cli("validate", ".")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if ": error: " in line]
    assert [line.split(":")[0] for line in lines] == ["a.yaml", "b.yaml"]
    assert "[Y005]" in lines[0]
    assert result.output.endswith("3 files checked: 2 errors, 0 warnings\n")


def test_every_schema_error_of_a_file_is_reported(work: Path) -> None:
    text = VISITOR.read_text(encoding="utf-8")
    text = text.replace("{type: text,", "{type: txt,").replace("initial: stand", "initial: Stand")
    write(work / "two.yaml", text)
    procedure, found = check_file("two.yaml")
    assert procedure is None
    assert [(d.line, d.pointer) for d in found] == [(13, "/fields/visitor_name/type"), (21, "/initial")]


def test_rules_do_not_run_after_a_failed_schema_stage(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:

    def must_not_run(checked: object) -> list[Diagnostic]:
        raise AssertionError("rules ran on a file that failed the schema check")

    monkeypatch.setattr(check_files, "run_rules", must_not_run)
    bad_field_type(work / "bad.yaml")
    result = validate_paths(["bad.yaml"], use_cache=False)
    assert result.counts["errors"] == 1


def warn_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stand-in per-file rule: one warning on every procedure's title."""
    from procflow.engine import rules as rules_package

    def run_rules(checked: rules_package.Checked) -> list[Diagnostic]:
        line, col = checked.document.locate("/title")
        return [Diagnostic(checked.document.path, line, col, "P999", Severity.WARNING, "a warning", "/title")]

    monkeypatch.setattr(check_files, "run_rules", run_rules)


def test_warnings_fail_only_with_strict(run_cli: RunCli, work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warn_everywhere(monkeypatch)
    copy_valid(work / "visitor.yaml")
    plain = run_cli("validate", "--no-cache", "visitor.yaml")
    assert plain.exit_code == 0
    assert plain.output.startswith("visitor.yaml:4:8: warning: a warning [P999]\n")
    assert plain.output.endswith("1 file checked: 0 errors, 1 warning\n")
    assert run_cli("validate", "--no-cache", "--strict", "visitor.yaml").exit_code == 1


def test_internal_error_is_one_line_and_exit_3(
    run_cli: RunCli, work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    def broken(checked: object) -> list[Diagnostic]:
        raise RuntimeError("rule exploded")

    monkeypatch.setattr(check_files, "run_rules", broken)
    copy_valid(work / "visitor.yaml")
    result = run_cli("validate", "--no-cache", "visitor.yaml")
    assert result.exit_code == 3
    assert result.stderr == "procflow: internal error: RuntimeError: rule exploded (rerun with --traceback)\n"


def test_max_bytes_refuses_a_larger_file(run_cli: RunCli, work: Path) -> None:
    copy_valid(work / "visitor.yaml")
    result = run_cli("validate", "--max-bytes", "100", "visitor.yaml")
    assert result.exit_code == 1
    assert result.output.startswith("visitor.yaml: error: ")
    assert "[Y004]" in result.output
    assert "100" in result.output


def test_json_and_github_formats(run_cli: RunCli, work: Path) -> None:
    bad_field_type(work / "bad.yaml")
    data = json.loads(run_cli("validate", "--format", "json", "bad.yaml").output)
    assert data["summary"] == {"files": 1, "errors": 1, "warnings": 0}
    assert data["diagnostics"][0]["pointer"] == "/fields/visitor_name/type"
    github = run_cli("validate", "--format", "github", "bad.yaml")
    assert github.exit_code == 1
    assert github.output.startswith("::error file=bad.yaml,line=13,col=24,title=")


def test_check_file_gives_the_model_of_a_valid_procedure() -> None:
    procedure, found = check_file(str(VISITOR))
    assert procedure is not None and procedure.id == "sample-visitor"
    assert [d for d in found if d.is_error] == []


def test_check_file_reports_a_load_error(work: Path) -> None:
    write(work / "dup.yaml", "id: a\nid: b\n")
    procedure, found = check_file("dup.yaml")
    assert procedure is None
    assert [(d.line, d.col, d.code) for d in found] == [(2, 1, "Y006")]


# --- cache ----------------------------------------------------------------------------------


def test_second_run_reuses_results_and_gives_the_same_answer(work: Path, cache_dir: Path) -> None:
    copy_valid(work / "good.yaml", procedure_id="good")
    bad_field_type(work / "bad.yaml")
    first = validate_paths(["."])
    second = validate_paths(["."])
    assert first.counts["cached"] == 0
    assert second.counts["cached"] == 2
    assert second.diagnostics == first.diagnostics
    assert cache_entries(cache_dir) == 3  # two files, one set for project rules


def cache_database(cache_dir: Path) -> Path:
    (database,) = cache_dir.rglob("*.sqlite3")
    return database


def cache_entries(cache_dir: Path) -> int:
    with contextlib.closing(sqlite3.connect(cache_database(cache_dir))) as db:
        count: int = db.execute("SELECT count(*) FROM entries").fetchone()[0]
    return count


def test_project_rules_run_again_only_when_the_set_changes(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from procflow.engine import rules as rules_package

    calls: list[int] = []
    real = rules_package.run_project_rules

    def counting(checked: Iterable[rules_package.Checked]) -> list[Diagnostic]:
        calls.append(1)
        return real(checked)

    monkeypatch.setattr(crossfile, "run_project_rules", counting)
    copy_valid(work / "a.yaml", procedure_id="a")
    copy_valid(work / "b.yaml", procedure_id="b")
    first = validate_paths(["."])
    assert validate_paths(["."]) == validate_paths(["a.yaml", "b.yaml"])
    assert len(calls) == 1
    copy_valid(work / "b.yaml", procedure_id="a")  # now a duplicate id
    changed = validate_paths(["."])
    assert len(calls) == 2
    assert changed.counts["cached"] == 1
    assert [d.code for d in changed.diagnostics if d.code not in {d.code for d in first.diagnostics}] == [
        "P006"
    ]
    validate_paths(["a.yaml"])  # another set
    assert len(calls) == 3


def test_a_changed_file_is_checked_again(work: Path) -> None:
    copy_valid(work / "visitor.yaml")
    assert not validate_paths(["visitor.yaml"]).failed()
    bad_field_type(work / "visitor.yaml")
    again = validate_paths(["visitor.yaml"])
    assert again.counts["cached"] == 0
    assert again.failed()


def test_no_cache_writes_nothing(run_cli: RunCli, work: Path, cache_dir: Path) -> None:
    copy_valid(work / "visitor.yaml")
    assert run_cli("validate", "--no-cache", "visitor.yaml").exit_code == 0
    assert not cache_dir.exists()


@pytest.mark.parametrize(
    "stored",
    [
        '{"diagnostics": [[1, "x"]], "digest": null}',
        '{"diagnostics": [], "digest": {"id": "x"}}',
        '{"diagnostics": [], "digest": "{\\"id\\": 5}"}',
        '{"diagnostics": [], "digest": "not json"}',
        '{"project": [["a.yaml", true]]}',
        "not json",
        "[]",
    ],
)
def test_entries_this_version_did_not_write_are_misses(work: Path, cache_dir: Path, stored: str) -> None:
    bad_field_type(work / "bad.yaml")
    fresh = validate_paths(["bad.yaml"])
    with contextlib.closing(sqlite3.connect(cache_database(cache_dir))) as db, db:
        db.execute("UPDATE entries SET value = ?", (stored,))
    again = validate_paths(["bad.yaml"])
    assert again.diagnostics == fresh.diagnostics
    assert again.counts["cached"] == 0


def test_digests_have_the_shape_the_cache_checks() -> None:
    from procflow.engine.check.digest import is_digest, make_digest
    from procflow.engine.load.yamlio import load_yaml

    digest = make_digest(load_yaml(VISITOR).data)
    assert is_digest(digest)
    data = json.loads(digest)
    data["states"]["done"]["outcome"] = 3
    assert not is_digest(json.dumps(data))


def test_a_damaged_cache_file_is_replaced(work: Path, cache_dir: Path) -> None:
    bad_field_type(work / "bad.yaml")
    fresh = validate_paths(["bad.yaml"])
    database = cache_database(cache_dir)
    for path in database.parent.iterdir():
        path.unlink()
    database.write_bytes(b"\xff\xfe not a database" * 100)
    assert validate_paths(["bad.yaml"]).diagnostics == fresh.diagnostics
    assert validate_paths(["bad.yaml"]).diagnostics == fresh.diagnostics  # the next run has a new cache
    assert validate_paths(["bad.yaml"]).counts["cached"] == 1


def test_a_locked_cache_only_costs_time(work: Path, cache_dir: Path) -> None:
    copy_valid(work / "a.yaml", procedure_id="a")
    validate_paths(["a.yaml"])
    bad_field_type(work / "b.yaml")
    with contextlib.closing(sqlite3.connect(cache_database(cache_dir), isolation_level=None)) as other:
        other.execute("BEGIN EXCLUSIVE")  # another run in the middle of writing
        result = validate_paths(["."])
        other.execute("ROLLBACK")
    assert result.counts["errors"] == 1
    assert validate_paths(["."]).counts["cached"] == 1  # a.yaml, from before the lock


def test_an_unusable_cache_directory_does_not_stop_validation(
    work: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("PROCFLOW_CACHE_DIR", str(blocker))
    bad_field_type(work / "bad.yaml")
    assert validate_paths(["bad.yaml"]).counts["errors"] == 1
    assert validate_paths(["bad.yaml"]).counts["cached"] == 0


# --- process pool and project rules ---------------------------------------------------------


def many_files(work: Path, count: int) -> list[Path]:
    paths = [copy_valid(work / "many" / f"p{i:03d}.yaml", procedure_id=f"p{i:03d}") for i in range(count)]
    bad_field_type(paths[7])
    write(paths[11], "states: [\n")
    return paths


def test_the_pool_gives_the_same_result_as_one_process(work: Path) -> None:
    many_files(work, workers.PARALLEL_FROM + 6)
    alone = validate_paths(["many"], jobs=1, use_cache=False)
    pooled = validate_paths(["many"], jobs=2, use_cache=False)
    assert pooled == alone
    assert alone.counts["errors"] == 2


def test_project_rules_see_every_procedure_and_place_findings(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from procflow.engine import rules as rules_package

    seen: list[list[str]] = []

    def project(checked: list[rules_package.Checked]) -> list[Diagnostic]:
        seen.append([c.procedure.id for c in checked])
        first = checked[0]
        line, col = first.document.locate("/states/inquire/next/1/to")
        return [Diagnostic(first.document.path, line, col, "P998", Severity.ERROR, "project finding", "")]

    monkeypatch.setattr(crossfile, "run_project_rules", project)
    many_files(work, workers.PARALLEL_FROM + 2)
    expected = (os.path.join("many", "p000.yaml"), 44, 14)
    for use_cache in (False, True, True):  # fresh; fresh, stored; every result from the cache
        result = validate_paths(["many"], jobs=2, use_cache=use_cache)
        finding = next(d for d in result.diagnostics if d.code == "P998")
        assert (finding.path, finding.line, finding.col) == expected
    assert result.counts["cached"] == workers.PARALLEL_FROM + 2
    assert len(seen) == 2  # the unchanged set's project findings came from the cache
    assert seen[0] == seen[1]
    assert len(seen[0]) == workers.PARALLEL_FROM  # two of the files failed earlier stages
    assert seen[0] == sorted(seen[0])


def test_paths_outside_the_working_directory_stay_as_given(tmp_path: Path, work: Path) -> None:
    outside = copy_valid(tmp_path / "elsewhere" / "visitor.yaml")
    shutil.copy(outside, work / "here.yaml")
    result = validate_paths([str(outside), "here.yaml"])
    assert result.files == tuple(sorted([str(outside), "here.yaml"]))


USER = """\
procflow: 1
id: {id}
title: {{zh-Hant: 測試, en: Test}}
params: {{org_name: 華僑賓館}}
roles: {{front_desk: {{zh-Hant: 前臺, en: Front desk}}}}
initial: start
states:
  start:
    role: front_desk
    use: {{procedure: {uses}, params: {{org_name: 靜茶, bogus: 1}}}}
    outcomes: {{completed: done, lost: other}}
  middle:
    role: front_desk
    next: done
  other: {{final: true, outcome: refused}}
  done: {{final: true, outcome: completed}}
"""


def test_project_rules_find_the_same_with_summaries_as_with_whole_procedures(work: Path) -> None:
    """Project rules get a digest of each procedure (see check/digest.py); they must not need more."""
    from procflow.engine.load.yamlio import load_yaml
    from procflow.engine.rules import Checked, run_project_rules

    for name, ident, uses in [
        ("a", "a", "b"),
        ("b", "b", "a"),
        ("c", "a", "c"),
        ("d", "d", "nowhere"),
        ("e", "e", "d"),
    ]:
        write(work / f"{name}.yaml", USER.format(id=ident, uses=uses))
    copy_valid(work / "f.yaml")
    whole = []
    for path in validate.collect_paths(["."]):
        procedure, _ = check_file(path)
        assert procedure is not None, path
        whole.append(Checked(procedure, load_yaml(path)))
    expected = sort_unique(run_project_rules(whole))
    assert {d.code for d in expected} >= {"P006", "P019", "P020", "P021", "P030"}
    for use_cache in (False, True, True):
        result = validate_paths(["."], use_cache=use_cache)
        project = [d for d in result.diagnostics if d.code in {e.code for e in expected}]
        assert project == expected


def test_a_file_name_that_is_not_utf8_is_checked_and_cached(work: Path) -> None:
    odd = work / os.fsdecode(b"bad\xffname.yaml")  # what Linux gives for a name in another encoding
    try:
        copy_valid(odd)
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses the name")
    copy_valid(work / "same.yaml")  # a duplicate id: the message names the odd file
    first = validate_paths(["."])
    second = validate_paths(["."])
    assert [d.code for d in first.diagnostics] == ["P006"]
    assert second.diagnostics == first.diagnostics
    assert second.counts["cached"] == 2


def test_a_change_to_a_used_procedure_beside_the_file_is_seen_with_the_cache(work: Path) -> None:
    fixtures = FIXTURES / "subprocedures"
    shutil.copy(fixtures / "desk.yaml", work / "desk.yaml")
    shutil.copy(fixtures / "call.yaml", work / "call.yaml")
    assert validate_paths(["desk.yaml"]).diagnostics == ()
    assert validate_paths(["desk.yaml"]).counts["cached"] == 1
    call = (work / "call.yaml").read_text(encoding="utf-8")
    (work / "call.yaml").write_text(call.replace("dropped", "hung_up"), encoding="utf-8")
    found = validate_paths(["desk.yaml"]).diagnostics
    assert [(d.path, d.code) for d in found] == [("desk.yaml", "P021"), ("desk.yaml", "P021")]
