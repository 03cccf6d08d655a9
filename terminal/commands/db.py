"""`procflow db`: looking after the database itself, whichever backend keeps it.

`db upgrade` applies the numbered migrations the database lacks (engine/store/migrations.py and
their PostgreSQL twins), once, however many desks run it at once, and refuses a database a
newer procflow wrote (exit 9). Every command opens the store as `open_store` does, so a path is
an SQLite file and a `postgresql://` URL a server; the location is shown without its password.
"""

from __future__ import annotations

import click
from procflow.engine.store import open_store
from procflow.engine.store.migrations import LATEST
from procflow.terminal.commands import CONTEXT
from procflow.terminal.commands.common import DB_HELP
from procflow.terminal.inert import say, to_json


@click.group(context_settings=CONTEXT)
def db() -> None:
    """Look after the database: bring its schema up to this procflow's (`db upgrade`)."""


@db.command("upgrade", context_settings=CONTEXT)
@click.option("--db", "location", metavar="PATH", default=None, help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="One JSON object: database, from, to, latest.")
def db_upgrade(location: str | None, as_json: bool) -> None:
    """Apply the migrations the database lacks; a database of a newer procflow is refused (exit 9).

    Every command migrates the database it opens; this one says what it did, for whoever looks
    after a team's server (run it once after installing a new procflow).
    """
    with open_store(location, migrate=False) as store:
        before = store.schema_version()
        after = store.upgrade()
        where = store.location
    if as_json:
        click.echo(to_json({"database": where, "from": before, "to": after, "latest": LATEST}))
        return
    say(f"database: {where}")
    if before == after:
        say(f"schema version {after}, the latest this procflow knows: nothing to do")
    else:
        say(f"schema version {before} -> {after}: upgraded")
