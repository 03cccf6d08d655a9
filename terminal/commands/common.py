"""What the command modules share: option help texts, and finding the site and procedures.

Everything here runs inside a command (it may read the click context). `status` imports this
module, so what only other commands need is imported inside the helpers that need it: the site
file, catalogue and penalty modules (YAML and schema machinery), pathlib and the diagnostics
formatter (together ~15 ms of every `status`).
"""

from __future__ import annotations

import os
from typing import Any

import click
from procflow.engine.base import errors
from procflow.engine.base.safetext import unstorable, visible
from procflow.terminal.inert import say


def _site() -> Any:
    """The site (`--site`, PROCFLOW_SITE, the project's; an empty one when there is none).
    A site file with errors stops the command: its findings are shown, exit 1."""
    from procflow.engine.site.sitefile import SiteError, open_site  # lazy: `status` needs it only with a site

    obj = click.get_current_context().find_root().obj or {}
    named = obj.get("site")
    if not named and not os.environ.get("PROCFLOW_SITE"):  # the project's: its file's `site`, or at its root
        from procflow.engine.base.project import find_project  # lazy: reads procflow.toml

        found = find_project().site.path
        named = str(found) if found is not None else None
    try:
        return open_site(named)
    except SiteError as exc:
        from procflow.engine.output import diagnostics as report  # lazy: see the module's docstring

        shown = report.format_text(exc.diagnostics, files=1, sources=report.source_lines(exc.diagnostics))
        say(shown, err=True, nl=False)
        raise


def _refused(verdict: str) -> Any:
    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        for text in value if isinstance(value, tuple) else (value,):
            why = unstorable(text, allow="\t") if isinstance(text, str) else None
            if why is not None:
                name = (
                    param.opts[0]
                    if isinstance(param, click.Option)
                    else param.human_readable_name.strip("[]")
                )
                raise errors.UsageError(f"{name} '{visible(text)}' {verdict}: {why}")
        return value

    return check


# Click callbacks: text that is not UTF-8 (bytes in another encoding) or holds a control
# character is a usage error, one line, exit 2, before it reaches the store.
recordable = _refused("cannot be recorded")  # a note, a reason, a name that is stored
findable = _refused("names nothing procflow could have recorded")  # an id or a name looked up


LANGUAGE_CHOICE = click.Choice(["zh-Hant", "en"])
LANG_HELP = (
    "Language of the text (default: PROCFLOW_LANG, else the site file's language, else "
    "LC_ALL/LC_MESSAGES/LANG when en or zh, else zh-Hant)."
)
IDS_HELP = "Show internal ids (procedure, states, fields, options, outcomes) beside their names."


def _keep_ids(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    """`--ids`, kept on the root context where the screen looks for it (`terminal.screen.ids_wanted`)."""
    root = ctx.find_root()
    if value:
        root.obj = {**(root.obj or {}), "ids": True}
    return value


DIR_HELP = "Also look for procedures under PATH (repeatable), before PROCFLOW_PATH and the project's."
BUNDLED_HELP = "Use the procedures that ship with procflow instead of the project's."


def checked(label: str) -> str:
    """The line saying which set a command worked on: `checked: project ROOT` or `checked: bundled`."""
    return f"checked: {label}"


def _catalog(dirs: tuple[str, ...], *, bundled: bool = False) -> tuple[Any, str]:
    """Every procedure findable: --dir, PROCFLOW_PATH, then the project's (or, with `bundled`
    or outside any project, the bundled ones); and that set's label for the `checked:` line."""
    from procflow.engine.base.project import find_project  # lazy: reads procflow.toml
    from procflow.engine.check.catalog import build_catalog  # lazy: the catalogue loads procedures

    project = find_project(bundled=bundled)
    found = build_catalog(dirs, project=project)
    for problem in found.problems:
        say(f"procflow: warning: {problem}", err=True)
    for hidden, winner in found.shadowed:
        note = f"{hidden.path} is not used: {winner.path} has its id {hidden.id!r}"
        say(f"procflow: note: {note}", err=True)
    return found, project.label()


def _is_file_ref(ref: str) -> bool:
    """Whether a procedure reference is the path of a file rather than an id."""
    from procflow.engine.base.paths import SUFFIXES

    return ref.endswith(SUFFIXES) or os.sep in ref or "/" in ref


def _bundled_file(ref: str, dirs: tuple[str, ...]) -> str:
    """The file of procedure `ref` as `--bundled` finds it (after --dir and PROCFLOW_PATH, the
    bundled set, even inside a project); a path is kept as given."""
    return ref if _is_file_ref(ref) else str(_catalog(dirs, bundled=True)[0].find(ref).path)


def _checked_procedure(
    ref: str, dirs: tuple[str, ...], *, bundled: bool = False
) -> tuple[Any, Any, str | None]:
    """The procedure named by an id (or a path to its file) with every check passed, its path,
    and the label of the set an id was found in (None for a path)."""
    from pathlib import Path  # lazy, like those below: see the module's docstring

    from procflow.engine.check.files import load_checked
    from procflow.engine.output import diagnostics as report

    label = None
    if _is_file_ref(ref):
        path = Path(ref)
        if not path.is_file():
            raise errors.UsageError(f"file {ref!r} does not exist; expected a procedure id or a .yaml file")
    else:
        found, label = _catalog(dirs, bundled=bundled)
        path = found.find(ref).path
    procedure, diagnostics = load_checked(path)
    if procedure is None:
        problems = [d for d in diagnostics if d.is_error]
        shown = report.format_text(problems, files=1, sources=report.source_lines(problems))
        say(shown, err=True, nl=False)
        raise errors.ProcflowError(f"{str(path)!r} has errors; fix them first (`procflow validate {path}`)")
    return procedure, path, label


def _used_titles(
    procedure: Any, path: Any, dirs: tuple[str, ...], *, bundled: bool = False
) -> dict[str, Any]:
    """Titles of the procedures `procedure` uses: found as ids are, or beside its file."""
    if not any(state.use for state in procedure.states.values()):
        return {}
    from procflow.engine.base.project import find_project  # lazy: as above
    from procflow.engine.check.catalog import build_catalog, index_beside

    catalog = build_catalog(dirs, project=find_project(bundled=bundled))
    found = {**index_beside(path.parent).entries, **catalog.entries}
    return {proc_id: entry.title for proc_id, entry in found.items()}


def _shared_origins(
    procedure: Any, path: Any, dirs: tuple[str, ...], *, bundled: bool = False
) -> dict[str, Any]:
    """The procedures `procedure` shares parameters `from`, by id, found as ids are or beside
    its file; one that cannot be found or read is left out (its parameters show no default)."""
    wanted = {p.shared for p in procedure.params.values() if p.shared is not None}
    if not wanted:
        return {}
    from procflow.engine.base.project import find_project  # lazy: as above
    from procflow.engine.check.catalog import build_catalog, index_beside
    from procflow.engine.check.files import load_checked

    catalog = build_catalog(dirs, project=find_project(bundled=bundled))
    found = {**index_beside(path.parent).entries, **catalog.entries}
    origins = {}
    for ident in sorted(wanted & set(found)):
        origin, _ = load_checked(found[ident].path)
        if origin is not None:
            origins[ident] = origin
    return origins


DB_HELP = (
    "The database: a file, or a postgresql:// URL (default: PROCFLOW_DB, else procflow.db in the per-user"
    " data directory)."
)
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


ids_option = click.option("--ids", is_flag=True, expose_value=False, callback=_keep_ids, help=IDS_HELP)
"""`--ids` on the commands that draw the operator's screen: run, resume, step."""
ids_instead = click.option(
    "--ids",
    is_flag=True,
    expose_value=False,
    callback=_keep_ids,
    help="Show internal ids (procedures, states, roles, outcomes) instead of their names.",
)
"""`--ids` on the listings and sentences that name ids: status, history, correct."""


def ids_wanted() -> bool:
    """Whether the command was given `--ids` (kept on the root context by its callback)."""
    obj = click.get_current_context().find_root().obj
    return bool(isinstance(obj, dict) and obj.get("ids"))


OVERRIDE_HELP = (
    "Act even in states whose role you do not hold (see the site file's people); "
    "needs --reason, which is recorded."
)
OVERRIDE_REASON_HELP = "With --override: why you act without the role (recorded)."


def _session_options(func: Any) -> Any:
    """--answers, --override and --reason, shared by `run` and `resume`."""
    for option in reversed(
        [
            click.option(
                "--answers",
                "answers_file",
                metavar="FILE",
                type=click.Path(exists=True, dir_okay=False),
                help="Take answers, moves and skipped items from FILE (YAML or JSON) instead of asking.",
            ),
            click.option("--override", is_flag=True, help=OVERRIDE_HELP),
            click.option(
                "--reason", default=None, metavar="TEXT", callback=recordable, help=OVERRIDE_REASON_HELP
            ),
        ]
    ):
        func = option(func)
    return func


def _override(override: bool, reason: str | None) -> str | None:
    """The reason given with --override (None without it); either alone is a usage error."""
    if not override:
        if reason is not None:
            raise errors.UsageError("--reason goes with --override")
        return None
    from procflow.engine.desk.people import check_override_reason  # lazy: it loads the site file reader

    return check_override_reason(reason)


def _site_given() -> bool:
    """Whether a site file is named or present, checked without loading anything (`status`)."""
    obj = click.get_current_context().find_root().obj or {}
    return bool(obj.get("site") or os.environ.get("PROCFLOW_SITE") or os.path.isfile("procflow.yaml"))


MONTH_HELP = "The calendar month, YYYY-MM, in the site's time zone (UTC when the site sets none)."


def _all_procedures(dirs: tuple[str, ...]) -> Any:
    from procflow.engine.accountability.penalties import load_procedures  # lazy: loads procedures

    procedures, problems = load_procedures(dirs)
    for problem in problems:
        say(f"procflow: warning: {problem}", err=True)
    return procedures
