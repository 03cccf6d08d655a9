"""Where a rule finding goes: the line and column of a JSON pointer, inside a scalar if asked.

A finding may point at a character of a scalar's value (the name inside a guard); in the file
that character sits after the opening quote and after any escapes, so the column is mapped
through the source text. Block and multi-line scalars fall back to the scalar's start.
"""

from __future__ import annotations

import yaml
from procflow.engine.load.yamlio import Document


def _resolve(document: Document, pointer: str, key: bool) -> tuple[yaml.Node, bool]:
    """The node and whether the whole pointer was found."""
    node: yaml.Node = document.root
    key_node: yaml.Node | None = None
    for part in _split(pointer):
        found = document.child(node, part)  # through an index of large mappings
        if found is None:
            return node, False
        key_node, node = found
    return (key_node if key and key_node is not None else node), True


def position(
    document: Document, pointer: str, *, key: bool = False, offset: int | None = None
) -> tuple[int, int]:
    """1-based line and column; `offset` counts characters into the scalar's value (None: the
    scalar's first character, its quote if quoted)."""
    node, complete = _resolve(document, pointer, key)
    start, end = node.start_mark, node.end_mark
    line, col = start.line + 1, start.column + 1
    if offset is None or not complete or not isinstance(node, yaml.ScalarNode) or start.line != end.line:
        return line, col
    style = node.style or ""
    if style == "":
        return line, col + offset
    if style not in ("'", '"') or not document.text:
        return line, col
    source = document.text[start.index : end.index]
    return line, col + _source_offset(source, offset, style)


def _source_offset(source: str, offset: int, quote: str) -> int:
    """Characters from the opening quote to the `offset`-th character of the value."""
    at, seen = 1, 0  # past the opening quote
    while seen < offset and at < len(source) - 1:
        if quote == "'" and source.startswith("''", at):
            at += 2
        elif quote == '"' and source[at] == "\\":
            at += _escape_length(source, at)
        else:
            at += 1
        seen += 1
    return at


def _escape_length(source: str, at: int) -> int:
    kind = source[at + 1 : at + 2]
    return {"x": 4, "u": 6, "U": 10}.get(kind, 2)


def _split(pointer: str) -> list[str]:
    if not pointer:
        return []
    parts = pointer.lstrip("/").split("/")
    if "~" not in pointer:  # the usual case: nothing escaped
        return parts
    return [p.replace("~1", "/").replace("~0", "~") for p in parts]
