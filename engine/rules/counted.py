"""A deadline counts against a person, so its length must come from the documents or the site.

A literal duration (`within: 15 seconds`) of a deadline that cites its clause (`source`) must
be one its own text quotes (「三分鐘」, 「半小時」,
"ten minutes"); zero (by the moment itself) needs no quote. Anything else is a length procflow
made up, and belongs in a parameter a site sets (`within: "{pick_up_timer}"`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from procflow.engine.base.diagnostic import Severity
from procflow.engine.base.durations import parse_duration
from procflow.engine.model.procedure import Deadline, Procedure
from procflow.engine.rules import Finding, rule

_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"兩": 2}
_UNITS_ZH = {
    "秒": 1,
    "秒鐘": 1,
    "分": 60,
    "分鐘": 60,
    "小時": 3600,
    "個小時": 3600,
    "鐘頭": 3600,
    "天": 86400,
}
_ZH = re.compile(r"([0-9０-９]+|[零一二兩三四五六七八九十百]+)\s*(秒鐘|秒|分鐘|分|個小時|小時|鐘頭|天)")
_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30, "an": 1, "a": 1,
}  # fmt: skip
_UNITS_EN = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_EN = re.compile(r"\b(\d+|" + "|".join(_WORDS) + r")[\s-]+(second|minute|hour|day)s?\b", re.I)
_HALF_HOUR = re.compile(r"半(個)?小時|半鐘頭|half an hour|half-hour", re.I)


def _zh_number(text: str) -> int:
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    if "百" in text:
        hundreds, _, rest = text.partition("百")
        return (_DIGITS.get(hundreds, 1) if hundreds else 1) * 100 + (_zh_number(rest) if rest else 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_DIGITS.get(tens, 1) if tens else 1) * 10 + (_DIGITS.get(ones, 0) if ones else 0)
    return _DIGITS.get(text, 0)


def quoted_seconds(text: str) -> set[float]:
    """Every length of time a text states, in seconds (Chinese or English)."""
    found: set[float] = {1800.0} if _HALF_HOUR.search(text) else set()
    text = _HALF_HOUR.sub(" ", text)  # "half an hour" is not also "an hour"
    found |= {float(_zh_number(n) * _UNITS_ZH[u]) for n, u in _ZH.findall(text)}
    found |= {
        float((int(n) if n.isdigit() else _WORDS[n.lower()]) * _UNITS_EN[u.lower()])
        for n, u in _EN.findall(text)
    }
    return found


def _texts(deadline: Deadline) -> list[str]:
    return list(deadline.text.all_strings()) if deadline.text is not None else []


@rule(
    "P034",
    "unquoted-deadline",
    "a deadline counts a length of time that neither its text quotes from the source nor a site sets",
    Severity.WARNING,
)
def unquoted_deadline(procedure: Procedure) -> Iterator[Finding]:
    for state in procedure.states.values():
        for deadline in state.due:
            if deadline.param is not None or deadline.source is None:
                continue  # a parameter is the site's to set; without a source nothing is claimed
            try:
                seconds = parse_duration(deadline.duration)
            except ValueError:  # P023 reports it
                continue
            if seconds == 0 or any(seconds in quoted_seconds(t) for t in _texts(deadline)):
                continue
            yield Finding(
                f"{deadline.ptr}/{deadline.kind}",
                f"deadline {deadline.id!r} counts {deadline.duration.strip()!r} against a person, but its "
                "text does not quote that length from the source; quote the clause's words, or read the "
                'length from a parameter a site sets (e.g. within: "{timer}")',
            )
