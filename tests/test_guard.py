"""Guards: what they mean, what they refuse (and where), and that nothing in one ever runs."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from procflow.engine.model.guard import MAX_DEPTH, MAX_LENGTH, Comparison, Guard, GuardError, parse_guard

# --- meaning ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ('kind == "courier"', {"kind": "courier"}, True),
        ('kind == "courier"', {"kind": "guest"}, False),
        ('kind != "courier"', {}, True),  # unanswered is not "courier"
        ("kind == null", {}, True),
        ("kind == None", {"kind": "a"}, False),
        ('kind in ["a", "b"]', {"kind": "b"}, True),
        ('kind not in ("a", "b")', {"kind": "c"}, True),
        ("n > 3", {"n": 4}, True),
        ("n > 3", {}, False),  # an unanswered number is not greater than anything
        ("n <= 3", {}, False),  # nor smaller
        ("3 < n", {"n": 4}, True),
        ("1 < n <= 5", {"n": 5}, True),
        ("1 < n <= 5", {"n": 6}, False),
        ("n > -2.5", {"n": -2}, True),
        ("vip", {"vip": True}, True),
        ("not vip", {}, True),
        ("vip and n > 1", {"vip": True, "n": 2}, True),
        ("vip and n > 1 and kind == 'a'", {"vip": True, "n": 2, "kind": "b"}, False),
        ("vip or n > 1", {"vip": False, "n": 0}, False),
        ("vip or n > 1 or kind == 'a'", {"kind": "a"}, True),
        ("vip == true", {"vip": True}, True),
        ("vip == True", {"vip": False}, False),
        ("answered(note)", {"note": ""}, True),
        ("answered(note)", {}, False),
        ("len(note) > 2", {"note": "abc"}, True),
        ("len(note) > 2", {}, False),
        ("minutes(wait) >= 15", {"wait": 900}, True),
        ("minutes(wait) >= 15", {"wait": "15 minutes"}, True),
        ("minutes(wait) >= 15", {"wait": timedelta(minutes=14)}, False),
        ("n == limit", {"n": 5, "limit": 5}, True),
        ('"x" in note', {"note": "a x b"}, True),
        ("true", {}, True),
        ("  vip\n  and n > 1", {"vip": True, "n": 2}, True),  # folded over lines
        ("vip\tand\tn > 1", {"vip": True, "n": 2}, True),
    ],
)
def test_guards_mean_what_they_say(text: str, values: dict[str, Any], expected: bool) -> None:
    assert parse_guard(text)(values) is expected


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("n > 3", {"n": "four"}),  # text compared with a number
        ("n < limit", {"n": datetime(2026, 1, 1), "limit": 3}),
        ("len(n) > 2", {"n": 5}),  # no length
        ("minutes(wait) > 1", {"wait": "soon"}),  # not a duration
        ("minutes(wait) > 1", {"wait": True}),
        ("kind in n", {"kind": "a", "n": 5}),  # not a container
        ("1 < n < 3", {"n": [1]}),
        ("n == 1", {"n": float("nan")}),
    ],
)
def test_evaluation_never_raises_a_guard_just_does_not_hold(text: str, values: dict[str, Any]) -> None:
    assert parse_guard(text)(values) is False


# --- what rules read ----------------------------------------------------------------------


def test_names_are_recorded_with_the_offset_of_their_first_use() -> None:
    guard = parse_guard('  kind == "面試" and vip or kind == "x" and answered(note)')
    assert dict(guard.names) == {"kind": 2, "vip": 19, "note": 51}


def test_comparisons_keep_the_name_on_the_left_and_each_value_with_its_offset() -> None:
    guard = parse_guard('5 < n and kind in ["a", "面試", "c"] and "x" != note and n <= limit')
    assert guard.comparisons == (
        Comparison("n", ">", (5,), 0, (0,)),
        Comparison("kind", "in", ("a", "面試", "c"), 18, (19, 24, 30), True),
        Comparison("note", "!=", ("x",), 39, (39,)),
    )


def test_names_used_other_than_against_literals_are_opaque() -> None:
    guard = parse_guard('len(a) > 1 and b and c < d and "x" in e and f in "xyz" and g == 1 and answered(h)')
    assert guard.opaque == {"a", "b", "c", "d", "e", "f"}


def test_parsing_is_cached_by_text() -> None:
    assert parse_guard("vip and n > 1") is parse_guard("vip and n > 1")


# --- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("__import__('os').system('x')", "attribute access ('.system') is not allowed in a guard", 0),
        (
            "__import__('os')",
            "call of '__import__' is not allowed; guards may call only answered, len, minutes",
            0,
        ),
        ("eval(note)", "call of 'eval' is not allowed; guards may call only answered, len, minutes", 0),
        ("vip and open('/etc/passwd')", "call of 'open' is not allowed", 8),
        ("note.__class__", "attribute access ('.__class__') is not allowed in a guard", 0),
        ("_private", "name '_private' is not allowed; names start with a letter", 0),
        ("note[0] == 'x'", "indexing is not allowed in a guard", 0),
        ("n + 1 > 2", "arithmetic is not allowed in a guard", 0),
        ("-n > 2", "arithmetic is not allowed in a guard", 0),
        ("lambda: 1", "a lambda is not allowed in a guard", 0),
        ("[x for x in note]", "a comprehension is not allowed in a guard", 0),
        ("(x := 1)", "assignment is not allowed in a guard", 1),
        ("f'{note}'", "an f-string is not allowed in a guard", 0),
        ("{'a': 1}", "a mapping is not allowed in a guard", 0),
        ("1 if vip else 0", "a conditional expression is not allowed in a guard", 0),
        ("b'x' == note", "literal b'x' is not allowed", 0),
        ("kind in [a, 'b']", "a list in a guard holds literals only", 9),
        ("kind is 'a'", "'is' is not allowed; write '=='", 0),
        ("kind is not 'a'", "'is not' is not allowed; write '!='", 0),
        ("answered('note')", "answered() takes a field name", 9),
        ("len(a, b)", "len() takes exactly one argument", 0),
        ("minutes(x=1)", "minutes() takes exactly one argument", 0),
        ("kind = 'a'", "guard does not parse: '=' assigns; to compare, write '=='", 5),
        ("vip && n > 1", "guard does not parse: write 'and' instead of '&&'", 4),
        ("vip || n > 1", "guard does not parse: write 'or' instead of '||'", 4),
        ("!vip", "guard does not parse: write 'not' instead of '!'", 0),
        ("kind === 'a'", "guard does not parse: '===' is not an operator; write '=='", 7),
        ("n <> 1", "guard does not parse: '<>' is not an operator; write '!='", 2),
        ("vip and", "guard does not parse: it ends where more is expected", 7),
        ("  (vip", "guard does not parse: '(' was never closed", 2),
        ("vip\x00", "guard contains a NUL character", 0),
        ("", "guard is empty", 0),
        (" \n ", "guard is empty", 0),
    ],
)
def test_refusals_say_what_and_where(text: str, message: str, offset: int) -> None:
    with pytest.raises(GuardError) as caught:
        parse_guard(text)
    assert caught.value.message.startswith(message)
    assert caught.value.offset == offset


def test_offsets_of_refusals_count_characters_not_bytes() -> None:
    with pytest.raises(GuardError) as caught:
        parse_guard('kind == "面試面試" and x.y')
    assert caught.value.offset == 19


def test_long_and_deep_guards_are_refused_before_they_cost_anything() -> None:
    with pytest.raises(GuardError, match=f"the limit is {MAX_LENGTH:,}"):
        parse_guard("vip or " * 200 + "vip")
    with pytest.raises(GuardError, match=f"nested more than {MAX_DEPTH} levels"):
        parse_guard("not " * (MAX_DEPTH + 1) + "vip")
    with pytest.raises(GuardError):
        parse_guard("(" * 201 + "vip" + ")" * 201)  # Python's own nesting limit
    assert parse_guard("n < 1" + "0" * 900)({"n": 5})  # long literals within the limit are fine


# --- nothing runs -------------------------------------------------------------------------

_events: list[str] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _events is not None:
        _events.append(event)


sys.addaudithook(_audit)  # audit hooks cannot be removed; this one only listens while watching


@contextmanager
def watching() -> Iterator[list[str]]:
    """Every audit event (imports, exec, os.system, open, subprocess...) raised meanwhile."""
    global _events
    _events = []
    try:
        yield _events
    finally:
        _events = None


def parse_and_run(text: str) -> None:
    """Parse `text`; if it is a guard, evaluate it on a few kinds of values."""
    try:
        guard = parse_guard(text)
    except GuardError:
        return
    for values in ({}, {name: "x" for name in guard.names}, {name: 3 for name in guard.names}):
        guard(values)


def test_the_classic_injection_is_refused_and_nothing_is_executed(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a))
    with watching() as events:
        parse_and_run("__import__('os').system('touch /tmp/pwned')")
        parse_and_run("[c for c in ().__class__.__bases__[0].__subclasses__()]")
    assert calls == []
    assert set(events) <= {"compile"}  # ast.parse compiles to a tree only


TOKENS = [
    "kind",
    "vip",
    "n",
    "note",
    "__import__",
    "eval",
    "exec",
    "open",
    "os",
    "system",
    "getattr",
    "__class__",
    "__globals__",
    "answered",
    "len",
    "minutes",
    "lambda",
    "yield",
    "await",
    "not",
    "and",
    "or",
    "in",
    "is",
    "if",
    "else",
    "for",
    "true",
    "null",
    "None",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    ":",
    ":=",
    "=",
    "==",
    "!=",
    "<",
    ">=",
    "+",
    "-",
    "*",
    "**",
    "@",
    "~",
    "!",
    "&&",
    "'a'",
    '"面試"',
    "b'x'",
    "f'{n}'",
    "1",
    "-2.5",
    "1e999",
    "0x1f",
    "...",
    "#",
    "\\",
    "\n",
    "\x00",
    "'",
]


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60))
def test_random_text_gives_a_guard_or_a_guard_error_and_runs_nothing(text: str) -> None:
    with watching() as events:
        parse_and_run(text)
    assert set(events) <= {"compile"}, (text, events)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=14).map(" ".join))
def test_token_soup_gives_a_guard_or_a_guard_error_and_runs_nothing(text: str) -> None:
    with watching() as events:
        parse_and_run(text)
    assert set(events) <= {"compile"}, (text, events)


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=5),
    st.datetimes(),
    st.timedeltas(),
    st.lists(st.integers(), max_size=2),
)
GUARDS = [
    "kind == 'a'",
    "n > 3 and n <= 7",
    "1 < n < 3",
    "kind in ['a', 1, null]",
    "not vip or n != 2",
    "len(note) > 2",
    "minutes(wait) >= 15",
    "answered(note)",
    "n < limit",
    "'x' in note",
    "vip",
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(GUARDS),
    st.dictionaries(st.sampled_from(["kind", "n", "vip", "note", "wait", "limit"]), VALUES),
)
def test_evaluating_a_guard_on_any_values_never_raises(text: str, values: dict[str, Any]) -> None:
    assert parse_guard(text)(values) in (True, False)


# --- the short way for `name OP literal` ----------------------------------------------------

SIMPLE_NAMES = st.one_of(
    st.sampled_from(["n", "kind", "a_1", "true", "None", "if", "and", "len", "match", "_x", "名", "x.y"]),
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,4}", fullmatch=True),
)
SIMPLE_LITERALS = st.one_of(
    st.from_regex(r"-?[0-9]{1,4}(\.[0-9]{0,3})?(e[0-9])?", fullmatch=True),
    st.integers().map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.text(max_size=6).map(lambda t: f'"{t}"'),
    st.text(max_size=6).map(lambda t: f"'{t}'"),
    st.sampled_from(
        ["true", "false", "null", "True", "None", "limit", "1_000", "0x1f", "'a\\'b'", '"a" "b"']
    ),
)
SPACE = st.sampled_from(["", " ", "  ", "\t", "\n  ", "\r\n"])


@settings(max_examples=1500, deadline=None)
@given(
    st.tuples(
        SPACE,
        SIMPLE_NAMES,
        SPACE,
        st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "=", "<>", "===", " in ", "is"]),
        SPACE,
        SIMPLE_LITERALS,
        SPACE,
    ).map("".join),
    st.lists(VALUES, max_size=3),
)
def test_a_comparison_with_a_literal_means_what_python_parses(text: str, answers: list[Any]) -> None:
    """The Guard made without Python's parser is the one the parser makes: names and offsets,
    comparisons, opaque names, refusals, and the value on any answers."""
    from unittest import mock

    from procflow.engine.model import guard as module

    def made(short: bool) -> Guard | GuardError:
        try:
            if short:
                return parse_guard.__wrapped__(text)
            with mock.patch.object(module, "_simple", lambda *_: None):
                return parse_guard.__wrapped__(text)
        except GuardError as exc:
            return exc

    quick, parsed = made(True), made(False)
    if isinstance(parsed, GuardError):
        assert isinstance(quick, GuardError) and (quick.message, quick.offset) == (
            parsed.message,
            parsed.offset,
        )
        return
    assert isinstance(quick, Guard)
    assert (quick.source, dict(quick.names), quick.comparisons, quick.opaque) == (
        parsed.source,
        dict(parsed.names),
        parsed.comparisons,
        parsed.opaque,
    )
    for answer in [*answers, *(c.values[0] for c in parsed.comparisons)]:
        for values in ({}, {name: answer for name in parsed.names}):
            assert quick(values) is parsed(values)


def test_the_short_way_is_taken_for_the_usual_guards() -> None:
    from procflow.engine.model import guard as module

    for text in ('kind == "courier"', "n > 5", "n <= -2.5", "vip == true", "note != '面試'"):
        assert module._simple(text, text, 0) is not None, text
    for text in ("n > 5 and vip", "5 < n", "n == limit", "n == 1e3", "if == 1"):
        assert module._simple(text, text, 0) is None, text
