"""What the shell completes besides commands and options: procedure ids and the ids of open
instances, the `shell_complete` callbacks of the commands' arguments.

Completion runs on every Tab: it must be quick and silent. It never creates a database, never
prints a traceback, and offers nothing rather than an error when it cannot read something.
"""

from __future__ import annotations

import os
from typing import Any

import click


def procedures(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Procedure ids (bundled, PROCFLOW_PATH, --dir) that start with what is typed; a path when
    what is typed looks like one (the shell completes files then)."""
    from click.shell_completion import CompletionItem

    if os.sep in incomplete or "/" in incomplete or incomplete.startswith("."):
        return [CompletionItem(incomplete, type="file")]
    try:
        from procflow.engine.check.catalog import build_catalog  # lazy: only when a Tab asks

        dirs = tuple(ctx.params.get("dirs") or ())
        entries = build_catalog(dirs).entries
        return [
            CompletionItem(ident, help=_title(entry))
            for ident, entry in sorted(entries.items())
            if ident.startswith(incomplete)
        ]
    except Exception:  # a broken file or directory must not break the shell's Tab
        return []


def _title(entry: Any) -> str:
    title = getattr(entry, "title", None)
    if title is None:
        return ""
    getter = getattr(title, "get", None)
    return str(getter("en")) if callable(getter) else str(title)


def instances(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """The ids of open instances that start with what is typed, newest first, and `last`; nothing
    when the database does not exist yet (completion never creates one) or cannot be read."""
    from click.shell_completion import CompletionItem

    found = (
        [CompletionItem("last", help="your most recently changed instance")]
        if "last".startswith(incomplete)
        else []
    )
    try:
        from procflow.engine.store import open_store  # lazy: a database driver only when a Tab asks

        # a glance: a missing database is not created, a locked one or a server slow to
        # answer gives nothing within a moment rather than a wait
        with open_store(ctx.params.get("db"), glance=True) as store:
            open_ones, _recent = store.summaries(open_limit=200, recent_limit=0)
        found += [
            CompletionItem(s.id, help=f"{s.procedure_id} · {s.state}")
            for s in open_ones
            if s.id.startswith(incomplete)
        ]
    except Exception:  # a locked, damaged or newer database: offer what we have, never a traceback
        pass
    return found
