"""The field types, each registered once in `TYPES`: its schema entry, its answer parser, its read-back,
its name in zh-Hant and English, its prompt hint and its line in a printed SOP.

A new type is one `FieldType` here and its name in `FieldTypeName`; tests fail until every part is
given and the schema file's field fragment equals `field_schema()`. No I/O, no clock.
"""

from __future__ import annotations

import copy
import importlib
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from difflib import get_close_matches
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol, TypeVar

from procflow.engine.base.durations import format_duration, parse_duration
from procflow.engine.base.errors import InvalidAnswerError
from procflow.engine.base.messages import message
from procflow.engine.base.moments import read_moment
from procflow.engine.base.stamps import EARLIEST_YEAR, LATEST_YEAR

if TYPE_CHECKING:
    import regex

FieldTypeName = Literal["text", "number", "bool", "choice", "datetime", "duration"]
Value = str | int | float | bool
LANGUAGES = ("zh-Hant", "en")  # every label and hint is given in each; other languages read English


class Labelled(Protocol):
    """A procedure's text as far as the parsers read one (`model.procedure.Text` is one)."""

    def all_strings(self) -> tuple[str, ...]: ...
    def get(self, lang: str) -> str: ...


L = TypeVar("L", bound=Labelled)
L_co = TypeVar("L_co", bound=Labelled, covariant=True)


class Declared(Protocol[L_co]):
    """What the registry reads of a declared field; `model.procedure.Field` is one. A protocol and
    not an import: procedure.py imports `FieldTypeName` from here, and imports run one way."""

    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def options(self) -> tuple[str, ...]: ...
    @property
    def option_labels(self) -> Mapping[str, L_co]: ...
    @property
    def pattern(self) -> str | None: ...
    @property
    def min(self) -> float | None: ...
    @property
    def max(self) -> float | None: ...
    @property
    def integer(self) -> bool: ...
    @property
    def default(self) -> str | None: ...


AnyField = Declared[Labelled]  # what a parser or a read-back is given


class Describe(Protocol):
    """The field's type in a printed SOP; `text` renders one of its texts (labels of options)."""

    def __call__(self, field: Declared[L], lang: str, text: Callable[[L], str], /) -> str: ...


@dataclass(frozen=True)
class FieldType:
    """Everything procflow knows about one field type; no part has a default, so none is forgotten."""

    name: FieldTypeName
    doc: str  # its entry in the schema's description of `type`
    keys: tuple[str, ...]  # the keys of `_KEYS` a field of this type reads
    requires: tuple[str, ...]  # of those, the ones it must have (and no other type may)
    label: Mapping[str, str]  # its name per language, in prompts and printed SOPs
    hint: Mapping[str, str]  # per language, what to type, after the name in a prompt ("" for nothing)
    parse: Callable[[AnyField, Any, Moment], Value]  # raw answer, the clock's moment and zone -> value
    show: Callable[[AnyField, Value], str]  # a stored value as people read it
    describe: Describe  # the field in a printed SOP
    sample: tuple[Mapping[str, Any], str]  # a declaration (besides `type`) and an answer it takes


def type_label(name: str, lang: str) -> str:
    """The type's name in `lang` (`yes/no`, `是/否`)."""
    return _in(TYPES[name].label, lang)


def prompt_hint(name: str, lang: str) -> str:
    """What a prompt shows after a question: the type's name and what to type (`yes/no, y/n`)."""
    hint = _in(TYPES[name].hint, lang)
    return ", ".join(part for part in (type_label(name, lang), hint) if part)


def describe_field(field: Declared[L], lang: str, text: Callable[[L], str]) -> str:
    """The field's type in a printed SOP (`one of a = A | b`); `text` renders a procedure's text."""
    return TYPES[field.type].describe(field, lang, text)


def _in(words: Mapping[str, str], lang: str) -> str:
    return words.get(lang, words["en"])


def bounded_duration(text: str) -> float:
    """`parse_duration(text)`, or ValueError when it does not parse or is longer than 100 years,
    which no deadline can be counted with (dates end in the year 9999)."""
    seconds = parse_duration(text)
    if not math.isfinite(seconds) or abs(seconds) > MAX_DURATION_SECONDS:
        raise ValueError(f"{text!r} is longer than 100 years, the longest duration procflow counts with")
    return seconds


# --- parsers: what an answer may be, and one refusal sentence when it is not -------------------

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "是", "對", "t"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "否", "不是", "f"})
_INT = re.compile(r"[-+]?\d+")
# 1,500 and 12,345,678.5: groups of three after a first that starts with 1-9 (`0,500` is a decimal
# comma); and anything else of digits and commas
_GROUPED = re.compile(r"[-+]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d*)?(?:[eE][-+]?\d+)?")
_COMMAS = re.compile(r"[-+]?\d+(?:,\d+)+(?:\.\d*)?(?:[eE][-+]?\d+)?")
MAX_DURATION_SECONDS = 36_525 * 86_400  # 100 years: the longest deadline or duration a date can carry
MAX_ANSWER_CHARS = 10_000  # the longest answer of any type; keeps every parse and pattern match bounded
_SHOWN = 40  # a refused answer longer than this is quoted clipped

Naming = Literal["ids", "labels", "both"]  # how a refusal names a procedure's options: see `Refusal.said`
Expected = Callable[[str, Naming], str]  # (language, naming) -> what was expected, in that language


class Moment(NamedTuple):
    """What a date-time answer is read against: the zone a time without an offset takes, and the
    moment `now`, `14:30` and `+2h` count from (None: only full date-times are understood)."""

    tz: tzinfo | None = None
    now: datetime | None = None


class Refusal(InvalidAnswerError):
    """An answer refused. `message` is the English sentence with the field's id, for scripts,
    logs and `--json`; `said(lang)` is the sentence an operator reads in the run's language,
    naming options by their labels and no id (`ids=True` adds them, for `--ids`)."""

    def __init__(
        self, field: AnyField, raw: Any, expected: Expected, key: str = "answer.refused", english: str = ""
    ) -> None:
        shown = raw if isinstance(raw, str) else repr(raw)
        self.field = field.name
        self.shown = clip(shown)
        self.expected = expected
        self.key = key
        super().__init__(
            english
            or f"answer {self.shown!r} for {field.name!r} is not valid; expected {expected('en', 'ids')}"
        )

    def said(self, lang: str, *, ids: bool = False) -> str:
        """The refusal in `lang`, as the operator's screen shows it."""
        why = self.expected(lang, "both" if ids else "labels")
        key = "answer.empty" if self.key == "answer.refused" and not self.shown.strip() else self.key
        sentence = message(lang, key, raw=self.shown, why=why)
        return sentence + (message(lang, "answer.field_id", field=self.field) if ids else "")


def _words(key: str, **values: Any) -> Expected:
    def expected(lang: str, naming: Naming) -> str:
        return message(lang, "answer.expect." + key, **values)

    return expected


def _bad(field: AnyField, raw: Any, key: str, **values: Any) -> Refusal:
    return Refusal(field, raw, _words(key, **values))


def clip(text: str) -> str:
    """`text` as a message quotes it: at most `_SHOWN` characters, and the length when clipped."""
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}… ({len(text):,} characters)"


def too_long(field: AnyField, raw: Any) -> InvalidAnswerError | None:
    """The refusal of an answer longer than `MAX_ANSWER_CHARS` characters, before any parser reads it."""
    if isinstance(raw, str) and len(raw) > MAX_ANSWER_CHARS:
        return _bad(field, raw, "max_chars", n=f"{MAX_ANSWER_CHARS:,}")
    return None


def unrecordable(field: AnyField, raw: str, why: str) -> Refusal:
    """The refusal of an answer that cannot be stored (`why` from `base.safetext`)."""
    english = f"the answer for {field.name!r} cannot be recorded: {why}"
    control = why.removeprefix("it contains the control character ")

    def said(lang: str, naming: Naming) -> str:
        if why.startswith("it is not valid UTF-8"):
            return message(lang, "answer.why_encoding")
        return message(lang, "answer.why_control", char=control) if control != why else why

    return Refusal(field, raw, said, key="answer.unrecordable", english=english)


def _text(field: AnyField, raw: Any, at: Moment) -> Value:
    if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
        raise _bad(field, raw, "text")
    value = str(raw).strip()
    if not value:
        raise _bad(field, raw, "some_text")
    if field.min is not None and len(value) < field.min:
        raise _bad(field, value, "min_chars", n=int(field.min))
    if field.max is not None and len(value) > field.max:
        raise _bad(field, value, "max_chars", n=int(field.max))
    if field.pattern is not None and _matches(field, value) is None:
        raise _bad(field, value, "pattern", pattern=repr(field.pattern))
    return value


MATCH_SECONDS = 0.25  # the longest one answer may take to match its field's pattern


def _matches(field: AnyField, value: str) -> regex.Match[str] | None:
    # validate refuses such a pattern (rule P033); a procedure run anyway must not hang or crash
    problem = pattern_problem(str(field.pattern))
    if problem is not None:
        raise InvalidAnswerError(f"field {field.name!r} cannot be answered: its pattern {problem}")
    # P033 cannot see every slow shape: `.*a.*a.*b` backtracks polynomially, hours on a long
    # answer. The `regex` module matches as `re` does (same syntax and Unicode classes, unlike
    # a linear-time engine such as RE2) and stops after a time limit; loaded only here.
    import regex

    try:
        return regex.fullmatch(str(field.pattern), value, timeout=MATCH_SECONDS)
    except TimeoutError:
        raise InvalidAnswerError(
            f"answer {clip(value)!r} for {field.name!r} could not be checked: its pattern "
            f"{field.pattern!r} took longer than {MATCH_SECONDS:g} s on it; the procedure's author "
            "should simplify the pattern"
        ) from None
    except regex.error as exc:
        raise InvalidAnswerError(
            f"field {field.name!r} cannot be answered: its pattern {field.pattern!r} is not valid ({exc})"
        ) from None


# --- patterns: what validate refuses and the answer parser will not run ---------------------------

# the standard library's own parser of regular expressions (it has no typed stubs)
_sre: Any = importlib.import_module("re._constants")
_sre_parse: Any = importlib.import_module("re._parser")
_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT)  # a possessive repeat never backtracks into its body


@lru_cache(maxsize=256)
def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` must not be matched against answers, as the end of a sentence, or None.

    Either it does not compile, or it has a shape that backtracks exponentially: a repeat that
    may run more than once (`+`, `*`, `{2,}`, `{1,5}`) whose body, outside an atomic group or a
    possessive repeat, holds a part that matches in more than one way: another repeat of variable
    count (`(a+)+`, `(a*)*`, `(a?b)*`), or an alternation with an empty alternative or two that may
    begin with the same character (`(a|aa)+`, `(a|ab)*`, `(.|x)+`).
    """
    try:
        tree = _sre_parse.parse(pattern)
        re.compile(pattern)
    except re.error as exc:
        return f"{pattern!r} is not a valid regular expression ({exc})"
    except (OverflowError, RecursionError, MemoryError) as exc:
        return f"{pattern!r} cannot be compiled ({exc})"
    shape = _ambiguous_repeat(tree)
    if shape is None:
        return None
    return (
        f"{pattern!r} repeats a part that matches in more than one way ({shape}), so matching may take "
        f"time that doubles with every character; rewrite it without the nested repetition"
    )


def _ambiguous_repeat(items: Iterable[tuple[Any, Any]]) -> str | None:
    for op, av in items:
        if op in _REPEATS:
            _low, high, body = av
            if high > 1:  # MAXREPEAT, the count of `*` and `+`, is above 1 too
                inner = _variable(body)
                if inner is not None:
                    return inner
        found = _ambiguous_repeat(_children(op, av))
        if found is not None:
            return found
    return None


def _children(op: Any, av: Any) -> list[tuple[Any, Any]]:
    if op in _REPEATS or op == _sre.POSSESSIVE_REPEAT:
        return list(av[2])
    if op == _sre.SUBPATTERN:
        return list(av[3])
    if op == _sre.ATOMIC_GROUP or op in (_sre.ASSERT, _sre.ASSERT_NOT):
        return list(av if op == _sre.ATOMIC_GROUP else av[1])
    if op == _sre.BRANCH:
        return [item for branch in av[1] for item in branch]
    if op == _sre.GROUPREF_EXISTS:
        return [item for branch in av[1:] if branch is not None for item in branch]
    return []


def _variable(items: Iterable[tuple[Any, Any]]) -> str | None:
    """The first part of a repeated body that may match the same text in more than one way."""
    for op, av in items:
        if op in _REPEATS and av[0] != av[1]:
            return "a repetition inside a repetition"
        if op == _sre.BRANCH:
            starts = [_first(branch) for branch in av[1]]
            if any(s == set() for s in starts):
                return "alternatives that overlap, inside a repetition"
            seen: set[Any] = set()
            for start in starts:
                if start is None or start & seen or (None in seen):
                    return "alternatives that overlap, inside a repetition"
                seen |= start
        if op in (_sre.ATOMIC_GROUP, _sre.POSSESSIVE_REPEAT, _sre.ASSERT, _sre.ASSERT_NOT):
            continue
        found = _variable(_children(op, av))
        if found is not None:
            return found
    return None


def _first(items: Any) -> set[Any] | None:
    """The literal characters `items` may begin with; an empty set when it may match nothing, None
    when it may begin with a class of characters (treated as overlapping with anything)."""
    for op, av in items:
        if op == _sre.LITERAL:
            return {av}
        if op == _sre.AT:
            continue
        if op == _sre.SUBPATTERN:
            inner = _first(av[3])
            if inner == set():
                continue
            return inner
        return None
    return set()


def _number(field: AnyField, raw: Any, at: Moment) -> Value:
    kind = "whole" if field.integer else "number"
    if isinstance(raw, bool):
        raise _bad(field, raw, kind)
    if isinstance(raw, (int, float)):
        value: int | float = raw
    elif isinstance(raw, str):
        text = _ungrouped(field, raw)
        try:
            value = int(text) if _INT.fullmatch(text) else float(text)
        except ValueError:
            raise _bad(field, raw, kind) from None
    else:
        raise _bad(field, raw, kind)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _bad(field, raw, kind + "_finite")
        if value.is_integer() and (
            field.integer or (isinstance(raw, str) and "." not in raw and "e" not in raw.lower())
        ):
            value = int(value)
        elif field.integer:
            raise _bad(field, raw, kind)
    if field.min is not None and value < field.min:
        raise _bad(field, raw, kind + "_min", n=_num(field.min))
    if field.max is not None and value > field.max:
        raise _bad(field, raw, kind + "_max", n=_num(field.max))
    return value


def _ungrouped(field: AnyField, raw: str) -> str:
    """`1,500` without its thousands separators; a comma that may be a decimal comma is refused,
    since dropping it would store `1,5` as 15."""
    text = raw.strip()
    if "," not in text or not _COMMAS.fullmatch(text):
        return text  # no comma, or not a number at all: the caller refuses that in its own words
    if _GROUPED.fullmatch(text):
        return text.replace(",", "")
    whole, _, fraction = text.partition(",")
    if "," in fraction or "." in fraction or "e" in fraction.lower():
        fix, n = "answer.fix_commas", text.replace(",", "")
    else:
        fix, n = "answer.fix_point", f"{whole}.{fraction}"
    english = (
        f"answer {raw!r} for {field.name!r} is ambiguous: a comma separates thousands only in groups "
        f"of three digits (1,500); {message('en', fix, n=n)}"
    )
    raise Refusal(field, raw, lambda lang, naming: message(lang, fix, n=n), "answer.ambiguous", english)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _bool(field: AnyField, raw: Any, at: Moment) -> Value:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    word = str(raw).strip().lower() if isinstance(raw, str) else None
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _bad(field, raw, "bool")


def _choice(field: AnyField, raw: Any, at: Moment) -> Value:
    options = field.options
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        raise Refusal(
            field,
            raw,
            lambda lang, naming: message(
                lang, "answer.expect.one_of", options=_options(field, lang, naming, numbered=False)
            ),
        )
    text = raw.strip()
    if text in options:
        return text
    if text.isascii() and text.isdigit() and len(text) <= 9 and 1 <= int(text) <= len(options):
        return options[int(text) - 1]
    folded = text.casefold()
    for option in options:
        label = field.option_labels.get(option)
        if option.casefold() == folded or (
            label is not None and folded in (s.strip().casefold() for s in label.all_strings())
        ):
            return option
    close = get_close_matches(text, options, n=1)
    if not close:  # a misspelt label is as likely as a misspelt id
        labels = {label.get(lang): o for o, label in field.option_labels.items() for lang in LANGUAGES}
        close = [labels[found] for found in get_close_matches(text, list(labels), n=1)]

    def expected(lang: str, naming: Naming) -> str:
        listed = _options(field, lang, naming, numbered=True)
        how = message(
            lang, "answer.expect.choice_ids" if naming == "ids" else "answer.expect.choice", options=listed
        )
        if not close:
            return how
        return how + message(lang, "answer.did_you_mean", name=_option_name(field, close[0], lang, naming))

    raise Refusal(field, raw, expected)


def _option_name(field: AnyField, option: str, lang: str, naming: Naming) -> str:
    label = field.option_labels.get(option)
    if naming == "ids" or label is None:
        return option
    shown = label.get(lang)
    return f"{shown} ({option})" if naming == "both" else shown


def _options(field: AnyField, lang: str, naming: Naming, *, numbered: bool) -> str:
    names = [_option_name(field, option, lang, naming) for option in field.options]
    if numbered:
        names = [message(lang, "answer.option", n=n, name=name) for n, name in enumerate(names, 1)]
    return message(lang, "answer.list_separator").join(names)


def _datetime(field: AnyField, raw: Any, at: Moment) -> Value:
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, str):
        found = read_moment(raw, at.now, at.tz)
        if found is None:
            raise _bad(field, raw, "datetime")
        value = found
    else:
        raise _bad(field, raw, "datetime")
    if value.tzinfo is None and at.tz is not None:
        value = value.replace(tzinfo=at.tz)
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise _bad(field, raw, "year", year=value.year, first=EARLIEST_YEAR, last=LATEST_YEAR)
    return value.isoformat()


def _duration(field: AnyField, raw: Any, at: Moment) -> Value:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        seconds = float(raw)
    elif isinstance(raw, str):
        try:
            seconds = parse_duration(raw)
        except ValueError:
            raise _bad(field, raw, "duration") from None
    else:
        raise _bad(field, raw, "duration_short")
    if not math.isfinite(seconds) or seconds < 0:
        raise _bad(field, raw, "duration_min")
    if seconds > MAX_DURATION_SECONDS:
        raise _bad(field, raw, "duration_max")
    return int(seconds) if seconds.is_integer() else seconds


# --- read-back and printed SOPs -----------------------------------------------------------------


def _as_typed(field: AnyField, value: Value) -> str:
    return str(value)


def _as_yes_no(field: AnyField, value: Value) -> str:
    return "yes" if value else "no"


def _as_duration(field: AnyField, value: Value) -> str:
    return format_duration(value) if isinstance(value, (int, float)) else str(value)


def _named(field: Declared[L], lang: str, text: Callable[[L], str]) -> str:
    return type_label(field.type, lang)


def _with_options(field: Declared[L], lang: str, text: Callable[[L], str]) -> str:
    shown = {o: f"{o} = {text(field.option_labels[o])}" for o in field.option_labels}
    return f"{type_label(field.type, lang)} " + " | ".join(shown.get(o, o) for o in field.options)


# --- the registry -------------------------------------------------------------------------------

_NO_HINT = {"zh-Hant": "", "en": ""}

TYPES: Mapping[str, FieldType] = {
    t.name: t
    for t in (
        FieldType(
            name="text",
            doc="`text`",
            keys=("pattern", "min", "max"),
            requires=(),
            label={"zh-Hant": "文字", "en": "text"},
            hint=_NO_HINT,
            parse=_text,
            show=_as_typed,
            describe=_named,
            sample=({"pattern": "[A-Z].*"}, "Li Wei"),
        ),
        FieldType(
            name="number",
            doc="`number`",
            keys=("min", "max", "integer"),
            requires=(),
            label={"zh-Hant": "數字", "en": "number"},
            hint=_NO_HINT,
            parse=_number,
            show=_as_typed,
            describe=_named,
            sample=({"min": 0}, "1,500"),
        ),
        FieldType(
            name="bool",
            doc="`bool`",
            keys=(),
            requires=(),
            label={"zh-Hant": "是/否", "en": "yes/no"},
            hint={"zh-Hant": "y/n", "en": "y/n"},
            parse=_bool,
            show=_as_yes_no,
            describe=_named,
            sample=({}, "y"),
        ),
        FieldType(
            name="choice",
            doc="`choice`",
            keys=("options",),
            requires=("options",),
            label={"zh-Hant": "選項", "en": "one of"},
            hint=_NO_HINT,
            parse=_choice,
            show=_as_typed,
            describe=_with_options,
            sample=({"options": ["desk", "phone"]}, "phone"),
        ),
        FieldType(
            name="datetime",
            doc="`datetime` (ISO 8601, e.g. 2026-03-07T09:30; typed also as `now`, `14:30`, `tomorrow 9:00`, `+2h`)",
            keys=("default",),
            requires=(),
            label={"zh-Hant": "日期時間", "en": "date and time"},
            hint={"zh-Hant": "例 14:30、明天 9:00、現在", "en": "e.g. 14:30, tomorrow 9:00, now"},
            parse=_datetime,
            show=_as_typed,
            describe=_named,
            sample=({}, "2026-03-07 09:30"),
        ),
        FieldType(
            name="duration",
            doc="`duration` (e.g. `15 minutes`)",
            keys=(),
            requires=(),
            label={"zh-Hant": "時長", "en": "duration"},
            hint={"zh-Hant": "例 15 分鐘、1小時30分", "en": "e.g. 15 minutes"},
            parse=_duration,
            show=_as_duration,
            describe=_named,
            sample=({}, "15 minutes"),
        ),
    )
}
FIELD_TYPES: tuple[str, ...] = tuple(TYPES)


# --- the schema fragment ------------------------------------------------------------------------

_KEYS: Mapping[str, Mapping[str, Any]] = {
    "options": {
        "description": "For `choice`: the allowed values, as a list of ids or a mapping of id to label.",
        "oneOf": [
            {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"$ref": "#/$defs/identifier"}},
            {
                "type": "object",
                "minProperties": 1,
                "propertyNames": {"$ref": "#/$defs/identifier"},
                "additionalProperties": {"$ref": "#/$defs/text"},
            },
        ],
    },
    "pattern": {
        "description": "For `text`: a regular expression the whole answer must match.",
        "type": "string",
    },
    "min": {
        "description": "For `number`: the smallest allowed value; for `text`: the shortest length.",
        "type": "number",
    },
    "max": {
        "description": "For `number`: the largest allowed value; for `text`: the longest length.",
        "type": "number",
    },
    "integer": {"description": "For `number`: only whole numbers are accepted.", "type": "boolean"},
    "default": {
        "description": "For `datetime`: `now`, what an empty answer means (the moment it is given).",
        "const": "now",
    },
}


_ONLY_FOR = ("default",)  # keys the schema refuses on a field of a type that does not read them


def field_schema() -> dict[str, Any]:
    """`$defs/field` of schemas/procedure.schema.json as the registry says it must be."""
    docs = [t.doc for t in TYPES.values()]
    conditions = []
    for key in _KEYS:
        needing = [t.name for t in TYPES.values() if key in t.requires]
        if needing:
            which = {"const": needing[0]} if len(needing) == 1 else {"enum": needing}
            conditions.append(
                {
                    "if": {"properties": {"type": which}},
                    "then": {"required": [key]},
                    "else": {"not": {"required": [key]}},
                }
            )
    for key in _ONLY_FOR:  # a key meaningless elsewhere is refused there, not silently ignored
        readers = [t.name for t in TYPES.values() if key in t.keys]
        conditions.append(
            {"if": {"not": {"properties": {"type": {"enum": readers}}}}, "then": {"not": {"required": [key]}}}
        )
    return {
        "description": "A typed answer: its type, a label, and constraints.",
        "type": "object",
        "additionalProperties": False,
        "required": ["type"],
        "properties": {
            "type": {"description": ", ".join(docs[:-1]) + f" or {docs[-1]}.", "enum": list(TYPES)},
            "label": {"description": "The question as the operator reads it.", "$ref": "#/$defs/text"},
            "help": {"description": "A hint shown under the question.", "$ref": "#/$defs/text"},
            **copy.deepcopy(dict(_KEYS)),
            "pii": {
                "description": "The answer is personal data: masked in listings and exports unless asked for.",
                "type": "boolean",
            },
            "source": {
                "description": "Where the source asks for this information.",
                "$ref": "#/$defs/sourceRef",
            },
        },
        "allOf": conditions,
    }
