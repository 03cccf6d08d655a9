"""Lines of the operator's screen wrapped to the terminal's width, by display width (CJK takes
two cells), with a hanging indent under the line's marker (`[ ] 1.`, `┃`, `↳`, `?`, `!`, the key
of a row in the list of keys).

A line breaks at a blank, or between two CJK characters; never inside a Latin word (a word
wider than the line stays whole) and never before closing punctuation (`。`, `,`, `、`, `」`),
which stays with the character before it. Our own colour codes (SGR) take no cells. Pure
functions: the width is given, nothing here asks the terminal.
"""

from __future__ import annotations

import os
import re
import shutil
import sys

from procflow.engine.base.width import char_width, display_width

# Punctuation that may not begin a line (kinsoku): it closes what comes before it.
CLOSING = frozenset("。,、;:?!)」』】〕〉》”’.,;:?!)]}…ー々〜")
# Punctuation that may not end a line: it opens what comes after it.
OPENING = frozenset("(「『【〔〈《“‘([{")
# A line's marker: leading blanks, then a checkbox and number, a say bar, a hand-over note, a
# question, an error, or the key of a row of the keys (`?`): one or two short words and the
# blanks after them.
_MARKER = re.compile(
    r"^( *)(┃ |↳ |\? (?! )|! |[^\s┃\[][^ ]{0,9}(?: [^ ]{1,9})? {2,}(?=\S)|(?:\[[ x\-]\] )?(?:\d+\. )?)"
)
_STYLE = re.compile(r"\x1b\[[0-9;]*m")  # click.style's codes: no cells
MIN_WIDTH = 20  # narrower than this, wrapping helps nobody: lines are left whole


def error_width() -> int | None:
    """The width to wrap standard error's lines to: the terminal's columns when it is one."""
    return shutil.get_terminal_size().columns if sys.stderr.isatty() else None


def screen_width() -> int | None:
    """The width to wrap to: the terminal's columns when standard output is one, else
    `PROCFLOW_WIDTH` when set (a transcript of a narrow screen); None: do not wrap. (Not
    `COLUMNS` when piped: test runners and shells set it for their own output.)"""
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    columns = os.environ.get("PROCFLOW_WIDTH", "").strip()
    return int(columns) if columns.isdigit() else None


def wrap(line: str, width: int | None, hang: str | None = None) -> list[str]:
    """`line` as lines of at most `width` cells (a Latin word wider than that stays whole),
    continued under the text after its marker (or after `hang`, when given)."""
    if width is None or width < MIN_WIDTH or _cells(line) <= width:
        return [line]
    if hang is None:
        marker = _MARKER.match(_STYLE.sub("", line))
        hang = " " * display_width(marker.group(0)) if marker else ""
    if display_width(hang) > width // 2:
        hang = hang[: width // 2]
    tokens = _tokens(line)
    lines: list[str] = []
    current: list[str] = []
    used = 0
    for token in tokens:
        cells = _cells(token)
        if current and used + cells > width and not token.isspace():
            lines.append("".join(current).rstrip())
            current, used = [hang], display_width(hang)
        if token.isspace() and used == display_width(hang) and lines:
            continue  # no blanks at the start of a continued line
        current.append(token)
        used += cells
    lines.append("".join(current).rstrip())
    return lines


def _cells(text: str) -> int:
    return display_width(_STYLE.sub("", text))


def _tokens(line: str) -> list[str]:
    """Units that are never split: a run of blanks, a Latin word (with the closing punctuation
    after it), one wide character (with the closing punctuation after it), a style code."""
    tokens: list[str] = []
    index = 0
    while index < len(line):
        style = _STYLE.match(line, index)
        if style:
            _attach(tokens, style.group())
            index = style.end()
            continue
        char = line[index]
        end = index + 1
        if char == " ":
            while end < len(line) and line[end] == " ":
                end += 1
        elif char_width(char) == 1 and char not in CLOSING:
            while end < len(line) and line[end] != " " and char_width(line[end]) == 1:
                if _STYLE.match(line, end):
                    break
                end += 1
        token = line[index:end]
        if token[0] in CLOSING and tokens and not tokens[-1].isspace():
            tokens[-1] += token  # never at the start of a line: glued to what it closes
        elif token[0] in CLOSING and len(tokens) > 1 and tokens[-1].isspace():
            tokens[-2:] = [tokens[-2] + tokens[-1] + token]  # `word 。`: the blank goes with them
        elif tokens and tokens[-1] and tokens[-1][-1] in OPENING:
            tokens[-1] += token  # never at the end of a line: glued to what it opens
        else:
            tokens.append(token)
        index = end
    return tokens


def _attach(tokens: list[str], code: str) -> None:
    """A style code rides with the token it precedes or follows, taking no cells."""
    if tokens and not tokens[-1].isspace():
        tokens[-1] += code
    else:
        tokens.append(code)
