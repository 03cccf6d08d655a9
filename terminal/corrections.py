"""`procflow correct` as the terminal shows it: what was corrected, and whether the corrected answer
would have sent the instance elsewhere (the route taken stands), by names in the operator's
language (ids with `--ids`), or as one JSON line with ids.

The correction itself is `engine.desk.corrections`; this only asks for a missing value and prints.
"""

from __future__ import annotations

import sys
from typing import Any

import click
from procflow.engine.base.errors import UsageError
from procflow.engine.desk.corrections import Correction, correct
from procflow.engine.desk.instances import Desk
from procflow.engine.desk.naming import Namer, namer
from procflow.terminal.inert import say, to_json
from procflow.terminal.screen import Screen


def correct_answer(
    desk: Desk, instance: str, field: str, value: str | None, reason: str, as_json: bool
) -> None:
    opened = desk.open(desk.store.resolve(instance, desk.actor))
    screen = Screen(desk.lang)
    names = namer(opened, desk.lang, screen.ids)
    if not as_json:  # a refused value is said in the operator's language (`cli.py`), as in a run
        root = click.get_current_context().find_root()
        root.obj = {**(root.obj or {}), "lang": desk.lang}
    if value is None:  # asked for on a terminal; a script must give it
        if not sys.stdin.isatty():
            raise UsageError(
                f"give the corrected value: procflow correct {opened.id} {field} VALUE --reason TEXT"
            )
        value = click.prompt(screen.w("correct.ask", field=names.field(field, None)), prompt_suffix=" > ")
    done = correct(desk, opened, field, value, reason)
    if as_json:
        click.echo(to_json(as_data(done)))
        return
    for line in said(screen, names, done):
        say(line)


def said(screen: Screen, names: Namer, done: Correction) -> list[str]:
    """What a correction recorded, as the operator reads it: the field by its label, the answers
    as they would be typed (a choice by its label, yes/no in words), ids only with `--ids`."""
    lines = [
        screen.w(
            "correct.done",
            id=done.instance,
            field=names.field(done.field, done.state),
            was=names.value(done.field, done.was, done.state),
            value=names.value(done.field, done.value, done.state),
        ),
        "   " + screen.w("correct.why", reason=done.reason),
    ]
    if done.rerouted:
        lines.append("   " + screen.style(routing(screen, names, done), fg="yellow"))
    return lines


def routing(screen: Screen, names: Namer, done: Correction) -> str:
    """The sentence that says the corrected answer would have gone elsewhere, and what stands."""
    state = names.state(done.state)
    if done.how == "move":
        return screen.w("correct.move", state=state, move=names.move(str(done.taken), done.state))
    taken = names.sibling(done.state, str(done.taken))
    if done.would is None:
        return screen.w("correct.no_route", state=state, taken=taken)
    return screen.w("correct.route", state=state, would=names.sibling(done.state, done.would), taken=taken)


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
