"""The first prompt of an interactive run on a terminal, drawn while the line editor loads: the
keys typed meanwhile wait in the terminal, unechoed, for the editor to read them.

Loading prompt_toolkit takes about as long as everything before the first prompt; an operator
should not wait for it to see the question. The prompt is written as the editor will draw it,
the terminal is set not to echo nor gather lines (Ctrl-C still interrupts), and when the editor
is ready the cursor goes back to the line's start so the editor draws the same prompt over
it, with what was typed. Only the standard library; never reads a key itself.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click


@contextmanager
def typed_ahead(prompt: str, *, color: bool) -> Iterator[None]:
    """Show `prompt` (and keep keys typed from now on for the line editor) while the body runs."""
    click.echo(prompt, nl=False, color=color)
    try:
        import termios

        fd = sys.stdin.fileno()
        before = termios.tcgetattr(fd)
    except (ImportError, OSError, ValueError):  # not a POSIX terminal: nothing to hold
        yield
        return
    held = list(before)
    held[3] = before[3] & ~(termios.ECHO | termios.ICANON)  # lflags: no echo, byte by byte
    termios.tcsetattr(fd, termios.TCSANOW, held)
    try:
        yield
    finally:
        # TCSANOW, not TCSAFLUSH: the keys typed meanwhile stay in the input for the editor
        termios.tcsetattr(fd, termios.TCSANOW, before)
        click.echo("\r", nl=False)  # the editor draws the prompt again, from the line's start
