"""The command registry (`terminal/commands/__init__.py`): every command is registered once with
its real summary, `--help` lists them without importing their modules, running one imports
its module alone."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import click
import pytest
from procflow import cli
from procflow.terminal import commands
from procflow.terminal.commands import COMMANDS, load_command

ROOT = Path(__file__).resolve().parent.parent
FAMILIES = sorted(
    m.name for m in pkgutil.iter_modules(commands.__path__) if m.name != "common"
)  # every module of commands/ but the shared helpers


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_registered_summary_is_the_commands_own_short_help(name: str) -> None:
    command = load_command(name)
    assert command.get_short_help_str(limit=10**6) == COMMANDS[name].summary, (
        f"COMMANDS[{name!r}].summary differs from the first sentence of the command's help"
    )


def _reachable(command: click.Command) -> list[click.Command]:
    below = command.commands.values() if isinstance(command, click.Group) else ()
    return [command, *(c for sub in below for c in _reachable(sub))]


@pytest.mark.parametrize("family", FAMILIES)
def test_every_command_a_module_defines_is_registered(family: str) -> None:
    module = import_module(f"procflow.terminal.commands.{family}")
    registered = [load_command(n) for n, r in COMMANDS.items() if r.module == family]
    known = {id(c) for top in registered for c in _reachable(top)}
    stray = [c.name for c in vars(module).values() if isinstance(c, click.Command) and id(c) not in known]
    assert not stray, f"{module.__name__} defines commands that COMMANDS does not register: {stray}"


def test_the_registry_names_only_modules_that_exist() -> None:
    assert {r.module for r in COMMANDS.values()} <= set(FAMILIES)


def test_help_lists_every_command_and_imports_none_of_their_modules() -> None:
    code = (
        "import sys\nfrom procflow import cli\n"
        "try:\n    cli.cli.main(['--help'], prog_name='procflow')\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('procflow.terminal.commands.')), file=sys.stderr)\n"
    )
    found = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert found.stderr.strip().splitlines()[-1] == "[]"
    listed = found.stdout.split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listed] == sorted(COMMANDS)


def test_running_a_command_imports_its_module_alone() -> None:
    code = (
        "import sys\nfrom procflow import cli\n"
        "try:\n    cli.cli.main(['list', '--help'], prog_name='procflow')\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('procflow.terminal.commands.')), file=sys.stderr)\n"
    )
    found = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert found.stderr.strip().splitlines()[-1] == str(
        ["procflow.terminal.commands.common", "procflow.terminal.commands.procedures"]
    )


def test_the_group_resolves_registered_names_and_refuses_others() -> None:
    ctx = click.Context(cli.cli, info_name="procflow")
    assert cli.cli.list_commands(ctx) == sorted(COMMANDS)
    assert cli.cli.get_command(ctx, "status") is load_command("status")
    assert cli.cli.get_command(ctx, "nosuch") is None
