"""Commands that print procedures: `list`, `show` (a readable SOP) and `graph` (a diagram).

Options and printing only: rendering is `engine.output`'s, finding procedures `engine.check`'s.
"""

from __future__ import annotations

import click
from procflow.engine.base.environment import language
from procflow.engine.base.width import align
from procflow.engine.model.text import render
from procflow.engine.output.diagram import FORMATS
from procflow.engine.output.sop import render_sop
from procflow.terminal import completing
from procflow.terminal.commands import CONTEXT
from procflow.terminal.commands.common import (
    BUNDLED_HELP,
    DIR_HELP,
    LANG_HELP,
    LANGUAGE_CHOICE,
    _catalog,
    _checked_procedure,
    _shared_origins,
    _site,
    _used_titles,
    checked,
)
from procflow.terminal.inert import say, to_json


@click.command("list", context_settings=CONTEXT)
@click.option("--dir", "dirs", multiple=True, metavar="PATH", help=DIR_HELP)
@click.option(
    "--json", "as_json", is_flag=True, help="A JSON list: id, title, path, source, states, origin, checked."
)
@click.option("--lang", type=LANGUAGE_CHOICE, default=None, help=LANG_HELP)
@click.option("--bundled", is_flag=True, help=BUNDLED_HELP)
def list_(dirs: tuple[str, ...], as_json: bool, lang: str | None, bundled: bool) -> None:
    """List the procedures: id, title, number of states and source document.

    Procedures are found under each --dir, then each directory of PROCFLOW_PATH (separated by
    the system's path separator), then the project's (see `procflow where`; the bundled set
    outside any project or with --bundled); the first one found wins an id. The last line
    (each object's `checked` with --json) says which set: `project ROOT` or `bundled`.
    """
    lang = language(lang)
    found, label = _catalog(dirs, bundled=bundled)
    rows = [
        {
            "id": e.id,
            "title": render(e.title, lang, {}),
            "path": str(e.path),
            "source": e.source,
            "states": e.states,
            "origin": e.origin,
            "checked": label,
        }
        for e in found.entries.values()
    ]
    if as_json:
        click.echo(to_json(rows, indent=2))
        return
    if not rows:
        click.echo("procflow: no procedures found (add some with --dir PATH or PROCFLOW_PATH)", err=True)
        return
    table = [("ID", "TITLE", "STATES", "SOURCE")] + [
        (r["id"], r["title"], str(r["states"]), r["source"] or "") for r in rows
    ]
    for line in align(table, right={2}):
        say(line)
    say(checked(label))


def _say_checked(label: str | None) -> None:
    """The set an id was found in, on stderr: stdout is a document or a diagram to pipe."""
    if label is not None:
        say(checked(label), err=True)


@click.command(context_settings=CONTEXT)
@click.argument("procedure", metavar="ID", shell_complete=completing.procedures)
@click.option(
    "--format",
    "format_",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="Plain text for the terminal or a printer, or Markdown.",
)
@click.option("--lang", type=LANGUAGE_CHOICE, default=None, help=LANG_HELP)
@click.option("--dir", "dirs", multiple=True, metavar="PATH", help=DIR_HELP)
@click.option("--bundled", is_flag=True, help=BUNDLED_HELP)
def show(procedure: str, format_: str, lang: str | None, dirs: tuple[str, ...], bundled: bool) -> None:
    """Print a procedure as a readable SOP: every step with its role, checklist, words to say,
    questions, routes, moves, deadlines, notes and source clauses.

    ID is a procedure id (see `procflow list`) or the path of a procedure file. A procedure
    with errors is not shown: its errors are (exit 1). Parameters take the site file's values
    (`procflow --site PATH show ID`) where it sets them. An id found says on stderr which set
    it was found in (`checked: project ROOT` or `checked: bundled`).
    """
    proc, path, label = _checked_procedure(procedure, dirs, bundled=bundled)
    titles = _used_titles(proc, path, dirs, bundled=bundled)
    origins = _shared_origins(proc, path, dirs, bundled=bundled)
    site = _site()
    params = site.params_for(proc.id)  # the organisation's values, where the site file sets them
    own = site.procedure_params.get(proc.id, {})
    for (
        name,
        param,
    ) in proc.params.items():  # a shared one: the site's value for its procedure, unless set here
        shared = site.procedure_params.get(param.shared, {}) if param.shared is not None else {}
        if name in shared and name not in own:
            params[name] = shared[name]
    _say_checked(label)
    sop = render_sop(
        proc, lang=language(lang), fmt=format_, procedure_titles=titles, params=params, origins=origins
    )
    say(sop, nl=False)


@click.command(context_settings=CONTEXT)
@click.argument("procedure", metavar="ID", shell_complete=completing.procedures)
@click.option(
    "--format",
    "format_",
    type=click.Choice(["mermaid", "dot"]),
    default="mermaid",
    show_default=True,
    help="Mermaid (renders in GitHub Markdown) or Graphviz DOT.",
)
@click.option("--lang", type=LANGUAGE_CHOICE, default=None, help=LANG_HELP)
@click.option("--dir", "dirs", multiple=True, metavar="PATH", help=DIR_HELP)
@click.option("--bundled", is_flag=True, help=BUNDLED_HELP)
def graph(procedure: str, format_: str, lang: str | None, dirs: tuple[str, ...], bundled: bool) -> None:
    """Print a procedure's state diagram: every state and move, guards on the edges.

    Thin arrows are automatic routes (dotted: otherwise), thick ones moves the operator
    chooses; final states are double circles. ID is an id or the path of a procedure file; an
    id found says on stderr which set it was found in (`checked: project ROOT` or `bundled`).
    """
    proc, _, label = _checked_procedure(procedure, dirs, bundled=bundled)
    _say_checked(label)
    say(FORMATS[format_](proc, language(lang)), nl=False)
