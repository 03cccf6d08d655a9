"""Moments as a page shows them: the site's zone, the date only when not today, the same
formatting as the terminal's agenda and step screen (`engine.desk.agenda.clock_time`)."""

from __future__ import annotations

from datetime import datetime

from procflow.engine.desk.agenda import clock_time


def local(moment: datetime, now: datetime) -> str:
    return clock_time(moment, now)
