"""Where a rule finding goes: the line and column of a JSON pointer, inside a scalar if asked.

A finding may point at a character of a scalar's value (the name inside a guard); in the file
that character sits after the opening quote and after any escapes, so the column is mapped
through the source text. Block and multi-line scalars fall back to the scalar's start.
"""

from __future__ import annotations

import yaml
from procflow.engine.load.yamlio import Document

Parents = dict[str, tuple[yaml.Node, bool]]  # pointer -> (its node, or the deepest found; complete)
Place = tuple[int, int]


class Positions:
    """Where the pointers of one document's findings are, each looked up once.

    A file's findings are mostly siblings (one or two per state of thousands): the first one
    looked up under a mapping or list places every child of it (their keys, or their values)
    in one pass over its nodes, which costs about what indexing a large mapping for a single
    look-up costs, and each later finding is one dictionary look-up instead of a walk. Each
    node is placed once at most, so placing costs time linear in the file.
    """

    def __init__(self, document: Document) -> None:
        self.document = document
        self.nodes: dict[str, Place] = {}  # pointer -> line, col of its node
        self.keys: dict[str, Place] = {}  # pointer -> line, col of the key that holds it
        self.offsets: dict[tuple[str, bool, int], Place] = {}
        self.parents: Parents = {}
        self.placed: set[tuple[str, bool]] = set()  # (parent pointer, key): children placed

    def at(self, pointer: str, key: bool = False, offset: int | None = None) -> Place:
        """What `position` says, remembered."""
        if offset is not None:
            where = (pointer, key, offset)
            found = self.offsets.get(where)
            if found is None:
                found = self.offsets[where] = position(
                    self.document, pointer, key=key, offset=offset, parents=self.parents
                )
            return found
        known = self.keys if key else self.nodes
        found = known.get(pointer)
        if found is None:
            if pointer and not pointer.startswith("//"):
                above = pointer.rpartition("/")[0]
                if (above, key) not in self.placed:
                    self._place(above, key)
                    found = known.get(pointer)
            if found is None:  # not in the file, or a pointer spelled unlike its node
                found = known[pointer] = position(self.document, pointer, key=key, parents=self.parents)
        return found

    def _place(self, above: str, key: bool) -> None:
        """Every child of the mapping or list at `above`: the line and column of its key
        (`key`; a list item has none) or of its value, as `position` gives them."""
        self.placed.add((above, key))
        held = self.parents.get(above)
        if held is None:  # found under its own parent, as a finding's node is
            held = self.parents[above] = _resolve(self.document, above, False, self.parents)
        node, complete = held
        if not complete:
            return
        known = self.keys if key else self.nodes
        if isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                mark = item.start_mark
                known[f"{above}/{index}"] = (mark.line + 1, mark.column + 1)
            return
        if not isinstance(node, yaml.MappingNode):
            return
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            name = key_node.value
            if "~" in name or "/" in name:
                name = name.replace("~", "~0").replace("/", "~1")
            pointer = f"{above}/{name}"
            if pointer not in known:  # the first key of a name, as `Document.child` finds it
                mark = (key_node if key else value_node).start_mark
                known[pointer] = (mark.line + 1, mark.column + 1)


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
