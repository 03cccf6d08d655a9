"""Typed answers: parse what an operator typed (or a script gave) into a field's value.

Values come out JSON-ready: text and choice ids as str, numbers as int or float, bool,
datetimes as ISO 8601 strings, durations as seconds. Each type's parser is registered in
`engine.model.fields`; this module adds what holds for every type. No I/O, no clock: `now`
(what `now`, `14:30` and `+2h` count from) is given by the caller.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from procflow.engine.base.messages import message
from procflow.engine.base.safetext import unstorable
from procflow.engine.model.fields import TYPES, Moment, Refusal, Value, too_long, unrecordable
from procflow.engine.model.procedure import Field, Procedure

__all__ = ["Refusal", "Value", "echo_answer", "parse_answer", "show_answer"]


def parse_answer(
    field: Field,
    raw: Any,
    *,
    tz: tzinfo | None = None,
    naive: bool = False,
    now: datetime | None = None,
) -> Value:
    """The typed value of `raw` for `field`; every refusal is one InvalidAnswerError sentence.

    An answer of more than `MAX_ANSWER_CHARS` (10,000) characters is refused before it is read,
    so that no parser and no field pattern works on more; refusals quote a long answer clipped.

    A date-time without an offset takes `tz`; with `naive` (an instance kept in naive local
    time) one with an offset is converted to local time and loses it, so times compare. With
    `now`, a date-time may be typed as people say it (`now`, `14:30`, `明天 9:00`, `+2h`: see
    `engine.base.moments`), resolved in `tz`; an empty answer to a field declaring `default: now`
    is `now`.
    """
    if field.default == "now" and isinstance(raw, str) and not raw.strip():
        raw = "now"
    refused = too_long(field, raw)
    if refused is not None:
        raise refused
    if isinstance(raw, str):
        # bytes that were not UTF-8 (a Big5 keyboard in a UTF-8 terminal) or a control
        # character cannot be recorded; a text field may hold tabs and line breaks
        why = unstorable(raw, allow="\t\n" if field.type == "text" else "")
        if why is not None:
            raise unrecordable(field, raw, why)
    if naive and field.type == "datetime":
        return _naive(parse_answer(field, raw, now=now))
    if isinstance(raw, str) and field.type != "text":
        # full-width digits and letters from a Chinese input method read as their ASCII forms
        raw = unicodedata.normalize("NFKC", raw)
    return TYPES[field.type].parse(field, raw, Moment(tz, now))


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


def echo_answer(field: Field, raw: str, value: Value, lang: str) -> str | None:
    """What an operator is shown back before a typed date-time is saved: the moment in full, in
    `lang` (`2026-03-10(週二)09:00(UTC+08:00)`), when `raw` was not already that moment written out
    (`明天 9:00`, `now`, `+2h`); None otherwise and for other types."""
    if field.type != "datetime" or not isinstance(value, str):
        return None
    moment = datetime.fromisoformat(value)
    if raw.strip() and raw.strip().replace("T", " ") in (
        value.replace("T", " "),
        value[:16].replace("T", " "),
    ):
        return None
    offset = moment.strftime("%z")
    shown = message(
        lang,
        "answer.moment",
        weekday=message(lang, "answer.weekdays").split()[moment.weekday()],
        date=moment.strftime("%Y-%m-%d"),
        time=moment.strftime("%H:%M:%S" if moment.second else "%H:%M"),
        zone=f" (UTC{offset[:3]}:{offset[3:5]})" if offset else "",
    )
    return message(lang, "answer.echo", when=shown)


def shown_answers(procedure: Procedure, answers: Mapping[str, Value]) -> dict[str, str]:
    """The answers given, by field, as people read them: what a `{field}` in a text shows."""
    return {
        name: show_answer(field, answers[name])
        for name, field in procedure.fields.items()
        if answers.get(name) is not None
    }
