"""Commands for authors and CI: `validate`, `trace` and `test` (scenarios and coverage).

Options, help and exit codes only: the checks themselves are `engine.check` and `engine.authoring`.
"""

from __future__ import annotations

from pathlib import Path

import click
from procflow.engine.base import errors
from procflow.engine.base.environment import language
from procflow.engine.base.paths import data_dir
from procflow.engine.base.paths import sources_dir as bundled_sources
from procflow.engine.base.project import Project, find_project
from procflow.engine.check.files import check_document
from procflow.engine.check.pipeline import collect_paths, display_path, project_paths, validate_paths
from procflow.engine.load.yamlio import LoadError, load_yaml
from procflow.engine.output import diagnostics as report
from procflow.terminal.commands import CONTEXT
from procflow.terminal.commands.common import DIR_HELP, LANG_HELP, LANGUAGE_CHOICE, checked
from procflow.terminal.inert import inert_json, say, to_json

BUNDLED_HELP = "Work on the procedures that ship with procflow, even inside a project (not with PATH)."
bundled_option = click.option("--bundled", is_flag=True, help=BUNDLED_HELP)


def _project(paths: tuple[str, ...], bundled: bool) -> Project:
    """The set a command works on when given no PATH (see `procflow where`)."""
    if bundled and paths:
        raise errors.UsageError("--bundled goes without PATH: it names the set to check")
    named = (click.get_current_context().find_root().obj or {}).get("site")
    return find_project(bundled=bundled, site_flag=named)


def _scoped(text: str, label: str) -> str:
    """`text` with `checked: LABEL` added as the line before its last one (the summary)."""
    body, _, last = text.rstrip("\n").rpartition("\n")
    return (body + "\n" if body else "") + f"{checked(label)}\n{last}\n"


@click.command(context_settings=CONTEXT)
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
    type=click.IntRange(min=1, max=1 << 30),
    default=1 << 20,
    show_default=True,
    metavar="N",
    help="Refuse files larger than N bytes (1 to 1073741824, 1 GiB).",
)
@click.option("--no-cache", is_flag=True, help="Check every file again instead of reusing earlier results.")
@bundled_option
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Worker processes for large sets (default: one per core).",
)
def validate(
    paths: tuple[str, ...],
    format_: str,
    strict: bool,
    max_bytes: int,
    no_cache: bool,
    bundled: bool,
    jobs: int | None,
) -> None:
    """Check procedure files and directories (default: the project's procedures).

    Without PATH the project is checked (see `procflow where`), or the bundled procedures
    outside any project or with --bundled; the summary says which. A file with
    `procflow-site: 1` at the top is checked as a site file, its names against the procedures
    checked with it. `procflow --site PATH validate` adds PATH; without PATHs the project's site
    file is checked too. Exit 0 when clean, 1 when there are findings (warnings only with
    --strict), 2 on usage errors.
    """
    project = _project(paths, bundled)
    named = (click.get_current_context().find_root().obj or {}).get("site")
    site = project.site.path
    sites = [display_path(str(site))] if site is not None and (not paths or named) else []
    targets = list(paths) or project_paths(project)
    result = validate_paths(targets, max_bytes=max_bytes, jobs=jobs, use_cache=not no_cache, sites=sites)
    sources = report.source_lines(result.diagnostics) if format_ == "text" else None
    formatter = report.FORMATS[format_]
    shown = formatter(result.diagnostics, files=len(result.files), sources=sources)
    if not paths and format_ == "json":  # the object's first key: which set was checked
        shown = "{\n  " + f'"checked": {to_json(project.label())},' + shown[1:]
    elif not paths:
        shown = _scoped(shown, project.label())
    if format_ == "json":
        click.echo(inert_json(shown), nl=False)
    else:  # the text format quotes the file's lines: a control character in them is shown, not obeyed
        say(shown, nl=False)
    if result.failed(strict=strict):
        click.get_current_context().exit(errors.EXIT_FINDINGS)


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--sources",
    "sources_dir",
    metavar="DIR",
    default=None,
    help="The clause index directory (default: the project's sources/, or the bundled one).",
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
@bundled_option
def trace(
    paths: tuple[str, ...],
    sources_dir: str | None,
    only_missing: bool,
    as_json: bool,
    lang: str | None,
    bundled: bool,
) -> None:
    """Show, clause by clause, where the source documents are encoded (default: the project).

    Without PATH, the project's procedures and clause index (see `procflow where`), or the
    bundled set. A clause is accounted for when a procedure cites it in a `source:` key or the
    index marks it not executable with a reason. Exit 1 if any clause is unaccounted for, a
    `source:` names a clause the index does not have, a procedure has errors, or the index does
    not match the documents' text.
    """
    from procflow.engine.authoring import trace as tracing  # not imported by `validate`, which is timed

    project = _project(paths, bundled)
    directory = Path(sources_dir) if sources_dir else _project_sources(project)
    if not directory.is_dir():
        raise errors.UsageError(f"clause index directory {str(directory)!r} does not exist")
    articles, problems = tracing.load_index(directory)
    document = directory / tracing.DOCUMENT_NAME
    if document.is_file():
        text = document.read_text(encoding="utf-8")
        problems += tracing.check_against_document(articles, text)
        problems += tracing.uncovered_text(articles, text, str(document))
    documents = []
    for path in collect_paths(list(paths) or project_paths(project)):
        try:
            loaded = load_yaml(path)
        except LoadError as exc:
            problems.append(exc.diagnostic)
            continue
        procedure, diagnostics = check_document(loaded)
        problems += [d for d in diagnostics if d.is_error]  # a procedure with errors fails the trace
        if procedure is None:
            continue
        documents.append((procedure, loaded))
    result = tracing.build_report(articles, documents, problems)
    lang_ = language(lang)
    if as_json:
        shown = tracing.to_json(result, lang_)
        click.echo(to_json({"checked": project.label(), **shown} if not paths else shown, indent=2))
    else:
        text = tracing.format_text(result, lang_, only_missing=only_missing)
        say(_scoped(text, project.label()) if not paths else text, nl=False)
    if not result.complete:
        click.get_current_context().exit(errors.EXIT_FINDINGS)


def _project_sources(project: Project) -> Path:
    """The project's clause index (the bundled one outside any project)."""
    if project.bundled or project.sources is None:
        return bundled_sources()
    shipped = data_dir("sources").resolve()
    return bundled_sources() if project.sources.resolve() == shipped else project.sources


# test: scenarios of procedures, with transition coverage ---------------------------------------


@click.command("test", context_settings=CONTEXT)
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
@bundled_option
def test_(
    paths: tuple[str, ...],
    dirs: tuple[str, ...],
    min_coverage: float | None,
    all_languages: bool,
    as_json: bool,
    bundled: bool,
) -> None:
    """Run scenario files (default: the project's scenarios) and report transition coverage.

    Each scenario plays answers, moves and skips on a procedure in memory and compares the
    path, final state, outcome and recorded answers with what it expects. Without PATH the
    project's scenarios run (see `procflow where`; the bundled ones outside any project or with
    --bundled) and the coverage counts every procedure of the set, a procedure with errors
    failing the run; with PATH, the procedures the scenarios run.
    """
    from procflow.engine.authoring import suite as testing  # the runtime: not imported by `validate`

    project = _project(paths, bundled)
    report = testing.run_paths(list(paths), dirs, project=project)
    if as_json:
        shown = testing.to_json(report)
        click.echo(to_json({"checked": project.label(), **shown} if not paths else shown, indent=2))
    else:
        text = testing.format_text(report, min_coverage=min_coverage, all_languages=all_languages)
        say(_scoped(text, project.label()) if not paths else text, nl=False)
    if not report.ok(min_coverage=min_coverage, all_languages=all_languages):
        click.get_current_context().exit(errors.EXIT_FINDINGS)
