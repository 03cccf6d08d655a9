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


# --- entry point --------------------------------------------------------------------------


def main() -> None:
    """The console script."""
    cli.main(prog_name="procflow")


if __name__ == "__main__":
    main()
