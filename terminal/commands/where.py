"""`procflow where`: every path procflow would use here, and why each was chosen.

Look-ups only (the project, the database, the site file, the cache, the schema): nothing is
opened or created. A URL's password is masked before it is printed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click
from procflow.engine.base import environment
from procflow.engine.base.paths import CACHE_VARIABLE, cache_dir, schema_path
from procflow.engine.base.project import Chosen, Project, find_project
from procflow.engine.base.width import align
from procflow.terminal.commands import CONTEXT
from procflow.terminal.commands.common import BUNDLED_HELP, DB_HELP
from procflow.terminal.inert import say, to_json

masked = environment.masked  # a URL's password, hidden wherever a location is shown


@click.command(context_settings=CONTEXT)
@click.option("--db", metavar="PATH", default=None, help=DB_HELP)
@click.option("--bundled", is_flag=True, help=BUNDLED_HELP)
@click.option("--json", "as_json", is_flag=True, help="One JSON object: each name with path, why and detail.")
def where(db: str | None, bundled: bool, as_json: bool) -> None:
    """Show every path procflow uses here (project, procedures, scenarios, sources, database,
    site, cache, schema) and why each was chosen: flag, environment, project file or default.

    The project is found as the commands that take no PATH find it (`PROCFLOW_PROJECT`, else
    the nearest procflow.toml or procedures/ above the working directory, else the bundled
    set). Nothing is created; a password in a database URL is shown as ***.
    """
    named = (click.get_current_context().find_root().obj or {}).get("site")
    project = find_project(bundled=bundled, site_flag=named)
    rows = _rows(project, db)
    if as_json:
        click.echo(to_json({name: entry for name, entry in rows}, indent=2))
        return
    table: list[tuple[str, ...]] = []
    for name, entry in rows:
        for item in entry if isinstance(entry, list) else [entry]:
            reason = f"{item['why']}: {item['detail']}" if item["detail"] else item["why"]
            table.append((name, item["path"] or "(none)", reason))
    for line in align(table):
        say(line)


def _rows(project: Project, db: str | None) -> list[tuple[str, Any]]:
    def entry(chosen: Chosen) -> dict[str, str | None]:
        path = None if chosen.path is None else masked(_shown(chosen.path))
        return {"path": path, "why": chosen.why, "detail": chosen.detail}

    root = Chosen(project.root, project.why.why, project.why.detail) if project.root else project.why
    rows: list[tuple[str, Any]] = [
        ("project", entry(root) if project.root else {**entry(root), "path": "bundled"})
    ]
    for key in ("procedures", "scenarios"):
        rows.append(
            (key, [entry(c) for k, c in project.reasons.items() if k == key or k.startswith(key + ".")])
        )
    rows.append(("sources", entry(project.reasons["sources"])))
    rows.append(("database", _database(db)))
    rows.append(("site", entry(project.site)))
    rows.append(("cache", entry(_cache())))
    rows.append(("schema", entry(Chosen(schema_path(), "installed", "shipped with procflow"))))
    return rows


def _database(db: str | None) -> dict[str, str | None]:
    """The database file or URL (kept as text: a URL is not a path), its password masked."""
    path, _ = environment.db_path(db)
    shown = masked(path if "://" in path else _shown(Path(path)))
    if db:
        return {"path": shown, "why": "flag", "detail": "--db"}
    if os.environ.get("PROCFLOW_DB"):
        return {"path": shown, "why": "environment", "detail": "PROCFLOW_DB"}
    return {"path": shown, "why": "default", "detail": "procflow.db in the per-user data directory"}


def _cache() -> Chosen:
    if os.environ.get(CACHE_VARIABLE):
        return Chosen(cache_dir(), "environment", CACHE_VARIABLE)
    return Chosen(cache_dir(), "default", "the per-user cache directory")


def _shown(path: Path) -> str:
    """Relative to the working directory when below it."""
    text = os.fspath(path)
    try:
        rel = os.path.relpath(text)
    except ValueError:
        return text
    return text if rel.startswith("..") else rel
