"""The interactive run's drafts: each confirmed answer, ticked item and skip handed to the desk
at once (`engine.desk.drafts`), and what a resumed step already holds shown before it goes on.

One hook per confirmation for `terminal.interactive`; it never asks anything itself.
"""

from __future__ import annotations

from typing import Any

from procflow.engine.base.safetext import visible
from procflow.engine.desk import drafts
from procflow.engine.desk.instances import Desk, Opened
from procflow.terminal.screen import Screen


class Keeper:
    """The drafts of the step on screen: `given` (restored from the store), and the hooks that
    keep every confirmation as it is made."""

    def __init__(self, desk: Desk, opened: Opened) -> None:
        self.desk = desk
        self.opened = opened
        self.given = drafts.given(desk, opened)

    def answer(self, field: str, raw: str) -> None:
        drafts.save_answer(self.desk, self.opened, field, raw)

    def check(self, item: str) -> None:
        drafts.save_check(self.desk, self.opened, item)

    def skip(self, item: str, reason: str) -> None:
        drafts.save_skip(self.desk, self.opened, item, reason)

    def show(self, view: Any, screen: Screen) -> None:
        """What this step already holds, under the state (nothing when it holds nothing)."""
        given = self.given
        if not given:
            return
        screen.out(" " + screen.style(screen.w("draft.given"), bold=True))
        items = {item.id: (n, item.text) for n, item in enumerate(view.items, 1)}
        for item in given.checked:
            number, text = items.get(item, (item, ""))
            screen.out(visible(f"   [x] {number}. {text}"))
        for item, reason in given.skipped.items():
            number, text = items.get(item, (item, ""))
            screen.out(visible(f"   [-] {number}. {text} ({reason})"))
        labels = {q.field: q.label for q in view.questions}
        for field, value in given.answers.items():
            text = screen.w("draft.answer", label=labels.get(field, field), value=value)
            screen.out("   ? " + visible(text))
