"""The line editor of an interactive run on a terminal (prompt_toolkit): arrows, Home/End, word
motions, ↑/↓ through earlier answers to the same field, Tab through a choice's options, editing
that counts a CJK character as two cells, and a bottom toolbar with the keys and the deadlines,
refreshed every second.

Imported only by `terminal.screen.key_reader` when standard input and output are a terminal:
`procflow --help`, `status` and piped runs never load prompt_toolkit. Reads one line; never
decides what it means (that is `terminal.interactive`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import click
from procflow.engine.base.safetext import visible
from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import ANSI
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent


class ChoiceCompleter(Completer):
    """A choice's options, offered by number, id or label: whatever the operator started typing."""

    def __init__(self, choices: Sequence[tuple[str, str, str]]) -> None:
        self.choices = choices

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterator[Completion]:
        typed = document.text_before_cursor.strip().casefold()
        for number, ident, label in self.choices:
            if any(form.casefold().startswith(typed) for form in (number, ident, label)):
                yield Completion(
                    label,
                    start_position=-len(document.text_before_cursor),
                    display=f"{number}. {label}",
                    display_meta=ident,
                )


def _bindings(completer: ChoiceCompleter | None) -> KeyBindings:
    """Tab completes a choice at once when one option fits what is typed (so a fast typist's
    Enter right after it takes the option), and opens the menu of options otherwise."""
    bindings = KeyBindings()
    if completer is None:
        return bindings

    @bindings.add("tab")
    def _complete(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        if buffer.complete_state is not None:
            buffer.complete_next()
            return
        found = list(completer.get_completions(buffer.document, CompleteEvent(completion_requested=True)))
        if len(found) == 1:
            buffer.apply_completion(found[0])
        elif found:
            buffer.start_completion(select_first=False)

    return bindings


class KeyReader:
    """One prompt_toolkit prompt per question, over the terminal or given input and output
    (a test's pipe input); `echo` repeats each accepted line through click, as a transcript."""

    def __init__(self, lang: str, *, input: Any = None, output: Any = None, echo: bool = False) -> None:
        self.lang = lang
        self.input = input
        self.output = output
        self.echo = echo

    def read(
        self,
        prompt: str,
        *,
        default: str = "",
        choices: Sequence[tuple[str, str, str]] = (),
        history: Sequence[str] = (),
        toolbar: Callable[[], str] | None = None,
        live: bool = False,
    ) -> str:
        """One line; `toolbar` gives the bottom line, redrawn every second when `live` (a
        deadline is counting down)."""
        earlier = InMemoryHistory()
        for text in history:
            earlier.append_string(text)
        session: PromptSession[str] = PromptSession(
            history=earlier, input=self.input, output=self.output, erase_when_done=False
        )
        # Ctrl-C raises KeyboardInterrupt and Ctrl-D on an empty line EOFError: the screen decides
        completer = ChoiceCompleter(choices) if choices else None
        text = session.prompt(
            ANSI(prompt + " "),
            default=default,
            completer=completer,
            key_bindings=_bindings(completer),
            complete_while_typing=False,
            bottom_toolbar=(lambda: visible(toolbar())) if toolbar is not None else None,
            refresh_interval=1.0 if live else None,
        )
        if self.echo:
            click.echo(visible(prompt) + (" " + visible(text) if text else ""))
        return text.strip()
