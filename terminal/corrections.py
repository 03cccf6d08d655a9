"""`procflow correct` as the terminal shows it: what was corrected, and whether the corrected answer
would have sent the instance elsewhere (the route taken stands), as text or one JSON line.

The correction itself is `engine.desk.corrections`; this only asks for a missing value and prints.
"""

from __future__ import annotations

import sys
from typing import Any

import click
from procflow.engine.base.errors import UsageError
from procflow.engine.desk.corrections import Correction, correct
from procflow.engine.desk.instances import Desk
from procflow.terminal.inert import say, to_json
from procflow.terminal.screen import Screen


def correct_answer(
    desk: Desk, instance: str, field: str, value: str | None, reason: str, as_json: bool
) -> None:
    opened = desk.open(desk.store.resolve(instance, desk.actor))
    screen = Screen(desk.lang)
    if value is None:  # asked for on a terminal; a script must give it
        if not sys.stdin.isatty():
            raise UsageError(
                f"give the corrected value: procflow correct {opened.id} {field} VALUE --reason TEXT"
            )
        value = click.prompt(screen.w("correct.ask", field=field), prompt_suffix=" > ")
    done = correct(desk, opened, field, value, reason)
    if as_json:
        click.echo(to_json(as_data(done)))
        return
    say(
        screen.w(
            "correct.done", id=done.instance, field=done.field, was=shown(done.was), value=shown(done.value)
        )
    )
    say("   " + screen.w("correct.why", reason=done.reason))
    if done.rerouted:
        say("   " + screen.style(routing(screen, done), fg="yellow"))


def routing(screen: Screen, done: Correction) -> str:
    """The sentence that says the corrected answer would have gone elsewhere, and what stands."""
    if done.how == "move":
        return screen.w("correct.move", state=done.state, move=done.taken)
    if done.would is None:
        return screen.w("correct.no_route", state=done.state, taken=done.taken)
    return screen.w("correct.route", state=done.state, would=done.would, taken=done.taken)


def shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def as_data(done: Correction) -> dict[str, Any]:
    return {
        "instance": done.instance,
        "field": done.field,
        "was": done.was,
        "value": done.value,
        "reason": done.reason,
        "state": done.state,
        "seq": done.seq,
        "routing": {"how": done.how, "taken": done.taken, "rerouted": done.rerouted, "would": done.would},
    }
