"""Commands that read the record of instances: `status`, `history` and `verify`.

They only read and print: `status` is on every operator's path, so nothing here may import
yaml, jsonschema or transitions (a test and bench/engine.py section d check it).
"""

from __future__ import annotations

import click
from procflow.engine.base import environment
from procflow.engine.desk.audit import status as read_status
from procflow.engine.store import open_store
from procflow.terminal import history as histories
from procflow.terminal import listings
from procflow.terminal.commands import CONTEXT
from procflow.terminal.commands.common import _instance_options, _site, _site_given, findable


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

    An instance whose procedure file changed (or was removed) after it started is marked: it
    keeps running on the text it started with.
    """
    store = open_store(db)
    who = person if person is not None else environment.actor(actor) if mine else None
    held = _site().roles_of(who) if who is not None and _site_given() else None  # a site only when needed
    report = read_status(store, person=who, open_limit=None if show_all else 50, roles=sorted(held or ()))
    listings.show_status(report, environment.language(lang), as_json)


@click.command(context_settings=CONTEXT)
@click.argument("instance", metavar="ID", callback=findable)
@click.option("--show-pii", is_flag=True, help="Show answers to fields marked as personal data.")
@_instance_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object: the instance and its events.")
def history(
    instance: str, show_pii: bool, db: str | None, actor: str | None, lang: str | None, as_json: bool
) -> None:
    """The audit trail of instance ID: every event with its time, actor, role and what it did."""
    store = open_store(db)
    instance = store.resolve(instance, environment.actor(actor))
    histories.show_history(store, instance, show_pii, environment.language(lang), as_json)


@click.command(context_settings=CONTEXT)
@click.argument("instance", metavar="[ID]", required=False, callback=findable)
@_instance_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object: checked, integrity, mismatches, ok.")
def verify(instance: str | None, db: str | None, actor: str | None, lang: str | None, as_json: bool) -> None:
    """Rebuild every snapshot (or ID's) from its events and check the database file.

    Exit 0 when everything matches, 1 when a snapshot differs from its events, 9 when SQLite's
    integrity_check finds the file damaged.
    """
    store = open_store(db)
    if instance is not None:
        instance = store.resolve(instance, environment.actor(actor))
    click.get_current_context().exit(histories.show_verify(store, instance, as_json))
