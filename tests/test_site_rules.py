"""The site file's registered rules (C004-C008): the registry, docs/site.md, and one bad example
per rule with exactly what `procflow validate` prints for it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from procflow.engine.rules import REGISTRY, SITE_REGISTRY, SiteChecked, all_rules, site_rule
from procflow.engine.site.rules import site_rules

ROOT = Path(__file__).resolve().parents[1]
SITE_MD = ROOT / "docs" / "site.md"
EXAMPLES = ROOT / "docs" / "examples" / "site-rules"
RunCli = Callable[..., Result]
CODES = [r.code for r in site_rules()]


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the checkout, so paths in messages are the ones docs/site.md shows."""
    monkeypatch.chdir(ROOT)
    return ROOT


def test_codes_names_and_summaries_follow_the_conventions() -> None:
    assert CODES == ["C004", "C005", "C006", "C007", "C008"]
    names = [r.name for r in site_rules()]
    assert len(set(names)) == len(names)
    assert not set(names) & {r.name for r in all_rules()}, "a site rule's name is a procedure rule's"
    assert not set(CODES) & set(REGISTRY)
    for r in site_rules():
        assert re.fullmatch(r"C\d{3}", r.code)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", r.name), r.name
        assert "\n" not in r.summary and not r.summary.endswith(".")
        assert r.summary[0].islower() or r.summary[0] in "`'", r.summary
        assert r.check_site is not None and r.check is None and r.check_project is None


def test_registering_a_site_code_twice_is_refused() -> None:
    with pytest.raises(RuntimeError, match="C004 registered twice"):
        site_rule("C004", "again", "a duplicate")(lambda site: iter(()))
    assert SITE_REGISTRY["C004"].name == "unknown-site-procedure"


def test_a_site_rule_reads_only_the_site_data_and_the_procedures() -> None:
    checked = SiteChecked({"procflow-site": 1, "procedures": {"nowhere": {}}}, [])
    rule = SITE_REGISTRY["C004"]
    assert rule.check_site is not None
    (finding,) = rule.check_site(checked)
    assert (finding.pointer, finding.message, finding.key) == (
        "/procedures/nowhere",
        "unknown procedure 'nowhere'",
        True,
    )


# --- docs/site.md ------------------------------------------------------------------------


def _sections() -> dict[str, str]:
    text = SITE_MD.read_text(encoding="utf-8")
    parts = re.split(r"^### (C\d{3}) ", text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def test_site_md_lists_every_site_rule_with_code_name_and_summary() -> None:
    text = SITE_MD.read_text(encoding="utf-8")
    sections = _sections()
    assert list(sections) == CODES
    for r in site_rules():
        assert f"| {r.code} | `{r.name}` | {r.severity.value}" in text
        assert f"| {r.summary} |" in text
        heading, _, body = sections[r.code].partition("\n")
        assert heading == r.name
        assert f"— {r.summary}." in body


@pytest.mark.parametrize("code", CODES)
def test_each_site_rule_has_an_example_and_its_exact_output(
    code: str, run_cli: RunCli, at_root: Path
) -> None:
    example = (EXAMPLES / f"{code}.yaml").relative_to(ROOT)
    body = _sections()[code]
    assert f"[`{example}`](examples/site-rules/{code}.yaml)" in body
    console = re.search(r"```console\n\$ procflow validate (\S+) procedures\n(.*?)```", body, flags=re.S)
    assert console is not None, f"no console block for {code}"
    target, shown = console.groups()
    assert target == str(example)
    result = run_cli("validate", "--no-cache", target, "procedures")
    assert result.exit_code == 1
    assert result.output == shown
    found = re.findall(r"^\S+:\d+:\d+: \w+: .* \[(\w+)\]$", result.output, flags=re.M)
    assert found and set(found) == {code}, "an example shows its own rule and nothing else"


def test_a_site_wide_unknown_parameter_is_only_a_warning(run_cli: RunCli, at_root: Path) -> None:
    output = run_cli("validate", "--no-cache", "docs/examples/site-rules/C005.yaml", "procedures").output
    assert ": warning: no procedure declares parameter 'org_nmae'" in output
    assert ": error: procedure 'art4-visitor-reception' has no parameter 'ac_setpoint'" in output
