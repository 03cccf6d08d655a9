"""The bundled procedures as CI sees them: valid, traced to every clause, fully exercised."""

from __future__ import annotations

from collections.abc import Callable

from click.testing import Result


def test_bundled_procedures_validate_strictly(run_cli: Callable[..., Result]) -> None:
    result = run_cli("validate", "--strict")
    assert result.exit_code == 0, result.output


def test_every_clause_of_the_five_documents_is_accounted_for(run_cli: Callable[..., Result]) -> None:
    result = run_cli("trace", "--missing")
    assert result.exit_code == 0, result.output
    assert "MISSING" not in result.output
    assert result.output.rstrip().endswith("0 missing, 0 problems")


def test_bundled_scenarios_take_every_transition_in_every_language(run_cli: Callable[..., Result]) -> None:
    result = run_cli("test", "--min-coverage", "100", "--all-languages")
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.output
