"""`procflow db`: looking after the database itself, whichever backend keeps it.

`db upgrade` applies the numbered migrations the database lacks (engine/store/migrations.py and
their PostgreSQL twins), once, however many desks run it at once, and refuses a database a
newer procflow wrote (exit 9). `db copy` moves a desk's whole record between stores
(terminal/copying.py shows it, engine/desk/transfer.py does it). Every command opens the store
as `open_store` does, so a path is an SQLite file and a `postgresql://` URL a server; the
location is shown without its password.
"""

from __future__ import annotations

import click
from procflow.engine.store import open_store
from procflow.engine.store.migrations import LATEST
from procflow.terminal.commands import CONTEXT
from procflow.terminal.commands.common import DB_HELP, findable
from procflow.terminal.inert import say, to_json


@click.group(context_settings=CONTEXT)
def db() -> None:
    """Look after the database: bring its schema up to this procflow's (`db upgrade`), copy a
    desk's whole record to another store (`db copy`)."""


@db.command("upgrade", context_settings=CONTEXT)
@click.option("--db", "location", metavar="PATH", default=None, help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="One JSON object: database, from, to, latest.")
def db_upgrade(location: str | None, as_json: bool) -> None:
    """Apply the migrations the database lacks; a database of a newer procflow is refused (exit 9).

    Every command migrates the database it opens; this one says what it did, for whoever looks
    after a team's server (run it once after installing a new procflow).
    """
    with open_store(location, migrate=False) as store:
        before, after = store.upgrade()
        where = store.location
    if as_json:
        click.echo(to_json({"database": where, "from": before, "to": after, "latest": LATEST}))
        return
    say(f"database: {where}")
    if before == after:
        say(f"schema version {after}, the latest this procflow knows: nothing to do")
    else:
        say(f"schema version {before} -> {after}: upgraded")


WHERE_HELP = "a database file, or a postgresql:// URL"


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
@click.option(
    "--without-passwords",
    "without_passwords",
    is_flag=True,
    help="Leave the web desk's passwords out (by default their hashes are copied).",
)
def db_copy(source: str, destination: str, without_passwords: bool) -> None:
    """Copy every instance, event, pinned text, due row, draft, violation and decision of SRC
    into DST, keeping their ids, numbers and times, and check every copied instance as
    `verify` does; and the web desk's password hashes, unless --without-passwords (a person
    who has one in DST keeps it).

    Safe to run again: an instance already in DST and identical is skipped; one that differs
    is reported and left as DST has it (exit 1). SRC is only read, and must be at this
    procflow's schema version (`procflow db upgrade` it first); a DST written by a newer
    procflow is refused (exit 9).
    """
    from procflow.terminal import copying

    click.get_current_context().exit(copying.copy(source, destination, passwords=not without_passwords))
