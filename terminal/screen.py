"""The operator's screen: an instance's current state, a scripted step and its end drawn for a
person, in their language, wrapped to the terminal's width, and one line read back (edited with
prompt_toolkit on a terminal, read plainly from a pipe).

Only draws and reads: it never steps an instance or opens a store. Colour only on a terminal
without NO_COLOR.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click
from procflow.engine.base.durations import say_duration
from procflow.engine.base.errors import ProcflowError
from procflow.engine.base.messages import message
from procflow.engine.base.safetext import visible
from procflow.engine.desk.agenda import shown_due
from procflow.engine.desk.instances import Opened
from procflow.terminal import deadlines
from procflow.terminal.typeahead import typed_ahead
from procflow.terminal.wrap import error_width, screen_width, wrap

if TYPE_CHECKING:
    from procflow.terminal.prompt import KeyReader


def ids_wanted() -> bool:
    """Whether the command was given `--ids` (kept on the root context by its callback)."""
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    return bool(isinstance(obj, dict) and obj.get("ids"))


class EndOfInput(Exception):
    """Standard input ended while a question was open."""


class Paused(Exception):
    """The operator paused the run (`q`): the instance stays open where it is."""


def on_terminal() -> bool:
    """Whether both standard input and output are a terminal: the line editor's condition."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def key_reader(lang: str) -> KeyReader | None:
    """prompt_toolkit's line editor when both ends are a terminal; None: the plain line reader,
    so piped scripts and transcripts read lines as they come. Imported only here, at the first
    question of an interactive run on a terminal (while that question is already on screen:
    `terminal.typeahead`)."""
    if not on_terminal():
        return None
    from procflow.terminal.prompt import KeyReader

    return KeyReader(lang)


class Screen:
    """Where the operator reads and types: styled lines out, one line in."""

    def __init__(self, lang: str, *, color: bool | None = None, ids: bool | None = None) -> None:
        self.lang = lang
        self.color = sys.stdout.isatty() and "NO_COLOR" not in os.environ if color is None else color
        self.echo_input = not sys.stdin.isatty()  # piped answers appear in the transcript
        self.width = screen_width()
        self.keys: KeyReader | None = None
        self._keys_chosen = False
        # the deadlines of the state on screen, read against the desk's clock at every prompt
        self.clock: Callable[[], datetime] | None = None
        self.fix: Callable[[], None] | None = None  # `fix` at a prompt: the run's correction (interactive.py)
        self.dues: tuple[Any, ...] = ()
        self._late: set[int] = set()  # which of `dues` were announced late
        self.ids = ids_wanted() if ids is None else ids  # `--ids`: internal ids beside the names

    def refusal(self, exc: ProcflowError) -> str:
        """A refused answer or step in the operator's language, without ids unless `--ids`."""
        return exc.said(self.lang, ids=self.ids)

    def w(self, key: str, **values: Any) -> str:
        """The message `key` in the operator's language (see `engine.base.messages`)."""
        return message(self.lang, key, **values)

    def style(self, text: str, **how: Any) -> str:
        return click.style(visible(text), **how) if self.color else text

    def tell(self, text: str, *, before: str = "") -> None:
        """`procflow: text` on standard error; on a terminal wrapped under its text, so that a
        word (an instance id, the command that resumes it) is never cut at the screen's edge."""
        line = visible("procflow: " + text)
        click.echo(before + "\n".join(wrap(line, error_width(), hang=" " * len("procflow: "))), err=True)

    def out(self, text: str = "") -> None:
        # Without colour the whole line is made inert here; with colour our own styles must
        # survive, so every value from a record or a file is made inert where it is put in.
        shown = text if self.color else visible(text)
        if self.width is not None:
            shown = "\n".join(part for line in shown.split("\n") for part in wrap(line, self.width))
        click.echo(shown, color=self.color)

    def ask(
        self,
        prompt: str,
        *,
        default: str = "",
        choices: Sequence[tuple[str, str, str]] = (),
        history: Sequence[str] = (),
    ) -> str:
        """One line from the operator. `default` is put in for editing (going back); `choices`
        (number, id, label) complete with Tab; `history` is what ↑ brings back. On a terminal
        prompt_toolkit edits the line, with the keys and the deadlines in its bottom toolbar."""
        self._announce_late()
        if not self._keys_chosen and on_terminal():
            # the question on screen at once; the editor loads behind it and reads what is typed
            with typed_ahead((prompt if self.color else visible(prompt)) + " " + default, color=self.color):
                self.editing  # noqa: B018  (loads the line editor)
        if self.editing and self.keys is not None:
            try:
                return self.keys.read(
                    prompt,
                    default=default,
                    choices=choices,
                    history=history,
                    toolbar=self.toolbar,
                    live=any(due.due is not None for due in self.dues),
                )
            except EOFError:  # Ctrl-D on an empty line
                raise EndOfInput from None
        if default:
            self.out("   " + self.style(self.w("term.was", value=visible(default)), dim=True))
        # A terminal echoes what is typed after the space; piped answers are echoed here, so
        # the screen reads as a transcript (with no space left dangling after an empty answer).
        shown = prompt if self.color else visible(prompt)
        click.echo(shown + ("" if self.echo_input else " "), nl=False, color=self.color)
        line = sys.stdin.readline()
        if not line:
            click.echo()
            raise EndOfInput
        text = line.rstrip("\r\n")
        if self.echo_input:
            click.echo(" " + visible(text) if text else "")
        return text.strip() or default

    @property
    def plain(self) -> bool:
        """Whether lines are read plainly (known from the first question on; until then, not)."""
        return self._keys_chosen and self.keys is None

    @property
    def editing(self) -> bool:
        """Whether lines are read with the line editor (chosen at the first question)."""
        if not self._keys_chosen:
            self.keys, self._keys_chosen = key_reader(self.lang), True
        return self.keys is not None

    # --- deadlines while the operator works ---------------------------------------------------

    def toolbar(self) -> str:
        """The bottom line on a terminal: each deadline's time left, live, then the keys."""
        parts = []
        if self.clock is not None:  # first: what the operator must not miss
            now = self.clock()
            parts += [deadlines.left(due, now, self.lang) for due in self.dues if due.due is not None]
        return " · ".join([*parts, self.w("term.toolbar")])

    def _announce_late(self) -> None:
        """A deadline of this state passed since it was drawn: say so once, before the prompt."""
        if self.clock is None or not self.dues:
            return
        now = self.clock()
        for number, due in enumerate(self.dues):
            if number in self._late or not deadlines.passed(due, now):
                continue
            self._late.add(number)
            self.error(deadlines.left(due, now, self.lang))

    def breaches(self, found: Sequence[dict[str, Any]]) -> None:
        """Breaches the last step recorded, announced at once."""
        names = {due.id: due.text for due in self.dues}  # the state just left: its deadlines
        for breach in found:
            self.error(
                self.w(
                    "term.breach",
                    deadline=visible(str(names.get(breach["deadline"], breach["deadline"]))),
                    late=deadlines.span(float(breach.get("late") or 0), self.lang),
                )
            )

    # --- drawing ---------------------------------------------------------------------------

    def instance(self, opened: Opened) -> None:
        snapshot = opened.session.snapshot
        self.out(
            self.style(
                f"{self.w('run.instance', id=opened.id)} · {visible(self._named(opened, snapshot))}", dim=True
            )
        )

    def _named(self, opened: Opened, snapshot: Any) -> str:
        """The procedure by its title in the operator's language; with `--ids` its id beside it."""
        procedure_id = str(snapshot["procedure"])
        title = opened.view().procedure_title if snapshot["frames"] else ""
        if not title:
            return procedure_id
        return f"{title} ({procedure_id})" if self.ids else title

    def state(self, view: Any, instance: str, now: datetime) -> None:
        crumbs = [visible(c.title) for c in view.callers] + [
            visible(view.procedure_title),
            visible(view.title),
        ]
        self.out()
        self.out(self.style("── " + " › ".join(crumbs) + " ──", bold=True))
        meta = []
        if view.role_title:
            meta.append(view.role_title)
        meta.append(self.w("run.step", n=view.steps))
        if view.remaining:
            meta.append(self.w("run.remaining", n=view.remaining))
        self.out("   " + self.style(" · ".join(meta), dim=True))
        if view.source:
            self.out("   " + self.style(f"{self.w('run.source')}: {visible(view.source)}", dim=True))
        dues = (*view.caller_due, *view.due)  # a caller's deadline runs on inside its sub-procedure
        if dues != self.dues:  # another state: what is late already was shown as it was drawn
            self._late = {n for n, d in enumerate(dues) if deadlines.passed(d, now)}
        self.dues = dues
        for due in dues:
            when = self._when(due, now)
            if due.due is not None and not due.every:
                when += " · " + deadlines.left(due, now, self.lang, named=False)
            self.out("   " + self.style(f"{self.w('run.due')}: {visible(due.text)} · {when}", fg="yellow"))
        for note in view.notes:
            self.out(f"   {self.w('run.notes')}: {visible(note)}")
        if view.items:
            self.out(" " + self.style(self.w("run.do"), bold=True))
            for number, item in enumerate(view.items, 1):
                mark = {"checked": "[x]", "skipped": "[-]"}.get(item.status, "[ ]")
                self.out(f"   {mark} {number}. {visible(item.text)}")
                if item.note:
                    self.out("          " + self.style(item.note, dim=True))
        if view.phrases:
            self.out(" " + self.style(self.w("run.say"), bold=True))
            for phrase in view.phrases:  # the words to say, set apart: a bar and colour
                self.out("   " + self.style("┃ " + phrase.text, fg="cyan", bold=True))
                if phrase.note:
                    self.out("     " + self.style(phrase.note, dim=True))

    def _when(self, due: Any, now: datetime) -> str:
        if due.due is None:
            return self.w("run.unknown", text=visible(due.text))
        shown = shown_due(due, now).at  # the desk's clock and zone, as the agenda and the web show it
        if due.every:
            return self.w("run.every", d=say_duration(due.every, self.lang), t=shown)
        return self.w("run.by", t=shown)

    def played(
        self, view: Any, answers: dict[str, Any], check: list[str], skip: dict[str, str], move: str | None
    ) -> None:
        """What a scripted step gives, under the state it answers."""
        numbers = {item.id: n for n, item in enumerate(view.items, 1)}
        if check:  # the items were listed just above: their numbers are enough
            self.out("   [x] " + ", ".join(str(numbers.get(item, item)) for item in check))
        for item, reason in skip.items():
            self.out(visible(f"   [-] {numbers.get(item, item)}. ({reason})"))
        questions = {q.field: q for q in view.questions}
        for name, value in answers.items():
            question = questions.get(name)
            label = question.label if question else name
            self.out(visible(f"   ? {label} > {self._shown(question, value)}"))
        if move is not None:
            label = next((m.label for m in view.moves if m.id == move), move)
            self.out(visible(f"   {self.w('run.next')} > {label}"))

    def _shown(self, question: Any, value: Any) -> str:
        """A scripted answer as the operator would have typed it: a choice by its label, yes/no."""
        if question is None:
            return str(value)
        if question.type == "choice":
            for choice in question.choices:
                if str(value) in (choice.id, str(choice.number), choice.label):
                    return str(choice.label)
        if question.type == "bool" and isinstance(value, bool):
            return self.w("run.yes" if value else "run.no")
        return str(value)

    def error(self, message: str) -> None:
        self.out("   " + self.style("! " + message, fg="red"))

    def end(self, view: Any) -> None:
        if view.status == "finished":
            # the outcome by the title of the state that ended the run; an untitled end is not named
            # by its id (`--ids` shows the id)
            named = view.title if view.title != view.state else ""
            if self.ids and view.outcome:
                named = f"{named} ({view.outcome})" if named else str(view.outcome)
            line = self.w("run.finished", outcome=named) if named else self.w("status.finished")
            self.out(self.style("✔ " + line, fg="green", bold=True))
        elif view.status == "cancelled":
            self.out(self.style(self.w("run.cancelled"), fg="yellow", bold=True))
