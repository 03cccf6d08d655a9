"""Every name in a procedure's text and where it stands: states, fields, parameters, roles,
moves, items and used procedures, each as a definition or a reference with its span.

Built from the loaded YAML (not the model), so that a file the schema rejects can still be
navigated. Navigation, rename, symbols and hover read it; it never checks anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from procflow.engine.load.yamlio import Document
from procflow.engine.model.text import PLACEHOLDER
from procflow.engine.rules.position import position
from yaml.nodes import Node, ScalarNode

STATE, FIELD, PARAM, ROLE, PROCEDURE, MOVE, ITEM = (
    "state",
    "field",
    "param",
    "role",
    "procedure",
    "move",
    "item",
)
RENAMEABLE = (STATE, FIELD, PARAM, PROCEDURE)

_STRINGS = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'")
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_GUARD_WORDS = {"and", "or", "not", "in", "is", "true", "false", "null", "True", "False", "None"}
_GUARD_HELPERS = {"answered", "len", "minutes"}


@dataclass(frozen=True)
class Name:
    """One occurrence of a name: 0-based line and column (characters), and its length."""

    kind: str
    name: str
    line: int
    col: int
    length: int
    definition: bool
    pointer: str  # the node it names (a state, a field, ...) or stands in

    def covers(self, line: int, col: int) -> bool:
        return self.line == line and self.col <= col <= self.col + self.length


@dataclass(frozen=True)
class Index:
    names: tuple[Name, ...]
    procedure_id: str | None

    def at(self, line: int, col: int) -> Name | None:
        found = [n for n in self.names if n.covers(line, col)]
        return min(found, key=lambda n: n.length) if found else None

    def definition(self, kind: str, name: str) -> Name | None:
        return next((n for n in self.names if n.definition and n.kind == kind and n.name == name), None)

    def occurrences(self, kind: str, name: str) -> list[Name]:
        return [n for n in self.names if n.kind == kind and n.name == name]

    def defined(self, kind: str) -> list[str]:
        return list(dict.fromkeys(n.name for n in self.names if n.definition and n.kind == kind))


def build_index(document: Document) -> Index:
    data = document.data if isinstance(document.data, dict) else {}
    names = list(_names(document, data))
    procedure_id = data.get("id") if isinstance(data.get("id"), str) else None
    return Index(tuple(names), procedure_id)


def _names(document: Document, data: dict[str, Any]) -> Iterator[Name]:
    fields = _mapping(data.get("fields"))
    params = _mapping(data.get("params"))
    if isinstance(data.get("id"), str):
        yield from _value(document, "/id", PROCEDURE, data["id"], definition=True)
    for kind, key in ((FIELD, "fields"), (PARAM, "params"), (ROLE, "roles")):
        for name in _mapping(data.get(key)):
            yield from _key(document, f"/{key}/{_esc(name)}", kind, name)
    for name, param in params.items():  # a shared parameter names the procedure that declares it
        if isinstance(param, dict) and isinstance(param.get("from"), str):
            yield from _value(document, f"/params/{_esc(name)}/from", PROCEDURE, param["from"])
    if isinstance(data.get("initial"), str):
        yield from _value(document, "/initial", STATE, data["initial"])
    for name, state in _mapping(data.get("states")).items():
        pointer = f"/states/{_esc(name)}"
        yield from _key(document, pointer, STATE, name)
        if isinstance(state, dict):
            yield from _state(document, pointer, state, fields, params)
    yield from _placeholders(document, "", data)


def _state(
    document: Document, pointer: str, state: dict[str, Any], fields: dict[str, Any], params: dict[str, Any]
) -> Iterator[Name]:
    if isinstance(state.get("role"), str):
        yield from _value(document, f"{pointer}/role", ROLE, state["role"])
    nxt = state.get("next")
    if isinstance(nxt, str):
        yield from _value(document, f"{pointer}/next", STATE, nxt)
    for key in ("next", "moves"):
        for i, entry in enumerate(_list(state.get(key) if key == "moves" or isinstance(nxt, list) else None)):
            if not isinstance(entry, dict):
                continue
            at = f"{pointer}/{key}/{i}"
            if isinstance(entry.get("to"), str):
                yield from _value(document, f"{at}/to", STATE, entry["to"])
            if isinstance(entry.get("when"), str):
                yield from _guard(document, f"{at}/when", entry["when"], fields, params)
            if key == "moves" and isinstance(entry.get("id"), str):
                yield from _value(document, f"{at}/id", MOVE, entry["id"], definition=True, node=at)
    for outcome, target in _mapping(state.get("outcomes")).items():
        if isinstance(target, str):
            yield from _value(document, f"{pointer}/outcomes/{_esc(outcome)}", STATE, target)
    for i, item in enumerate(_list(state.get("do"))):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            at = f"{pointer}/do/{i}"
            yield from _value(document, f"{at}/id", ITEM, item["id"], definition=True, node=at)
    for i, question in enumerate(_list(state.get("ask"))):
        if isinstance(question, str):
            yield from _value(document, f"{pointer}/ask/{i}", FIELD, question)
        elif isinstance(question, dict) and isinstance(question.get("field"), str):
            yield from _value(document, f"{pointer}/ask/{i}/field", FIELD, question["field"])
    for i, deadline in enumerate(_list(state.get("due"))):
        anchor = deadline.get("of") if isinstance(deadline, dict) else None
        if isinstance(anchor, str):
            at = f"{pointer}/due/{i}/of"
            if anchor.startswith("state:"):
                rest = anchor[6:]
                lead = 6 + len(rest) - len(rest.lstrip())
                yield from _value(document, at, STATE, rest.strip(), offset=lead)
            else:
                yield from _value(document, at, FIELD, anchor)
    use = state.get("use")
    if isinstance(use, dict) and isinstance(use.get("procedure"), str):
        yield from _value(document, f"{pointer}/use/procedure", PROCEDURE, use["procedure"])


def _guard(
    document: Document, pointer: str, guard: str, fields: dict[str, Any], params: dict[str, Any]
) -> Iterator[Name]:
    """The names a guard reads: identifiers outside its string literals."""
    blanked = _STRINGS.sub(lambda m: " " * len(m.group()), guard)
    for match in _IDENTIFIER.finditer(blanked):
        word = match.group()
        if word in _GUARD_WORDS or word in _GUARD_HELPERS:
            continue
        if blanked[match.end() : match.end() + 1] == "." or blanked[max(0, match.start() - 1)] == ".":
            continue
        kind = PARAM if word in params and word not in fields else FIELD
        yield from _value(document, pointer, kind, word, offset=match.start())


def _placeholders(document: Document, pointer: str, value: Any) -> Iterator[Name]:
    """`{param}` in every string of the file (parameter references)."""
    if isinstance(value, str):
        for match in PLACEHOLDER.finditer(value):
            yield from _value(document, pointer, PARAM, match.group(1), offset=match.start() + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _placeholders(document, f"{pointer}/{_esc(str(key))}", item)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _placeholders(document, f"{pointer}/{i}", item)


def _key(document: Document, pointer: str, kind: str, name: str) -> Iterator[Name]:
    """The definition of `name`: the mapping key at `pointer`."""
    found = _resolve(document, pointer)
    if found is None or found[0] is None:
        return
    node = found[0]
    quoted = 1 if isinstance(node, ScalarNode) and node.style in ("'", '"') else 0
    mark = node.start_mark
    yield Name(kind, name, mark.line, mark.column + quoted, len(name), True, pointer)


def _value(
    document: Document,
    pointer: str,
    kind: str,
    name: str,
    *,
    definition: bool = False,
    offset: int = 0,
    node: str | None = None,
) -> Iterator[Name]:
    """`name` inside the scalar at `pointer`, `offset` characters into its value."""
    found = _resolve(document, pointer)
    if found is None or not isinstance(found[1], ScalarNode) or not name:
        return
    scalar = found[1]
    if scalar.start_mark.line != scalar.end_mark.line and offset:
        return  # inside a multi-line scalar the column cannot be mapped
    line, col = position(document, pointer, offset=offset)
    if not scalar.style and offset == 0 and scalar.value != name:  # `state: x` with spaces around
        col += len(scalar.value) - len(scalar.value.lstrip())
    yield Name(kind, name, line - 1, col - 1, len(name), definition, node or pointer)


def _resolve(document: Document, pointer: str) -> tuple[Node | None, Node] | None:
    node: Node = document.root
    found: tuple[Node | None, Node] | None = (None, node)
    for part in pointer.lstrip("/").split("/") if pointer else []:
        found = document.child(node, part.replace("~1", "/").replace("~0", "~"))
        if found is None:
            return None
        node = found[1]
    return found


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _esc(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")
