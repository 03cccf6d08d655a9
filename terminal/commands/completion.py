"""`procflow completion bash|zsh|fish`: the script a shell sources to complete procflow.

Commands and options complete from click; procedure and instance ids from
`terminal.completing`. Prints the script only.
"""

from __future__ import annotations

import click
from procflow.terminal.commands import CONTEXT

SHELLS = ("bash", "zsh", "fish")
VARIABLE = "_PROCFLOW_COMPLETE"  # click's `_{PROG}_COMPLETE`: set by the script the shell sources


@click.command(context_settings=CONTEXT)
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the shell completion script for SHELL (bash, zsh or fish).

    It completes commands, options, procedure ids and the ids of open instances. Install it once:
    bash `eval "$(procflow completion bash)"` in ~/.bashrc; zsh `eval "$(procflow completion zsh)"`
    in ~/.zshrc; fish `procflow completion fish > ~/.config/fish/completions/procflow.fish`.
    """
    from click.shell_completion import get_completion_class

    root = click.get_current_context().find_root().command
    found = get_completion_class(shell)
    assert found is not None  # click ships every shell of SHELLS
    click.echo(found(root, {}, "procflow", VARIABLE).source())
