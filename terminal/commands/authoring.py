"""Commands for authors outside this repository: `schema` (where the schema is) and `new` (a
new procedure, or a copy of one, with a modeline that finds the schema).

Options, files and printing only: the text is `engine.authoring.scaffold`'s.
"""

from __future__ import annotations

from pathlib import Path

import click
from procflow.engine.authoring import scaffold
from procflow.engine.base import errors
from procflow.engine.base.paths import data_dir, schema_path
from procflow.engine.base.project import find_project
from procflow.engine.check.catalog import build_catalog
from procflow.engine.check.pipeline import display_path
from procflow.terminal.commands import CONTEXT
from procflow.terminal.inert import say


@click.command(context_settings=CONTEXT)
@click.option("--path", "as_path", is_flag=True, help="Print the installed file's path instead of its text.")
@click.option(
    "--uri", "as_uri", is_flag=True, help="Print its file: URL (for a modeline or an editor setting)."
)
@click.option(
    "--kind",
    type=click.Choice(["procedure", "site"]),
    default="procedure",
    show_default=True,
    help="The schema of procedure files or of site files.",
)
def schema(as_path: bool, as_uri: bool, kind: str) -> None:
    """Print the JSON Schema of procedure files (or its installed path) for editors and tools.

    The schema is installed with procflow; its `$id` is a name, not a download address. Point
    an editor at the path or `file:` URL printed here, or let `procflow new` write the modeline.
    """
    if as_path and as_uri:
        raise errors.UsageError("--path and --uri go one at a time")
    found = schema_path(kind)
    if not found.is_file():
        raise errors.ProcflowError(
            f"the {kind} schema is not installed at {str(found)!r}; reinstall procflow"
        )
    if as_path:
        click.echo(str(found.resolve()))
    elif as_uri:
        click.echo(found.resolve().as_uri())
    else:
        click.echo(found.read_text(encoding="utf-8"), nl=False)


@click.command(context_settings=CONTEXT)
@click.argument("ident", metavar="ID")
@click.option(
    "--from",
    "source",
    metavar="ID",
    default=None,
    help="Copy procedure ID (the project's, or a bundled one) under the new id.",
)
@click.option(
    "--dir",
    "directory",
    metavar="DIR",
    default=None,
    help="Write into DIR (default: the project's procedures directory, else ./procedures).",
)
def new(ident: str, source: str | None, directory: str | None) -> None:
    """Write a new procedure ID.yaml (or a copy of another with --from) that validates clean.

    Both languages' texts are stubbed, and the first line is a yaml-language-server modeline
    that finds the schema from where the file is written: a path relative to the file inside
    a project that holds the schema, else the installed schema's `file:` URL. An existing file
    is never overwritten; an id that is not valid or already in use is refused (exit 2).
    """
    scaffold.check_id(ident)
    project = find_project()
    if directory is not None:
        target_dir = Path(directory)
    elif project.procedures:
        target_dir = project.procedures[0] if not project.bundled else Path("procedures")
    else:
        target_dir = Path("procedures")
    if target_dir.exists() and not target_dir.is_dir():
        raise errors.UsageError(f"{str(target_dir)!r} is not a directory")
    target = Path(display_path(str(target_dir / f"{ident}.yaml")))
    if target.exists() or target.with_suffix(".yml").exists():
        raise errors.UsageError(f"{str(target)!r} already exists; procflow new never overwrites a file")
    catalog = build_catalog(project=project)
    bundled = build_catalog(project=find_project(bundled=True)) if not project.bundled else catalog
    taken = catalog.entries.get(ident)
    if taken is not None:
        raise errors.UsageError(f"procedure id {ident!r} is already used by {str(taken.path)!r}")
    root = _root_of(target_dir)
    line = scaffold.modeline(target, schema_path(), root)
    if source is None:
        text = scaffold.new_text(ident, line)
    else:
        entry = catalog.entries.get(source) or bundled.find(source)
        text = scaffold.copy_text(entry.path.read_text(encoding="utf-8"), source, ident, line)
    target_dir.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as out:  # "x": never over a file made meanwhile
            out.write(text)
    except FileExistsError:
        raise errors.UsageError(
            f"{str(target)!r} already exists; procflow new never overwrites a file"
        ) from None
    say(f"wrote {target}")
    say(f"check it with: procflow validate --strict {target}")


def _root_of(target_dir: Path) -> Path | None:
    """The project the file is written in (found from its directory), or this repository's
    top when the file is written inside it; None elsewhere."""
    existing = target_dir.absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    project = find_project(existing)
    if project.root is not None:
        return project.root
    shipped = data_dir("schemas").resolve().parent
    return shipped if existing.resolve().is_relative_to(shipped) else None
