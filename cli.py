"""The `procflow` command: a thin click layer over `engine`.

Only this module talks to the terminal. Each command imports what it needs when it runs, so
`procflow --help` stays fast; errors from the engine become one line and an exit code here,
in `main`, and nowhere else.
"""

from __future__ import annotations

from typing import Any

import click

from engine import errors

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class ProcflowGroup(click.Group):
    """A group that maps every error to one line and the exit code of `engine.errors`."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except errors.ProcflowError as exc:
            click.echo(f"procflow: {exc.message}", err=True)
            ctx.exit(exc.exit_code)
        except (KeyboardInterrupt, click.exceptions.Abort):
            click.echo("\ninterrupted", err=True)
            ctx.exit(errors.EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException):
            raise
        except BrokenPipeError:
            ctx.exit(errors.EXIT_OK)
        except Exception as exc:  # the last line of defence: one line, no traceback by default
            if ctx.obj and ctx.obj.get("traceback"):
                raise
            click.echo(
                f"procflow: internal error: {type(exc).__name__}: {exc} (rerun with --traceback)", err=True
            )
            ctx.exit(errors.EXIT_INTERNAL)


@click.group(cls=ProcflowGroup, context_settings=CONTEXT)
@click.version_option(package_name="procflow", prog_name="procflow")
@click.option("--traceback", is_flag=True, help="Show the full traceback of an internal error.")
@click.option(
    "--site",
    metavar="PATH",
    default=None,
    help="The site file: parameters, people and roles, calendar (default: PROCFLOW_SITE, "
    "else ./procflow.yaml if present).",
)
@click.pass_context
def cli(ctx: click.Context, traceback: bool, site: str | None) -> None:
    """Standard operating procedures as checked, executable state machines."""
    ctx.obj = {"traceback": traceback, "site": site}


def _site() -> Any:
    """The site (`--site`, PROCFLOW_SITE, ./procflow.yaml; an empty one when there is none).
    A site file with errors stops the command: its findings are shown, exit 1."""
    from engine.site import SiteError, open_site

    obj = click.get_current_context().find_root().obj or {}
    try:
        return open_site(obj.get("site"))
    except SiteError as exc:
        from engine import report

        shown = report.format_text(exc.diagnostics, files=1, sources=report.source_lines(exc.diagnostics))
        click.echo(shown, err=True, nl=False)
        raise


# --- commands -----------------------------------------------------------------------------
# Each command lives below, in the order of `procflow --help`. Keep the bodies thin: parse
# options, call the engine, format, exit.


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--format",
    "format_",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="Output: readable text, a JSON object, or GitHub Actions annotations.",
)
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=1 << 20,
    show_default=True,
    metavar="N",
    help="Refuse files larger than N bytes.",
)
@click.option("--no-cache", is_flag=True, help="Check every file again instead of reusing earlier results.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Worker processes for large sets (default: one per core).",
)
def validate(
    paths: tuple[str, ...], format_: str, strict: bool, max_bytes: int, no_cache: bool, jobs: int | None
) -> None:
    """Check procedure files and directories (default: the bundled procedures).

    A file with `procflow-site: 1` at the top is checked as a site file, its names against the
    procedures checked with it. `procflow --site PATH validate` adds PATH; without PATHs the site
    file of PROCFLOW_SITE or ./procflow.yaml is checked too.
    Exit 0 when clean, 1 when there are findings (warnings only with --strict), 2 on usage errors.
    """
    from engine import report
    from engine.validate import validate_paths

    named = (click.get_current_context().find_root().obj or {}).get("site")
    sites: list[str] = []
    if not paths or named:
        from engine.site import find_site

        site = find_site(named)
        sites = [str(site)] if site is not None else []
    result = validate_paths(paths, max_bytes=max_bytes, jobs=jobs, use_cache=not no_cache, sites=sites)
    sources = report.source_lines(result.diagnostics) if format_ == "text" else None
    formatter = report.FORMATS[format_]
    click.echo(formatter(result.diagnostics, files=len(result.files), sources=sources), nl=False)
    if result.failed(strict=strict):
        click.get_current_context().exit(errors.EXIT_FINDINGS)


# list, show, graph: finding procedures by id and printing them --------------------------

LANGUAGE_CHOICE = click.Choice(["zh-Hant", "en"])
LANG_HELP = "Language of the text (default: from LC_ALL/LC_MESSAGES/LANG when en or zh, else zh-Hant)."
DIR_HELP = "Also look for procedures under PATH (repeatable), before PROCFLOW_PATH and the bundled set."


def _catalog(dirs: tuple[str, ...]) -> Any:
    from engine.catalog import build_catalog

    found = build_catalog(dirs)
    for problem in found.problems:
        click.echo(f"procflow: warning: {problem}", err=True)
    for hidden, winner in found.shadowed:
        note = f"{hidden.path} is not used: {winner.path} has its id {hidden.id!r}"
        click.echo(f"procflow: note: {note}", err=True)
    return found


def _checked_procedure(ref: str, dirs: tuple[str, ...]) -> tuple[Any, Any]:
    """The procedure named by an id (or a path to its file) with every check passed, and its path."""
    import os
    from pathlib import Path

    from engine import report
    from engine.catalog import SUFFIXES, load_checked

    if ref.endswith(SUFFIXES) or os.sep in ref or "/" in ref:
        path = Path(ref)
        if not path.is_file():
            raise errors.UsageError(f"file {ref!r} does not exist; expected a procedure id or a .yaml file")
    else:
        path = _catalog(dirs).find(ref).path
    procedure, diagnostics = load_checked(path)
    if procedure is None:
        problems = [d for d in diagnostics if d.is_error]
        shown = report.format_text(problems, files=1, sources=report.source_lines(problems))
        click.echo(shown, err=True, nl=False)
        raise errors.ProcflowError(f"{str(path)!r} has errors; fix them first (`procflow validate {path}`)")
    return procedure, path


def _used_titles(procedure: Any, path: Any, dirs: tuple[str, ...]) -> dict[str, Any]:
    """Titles of the procedures `procedure` uses: found as ids are, or beside its file."""
    if not any(state.use for state in procedure.states.values()):
        return {}
    from engine.catalog import SUFFIXES, build_catalog, index_files

    siblings = sorted(p for p in path.parent.iterdir() if p.suffix in SUFFIXES and p.is_file())
    found = {**index_files((p, "beside") for p in siblings).entries, **build_catalog(dirs).entries}
    return {proc_id: entry.title for proc_id, entry in found.items()}


@cli.command("list", context_settings=CONTEXT)
@click.option("--dir", "dirs", multiple=True, metavar="PATH", help=DIR_HELP)
@click.option("--json", "as_json", is_flag=True, help="A JSON list: id, title, path, source, states, origin.")
@click.option("--lang", type=LANGUAGE_CHOICE, default=None, help=LANG_HELP)
def list_(dirs: tuple[str, ...], as_json: bool, lang: str | None) -> None:
    """List the procedures: id, title, number of states and source document.

    Procedures are found under each --dir, then each directory of PROCFLOW_PATH (separated by
    the system's path separator), then the bundled set; the first one found wins an id.
    """
    import json

    from engine.environment import language
    from engine.layout import display_width, pad
    from engine.text import render

    lang = language(lang)
    found = _catalog(dirs)
    rows = [
        {
            "id": e.id,
            "title": render(e.title, lang, {}),
            "path": str(e.path),
            "source": e.source,
            "states": e.states,
            "origin": e.origin,
        }
        for e in found.entries.values()
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("procflow: no procedures found (add some with --dir PATH or PROCFLOW_PATH)", err=True)
        return
    table = [("ID", "TITLE", "STATES", "SOURCE")] + [
        (r["id"], r["title"], str(r["states"]), r["source"] or "") for r in rows
    ]
    widths = [max(display_width(str(row[i])) for row in table) for i in range(3)]
    for ident, title, states, source in table:
        line = f"{pad(ident, widths[0])}  {pad(title, widths[1])}  {states.rjust(widths[2])}  {source}"
        click.echo(line.rstrip())


@cli.command(context_settings=CONTEXT)
@click.argument("procedure", metavar="ID")
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
def show(procedure: str, format_: str, lang: str | None, dirs: tuple[str, ...]) -> None:
    """Print a procedure as a readable SOP: every step with its role, checklist, words to say,
    questions, routes, moves, deadlines, notes and source clauses.

    ID is a procedure id (see `procflow list`) or the path of a procedure file. A procedure
    with errors is not shown: its errors are (exit 1). Parameters take the site file's values
    (`procflow --site PATH show ID`) where it sets them.
    """
    from engine.environment import language
    from engine.render import render_sop

    proc, path = _checked_procedure(procedure, dirs)
    titles = _used_titles(proc, path, dirs)
    params = _site().params_for(proc.id)  # the organisation's values, where the site file sets them
    click.echo(
        render_sop(proc, lang=language(lang), fmt=format_, procedure_titles=titles, params=params), nl=False
    )


@cli.command(context_settings=CONTEXT)
@click.argument("procedure", metavar="ID")
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
def graph(procedure: str, format_: str, lang: str | None, dirs: tuple[str, ...]) -> None:
    """Print a procedure's state diagram: every state and move, guards on the edges.

    Thin arrows are automatic routes (dotted: otherwise), thick ones moves the operator
    chooses; final states are double circles. ID is an id or the path of a procedure file.
    """
    from engine.environment import language
    from engine.graph import FORMATS

    proc, _ = _checked_procedure(procedure, dirs)
    click.echo(FORMATS[format_](proc, language(lang)), nl=False)


# trace: which clause of the source documents is encoded where --------------------------------


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--sources",
    "sources_dir",
    metavar="DIR",
    default=None,
    help="The clause index directory (default: the bundled sources/).",
)
@click.option(
    "--missing", "only_missing", is_flag=True, help="List only the clauses that are not accounted for."
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="One JSON object: articles, clauses with status and places, problems, summary.",
)
@click.option("--lang", type=LANGUAGE_CHOICE, default=None, help=LANG_HELP)
def trace(
    paths: tuple[str, ...], sources_dir: str | None, only_missing: bool, as_json: bool, lang: str | None
) -> None:
    """Show, clause by clause, where the source documents are encoded (default: the bundled set).

    A clause is accounted for when a procedure cites it in a `source:` key or the index marks it
    not executable with a reason. Exit 1 if any clause is unaccounted for, a `source:` names a
    clause the index does not have, or the index does not match the documents' text.
    """
    import json
    from pathlib import Path

    from engine import trace as tracing
    from engine.catalog import sources_dir as bundled_sources
    from engine.environment import language
    from engine.validate import check_document, collect_paths
    from engine.yamlio import LoadError, load_yaml

    directory = Path(sources_dir) if sources_dir else bundled_sources()
    if not directory.is_dir():
        raise errors.UsageError(f"clause index directory {str(directory)!r} does not exist")
    articles, problems = tracing.load_index(directory)
    document = directory / tracing.DOCUMENT_NAME
    if document.is_file():
        text = document.read_text(encoding="utf-8")
        problems += tracing.check_against_document(articles, text)
        problems += tracing.uncovered_text(articles, text, str(document))
    documents = []
    for path in collect_paths(list(paths)):
        try:
            loaded = load_yaml(path)
        except LoadError as exc:
            problems.append(exc.diagnostic)
            continue
        procedure, diagnostics = check_document(loaded)
        if procedure is None:
            problems += [d for d in diagnostics if d.is_error]
            continue
        documents.append((procedure, loaded))
    result = tracing.build_report(articles, documents, problems)
    lang_ = language(lang)
    if as_json:
        click.echo(json.dumps(tracing.to_json(result, lang_), ensure_ascii=False, indent=2))
    else:
        click.echo(tracing.format_text(result, lang_, only_missing=only_missing), nl=False)
    if not result.complete:
        click.get_current_context().exit(errors.EXIT_FINDINGS)


# test: scenarios of procedures, with transition coverage ---------------------------------------


@cli.command("test", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--dir", "dirs", multiple=True, metavar="PATH", help=DIR_HELP)
@click.option(
    "--min-coverage",
    type=click.FloatRange(0, 100),
    default=None,
    metavar="PCT",
    help="Fail unless every procedure's transition coverage is at least PCT percent.",
)
@click.option(
    "--all-languages",
    is_flag=True,
    help="Fail unless every procedure has a passing scenario in each of its languages.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object: scenarios, coverage, summary.")
def test_(
    paths: tuple[str, ...],
    dirs: tuple[str, ...],
    min_coverage: float | None,
    all_languages: bool,
    as_json: bool,
) -> None:
    """Run scenario files (default: the bundled scenarios) and report transition coverage.

    Each scenario plays answers, moves and skips on a procedure in memory and compares the
    path, final state, outcome and recorded answers with what it expects. Without PATH the
    coverage counts every procedure found; with PATH, the procedures the scenarios run.
    """
    import json

    from engine import testing

    report = testing.run_paths(list(paths), dirs)
    if as_json:
        click.echo(json.dumps(testing.to_json(report), ensure_ascii=False, indent=2))
    else:
        click.echo(
            testing.format_text(report, min_coverage=min_coverage, all_languages=all_languages), nl=False
        )
    if not report.ok(min_coverage=min_coverage, all_languages=all_languages):
        click.get_current_context().exit(errors.EXIT_FINDINGS)


# run, resume, step, status, history, cancel, verify: durable instances -----------------------

DB_HELP = "The database file (default: PROCFLOW_DB, else procflow.db in the per-user data directory)."
AS_HELP = "Who is acting (default: PROCFLOW_USER, else the operating-system user)."
STEP_JSON_HELP = "End with one line of JSON: instance, procedure, state, status, outcome, path, answers, ..."


def _instance_options(func: Any) -> Any:
    """--db, --as, --lang and --json, shared by every command on instances."""
    for option in reversed(
        [
            click.option("--db", metavar="PATH", default=None, help=DB_HELP),
            click.option("--as", "actor", metavar="NAME", default=None, help=AS_HELP),
            click.option("--lang", type=LANGUAGE_CHOICE, default=None, help=LANG_HELP),
        ]
    ):
        func = option(func)
    return func


OVERRIDE_HELP = (
    "Act even in states whose role you do not hold (see the site file's people); "
    "needs --reason, which is recorded."
)
OVERRIDE_REASON_HELP = "With --override: why you act without the role (recorded)."


def _override(override: bool, reason: str | None) -> str | None:
    """The reason given with --override (None without it); either alone is a usage error."""
    if not override:
        if reason is not None:
            raise errors.UsageError("--reason goes with --override")
        return None
    from engine.people import check_override_reason

    return check_override_reason(reason)


def _site_given() -> bool:
    """Whether a site file is named or present, checked without loading anything (`status`)."""
    import os

    obj = click.get_current_context().find_root().obj or {}
    return bool(obj.get("site") or os.environ.get("PROCFLOW_SITE") or os.path.isfile("procflow.yaml"))


@cli.command(context_settings=CONTEXT)
@click.argument("procedure", metavar="PROCEDURE")
@click.option(
    "--answers",
    "answers_file",
    metavar="FILE",
    type=click.Path(exists=True, dir_okay=False),
    help="Take answers, moves and skipped items from FILE (YAML or JSON) instead of asking.",
)
@click.option("--dir", "dirs", multiple=True, metavar="PATH", help=DIR_HELP)
@click.option("--override", is_flag=True, help=OVERRIDE_HELP)
@click.option("--reason", default=None, metavar="TEXT", help=OVERRIDE_REASON_HELP)
@_instance_options
@click.option("--json", "as_json", is_flag=True, help=STEP_JSON_HELP)
def run(
    procedure: str,
    answers_file: str | None,
    dirs: tuple[str, ...],
    override: bool,
    reason: str | None,
    db: str | None,
    actor: str | None,
    lang: str | None,
    as_json: bool,
) -> None:
    """Start PROCEDURE (an id, or the path of a procedure file) and lead through it step by step.

    Every step is saved at once. Ctrl-C (exit 130) or the end of the input (exit 1) leaves the
    instance open and prints the command that resumes it. With --answers FILE the run is
    scripted: it stops with exit 1, the instance open, at the first answer or move FILE lacks.

    In a state whose role you do not hold (by the site file's people) a run asks why you act
    anyway, and records it; --override --reason TEXT answers for every such state, and a
    scripted run without them stops there (exit 10).
    """
    import console
    from engine.script import load_script

    script = load_script(answers_file) if answers_file else None  # a bad file starts nothing
    desk = console.open_desk(
        db, actor, lang, dirs, site=_site(), override=_override(override, reason), ask=script is None
    )
    opened = console.start(desk, procedure)
    click.get_current_context().exit(console.drive(desk, opened, script, as_json))


@cli.command(context_settings=CONTEXT)
@click.argument("instance", metavar="ID")
@click.option(
    "--answers",
    "answers_file",
    metavar="FILE",
    type=click.Path(exists=True, dir_okay=False),
    help="Take answers, moves and skipped items from FILE (YAML or JSON) instead of asking.",
)
@click.option("--override", is_flag=True, help=OVERRIDE_HELP)
@click.option("--reason", default=None, metavar="TEXT", help=OVERRIDE_REASON_HELP)
@_instance_options
@click.option("--json", "as_json", is_flag=True, help=STEP_JSON_HELP)
def resume(
    instance: str,
    answers_file: str | None,
    override: bool,
    reason: str | None,
    db: str | None,
    actor: str | None,
    lang: str | None,
    as_json: bool,
) -> None:
    """Continue instance ID where it stopped, on the procedure text it started with.

    ID `last` stands for your most recently changed instance (also in step, history, cancel
    and verify).
    """
    import console
    from engine.script import load_script

    script = load_script(answers_file) if answers_file else None
    desk = console.open_desk(
        db, actor, lang, site=_site(), override=_override(override, reason), ask=script is None
    )
    opened = desk.open(desk.store.resolve(instance, desk.actor))
    click.get_current_context().exit(console.drive(desk, opened, script, as_json))


@cli.command(context_settings=CONTEXT)
@click.argument("instance", metavar="ID")
@click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE", help="Answer a question (repeatable).")
@click.option(
    "--check", "checks", multiple=True, metavar="ITEM", help="Confirm a checklist item (repeatable)."
)
@click.option("--skip", "skips", multiple=True, metavar="ITEM", help="Skip a checklist item; needs --reason.")
@click.option(
    "--reason",
    "reasons",
    multiple=True,
    metavar="TEXT",
    help="Why the --skip items are skipped (once for all, or once per --skip), or why you act "
    "with --override (given first).",
)
@click.option("--move", default=None, metavar="MOVE", help="Take this move (when the step offers a choice).")
@click.option(
    "--done",
    "done",
    multiple=True,
    metavar="DEADLINE",
    help="Acknowledge a recurrence (e.g. a refill every 15 minutes): the next counts from now.",
)
@click.option("--note", default=None, metavar="TEXT", help="Record a note with the step.")
@click.option("--override", is_flag=True, help=OVERRIDE_HELP)
@_instance_options
@click.option("--json", "as_json", is_flag=True, help=STEP_JSON_HELP)
def step(
    instance: str,
    sets: tuple[str, ...],
    checks: tuple[str, ...],
    skips: tuple[str, ...],
    reasons: tuple[str, ...],
    move: str | None,
    done: tuple[str, ...],
    note: str | None,
    override: bool,
    db: str | None,
    actor: str | None,
    lang: str | None,
    as_json: bool,
) -> None:
    """Take one step of instance ID without prompts (for scripts and other tools).

    With nothing but ID it acknowledges a step that only says something. A wrong answer
    (exit 5) or a move not allowed now (exit 6) changes nothing; so does losing a race to
    another operator (exit 7, naming who changed it and when). A step in a state whose role you
    do not hold is refused (exit 10) unless given --override --reason TEXT.
    """
    import console

    why, reasons = console.override_reasons(override, skips, reasons)
    desk = console.open_desk(db, actor, lang, site=_site(), override=why)
    console.step_once(desk, instance, sets, checks, skips, reasons, move, note, as_json, done=done)


@cli.command(context_settings=CONTEXT)
@click.option(
    "--mine",
    is_flag=True,
    help="Only the instances the acting person holds (see --as), or handed to a role they hold.",
)
@click.option(
    "--by",
    "person",
    metavar="NAME",
    default=None,
    help="Only the instances NAME holds, or handed to a role NAME holds.",
)
@click.option("--all", "show_all", is_flag=True, help="List every open instance (default: the newest 50).")
@_instance_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object: open, more_open, recent.")
def status(
    mine: bool,
    person: str | None,
    show_all: bool,
    db: str | None,
    actor: str | None,
    lang: str | None,
    as_json: bool,
) -> None:
    """Open instances and those closed recently: id, procedure, state, who, since when.

    An instance whose procedure file changed (or was removed) after it started is marked: it
    keeps running on the text it started with.
    """
    import listings
    from engine import environment
    from engine.audit import status as read_status

    store = environment.open_store(db)
    who = person if person is not None else environment.actor(actor) if mine else None
    held = _site().roles_of(who) if who is not None and _site_given() else None  # a site only when needed
    report = read_status(store, person=who, open_limit=None if show_all else 50, roles=sorted(held or ()))
    listings.show_status(report, environment.language(lang), as_json)


# agenda: what is due across all open instances -------------------------------------------------


@cli.command(context_settings=CONTEXT)
@click.option("--role", default=None, metavar="ROLE", help="Only what is due in states of ROLE.")
@click.option(
    "--mine",
    is_flag=True,
    help="Only the instances the acting person holds (see --as), or handed to a role they hold.",
)
@click.option(
    "--at",
    "at",
    default=None,
    metavar="TIME",
    help="What is due as of TIME (2026-03-07T09:30, 14:30 or +2h) instead of now.",
)
@click.option(
    "--within",
    default="1 hour",
    show_default=True,
    metavar="DURATION",
    help="How far ahead to look (e.g. 30m, 2 hours); what is overdue always shows.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    metavar="N",
    help="Show at most N items, and how many more there are.",
)
@click.option(
    "--watch", is_flag=True, help="Refresh until Ctrl-C, flagging (and ringing the bell for) what falls due."
)
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="With --watch: seconds between refreshes.",
)
@click.option(
    "--count",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="With --watch: stop after N refreshes.",
)
@_instance_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object: now, until, total, more, items.")
def agenda(
    role: str | None,
    mine: bool,
    at: str | None,
    within: str,
    limit: int,
    watch: bool,
    interval: float,
    count: int | None,
    db: str | None,
    actor: str | None,
    lang: str | None,
    as_json: bool,
) -> None:
    """What is due and overdue across all open instances, soonest first: when, what, where, whose,
    and the command that acts on it.

    Reads only the database (and the site file, for its calendar and people, when there is one):
    an item due outside the site's duty hours shows when duty resumes.
    """
    import json
    import sys
    import time

    from engine import agenda as agendas
    from engine import clock, environment
    from engine.durations import parse_duration

    try:
        ahead = parse_duration(within)
    except ValueError:
        raise errors.UsageError(
            f"--within {within!r} is not a duration; expected e.g. 30m or 2 hours"
        ) from None
    if watch and at is not None:
        raise errors.UsageError("--at and --watch do not go together: --watch follows the clock")
    sources = click.get_current_context().get_parameter_source
    if not watch and any(sources(n) is click.core.ParameterSource.COMMANDLINE for n in ("interval", "count")):
        raise errors.UsageError("--interval and --count go with --watch")
    site = _site() if _site_given() else None  # no site file: nothing to load, nothing imported
    zone = site.timezone if site is not None else None
    duty = clock.Duty(site.calendar, zone) if site is not None and site.calendar.defined else None
    who = environment.actor(actor) if mine else None
    held = sorted(site.roles_of(who) or ()) if site is not None and who is not None else []
    lang = environment.language(lang)
    store = environment.open_store(db)

    def read(moment: Any) -> Any:
        return agendas.read_agenda(
            store,
            now=moment,
            within=ahead,
            limit=limit,
            lang=lang,
            role=role,
            person=who,
            roles=held,
            duty=duty,
        )

    def show(found: Any, flagged: Any) -> None:
        click.echo(
            json.dumps(agendas.to_json(found), ensure_ascii=False)
            if as_json
            else agendas.format_text(found, lang, flagged if watch else None),
            nl=as_json,
        )

    if not watch:
        show(read(clock.parse_moment(at, clock.now(zone)) if at else clock.now(zone)), None)
        return
    terminal = sys.stdout.isatty()
    for number, (found, flagged) in enumerate(
        agendas.watch(read, lambda: clock.now(zone), time.sleep, interval, count)
    ):
        if terminal:  # redraw in place; the bell only where someone hears it
            click.echo("\x1b[H\x1b[2J" + ("\a" if flagged else ""), nl=False, color=True)
        elif number:
            click.echo()
        show(found, flagged)


@cli.command(context_settings=CONTEXT)
@click.argument("instance", metavar="ID")
@click.option("--show-pii", is_flag=True, help="Show answers to fields marked as personal data.")
@_instance_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object: the instance and its events.")
def history(
    instance: str, show_pii: bool, db: str | None, actor: str | None, lang: str | None, as_json: bool
) -> None:
    """The audit trail of instance ID: every event with its time, actor, role and what it did."""
    import listings
    from engine import environment

    store = environment.open_store(db)
    instance = store.resolve(instance, environment.actor(actor))
    listings.show_history(store, instance, show_pii, environment.language(lang), as_json)


@cli.command(context_settings=CONTEXT)
@click.argument("instance", metavar="ID")
@click.option("--reason", required=True, metavar="TEXT", help="Why the instance is cancelled (recorded).")
@_instance_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object: instance, status, state, reason.")
def cancel(
    instance: str, reason: str, db: str | None, actor: str | None, lang: str | None, as_json: bool
) -> None:
    """Close instance ID without finishing it; the reason is recorded in its history."""
    import console

    desk = console.open_desk(db, actor, lang)
    console.cancel(desk, instance, reason, as_json)


@cli.command(context_settings=CONTEXT)
@click.argument("instance", metavar="ID")
@click.option(
    "--to",
    "to",
    required=True,
    metavar="PERSON|ROLE",
    help="A person of the site file, or a role of the instance's procedures "
    "(person:NAME or role:NAME when a name is both).",
)
@click.option("--note", default=None, metavar="TEXT", help="What the next holder should know (recorded).")
@_instance_options
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON object: instance, to, target, owner, assignee, version."
)
def handoff(
    instance: str,
    to: str,
    note: str | None,
    db: str | None,
    actor: str | None,
    lang: str | None,
    as_json: bool,
) -> None:
    """Pass instance ID on to a person (it becomes theirs) or a role (anyone holding it).

    `status` and the agenda then show whose it is; `status --mine` lists it for the person, or
    for everyone holding the role. Saved like a step: refused (exit 7) if someone changed the
    instance first, and an unknown person or role is exit 4.
    """
    import console

    desk = console.open_desk(db, actor, lang, site=_site())
    console.hand_over(desk, instance, to, note, as_json)


@cli.command(context_settings=CONTEXT)
@click.argument("instance", metavar="[ID]", required=False)
@_instance_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object: checked, integrity, mismatches, ok.")
def verify(instance: str | None, db: str | None, actor: str | None, lang: str | None, as_json: bool) -> None:
    """Rebuild every snapshot (or ID's) from its events and check the database file.

    Exit 0 when everything matches, 1 when a snapshot differs from its events, 9 when SQLite's
    integrity_check finds the file damaged.
    """
    import listings
    from engine import environment

    store = environment.open_store(db)
    if instance is not None:
        instance = store.resolve(instance, environment.actor(actor))
    click.get_current_context().exit(listings.show_verify(store, instance, as_json))


# violation, report: accountability under the work rules and the penalty ladders ----------------

MONTH_HELP = "The calendar month, YYYY-MM, in the site's time zone (UTC when the site sets none)."


def _all_procedures(dirs: tuple[str, ...]) -> Any:
    from engine.penalties import load_procedures

    procedures, problems = load_procedures(dirs)
    for problem in problems:
        click.echo(f"procflow: warning: {problem}", err=True)
    return procedures


@cli.group(context_settings=CONTEXT)
def violation() -> None:
    """Record violations of the work rules and list them with the breaches and overrides."""


@violation.command("record", context_settings=CONTEXT)
@click.option(
    "--person", required=True, metavar="NAME", help="Who broke the rule (a person of the site file)."
)
@click.option(
    "--rule",
    required=True,
    metavar="RULE",
    help="A work rule id from the procedures' work_rules (PROCEDURE:RULE when two share it).",
)
@click.option("--note", default=None, metavar="TEXT", help="What happened.")
@click.option(
    "--at",
    "at",
    default=None,
    metavar="TIME",
    help="When it happened (default: now), e.g. 2026-03-07T09:30 or 14:30 (today); "
    "without an offset, in the site's time zone.",
)
@click.option("--dir", "dirs", multiple=True, metavar="PATH", help=DIR_HELP)
@_instance_options
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="One JSON object: the violation as `violation list --json` shows it.",
)
def violation_record(
    person: str,
    rule: str,
    note: str | None,
    at: str | None,
    dirs: tuple[str, ...],
    db: str | None,
    actor: str | None,
    lang: str | None,
    as_json: bool,
) -> None:
    """Record that NAME broke a work rule; the record names who made it and cannot be changed."""
    import json

    from engine import clock, environment, register
    from engine.violations import record_checked, to_json

    site = _site()
    procedures = _all_procedures(dirs)
    who = environment.actor(actor)
    with environment.open_store(db) as store:
        found, declared = record_checked(
            store,
            procedures,
            site,
            person=person,
            rule=rule,
            note=note,
            at=at,
            actor=who,
            now=clock.now(site.timezone),
        )
    if as_json:
        click.echo(json.dumps(to_json(found, site.timezone), ensure_ascii=False, indent=2))
    else:
        click.echo(
            register.format_recorded(found, declared.source, site.timezone, environment.language(lang)),
            nl=False,
        )


@violation.command("list", context_settings=CONTEXT)
@click.option("--person", default=None, metavar="NAME", help="Only NAME's violations.")
@click.option("--month", default=None, metavar="YYYY-MM", help=MONTH_HELP)
@click.option("--db", metavar="PATH", default=None, help=DB_HELP)
@click.option("--lang", type=LANGUAGE_CHOICE, default=None, help=LANG_HELP)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="A JSON list: kind, id, person, at, procedure, rule, note, instance, state, deadline, ...",
)
def violation_list(
    person: str | None, month: str | None, db: str | None, lang: str | None, as_json: bool
) -> None:
    """Recorded violations, breaches and overrides, oldest first."""
    from engine import environment, register
    from engine.monthly import parse_month
    from engine.violations import read

    site = _site()
    bounds = parse_month(month, site.timezone) if month is not None else None
    with environment.open_store(db) as store:
        found = read(store, bounds.start if bounds else None, bounds.end if bounds else None, person)
    if as_json:
        click.echo(register.format_list_json(found, site.timezone), nl=False)
    else:
        click.echo(register.format_list(found, site.timezone, environment.language(lang)), nl=False)


@cli.command("report", context_settings=CONTEXT)
@click.option("--month", required=True, metavar="YYYY-MM", help=MONTH_HELP)
@click.option(
    "--format",
    "format_",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="Aligned text, a JSON object, or CSV with a header row.",
)
@click.option("--lang", type=LANGUAGE_CHOICE, default=None, help=LANG_HELP)
@click.option("--dir", "dirs", multiple=True, metavar="PATH", help=DIR_HELP)
@click.option("--db", metavar="PATH", default=None, help=DB_HELP)
def report_(month: str, format_: str, lang: str | None, dirs: tuple[str, ...], db: str | None) -> None:
    """Violations per person in one month, and where each stands on the penalty ladders.

    Rungs reached together at one count (第三篇 八.1 and 八.2 at two) are listed together with
    the procedure's notes on who decides; the report never picks one.
    """
    from engine import environment
    from engine.monthly import build_report, parse_month
    from engine.monthly_format import FORMATS
    from engine.penalties import build_ladders
    from engine.violations import read

    site = _site()
    bounds = parse_month(month, site.timezone)
    procedures = _all_procedures(dirs)
    ladders = build_ladders(procedures, site)
    with environment.open_store(db) as store:
        found = read(store, bounds.start, bounds.end)
    result = build_report(bounds, found, ladders, site, procedures)
    click.echo(FORMATS[format_](result, environment.language(lang)), nl=False)


# --- entry point --------------------------------------------------------------------------


def main() -> None:
    """The console script."""
    cli.main(prog_name="procflow")


if __name__ == "__main__":
    main()
