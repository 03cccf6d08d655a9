"""The answers file of a scripted run (`procflow run ID --answers FILE`), YAML or JSON:

    answers: {field: value, ...}   # a list of values gives one per visit of the asking state
    moves: [move, ...]             # taken in order, one each time the operator must choose
    skip: {item: reason, ...}      # items skipped with a reason; every other item is confirmed

Reads and checks the shape only, one `file:line:col` sentence per mistake; playing it on a
session is `engine.runtime.driver`'s job. Never prints.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from procflow.engine.base.errors import UsageError
from procflow.engine.load.yamlio import LoadError, load_yaml

KEYS = ("answers", "moves", "skip")


@dataclass(frozen=True)
class Script:
    answers: dict[str, Any] = field(default_factory=dict)
    moves: tuple[str, ...] = ()
    skip: dict[str, str] = field(default_factory=dict)


def load_script(path: str) -> Script:
    """The answers file at `path`; UsageError naming the place of the first problem."""
    try:
        document = load_yaml(path)
    except LoadError as exc:
        raise UsageError(f"answers file {exc.diagnostic}") from None
    data = document.data

    def fail(pointer: str, message: str, *, key: bool = False) -> UsageError:
        line, col = document.locate(pointer, key=key)
        return UsageError(f"{path}:{line}:{col}: {message}")

    if not isinstance(data, dict):
        raise fail("", f"an answers file is a mapping with the keys {', '.join(KEYS)}")
    for key in data:
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; expected {', '.join(KEYS)}"
            raise fail(f"/{key}", f"unknown key {key!r}{hint}", key=True)
    answers = data.get("answers") or {}
    if not isinstance(answers, dict):
        raise fail("/answers", "'answers' must map field ids to a value (or a list: one per visit)")
    for name, value in answers.items():
        if isinstance(value, dict) or value is None or value == []:
            raise fail(
                f"/answers/{name}", f"the answer for {name!r} must be a value or a non-empty list of values"
            )
    moves = data.get("moves") or []
    if not isinstance(moves, list) or not all(isinstance(m, str) and m for m in moves):
        raise fail("/moves", "'moves' must be a list of move ids, in the order they are taken")
    skip = data.get("skip") or {}
    if not isinstance(skip, dict):
        raise fail("/skip", "'skip' must map item ids to the reason for skipping them")
    for item, reason in skip.items():
        if not isinstance(reason, str) or not reason.strip():
            raise fail(f"/skip/{item}", f"skipping item {item!r} needs a reason (a non-empty text)")
    return Script(dict(answers), tuple(moves), {str(k): v.strip() for k, v in skip.items()})
