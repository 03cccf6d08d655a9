"""`procflow status`: the open instances and those closed recently, on every operator's path.

It only reads and prints, and starts fast: nothing it imports may load yaml, jsonschema or
transitions (a test and bench/engine.py section d check it), nor the history and verify code.
"""

from __future__ import annotations

import click
from procflow.engine.base import environment
from procflow.engine.desk.audit import handovers, role_titles
from procflow.engine.desk.audit import status as read_status
from procflow.engine.store import open_store
from procflow.terminal import listings
from procflow.terminal.commands import CONTEXT
from procflow.terminal.commands.common import _instance_options, _site, _site_given, ids_instead, ids_wanted


@click.command(context_settings=CONTEXT)
@click.option(
    "--mine",
    is_flag=True,
    help="Only the instances the acting person holds (see --as), or handed to a role they hold.",
)
@click.option(
    "--by",
    "person",
    metavar="NAME",
    default=None,
    help="Only the instances NAME holds, or handed to a role NAME holds.",
)
@click.option("--all", "show_all", is_flag=True, help="List every open instance (default: the newest 50).")
@_instance_options
@ids_instead
@click.option("--json", "as_json", is_flag=True, help="One JSON object: open, more_open, recent.")
def status(
    mine: bool,
    person: str | None,
    show_all: bool,
    db: str | None,
    actor: str | None,
    lang: str | None,
    as_json: bool,
) -> None:
    """Open instances and those closed recently: id, procedure, state, who, since when.

    Procedures and states show by their titles in each instance's language (--ids: their
    ids instead); one started before procflow kept them shows its ids until its next step.

    An instance whose procedure file changed (or was removed) after it started is marked: it
    keeps running on the text it started with.
    """
    store = click.get_current_context().with_resource(open_store(db))  # closed as the command ends
    who = person if person is not None else environment.actor(actor) if mine else None
    held = _site().roles_of(who) if who is not None and _site_given() else None  # a site only when needed
    report = read_status(store, person=who, open_limit=None if show_all else 50, roles=sorted(held or ()))
    # a person's own list says who handed each one over, when and why (`handoff --note`)
    notes = (
        handovers(store, {r.summary.id: (r.summary.owner, r.summary.assignee) for r in report.open})
        if who
        else None
    )
    lang = environment.language(lang)
    ids = ids_wanted()
    # a role an instance was handed to, by its title (its id with --ids, and in --json)
    roles = None if ids or as_json else role_titles(store, report.open, lang)
    listings.show_status(report, lang, as_json, notes, ids=ids, roles=roles)
