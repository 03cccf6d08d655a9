"""Late arrivals (第三篇 四.2 「上班時間必須在崗」): the arrival (clock-in) time a receptionist
records, measured against the duty period of the site calendar it falls in — the morning and
the afternoon alike — never the moment a box was ticked. Each late one is a proposed breach.

Without a duty calendar nothing is measured: procflow cannot say when duty began. No SQL, no
printing, no clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from procflow.engine.accountability.violations import Violation
from procflow.engine.store import Store
from procflow.engine.store.records import utc

if TYPE_CHECKING:
    from procflow.engine.base.calendar import Calendar
    from procflow.engine.site.sitefile import Site

ARRIVAL_FIELD = "arrived_at"  # the field a procedure asks for an arrival (art3-front-desk-shift)
DEADLINE = "on_post_at_duty_start"


def lateness(arrival: datetime, calendar: Calendar) -> tuple[datetime, float] | None:
    """The start of the duty period `arrival` (aware, on the site's clock) falls in and how many
    seconds after it the arrival was; None when it falls in none or is on time."""
    for start, end in calendar.periods(arrival.date()):
        begun = datetime.combine(arrival.date(), start, tzinfo=arrival.tzinfo)
        clock = arrival.timetz().replace(tzinfo=None)
        if start <= clock < end and arrival > begun:
            return begun, (arrival - begun).total_seconds()
    return None


def late_arrivals(
    store: Store,
    site: Site,
    start: datetime | None = None,
    end: datetime | None = None,
    person: str | None = None,
) -> Iterator[Violation]:
    """Every recorded arrival late for its duty period, with `start <= arrival < end`."""
    if not site.calendar.defined:
        return
    for event in store.answers_of_field(ARRIVAL_FIELD, start=start, end=end, person=person):
        value = event.body.get(ARRIVAL_FIELD)
        try:
            arrival = datetime.fromisoformat(str(value))
        except ValueError:
            continue
        if arrival.tzinfo is None:
            arrival = arrival.replace(tzinfo=site.timezone or utc(event.at).tzinfo)
        if site.timezone is not None:
            arrival = arrival.astimezone(site.timezone)
        if (start is not None and arrival < start) or (end is not None and arrival >= end):
            continue
        found = lateness(arrival, site.calendar)
        if found is None:
            continue
        begun, late = found
        yield Violation(
            "breach",
            f"{event.instance}#{event.seq}",
            event.actor,
            arrival,
            event.procedure,
            instance=event.instance,
            state=f"arrival (duty from {begun.strftime('%H:%M')})",
            deadline=DEADLINE,
            late=late,
        )
