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
from procflow.engine.base.durations import format_duration
from procflow.engine.desk.instances import Opened

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "instance": "instance {id}",
        "step": "step {n}",
        "remaining": "at least {n} more to the end",
        "source": "source",
        "due": "due",
        "by": "by {t}",
        "every": "every {d}, next by {t}",
        "unknown": "when {text} is known",
        "do": "Do",
        "say": "Say",
        "notes": "Note",
        "confirm": "{n}done? [Enter = yes, s = skip]",
        "confirm_optional": "{n}done? [y = yes, Enter = no, s = skip]",
        "required_item": "this item is required: confirm it, or skip it with a reason",
        "confirm_help": "Enter or y when it is done, s to skip it with a reason",
        "optional_help": "y when it is done, Enter if not, s to skip it with a reason",
        "reason": "reason for skipping",
        "optional": "optional, Enter leaves it unanswered",
        "bool": "y/n",
        "datetime": "e.g. 2026-03-07 09:30",
        "duration": "e.g. 15 minutes",
        "next": "Next",
        "choose": "choose 1-{n}",
        "not_now": "not now: {why}",
        "bad_choice": "'{raw}' is not one of the numbers or move ids above",
        "go_on": "press Enter to go on",
        "finished": "finished · outcome: {outcome}",
        "cancelled": "cancelled",
        "blocked": "this step cannot be left: {why}",
        "open": "instance {id} stays open at '{state}'; continue with: procflow resume {id}",
        "input_ended": "input ended",
        "interrupted": "interrupted",
        "answered": "answered",
        "done": "done: {text}",
        "override": "reason to act anyway, recorded (Enter stops here)",
        "handed": "instance {id} is now with {kind} {name}",
        "person": "person",
        "role": "role",
        "yes": "yes",
        "no": "no",
    },
    "zh-Hant": {
        "instance": "實例 {id}",
        "step": "第 {n} 步",
        "remaining": "距結束至少 {n} 步",
        "source": "依據",
        "due": "時限",
        "by": "{t} 前",
        "every": "每{d},下次 {t} 前",
        "unknown": "待「{text}」確定",
        "do": "執行",
        "say": "話術",
        "notes": "說明",
        "confirm": "{n}完成了嗎?[Enter=是, s=略過]",
        "confirm_optional": "{n}完成了嗎?[y=是, Enter=否, s=略過]",
        "required_item": "此項必須完成:請確認,或註明原因後略過",
        "confirm_help": "完成請按 Enter 或 y;要略過請按 s 並說明原因",
        "optional_help": "完成請按 y;未做按 Enter;要略過請按 s 並說明原因",
        "reason": "略過原因",
        "optional": "可不答,按 Enter 略過",
        "bool": "y/n",
        "datetime": "例 2026-03-07 09:30",
        "duration": "例 15 minutes",
        "next": "下一步",
        "choose": "請選 1-{n}",
        "not_now": "暫不可選:{why}",
        "bad_choice": "「{raw}」不是上列的編號或選項代號",
        "go_on": "按 Enter 繼續",
        "finished": "已完成 · 結果:{outcome}",
        "cancelled": "已取消",
        "blocked": "此步驟無法離開:{why}",
        "open": "實例 {id} 保持開啟,停在「{state}」;繼續請執行:procflow resume {id}",
        "input_ended": "輸入已結束",
        "interrupted": "已中斷",
        "answered": "已回答",
        "done": "已完成:{text}",
        "override": "仍要執行的原因,將被記錄(按 Enter 停止)",
        "handed": "實例 {id} 已交給{kind} {name}",
        "person": "人員",
        "role": "角色",
        "yes": "是",
        "no": "否",
    },
}


class EndOfInput(Exception):
    """Standard input ended while a question was open."""


class Screen:
    """Where the operator reads and types: styled lines out, one line in."""

    def __init__(self, lang: str, *, color: bool | None = None) -> None:
        self.lang = lang
        self.words = WORDS.get(lang, WORDS["en"])
        self.color = sys.stdout.isatty() and "NO_COLOR" not in os.environ if color is None else color
        self.echo_input = not sys.stdin.isatty()  # piped answers appear in the transcript

    def w(self, key: str, **values: Any) -> str:
        return self.words[key].format(**values)

    def style(self, text: str, **how: Any) -> str:
        return click.style(text, **how) if self.color else text

    def out(self, text: str = "") -> None:
        click.echo(text, color=self.color)

    def ask(self, prompt: str) -> str:
        # A terminal echoes what is typed after the space; piped answers are echoed here, so
        # the screen reads as a transcript (with no space left dangling after an empty answer).
        click.echo(prompt + ("" if self.echo_input else " "), nl=False, color=self.color)
        line = sys.stdin.readline()
        if not line:
            click.echo()
            raise EndOfInput
        text = line.rstrip("\r\n")
        if self.echo_input:
            click.echo(" " + text if text else "")
        return text.strip()

    # --- drawing ---------------------------------------------------------------------------

    def instance(self, opened: Opened) -> None:
        snapshot = opened.session.snapshot
        self.out(self.style(f"{self.w('instance', id=opened.id)} · {snapshot['procedure']}", dim=True))

    def state(self, view: Any, instance: str, now: datetime) -> None:
        crumbs = [c.title for c in view.callers] + [view.procedure_title, view.title]
        self.out()
        self.out(self.style("── " + " › ".join(crumbs) + " ──", bold=True))
        meta = []
        if view.role_title:
            meta.append(view.role_title)
        meta.append(self.w("step", n=view.steps))
        if view.remaining:
            meta.append(self.w("remaining", n=view.remaining))
        self.out("   " + self.style(" · ".join(meta), dim=True))
        if view.source:
            self.out("   " + self.style(f"{self.w('source')}: {view.source}", dim=True))
        for due in (*view.caller_due, *view.due):  # a caller's deadline runs on inside its sub-procedure
            self.out("   " + self.style(f"{self.w('due')}: {due.text} · {self._when(due, now)}", fg="yellow"))
        for note in view.notes:
            self.out(f"   {self.w('notes')}: {note}")
        if view.items:
            self.out(" " + self.style(self.w("do"), bold=True))
            for number, item in enumerate(view.items, 1):
                mark = {"checked": "[x]", "skipped": "[-]"}.get(item.status, "[ ]")
                self.out(f"   {mark} {number}. {item.text}")
                if item.note:
                    self.out("          " + self.style(item.note, dim=True))
        if view.phrases:
            self.out(" " + self.style(self.w("say"), bold=True))
            for phrase in view.phrases:  # the words to say, set apart: a bar and colour
                self.out("   " + self.style("┃ " + phrase.text, fg="cyan", bold=True))
                if phrase.note:
                    self.out("     " + self.style(phrase.note, dim=True))

    def _when(self, due: Any, now: datetime) -> str:
        if due.due is None:
            return self.w("unknown", text=due.text)
        at = datetime.fromisoformat(due.due)
        at = at.astimezone(now.tzinfo) if at.tzinfo is not None else at  # the desk's clock and zone
        shown = at.strftime("%H:%M" if at.date() == now.date() else "%Y-%m-%d %H:%M")
        if due.every:
            return self.w("every", d=format_duration(due.every), t=shown)
        return self.w("by", t=shown)

    def played(
        self, view: Any, answers: dict[str, Any], check: list[str], skip: dict[str, str], move: str | None
    ) -> None:
        """What a scripted step gives, under the state it answers."""
        numbers = {item.id: n for n, item in enumerate(view.items, 1)}
        if check:  # the items were listed just above: their numbers are enough
            self.out("   [x] " + ", ".join(str(numbers.get(item, item)) for item in check))
        for item, reason in skip.items():
            self.out(f"   [-] {numbers.get(item, item)}. ({reason})")
        questions = {q.field: q for q in view.questions}
        for name, value in answers.items():
            question = questions.get(name)
            label = question.label if question else name
            self.out(f"   ? {label} > {self._shown(question, value)}")
        if move is not None:
            label = next((m.label for m in view.moves if m.id == move), move)
            self.out(f"   {self.w('next')} > {label}")

    def _shown(self, question: Any, value: Any) -> str:
        """A scripted answer as the operator would have typed it: a choice by its label, yes/no."""
        if question is None:
            return str(value)
        if question.type == "choice":
            for choice in question.choices:
                if str(value) in (choice.id, str(choice.number), choice.label):
                    return str(choice.label)
        if question.type == "bool" and isinstance(value, bool):
            return self.w("yes" if value else "no")
        return str(value)

    def error(self, message: str) -> None:
        self.out("   " + self.style("! " + message, fg="red"))

    def end(self, view: Any) -> None:
        if view.status == "finished":
            self.out(self.style("✔ " + self.w("finished", outcome=view.outcome), fg="green", bold=True))
        elif view.status == "cancelled":
            self.out(self.style(self.w("cancelled"), fg="yellow", bold=True))
