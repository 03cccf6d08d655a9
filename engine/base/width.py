"""How many terminal cells text takes, and tables aligned by it: the one place procflow measures.

East Asian wide and full-width characters take two cells, combining marks none, any other
character one. Pure functions on strings; nothing here prints or knows what a table holds.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence

GAP = "  "  # between the columns of every table procflow prints


def char_width(char: str) -> int:
    """Cells one character takes: 0 for a combining mark, 2 for East Asian wide or full-width."""
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Cells `text` takes on a terminal (see `char_width`)."""
    if text.isascii():  # no ASCII character is wide or combining: one cell each, and most text is ASCII
        return len(text)
    return sum(char_width(c) for c in text)


def pad(text: str, width: int) -> str:
    """`text` followed by blanks up to `width` cells (never cut)."""
    return text + " " * max(width - display_width(text), 0)


def pad_left(text: str, width: int) -> str:
    """Blanks, then `text`, `width` cells in all: numbers aligned on the right."""
    return " " * max(width - display_width(text), 0) + text


def column_widths(rows: Sequence[Sequence[str]]) -> list[int]:
    """The width of each column: that of its widest cell (no columns for no rows)."""
    if not rows:
        return []
    return [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]


def align(rows: Sequence[Sequence[str]], *, right: Collection[int] = (), indent: str = "") -> list[str]:
    """Each row as a line: cells padded to their column's width (on the left for the columns
    in `right`), two blanks apart, after `indent`, with trailing blanks dropped."""
    widths = column_widths(rows)
    return [
        (
            indent
            + GAP.join(
                pad_left(cell, width) if i in right else pad(cell, width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            )
        ).rstrip()
        for row in rows
    ]
