"""The everyday typing mistakes of authors who write Chinese: a full-width colon `：`, space `　`
or comma `，` where YAML syntax needs the ASCII one, and tabs in indentation (Y016-Y019).

Found at their own position (not where the parser gave up), each named in both languages with
what to type instead, and with the edit that fixes it (`diagnostic_fix`, for an editor's code
action).
Pure text functions: nothing here reads files or builds Diagnostics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from procflow.engine.base.diagnostic import Diagnostic
from procflow.engine.base.messages import message

COLON, SPACE, COMMA, TAB = "：", "　", "，", "\t"
CODES = {COLON: "Y016", SPACE: "Y017", COMMA: "Y018", TAB: "Y019"}
KEYS = {
    "Y016": "load.fullwidth_colon",
    "Y017": "load.fullwidth_space",
    "Y018": "load.fullwidth_comma",
    "Y019": "load.tab_indent",
}

# a key written with a full-width colon: at the start of a line (after list dashes) or in a flow mapping
_KEY_COLON = re.compile(r"(?:^[ \t　]*(?:-[ 　]+)*|[{,][ 　]*)[^\s:：#'\"{}\[\],]+?(：)")
# full-width spaces in a line's indentation, or right after a key's colon or a list's dash
_SPACE = re.compile(r"^[ 　]*?(　)|(?:^\s*-|[^\s:]:)(　)")
_INDENT_TAB = re.compile(r"^[ 　]*(\t)")
_QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'")
_SUSPECT_KEY = re.compile(r"[：，]|^　|　$")


@dataclass(frozen=True)
class Fix:
    """Replace `length` characters at `line`:`col` (1-based, in characters) with `replacement`."""

    line: int
    col: int
    length: int
    replacement: str


@dataclass(frozen=True)
class Typo:
    """One mistake: its code, where it is (1-based), and the words for it."""

    code: str
    line: int
    col: int

    @property
    def message(self) -> str:
        return describe(self.code)


def describe(code: str) -> str:
    """The message for Y016-Y019: English, then Traditional Chinese (the cache keeps one text)."""
    key = KEYS[code]
    return f"{message('en', key)} ({message('zh-Hant', key)})"


def find_typo(text: str, first_line: int, last_line: int) -> Typo | None:
    """The first mistake on lines `first_line`..`last_line` (0-based, inclusive) of a text the
    parser refused there: the likeliest cause of the refusal, at its own position."""
    lines = text.splitlines()
    for number in range(max(first_line, 0), min(last_line, len(lines) - 1) + 1):
        found = line_typo(lines[number], _in_flow(lines, number))
        if found is not None:
            code, col = found
            return Typo(code, number + 1, col)
    return None


def line_typo(line: str, in_flow: bool = False) -> tuple[str, int] | None:
    """(code, 1-based column) of a mistake in one line, outside quoted text and comments."""
    masked = _mask(line)
    candidates: list[tuple[int, str]] = []
    tab = _INDENT_TAB.match(masked)
    if tab:
        candidates.append((tab.start(1), "Y019"))
    colon = _KEY_COLON.search(masked)
    if colon:
        candidates.append((colon.start(1), "Y016"))
    space = _SPACE.search(masked)
    if space:
        candidates.append((space.start(1) if space.group(1) else space.start(2), "Y017"))
    if in_flow or "[" in masked or "{" in masked:
        comma = masked.find(COMMA)
        if comma >= 0:
            candidates.append((comma, "Y018"))
    if not candidates:
        return None
    index, code = min(candidates)
    return code, index + 1


def key_typo(key: str) -> tuple[str, int] | None:
    """(code, 0-based index) when a mapping key that parsed holds a mistake: a full-width colon
    or comma, or a full-width space at either end (never part of a name procflow reads)."""
    found = _SUSPECT_KEY.search(key)
    if found is None:
        return None
    char = key[found.start()]
    return CODES[char], found.start()


def fix_for(code: str, text: str, line: int, col: int) -> Fix | None:
    """The edit that fixes mistake `code` (Y016-Y019) reported at `line`:`col` (1-based) of
    `text`; None when that place does not hold the mistake (the text changed since)."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return None
    line_text, index = lines[line - 1], col - 1
    if not 0 <= index < len(line_text):
        return None
    char = line_text[index]
    if code == "Y019" and char == TAB:
        indent = len(line_text) - len(line_text.lstrip(" \t　"))
        return Fix(line, 1, indent, line_text[:indent].replace(TAB, "  ").replace(SPACE, " "))
    if code == "Y017" and char == SPACE:
        run = len(line_text[index:]) - len(line_text[index:].lstrip(SPACE))
        return Fix(line, col, run, " " * run)
    if code in ("Y016", "Y018") and char == (COLON if code == "Y016" else COMMA):
        ascii_ = ":" if code == "Y016" else ","
        after = line_text[index + 1 : index + 2]
        return Fix(line, col, 1, ascii_ if after in (" ", "") else ascii_ + " ")
    return None


def diagnostic_fix(diagnostic: Diagnostic, text: str) -> Fix | None:
    """The fix of a Diagnostic (Y016-Y019) in the text it was found in; None for other codes."""
    if diagnostic.code not in KEYS:
        return None
    return fix_for(diagnostic.code, text, diagnostic.line, diagnostic.col)


def _mask(line: str) -> str:
    """The line with quoted text and a trailing comment blanked, positions kept."""
    masked = _QUOTED.sub(lambda m: "_" * len(m.group()), line)
    comment = re.search(r"(^|\s)#", masked)
    return masked[: comment.start()] + " " * (len(masked) - comment.start()) if comment else masked


def _in_flow(lines: list[str], number: int) -> bool:
    """Whether line `number` continues a `[`/`{` opened on an earlier line (a rough count)."""
    depth = 0
    for line in lines[max(0, number - 20) : number]:
        masked = _mask(line)
        depth = max(0, depth + masked.count("[") + masked.count("{") - masked.count("]") - masked.count("}"))
    return depth > 0
