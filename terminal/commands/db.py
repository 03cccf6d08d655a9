"""`procflow db`: the commands that act on the database itself rather than on instances.

`db copy` moves a desk's whole record between stores (terminal/copying.py shows it).
"""

from __future__ import annotations

import click
from procflow.terminal.commands import CONTEXT
from procflow.terminal.commands.common import findable

WHERE_HELP = "a database file, or a postgresql:// URL"


@click.group("db", context_settings=CONTEXT)
def db() -> None:
    """The database itself: copy a desk's record to another store."""


@db.command("copy", context_settings=CONTEXT)
@click.option(
    "--from", "source", metavar="SRC", required=True, callback=findable, help=f"Copy from SRC: {WHERE_HELP}."
)
@click.option(
    "--to",
    "destination",
    metavar="DST",
    required=True,
    callback=findable,
    help=f"Copy to DST: {WHERE_HELP} (made if new).",
)
def copy(source: str, destination: str) -> None:
    """Copy every instance, event, pinned text, due row, draft, violation and decision of SRC
    into DST, keeping their ids, numbers and times, and check every copied instance as
    `verify` does.

    Safe to run again: an instance already in DST and identical is skipped; one that differs
    is reported and left as DST has it (exit 1). SRC must be at this procflow's schema version
    (`procflow db upgrade` it first); a DST written by a newer procflow is refused.
    """
    from procflow.terminal import copying

    click.get_current_context().exit(copying.copy(source, destination))
