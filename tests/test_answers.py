"""Typed answers: what each field type accepts, what it stores, and how it refuses."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
import yaml
from click.testing import Result
from hypothesis import given
from hypothesis import strategies as st
from procflow.engine.base.errors import InvalidAnswerError
from procflow.engine.model.fields import FieldTypeName
from procflow.engine.model.procedure import Field, build_text
from procflow.engine.runtime.answers import parse_answer, show_answer

CST = timezone(timedelta(hours=8))


def field(type_: FieldTypeName, name: str = "f", **extra: Any) -> Field:
    return Field(name=name, type=type_, **extra)


KIND = field(
    "choice",
    options=("interviewee", "courier", "other"),
    option_labels=MappingProxyType(
        {
            "interviewee": build_text({"zh-Hant": "面試者", "en": "Interviewee"}, ""),
            "courier": build_text({"zh-Hant": "快遞人員", "en": "Courier"}, ""),
            "other": build_text({"zh-Hant": "其他", "en": "Other"}, ""),
        }
    ),
)


@pytest.mark.parametrize(
    ("fld", "raw", "value"),
    [
        (field("text"), "  Li Wei ", "Li Wei"),
        (field("text"), 42, "42"),
        (field("text", pattern=r"\d{11}"), "13800138000", "13800138000"),
        (field("number"), "12", 12),
        (field("number"), "-3.5", -3.5),
        (field("number"), "1,200", 1200),
        (field("number"), "12,345,678", 12345678),
        (field("number"), "-1,500.25", -1500.25),
        (field("number", integer=True), "1,500.0", 1500),
        (field("number"), 2.5, 2.5),
        (field("number", integer=True), "4.0", 4),
        (field("number", min=1, max=10), "10", 10),
        (field("bool"), "yes", True),
        (field("bool"), "Y", True),
        (field("bool"), "是", True),
        (field("bool"), "否", False),
        (field("bool"), "0", False),
        (field("bool"), False, False),
        (KIND, "courier", "courier"),
        (KIND, "2", "courier"),
        (KIND, 3, "other"),
        (KIND, "快遞人員", "courier"),
        (KIND, "interviewee ", "interviewee"),
        (KIND, "COURIER", "courier"),
        (field("datetime"), "2026-03-07T09:30", "2026-03-07T09:30:00"),
        (field("datetime"), "2026-03-07 09:30+08:00", "2026-03-07T09:30:00+08:00"),
        (field("duration"), "15 minutes", 900),
        (field("duration"), "1h30m", 5400),
        (field("duration"), "PT1.5S", 1.5),
        (field("duration"), 60, 60),
    ],
)
def test_accepted_answers_are_typed(fld: Field, raw: Any, value: Any) -> None:
    assert parse_answer(fld, raw) == value
    assert type(parse_answer(fld, raw)) is type(value)


def test_a_datetime_without_an_offset_takes_the_offset_of_now() -> None:
    assert parse_answer(field("datetime"), "2026-03-07T09:30", tz=CST) == "2026-03-07T09:30:00+08:00"
    assert parse_answer(field("datetime"), "2026-03-07T01:30Z", tz=CST) == "2026-03-07T01:30:00+00:00"


@pytest.mark.parametrize(
    ("fld", "raw", "message"),
    [
        (
            field("text"),
            "   ",
            "answer '   ' for 'f' is not valid; expected some text (an empty answer is not an answer)",
        ),
        (field("text", min=3), "ab", "answer 'ab' for 'f' is not valid; expected at least 3 characters"),
        (field("text", max=2), "abc", "answer 'abc' for 'f' is not valid; expected at most 2 characters"),
        (
            field("text", pattern=r"\d+"),
            "12a",
            "answer '12a' for 'f' is not valid; expected text matching the pattern '\\\\d+'",
        ),
        (field("text"), None, "answer 'None' for 'f' is not valid; expected text"),
        (field("number"), "twelve", "answer 'twelve' for 'f' is not valid; expected a number"),
        (
            field("number", name="mileage"),
            "1,5",
            "answer '1,5' for 'mileage' is ambiguous: a comma separates thousands only in groups of three "
            "digits (1,500); write a decimal with a point (1.5)",
        ),
        (
            field("number"),
            " 1,50",
            "answer ' 1,50' for 'f' is ambiguous: a comma separates thousands only in groups of three "
            "digits (1,500); write a decimal with a point (1.50)",
        ),
        (
            field("number"),
            "1234,567",
            "answer '1234,567' for 'f' is ambiguous: a comma separates thousands only in groups of three "
            "digits (1,500); write a decimal with a point (1234.567)",
        ),
        (
            field("number"),
            "1,00,000",
            "answer '1,00,000' for 'f' is ambiguous: a comma separates thousands only in groups of three "
            "digits (1,500); write the number without commas (100000)",
        ),
        (
            field("number"),
            "0,500",
            "answer '0,500' for 'f' is ambiguous: a comma separates thousands only in groups of three "
            "digits (1,500); write a decimal with a point (0.500)",
        ),
        (field("number"), "1,500,", "answer '1,500,' for 'f' is not valid; expected a number"),
        (field("number"), ",500", "answer ',500' for 'f' is not valid; expected a number"),
        (field("number"), "nan", "answer 'nan' for 'f' is not valid; expected a number (a finite one)"),
        (field("number"), True, "answer 'True' for 'f' is not valid; expected a number"),
        (field("number", integer=True), "2.5", "answer '2.5' for 'f' is not valid; expected a whole number"),
        (field("number", min=1), "0", "answer '0' for 'f' is not valid; expected a number of at least 1"),
        (
            field("number", max=9.5),
            "10",
            "answer '10' for 'f' is not valid; expected a number of at most 9.5",
        ),
        (
            field("bool"),
            "maybe",
            "answer 'maybe' for 'f' is not valid; expected yes or no (y/n, true/false, 是/否, 1/0)",
        ),
        (
            field("bool"),
            2,
            "answer '2' for 'f' is not valid; expected yes or no (y/n, true/false, 是/否, 1/0)",
        ),
        (
            KIND,
            "4",
            "answer '4' for 'f' is not valid; expected one of 1 interviewee, 2 courier, 3 other (a number, an id or a label)",
        ),
        (
            KIND,
            "courrier",
            "answer 'courrier' for 'f' is not valid; expected one of 1 interviewee, 2 courier, 3 other (a number, an id or a label); did you mean 'courier'?",
        ),
        (
            KIND,
            ["courier"],
            "answer \"['courier']\" for 'f' is not valid; expected one of interviewee, courier, other",
        ),
        (
            field("datetime"),
            "2026-03-07",
            "answer '2026-03-07' for 'f' is not valid; expected a date and time such as 'now', '14:30', 'tomorrow 9:00', '+2h' or '2026-03-07 09:30'",
        ),
        (
            field("datetime"),
            "tomorrow 9am",
            "answer 'tomorrow 9am' for 'f' is not valid; expected a date and time such as 'now', '14:30', 'tomorrow 9:00', '+2h' or '2026-03-07 09:30'",
        ),
        (
            field("datetime"),
            "2026-13-07T09:30",
            "answer '2026-13-07T09:30' for 'f' is not valid; expected a date and time such as 'now', '14:30', 'tomorrow 9:00', '+2h' or '2026-03-07 09:30'",
        ),
        (
            field("duration"),
            "soon",
            "answer 'soon' for 'f' is not valid; expected a duration such as '15 minutes', '1h30m' or 'PT15M'",
        ),
        (field("duration"), -5, "answer '-5' for 'f' is not valid; expected a duration of zero or more"),
    ],
)
def test_refusals_say_what_was_expected(fld: Field, raw: Any, message: str) -> None:
    with pytest.raises(InvalidAnswerError) as caught:
        parse_answer(fld, raw)
    assert caught.value.message == message
    assert caught.value.exit_code == 5


def test_answers_read_back_for_people() -> None:
    assert show_answer(field("duration"), 5400) == "1h 30m"
    assert show_answer(field("bool"), True) == "yes"
    assert show_answer(field("bool"), False) == "no"
    assert show_answer(field("number"), 3) == "3"
    assert show_answer(field("text"), None) == ""


def test_an_instance_in_naive_local_time_gets_naive_date_times() -> None:
    local = parse_answer(field("datetime"), "2026-03-07T09:30+08:00", naive=True)
    assert "+" not in str(local)
    assert parse_answer(field("datetime"), "2026-03-07T09:30", naive=True) == "2026-03-07T09:30:00"


def test_full_width_input_reads_as_ascii() -> None:
    assert parse_answer(field("number"), "１２") == 12
    assert parse_answer(field("bool"), "Ｙ") is True
    assert parse_answer(KIND, "２") == "courier"
    assert parse_answer(field("text"), "ＡＢ") == "ＡＢ"  # text is kept as typed


def test_a_broken_pattern_is_a_refusal_not_a_crash() -> None:
    with pytest.raises(
        InvalidAnswerError, match=r"field 'f' cannot be answered: its pattern '\(' is not a valid"
    ):
        parse_answer(field("text", pattern="("), "x")


@given(st.integers())
def test_a_number_with_thousands_separators_reads_back(n: int) -> None:
    assert parse_answer(field("number"), f"{n:,}") == n


@given(
    st.lists(st.text("0123456789", min_size=1, max_size=6), min_size=2, max_size=5).filter(
        lambda groups: (
            not (len(groups[0]) <= 3 and groups[0][0] != "0" and all(len(g) == 3 for g in groups[1:]))
        )
    ),
    st.sampled_from(["", "-", "+"]),
)
def test_a_comma_group_not_of_three_digits_is_refused(groups: list[str], sign: str) -> None:
    """Nor a first group with a leading zero: `0,500` is a decimal comma, not five hundred."""
    raw = sign + ",".join(groups)
    with pytest.raises(
        InvalidAnswerError, match=r" is ambiguous: a comma separates thousands only in groups"
    ):
        parse_answer(field("number"), raw)


MILEAGE = {
    "procflow": 1,
    "id": "sample-mileage",
    "title": {"zh-Hant": "里程", "en": "Mileage"},
    "fields": {"mileage": {"type": "number", "label": {"zh-Hant": "里程", "en": "Mileage"}}},
    "initial": "read",
    "states": {"read": {"ask": ["mileage"], "next": "done"}, "done": {"final": True}},
}


def test_the_operator_is_asked_again_after_an_ambiguous_number(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    path = tmp_path / "mileage.yaml"
    path.write_text(yaml.safe_dump(MILEAGE, allow_unicode=True), encoding="utf-8")
    result = run_cli("run", str(path), "--lang", "en", "--json", input="1,5\n1,500\n")
    assert result.exit_code == 0, result.output
    assert "! '1,5' is ambiguous: a comma separates thousands only in groups" in result.stdout
    assert json.loads(result.stdout.splitlines()[-1])["answers"] == {"mileage": 1500}
