"""Careful YAML loading: plain data plus the position of every node.

YAML 1.2 scalars only (`on`/`yes` stay strings, `1:30` stays a string), duplicate keys and
non-standard tags refused, aliases and nesting bounded. Every refusal is a `LoadError`
carrying one Diagnostic; this module never prints and never lets a parser exception escape.
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from engine.diagnostic import Diagnostic, Severity

try:  # libyaml's C parser when the wheel has it; the pure-Python one otherwise
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the platform's wheel
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

DEFAULT_MAX_BYTES = 1 << 20
MAX_DEPTH = 64
MAX_NODES = 200_000
MAX_ALIASES = 200

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + t for t in ("str", "int", "float", "bool", "null"))
_MAP, _SEQ = _TAG + "map", _TAG + "seq"
_IMPLICIT_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _TAG + "timestamp"}

# The YAML 1.2 core schema: the only plain scalars that are not strings.
_CORE_NULL = re.compile(r"~|null|Null|NULL|")
_CORE_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_CORE_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_CORE_FLOAT = re.compile(
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
)


class LoadError(Exception):
    """The file cannot be read as a procflow YAML document; `diagnostic` says why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


@dataclass(frozen=True)
class Document:
    """A loaded YAML file: its data and the node tree that knows where everything is."""

    path: str
    data: Any
    root: yaml.Node = field(repr=False)
    text: str = field(repr=False, default="")

    def locate(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        """1-based line and column of the node at a JSON pointer (of its key with `key`).

        Stops at the deepest existing node when the pointer goes further than the file.
        """
        node, key_node = self.root, None
        for part in _split_pointer(pointer):
            found = _child(node, part)
            if found is None:
                break
            key_node, node = found
        target = key_node if key and key_node is not None else node
        mark = target.start_mark
        return mark.line + 1, mark.column + 1


def _split_pointer(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.lstrip("/").split("/")]


def _child(node: yaml.Node, part: str) -> tuple[yaml.Node | None, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == part:
                return k, v
    elif isinstance(node, yaml.SequenceNode) and part.isdigit():
        index = int(part)
        if index < len(node.value):
            return None, node.value[index]
    return None


def load_yaml(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read and parse one file; raise LoadError with a single clear Diagnostic."""
    name = os.fspath(path)
    return load_yaml_bytes(_read(name, max_bytes), name)


def load_yaml_bytes(raw: bytes, path: str = "<string>") -> Document:
    """Parse bytes already read (the size limit is the caller's)."""
    text = _decode(raw, path)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.composer.ComposerError as exc:
        if exc.problem and "single document" in exc.problem:
            line, col = _mark(exc.problem_mark)
            raise _error(path, line, col, "Y009", "a procedure file holds one YAML document; found a second one here") from None
        raise _syntax_error(path, exc) from None
    except yaml.reader.ReaderError as exc:
        line, col = _position_of_char(text, exc.position)
        raise _error(path, line, col, "Y005", f"character {exc.character!r} is not allowed in YAML") from None
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(path, exc) from None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml reports all errors as marked
        raise _error(path, 0, 0, "Y005", f"invalid YAML: {exc}") from None
    if root is None:
        raise _error(path, 1, 1, "Y012", "file is empty; expected a mapping with `procflow`, `id`, `states` ...")
    if not isinstance(root, yaml.MappingNode):
        line, col = _mark(root.start_mark)
        raise _error(path, line, col, "Y012", f"top level is a {_kind(root)}; expected a mapping")
    data = _Builder(path).build(root)
    return Document(path=path, data=data, root=root, text=text)


def _read(path: str, max_bytes: int) -> bytes:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise _error(path, 0, 0, "Y011", "is a symlink to a file that does not exist") from None
        raise _error(path, 0, 0, "Y011", "no such file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _error(path, 0, 0, "Y011", "is a symlink loop") from None
        raise _error(path, 0, 0, "Y014", f"cannot read: {exc.strerror or exc}") from None
    if os.path.isdir(path):
        raise _error(path, 0, 0, "Y011", "is a directory, not a file")
    if st.st_size > max_bytes:
        raise _error(path, 0, 0, "Y004", f"file is {st.st_size:,} bytes; the limit is {max_bytes:,} (see --max-bytes)")
    try:
        with open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise _error(path, 0, 0, "Y014", f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > max_bytes:
        raise _error(path, 0, 0, "Y004", f"file is over {max_bytes:,} bytes, the limit (see --max-bytes)")
    return raw


def _decode(raw: bytes, path: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) >= 2 and (raw[0] == 0) != (raw[1] == 0)):
        raise _error(path, 1, 1, "Y002", "file is UTF-16; save it as UTF-8")
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, col = _position_of_byte(raw, nul)
        raise _error(path, line, col, "Y003", "file contains a NUL byte; it is binary or not UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position_of_byte(raw, exc.start)
        hint = _legacy_encoding(raw)
        raise _error(
            path, line, col, "Y001",
            f"byte 0x{raw[exc.start]:02x} is not UTF-8{hint}; a file saved as GBK or Big5 by a Chinese "
            "editor must be re-saved as UTF-8",
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def _legacy_encoding(raw: bytes) -> str:
    for codec, label in (("big5", "Big5"), ("gb18030", "GBK")):
        try:
            raw.decode(codec)
        except UnicodeDecodeError:
            continue
        return f" (it reads as {label})"
    return ""


class _Builder:
    """Turns a composed node tree into plain data under procflow's rules."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.nodes = 0
        self.aliases = 0
        self.seen: set[int] = set()
        self.stack: set[int] = set()

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        self.nodes += 1
        if depth > MAX_DEPTH:
            raise self._at(node, "Y008", f"nesting is deeper than {MAX_DEPTH} levels")
        ident = id(node)
        if ident in self.stack:
            raise self._at(node, "Y007", "an alias refers to a node that contains it (a recursive alias)")
        if ident in self.seen and not isinstance(node, yaml.ScalarNode):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise self._at(node, "Y007", f"more than {MAX_ALIASES} alias expansions")
        self.seen.add(ident)
        if self.nodes > MAX_NODES:
            raise self._at(node, "Y007", f"expands to more than {MAX_NODES:,} nodes (aliases)")
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        self.stack.add(ident)
        try:
            if isinstance(node, yaml.SequenceNode):
                if node.tag != _SEQ:
                    raise self._at(node, "Y010", f"tag {_short(node.tag)!r} is not allowed")
                return [self.build(child, depth + 1) for child in node.value]
            if node.tag != _MAP:
                raise self._at(node, "Y010", f"tag {_short(node.tag)!r} is not allowed")
            return self._mapping(node, depth)
        finally:
            self.stack.discard(ident)

    def _mapping(self, node: yaml.MappingNode, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self._at(key_node, "Y016", "a mapping key must be a plain value, not a list or mapping")
            if key_node.tag == _TAG + "merge":
                raise self._at(key_node, "Y010", "merge keys (`<<`) are not supported; write the keys out")
            key = self._scalar(key_node)
            if not isinstance(key, str):
                key = key_node.value  # keys are names: `1` or `true` as a key stays text
            if key in first:
                line, col = _mark(first[key].start_mark)
                raise self._at(key_node, "Y006", f"duplicate key {key!r} (first defined at {line}:{col})")
            first[key] = key_node
            result[key] = self.build(value_node, depth + 1)
        return result

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        tag, value = node.tag, node.value
        if tag not in _IMPLICIT_TAGS:
            raise self._at(node, "Y010", f"tag {_short(tag)!r} is not allowed; procflow reads plain YAML only")
        if node.style or tag == _STR:  # quoted or block scalar (plain is None, or "" from libyaml)
            return value
        if _CORE_NULL.fullmatch(value):
            return None
        if value in _CORE_BOOL:
            return _CORE_BOOL[value]
        if _CORE_INT.fullmatch(value):
            return int(value, 0) if value[:2] in ("0o", "0x") else int(value)
        if _CORE_FLOAT.fullmatch(value):
            return float(value.replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf").replace(".nan", "nan").replace(".NaN", "nan").replace(".NAN", "nan"))
        return value

    def _at(self, node: yaml.Node, code: str, message: str) -> LoadError:
        line, col = _mark(node.start_mark)
        return _error(self.path, line, col, code, message)


def _error(path: str, line: int, col: int, code: str, message: str) -> LoadError:
    return LoadError(Diagnostic(path, line, col, code, Severity.ERROR, message))


def _syntax_error(path: str, exc: yaml.MarkedYAMLError) -> LoadError:
    mark = exc.problem_mark or exc.context_mark
    line, col = _mark(mark) if mark is not None else (0, 0)
    problem = exc.problem or "invalid YAML"
    context = f" {exc.context}" if exc.context and exc.context not in problem else ""
    return _error(path, line, col, "Y005", f"invalid YAML: {problem}{context}".strip())


def _mark(mark: Any) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def _position_of_byte(raw: bytes, offset: int) -> tuple[int, int]:
    start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, len(raw[start:offset].decode("utf-8", "replace")) + 1


def _position_of_char(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - start + 1


def _kind(node: yaml.Node) -> str:
    return "list" if isinstance(node, yaml.SequenceNode) else "scalar value"


def _short(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag
