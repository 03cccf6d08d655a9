"""procflow trace: every clause of the index accounted for, through the CLI."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from conftest import FIXTURES

TRACE = FIXTURES / "trace"


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A writable copy of the small clause index and its document."""
    target = tmp_path / "sources"
    target.mkdir()
    for name in ("article-4.yaml", "front-desk-procedures.zh-Hant.txt"):
        shutil.copy(TRACE / name, target / name)
    return target


def trace(
    run_cli: Callable[..., Result], sources: Path, *paths: Path | str, extra: tuple[str, ...] = ()
) -> Result:
    return run_cli("trace", "--sources", str(sources), "--lang", "en", *extra, *map(str, paths))


def test_every_clause_accounted_for_exits_0(run_cli: Callable[..., Result], sources: Path) -> None:
    result = trace(run_cli, sources, TRACE / "visitor.yaml")
    assert result.exit_code == 0, result.output
    assert (
        "第四篇 前臺接待規程 (華僑賓館): 3 clauses, 2 encoded, 1 not executable, 0 missing" in result.output
    )
    assert "第四篇 來訪者接待 1  encoded: trace-visitor:stand" in result.output
    assert "第四篇 來訪者接待 2  encoded: trace-visitor:inquire.say.0" in result.output
    assert "第四篇 來訪者接待 3  not executable: A standing requirement, not a step" in result.output
    assert result.output.endswith(
        "1 article, 3 clauses: 2 encoded, 1 not executable, 0 missing, 0 problems\n"
    )


def test_a_clause_no_procedure_cites_is_missing_and_fails(
    run_cli: Callable[..., Result], sources: Path, tmp_path: Path
) -> None:
    text = (
        (TRACE / "visitor.yaml")
        .read_text(encoding="utf-8")
        .replace("        source: 第四篇 來訪者接待 2\n", "")
    )
    procedure = tmp_path / "visitor.yaml"
    procedure.write_text(text, encoding="utf-8")
    result = trace(run_cli, sources, procedure, extra=("--missing",))
    assert result.exit_code == 1
    assert "  第四篇 來訪者接待 2  MISSING: 問詢——語氣輕柔:“您好,請問您找哪一位?”" in result.output
    assert "encoded:" not in result.output  # --missing lists only the gaps


def test_unknown_clause_reference_names_the_closest(
    run_cli: Callable[..., Result], sources: Path, tmp_path: Path
) -> None:
    text = (
        (TRACE / "visitor.yaml")
        .read_text(encoding="utf-8")
        .replace("source: 第四篇 來訪者接待 1", "source: 第四篇 來訪者接待 9")
    )
    procedure = tmp_path / "visitor.yaml"
    procedure.write_text(text, encoding="utf-8")
    result = trace(run_cli, sources, procedure)
    assert result.exit_code == 1
    expected = f"{procedure}:12:13: source '第四篇 來訪者接待 9' is not a clause of the index; did you mean '第四篇 來訪者接待"
    assert expected in result.output


def test_index_must_match_the_document_word_for_word(run_cli: Callable[..., Result], sources: Path) -> None:
    index = sources / "article-4.yaml"
    index.write_text(
        index.read_text(encoding="utf-8").replace("保持前臺環境干凈整潔。", "保持前臺環境整潔。"),
        encoding="utf-8",
    )
    result = trace(run_cli, sources, TRACE / "visitor.yaml")
    assert result.exit_code == 1
    assert (
        f"{index}:9:1: the text of clause '第四篇 來訪者接待 3' is not in the source document word for word [T002]"
        in result.output
    )
    document = sources / "front-desk-procedures.zh-Hant.txt"
    assert (
        f"{document}:5:1: document text '3、保持前臺環境干凈整潔。' is in no clause of the index [T004]"
        in result.output
    )


def test_not_executable_needs_a_reason(run_cli: Callable[..., Result], sources: Path) -> None:
    index = sources / "article-4.yaml"
    text = index.read_text(encoding="utf-8")
    index.write_text(
        text.replace(
            '    reason: {zh-Hant: "環境要求,非步驟", en: "A standing requirement, not a step"}\n', ""
        ),
        encoding="utf-8",
    )
    result = trace(run_cli, sources, TRACE / "visitor.yaml")
    assert result.exit_code == 1
    assert "is marked not executable without a `reason` [T001]" in result.output


def test_json_lists_each_clause_with_status_and_place(run_cli: Callable[..., Result], sources: Path) -> None:
    result = trace(run_cli, sources, TRACE / "visitor.yaml", extra=("--json",))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    clauses = data["articles"][0]["clauses"]
    assert [c["status"] for c in clauses] == ["encoded", "encoded", "not-executable"]
    assert clauses[0]["encoded_in"][0]["procedure"] == "trace-visitor"
    assert clauses[0]["encoded_in"][0]["line"] == 12
    assert data["summary"] == {
        "articles": 1,
        "clauses": 3,
        "encoded": 2,
        "not_executable": 1,
        "missing": 0,
        "problems": 0,
    }


def test_missing_index_directory_is_a_usage_error(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    result = run_cli("trace", "--sources", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "does not exist" in result.output
