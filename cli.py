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
            click.echo(f"procflow: internal error: {type(exc).__name__}: {exc} (rerun with --traceback)", err=True)
            ctx.exit(errors.EXIT_INTERNAL)


@click.group(cls=ProcflowGroup, context_settings=CONTEXT)
@click.version_option(package_name="procflow", prog_name="procflow")
@click.option("--traceback", is_flag=True, help="Show the full traceback of an internal error.")
@click.pass_context
def cli(ctx: click.Context, traceback: bool) -> None:
    """Standard operating procedures as checked, executable state machines."""
    ctx.obj = {"traceback": traceback}


# --- commands -----------------------------------------------------------------------------
# Each command lives below, in the order of `procflow --help`. Keep the bodies thin: parse
# options, call the engine, format, exit.


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--format", "format_", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
    help="Output: readable text, a JSON object, or GitHub Actions annotations.",
)
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option(
    "--max-bytes", type=click.IntRange(min=1), default=1 << 20, show_default=True, metavar="N",
    help="Refuse files larger than N bytes.",
)
@click.option("--no-cache", is_flag=True, help="Check every file again instead of reusing earlier results.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes for large sets (default: one per core).")
def validate(
    paths: tuple[str, ...], format_: str, strict: bool, max_bytes: int, no_cache: bool, jobs: int | None
) -> None:
    """Check procedure files and directories (default: the bundled procedures).

    Exit 0 when clean, 1 when there are findings (warnings only with --strict), 2 on usage errors.
    """
    from engine import report
    from engine.validate import validate_paths

    result = validate_paths(paths, max_bytes=max_bytes, jobs=jobs, use_cache=not no_cache)
    sources = report.source_lines(result.diagnostics) if format_ == "text" else None
    formatter = report.FORMATS[format_]
    click.echo(formatter(result.diagnostics, files=len(result.files), sources=sources), nl=False)
    if result.failed(strict=strict):
        click.get_current_context().exit(errors.EXIT_FINDINGS)


# --- entry point --------------------------------------------------------------------------


def main() -> None:
    """The console script."""
    cli.main(prog_name="procflow")


if __name__ == "__main__":
    main()
