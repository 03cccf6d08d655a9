"""Guards: small boolean expressions over answers and parameters, never `eval`ed.

Python's parser gives the syntax tree (it only parses, never runs code); an allow-list
accepts names, literals, comparisons, `and`/`or`/`not`, `in` and three named helpers and
compiles the tree into closures. Anything else is a GuardError. Evaluation never raises.
"""

from __future__ import annotations

import ast
import keyword
import operator
import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Any, NamedTuple

from procflow.engine.base.durations import parse_duration

Values = Mapping[str, Any]
Evaluator = Callable[[Values], Any]

MAX_LENGTH = 1000  # far above any real guard; bounds the parser's recursion and memory
MAX_DEPTH = 40  # nesting of the compiled closures, so evaluation stays shallow
LITERAL_NAMES = {"true": True, "false": False, "null": None, "True": True, "False": False, "None": None}
HELPERS = ("answered", "len", "minutes")

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_TEXT = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}
_MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_SCALARS = (str, int, float, bool)


class GuardError(ValueError):
    """The guard is not a valid expression; `offset` is the 0-based column inside it."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class Comparison(NamedTuple):
    """`name OP literal` (or a literal list for `in`), kept for rules that check values.

    `op` reads with the name on the left (`5 < n` is kept as `n > 5`). Offsets are 0-based
    characters into the guard: `offset` of the literal or list, `value_offsets` of each value.
    """

    name: str
    op: str
    values: tuple[Any, ...]
    offset: int
    value_offsets: tuple[int, ...] = ()
    listed: bool = False


class Guard(NamedTuple):
    """A parsed guard: each name read (offset of its first use), comparisons with literals,
    names used in any other way (`opaque`: inside helpers, compared with names, bare), and
    the evaluator."""

    source: str
    names: Mapping[str, int]
    comparisons: tuple[Comparison, ...]
    run: Evaluator
    opaque: frozenset[str] = frozenset()

    def __call__(self, values: Values) -> bool:
        return bool(self.run(values))


@lru_cache(maxsize=4096)
def parse_guard(source: str) -> Guard:
    """Parse and compile a guard; GuardError says what is not allowed and where.

    Cached by text: procedures repeat guards, and a Guard is immutable.
    """
    if len(source) > MAX_LENGTH:
        raise GuardError(f"guard is {len(source):,} characters long; the limit is {MAX_LENGTH:,}")
    flat = source.replace("\r", " ").replace("\n", " ").replace("\t", " ")  # a guard folded over lines
    body = flat.strip()
    lead = len(flat) - len(flat.lstrip())
    if not body:
        raise GuardError("guard is empty")
    simple = _simple(source, body, lead)
    return simple if simple is not None else _parsed(source, body, lead)


def _parsed(source: str, body: str, lead: int) -> Guard:
    """Any guard, through Python's parser (`body` is the guard stripped, `lead` what was stripped)."""
    try:
        tree = ast.parse(body, mode="eval")
    except SyntaxError as exc:
        raise _syntax_error(body, lead, exc.msg, exc.offset) from None
    except (ValueError, RecursionError, MemoryError) as exc:  # NUL bytes, pathological nesting
        raise GuardError(f"guard does not parse: {type(exc).__name__.lower()}", lead) from None
    compiler = _Compiler(body, lead)
    run = compiler.compile(tree.body)
    return Guard(
        source, MappingProxyType(compiler.names), tuple(compiler.comparisons), run, frozenset(compiler.opaque)
    )


# `name OP literal`, what most guards are (`kind == "courier"`, `n > 5`), in the forms whose
# meaning is plain without Python's parser: an ASCII name, a comparison, and a whole number
# without leading zeros, a decimal, a quoted text without escapes or controls, or true/false/null
_SIMPLE = re.compile(
    r"([A-Za-z][A-Za-z0-9_]*) *(==|!=|<=|>=|<|>) *"
    r"(-?(?:[1-9][0-9]*|0)(?:\.[0-9]+)?|\"[^\"\\\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]*\""
    r"|'[^'\\\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]*'|[A-Za-z][A-Za-z0-9_]*)"
)
_OPERATORS: dict[str, type[ast.cmpop]] = {
    "==": ast.Eq,
    "!=": ast.NotEq,
    "<": ast.Lt,
    "<=": ast.LtE,
    ">": ast.Gt,
    ">=": ast.GtE,
}


def _simple(source: str, body: str, lead: int) -> Guard | None:
    """The Guard of `name OP literal` made directly, exactly as `_parsed` makes it (a file
    with thousands of guards spends most of their check in Python's parser otherwise); None
    for any other guard."""
    found = _SIMPLE.fullmatch(body)
    if found is None:
        return None
    name, op, literal = found.groups()
    if keyword.iskeyword(name) or name in LITERAL_NAMES:
        return None
    if literal[0] in "\"'":
        value: Any = literal[1:-1]
    elif literal[0].isalpha():
        if literal not in LITERAL_NAMES:
            return None  # another name: compared with a name, which `_parsed` tells apart
        value = LITERAL_NAMES[literal]
    elif "." in literal:
        value = float(literal)
    else:
        value = int(literal)
    kind = _OPERATORS[op]
    at = lead + found.start(3)

    def read(v: Values) -> Any:
        return v.get(name)

    def const(v: Values) -> Any:
        return value

    run = _compare_one(_COMPARE[kind], kind in _ORDERING, read, const)
    comparison = Comparison(name, op, (value,), at, (at,))
    return Guard(source, MappingProxyType({name: lead}), (comparison,), run, frozenset())


def _syntax_error(body: str, lead: int, msg: str, offset: int | None) -> GuardError:
    """Python's message, or a plainer one for what authors from other languages type."""
    msg = msg.split(" (detected at")[0]
    if "null bytes" in msg:
        return GuardError("guard contains a NUL character", lead)
    at = (offset or 0) - 1
    if at < 0 or at >= len(body):
        return GuardError("guard does not parse: it ends where more is expected", lead + len(body))
    if msg.startswith("invalid syntax"):
        c, pair = body[at], body[at : at + 2]
        hints = {
            "&": "write 'and' instead of '&&'",
            "|": "write 'or' instead of '||'",
            "!": "write 'not' instead of '!'",
        }
        if "===" in body[max(at - 2, 0) : at + 3]:
            msg = "'===' is not an operator; write '=='"
        elif c == "=" and body[at - 1 : at] not in "=!<>":
            msg = "'=' assigns; to compare, write '=='"
        elif pair == "<>":
            msg = "'<>' is not an operator; write '!='"
        elif c in hints:
            msg = hints[c]
            at -= body[at - 1 : at] == c  # `&&`: Python stops at the second character
    return GuardError(f"guard does not parse: {msg}", lead + at)


class _Compiler:
    def __init__(self, body: str, lead: int) -> None:
        self.lead = lead
        # ast columns count UTF-8 bytes; findings count characters
        self.encoded = None if body.isascii() else body.encode()
        self.depth = 0
        self.names: dict[str, int] = {}
        self.opaque: set[str] = set()
        self.comparisons: list[Comparison] = []

    def offset(self, node: ast.AST) -> int:
        col: int = getattr(node, "col_offset", 0)
        if self.encoded is not None:
            col = len(self.encoded[:col].decode("utf-8", "replace"))
        return self.lead + col

    def compile(self, node: ast.expr) -> Evaluator:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise GuardError(f"guard is nested more than {MAX_DEPTH} levels deep", self.offset(node))
            return self._compile(node)
        finally:
            self.depth -= 1

    def _compile(self, node: ast.expr) -> Evaluator:
        if isinstance(node, ast.BoolOp):
            return _boolop(isinstance(node.op, ast.And), [self.compile(v) for v in node.values])
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self.compile(node.operand)
            return lambda v: not inner(v)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Name) and node.id not in LITERAL_NAMES:
            return self.name(node, plain=False)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Attribute):
            raise GuardError(
                f"attribute access ('.{node.attr}') is not allowed in a guard", self.offset(node)
            )
        const = self.literal(node, "is not allowed in a guard")
        return lambda v: const

    def name(self, node: ast.Name, *, plain: bool) -> Evaluator:
        key = node.id
        if key.startswith("_"):
            raise GuardError(f"name {key!r} is not allowed; names start with a letter", self.offset(node))
        self.names.setdefault(key, self.offset(node))
        if not plain:
            self.opaque.add(key)
        return lambda v: v.get(key)

    def literal(self, node: ast.expr, problem: str = "is not allowed here") -> Any:
        """The value of a literal (a list of scalars becomes a tuple); GuardError otherwise."""
        if isinstance(node, ast.Constant) and (isinstance(node.value, _SCALARS) or node.value is None):
            return node.value
        if isinstance(node, ast.Name) and node.id in LITERAL_NAMES:
            return LITERAL_NAMES[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and _is_number(node.operand):
            return -node.operand.value  # type: ignore[attr-defined]
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            for element in node.elts:
                if _scalar_literal(element) is _NOT_LITERAL:
                    raise GuardError("a list in a guard holds literals only", self.offset(element))
            return tuple(_scalar_literal(e) for e in node.elts)
        if isinstance(node, ast.Constant):
            raise GuardError(f"literal {node.value!r} is not allowed", self.offset(node))
        raise GuardError(f"{_describe(node)} {problem}", self.offset(node))

    def call(self, node: ast.Call) -> Evaluator:
        if not isinstance(node.func, ast.Name):
            return self.compile(node.func)  # raises: only helper names may be called
        if node.func.id not in HELPERS:
            raise GuardError(
                f"call of {node.func.id!r} is not allowed; guards may call only {', '.join(HELPERS)}",
                self.offset(node),
            )
        if node.keywords or len(node.args) != 1:
            raise GuardError(f"{node.func.id}() takes exactly one argument", self.offset(node))
        helper, arg = node.func.id, node.args[0]
        if helper == "answered":
            if not isinstance(arg, ast.Name) or arg.id in LITERAL_NAMES:
                raise GuardError("answered() takes a field name", self.offset(arg))
            key = arg.id
            self.name(arg, plain=True)
            return lambda v: v.get(key) is not None
        inner = self.compile(arg)
        return (lambda v: _length(inner(v))) if helper == "len" else (lambda v: _minutes(inner(v)))

    def compare(self, node: ast.Compare) -> Evaluator:
        operands, ops = [node.left, *node.comparators], node.ops
        for op in ops:
            if type(op) not in _COMPARE:  # `is`, `is not`
                word = "is not" if isinstance(op, ast.IsNot) else "is"
                raise GuardError(
                    f"'{word}' is not allowed; write '{'!=' if word == 'is not' else '=='}'",
                    self.offset(node),
                )
        run = [self.operand(operands, ops, i) for i in range(len(operands))]
        for i, op in enumerate(ops):
            self.record(operands[i], op, operands[i + 1])
        if len(ops) == 1:
            return _compare_one(_COMPARE[type(ops[0])], isinstance(ops[0], _ORDERING), run[0], run[1])
        steps = [
            (_COMPARE[type(op)], isinstance(op, _ORDERING), r) for op, r in zip(ops, run[1:], strict=True)
        ]
        first = run[0]

        def chain(v: Values) -> bool:
            a = first(v)
            for func, ordering, right in steps:
                b = right(v)
                if not _holds(func, ordering, a, b):
                    return False
                a = b
            return True

        return chain

    def operand(self, operands: list[ast.expr], ops: list[ast.cmpop], i: int) -> Evaluator:
        node = operands[i]
        if not isinstance(node, ast.Name) or node.id in LITERAL_NAMES:
            return self.compile(node)
        # plain: every neighbour is a literal, and the name is not the container of an `in`
        plain = i == 0 or (
            _scalar_literal(operands[i - 1]) is not _NOT_LITERAL
            and not isinstance(ops[i - 1], (ast.In, ast.NotIn))
        )
        if i < len(ops):
            listed = isinstance(operands[i + 1], (ast.List, ast.Tuple, ast.Set))
            in_op = isinstance(ops[i], (ast.In, ast.NotIn))
            plain = plain and (listed if in_op else _scalar_literal(operands[i + 1]) is not _NOT_LITERAL)
        return self.name(node, plain=plain)

    def record(self, left: ast.expr, op: ast.cmpop, right: ast.expr) -> None:
        """Remember `field OP literal` (either way round) for value checks by rules."""
        text = _TEXT[type(op)]
        if isinstance(left, ast.Name) and left.id not in LITERAL_NAMES:
            name, other = left, right
        elif isinstance(right, ast.Name) and right.id not in LITERAL_NAMES and text in _MIRROR:
            name, other, text = right, left, _MIRROR[text]
        else:
            return
        if isinstance(other, (ast.List, ast.Tuple, ast.Set)):
            values = tuple(_scalar_literal(e) for e in other.elts)
            if _NOT_LITERAL in values:
                return
            offsets = tuple(self.offset(e) for e in other.elts)
            self.comparisons.append(Comparison(name.id, text, values, self.offset(other), offsets, True))
        elif (value := _scalar_literal(other)) is not _NOT_LITERAL:
            self.comparisons.append(
                Comparison(name.id, text, (value,), self.offset(other), (self.offset(other),))
            )


_NOT_LITERAL = object()


def _scalar_literal(node: ast.expr) -> Any:
    if isinstance(node, ast.Constant) and (isinstance(node.value, _SCALARS) or node.value is None):
        return node.value
    if isinstance(node, ast.Name) and node.id in LITERAL_NAMES:
        return LITERAL_NAMES[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and _is_number(node.operand):
        return -node.operand.value  # type: ignore[attr-defined]
    return _NOT_LITERAL


def _boolop(conjunction: bool, parts: list[Evaluator]) -> Evaluator:
    if len(parts) == 2:  # the common case, without a generator per evaluation
        a, b = parts
        return (lambda v: bool(a(v) and b(v))) if conjunction else (lambda v: bool(a(v) or b(v)))
    if conjunction:
        return lambda v: all(p(v) for p in parts)
    return lambda v: any(p(v) for p in parts)


def _compare_one(
    func: Callable[[Any, Any], bool], ordering: bool, left: Evaluator, right: Evaluator
) -> Evaluator:
    if func is operator.eq:
        return lambda v: left(v) == right(v)
    if func is operator.ne:
        return lambda v: left(v) != right(v)
    return lambda v: _holds(func, ordering, left(v), right(v))


def _holds(func: Callable[[Any, Any], bool], ordering: bool, a: Any, b: Any) -> bool:
    if ordering and (a is None or b is None):
        return False
    try:
        return bool(func(a, b))
    except (TypeError, ValueError):  # e.g. a number compared with text: the guard does not hold
        return False


def _length(value: Any) -> int | None:
    try:
        return None if value is None else len(value)
    except TypeError:
        return None


def _minutes(value: Any) -> float | None:
    """Minutes in a duration answer: seconds as a number, a timedelta, or duration text."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return value / 60
    if isinstance(value, timedelta):
        return value.total_seconds() / 60
    try:
        return parse_duration(str(value)) / 60
    except ValueError:
        return None


def _is_number(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, (int, float))
        and not isinstance(node.value, bool)
    )


def _describe(node: ast.AST) -> str:
    kinds: dict[type[ast.AST], str] = {
        ast.Attribute: "attribute access",
        ast.Subscript: "indexing",
        ast.Lambda: "a lambda",
        ast.BinOp: "arithmetic",
        ast.UnaryOp: "arithmetic",
        ast.IfExp: "a conditional expression",
        ast.Dict: "a mapping",
        ast.JoinedStr: "an f-string",
        ast.NamedExpr: "assignment",
        ast.Starred: "unpacking",
        ast.Await: "await",
        ast.Yield: "yield",
        ast.YieldFrom: "yield",
        ast.List: "a list",
        ast.Tuple: "a list",
        ast.Set: "a list",
        ast.Name: "a name",
        ast.Compare: "a comparison",
        ast.BoolOp: "and/or",
        ast.Call: "a call",
    }
    for kind, text in kinds.items():
        if isinstance(node, kind):
            return text
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        return "a comprehension"
    return type(node).__name__.lower()
