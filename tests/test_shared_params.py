"""Shared parameters (`{from: PROCEDURE}`): declared once, set once by a site, read by every
procedure that shares them, through the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

PRIVATE_CALL = "answers: {call_kind: private}\n"


def _site(tmp_path: Path, body: str) -> Path:
    site = tmp_path / "procflow.yaml"
    site.write_text("procflow-site: 1\n" + body, encoding="utf-8")
    return site


def _greeting(run_cli: Callable[..., Result], tmp_path: Path, site: Path | None) -> str:
    answers = tmp_path / "answers.yaml"
    answers.write_text(PRIVATE_CALL, encoding="utf-8")
    args = ("--site", str(site)) if site is not None else ()
    result = run_cli(
        *args, "run", "art3-phone-reception", "--answers", str(answers), "--lang", "en", "--as", "li"
    )
    assert result.exit_code == 0, result.output
    return next(line for line in result.output.splitlines() if "Hello, " in line)


def test_a_value_set_once_for_the_declaring_procedure_reaches_the_one_that_shares_it(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    # art3-phone-reception shares org_name from art3-front-desk-shift (第三篇 四.7)
    assert "Hello, XX公司!" in _greeting(run_cli, tmp_path, None)
    site = _site(tmp_path, "procedures:\n  art3-front-desk-shift:\n    params: {org_name: 甲公司}\n")
    assert "Hello, 甲公司!" in _greeting(run_cli, tmp_path, site)


def test_a_value_for_the_sharing_procedure_itself_wins_over_the_declaring_ones(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    site = _site(
        tmp_path,
        "params: {org_name: 全站公司}\n"
        "procedures:\n"
        "  art3-front-desk-shift: {params: {org_name: 甲公司}}\n"
        "  art3-phone-reception: {params: {org_name: 乙公司}}\n",
    )
    assert "Hello, 乙公司!" in _greeting(run_cli, tmp_path, site)
    site = _site(
        tmp_path,
        "params: {org_name: 全站公司}\nprocedures:\n  art3-front-desk-shift: {params: {org_name: 甲公司}}\n",
    )
    assert "Hello, 甲公司!" in _greeting(run_cli, tmp_path, site)  # the declaring procedure's over site-wide


def test_show_names_where_a_shared_parameter_is_declared_and_the_sites_value(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    site = _site(
        tmp_path, "procedures:\n  art3-front-desk-shift:\n    params: {serious_negligence_min_count: 3}\n"
    )
    result = run_cli("--site", str(site), "show", "art3-violation-review", "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = {
        line.split()[0]: line.split()[1:]
        for line in result.output.splitlines()
        if line.startswith("  ") and line.split()
    }
    assert lines["serious_negligence_min_count"] == ["3", "←", "art3-front-desk-shift", "第三篇", "八.2"]
    assert lines["negligence_min_count"] == ["2", "←", "art3-front-desk-shift", "第三篇", "八.1"]


def test_a_site_value_of_the_wrong_kind_is_judged_by_the_declaring_procedures_default(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    # art3-violation-review shares negligence_min_count (a number, 2) from art3-front-desk-shift
    site = _site(tmp_path, 'procedures:\n  art3-violation-review:\n    params: {negligence_min_count: "2"}\n')
    result = run_cli("--site", str(site), "validate")
    assert result.exit_code == 1
    assert (
        "parameter 'negligence_min_count' of 'art3-violation-review' is a number (default 2); got the text '2' [C007]"
    ) in result.output
    site = _site(tmp_path, "procedures:\n  art3-violation-review:\n    params: {negligence_min_count: 3}\n")
    assert run_cli("--site", str(site), "validate").exit_code == 0


def test_a_procedure_sharing_from_one_that_does_not_exist_cannot_start(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    procedure = tmp_path / "visitors.yaml"
    procedure.write_text(
        "procflow: 1\nid: visitors\ntitle: Visitors\nparams:\n  org_name: {from: nowhere-at-all}\n"
        "initial: greet\nstates:\n  greet:\n    say: ['Hello, {org_name}']\n    next: done\n  done: {final: true}\n",
        encoding="utf-8",
    )
    result = run_cli("run", str(procedure), "--as", "li")
    assert result.exit_code == 4, result.output  # not found, as for a procedure it would use
    assert "no procedure with id 'nowhere-at-all'" in result.output
