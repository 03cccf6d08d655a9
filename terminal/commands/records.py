"""Commands that read the record of one instance or all of them: `history` and `verify`.

They only read and print. `status`, on every operator's path, is `commands/status.py`, so that
it loads none of this.
"""

from __future__ import annotations

import click
from procflow.engine.base import environment
from procflow.engine.store import open_store
from procflow.terminal import completing
from procflow.terminal import history as histories
from procflow.terminal.commands import CONTEXT
from procflow.terminal.commands.common import _instance_options, findable, ids_instead, ids_wanted


@click.command(context_settings=CONTEXT)
@click.argument("instance", metavar="ID", callback=findable, shell_complete=completing.instances)
@click.option("--show-pii", is_flag=True, help="Show answers to fields marked as personal data.")
@click.option(
    "--drafts",
    "with_drafts",
    is_flag=True,
    help="Also show the drafts: answers, ticks and skips confirmed in the step not yet taken.",
)
@_instance_options
@ids_instead
@click.option("--json", "as_json", is_flag=True, help="One JSON object: the instance and its events.")
def history(
    instance: str,
    show_pii: bool,
    with_drafts: bool,
    db: str | None,
    actor: str | None,
    lang: str | None,
    as_json: bool,
) -> None:
    """The audit trail of instance ID: every event with its time, actor, role and what it did.

    States, roles and outcomes show by their titles in your language (--ids: their ids instead).
    Drafts (what was confirmed inside a step not yet taken) are not events; --drafts lists them
    after the events.
    """
    store = click.get_current_context().with_resource(open_store(db))  # closed as the command ends
    instance = store.resolve(instance, environment.actor(actor))
    histories.show_history(
        store, instance, show_pii, environment.language(lang), as_json, with_drafts, ids=ids_wanted()
    )


@click.command(context_settings=CONTEXT)
@click.argument(
    "instance", metavar="[ID]", required=False, callback=findable, shell_complete=completing.instances
)
@_instance_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object: checked, integrity, mismatches, ok.")
def verify(instance: str | None, db: str | None, actor: str | None, lang: str | None, as_json: bool) -> None:
    """Rebuild every snapshot (or ID's) from its events and check the database.

    Exit 0 when everything matches, 1 when a snapshot differs from its events, 9 when the
    backend's own check finds the database damaged (SQLite's integrity_check; on PostgreSQL the
    schema version and the append-only triggers).
    """
    store = click.get_current_context().with_resource(open_store(db))  # closed as the command ends
    if instance is not None:
        instance = store.resolve(instance, environment.actor(actor))
    click.get_current_context().exit(histories.show_verify(store, instance, as_json))
