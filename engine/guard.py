"""Guards: small boolean expressions over answers and parameters, never `eval`ed.

Python's own parser gives the syntax tree; an allow-list accepts names, literals,
comparisons, `and`/`or`/`not`, `in` and three named helpers, and compiles the tree into
closures. Anything else (attributes, subscripts, calls to other names) is a GuardError.
"""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from engine.durations import parse_duration

Values = Mapping[str, Any]
Evaluator = Callable[[Values], Any]

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
_OPERATOR_TEXT = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.In: "in", ast.NotIn: "not in"}


class GuardError(ValueError):
    """The guard is not a valid expression; `offset` is the 0-based column inside it."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True)
class Comparison:
    """`name OP literal` (or a literal list for `in`), kept for rules that check values."""

    name: str
    op: str
    values: tuple[Any, ...]
    offset: int


@dataclass(frozen=True)
class Guard:
    source: str
    names: Mapping[str, int]  # name -> offset of its first use
    comparisons: tuple[Comparison, ...]
    run: Evaluator

    def __call__(self, values: Values) -> bool:
        return bool(self.run(values))


def parse_guard(source: str) -> Guard:
    """Parse and compile a guard; GuardError names what is not allowed and where."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        offset = max((exc.offset or 1) - 1, 0)
        raise GuardError(f"guard does not parse: {exc.msg}", offset) from None
    lead = len(source) - len(source.lstrip())
    compiler = _Compiler(lead)
    run = compiler.compile(tree.body)
    return Guard(source, compiler.names, tuple(compiler.comparisons), run)


def _missing(value: Any) -> bool:
    return value is None


class _Compiler:
    def __init__(self, lead: int) -> None:
        self.lead = lead
        self.names: dict[str, int] = {}
        self.comparisons: list[Comparison] = []

    def offset(self, node: ast.AST) -> int:
        return self.lead + getattr(node, "col_offset", 0)

    def compile(self, node: ast.expr) -> Evaluator:
        if isinstance(node, ast.BoolOp):
            parts = [self.compile(v) for v in node.values]
            if isinstance(node.op, ast.And):
                return lambda v: all(p(v) for p in parts)
            return lambda v: any(p(v) for p in parts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self.compile(node.operand)
            return lambda v: not inner(v)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and _is_number(node.operand):
            value = -node.operand.value  # type: ignore[attr-defined]
            return lambda v: value
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, (str, int, float, bool)) or node.value is None:
                const = node.value
                return lambda v: const
            raise GuardError(f"literal {node.value!r} is not allowed", self.offset(node))
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            items = [self.literal(e) for e in node.elts]
            frozen = tuple(items)
            return lambda v: frozen
        if isinstance(node, ast.Call):
            return self.call(node)
        raise GuardError(f"{_describe(node)} is not allowed in a guard", self.offset(node))

    def name(self, node: ast.Name) -> Evaluator:
        if node.id in LITERAL_NAMES:
            const = LITERAL_NAMES[node.id]
            return lambda v: const
        if node.id.startswith("_"):
            raise GuardError(f"name {node.id!r} is not allowed", self.offset(node))
        self.names.setdefault(node.id, self.offset(node))
        key = node.id
        return lambda v: v.get(key)

    def literal(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant) and (isinstance(node.value, (str, int, float, bool)) or node.value is None):
            return node.value
        if isinstance(node, ast.Name) and node.id in LITERAL_NAMES:
            return LITERAL_NAMES[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and _is_number(node.operand):
            return -node.operand.value  # type: ignore[attr-defined]
        raise GuardError("a list in a guard holds literals only", self.offset(node))

    def call(self, node: ast.Call) -> Evaluator:
        if not isinstance(node.func, ast.Name) or node.func.id not in HELPERS:
            shown = node.func.id if isinstance(node.func, ast.Name) else _describe(node.func)
            raise GuardError(
                f"call of {shown!r} is not allowed; guards may call only {', '.join(HELPERS)}",
                self.offset(node),
            )
        if node.keywords or len(node.args) != 1:
            raise GuardError(f"{node.func.id}() takes exactly one argument", self.offset(node))
        helper, arg = node.func.id, node.args[0]
        if helper == "answered":
            if not isinstance(arg, ast.Name) or arg.id in LITERAL_NAMES:
                raise GuardError("answered() takes a field name", self.offset(arg))
            inner = self.name(arg)
            return lambda v: not _missing(inner(v))
        inner = self.compile(arg)
        if helper == "len":
            return lambda v: None if inner(v) is None else len(inner(v))
        return lambda v: _minutes(inner(v))

    def compare(self, node: ast.Compare) -> Evaluator:
        left_node = node.left
        steps: list[tuple[Callable[[Any, Any], bool], Evaluator, bool]] = []
        left = self.compile(left_node)
        first = left
        for op, right_node in zip(node.ops, node.comparators):
            func = _COMPARE.get(type(op))
            if func is None:  # pragma: no cover - Python has no other comparison operators
                raise GuardError("operator is not allowed", self.offset(node))
            ordering = type(op) in (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
            self.record(left_node, op, right_node)
            steps.append((func, self.compile(right_node), ordering))
            left_node = right_node

        def run(v: Values) -> bool:
            a = first(v)
            for func, right, ordering in steps:
                b = right(v)
                if ordering and (a is None or b is None):
                    return False
                try:
                    if not func(a, b):
                        return False
                except TypeError:  # e.g. a number compared with text: the guard does not hold
                    return False
                a = b
            return True

        return run

    def record(self, left: ast.expr, op: ast.cmpop, right: ast.expr) -> None:
        """Remember `field OP literal` (either way round) for value checks by rules."""
        text = _OPERATOR_TEXT[type(op)]
        name, other = (left, right) if isinstance(left, ast.Name) else (right, left)
        if not isinstance(name, ast.Name) or name.id in LITERAL_NAMES:
            return
        try:
            if isinstance(other, (ast.List, ast.Tuple, ast.Set)):
                values = tuple(self.literal(e) for e in other.elts)
            else:
                values = (self.literal(other),)
        except GuardError:
            return
        self.comparisons.append(Comparison(name.id, text, values, self.offset(other)))


def _minutes(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return value / 60
    return parse_duration(str(value)) / 60


def _is_number(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)


def _describe(node: ast.AST) -> str:
    kinds = {
        ast.Attribute: "attribute access",
        ast.Subscript: "indexing",
        ast.Lambda: "a lambda",
        ast.BinOp: "arithmetic",
        ast.IfExp: "a conditional expression",
        ast.Dict: "a mapping",
        ast.JoinedStr: "an f-string",
        ast.NamedExpr: "assignment",
        ast.Starred: "unpacking",
    }
    for kind, text in kinds.items():
        if isinstance(node, kind):
            return text
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        return "a comprehension"
    return type(node).__name__
