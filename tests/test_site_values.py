"""C008: a site value must suit where the procedures use the parameter."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result


def test_durations_and_penalty_counts_from_the_site_are_checked(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    site = tmp_path / "procflow.yaml"
    site.write_text(
        "procflow-site: 1\n"
        "procedures:\n"
        "  art3-front-desk-shift:\n"
        "    params: {negligence_min_count: 0, serious_negligence_min_count: 3}\n"
        "  art1-meeting-service:\n"
        "    params: {setup_lead: half an hour, welcome_lead: 20 minutes}\n",
        encoding="utf-8",
    )
    result = run_cli("--site", str(site), "validate")
    assert result.exit_code == 1
    assert (
        f"{site}:4:36: error: parameter 'negligence_min_count' of 'art3-front-desk-shift' is a penalty's count "
        "of violations; expected a whole number of at least 1, got 0 [C008]"
    ) in result.output
    assert (
        f"{site}:6:26: error: parameter 'setup_lead' of 'art1-meeting-service' is a deadline's duration; "
        "'half an hour' is not one (e.g. '30 minutes', '1h30m') [C008]"
    ) in result.output
    assert "parameter 'serious_negligence_min_count'" not in result.output  # 3 is a fine count
    assert "parameter 'welcome_lead'" not in result.output  # and 20 minutes a fine duration
    assert result.output.rstrip().endswith("2 errors, 0 warnings")


def test_a_site_duration_longer_than_a_date_can_carry_is_refused(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    site = tmp_path / "procflow.yaml"
    site.write_text(
        "procflow-site: 1\nprocedures:\n  art1-meeting-service:\n    params: {setup_lead: 99999999999 weeks}\n",
        encoding="utf-8",
    )
    result = run_cli("--site", str(site), "validate")
    assert result.exit_code == 1
    assert (
        f"{site}:4:26: error: parameter 'setup_lead' of 'art1-meeting-service' is a deadline's duration; "
        "'99999999999 weeks' is longer than 100 years (e.g. '30 minutes', '1h30m') [C008]"
    ) in result.output
    assert "Traceback" not in result.output
