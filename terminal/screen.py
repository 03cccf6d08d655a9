"""The operator's screen: an instance's current state, a scripted step and its end drawn for a
person, in their language, and one line read back.

Only draws and reads: it never steps an instance or opens a store. Colour only on a terminal
without NO_COLOR.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from typing import Any

import click
from procflow.engine.base.durations import say_duration
from procflow.engine.base.errors import ProcflowError
from procflow.engine.base.messages import message
from procflow.engine.base.safetext import visible
from procflow.engine.desk.instances import Opened
from procflow.engine.runtime.answers import Refusal


def ids_wanted() -> bool:
    """Whether the command was given `--ids` (kept on the root context by its callback)."""
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    return bool(isinstance(obj, dict) and obj.get("ids"))


class EndOfInput(Exception):
    """Standard input ended while a question was open."""


class Screen:
    """Where the operator reads and types: styled lines out, one line in."""

    def __init__(self, lang: str, *, color: bool | None = None, ids: bool | None = None) -> None:
        self.lang = lang
        self.color = sys.stdout.isatty() and "NO_COLOR" not in os.environ if color is None else color
        self.echo_input = not sys.stdin.isatty()  # piped answers appear in the transcript
        self.ids = ids_wanted() if ids is None else ids  # `--ids`: internal ids beside the names

    def refusal(self, exc: ProcflowError) -> str:
        """A refused answer or step in the operator's language, without ids unless `--ids`."""
        return exc.said(self.lang, ids=self.ids) if isinstance(exc, Refusal) else exc.message

    def w(self, key: str, **values: Any) -> str:
        """The message `key` in the operator's language (see `engine.base.messages`)."""
        return message(self.lang, key, **values)

    def style(self, text: str, **how: Any) -> str:
        return click.style(visible(text), **how) if self.color else text

    def out(self, text: str = "") -> None:
        # Without colour the whole line is made inert here; with colour our own styles must
        # survive, so every value from a record or a file is made inert where it is put in.
        click.echo(text if self.color else visible(text), color=self.color)

    def ask(self, prompt: str) -> str:
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
        return text.strip()

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
        for due in (*view.caller_due, *view.due):  # a caller's deadline runs on inside its sub-procedure
            self.out(
                "   "
                + self.style(
                    f"{self.w('run.due')}: {visible(due.text)} · {self._when(due, now)}", fg="yellow"
                )
            )
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
        at = datetime.fromisoformat(due.due)
        at = at.astimezone(now.tzinfo) if at.tzinfo is not None else at  # the desk's clock and zone
        shown = at.strftime("%H:%M" if at.date() == now.date() else "%Y-%m-%d %H:%M")
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
