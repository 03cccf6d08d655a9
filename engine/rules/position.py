"""Where a rule finding goes: the line and column of a JSON pointer, inside a scalar if asked.

A finding may point at a character of a scalar's value (the name inside a guard); in the file
that character sits after the opening quote and after any escapes, so the column is mapped
through the source text. Block and multi-line scalars fall back to the scalar's start.
"""

from __future__ import annotations

import yaml
from procflow.engine.load.yamlio import Document

Parents = dict[str, tuple[yaml.Node, bool]]  # pointer -> (its node, or the deepest found; complete)


def _resolve(document: Document, pointer: str, key: bool, parents: Parents | None) -> tuple[yaml.Node, bool]:
    """The node and whether the whole pointer was found. With `parents`, the node above the
    last part is looked up there (and kept there): a file's findings are mostly siblings."""
    if parents is None or not pointer or pointer.startswith("//"):
        return _walk(document, _split(pointer), key)
    above, _, last = pointer.rpartition("/")
    held = parents.get(above)
    if held is None:
        held = parents[above] = _walk(document, _split(above), False)
    node, complete = held
    if not complete:
        return node, False
    found = document.child(node, _unescape(last))
    if found is None:
        return node, False
    key_node, node = found
    return (key_node if key and key_node is not None else node), True


def _walk(document: Document, parts: list[str], key: bool) -> tuple[yaml.Node, bool]:
    node: yaml.Node = document.root
    key_node: yaml.Node | None = None
    for part in parts:
        found = document.child(node, part)  # through an index of large mappings
        if found is None:
            return node, False
        key_node, node = found
    return (key_node if key and key_node is not None else node), True


def position(
    document: Document,
    pointer: str,
    *,
    key: bool = False,
    offset: int | None = None,
    parents: Parents | None = None,
) -> tuple[int, int]:
    """1-based line and column; `offset` counts characters into the scalar's value (None: the
    scalar's first character, its quote if quoted). `parents` keeps nodes looked up on the way
    for the next call on the same document."""
    node, complete = _resolve(document, pointer, key, parents)
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
    return [_unescape(p) for p in parts]


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~") if "~" in part else part
