"""Careful YAML loading: a file's bytes to plain data plus the position of every node.

Reads only regular files within a size limit, decodes UTF-8 only (a BOM is fine), and
hands the text to `yamltree`. Every refusal is a `LoadError` carrying one Diagnostic with a
stable code (Y001-Y019); this module never prints and never lets a parser exception escape.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from procflow.engine.load.reader import DEFAULT_MAX_BYTES, LoadError, error, read_bytes, too_big
from procflow.engine.load.yamltree import MAX_ALIAS_NODES, MAX_DEPTH, PLAIN, Builder, TreeError, clip, compose
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_ALIAS_NODES",
    "MAX_DEPTH",
    "Document",
    "LoadError",
    "load_yaml",
    "load_yaml_bytes",
    "read_bytes",
]


@dataclass(frozen=True)
class Document:
    """A loaded YAML file: its data and the node tree that knows where everything is."""

    path: str
    data: Any
    root: Node = field(repr=False)
    text: str = field(repr=False, default="")
    # keys of the large mappings looked up so far, by node identity: a file with thousands of
    # findings under one mapping (its states) would otherwise scan that mapping for each
    _keys: dict[int, dict[str, tuple[Node, Node]]] = field(repr=False, compare=False, default_factory=dict)

    def child(self, node: Node, part: str) -> tuple[Node | None, Node] | None:
        """(key node or None, value node) of `part` under `node`, or None: the first key of
        that name in a mapping, an index in a sequence."""
        if isinstance(node, MappingNode) and (len(node.value) > _SCAN or node is self.root):
            keys = self._keys.get(id(node))
            if keys is None:
                keys = self._keys[id(node)] = {}
                for k, v in node.value:
                    if isinstance(k, ScalarNode):
                        keys.setdefault(k.value, (k, v))
            return keys.get(part)
        return _child(node, part)

    def locate(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        """1-based line and column (in characters) of the node at a JSON pointer.

        With `key`, of the mapping key that holds it. Stops at the deepest existing node when
        the pointer goes further than the file.
        """
        node: Node = self.root
        key_node: Node | None = None
        for part in _split_pointer(pointer):
            found = self.child(node, part)
            if found is None:
                break
            key_node, node = found
        target = key_node if key and key_node is not None else node
        return target.start_mark.line + 1, target.start_mark.column + 1


# mappings up to this many keys are searched in order, larger ones (and the top level, which
# every finding's pointer starts from) through `_keys`
_SCAN = 16


def _split_pointer(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.lstrip("/").split("/")]


def _child(node: Node, part: str) -> tuple[Node | None, Node] | None:
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == part:
                return k, v
    elif isinstance(node, SequenceNode) and part.isdigit():
        index = int(part)
        if index < len(node.value):
            return None, node.value[index]
    return None


def load_yaml(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read and parse one file; raise LoadError with a single clear Diagnostic."""
    name = os.fspath(path)
    return load_yaml_bytes(read_bytes(name, max_bytes), name, max_bytes=max_bytes)


def load_yaml_bytes(raw: bytes, path: str = "<string>", *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Parse bytes already read; `path` is only used in messages."""
    if len(raw) > max_bytes:
        raise too_big(path, len(raw), max_bytes)
    text = _decode(raw, path)
    with collection_paused():
        return _parse(text, path)


@contextmanager
def collection_paused() -> Iterator[None]:
    """Run the block with Python's cyclic garbage collector off, as it was again afterwards.

    Building a large tree allocates objects that all stay alive, and the collector would trace
    the growing tree again and again (a 2,000-state file parsed in twice the time). Reference
    counting still frees what is dropped; a cycle made meanwhile is collected later as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # file what was built with the old objects, so the next young collections do not
        # trace it either (freeze moves every object aside, unfreeze puts them in the oldest
        # generation, which is collected only after it has grown by a quarter)
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


def _parse(text: str, path: str) -> Document:
    try:
        root = compose(text)
        if root is None or (isinstance(root, ScalarNode) and root.tag == PLAIN and root.value == ""):
            raise TreeError("Y012", "file is empty; expected a mapping that starts with `procflow: 1`", 1, 1)
        if not isinstance(root, MappingNode):
            kind = "a list" if isinstance(root, SequenceNode) else f"the value {clip(root.value)!r}"
            line, col = root.start_mark.line + 1, root.start_mark.column + 1
            raise TreeError(
                "Y012",
                f"top level is {kind}; expected a mapping of keys (`procflow: 1`, `id: ...`)",
                line,
                col,
            )
        data = Builder().build(root)
    except TreeError as exc:
        raise error(path, exc.line, exc.col, exc.code, exc.message) from None
    return Document(path=path, data=data, root=root, text=text)


def _decode(raw: bytes, path: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):  # UTF-8 with a byte-order mark, as some Windows editors save it
        raw = raw[3:]
    wide = _wide_encoding(raw)
    if wide:
        raise error(path, 1, 1, "Y002", f"file is {wide}; save it as UTF-8")
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, col = _position_of_byte(raw, nul)
        raise error(path, line, col, "Y003", "file contains a NUL byte; it is binary, not YAML text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position_of_byte(raw, exc.start)
        raise error(
            path,
            line,
            col,
            "Y001",
            f"byte 0x{raw[exc.start]:02x} is not UTF-8; a file saved as GBK or Big5 by a Chinese editor "
            "must be re-saved as UTF-8",
        ) from None


def _wide_encoding(raw: bytes) -> str:
    """UTF-16 or UTF-32 by byte-order mark, or UTF-16 by NULs on one side of ASCII text."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = raw[:256]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if (even == 0) != (odd == 0) and max(even, odd) * 4 >= len(head) // 2:
        return "UTF-16"
    return ""


def _position_of_byte(raw: bytes, offset: int) -> tuple[int, int]:
    """Line and column in characters, as an editor shows them, of a byte offset."""
    start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, len(raw[start:offset].decode("utf-8", "replace")) + 1
