"""`procflow agenda`: what is due and overdue across all open instances, once or watching.

Options, the refresh loop and printing only; what is due and its text are `engine.desk.agenda`'s.
"""

from __future__ import annotations

import sys
from typing import Any

import click
from procflow.engine.base import clock, environment, errors
from procflow.engine.base.durations import parse_duration
from procflow.engine.desk import agenda as agendas
from procflow.engine.model.fields import MAX_DURATION_SECONDS
from procflow.engine.store import open_store
from procflow.terminal.commands import CONTEXT
from procflow.terminal.commands.common import (
    _instance_options,
    _site,
    _site_given,
    findable,
    ids_instead,
    ids_wanted,
)
from procflow.terminal.inert import say, to_json


@click.command(context_settings=CONTEXT)
@click.option(
    "--role", default=None, metavar="ROLE", callback=findable, help="Only what is due in states of ROLE."
)
@click.option(
    "--mine",
    is_flag=True,
    help="Only the instances the acting person holds (see --as), or handed to a role they hold.",
)
@click.option(
    "--at",
    "at",
    default=None,
    metavar="TIME",
    help="What is due as of TIME (2026-03-07T09:30, 14:30 or +2h) instead of now.",
)
@click.option(
    "--within",
    default="1 hour",
    show_default=True,
    metavar="DURATION",
    help="How far ahead to look (e.g. 30m, 2 hours); what is overdue always shows.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1, max=1_000_000),
    default=20,
    show_default=True,
    metavar="N",
    help="Show at most N items, and how many more there are.",
)
@click.option(
    "--watch", is_flag=True, help="Refresh until Ctrl-C, flagging (and ringing the bell for) what falls due."
)
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="With --watch: seconds between refreshes.",
)
@click.option(
    "--count",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="With --watch: stop after N refreshes.",
)
@_instance_options
@ids_instead
@click.option("--json", "as_json", is_flag=True, help="One JSON object: now, until, total, more, items.")
def agenda(
    role: str | None,
    mine: bool,
    at: str | None,
    within: str,
    limit: int,
    watch: bool,
    interval: float,
    count: int | None,
    db: str | None,
    actor: str | None,
    lang: str | None,
    as_json: bool,
) -> None:
    """What is due and overdue across all open instances, soonest first: when, what, where, whose,
    and the command that acts on it.

    Reads only the database (and the site file, for its calendar and people, when there is one):
    an item due outside the site's duty hours shows when duty resumes.
    """
    try:
        ahead = parse_duration(within)
    except ValueError:
        raise errors.UsageError(
            f"--within {within!r} is not a duration; expected e.g. 30m or 2 hours"
        ) from None
    if not 0 <= ahead <= MAX_DURATION_SECONDS:
        raise errors.UsageError(f"--within {within!r} is out of range; give a duration of at most 100 years")
    if watch and at is not None:
        raise errors.UsageError("--at and --watch do not go together: --watch follows the clock")
    sources = click.get_current_context().get_parameter_source
    if not watch and any(sources(n) is click.core.ParameterSource.COMMANDLINE for n in ("interval", "count")):
        raise errors.UsageError("--interval and --count go with --watch")
    site = _site() if _site_given() else None  # no site file: nothing to load, nothing imported
    zone = site.timezone if site is not None else None
    duty = clock.Duty(site.calendar, zone) if site is not None and site.calendar.defined else None
    who = environment.actor(actor) if mine else None
    held = sorted(site.roles_of(who) or ()) if site is not None and who is not None else []
    lang = environment.language(lang)
    # closed when the command ends, however it ends (a --watch ends with Ctrl-C)
    store = click.get_current_context().with_resource(open_store(db))

    def read(moment: Any) -> Any:
        return agendas.read_agenda(
            store,
            now=moment,
            within=ahead,
            limit=limit,
            lang=lang,
            role=role,
            person=who,
            roles=held,
            duty=duty,
            named=not (as_json or ids_wanted()),  # JSON keeps ids, as every --json does
        )

    def show(found: Any, flagged: Any) -> None:
        if as_json:
            click.echo(to_json(agendas.to_json(found)))
        else:
            say(agendas.format_text(found, lang, flagged if watch else None), nl=False)

    if not watch:
        show(read(clock.parse_moment(at, clock.now(zone)) if at else clock.now(zone)), None)
        return
    terminal = sys.stdout.isatty()
    # a server tells of another desk's step (PostgreSQL: LISTEN/NOTIFY, started before the first
    # read so nothing is missed) and the agenda refreshes at once; SQLite's store sleeps the interval
    store.wait_for_due_change(0)
    for number, (found, flagged) in enumerate(
        agendas.watch(read, lambda: clock.now(zone), store.wait_for_due_change, interval, count)
    ):
        if terminal:  # redraw in place; the bell only where someone hears it
            click.echo("\x1b[H\x1b[2J" + ("\a" if flagged else ""), nl=False, color=True)
        elif number:
            click.echo()
        show(found, flagged)
