"""Friendly times: date-time answers typed as people say them (`now`, `14:30`, `明天 9:00`, `+2h`,
`下午2點`) and durations (`90s`, `5 分鐘`, `1小時30分`), resolved in the site's zone, echoed in
full, and refused outside the years procflow accepts. Property tests over the whole grammar."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from click.testing import Result
from hypothesis import given
from hypothesis import strategies as st
from procflow.engine.base.durations import parse_duration, say_duration
from procflow.engine.base.errors import InvalidAnswerError
from procflow.engine.base.moments import read_moment
from procflow.engine.model.procedure import Field
from procflow.engine.runtime.answers import echo_answer, parse_answer

TAIPEI = ZoneInfo("Asia/Taipei")
WHEN = Field(name="when", type="datetime")
ARRIVED = Field(name="arrived", type="datetime", default="now")
LENGTH = Field(name="length", type="duration")
CAR = Path(__file__).parent / "transcripts/procedures/car-arrival.yaml"

# Taipei has kept no summer time since 1979: no moment here is ambiguous or skipped
moments = st.datetimes(
    min_value=datetime(1980, 1, 2), max_value=datetime(2199, 12, 30), timezones=st.just(TAIPEI)
)
hours, minutes = st.integers(0, 23), st.integers(0, 59)


def at(now: datetime, text: str) -> datetime:
    return datetime.fromisoformat(str(parse_answer(WHEN, text, tz=now.tzinfo, now=now)))


@given(moments)
def test_now_is_the_clock_to_the_second_in_every_spelling(now: datetime) -> None:
    for word in ("now", "NOW", "現在", " 现在 ", "right now"):
        assert at(now, word) == now.replace(microsecond=0)


@given(moments, hours, minutes)
def test_a_time_of_day_is_today_in_every_spelling(now: datetime, h: int, m: int) -> None:
    expected = now.replace(hour=h, minute=m, second=0, microsecond=0)
    for text in (
        f"{h}:{m:02d}",
        f"{h:02d}:{m:02d}",
        f"today {h}:{m:02d}",
        f"今天 {h}:{m:02d}",
        f"今天{h}點{m}分",
    ):
        assert at(now, text) == expected, text


@given(
    moments,
    hours,
    minutes,
    st.sampled_from([("tomorrow", 1), ("明天", 1), ("yesterday", -1), ("昨天", -1), ("後天", 2)]),
)
def test_a_day_word_moves_the_date(now: datetime, h: int, m: int, word: tuple[str, int]) -> None:
    name, days = word
    found = at(now, f"{name} {h}:{m:02d}")
    assert found.date() == now.date() + timedelta(days=days)
    assert (found.hour, found.minute) == (h, m)


@given(moments, st.integers(1, 11), st.integers(0, 59))
def test_afternoon_words_read_as_the_24_hour_clock(now: datetime, h: int, m: int) -> None:
    expected = now.replace(hour=h + 12, minute=m, second=0, microsecond=0)
    for text in (f"{h}:{m:02d}pm", f"{h}:{m:02d} p.m.", f"下午{h}點{m}分", f"晚上{h}:{m:02d}"):
        assert at(now, text) == expected, text
    assert at(now, f"上午{h}點") == now.replace(hour=h, minute=0, second=0, microsecond=0)


@given(moments, st.integers(0, 500), st.integers(0, 59))
def test_an_offset_counts_from_now(now: datetime, h: int, m: int) -> None:
    later = now.replace(microsecond=0) + timedelta(hours=h, minutes=m)
    earlier = now.replace(microsecond=0) - timedelta(hours=h, minutes=m)
    assume_in_window = all(1900 <= d.year <= 2200 for d in (later, earlier))
    if not assume_in_window:
        return
    for text in (f"+{h}h{m}m", f"in {h} hours {m} minutes", f"{h}小時{m}分後"):
        assert at(now, text) == later, text
    for text in (f"-{h}h{m}m", f"{h} hours {m} minutes ago", f"{h}小時{m}分鐘前"):
        assert at(now, text) == earlier, text


@given(moments)
def test_a_full_date_time_reads_as_written_in_the_site_zone(now: datetime) -> None:
    written = now.replace(microsecond=0, tzinfo=None)
    assert at(now, written.isoformat(sep=" ")) == written.replace(tzinfo=TAIPEI)
    assert at(now, now.replace(microsecond=0).isoformat()) == now.replace(microsecond=0)


@given(st.text(max_size=60), st.one_of(st.none(), moments))
def test_any_text_is_a_moment_or_one_refusal_never_a_crash(text: str, now: datetime | None) -> None:
    found = read_moment(text, now, TAIPEI)
    assert found is None or isinstance(found, datetime)
    try:
        parse_answer(WHEN, text, tz=TAIPEI, now=now)
    except InvalidAnswerError as refused:
        assert refused.exit_code == 5


@pytest.mark.parametrize(
    "text",
    ["soon", "today", "明天", "25:00", "9:60", "下午14點", "13pm", "3000-01-01 10:00", "1899-12-31 23:00"],
)
def test_what_is_not_a_plausible_moment_is_refused(text: str) -> None:
    now = datetime(2026, 3, 9, 9, 0, tzinfo=TAIPEI)
    with pytest.raises(InvalidAnswerError):
        parse_answer(WHEN, text, tz=TAIPEI, now=now)


def test_a_moment_resolves_in_the_site_zone_not_the_machine_zone() -> None:
    now = datetime(2026, 3, 9, 1, 0, tzinfo=UTC)  # 09:00 in Taipei: already 9 March there
    assert parse_answer(WHEN, "14:30", tz=TAIPEI, now=now) == "2026-03-09T14:30:00+08:00"
    assert parse_answer(WHEN, "明天 9:00", tz=TAIPEI, now=now) == "2026-03-10T09:00:00+08:00"


def test_default_now_answers_an_empty_answer_with_the_moment() -> None:
    now = datetime(2026, 3, 9, 9, 0, 12, 500, tzinfo=TAIPEI)
    assert parse_answer(ARRIVED, "", tz=TAIPEI, now=now) == "2026-03-09T09:00:12+08:00"
    with pytest.raises(InvalidAnswerError):
        parse_answer(WHEN, "", tz=TAIPEI, now=now)


def test_a_typed_moment_is_echoed_in_full_in_the_run_language() -> None:
    value = "2026-03-10T15:00:00+08:00"
    assert echo_answer(WHEN, "明天下午3點", value, "zh-Hant") == "= 2026-03-10(週二)15:00 (UTC+08:00)"
    assert echo_answer(WHEN, "tomorrow 3pm", value, "en") == "= Tue 2026-03-10 15:00 (UTC+08:00)"
    assert echo_answer(WHEN, "2026-03-10 15:00", value, "en") is None  # written out already
    assert echo_answer(LENGTH, "5 min", 300, "en") is None


@given(st.integers(0, 99), st.integers(0, 59), st.integers(0, 59))
def test_durations_read_alike_in_every_spelling(h: int, m: int, s: int) -> None:
    seconds = h * 3600 + m * 60 + s
    for text in (
        f"{h}h{m}m{s}s",
        f"{h} hours {m} min {s} s",
        f"{h}小時{m}分{s}秒",
        f"{h} 小時 {m} 分鐘 {s} 秒",
    ):
        assert parse_duration(text) == seconds, text
    assert parse_answer(LENGTH, f"{m} 分鐘") == m * 60


def test_the_stored_answer_is_the_full_stamp(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T09:00:00+08:00")
    result = run_cli("run", str(CAR), "--lang", "en", "--json", input="\n1\ntomorrow 9:00\n90s\n")
    assert result.exit_code == 0, result.output
    answers = json.loads(result.output.strip().splitlines()[-1])["answers"]
    assert answers["entry_time"] == "2026-03-09T09:00:00+08:00"
    assert answers["promised_time"] == "2026-03-10T09:00:00+08:00"
    assert answers["estimate"] == 90


def test_a_length_of_time_is_said_in_the_run_language() -> None:
    assert say_duration(5400, "zh-Hant") == "1小時30分鐘"
    assert say_duration(900, "zh-Hant") == "15分鐘"
    assert say_duration(0, "zh-Hant") == "0秒"
    assert say_duration(5400, "en") == "1h 30m"


OPTIONAL_NOW = {
    "procflow": 1,
    "id": "sample-arrival",
    "title": {"zh-Hant": "到達", "en": "Arrival"},
    "fields": {
        "arrived": {"type": "datetime", "default": "now", "label": {"zh-Hant": "到達時間", "en": "Arrived"}}
    },
    "initial": "note",
    "states": {
        "note": {
            "title": {"zh-Hant": "登記", "en": "Note"},
            "ask": [{"field": "arrived", "required": False}],
            "next": "end",
        },
        "end": {"title": {"zh-Hant": "完成", "en": "Noted"}, "final": True},
    },
}


def test_enter_on_an_optional_question_with_default_now_takes_the_moment(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T09:00:00+08:00")
    path = tmp_path / "arrival.yaml"
    path.write_text(yaml.safe_dump(OPTIONAL_NOW, allow_unicode=True), encoding="utf-8")
    result = run_cli("run", str(path), "--lang", "en", "--json", input="\n")
    assert result.exit_code == 0, result.output
    assert "(date and time, e.g. 14:30, tomorrow 9:00, now, Enter = now)" in result.output
    assert "optional" not in result.output
    assert json.loads(result.output.strip().splitlines()[-1])["answers"] == {
        "arrived": "2026-03-09T09:00:00+08:00"
    }
