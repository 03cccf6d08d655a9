"""Text from outside, made safe: refused when it cannot be stored, shown inertly when printed.

What a person types, a file holds or a database kept may carry bytes that are not UTF-8 (they
arrive as lone surrogates), terminal control sequences (ESC, OSC, C1 controls) or bidi
overrides that reorder what a reader sees. `unstorable` finds what must be refused at input;
`visible` turns text for a terminal into characters that cannot drive it. Pure functions.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal, NamedTuple

# Bidi embeddings, overrides and isolates: they change the order a reader sees, not the text.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


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


def unstorable(text: str, *, allow: str = "") -> str | None:
    """Why `text` may not enter the record, or None: the first character that is not UTF-8 (a
    surrogate from undecodable bytes) or a control character, described for a message."""
    for char in text:
        if "\ud800" <= char <= "\udfff":
            return "it is not valid UTF-8 (the terminal or file sent bytes in another encoding)"
        if is_control(char, allow=allow):
            return f"it contains the control character {describe(char)}"
    return None


def describe(char: str) -> str:
    """A control character as a person can read it: U+001B (ESCAPE)."""
    name = unicodedata.name(char, "") or {"\x1b": "ESCAPE", "\x7f": "DELETE"}.get(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def visible(text: str, *, allow: str = "\n\t") -> str:
    """`text` with every control character (except those in `allow`) shown as a `\\x1b`-style
    escape and every lone surrogate as U+FFFD, so printing it cannot move the cursor, retitle a
    window, write the clipboard or reorder the line."""
    if text.isprintable() or not any(is_control(c, allow=allow) for c in text):
        return text
    out = []
    for char in text:
        if "\ud800" <= char <= "\udfff":
            out.append("\ufffd")
        elif is_control(char, allow=allow):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)
