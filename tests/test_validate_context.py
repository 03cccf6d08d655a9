"""A procedure checked on its own is checked against the sub-procedures procflow would run."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

ROOT = Path(__file__).resolve().parent.parent
SHIFT = ROOT / "procedures" / "art1-internal-reception.yaml"  # uses art1-phone- and art1-visitor-reception


def test_a_bundled_procedure_checked_alone_finds_what_it_uses(run_cli: Callable[..., Result]) -> None:
    result = run_cli("validate", "--no-cache", str(SHIFT))
    assert result.exit_code == 0, result.output
    assert result.output == "1 file checked: no problems\n"


def test_a_misspelled_sub_procedure_names_the_real_one(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    shift = tmp_path / "shift.yaml"
    shift.write_text(
        SHIFT.read_text(encoding="utf-8").replace(
            "procedure: art1-phone-reception", "procedure: art1-phone-receptio"
        ),
        encoding="utf-8",
    )
    result = run_cli("validate", "--no-cache", str(shift))
    assert result.exit_code == 1
    assert (
        "procedure 'art1-phone-receptio' does not exist; did you mean 'art1-phone-reception'? [P019]"
        in result.output
    )


def test_outcomes_are_checked_against_a_sub_procedure_beside_the_file(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    shutil.copy(ROOT / "tests" / "fixtures" / "subprocedures" / "call.yaml", tmp_path / "call.yaml")
    desk = (ROOT / "tests" / "fixtures" / "subprocedures" / "desk.yaml").read_text(encoding="utf-8")
    (tmp_path / "desk.yaml").write_text(
        desk.replace("dropped: on_duty", "hung_up: on_duty"), encoding="utf-8"
    )
    result = run_cli("validate", "--no-cache", str(tmp_path / "desk.yaml"))
    assert result.exit_code == 1
    assert (
        "procedure 'sample-call' has no outcome 'hung_up' (its outcomes: answered, dropped) [P021]"
        in result.output
    )
    assert "call.yaml" not in result.output  # read for the check, not reported on
