"""The operator's screen: an instance's current state drawn for a person, and the prompts of
`procflow run` / `resume` (interactive, or driven by an answers file).

Only `cli.py` calls this; it talks to the terminal through click and to instances through
`procflow.engine.desk.instances.Desk`. Colour only on a terminal without NO_COLOR. Saving is the Desk's job.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

import click
from procflow.engine.base.errors import IllegalMoveError, InvalidAnswerError
from procflow.engine.desk.instances import Desk, Opened
from procflow.engine.model.fields import prompt_hint
from procflow.engine.runtime.script import Script
from procflow.engine.store import open_store

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
YES = frozenset({"", "y", "yes", "ok", "是", "好", "對"})
YES_OPTIONAL = frozenset({"y", "yes", "ok", "是", "好", "對"})
NO = frozenset({"n", "no", "否", "不"})
SKIP = frozenset({"s", "skip", "略過", "略"})


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
            from procflow.engine.base.durations import format_duration

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


# --- the interactive run ----------------------------------------------------------------------


def interactive(desk: Desk, opened: Opened, screen: Screen) -> bool:
    """Lead the operator through the instance; True when it ended (finished or cancelled),
    False when a state cannot be left. EndOfInput and KeyboardInterrupt pass through."""
    while opened.status == "open":
        view = opened.view()
        screen.state(view, opened.id, desk.clock())
        desk.authorise(opened)  # a state of a role the operator lacks: ask why before the work, not after
        check, skip = _items(view, screen)
        answers = _questions(view, opened, desk, screen)
        if view.kind in ("routes", "final", "use") and not (
            check or skip or answers or view.items or view.questions
        ):
            if not view.can_continue:
                screen.error(screen.w("blocked", why="; ".join(view.blockers)))
                return False
            screen.ask(screen.style(screen.w("go_on"), dim=True))
        try:
            desk.step(opened, answers=answers, check=check, skip=skip)
        except InvalidAnswerError as exc:  # checked as typed, so rare: show it and ask again
            screen.error(exc.message)
            continue
        except IllegalMoveError as exc:  # e.g. no automatic route holds
            screen.error(exc.message)
            return False
        after = opened.view()
        if opened.status != "open" or after.steps != view.steps:
            continue
        if after.kind != "moves":
            screen.error(screen.w("blocked", why="; ".join(after.blockers) or after.kind))
            return False
        if not _choose(after, opened, desk, screen):
            return False
    screen.end(opened.view())
    return True


def _items(view: Any, screen: Screen) -> tuple[list[str], dict[str, str]]:
    check: list[str] = []
    skip: dict[str, str] = {}
    todo = [(n, i) for n, i in enumerate(view.items, 1) if i.status == "open"]
    for number, item in todo:
        label = f"{number}. " if len(view.items) > 1 else ""
        while True:
            key = "confirm_optional" if item.optional else "confirm"
            reply = screen.ask("   " + screen.w(key, n=label)).lower()
            if reply in SKIP:
                reason = ""
                while not reason:
                    reason = screen.ask("     " + screen.w("reason") + ":")
                skip[item.id] = reason
            elif reply in (YES_OPTIONAL if item.optional else YES):
                check.append(item.id)
            elif not (item.optional and reply in NO | {""}):
                help_key = "optional_help" if item.optional else "confirm_help"
                screen.error(screen.w("required_item") if reply in NO else f"'{reply}': {screen.w(help_key)}")
                continue
            break
    return check, skip


def _questions(view: Any, opened: Opened, desk: Desk, screen: Screen) -> dict[str, Any]:
    from procflow.engine.runtime.answers import parse_answer

    fields = opened.session.procedures[view.procedure].fields
    answers: dict[str, Any] = {}
    for question in view.questions:
        if question.answer is not None:
            continue
        hint = [prompt_hint(question.type, screen.lang)]
        if not question.required:
            hint.append(screen.w("optional"))
        screen.out(
            " "
            + screen.style("? " + question.label, bold=True)
            + screen.style(f" ({', '.join(hint)})", dim=True)
        )
        if question.help:
            screen.out("   " + screen.style(question.help, dim=True))
        for choice in question.choices:
            screen.out(f"     {choice.number}. {choice.label}")
        while True:
            raw = screen.ask("   >")
            if not raw and not question.required:
                break
            try:
                parse_answer(fields[question.field], raw, tz=desk.clock().tzinfo)
            except InvalidAnswerError as exc:
                screen.error(exc.message)
                continue
            answers[question.field] = raw
            break
    return answers


def _choose(view: Any, opened: Opened, desk: Desk, screen: Screen) -> bool:
    moves = list(view.moves)
    if not any(m.allowed for m in moves):
        screen.error(screen.w("blocked", why="; ".join(w for m in moves for w in m.why) or "-"))
        return False
    screen.out(" " + screen.style(screen.w("next"), bold=True))
    for number, move in enumerate(moves, 1):
        line = f"   {number}. {move.label}"
        if not move.allowed:
            line += "  " + screen.style("(" + screen.w("not_now", why="; ".join(move.why)) + ")", dim=True)
        screen.out(line)
    recurring = view.recurrences  # e.g. a refill every 15 minutes: marked done while waiting here
    done = {("d" if len(recurring) == 1 else f"d{n}"): due for n, due in enumerate(recurring, 1)}
    for key, due in done.items():
        screen.out(f"   {key}. {screen.w('done', text=due.text)}")
    while True:
        raw = screen.ask("   " + screen.w("choose", n=len(moves)) + " >")
        if raw in done:
            desk.step(opened, done=[done[raw].id])
            return True
        chosen = _pick(raw, moves)
        if chosen is None:
            screen.error(screen.w("bad_choice", raw=raw))
            continue
        try:
            desk.step(opened, move=chosen.id)
        except IllegalMoveError as exc:
            screen.error(exc.message)
            continue
        return True


def _pick(raw: str, moves: list[Any]) -> Any:
    if raw.isdigit() and 1 <= int(raw) <= len(moves):
        return moves[int(raw) - 1]
    return next((m for m in moves if raw in (m.id, m.label)), None)


# --- a scripted run ---------------------------------------------------------------------------


def scripted(desk: Desk, opened: Opened, script: Script, screen: Screen | None) -> str | None:
    """Play an answers file until the instance ends; what is missing when it stops short."""
    from procflow.engine.runtime.driver import MAX_STEPS, Driver, Missing

    driver = Driver(script.answers, script.moves, script.skip)
    for _ in range(MAX_STEPS):
        if opened.status != "open":
            break
        view = opened.view()
        if screen is not None:
            screen.state(view, opened.id, desk.clock())
        plan = driver.plan(view)
        if isinstance(plan, Missing):
            _progress(desk, opened, view, script)
            return plan.what
        if screen is not None:
            screen.played(view, plan.answers, plan.check, plan.skip, plan.move)
        if desk.step(opened, answers=plan.answers, check=plan.check, skip=plan.skip, move=plan.move) == 0:
            return f"way out of state {view.path_name!r} ({'; '.join(view.blockers) or view.kind})"
    else:
        return f"end: the script took {MAX_STEPS} steps without reaching one"
    if screen is not None:
        screen.end(opened.view())
    return None


def _progress(desk: Desk, opened: Opened, view: Any, script: Script) -> None:
    """Before stopping short, save what the file does give for this step (items, single answers)."""
    answers = {
        q.field: script.answers[q.field]
        for q in view.questions
        if q.answer is None and not isinstance(script.answers.get(q.field, []), list)
    }
    items = [i.id for i in view.items if i.status == "open"]
    skip = {i: script.skip[i] for i in items if i in script.skip}
    check = [i for i in items if i not in skip]
    if answers or check or skip:
        desk.step(opened, answers=answers, check=check, skip=skip)


def result(opened: Opened, answers: Callable[[], dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """The JSON object that ends `run`, `resume` and `step` with --json (keys in docs/cli.md)."""
    snapshot = opened.session.snapshot
    view = opened.view()
    data = {
        "instance": opened.id,
        "procedure": snapshot["procedure"],
        "state": view.path_name,
        "status": snapshot["status"],
        "outcome": snapshot["outcome"],
        "version": snapshot["version"],
        "path": list(snapshot["path"]),
        "answers": answers(),
        "waiting_for": list(view.blockers) if snapshot["status"] == "open" else [],
        "moves": [m.id for m in view.moves if m.allowed],
    }
    data.update(extra)
    return data


# --- the commands' bodies (cli.py declares the options) -----------------------------------------


def open_desk(
    db: str | None,
    actor: str | None,
    lang: str | None,
    dirs: tuple[str, ...] = (),
    site: Any = None,
    override: str | None = None,
    ask: bool = False,
) -> Desk:
    """The store (`--db`, PROCFLOW_DB, the per-user data directory) and who acts, in which language,
    under the site's parameters and people; `override` is a reason given with --override, and
    `ask` lets an interactive run ask for one where the operator lacks a state's role."""
    from procflow.engine.base import environment

    desk = Desk(
        open_store(db),
        actor=environment.actor(actor),
        lang=environment.language(lang),
        dirs=dirs,
        site=site,
        override=override,
    )
    if ask:
        screen = Screen(desk.lang)

        def reason(refusal: str) -> str | None:
            screen.error(refusal)
            try:
                return screen.ask("   " + screen.w("override") + " >")
            except EndOfInput:  # no reason given: the step is refused
                return None

        desk.gate.ask = reason
    return desk


def override_reasons(
    override: bool, skips: tuple[str, ...], reasons: tuple[str, ...]
) -> tuple[str | None, tuple[str, ...]]:
    """`--override` and `--reason` as given: (the override's reason, the reasons left for --skip).

    With --override the first --reason is the override's; one --reason alone also serves every
    --skip. Without --override every --reason belongs to the --skip items."""
    from procflow.engine.base.errors import UsageError
    from procflow.engine.desk.people import check_override_reason

    if not override:
        return None, reasons
    if not reasons:
        raise UsageError("--override needs --reason TEXT saying why the step is taken anyway")
    if len(reasons) == 1:
        return check_override_reason(reasons[0]), reasons if skips else ()
    if len(reasons) != len(skips) + 1:
        raise UsageError(
            f"--override with {len(skips)} --skip takes one --reason for all, or one for the "
            f"override and one per --skip; got {len(reasons)}"
        )
    return check_override_reason(reasons[0]), reasons[1:]


def start(desk: Desk, ref: str) -> Opened:
    """A new instance; a procedure with errors starts nothing and its findings are shown."""
    from procflow.engine.desk.instances import InvalidProcedureError

    try:
        return desk.start(ref)
    except InvalidProcedureError as exc:
        from procflow.engine.output import diagnostics as report

        shown = report.format_text(exc.diagnostics, files=1, sources=report.source_lines(exc.diagnostics))
        click.echo(shown, err=True, nl=False)
        raise


def drive(desk: Desk, opened: Opened, script: Script | None, as_json: bool) -> int:
    """Run or resume: interactive, or from an answers file; the exit code. The instance stays
    open whenever the run stops short, and the command that resumes it is printed."""
    from procflow.engine.base.errors import EXIT_FINDINGS, EXIT_INTERRUPTED, ProcflowError
    from procflow.engine.desk.audit import answers_of

    screen = Screen(desk.lang)
    for notice in opened.notices:
        click.echo(f"procflow: note: {notice}", err=True)
    if not (as_json and script is not None):
        screen.instance(opened)
    stopped: dict[str, Any] = {"stopped": None, "missing": None, "error": None}
    code = 0
    failure: ProcflowError | None = None
    try:
        if script is not None:
            missing = scripted(desk, opened, script, None if as_json else screen)
            if missing is not None:
                stopped.update(stopped="missing", missing=missing)
                click.echo(f"procflow: the answers file has no {missing}", err=True)
                code = EXIT_FINDINGS
        elif not interactive(desk, opened, screen):
            stopped["stopped"], code = "blocked", EXIT_FINDINGS
    except EndOfInput:
        click.echo(f"procflow: {screen.w('input_ended')}", err=True)
        stopped["stopped"], code = "input_ended", EXIT_FINDINGS
    except KeyboardInterrupt:
        click.echo(f"\nprocflow: {screen.w('interrupted')}", err=True)
        stopped["stopped"], code = "interrupted", EXIT_INTERRUPTED
    except ProcflowError as exc:
        failure, code = exc, exc.exit_code
        stopped.update(stopped="error", error={"code": exc.exit_code, "message": exc.message})
        opened = _reread(desk, opened)
    if opened.status == "open":
        click.echo("procflow: " + screen.w("open", id=opened.id, state=opened.view().path_name), err=True)
    if as_json:
        data = result(opened, lambda: answers_of(desk.store.events(opened.id)), **stopped)
        click.echo(_json(data))
    if failure is not None:
        raise failure
    return code


def _reread(desk: Desk, opened: Opened) -> Opened:
    """After a refused step, the instance as the store has it (someone else may have moved it)."""
    try:
        return desk.open(opened.id)
    except Exception:  # the store itself failed: keep what we had; the error is reported anyway
        return opened


def step_once(
    desk: Desk,
    instance: str,
    sets: tuple[str, ...],
    checks: tuple[str, ...],
    skips: tuple[str, ...],
    reasons: tuple[str, ...],
    move: str | None,
    note: str | None,
    as_json: bool,
    done: tuple[str, ...] = (),
) -> None:
    """`procflow step`: one non-interactive step, then what the instance waits for now."""
    from procflow.engine.base.errors import ProcflowError, UsageError
    from procflow.engine.desk.audit import answers_of

    answers: dict[str, str] = {}
    for pair in sets:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--set '{pair}' is not FIELD=VALUE")
        answers[name.strip()] = value
    if reasons and not skips:
        raise UsageError("--reason goes with --skip ITEM or --override")
    if skips and not reasons:
        raise UsageError("--skip ITEM needs --reason TEXT")
    if skips and len(reasons) not in (1, len(skips)):
        raise UsageError(f"{len(skips)} --skip need one --reason for all or one each; got {len(reasons)}")
    skip = {item: reasons[0] if len(reasons) == 1 else reasons[n] for n, item in enumerate(skips)}
    opened = desk.open(desk.store.resolve(instance, desk.actor))
    for notice in opened.notices:
        click.echo(f"procflow: note: {notice}", err=True)
    events = lambda: answers_of(desk.store.events(opened.id))  # noqa: E731 - read only if needed
    try:
        recorded = desk.step(
            opened, answers=answers, check=checks, skip=skip, move=move, note=note, done=done
        )
    except ProcflowError as exc:
        if as_json:  # the last line is still the instance, as stored, with the refusal
            opened = _reread(desk, opened)
            click.echo(
                _json(
                    result(opened, events, recorded=0, error={"code": exc.exit_code, "message": exc.message})
                )
            )
        raise
    if as_json:
        click.echo(_json(result(opened, events, recorded=recorded, error=None)))
        return
    screen = Screen(desk.lang)
    screen.instance(opened)
    if opened.status == "open":
        screen.state(opened.view(), opened.id, desk.clock())
        view = opened.view()
        if view.kind == "moves":
            screen.out(
                " "
                + screen.style(screen.w("next"), bold=True)
                + ": "
                + ", ".join(f"{m.id} ({m.label})" for m in view.moves)
            )
    else:
        screen.end(opened.view())


def cancel(desk: Desk, instance: str, reason: str, as_json: bool) -> None:
    opened = desk.open(desk.store.resolve(instance, desk.actor))
    desk.cancel(opened, reason)
    if as_json:
        click.echo(
            _json(
                {
                    "instance": opened.id,
                    "status": opened.status,
                    "state": opened.view().path_name,
                    "reason": reason.strip(),
                }
            )
        )
    else:
        click.echo(f"{opened.id}: {Screen(desk.lang).w('cancelled')} ({reason.strip()})")


def hand_over(desk: Desk, instance: str, to: str, note: str | None, as_json: bool) -> None:
    """`procflow handoff`: pass the instance on, then say whose it is now."""
    opened = desk.open(desk.store.resolve(instance, desk.actor))
    target = desk.handoff(opened, to, note)
    record = opened.record
    if as_json:
        click.echo(
            _json(
                {
                    "instance": opened.id,
                    "to": target.name,
                    "target": target.kind,
                    "owner": record.owner,
                    "assignee": record.assignee,
                    "version": opened.version,
                }
            )
        )
    else:
        screen = Screen(desk.lang)
        click.echo(screen.w("handed", id=opened.id, kind=screen.w(target.kind), name=target.name))


def _json(data: Any) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
