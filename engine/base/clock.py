"""The one clock of procflow, and time counted in duty hours only.

`now()` is the current moment (`PROCFLOW_NOW` fixes it), in the site's time zone when one is
set; `parse_moment` reads a time a person typed (`--at`). `Duty` is a site calendar with its
zone: it adds, subtracts and measures duty time for deadlines that say `during: duty_hours`.
Pure apart from reading the clock and the environment in `now()`; never sleeps or prints.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import Any, NamedTuple

from procflow.engine.base.calendar import DAYS, Calendar, build_calendar
from procflow.engine.base.durations import parse_duration
from procflow.engine.base.errors import UsageError
from procflow.engine.base.stamps import plausible

HORIZON_DAYS = 3660  # duty arithmetic looks no further: a calendar with no duty for ten years is a mistake
_DAY = timedelta(days=1)


def now(zone: tzinfo | None = None) -> datetime:
    """The current moment, aware: `PROCFLOW_NOW` when set, else the system clock; in `zone` if given."""
    moment = _fixed_now() or datetime.now().astimezone()
    return moment.astimezone(zone) if zone is not None else moment


def _fixed_now() -> datetime | None:
    """`PROCFLOW_NOW` (ISO 8601, its own offset or local time) for demonstrations and
    reproducible transcripts; None when unset."""
    raw = os.environ.get("PROCFLOW_NOW")
    if raw is None or not raw.strip():
        return None
    try:
        fixed = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
        fixed = fixed if fixed.tzinfo is not None else fixed.astimezone()  # no offset: local time
    except (ValueError, OverflowError):
        raise UsageError(
            f"PROCFLOW_NOW '{raw}' is not an ISO 8601 date-time such as 2026-03-07T09:30"
        ) from None
    return plausible(fixed, f"PROCFLOW_NOW '{raw}'")


def parse_moment(text: str, current: datetime) -> datetime:
    """A moment as typed: an ISO 8601 date-time (`2026-03-07T09:30`, offset optional), a time
    of today (`14:30`), or an offset from `current` (`+90m`, `+1h30m`). UsageError otherwise."""
    raw = text.strip()
    try:
        if raw.startswith("+"):
            moment = current + timedelta(seconds=parse_duration(raw[1:]))
        elif len(raw) <= 5 and ":" in raw:
            clock = time.fromisoformat(raw.zfill(5))
            moment = datetime.combine(current.date(), clock, tzinfo=current.tzinfo)
        else:
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            if moment.tzinfo is None:  # a time without an offset is on the desk's clock
                moment = moment.replace(tzinfo=current.tzinfo)
            elif current.tzinfo is not None:
                moment = moment.astimezone(current.tzinfo)
    except (ValueError, OverflowError):
        raise UsageError(
            f"time {text!r} is not understood; expected e.g. 2026-03-07T09:30, 14:30 or +90m"
        ) from None
    return plausible(moment, f"time {text!r}")


class Duty(NamedTuple):
    """A work calendar and the zone its hours are in (None: the zone of each moment given)."""

    calendar: Calendar
    zone: tzinfo | None = None

    @property
    def defined(self) -> bool:
        return self.calendar.defined

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone) if self.zone is not None and moment.tzinfo is not None else moment

    def next_start(self, moment: datetime) -> datetime:
        """`moment` if on duty, else when duty next starts (in `moment`'s own offset)."""
        found = self.calendar.next_start(self.local(moment), horizon_days=HORIZON_DAYS)
        return moment if found is None else _back(found, moment)

    def add(self, moment: datetime, seconds: float) -> datetime:
        """`seconds` of duty time after `moment`; an end that falls off duty moves to the next start."""
        if not self.defined:
            return moment + timedelta(seconds=seconds)
        here = self.local(moment)
        left = timedelta(seconds=seconds)
        for start, end in self._periods(here, forward=True):
            if end <= here:
                continue
            begin = max(start, here)
            if left < end - begin:
                return _back(begin + left, moment)
            left -= end - begin
        return moment + timedelta(seconds=seconds)  # no duty within the horizon: wall time

    def subtract(self, moment: datetime, seconds: float) -> datetime:
        """`seconds` of duty time before `moment` (counting back from the last duty before it)."""
        if not self.defined:
            return moment - timedelta(seconds=seconds)
        here = self.local(moment)
        left = timedelta(seconds=seconds)
        for start, end in self._periods(here, forward=False):
            if start >= here:
                continue
            finish = min(end, here)
            if left <= finish - start:
                return _back(finish - left, moment)
            left -= finish - start
        return moment - timedelta(seconds=seconds)

    def between(self, first: datetime, last: datetime) -> float:
        """Seconds of duty time from `first` to `last` (0 when `last` is not after `first`)."""
        if last <= first:
            return 0.0
        if not self.defined:
            return (last - first).total_seconds()
        a, b = self.local(first), self.local(last)
        total = timedelta()
        day = a.date()
        while day <= b.date():
            for start, end in self._day(day, a.tzinfo):
                lo, hi = max(start, a), min(end, b)
                if hi > lo:
                    total += hi - lo
            day += _DAY
        return total.total_seconds()

    def _day(self, day: date, zone: tzinfo | None) -> list[tuple[datetime, datetime]]:
        return [
            (datetime.combine(day, start, tzinfo=zone), _end(day, end, zone))
            for start, end in self.calendar.periods(day)
        ]

    def _periods(self, here: datetime, *, forward: bool) -> Iterator[tuple[datetime, datetime]]:
        day, step = here.date(), _DAY if forward else -_DAY
        for _ in range(HORIZON_DAYS):
            periods = self._day(day, here.tzinfo)
            yield from periods if forward else reversed(periods)
            day += step


def _end(day: date, end: time, zone: tzinfo | None) -> datetime:
    if end == time.max:  # 24:00
        return datetime.combine(day + _DAY, time(0), tzinfo=zone)
    return datetime.combine(day, end, tzinfo=zone)


def _back(found: datetime, like: datetime) -> datetime:
    """`found` in the offset of `like` (a naive `like` gets a naive answer)."""
    if like.tzinfo is None:
        return found.replace(tzinfo=None)
    if found.tzinfo is None:
        return found.replace(tzinfo=like.tzinfo)
    return found.astimezone(like.tzinfo)


# --- a calendar as data, pinned in an instance so replay needs no site file ----------------------


def duty_data(duty: Duty) -> dict[str, Any]:
    """The calendar and zone as JSON-ready data (the `calendar:` shape of the site file)."""
    hours = [
        {
            "days": [DAYS[d] for d in sorted(i.days)],
            "from": f"{i.start:%H:%M}",
            "to": "24:00" if i.end == time.max else f"{i.end:%H:%M}",
        }
        for i in duty.calendar.intervals
    ]
    data: dict[str, Any] = {
        "duty_hours": hours,
        "closed": sorted(d.isoformat() for d in duty.calendar.closed),
    }
    key = getattr(duty.zone, "key", None)
    if key is not None:
        data["timezone"] = key
    return data


def duty_from_data(data: Any) -> Duty | None:
    """The Duty pinned in a frame (None: no calendar, always on duty)."""
    if not data:
        return None
    return _cached(json.dumps(data, sort_keys=True))


@lru_cache(maxsize=32)
def _cached(text: str) -> Duty:
    data = json.loads(text)
    zone = None
    if data.get("timezone"):
        # zoneinfo costs ~2 ms to import: status stores stamps through this module and never
        # needs a zone, so it loads only when a calendar names one
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(data["timezone"])
    return Duty(build_calendar(data), zone)
