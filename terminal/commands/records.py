"""Commands on the record of instances: `status`, `history`, `cancel`, `handoff` and `verify`."""

from __future__ import annotations

import click
from procflow.engine.store import open_store
from procflow.terminal.commands.common import CONTEXT, _instance_options, _site, _site_given


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
    from procflow.engine.base import environment
    from procflow.engine.desk.audit import status as read_status
    from procflow.terminal import listings

    store = open_store(db)
    who = person if person is not None else environment.actor(actor) if mine else None
    held = _site().roles_of(who) if who is not None and _site_given() else None  # a site only when needed
    report = read_status(store, person=who, open_limit=None if show_all else 50, roles=sorted(held or ()))
    listings.show_status(report, environment.language(lang), as_json)


@click.command(context_settings=CONTEXT)
@click.argument("instance", metavar="ID")
@click.option("--show-pii", is_flag=True, help="Show answers to fields marked as personal data.")
@_instance_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object: the instance and its events.")
def history(
    instance: str, show_pii: bool, db: str | None, actor: str | None, lang: str | None, as_json: bool
) -> None:
    """The audit trail of instance ID: every event with its time, actor, role and what it did."""
    from procflow.engine.base import environment
    from procflow.terminal import listings

    store = open_store(db)
    instance = store.resolve(instance, environment.actor(actor))
    listings.show_history(store, instance, show_pii, environment.language(lang), as_json)


@click.command(context_settings=CONTEXT)
@click.argument("instance", metavar="ID")
@click.option("--reason", required=True, metavar="TEXT", help="Why the instance is cancelled (recorded).")
@_instance_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object: instance, status, state, reason.")
def cancel(
    instance: str, reason: str, db: str | None, actor: str | None, lang: str | None, as_json: bool
) -> None:
    """Close instance ID without finishing it; the reason is recorded in its history."""
    from procflow.terminal import console

    desk = console.open_desk(db, actor, lang)
    console.cancel(desk, instance, reason, as_json)


@click.command(context_settings=CONTEXT)
@click.argument("instance", metavar="ID")
@click.option(
    "--to",
    "to",
    required=True,
    metavar="PERSON|ROLE",
    help="A person of the site file, or a role of the instance's procedures "
    "(person:NAME or role:NAME when a name is both).",
)
@click.option("--note", default=None, metavar="TEXT", help="What the next holder should know (recorded).")
@_instance_options
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON object: instance, to, target, owner, assignee, version."
)
def handoff(
    instance: str,
    to: str,
    note: str | None,
    db: str | None,
    actor: str | None,
    lang: str | None,
    as_json: bool,
) -> None:
    """Pass instance ID on to a person (it becomes theirs) or a role (anyone holding it).

    `status` and the agenda then show whose it is; `status --mine` lists it for the person, or
    for everyone holding the role. Saved like a step: refused (exit 7) if someone changed the
    instance first, and an unknown person or role is exit 4.
    """
    from procflow.terminal import console

    desk = console.open_desk(db, actor, lang, site=_site())
    console.hand_over(desk, instance, to, note, as_json)


@click.command(context_settings=CONTEXT)
@click.argument("instance", metavar="[ID]", required=False)
@_instance_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object: checked, integrity, mismatches, ok.")
def verify(instance: str | None, db: str | None, actor: str | None, lang: str | None, as_json: bool) -> None:
    """Rebuild every snapshot (or ID's) from its events and check the database file.

    Exit 0 when everything matches, 1 when a snapshot differs from its events, 9 when SQLite's
    integrity_check finds the file damaged.
    """
    from procflow.engine.base import environment
    from procflow.terminal import listings

    store = open_store(db)
    if instance is not None:
        instance = store.resolve(instance, environment.actor(actor))
    click.get_current_context().exit(listings.show_verify(store, instance, as_json))


COMMANDS = (
    status,
    history,
    cancel,
    handoff,
    verify,
)
