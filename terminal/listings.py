"""`procflow status` as the terminal shows it (two aligned tables), or as JSON.

Reads through `engine.desk.audit` and only formats, times in local time. `status` must stay
light: nothing on its path may import yaml, jsonschema or transitions.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import click
from procflow.engine.base.messages import message
from procflow.engine.base.width import align
from procflow.engine.desk.audit import Handover, StatusReport, StatusRow
from procflow.engine.store.records import local_time
from procflow.terminal import handovers as handed
from procflow.terminal.inert import bold, say, to_json


def _row_json(row: StatusRow) -> dict[str, Any]:
    s = row.summary
    return {
        "instance": s.id,
        "procedure": s.procedure_id,
        "state": s.state,
        "status": s.status,
        "role": s.role,
        "owner": s.owner,
        "assignee": s.assignee,
        "version": s.version,
        "created_at": s.created_at,
        "created_by": s.created_by,
        "updated_at": s.updated_at,
        "updated_by": s.updated_by,
        "procedure_file": row.file,
    }


def _named(title: str | None, ident: str, ids: bool) -> str:
    """An id by its stored title (migration 12); the id itself with `ids` or without a title."""
    return ident if ids or not title else title


def show_status(
    report: StatusReport,
    lang: str,
    as_json: bool,
    notes: Mapping[str, Handover] | None = None,
    ids: bool = False,
    roles: Mapping[str, str] | None = None,
) -> None:
    """`notes` (with --mine or --by): the hand-overs that gave the person their instances.
    Procedures and states by the titles kept with each instance, the role an instance was
    handed to by its title in `roles` (instance id: title); by their ids with `ids`."""
    if as_json:
        data = {
            "open": [
                {
                    **_row_json(r),
                    **(
                        {"handover": handed.as_json(notes[r.summary.id])}
                        if notes and r.summary.id in notes
                        else {}
                    ),
                }
                for r in report.open
            ],
            "more_open": report.more_open,
            "recent": [_row_json(r) for r in report.recent],
        }
        click.echo(to_json(data))
        return
    h = partial(message, lang)

    def who(row: StatusRow) -> str:
        s = row.summary
        if not s.assignee:
            return s.owner or s.updated_by
        role = s.assignee if ids else (roles or {}).get(s.id, s.assignee)
        return f"{s.owner} → {role}"

    def mark(row: StatusRow) -> str:
        return "" if row.file == "current" else "* " + h(f"status.{row.file}")

    click.echo(bold(h("status.open")) if report.open else h("status.none"))
    if report.open:
        rows = [
            [h("status.id"), h("status.procedure"), h("status.state"), h("status.who"), h("status.since"), ""]
        ]
        rows += [
            [
                r.summary.id,
                _named(r.summary.title, r.summary.procedure_id, ids),
                _named(r.summary.state_title, r.summary.state, ids),
                who(r),
                local_time(r.summary.updated_at)[:16],
                mark(r),
            ]
            for r in report.open
        ]
        for line in align(rows):
            say(line)
        if notes:  # below the table, so its columns stay as they are
            click.echo()
            click.echo(bold(h("handoff.heading")))
            for r in report.open:
                if r.summary.id in notes:
                    say(f"  {r.summary.id}  {handed.line(notes[r.summary.id], lang)}")
        if report.more_open:
            click.echo(h("status.more"))
    if report.recent:
        click.echo()
        click.echo(bold(h("status.recent")))
        rows = [
            [
                h("status.id"),
                h("status.procedure"),
                h("status.status"),
                h("status.state"),
                h("status.who"),
                h("status.when"),
            ]
        ]
        rows += [
            [
                r.summary.id,
                _named(r.summary.title, r.summary.procedure_id, ids),
                h(f"status.{r.summary.status}"),
                _named(r.summary.state_title, r.summary.state, ids),
                r.summary.updated_by,
                local_time(r.summary.updated_at)[:16],
            ]
            for r in report.recent
        ]
        for line in align(rows):
            say(line)
    if not ids and any(r.summary.title is None for r in [*report.open, *report.recent]):
        click.echo(h("status.unnamed"))
