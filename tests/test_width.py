"""Display width and table alignment (`engine.base.width`): CJK takes two cells, a combining
mark none; every table procflow prints lines up under that rule, checked through the CLI too."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from procflow.engine.base.width import align, column_widths, display_width, pad, pad_left

VISITOR = str(Path(__file__).parent / "fixtures" / "valid" / "visitor.yaml")
Run = Callable[..., Result]

ACCENTED = "Jose\u0301"  # José with a combining acute: five characters, four cells
WIDE = "王小明"  # three characters, six cells
FULL_WIDTH = "ＡＢ，"  # full-width letters and comma: two cells each


def test_display_width_counts_cjk_twice_and_combining_marks_not_at_all() -> None:
    assert display_width("") == 0
    assert display_width("abc") == 3
    assert display_width(WIDE) == 6
    assert display_width(FULL_WIDTH) == 6
    assert display_width(ACCENTED) == 4
    assert display_width("王\u0301a") == 3  # a mark on a wide character adds nothing


def test_pad_fills_to_cells_and_never_cuts() -> None:
    assert pad(ACCENTED, 6) == ACCENTED + "  "
    assert pad(WIDE, 7) == WIDE + " "
    assert pad(WIDE, 2) == WIDE
    assert pad_left("7", 3) == "  7"


def test_align_lines_up_columns_by_cells() -> None:
    rows = [["NAME", "N", "NOTE"], [WIDE, "12", "x"], [ACCENTED, "3", ""]]
    assert column_widths(rows) == [6, 2, 4]
    assert align(rows, right={1}) == [
        "NAME     N  NOTE",
        "王小明  12  x",
        ACCENTED + "     3",  # five characters, four cells: padded by two, then the gap
    ]
    assert align(rows[:1], indent="  ") == ["  NAME  N  NOTE"]
    assert align([]) == []


def _answers(tmp_path: Path) -> str:
    path = tmp_path / "answers.yaml"
    path.write_text("answers: {}\n", encoding="utf-8")
    return str(path)


def test_status_aligns_a_name_with_a_combining_mark_and_cjk(run_cli: Run, tmp_path: Path) -> None:
    for who in (ACCENTED, WIDE, "mei"):
        assert run_cli("run", VISITOR, "--answers", _answers(tmp_path), "--as", who, "--json").exit_code == 1
    assert len(json.loads(run_cli("status", "--json").stdout)["open"]) == 3
    lines = run_cli("status", "--lang", "en").stdout.splitlines()
    head, *rows = lines[1:5]
    since = {display_width(line[:-16]) for line in rows}  # each row ends with its time, 16 cells
    assert since == {display_width(head[: head.index("SINCE")])}, "\n".join(lines)
