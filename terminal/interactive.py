"""The interactive run: the operator led through an instance, prompt by prompt, each step saved
by the Desk as it is taken.

Asks and checks what is typed through a `Screen`; it never opens a store, prints JSON or picks
an exit code (that is `terminal.runs`).
"""

from __future__ import annotations

from typing import Any

from procflow.engine.base.errors import IllegalMoveError, InvalidAnswerError
from procflow.engine.base.safetext import unstorable, visible
from procflow.engine.desk.instances import Desk, Opened
from procflow.engine.model.fields import prompt_hint
from procflow.engine.runtime.answers import echo_answer, parse_answer
from procflow.terminal.drafted import Keeper
from procflow.terminal.screen import Screen

YES = frozenset({"", "y", "yes", "ok", "是", "好", "對"})
YES_OPTIONAL = frozenset({"y", "yes", "ok", "是", "好", "對"})
NO = frozenset({"n", "no", "否", "不"})
SKIP = frozenset({"s", "skip", "略過", "略"})


def interactive(desk: Desk, opened: Opened, screen: Screen) -> bool:
    """Lead the operator through the instance; True when it ended (finished or cancelled),
    False when a state cannot be left. EndOfInput and KeyboardInterrupt pass through."""
    while opened.status == "open":
        view = opened.view()
        screen.state(view, opened.id, desk.clock())
        desk.authorise(opened)  # a state of a role the operator lacks: ask why before the work, not after
        keep = Keeper(desk, opened)  # every confirmation below is kept at once; a resume shows them
        keep.show(view, screen)
        check, skip = _items(view, screen, keep)
        answers = _questions(view, opened, desk, screen, keep)
        if view.kind in ("routes", "final", "use") and not (
            check or skip or answers or view.items or view.questions
        ):
            if not view.can_continue:
                screen.error(screen.w("run.blocked", why="; ".join(view.blockers)))
                return False
            screen.ask(screen.style(screen.w("run.go_on"), dim=True))
        try:
            desk.step(opened, answers=answers, check=check, skip=skip)
        except InvalidAnswerError as exc:  # checked as typed, so rare: show it and ask again
            screen.error(screen.refusal(exc))
            continue
        except IllegalMoveError as exc:  # e.g. no automatic route holds
            screen.error(exc.message)
            return False
        after = opened.view()
        if opened.status != "open" or after.steps != view.steps:
            continue
        if after.kind != "moves":
            screen.error(screen.w("run.blocked", why="; ".join(after.blockers) or after.kind))
            return False
        if not _choose(after, opened, desk, screen):
            return False
    screen.end(opened.view())
    return True


def _items(view: Any, screen: Screen, keep: Keeper) -> tuple[list[str], dict[str, str]]:
    check: list[str] = list(keep.given.checked)
    skip: dict[str, str] = dict(keep.given.skipped)
    todo = [(n, i) for n, i in enumerate(view.items, 1) if i.status == "open" and i.id not in (*check, *skip)]
    for number, item in todo:
        label = f"{number}. " if len(view.items) > 1 else ""
        while True:
            key = "run.confirm_optional" if item.optional else "run.confirm"
            reply = screen.ask("   " + screen.w(key, n=label)).lower()
            if reply in SKIP:
                reason = ""
                while not reason:
                    reason = screen.ask("     " + screen.w("run.reason") + ":")
                    why = unstorable(reason, allow="\t")
                    if why is not None:  # bytes in another encoding, a control character: ask again
                        screen.error(f"the reason cannot be recorded: {why}")
                        reason = ""
                skip[item.id] = reason
                keep.skip(item.id, reason)
            elif reply in (YES_OPTIONAL if item.optional else YES):
                check.append(item.id)
                keep.check(item.id)
            elif not (item.optional and reply in NO | {""}):
                help_key = "run.optional_help" if item.optional else "run.confirm_help"
                screen.error(
                    screen.w("run.required_item") if reply in NO else f"'{reply}': {screen.w(help_key)}"
                )
                continue
            break
    return check, skip


def _questions(view: Any, opened: Opened, desk: Desk, screen: Screen, keep: Keeper) -> dict[str, Any]:
    fields = opened.session.procedures[view.procedure].fields
    answers: dict[str, Any] = dict(keep.given.answers)
    for question in view.questions:
        if question.answer is not None or question.field in answers:
            continue
        field = fields[question.field]
        hint = [prompt_hint(question.type, screen.lang)]
        if field.default == "now":
            hint.append(screen.w("answer.default_now"))
        elif not question.required:
            hint.append(screen.w("run.optional"))
        screen.out(
            " "
            + screen.style("? " + question.label, bold=True)
            + screen.style(f" ({', '.join(hint)})", dim=True)
        )
        if question.help:
            screen.out("   " + screen.style(question.help, dim=True))
        for choice in question.choices:
            screen.out(f"     {choice.number}. {visible(choice.label)}")
        while True:
            raw = screen.ask("   >")
            if not raw and not question.required and field.default is None:  # `default: now` answers Enter
                break
            try:
                now = desk.clock()
                value = parse_answer(field, raw, tz=now.tzinfo, now=now)
            except InvalidAnswerError as exc:
                screen.error(screen.refusal(exc))
                continue
            echo = echo_answer(field, raw, value, screen.lang)  # `明天 9:00` said back in full
            if echo is not None:
                screen.out("     " + screen.style(echo, dim=True))
            answers[question.field] = value if echo is not None else raw
            # the moment itself, not `明天 9:00`, which would mean another day when resumed
            keep.answer(question.field, str(value) if echo is not None else raw)
            break
    return answers


def _choose(view: Any, opened: Opened, desk: Desk, screen: Screen) -> bool:
    moves = list(view.moves)
    if not any(m.allowed for m in moves):
        screen.error(screen.w("run.blocked", why="; ".join(w for m in moves for w in m.why) or "-"))
        return False
    screen.out(" " + screen.style(screen.w("run.next"), bold=True))
    for number, move in enumerate(moves, 1):
        line = f"   {number}. {visible(move.label)}"
        if not move.allowed:  # why names guards and ids: shown with --ids only
            why = screen.w("run.not_now", why="; ".join(move.why)) if screen.ids else screen.w("run.not_yet")
            line += "  " + screen.style("(" + why + ")", dim=True)
        screen.out(line)
    recurring = view.recurrences  # e.g. a refill every 15 minutes: marked done while waiting here
    done = {("d" if len(recurring) == 1 else f"d{n}"): due for n, due in enumerate(recurring, 1)}
    for key, due in done.items():
        screen.out(f"   {key}. {screen.w('run.done', text=visible(due.text))}")
    while True:
        raw = screen.ask("   " + screen.w("run.choose", n=len(moves)) + " >")
        if raw in done:
            desk.step(opened, done=[done[raw].id])
            return True
        chosen = _pick(raw, moves)
        if chosen is None:
            screen.error(screen.w("run.bad_choice", raw=raw))
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
