"""Playing a script on a session: for each View, the next step, or what the script lacks.

A Driver holds answers by field (a list gives one value per visit, for loops such as a
failed check that is repeated), moves taken in order, and items to skip with a reason; other
items are confirmed. It only decides; the caller advances the session (and stores the step).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from procflow.engine.runtime.view import View

MAX_STEPS = 10_000


@dataclass(frozen=True)
class Step:
    """The arguments of one `Session.advance` call."""

    answers: dict[str, Any]
    check: list[str]
    skip: dict[str, str]
    move: str | None


@dataclass(frozen=True)
class Missing:
    """The script has nothing for what the state asks; `what` says what, in one phrase."""

    what: str


class Driver:
    """Plays answers, moves and skips: `plan(view)` gives the Step to take or what is Missing."""

    def __init__(self, answers: Mapping[str, Any], moves: Sequence[str], skip: Mapping[str, str]) -> None:
        self.moves = deque(moves)
        self.skip = dict(skip)
        self.answers: dict[str, Any] = {k: deque(v) if isinstance(v, list) else v for k, v in answers.items()}

    def plan(self, view: View) -> Step | Missing:
        answers: dict[str, Any] = {}
        for question in view.questions:
            if question.answer is not None:
                continue
            value = self._answer(question.field)
            if value is not None:
                answers[question.field] = value
            elif question.required:
                return Missing(f"answer for {question.field!r} ({question.label})")
        open_items = [item.id for item in view.items if item.status == "open"]
        skip = {item: self.skip[item] for item in open_items if item in self.skip}
        check = [item for item in open_items if item not in skip]
        move = None
        if view.kind == "moves":
            if not self.moves:
                choices = ", ".join(m.id for m in view.moves)
                return Missing(f"move in state {view.path_name!r} (one of {choices})")
            move = self.moves.popleft()
        elif view.kind == "end":
            return Missing(f"way out of state {view.path_name!r}: it has no moves and no routes")
        return Step(answers, check, skip, move)

    def _answer(self, name: str) -> Any:
        value = self.answers.get(name)
        if isinstance(value, deque):
            return value.popleft() if value else None
        return value

    @property
    def unused_moves(self) -> tuple[str, ...]:
        return tuple(self.moves)
