"""YAML text to a positioned node tree and plain data, under procflow's rules.

YAML 1.2 core scalars only (`on`/`yes` stay strings, `1:30` stays a string), duplicate keys,
non-standard tags and merge keys refused, aliases and nesting bounded. Every refusal is a
TreeError with a code and a 1-based position; files, paths and Diagnostics are `yamlio`'s.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml
from procflow.engine.load.typos import describe, find_typo, key_typo
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

MAX_DEPTH = 64
MAX_ALIAS_NODES = 10_000  # nodes reached through aliases, in total: a "billion laughs" stops here

_TAG = "tag:yaml.org,2002:"
PLAIN = "tag:procflow,2024:plain"  # private: a plain scalar still to be resolved by the core schema
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + t for t in ("str", "int", "float", "bool", "null"))
_MAP, _SEQ = _TAG + "map", _TAG + "seq"
_TYPED = {_INT: int, _FLOAT: float, _BOOL: bool, _NULL: type(None)}

# The YAML 1.2 core schema: the only plain scalars that are not strings.
_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NUMBER_START = frozenset("0123456789+-.")
_INT_RE = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT_RE = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {f"{s}{i}": float(f"{s}inf") for s in ("", "+", "-") for i in (".inf", ".Inf", ".INF")}
_SPECIAL_FLOATS.update({n: float("nan") for n in (".nan", ".NaN", ".NAN")})
# `- {param} text` or `key: [a] text`: a flow collection followed by more text on its line
_ALIAS = re.compile(r"\*([^\s,\[\]{}]+)")
_FLOW_THEN_TEXT = re.compile(r"(^\s*-\s+|:\s+)(\{[^{}]*\}|\[[^\[\]]*\])\s*[^\s#,}\]]")


class TreeError(Exception):
    """Why the text is refused: a stable code, a message, and where (1-based; 0 when unknown)."""

    def __init__(self, code: str, message: str, line: int = 0, col: int = 0) -> None:
        super().__init__(message)
        self.code, self.message, self.line, self.col = code, message, line, col


def _at(mark: Any, code: str, message: str) -> TreeError:
    return (
        TreeError(code, message, mark.line + 1, mark.column + 1)
        if mark is not None
        else TreeError(code, message)
    )


class _PlainResolver(BaseResolver):
    """Tags every plain scalar PLAIN instead of guessing its type by YAML 1.1's rules."""

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            return PLAIN if implicit[0] else _STR
        return _SEQ if kind is SequenceNode else _MAP


class PureLoader(Reader, Scanner, Parser, Composer, _PlainResolver):
    """PyYAML's pure-Python parser; the composer is bounded because it recurses per level."""

    byte_offsets = False  # ReaderError.position counts characters

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _PlainResolver.__init__(self)
        self.depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH + 1:
                raise _at(self.peek_event().start_mark, "Y008", f"nesting is deeper than {MAX_DEPTH} levels")  # type: ignore[no-untyped-call]
            node: Node = super().compose_node(parent, index)  # type: ignore[assignment]
            return node
        finally:
            self.depth -= 1


Loader: type[Any] = PureLoader
try:  # libyaml's C parser when the wheel has it (about ten times faster)
    from yaml.cyaml import CParser  # type: ignore[attr-defined]

    class FastLoader(CParser, _PlainResolver):
        byte_offsets = True  # ReaderError.position counts UTF-8 bytes

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _PlainResolver.__init__(self)

    Loader = FastLoader
except ImportError:  # pragma: no cover - depends on the platform's wheel
    pass


def compose(text: str) -> Node | None:
    """The node tree of a single-document text (None for an empty one)."""
    loader = None
    try:
        loader = Loader(text)  # the pure-Python reader already checks characters here
        root: Node | None = loader.get_single_node()
        return root
    except RecursionError:  # pragma: no cover - the bounded composer stops first
        raise TreeError("Y008", f"nesting is deeper than {MAX_DEPTH} levels") from None
    except yaml.reader.ReaderError as exc:
        offset = exc.position
        if Loader.byte_offsets:
            offset = len(text.encode()[:offset].decode(errors="ignore"))
        start = text.rfind("\n", 0, offset) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = f"control character U+{char:04X} is not allowed in YAML; remove it"
        raise TreeError("Y005", message, text.count("\n", 0, offset) + 1, offset - start + 1) from None
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(text, exc) from None
    except yaml.YAMLError as exc:  # pragma: no cover - both parsers mark their errors
        raise TreeError("Y005", f"invalid YAML: {exc}") from None
    finally:
        if loader is not None:
            loader.dispose()


def _syntax_error(text: str, exc: yaml.MarkedYAMLError) -> TreeError:
    problem, context = exc.problem or "invalid YAML", exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    if "single document" in context:
        return _at(mark, "Y009", "a procedure file holds one YAML document; a second one starts here")
    if "maximum nesting depth" in problem:
        return _at(mark, "Y008", f"nesting is deeper than {MAX_DEPTH} levels")
    start = exc.context_mark
    if mark is not None:  # a full-width colon, space or comma, or a tab, is named where it is typed
        first = min(mark.line - 1, start.line if start is not None else mark.line)
        typo = find_typo(text, max(first, mark.line - _TYPO_LINES), mark.line)
        if typo is not None:
            return TreeError(typo.code, typo.message, typo.line, typo.col)
    message = f"invalid YAML: {problem}"
    if (
        context
        and start is not None
        and mark is not None
        and (start.line, start.column) != (mark.line, mark.column)
    ):
        message += f" ({context} started at {start.line + 1}:{start.column + 1})"
    return _at(mark, "Y005", message + _hint(text, problem, mark, start))


_TYPO_LINES = 20  # how far above a refusal its cause is looked for


def _hint(text: str, problem: str, mark: Any, start: Any) -> str:
    """The usual cause of the most common parser complaints, in the author's terms."""
    lines = text.splitlines()
    line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    if "cannot start any token" in problem and line[mark.column : mark.column + 1] == "\t":
        return "; indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "; quote a text that contains ': '"
    if "unknown escape character" in problem:
        return "; use single quotes for text with backslashes"
    if "undefined alias" in problem:
        name = _ALIAS.match(line, mark.column)
        shown = f" {name.group(1)!r}" if name else ""
        return f"{shown}; `*name` refers to an anchor `&name` defined earlier in the file"
    first = lines[start.line] if start is not None and start.line < len(lines) else line
    if _FLOW_THEN_TEXT.search(first) or _FLOW_THEN_TEXT.search(line):
        return "; a text that starts with `{` or `[` must be quoted"
    return ""


class Builder:
    """Turns a composed node tree into plain data under procflow's rules."""

    def __init__(self) -> None:
        self.seen: set[int] = set()  # collections built once: meeting one again is an alias
        self.open: set[int] = set()  # collections being built: meeting one of these is recursion
        self.expanded = 0
        self.in_alias = 0

    def build(self, node: Node, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise _at(node.start_mark, "Y008", f"nesting is deeper than {MAX_DEPTH} levels")
        if self.in_alias:
            self.expanded += 1
            if self.expanded > MAX_ALIAS_NODES:
                message = f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes; write the values out"
                raise _at(node.start_mark, "Y007", message)
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        ident = id(node)
        if ident in self.open:
            raise _at(
                node.start_mark, "Y007", "an alias refers to a node that contains it (a recursive alias)"
            )
        alias = ident in self.seen
        self.seen.add(ident)
        self.open.add(ident)
        self.in_alias += alias
        try:
            if node.tag not in (_SEQ, _MAP):
                raise _at(
                    node.start_mark,
                    "Y010",
                    f"tag {_short(node.tag)!r} is not allowed; procflow reads plain YAML",
                )
            if isinstance(node, SequenceNode):
                return [self.build(child, depth + 1) for child in node.value]
            return self.mapping(node, depth)
        finally:
            self.open.discard(ident)
            self.in_alias -= alias

    def mapping(self, node: Node, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        inline = not self.in_alias and depth < MAX_DEPTH  # plain values need no bookkeeping
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode:
                raise _at(
                    key_node.start_mark, "Y013", "a mapping key must be a plain value, not a list or mapping"
                )
            key = key_node.value  # keys are names: `1` or `true` as a key stays text
            if key_node.tag != PLAIN:
                self.scalar(key_node)  # refuses a non-standard tag on a key
            elif not key.isascii() and (typo := key_typo(key)) is not None:  # `名稱：值`, `　　title:`
                code, index = typo
                mark = key_node.start_mark
                raise TreeError(code, describe(code), mark.line + 1, mark.column + 1 + index)
            elif key == "<<":
                raise _at(
                    key_node.start_mark, "Y010", "merge keys (`<<`) are not supported; write the keys out"
                )
            if key in result:
                mark = next(k for k, _ in node.value if k.value == key).start_mark
                message = f"duplicate key {key!r}; first defined at {mark.line + 1}:{mark.column + 1}"
                raise _at(key_node.start_mark, "Y006", message)
            if inline and type(value_node) is ScalarNode:
                result[key] = (
                    _number(core_scalar(value_node.value), value_node)
                    if value_node.tag == PLAIN
                    else self.scalar(value_node)
                )
            elif (
                inline and type(value_node) is MappingNode and not value_node.value and value_node.tag == _MAP
            ):
                result[key] = {}  # `{}`, as a draft's states are: nothing inside to check
            else:
                result[key] = self.build(value_node, depth + 1)
        return result

    def scalar(self, node: ScalarNode) -> Any:
        tag, value = node.tag, node.value
        if tag == PLAIN:
            return _number(core_scalar(value), node)
        if tag == _STR:
            return value
        expected = _TYPED.get(tag)
        if expected is None:
            raise _at(
                node.start_mark, "Y010", f"tag {_short(tag)!r} is not allowed; procflow reads plain YAML"
            )
        resolved = core_scalar(value)
        if expected is float and type(resolved) is int:
            resolved = float(resolved)
        if type(resolved) is not expected:
            raise _at(node.start_mark, "Y010", f"{clip(value)!r} is not a valid {_short(tag)}")
        return _number(resolved, node)


# Numbers a procedure or site file can mean: a count, a threshold, a temperature, an amount. A
# NaN or an infinity passes comparisons in surprising ways and cannot be stored and replayed
# faithfully; an integer beyond 64 bits overflows every float it meets (a deadline, a bound).
MAX_INTEGER = 2**63 - 1


def _number(value: Any, node: ScalarNode) -> Any:
    """`value` unless it is a number procflow cannot compute with: then Y015 at the node."""
    if type(value) is float and not math.isfinite(value):
        raise _at(
            node.start_mark,
            "Y015",
            f"{clip(node.value)!r} is not a finite number; write a number, or quote it to keep it as text",
        )
    if type(value) is int and not -MAX_INTEGER <= value <= MAX_INTEGER:
        raise _at(
            node.start_mark,
            "Y015",
            f"{clip(node.value)!r} is out of range: numbers must lie within ±{MAX_INTEGER:,}; quote it to keep it as text",
        )
    return value


def core_scalar(value: str) -> Any:
    """A plain scalar under the YAML 1.2 core schema."""
    if value in _NULLS:
        return None
    if value in _BOOLS:
        return _BOOLS[value]
    if value[0] not in _NUMBER_START:
        return value
    try:
        if _INT_RE.fullmatch(value):
            return int(value, 0) if value[:2] in ("0o", "0x") else int(value)
    except ValueError:  # longer than Python's limit on integer digits: keep the text
        return value
    if _FLOAT_RE.fullmatch(value):
        return float(value)
    return _SPECIAL_FLOATS.get(value, value)


def clip(value: str, width: int = 40) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"


def _short(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag
