"""`lsp`: the language server for editors, over stdin and stdout.

Only starts `procflow.lsp`; pygls (the optional `[lsp]` extra) is imported here, when the
command runs, so that no other command pays for it or needs it installed.
"""

from __future__ import annotations

import click
from procflow.engine.base.errors import UsageError
from procflow.terminal.commands import CONTEXT


@click.command("lsp", context_settings=CONTEXT)
@click.option("--stdio", is_flag=True, help="Talk over stdin and stdout (the default and only way).")
def lsp(stdio: bool) -> None:
    """Serve procedure files to an editor: a language server over stdin and stdout.

    Diagnostics as `validate` gives them while you type, completion, hover with the source
    clauses, go to definition, references, rename, the outline of states and quick fixes.
    Needs the `lsp` extra: pip install 'procflow[lsp]'. docs/editors.md shows how to set up
    VS Code, Neovim and Helix.
    """
    try:
        from procflow.lsp.server import serve  # pygls: only this command imports it
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").partition(".")[0]
        if missing not in ("pygls", "lsprotocol", "cattrs", "attrs"):
            raise
        raise UsageError(
            f"`procflow lsp` needs {missing}, which is not installed; install it with: pip install 'procflow[lsp]'"
        ) from None
    serve()
