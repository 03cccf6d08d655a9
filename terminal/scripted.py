"""A scripted run: an answers file played against an instance until it ends or the file runs
out, each step drawn as if typed.

Plays only what the file gives; it never asks a person, and saves progress through the Desk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from procflow.engine.desk.instances import Desk, Opened
from procflow.engine.runtime.driver import MAX_STEPS, Driver, Missing
from procflow.terminal.screen import Screen

if TYPE_CHECKING:
    from procflow.engine.runtime.script import Script


def scripted(desk: Desk, opened: Opened, script: Script, screen: Screen | None) -> str | None:
    """Play an answers file until the instance ends; what is missing when it stops short."""
    driver = Driver(script.answers, script.moves, script.skip)
    for _ in range(MAX_STEPS):
        if opened.status != "open":
            break
        view = opened.view()
        if screen is not None:
            screen.state(view, opened.id, desk.clock())
        plan = driver.plan(view)
        if isinstance(plan, Missing):
            _progress(desk, opened, view, script)
            return plan.what
        if screen is not None:
            screen.played(view, plan.answers, plan.check, plan.skip, plan.move)
        if desk.step(opened, answers=plan.answers, check=plan.check, skip=plan.skip, move=plan.move) == 0:
            return f"way out of state {view.path_name!r} ({'; '.join(view.blockers) or view.kind})"
    else:
        return f"end: the script took {MAX_STEPS} steps without reaching one"
    if screen is not None:
        screen.end(opened.view())
    return None


def _progress(desk: Desk, opened: Opened, view: Any, script: Script) -> None:
    """Before stopping short, save what the file does give for this step (items, single answers)."""
    answers = {
        q.field: script.answers[q.field]
        for q in view.questions
        if q.answer is None and not isinstance(script.answers.get(q.field, []), list)
    }
    items = [i.id for i in view.items if i.status == "open"]
    skip = {i: script.skip[i] for i in items if i in script.skip}
    check = [i for i in items if i not in skip]
    if answers or check or skip:
        desk.step(opened, answers=answers, check=check, skip=skip)
