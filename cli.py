"""The `procflow` command: the click group, its error policy and the entry point.

The subcommands live in `terminal/commands/` and are listed in its `COMMANDS` registry: the
group shows them from there and imports a command's module only when that command runs, so
`procflow --help` stays fast. Engine errors become one line and an exit code here, in
ProcflowGroup, and nowhere else.
"""

from __future__ import annotations

from typing import Any

import click
from procflow.engine.base import errors
from procflow.engine.base.safetext import visible
from procflow.terminal.commands import COMMANDS, CONTEXT, load_command


class ProcflowGroup(click.Group):
    """A group that maps every error to one line and the exit code of `engine.base.errors`, and
    loads its commands lazily from the registry (click's documented lazy-group pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.add_command(load_command(cmd_name), cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of --help from the registry's summaries: no command module is imported.
        Each summary is shortened to the line as click shortens a command's own help."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [
            (name, click.Command(name, help=COMMANDS[name].summary).get_short_help_str(limit))
            if name in COMMANDS and name not in self.commands
            else (name, self.commands[name].get_short_help_str(limit))
            for name in names
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[Any]:
        """Command names for the shell (`procflow completion`) from the registry, so that a Tab
        imports no command module; then the group's own options."""
        from click.shell_completion import CompletionItem

        found: list[Any] = [
            CompletionItem(name, help=COMMANDS[name].summary)
            for name in self.list_commands(ctx)
            if name.startswith(incomplete) and name in COMMANDS
        ]
        return found + click.Command.shell_complete(self, ctx, incomplete)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except errors.ProcflowError as exc:
            # in the language of the desk the command opened (`terminal.runs.open_desk`), if any;
            # it may quote what was typed
            click.echo(f"procflow: {visible(said(ctx, exc))}", err=True)
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


def said(ctx: click.Context, exc: errors.ProcflowError) -> str:
    """The error as the operator reads it: in the language of the desk the command opened, by
    names rather than ids (ids with `--ids`); before any desk is opened, its English message."""
    obj = ctx.obj if isinstance(ctx.obj, dict) else {}
    lang = obj.get("lang")
    return exc.said(lang, ids=bool(obj.get("ids"))) if isinstance(lang, str) else exc.message


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


# --- entry point --------------------------------------------------------------------------


def main() -> None:
    """The console script."""
    cli.main(prog_name="procflow")


if __name__ == "__main__":
    main()
