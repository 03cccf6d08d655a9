"""Moments as the store keeps them, and the years procflow accepts in a moment.

A stored moment is UTC with milliseconds and a four-digit year, so the text order of stamps is
their time order. Kept apart from the clock so that the store (and `status`) load no calendar
or duration code. Pure functions.
"""

from __future__ import annotations

from datetime import UTC, datetime

from procflow.engine.base.errors import UsageError

# The years procflow accepts in a moment a person or a file gives (documented in docs/time.md):
# wide enough for any real record, narrow enough that a typo such as 0202-03-09 is refused
# rather than stored, and that every stored time has a four-digit year, so text order is time
# order.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200


def stamp(moment: datetime) -> str:
    """A moment as the store keeps it: UTC with milliseconds, fixed width (`%Y` is not padded
    below the year 1000 on every platform), so text order is time order."""
    utc = moment.astimezone(UTC)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}."
        f"{utc.microsecond // 1000:03d}Z"
    )


def plausible(moment: datetime, what: str) -> datetime:
    """`moment` if its year is in the accepted window, else a UsageError naming `what`."""
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise UsageError(
            f"{what} is in the year {moment.year}; procflow accepts years {EARLIEST_YEAR}-{LATEST_YEAR}"
        )
    return moment
