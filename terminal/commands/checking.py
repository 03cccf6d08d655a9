"""Commands for authors and CI: `validate`, `trace` and `test` (scenarios and coverage).

Options, help and exit codes only: the checks themselves are `engine.check` and `engine.authoring`.
"""

from __future__ import annotations

from pathlib import Path

import click
from procflow.engine.authoring import suite as testing
from procflow.engine.authoring import trace as tracing
from procflow.engine.base import errors
from procflow.engine.base.environment import language
from procflow.engine.base.paths import sources_dir as bundled_sources
from procflow.engine.check.files import check_document
from procflow.engine.check.pipeline import collect_paths, validate_paths
from procflow.engine.load.yamlio import LoadError, load_yaml
from procflow.engine.output import diagnostics as report
from procflow.engine.site.sitefile import find_site
from procflow.terminal.commands import CONTEXT
from procflow.terminal.commands.common import DIR_HELP, LANG_HELP, LANGUAGE_CHOICE
from procflow.terminal.inert import inert_json, say, to_json


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
    named = (click.get_current_context().find_root().obj or {}).get("site")
    sites: list[str] = []
    if not paths or named:
        site = find_site(named)
        sites = [str(site)] if site is not None else []
    result = validate_paths(paths, max_bytes=max_bytes, jobs=jobs, use_cache=not no_cache, sites=sites)
    sources = report.source_lines(result.diagnostics) if format_ == "text" else None
    formatter = report.FORMATS[format_]
    shown = formatter(result.diagnostics, files=len(result.files), sources=sources)
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
        click.echo(to_json(tracing.to_json(result, lang_), indent=2))
    else:
        say(tracing.format_text(result, lang_, only_missing=only_missing), nl=False)
    if not result.complete:
        click.get_current_context().exit(errors.EXIT_FINDINGS)


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
    report = testing.run_paths(list(paths), dirs)
    if as_json:
        click.echo(to_json(testing.to_json(report), indent=2))
    else:
        say(testing.format_text(report, min_coverage=min_coverage, all_languages=all_languages), nl=False)
    if not report.ok(min_coverage=min_coverage, all_languages=all_languages):
        click.get_current_context().exit(errors.EXIT_FINDINGS)
