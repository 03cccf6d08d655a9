"""Lengths of time as procedures and people write them: `15 minutes`, `1h30m`, `PT15M`, `90s`,
`5 分鐘`, `1小時30分`.

Pure parsing; no clock here. Deadlines and duration answers both use it.
"""

from __future__ import annotations

import re

_UNITS = {
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "w": 604800,
    "week": 604800,
    "weeks": 604800,
    # Chinese units, traditional and simplified, as an operator types them
    "秒": 1,
    "秒鐘": 1,
    "秒钟": 1,
    "分": 60,
    "分鐘": 60,
    "分钟": 60,
    "小時": 3600,
    "小时": 3600,
    "個小時": 3600,
    "个小时": 3600,
    "鐘頭": 3600,
    "钟头": 3600,
    "個鐘頭": 3600,
    "天": 86400,
    "日": 86400,
    "週": 604800,
    "周": 604800,
    "星期": 604800,
    "個星期": 604800,
}
_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]+|[\u4e00-\u9fff]+)\s*")
_ISO = re.compile(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?")


def parse_duration(text: str) -> float:
    """Seconds in `text`; ValueError with a readable message when it is not a duration."""
    raw = text.strip()
    iso = _ISO.fullmatch(raw)
    if iso and raw not in ("P", "PT") and any(iso.groups()):
        days, hours, minutes, seconds = (float(g) if g else 0.0 for g in iso.groups())
        return days * 86400 + hours * 3600 + minutes * 60 + seconds
    total, pos = 0.0, 0
    for match in _PART.finditer(raw.lower()):
        if match.start() != pos or match.group(2) not in _UNITS:
            break
        total += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    else:
        if pos == len(raw) and pos > 0:
            return total
    raise ValueError(f"{text!r} is not a duration; expected e.g. '15 minutes', '1h30m' or 'PT15M'")


def format_duration(seconds: float) -> str:
    """A short human form: `1h 30m`, `45s`, `2d 3h`."""
    sign = "-" if seconds < 0 else ""
    rest = round(abs(seconds))
    parts: list[str] = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if rest >= size or (unit == "s" and not parts):
            parts.append(f"{rest // size}{unit}")
            rest %= size
    return sign + " ".join(parts)


_CHINESE_UNITS = (("天", 86400), ("小時", 3600), ("分鐘", 60), ("秒", 1))


def say_duration(seconds: float, lang: str) -> str:
    """A length of time in the operator's language: `1h 30m`, or `1小時30分鐘` in zh-Hant."""
    if lang != "zh-Hant":
        return format_duration(seconds)
    sign = "-" if seconds < 0 else ""
    rest = round(abs(seconds))
    parts: list[str] = []
    for unit, size in _CHINESE_UNITS:
        if rest >= size or (size == 1 and not parts):
            parts.append(f"{rest // size}{unit}")
            rest %= size
    return sign + "".join(parts)
