"""Moments as people type them: `now`, `14:30`, `tomorrow 9:00`, `+2h`, `現在`, `明天下午2點`.

`read_moment` turns one typed answer into a datetime against the clock's `now`, in the zone
given (the site's), or None when it is not a moment; it never raises on any input and never
reads the clock itself. The forms are listed in docs/cli.md ("Typing times"). Pure.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta, tzinfo

from procflow.engine.base.durations import parse_duration

NOW_WORDS = frozenset({"now", "right now", "現在", "现在", "此刻", "目前"})
DAY_WORDS = {
    "today": 0,
    "tomorrow": 1,
    "yesterday": -1,
    "今天": 0,
    "今日": 0,
    "明天": 1,
    "明日": 1,
    "後天": 2,
    "后天": 2,
    "昨天": -1,
    "昨日": -1,
    "前天": -2,
}
# the parts of a Chinese day: afternoon and evening hours below 12 are p.m., 凌晨12點 is midnight
_AFTER_NOON = frozenset({"下午", "晚上", "傍晚", "夜裡", "夜里", "pm", "p.m."})
_BEFORE_NOON = frozenset({"上午", "早上", "早晨", "凌晨", "am", "a.m."})
_NOON = frozenset({"中午"})
_PERIOD = r"(上午|早上|早晨|凌晨|中午|下午|晚上|傍晚|夜裡|夜里)?"
_DIGITS = r"(\d{1,2})"
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_ENGLISH = re.compile(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)")
_CHINESE = re.compile(_PERIOD + r"\s*" + _DIGITS + r"\s*[點点時时]\s*(?:(半)|(\d{1,2})\s*分?)?")
_PERIOD_CLOCK = re.compile(_PERIOD + r"\s*(\d{1,2}):(\d{2})")
_NUMERALS = {"零": 0, "〇": 0, "一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_NUMERALS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_CHINESE_NUMBER = re.compile(r"[零〇一二兩两三四五六七八九十]+")
_LATER = re.compile(r"(?:in\s+(?P<in>.+)|(?P<after>.+?)\s*(?:later|後|后|之後|之后|以後|以后))")
_EARLIER = re.compile(r"(?P<ago>.+?)\s*(?:ago|前|之前|以前)")


def read_moment(text: str, now: datetime | None, zone: tzinfo | None) -> datetime | None:
    """The moment `text` names, or None. A full ISO 8601 date-time is read as written (without an
    offset it stays naive: the caller gives it the zone); every other form needs `now` and is
    resolved in `zone` (else `now`'s own zone). `now` is kept to the second."""
    raw = unicodedata.normalize("NFKC", text).strip()
    if len(raw) >= 16 and raw[:4].isdigit() and raw[4] == "-" and raw[10] in "Tt ":
        try:
            return datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return None
    if now is None or len(raw) > 40:
        return None
    here = now.replace(microsecond=0)
    here = here.astimezone(zone) if zone is not None and here.tzinfo is not None else here
    words = _chinese_numerals(" ".join(raw.lower().split()))
    if words in NOW_WORDS:
        return here
    shifted = _shifted(words, here)
    if shifted is not None:
        return shifted
    day, rest = here.date(), words
    for word, offset in DAY_WORDS.items():
        if words.startswith(word):
            day, rest = here.date() + timedelta(days=offset), words[len(word) :].strip()
            break
    clock = _time_of_day(rest)
    if clock is None:
        return None
    return _on(day, clock, here.tzinfo)


def _shifted(words: str, here: datetime) -> datetime | None:
    """`+2h`, `-15m`, `in 2 hours`, `2 hours ago`, `2小時後`, `15分鐘前`; None for anything else."""
    sign, length = 0, ""
    if words[:1] in "+-" and len(words) > 1:
        sign, length = (1 if words[0] == "+" else -1), words[1:]
    elif (later := _LATER.fullmatch(words)) is not None:
        sign, length = 1, later.group("in") or later.group("after")
    elif (earlier := _EARLIER.fullmatch(words)) is not None:
        sign, length = -1, earlier.group("ago")
    if not sign:
        return None
    try:
        seconds = parse_duration(length)
    except ValueError:
        return None
    if seconds > 36_525 * 86_400:  # beyond any date: refused, not an OverflowError
        return None
    return here + timedelta(seconds=sign * seconds)


def _time_of_day(words: str) -> time | None:
    """`14:30`, `9:00:15`, `2pm`, `2:30 pm`, `下午2點`, `下午2點30分`, `兩點半`, `下午2:30`."""
    hour: int
    minute, second, period = 0, 0, ""
    if (found := _CLOCK.fullmatch(words)) is not None:
        hour, minute, second = int(found.group(1)), int(found.group(2)), int(found.group(3) or 0)
    elif (found := _ENGLISH.fullmatch(words)) is not None:
        hour, minute, period = int(found.group(1)), int(found.group(2) or 0), found.group(3)
    elif (found := _PERIOD_CLOCK.fullmatch(words)) is not None:
        period, hour, minute = found.group(1) or "", int(found.group(2)), int(found.group(3))
    elif (found := _CHINESE.fullmatch(words)) is not None:
        period, hour = found.group(1) or "", int(found.group(2))
        minute = 30 if found.group(3) else int(found.group(4) or 0)
    else:
        return None
    if period:
        if not 1 <= hour <= 12:
            return None  # `下午14點`, `13pm`: a 12-hour clock reads no such hour
        if period in _AFTER_NOON and hour < 12:
            hour += 12
        elif period in _BEFORE_NOON and hour == 12:
            hour = 0
        elif period in _NOON and hour < 11:
            hour += 12  # 中午1點 is 13:00; 中午12點 is noon
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        return None
    return time(hour, minute, second)


def _on(day: date, clock: time, zone: tzinfo | None) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone)


def _chinese_numerals(words: str) -> str:
    """`兩點半` as `2點半`, `十二點十五分` as `12點15分`: small Chinese numbers (0-99) as digits."""
    if not _CHINESE_NUMBER.search(words):
        return words

    def digits(match: re.Match[str]) -> str:
        part = match.group(0)
        if "十" not in part:
            return "".join(str(_NUMERALS[c]) for c in part) if len(part) <= 2 else part
        tens, _, ones = part.partition("十")
        if len(tens) > 1 or len(ones) > 1 or "十" in ones:
            return part
        return str((_NUMERALS[tens] if tens else 1) * 10 + (_NUMERALS[ones] if ones else 0))

    return _CHINESE_NUMBER.sub(digits, words)
