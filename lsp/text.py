"""Positions between procflow and the editor: procflow counts characters from 1, the protocol
counts from 0 in the client's code units (UTF-16 unless agreed otherwise).

`Lines` holds one text's lines and the agreed encoding; every range sent to the editor is
made here. Also the extent of the token a finding points at. Nothing here knows procedures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lsprotocol import types
from pygls.workspace import PositionCodec, ServerTextPosition

_WORD = re.compile(r"[\w\-]+")
_QUOTED = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"?|'(?:[^'\n]|'')*'?")
_BRACED = re.compile(r"\{[^}\s]*\}?")


@dataclass(frozen=True)
class Lines:
    lines: tuple[str, ...]
    codec: PositionCodec

    @classmethod
    def of(cls, text: str, codec: PositionCodec) -> Lines:
        lines = text.splitlines()
        if not lines or text.endswith(("\n", "\r")):  # the empty line after the last newline is a line
            lines.append("")
        return cls(tuple(lines), codec)

    def line(self, number: int) -> str:
        return self.lines[number] if 0 <= number < len(self.lines) else ""

    def position(self, line: int, col: int) -> types.Position:
        """A 0-based line and character column as the client counts."""
        return self.codec.position_to_client_units(self.lines, ServerTextPosition(line, col))

    def range(self, line: int, col: int, end_col: int, end_line: int | None = None) -> types.Range:
        return types.Range(
            self.position(line, col), self.position(line if end_line is None else end_line, end_col)
        )

    def point(self, position: types.Position) -> tuple[int, int]:
        """The client's position as a 0-based line and character column."""
        found = self.codec.position_from_client_units(
            self.lines, types.Position(position.line, position.character)
        )
        return found.line, found.character

    def token_range(self, line: int, col: int) -> types.Range:
        """The range of the token at `line`, `col` (0-based): a quoted scalar, a `{placeholder}`,
        a word, else the one character (or the empty end of the line)."""
        return self.range(line, col, col + token_length(self.line(line), col))


def token_length(text: str, col: int) -> int:
    if col >= len(text):
        return 0
    for pattern in (_QUOTED, _BRACED, _WORD):
        match = pattern.match(text, col)
        if match and match.end() > col:
            return match.end() - col
    return 1
