"""Typed answers: parse what an operator typed (or a script gave) into a field's value.

Values come out JSON-ready: text and choice ids as str, numbers as int or float, bool,
datetimes as ISO 8601 strings, durations as seconds. Each type's parser is registered in
`engine.model.fields`; this module adds what holds for every type. No I/O, no clock.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, tzinfo
from typing import Any

from procflow.engine.base.errors import InvalidAnswerError
from procflow.engine.base.safetext import unstorable
from procflow.engine.model.fields import TYPES, Value, too_long
from procflow.engine.model.procedure import Field

__all__ = ["Value", "parse_answer", "show_answer"]


def parse_answer(field: Field, raw: Any, *, tz: tzinfo | None = None, naive: bool = False) -> Value:
    """The typed value of `raw` for `field`; every refusal is one InvalidAnswerError sentence.

    An answer of more than `MAX_ANSWER_CHARS` (10,000) characters is refused before it is read,
    so that no parser and no field pattern works on more; refusals quote a long answer clipped.

    A date-time without an offset takes `tz`; with `naive` (an instance kept in naive local
    time) one with an offset is converted to local time and loses it, so times compare.
    """
    refused = too_long(field, raw)
    if refused is not None:
        raise refused
    if isinstance(raw, str):
        # bytes that were not UTF-8 (a Big5 keyboard in a UTF-8 terminal) or a control
        # character cannot be recorded; a text field may hold tabs and line breaks
        why = unstorable(raw, allow="\t\n" if field.type == "text" else "")
        if why is not None:
            raise InvalidAnswerError(f"the answer for {field.name!r} cannot be recorded: {why}")
    if naive and field.type == "datetime":
        return _naive(parse_answer(field, raw))
    if isinstance(raw, str) and field.type != "text":
        # full-width digits and letters from a Chinese input method read as their ASCII forms
        raw = unicodedata.normalize("NFKC", raw)
    return TYPES[field.type].parse(field, raw, tz)


def _naive(value: Value) -> Value:
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:
        moment = moment.astimezone().replace(tzinfo=None)
    return moment.isoformat()


def show_answer(field: Field, value: Value | None) -> str:
    """An answer as people read it (durations as `15m`, bools as yes/no)."""
    if value is None:
        return ""
    return TYPES[field.type].show(field, value)
