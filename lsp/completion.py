"""What to offer where the author types: keys the schema allows at that place, state ids after
a move's target, field names and operators in guards, parameters inside `{…}`, role ids,
procedure ids after `use`, language codes.

Read from the line being typed and the lines above it (the text need not load as YAML), and
the names of the last version that loaded. Returns (label, kind, detail) tuples; pure.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from procflow.engine.base.paths import schema_path
from procflow.engine.model.procedure import DEFAULT_LANGUAGES
from procflow.lsp.index import FIELD, PARAM, ROLE, STATE, Index

KEY, VALUE, OPERATOR = "key", "value", "operator"
OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "in", "not in", "and", "or", "not")
_LANGUAGE_PATTERN = "^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?$"
_KEY_LINE = re.compile(r"^(\s*)(- )?([\w-]*)$")
_ENTRY = re.compile(r"^(\s*)(?:- )?([\w-]+)\s*:")


@dataclass(frozen=True)
class Offer:
    label: str
    kind: str  # KEY, VALUE or OPERATOR
    detail: str = ""


@dataclass(frozen=True)
class Names:
    """What the procedure and its project declare, for values."""

    index: Index | None
    data: dict[str, Any]
    procedures: tuple[str, ...]  # ids `use` can name
    site: bool = False  # a site file (`procflow-site: 1`): its own schema's keys

    def declared(self, kind: str) -> list[str]:
        return self.index.defined(kind) if self.index is not None else []

    def languages(self) -> list[str]:
        given = self.data.get("languages")
        return [str(x) for x in given] if isinstance(given, list) else list(DEFAULT_LANGUAGES)


def complete(lines: list[str], line: int, col: int, names: Names) -> list[Offer]:
    """Offers for the cursor at `line`, `col` (0-based, characters)."""
    text = lines[line][:col] if line < len(lines) else ""
    value = list(_values(text, lines, line, names))
    if value:
        return value
    match = _KEY_LINE.match(text)
    if match is None:
        return []
    indent = len(match.group(1)) + (2 if match.group(2) else 0)
    path = _path_above(lines, line, indent, item=bool(match.group(2)))
    if path is None:
        return []
    if path and path[-1] == "[]" and len(path) >= 2 and path[-2] == "ask" and match.group(2):
        return [Offer(name, VALUE, "field") for name in names.declared(FIELD)]
    if path == ["languages", "[]"]:
        return [Offer(tag, VALUE, "language") for tag in names.languages()]
    taken = set(_siblings(lines, line, indent, up=not match.group(2)))  # a new item has none above
    return [o for o in _keys(path, names) if o.label not in taken]


def _values(text: str, lines: list[str], line: int, names: Names) -> Iterator[Offer]:
    """Offers for a value being typed after a key on this line."""
    placeholder = re.search(r"(^|[^\s:\[,{-])\{(\w*)$", text)
    if placeholder:
        yield from (Offer(p, VALUE, "parameter") for p in names.declared(PARAM))
        return
    if re.search(r"\bof\s*:\s*[\"']?state:\s*\w*$", text):
        yield from (Offer(s, VALUE, "state") for s in names.declared(STATE))
        return
    if re.search(r"(?:^|[\s{,])(?:to|next|initial)\s*:\s*[\"']?\w*$", text):
        yield from (Offer(s, VALUE, "state") for s in names.declared(STATE))
        return
    if re.search(r"(?:^|[\s{,])role\s*:\s*[\"']?\w*$", text):
        yield from (Offer(r, VALUE, "role") for r in names.declared(ROLE))
        return
    if re.search(r"(?:^|[\s{,])(?:field|of)\s*:\s*[\"']?\w*$", text):
        yield from (Offer(f, VALUE, "field") for f in names.declared(FIELD))
        return
    if re.search(r"(?:^|[\s{,])procedure\s*:\s*[\"']?[\w-]*$", text):
        yield from (Offer(p, VALUE, "procedure") for p in names.procedures)
        return
    if re.search(r"(?:^|[\s{])languages\s*:\s*\[?(?:[\w-]+\s*,\s*)*[\w-]*$", text):
        yield from (Offer(tag, VALUE, "language") for tag in names.languages())
        return
    guard = re.search(r"(?:^|[\s{,])when\s*:\s*[\"']?(.*)$", text)
    if guard:
        yield from _guard(guard.group(1), names)


def _guard(typed: str, names: Names) -> Iterator[Offer]:
    option = re.search(r"\b(\w+)\s*(?:==|!=)\s*[\"'](\w*)$", typed)
    if option:
        field = (
            names.data.get("fields", {}).get(option.group(1))
            if isinstance(names.data.get("fields"), dict)
            else None
        )
        options = field.get("options", []) if isinstance(field, dict) else []
        yield from (Offer(str(o), VALUE, f"option of {option.group(1)}") for o in options)
        return
    after_operand = re.search(r"(\w+|[\"'][^\"']*[\"']|\))\s+(\w*)$", typed)
    if after_operand and after_operand.group(1) not in ("and", "or", "not", "in"):
        yield from (Offer(op, OPERATOR, "operator") for op in OPERATORS)
        return
    yield from (Offer(f, VALUE, "field") for f in names.declared(FIELD))
    yield from (Offer(p, VALUE, "parameter") for p in names.declared(PARAM))


def _path_above(lines: list[str], line: int, indent: int, *, item: bool) -> list[str] | None:
    """The keys (and `[]` for list items) that lead to the mapping being typed in, read from the
    lines above by their indentation; None when the place cannot be told."""
    path = ["[]"] if item else []
    col = indent - 2 if item else indent  # the column of the keys (or dashes) of the current block
    compact = item  # `key:` then `- item` at the same column is a list of that key (YAML allows it)
    in_item = item
    for number in range(line - 1, -1, -1):
        raw = lines[number]
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        depth = len(raw) - len(raw.lstrip(" "))
        dash = stripped.startswith("- ")
        entry = _ENTRY.match(raw)
        if dash and not in_item and depth + 2 == col:  # the first key of the item we are in
            path.append("[]")
            col, compact, in_item = depth, True, True
            continue
        key_col = depth + 2 if dash else depth
        if entry is not None and (key_col < col or (compact and not dash and depth == col)):
            path.append(entry.group(2))
            if dash:
                path.append("[]")
            col, compact, in_item = depth, dash, dash
        elif entry is None and depth < col:
            if not dash:
                return None
            path.append("[]")
            col, compact, in_item = depth, True, True
    path.reverse()
    return path


def _siblings(lines: list[str], line: int, indent: int, *, up: bool) -> Iterator[str]:
    """Keys already written in the mapping being typed in (above and below, same indentation)."""
    for step in (-1, 1) if up else (1,):
        number = line + step
        while 0 <= number < len(lines):
            raw = lines[number]
            stripped = raw.strip()
            depth = len(raw) - len(raw.lstrip(" "))
            if stripped and not stripped.startswith("#"):
                if depth < indent:
                    if stripped.startswith("- ") and depth + 2 == indent:
                        entry = _ENTRY.match(raw)
                        if entry:
                            yield entry.group(2)
                    break
                if depth == indent:
                    entry = _ENTRY.match(raw)
                    if entry:
                        yield entry.group(2)
            number += step


def _keys(path: list[str], names: Names) -> list[Offer]:
    schema = _schema("site" if names.site else "procedure")
    nodes = [schema]
    for part in path:
        nodes = [child for node in nodes for child in _children(schema, node, part)]
        if not nodes:
            return []
    offers: dict[str, Offer] = {}
    for node in nodes:
        for variant in _variants(schema, node):
            for key, sub in variant.get("properties", {}).items():
                offers.setdefault(key, Offer(key, KEY, _description(schema, sub)))
            if _LANGUAGE_PATTERN in variant.get("patternProperties", {}):
                for tag in names.languages():
                    offers.setdefault(tag, Offer(tag, KEY, "language"))
    return list(offers.values())


def _children(schema: dict[str, Any], node: dict[str, Any], part: str) -> Iterator[dict[str, Any]]:
    for variant in _variants(schema, node):
        if part == "[]":
            if isinstance(variant.get("items"), dict):
                yield variant["items"]
            continue
        if part in variant.get("properties", {}):
            yield variant["properties"][part]
        elif isinstance(variant.get("additionalProperties"), dict):
            yield variant["additionalProperties"]
        else:
            yield from (v for p, v in variant.get("patternProperties", {}).items() if re.search(p, part))


def _variants(schema: dict[str, Any], node: dict[str, Any], depth: int = 0) -> Iterator[dict[str, Any]]:
    """The node with its `$ref` followed and its `oneOf`/`anyOf`/`allOf` alternatives spread."""
    if depth > 10:
        return
    if "$ref" in node:
        yield from _variants(schema, _ref(schema, node["$ref"]), depth + 1)
    yield node
    for key in ("oneOf", "anyOf", "allOf"):
        for alternative in node.get(key, []):
            yield from _variants(schema, alternative, depth + 1)


def _ref(schema: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = schema
    for part in ref.removeprefix("#/").split("/"):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return node if isinstance(node, dict) else {}


def _description(schema: dict[str, Any], node: dict[str, Any]) -> str:
    for variant in _variants(schema, node):
        if isinstance(variant.get("description"), str):
            return str(variant["description"])
    return ""


@functools.cache
def _schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_path(name).read_text(encoding="utf-8"))
    return loaded
