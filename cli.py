"""The `procflow` command: the click group, its error policy and the entry point.

The subcommands live in `commands/` (one module per family) and are registered here; with
`terminal.console.py` and `terminal.listings.py` they are the only code that talks to the terminal. Each command
imports what it needs when it runs, so `procflow --help` stays fast; engine errors become one
line and an exit code here, in ProcflowGroup, and nowhere else.
"""

from __future__ import annotations

from typing import Any

import click
from procflow.engine.base import errors
from procflow.terminal.commands.common import CONTEXT


class ProcflowGroup(click.Group):
    """A group that maps every error to one line and the exit code of `engine.base.errors`."""

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


def _register() -> None:
    from procflow.terminal.commands import accountability, agenda, checking, desk, procedures, records

    for family in (checking, procedures, desk, records, agenda, accountability):
        for command in family.COMMANDS:
            cli.add_command(command)


_register()


# --- entry point --------------------------------------------------------------------------


def main() -> None:
    """The console script."""
    cli.main(prog_name="procflow")


if __name__ == "__main__":
    main()
