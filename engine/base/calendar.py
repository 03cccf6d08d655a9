"""The site's work calendar: duty hours per weekday and closed dates, as data.

Answers "is this moment on duty?" and "when does duty next start?" for the agenda and for
procedures that must know whether the desk is staffed. Pure: times come in, nothing reads the
clock or the site file here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Interval(NamedTuple):
    days: frozenset[int]  # 0 = Monday
    start: time
    end: time  # time.max stands for 24:00
    source: str | None = None


class Calendar(NamedTuple):
    """Duty intervals and closed dates; an empty calendar is always on duty."""

    intervals: tuple[Interval, ...] = ()
    closed: frozenset[date] = frozenset()

    @property
    def defined(self) -> bool:
        return bool(self.intervals)

    def on_duty(self, moment: datetime) -> bool:
        if not self.intervals:
            return True
        if moment.date() in self.closed:
            return False
        clock = moment.timetz().replace(tzinfo=None)
        return any(moment.weekday() in i.days and i.start <= clock < i.end for i in self.intervals)

    def periods(self, day: date) -> list[tuple[time, time]]:
        """The duty periods of one date, sorted (none on a closed date)."""
        if day in self.closed:
            return []
        return sorted((i.start, i.end) for i in self.intervals if day.weekday() in i.days)

    def next_start(self, moment: datetime, *, horizon_days: int = 366) -> datetime | None:
        """The first moment at or after `moment` that is on duty (None: no duty within a year)."""
        if not self.intervals or self.on_duty(moment):
            return moment
        for offset in range(horizon_days + 1):
            day = moment.date() + timedelta(days=offset)
            for start, _ in self.periods(day):
                candidate = datetime.combine(day, start, tzinfo=moment.tzinfo)
                if candidate >= moment:
                    return candidate
        return None

    def describe(self) -> Iterator[str]:
        """One line per interval, e.g. `mon-fri 08:30-11:30`."""
        for interval in self.intervals:
            yield f"{_days(interval.days)} {interval.start:%H:%M}-{_clock(interval.end)}"


def build_calendar(raw: Mapping[str, Any] | None) -> Calendar:
    """A Calendar from schema-valid site data (`calendar:` of the site file)."""
    if not raw:
        return Calendar()
    intervals = tuple(
        Interval(
            frozenset(DAYS.index(d) for d in item.get("days", DAYS)),
            parse_clock(item["from"]),
            parse_clock(item["to"]),
            item.get("source"),
        )
        for item in raw.get("duty_hours", ())
    )
    closed = frozenset(date.fromisoformat(d) for d in raw.get("closed", ()))
    return Calendar(intervals, closed)


def parse_clock(text: str) -> time:
    """`HH:MM` as a time; `24:00` is the end of the day."""
    if text == "24:00":
        return time.max
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def overlaps(intervals: Sequence[Interval]) -> Iterator[tuple[int, int]]:
    """Pairs of interval indexes that share a weekday and a stretch of time."""
    for i, a in enumerate(intervals):
        for j in range(i + 1, len(intervals)):
            b = intervals[j]
            if a.days & b.days and a.start < b.end and b.start < a.end:
                yield i, j


def _clock(value: time) -> str:
    return "24:00" if value == time.max else f"{value:%H:%M}"


def _days(days: frozenset[int]) -> str:
    ordered = sorted(days)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{DAYS[ordered[0]]}-{DAYS[ordered[-1]]}"
    return ",".join(DAYS[d] for d in ordered)
