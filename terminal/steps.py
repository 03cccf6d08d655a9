"""`procflow step`, `cancel` and `handoff`: one change to an instance, without prompts, then
what it waits for now (as text, or one JSON line).

Never asks the operator anything; the desk, its store and the options come from the commands.
"""

from __future__ import annotations

import sys

import click
from procflow.engine.base.errors import ProcflowError, UsageError
from procflow.engine.base.safetext import visible
from procflow.engine.desk.audit import answers_of
from procflow.engine.desk.instances import Desk
from procflow.engine.desk.naming import namer
from procflow.terminal import deadlines, handovers
from procflow.terminal.inert import say
from procflow.terminal.runs import reread, result, to_json
from procflow.terminal.screen import Screen


def step_once(
    desk: Desk,
    instance: str,
    sets: tuple[str, ...],
    checks: tuple[str, ...],
    skips: tuple[str, ...],
    reasons: tuple[str, ...],
    move: str | None,
    note: str | None,
    as_json: bool,
    done: tuple[str, ...] = (),
) -> None:
    """`procflow step`: one non-interactive step, then what the instance waits for now."""
    answers: dict[str, str] = {}
    for pair in sets:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--set '{pair}' is not FIELD=VALUE")
        answers[name.strip()] = value
    if reasons and not skips:
        raise UsageError("--reason goes with --skip ITEM or --override")
    if skips and not reasons:
        raise UsageError("--skip ITEM needs --reason TEXT")
    if skips and len(reasons) not in (1, len(skips)):
        raise UsageError(f"{len(skips)} --skip need one --reason for all or one each; got {len(reasons)}")
    skip = {item: reasons[0] if len(reasons) == 1 else reasons[n] for n, item in enumerate(skips)}
    opened = desk.open(desk.store.resolve(instance, desk.actor))
    for notice in opened.notices:
        say(f"procflow: note: {notice}", err=True)
    events = lambda: answers_of(desk.store.events(opened.id))  # noqa: E731 - read only if needed
    try:
        recorded = desk.step(
            opened, answers=answers, check=checks, skip=skip, move=move, note=note, done=done
        )
    except ProcflowError as exc:
        if as_json:  # the last line is still the instance, as stored, with the refusal
            opened = reread(desk, opened)
            click.echo(
                to_json(
                    result(
                        opened,
                        events,
                        recorded=0,
                        error={"code": exc.exit_code, "message": exc.message},
                    )
                )
            )
        raise
    if as_json:
        found = deadlines.breaches(desk.store.events(opened.id)[-recorded:]) if recorded else []
        extra = {"breaches": found} if found else {}  # only then: older output reads the same
        click.echo(to_json(result(opened, events, recorded=recorded, error=None, **extra)))
        return
    screen = Screen(desk.lang)
    screen.instance(opened)
    handovers.show(desk, opened, screen)
    if opened.status == "open":
        screen.state(opened.view(), opened.id, desk.clock())
        view = opened.view()
        if view.kind == "moves":
            screen.out(
                " "
                + screen.style(screen.w("run.next"), bold=True)
                + ": "
                + visible(", ".join(f"{m.id} ({m.label})" for m in view.moves))
            )
    else:
        screen.end(opened.view())


def cancel(desk: Desk, instance: str, reason: str, as_json: bool) -> None:
    opened = desk.open(desk.store.resolve(instance, desk.actor))
    desk.cancel(opened, reason)
    if as_json:
        click.echo(
            to_json(
                {
                    "instance": opened.id,
                    "status": opened.status,
                    "state": opened.view().path_name,
                    "reason": reason.strip(),
                }
            )
        )
    else:
        say(f"{opened.id}: {Screen(desk.lang).w('run.cancelled')} ({reason.strip()})")


def hand_over(
    desk: Desk, instance: str, to: str, note: str | None, as_json: bool, new_person: bool = False
) -> None:
    """`procflow handoff`: pass the instance on, then say whose it is now. A person never seen
    before is handed to with --new-person, or when the operator confirms it on a terminal."""
    opened = desk.open(desk.store.resolve(instance, desk.actor))

    def confirm(name: str) -> bool:
        if new_person:
            return True
        if not sys.stdin.isatty():
            return False
        return click.confirm(Screen(desk.lang).w("handoff.confirm", name=visible(name)), default=False)

    target = desk.handoff(opened, to, note, confirm=confirm)
    record = opened.record
    if as_json:
        click.echo(
            to_json(
                {
                    "instance": opened.id,
                    "to": target.name,
                    "target": target.kind,
                    "owner": record.owner,
                    "assignee": record.assignee,
                    "version": opened.version,
                }
            )
        )
    else:
        screen = Screen(desk.lang)
        name = target.name
        if target.kind == "role":  # by its title in the operator's language (its id in --json)
            name = namer(opened, desk.lang, screen.ids).role(name)
        say(screen.w("run.handed", id=opened.id, kind=screen.w(f"run.{target.kind}"), name=name))
