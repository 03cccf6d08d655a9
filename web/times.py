"""Moments as a page shows them: the site's zone, the date only when not today; and the ISO
form the countdown script reads (the server always shows the time itself)."""

from __future__ import annotations

from datetime import datetime


def local(moment: datetime, now: datetime) -> str:
    at = moment.astimezone(now.tzinfo) if moment.tzinfo is not None else moment
    return at.strftime("%H:%M" if at.date() == now.date() else "%Y-%m-%d %H:%M")
