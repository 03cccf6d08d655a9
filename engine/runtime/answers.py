"""Typed answers: parse what an operator typed (or a script gave) into a field's value.

Values come out JSON-ready: text and choice ids as str, numbers as int or float, bool,
datetimes as ISO 8601 strings, durations as seconds. Every refusal is one InvalidAnswerError
sentence (lowercase, the value quoted, what was expected). No I/O, no clock.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import datetime, tzinfo
from difflib import get_close_matches
from typing import Any

from procflow.engine.base.durations import format_duration, parse_duration
from procflow.engine.base.errors import InvalidAnswerError
from procflow.engine.model.procedure import Field

Value = str | int | float | bool

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "是", "對", "t"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "否", "不是", "f"})
_INT = re.compile(r"[-+]?\d+")
_ISO_HINT = "an ISO 8601 date-time such as '2026-03-07T09:30' or '2026-03-07 09:30+08:00'"


def parse_answer(field: Field, raw: Any, *, tz: tzinfo | None = None, naive: bool = False) -> Value:
    """The typed value of `raw` for `field`.

    A date-time without an offset takes `tz`; with `naive` (an instance kept in naive local
    time) one with an offset is converted to local time and loses it, so times compare.
    """
    if naive and field.type == "datetime":
        return _naive(parse_answer(field, raw))
    if isinstance(raw, str) and field.type != "text":
        # full-width digits and letters from a Chinese input method read as their ASCII forms
        raw = unicodedata.normalize("NFKC", raw)
    return _PARSERS[field.type](field, raw, tz)


def _naive(value: Value) -> Value:
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:
        moment = moment.astimezone().replace(tzinfo=None)
    return moment.isoformat()


def _bad(field: Field, raw: Any, expected: str) -> InvalidAnswerError:
    shown = raw if isinstance(raw, str) else repr(raw)
    return InvalidAnswerError(f"answer {shown!r} for {field.name!r} is not valid; expected {expected}")


def _text(field: Field, raw: Any, tz: tzinfo | None) -> Value:
    if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
        raise _bad(field, raw, "text")
    value = str(raw).strip()
    if not value:
        raise _bad(field, raw, "some text (an empty answer is not an answer)")
    if field.min is not None and len(value) < field.min:
        raise _bad(field, value, f"at least {int(field.min)} characters")
    if field.max is not None and len(value) > field.max:
        raise _bad(field, value, f"at most {int(field.max)} characters")
    if field.pattern is not None and _matches(field, value) is None:
        raise _bad(field, value, f"text matching the pattern {field.pattern!r}")
    return value


def _matches(field: Field, value: str) -> re.Match[str] | None:
    try:
        return re.fullmatch(str(field.pattern), value)
    except re.error as exc:  # the procedure's fault, but the operator must not see a traceback
        raise InvalidAnswerError(
            f"field {field.name!r} cannot be answered: its pattern {field.pattern!r} is not a valid "
            f"regular expression ({exc})"
        ) from None


def _number(field: Field, raw: Any, tz: tzinfo | None) -> Value:
    kind = "a whole number" if field.integer else "a number"
    if isinstance(raw, bool):
        raise _bad(field, raw, kind)
    if isinstance(raw, (int, float)):
        value: int | float = raw
    elif isinstance(raw, str):
        text = raw.strip().replace(",", "")
        try:
            value = int(text) if _INT.fullmatch(text) else float(text)
        except ValueError:
            raise _bad(field, raw, kind) from None
    else:
        raise _bad(field, raw, kind)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _bad(field, raw, f"{kind} (a finite one)")
        if value.is_integer() and (
            field.integer or (isinstance(raw, str) and "." not in raw and "e" not in raw.lower())
        ):
            value = int(value)
        elif field.integer:
            raise _bad(field, raw, kind)
    if field.min is not None and value < field.min:
        raise _bad(field, raw, f"{kind} of at least {_num(field.min)}")
    if field.max is not None and value > field.max:
        raise _bad(field, raw, f"{kind} of at most {_num(field.max)}")
    return value


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _bool(field: Field, raw: Any, tz: tzinfo | None) -> Value:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    word = str(raw).strip().lower() if isinstance(raw, str) else None
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _bad(field, raw, "yes or no (y/n, true/false, 是/否, 1/0)")


def _choice(field: Field, raw: Any, tz: tzinfo | None) -> Value:
    options = field.options
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        raise _bad(field, raw, "one of " + ", ".join(options))
    text = raw.strip()
    if text in options:
        return text
    if text.isdigit() and 1 <= int(text) <= len(options):
        return options[int(text) - 1]
    folded = text.casefold()
    for option in options:
        label = field.option_labels.get(option)
        if option.casefold() == folded or (
            label is not None and folded in (s.strip().casefold() for s in label.all_strings())
        ):
            return option
    numbered = ", ".join(f"{i} {o}" for i, o in enumerate(options, 1))
    close = get_close_matches(text, options, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise _bad(field, raw, f"one of {numbered} (a number, an id or a label){hint}")


def _datetime(field: Field, raw: Any, tz: tzinfo | None) -> Value:
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, str):
        text = raw.strip()
        if len(text) < 16 or text[10] not in "Tt ":  # a date alone is not a time of day
            raise _bad(field, raw, _ISO_HINT)
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise _bad(field, raw, _ISO_HINT) from None
    else:
        raise _bad(field, raw, _ISO_HINT)
    if value.tzinfo is None and tz is not None:
        value = value.replace(tzinfo=tz)
    return value.isoformat()


def _duration(field: Field, raw: Any, tz: tzinfo | None) -> Value:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        seconds = float(raw)
    elif isinstance(raw, str):
        try:
            seconds = parse_duration(raw)
        except ValueError:
            raise _bad(field, raw, "a duration such as '15 minutes', '1h30m' or 'PT15M'") from None
    else:
        raise _bad(field, raw, "a duration such as '15 minutes'")
    if not math.isfinite(seconds) or seconds < 0:
        raise _bad(field, raw, "a duration of zero or more")
    return int(seconds) if seconds.is_integer() else seconds


def show_answer(field: Field, value: Value | None) -> str:
    """An answer as people read it (durations as `15m`, bools as yes/no)."""
    if value is None:
        return ""
    if field.type == "duration" and isinstance(value, (int, float)):
        return format_duration(value)
    if field.type == "bool":
        return "yes" if value else "no"
    return str(value)


_PARSERS = {
    "text": _text,
    "number": _number,
    "bool": _bool,
    "choice": _choice,
    "datetime": _datetime,
    "duration": _duration,
}
