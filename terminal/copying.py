"""`procflow db copy` at the terminal: a desk's whole record from one store to another (SQLite file or
PostgreSQL URL).

Opens both stores, hands them to the desk service (engine/desk/transfer.py) with one checking
process per core, shows progress on a terminal and prints what was copied, by kind. The source is opened as it is and never
written to: one this procflow would have to migrate is refused.
"""

from __future__ import annotations

import os
import sys
import time

import click
from procflow.engine.base import environment
from procflow.engine.base.environment import masked
from procflow.engine.base.errors import EXIT_FINDINGS, EXIT_OK, DatabaseError, UsageError
from procflow.engine.desk.transfer import KINDS, CopyReport, copy_passwords, copy_record, readable
from procflow.engine.store import open_store
from procflow.terminal.inert import say


def copy(source: str, destination: str, *, passwords: bool = True) -> int:
    """Copy the record of the store at `source` into the store at `destination` (files or URLs),
    with progress on a terminal, and (`passwords`) the web desk's password hashes; the exit
    code: 0, or 1 when something differs or fails `verify`."""
    if _same(source, destination):
        raise UsageError(f"--from and --to name the same database '{masked(source)}'; give two")
    location, _ = environment.db_path(source)
    if not environment.is_url(location) and not os.path.exists(location):
        raise DatabaseError(f"no database at '{location}'")  # opening it would make an empty one
    with open_store(source, migrate=False) as src:  # as it is: a copy never writes to its source
        readable(src)
        with open_store(destination) as dst:
            shown = _Progress() if sys.stderr.isatty() else None
            try:
                report = copy_record(
                    src, dst, progress=shown, reopen=(source, destination), workers=os.cpu_count() or 1
                )
            finally:
                if shown is not None:
                    shown.done()
            if passwords:
                copy_passwords(src, dst, report)
            _show(report, masked(src.location), masked(dst.location), passwords=passwords)
    return EXIT_OK if report.ok else EXIT_FINDINGS


def _same(source: str, destination: str) -> bool:
    if environment.is_url(source) or environment.is_url(destination):
        return source == destination
    return os.path.realpath(os.path.expanduser(source)) == os.path.realpath(os.path.expanduser(destination))


class _Progress:
    """One line on stderr, rewritten at most five times a second: instances copied of all."""

    def __init__(self) -> None:
        self.shown = 0.0
        self.began = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.shown >= 0.2 or done == total:
            self.shown = now
            click.echo(
                f"\rcopying: {done:,} of {total:,} instances ({now - self.began:.0f} s)", err=True, nl=False
            )

    def done(self) -> None:
        if self.shown:
            click.echo("\r\x1b[K", err=True, nl=False)


def _show(report: CopyReport, source: str, destination: str, *, passwords: bool = True) -> None:
    say(f"copied {source} to {destination}")
    width = max(len(kind) for kind in KINDS)
    for kind in KINDS:
        line = f"  {kind.ljust(width)}  {report.counts[kind]:>7,}"
        if kind == "passwords" and not passwords:
            line += "  (left out: --without-passwords)"
        elif kind in ("instances", "violations", "decisions", "passwords"):
            line += f"  ({report.skipped[kind]:,} already there)"
        say(line)
    if report.refused:
        say(f"  {'not copied'.ljust(width)}  {len(report.refused):>7,}  (each named below)")
    for what, difference in report.differing:
        say(f"not copied: {what} is in {destination} already and {difference}")
    for what, why in report.refused:
        say(f"not copied: {what}: {why}")
    for ident, problem in report.problems:
        say(f"verify: instance '{ident}': {problem}")
    for problem in report.integrity:
        say(f"verify: {destination}: {problem}")
    checked = report.counts["instances"] + report.skipped["instances"]
    if not report.problems and not report.integrity:
        say(
            f"verified {checked:,} instance{'' if checked == 1 else 's'} in the copy: each matches its events"
        )
