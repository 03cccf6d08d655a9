"""Text from outside, made safe: refused when it cannot be stored, shown inertly when printed.

What a person types, a file holds or a database kept may carry bytes that are not UTF-8 (they
arrive as lone surrogates), terminal control sequences (ESC, OSC, C1 controls) or bidi
overrides that reorder what a reader sees. `unstorable` finds what must be refused at input;
`visible` turns text for a terminal into characters that cannot drive it. Pure functions.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Literal, NamedTuple

# Bidi embeddings, overrides and isolates: they change the order a reader sees, not the text.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")

# Every character `is_control` refuses: Unicode's Cc category is exactly U+0000-U+001F and
# U+007F-U+009F, Cs the surrogates. One regular expression scans a whole validate report (tens
# of megabytes for a file with 150,000 findings) in C instead of a Python call per character.
_CONTROLS = "\x00-\x1f\x7f-\x9f\ud800-\udfff" + "".join(sorted(BIDI_CONTROLS))


def is_control(char: str, *, allow: str = "") -> bool:
    """A C0/C1 control (ESC, BEL, DEL included), a bidi control, or a lone surrogate."""
    if char in allow:
        return False
    category = unicodedata.category(char)
    return category in ("Cc", "Cs") or char in BIDI_CONTROLS


# What a terminal sends for a key procflow did not read (an arrow, Home, F1) or a program
# embeds to drive one: CSI `ESC [ ... final`, OSC `ESC ] ... BEL|ST`, or ESC and one character.
_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|\x9b[0-?]*[ -/]*[@-~]?"
)


class Refusal(NamedTuple):
    """Why text may not enter the record, for a message in any language: what was found
    (`encoding`, `sequence`, `bidi` or `control`) and the offending part, shown inertly."""

    kind: Literal["encoding", "sequence", "bidi", "control"]
    shown: str


def refusal(text: str, *, allow: str = "") -> Refusal | None:
    """The first reason `text` may not be recorded (see `Refusal`), or None."""
    for index, char in enumerate(text):
        if "\ud800" <= char <= "\udfff":
            return Refusal("encoding", "\ufffd")
        if not is_control(char, allow=allow):
            continue
        if char in "\x1b\x9b":
            found = _SEQUENCE.match(text, index)
            if found is not None and len(found.group()) > 1:
                return Refusal("sequence", visible(found.group(), allow=""))
        if char in BIDI_CONTROLS:
            return Refusal("bidi", describe(char))
        return Refusal("control", describe(char))
    return None


@functools.lru_cache(maxsize=16)
def _controls(allow: str) -> re.Pattern[str]:
    """The characters `is_control` refuses, less those in `allow`: one character class (a
    lookahead for `allow` would be tried at every position of the text)."""
    if not allow:
        return re.compile(f"[{_CONTROLS}]")
    wanted = [c for c in range(0x20) if chr(c) not in allow]
    wanted += [c for c in range(0x7F, 0xA0) if chr(c) not in allow]
    wanted += [ord(c) for c in BIDI_CONTROLS if c not in allow]
    ranges = "".join(f"\\u{c:04x}" for c in sorted(wanted))
    return re.compile(f"[{ranges}\\ud800-\\udfff]")


def unstorable(text: str, *, allow: str = "") -> str | None:
    """Why `text` may not enter the record, or None: the first character that is not UTF-8 (a
    surrogate from undecodable bytes) or a control character, described for a message."""
    found = _controls(allow).search(text)
    if found is None:
        return None
    char = found.group()
    if "\ud800" <= char <= "\udfff":
        return "it is not valid UTF-8 (the terminal or file sent bytes in another encoding)"
    return f"it contains the control character {describe(char)}"


def describe(char: str) -> str:
    """A control character as a person can read it: U+001B (ESCAPE)."""
    name = unicodedata.name(char, "") or {"\x1b": "ESCAPE", "\x7f": "DELETE"}.get(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def visible(text: str, *, allow: str = "\n\t") -> str:
    """`text` with every control character (except those in `allow`) shown as a `\\x1b`-style
    escape and every lone surrogate as U+FFFD, so printing it cannot move the cursor, retitle a
    window, write the clipboard or reorder the line."""
    if text.isascii() and not text.encode("ascii").translate(None, _printable_ascii(allow)):
        return text  # nothing but printable ASCII and `allow`: four times as fast as the scan below
    return _controls(allow).sub(_shown, text)


@functools.lru_cache(maxsize=16)
def _printable_ascii(allow: str) -> bytes:
    """The ASCII characters `visible` leaves as they are: deleted, only controls would remain."""
    return bytes(range(0x20, 0x7F)) + bytes(ord(c) for c in allow if c.isascii())


def blanked(text: str, *, allow: str = "") -> str:
    """`text` with every control character (except those in `allow`) replaced by U+FFFD: one
    cell wide, so a caret drawn under the line still lines up."""
    return _controls(allow).sub("\ufffd", text)


def _shown(found: re.Match[str]) -> str:
    char = found.group()
    if "\ud800" <= char <= "\udfff":
        return "\ufffd"
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
