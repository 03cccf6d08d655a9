"""Schema errors in the house voice: jsonschema's findings turned into coded Diagnostics.

Each error lands on the offending node (an unknown key on the key itself); for `oneOf` the
alternative the author evidently meant is explained, never the list of alternatives. Codes
S001-S006 are documented in docs/language.md. Nothing here decides validity: `schema` does.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from procflow.engine.base.diagnostic import Diagnostic, Severity

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped, unused-ignore]
    from procflow.engine.load.yamlio import Document

_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true/false",
    "object": "a mapping",
    "array": "a list",
    "null": "an empty value",
}
_LANGUAGES = ("zh-Hant", "en")
_COMMA_HINT = "; a half-width comma inside `{...}` splits a text: quote the text or use block style"


@dataclass(frozen=True)
class _Finding:
    pointer: str
    code: str
    message: str
    key: bool = False
    suggests: tuple[str, str] | None = None  # (object pointer, key) an unknown key was probably meant as
    missing: tuple[str, frozenset[str]] | None = None  # (object pointer, keys) a finding says are missing


def explain(document: Document, validator: Any, schema: dict[str, Any]) -> list[Diagnostic]:
    """Every error of `document.data`, each once, at its position."""
    errors = _typed_first(list(validator.iter_errors(document.data)))
    failing = {tuple(e.absolute_path) for e in errors}
    explainer = _Explainer(schema, document.data)
    found: list[_Finding] = []
    for error in errors:
        if not _overshadowed(error, failing, schema):
            found.extend(explainer.explain(error))
    out = []
    for f in _net(found):
        line, col = document.locate(f.pointer, key=f.key)
        out.append(Diagnostic(document.path, line, col, f.code, Severity.ERROR, f.message, f.pointer))
    return out


def _net(found: list[_Finding]) -> list[_Finding]:
    """Without "missing 'when'" where `wen:` already says "did you mean 'when'"."""
    suggested = {f.suggests for f in found if f.suggests}
    return [f for f in found if not (f.missing and any((f.missing[0], k) in suggested for k in f.missing[1]))]


def _typed_first(errors: list[ValidationError]) -> list[ValidationError]:
    """Only the type error where a value has the wrong type: `done:` left empty is one mistake,
    not also every rule about a state's keys (which an empty value trivially passes or fails)."""
    mistyped = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
    return [e for e in errors if e.validator == "type" or tuple(e.absolute_path) not in mistyped]


def _overshadowed(error: ValidationError, failing: set[tuple[Any, ...]], schema: dict[str, Any]) -> bool:
    """A then/else error whose `if` reads a key that is itself wrong (`type: choise`)."""
    path = list(error.relative_schema_path)
    branch = next((i for i in range(len(path) - 1, -1, -1) if path[i] in ("then", "else")), None)
    if branch is None:
        return False
    condition = _walk(schema, path[:branch]).get("if", {})
    return any((*error.absolute_path, k) in failing for k in condition.get("properties", {}))


class _Explainer:
    def __init__(self, schema: dict[str, Any], data: Any) -> None:
        self.schema = schema
        languages = data.get("languages") if isinstance(data, dict) else None
        self.languages = [x for x in languages if isinstance(x, str)] if isinstance(languages, list) else []

    def explain(self, error: ValidationError) -> Iterator[_Finding]:
        where = _pointer(error.absolute_path)
        kind, value, rule = error.validator, error.instance, error.validator_value
        if "propertyNames" in list(error.relative_schema_path):
            code, problem = ("S004", f"is not valid: expected {_expected(error.schema)}")
            if kind == "maxLength":
                code, problem = ("S005", f"is longer than {rule} characters")
            yield _Finding(f"{where}/{_escape(value)}", code, f"name {value!r} {problem}", key=True)
        elif kind in ("oneOf", "anyOf"):
            yield from self.alternatives(error)
        elif kind == "additionalProperties":
            yield from self.unknown_keys(error, where)
        elif kind == "required":
            for name in (k for k in rule if k not in value):
                yield _Finding(
                    where,
                    "S002",
                    f"missing key {name!r}{self.condition(error, ', needed ')}",
                    key=True,
                    missing=(where, frozenset([name])),
                )
        elif kind == "type":
            yield _Finding(
                where,
                "S003",
                f"expected {_types([rule] if isinstance(rule, str) else rule)}, got {_describe(value)}",
            )
        elif kind in ("enum", "const"):
            yield _Finding(where, "S004", _not_allowed(value, list(rule) if kind == "enum" else [rule]))
        elif kind == "pattern":
            yield _Finding(
                where, "S004", f"{_describe(value)} is not valid: expected {_expected(error.schema)}"
            )
        elif kind == "not":
            yield from self.forbidden(error, where)
        else:
            yield _Finding(where, "S005", _limit(kind, value, rule))

    def unknown_keys(self, error: ValidationError, where: str) -> Iterator[_Finding]:
        allowed = list(error.schema.get("properties", {}))
        patterns = list(error.schema.get("patternProperties", {}))
        for name in error.instance:
            if name in allowed or any(re.search(p, name) for p in patterns):
                continue
            close = difflib.get_close_matches(
                name, allowed + (self.languages or list(_LANGUAGES)) * bool(patterns), 1
            )
            what = (
                f"{name!r} is not a language tag such as 'zh-Hant' or 'en'"
                if patterns
                else f"unknown key {name!r}"
            )
            hint = f"; did you mean {close[0]!r}?" if close else ""
            if patterns and error.instance[name] is None and not close:
                hint = _COMMA_HINT
            elif not close and allowed and not patterns:
                hint = f"; expected one of {_quoted(allowed)}"
            yield _Finding(
                f"{where}/{_escape(name)}",
                "S001",
                what + hint,
                key=True,
                suggests=(where, close[0]) if close else None,
            )

    def forbidden(self, error: ValidationError, where: str) -> Iterator[_Finding]:
        """`not: {required: [...]}` and `not: {anyOf: [{required: [...]}, ...]}`: keys that clash."""
        rule, value = error.validator_value, error.instance
        keys = list(rule.get("required", [])) or [r["required"][0] for r in rule.get("anyOf", [])]
        present = [k for k in value if k in keys]
        condition = self.condition(error, " ")
        if condition:
            for name in present:
                yield _Finding(
                    f"{where}/{_escape(name)}", "S006", f"key {name!r} is not allowed{condition}", key=True
                )
        elif present:
            yield _Finding(
                f"{where}/{_escape(present[-1])}",
                "S006",
                f"{_quoted(present, ' and ')} cannot be used together",
                key=True,
            )

    def condition(self, error: ValidationError, lead: str) -> str:
        """' with 'outcomes'' or ' when 'type' is 'choice'' for then/else branches, else ''."""
        path = list(error.relative_schema_path)
        if "then" not in path and "else" not in path:
            return ""
        branch = max(i for i, p in enumerate(path) if p in ("then", "else"))
        start = None if error.parent is None else error.parent.validator_value
        test = _walk(self.schema, path[:branch], start).get("if", {})
        negate = path[branch] == "else"
        if "required" in test:
            return f"{lead}with {_quoted(test['required'], ' and ')}"
        for name, sub in test.get("properties", {}).items():
            if "const" in sub:
                return f"{' unless' if negate else lead + 'when'} {name!r} is {sub['const']!r}"
        return ""  # pragma: no cover - the schema has no other kind of condition

    def alternatives(self, error: ValidationError) -> Iterator[_Finding]:
        options: Sequence[dict[str, Any]] = [self.deref(o) for o in error.validator_value]
        where, value = _pointer(error.absolute_path), error.instance
        if all(set(o) == {"required"} and len(o["required"]) == 1 for o in options):
            yield from _exclusive(where, value, [o["required"][0] for o in options])
            return
        groups: dict[int, list[ValidationError]] = {}
        for sub in error.context:
            groups.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
        groups = {i: _typed_first(subs) for i, subs in groups.items()}
        fitting = [
            i
            for i, subs in groups.items()
            if not any(s.validator == "type" and not s.relative_path for s in subs)
        ]
        if not fitting:
            yield _Finding(
                where,
                "S003",
                f"expected {_types([t for o in options for t in self.types(o)])}, got {_describe(value)}",
            )
            return
        explained = {i: _net([f for s in groups[i] for f in self.explain(s)]) for i in fitting}
        best = min(fitting, key=lambda i: (-self.known_keys(options[i], value), len(explained[i]), i))
        yield from explained[best]

    def deref(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = _walk(self.schema, schema["$ref"].lstrip("#/").split("/"))
        return schema

    def types(self, schema: dict[str, Any]) -> list[str]:
        schema = self.deref(schema)
        if "oneOf" in schema or "anyOf" in schema:
            return [t for o in schema.get("oneOf", schema.get("anyOf", [])) for t in self.types(o)]
        kind = schema.get("type", "string" if "pattern" in schema else "object")
        return kind if isinstance(kind, list) else [kind]

    def known_keys(self, schema: dict[str, Any], value: Any) -> int:
        """How well an alternative knows the mapping's keys: the shape the author meant.

        A key named by the alternative counts twice a key that only fits its pattern (`txt`
        looks like a language tag, but `kind` beside it says "note").
        """
        schema = self.deref(schema)
        if not isinstance(value, dict):
            return 0
        if "oneOf" in schema:
            return max(self.known_keys(o, value) for o in schema["oneOf"])
        names, patterns = schema.get("properties", {}), list(schema.get("patternProperties", {}))
        return sum(
            2 if k in names else 1 for k in value if k in names or any(re.search(p, k) for p in patterns)
        )


def _exclusive(where: str, value: dict[str, Any], keys: list[str]) -> Iterator[_Finding]:
    """`oneOf` of single required keys: exactly one of a route's `when`/`otherwise`, a deadline's
    `within`/`before`/`after`/`every`."""
    present = [k for k in value if k in keys]
    if len(present) > 1:
        yield _Finding(
            f"{where}/{_escape(present[1])}",
            "S006",
            f"{_quoted(present, ' and ')} cannot be used together",
            key=True,
        )
    else:
        yield _Finding(
            where, "S002", f"missing one of {_quoted(keys)}", key=True, missing=(where, frozenset(keys))
        )


def _walk(root: dict[str, Any], path: Sequence[Any], node: Any = None) -> Any:
    """The subschema at a schema path from `node` (default: the root), following local `$ref`s."""
    node = root if node is None else node
    for part in path:
        while isinstance(node, dict) and "$ref" in node and part not in node:
            node = _walk(root, node["$ref"].lstrip("#/").split("/"))
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _pointer(path: Sequence[Any]) -> str:
    return "".join(f"/{_escape(str(p))}" for p in path)


def _escape(part: Any) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def _quoted(names: Sequence[Any], last: str = " or ") -> str:
    shown = [repr(n) for n in names]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + last + shown[-1]


def _types(names: Sequence[str]) -> str:
    words = list(dict.fromkeys(_TYPE_WORDS.get(n, n) for n in names))
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _describe(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    return "a mapping" if isinstance(value, dict) else "a list"


def _expected(schema: dict[str, Any]) -> str:
    """The schema's own description, as the end of a sentence."""
    text = str(schema.get("description", "a value matching " + repr(schema.get("pattern", ""))))
    text = re.split(r"\. |: ", text)[0].rstrip(".").replace("`", "'")
    return text[:1].lower() + text[1:]


def _not_allowed(value: Any, allowed: list[Any]) -> str:
    close = (
        difflib.get_close_matches(value, [a for a in allowed if isinstance(a, str)], 1)
        if isinstance(value, str)
        else []
    )
    hint = f"; did you mean {close[0]!r}?" if close else ""
    shown = [str(a).lower() if isinstance(a, bool) else a for a in allowed]
    expected = (
        _quoted(shown) if len(allowed) > 1 else (shown[0] if isinstance(allowed[0], bool) else repr(shown[0]))
    )
    return f"{_describe(value)} is not allowed here; expected {expected}{hint}"


def _limit(kind: str, value: Any, rule: Any) -> str:
    if kind == "minLength":
        return "text is empty" if rule == 1 else f"{_describe(value)} is shorter than {rule} characters"
    if kind == "maxLength":
        return f"{_describe(value)} is longer than {rule} characters"
    if kind in ("minItems", "minProperties"):
        return f"{'list' if kind == 'minItems' else 'mapping'} is empty; expected at least {rule} {'item' if kind == 'minItems' else 'entry'}"
    if kind == "minimum":
        return f"{_describe(value)} is less than {rule}"
    if kind == "uniqueItems":
        twice = next((v for i, v in enumerate(value) if v in value[:i]), None)
        return f"{_describe(twice)} is listed twice"
    return f"{kind} {rule!r} is not met"  # pragma: no cover - the schema uses no other keyword
