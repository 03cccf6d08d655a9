"""The interactive run: the operator led through an instance, prompt by prompt, each step saved
by the Desk as it is taken.

Inside a step the operator may type `back` (the previous question, its answer ready to edit),
`fix` (correct an answer of an earlier step, as `procflow correct` does), `?` (the keys) or `q`
(pause); a leading backslash types such a word as an answer. Every
confirmed answer, ticked item and skip passes through `_confirmed`. Text that would carry a
control character or an escape sequence into the record is refused and asked again. Asks and
checks what is typed through a `Screen`; it never opens a store, prints JSON or picks an exit
code (that is `terminal.runs`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from procflow.engine.base.errors import IllegalMoveError, InvalidAnswerError, ProcflowError
from procflow.engine.base.safetext import refusal, visible
from procflow.engine.desk.instances import Desk, Opened
from procflow.engine.model.fields import prompt_hint
from procflow.engine.runtime.answers import echo_answer, parse_answer
from procflow.terminal import deadlines
from procflow.terminal.drafted import Keeper
from procflow.terminal.screen import Paused, Screen

YES = frozenset({"", "y", "yes", "ok", "是", "好", "對"})
YES_OPTIONAL = frozenset({"y", "yes", "ok", "是", "好", "對"})
NO = frozenset({"n", "no", "否", "不"})
SKIP = frozenset({"s", "skip", "略過", "略"})
# Words that are keys, not answers, at every prompt; `\` before one types it as an answer.
HELP = frozenset({"?", "？", "help", "說明"})
BACK = frozenset({"back", "返回", "上一題"})
PAUSE = frozenset({"q", "quit", "pause", "暫停", "離開"})
FIX = frozenset({"fix", "correct", "更正"})
ESCAPE = "\\"
REFUSED = {  # why typed text cannot be recorded, by `Refusal.kind`
    "sequence": "term.refused_sequence",
    "control": "term.refused_control",
    "bidi": "term.refused_bidi",
    "encoding": "term.refused_encoding",
}


class Entry(NamedTuple):
    """One question of the current step: a checklist item to confirm or a field to answer."""

    kind: Literal["item", "field"]
    key: str  # the item's id or the field's name
    subject: Any  # its ItemView or QuestionView
    number: str = ""  # "2. " before an item when the list has several


@dataclass
class Given:
    """What the operator confirmed in the current step, not yet saved: the step's arguments,
    and what was typed for each entry (put back in for editing when the operator goes back)."""

    check: list[str] = field(default_factory=list)
    skip: dict[str, str] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    typed: dict[str, str] = field(default_factory=dict)

    def forget(self, entry: Entry) -> None:
        """The entry asked again: what was given for it no longer counts."""
        if entry.kind == "item":
            self.check = [i for i in self.check if i != entry.key]
            self.skip.pop(entry.key, None)
        else:
            self.answers.pop(entry.key, None)


class Back(Exception):
    """The operator typed `back`."""


def interactive(desk: Desk, opened: Opened, screen: Screen) -> bool:
    """Lead the operator through the instance; True when it ended (finished or cancelled),
    False when a state cannot be left. EndOfInput, Paused and KeyboardInterrupt pass through."""
    screen.clock = desk.clock
    screen.fix = lambda: _fix(desk, opened, screen)
    while opened.status == "open":
        view = opened.view()
        screen.state(view, opened.id, desk.clock())
        desk.authorise(opened)  # a state of a role the operator lacks: ask why before the work, not after
        keep = Keeper(desk, opened)  # every confirmation below is kept at once; a resume shows them
        keep.show(view, screen)
        given = _step(view, opened, desk, screen, keep)
        if view.kind in ("routes", "final", "use") and not (
            given.check or given.skip or given.answers or view.items or view.questions
        ):
            if not view.can_continue:
                screen.error(screen.w("run.blocked", why="; ".join(view.blockers)))
                return False
            _key(screen, opened, screen.style(screen.w("run.go_on"), dim=True), back="term.back_first")
        try:
            _stepped(desk, opened, screen, answers=given.answers, check=given.check, skip=given.skip)
        except InvalidAnswerError as exc:  # checked as typed, so rare: show it and ask again
            screen.error(screen.refusal(exc))
            continue
        except IllegalMoveError as exc:  # e.g. no automatic route holds
            screen.error(screen.refusal(exc))
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


def _stepped(desk: Desk, opened: Opened, screen: Screen, **step: Any) -> int:
    """One step through the desk; a breach it recorded is announced at once."""
    recorded = desk.step(opened, **step)
    if recorded:
        found = deadlines.breaches(desk.store.events(opened.id)[-recorded:])
        screen.breaches(found)
    return recorded


def _confirmed(keep: Keeper, given: Given, entry: Entry, value: Any, typed: str) -> None:
    """The operator confirmed `entry`: `value` is "check", ("skip", reason), None (an optional
    item or question left) or the answer. Every confirmation of a step passes here once, in
    the order given (going back and confirming again passes here again), and is kept at once
    as a draft of the step (`terminal.drafted`)."""
    given.forget(entry)
    given.typed[entry.key] = typed
    if entry.kind == "item":
        if value == "check":
            given.check.append(entry.key)
            keep.check(entry.key)
        elif isinstance(value, tuple):
            given.skip[entry.key] = value[1]
            keep.skip(entry.key, value[1])
    elif value is not None:
        given.answers[entry.key] = value
        # the moment itself, not `明天 9:00`, which would mean another day when resumed
        keep.answer(entry.key, str(value))


def _step(view: Any, opened: Opened, desk: Desk, screen: Screen, keep: Keeper) -> Given:
    """Every open item, then every unanswered question of the state, with `back` between them;
    what the drafts of this step already hold is given, not asked again."""
    kept = keep.given
    given = Given(check=list(kept.checked), skip=dict(kept.skipped), answers=dict(kept.answers))
    todo = [i for i in view.items if i.status == "open" and i.id not in (*given.check, *given.skip)]
    entries = [
        Entry("item", item.id, item, f"{n}. " if len(view.items) > 1 else "")
        for n, item in enumerate(view.items, 1)
        if item in todo
    ]
    entries += [
        Entry("field", q.field, q)
        for q in view.questions
        if q.answer is None and q.field not in given.answers
    ]
    index = 0
    while index < len(entries):
        entry = entries[index]
        try:
            if entry.kind == "item":
                value, typed = _item(entry, screen, opened, given.typed.get(entry.key, ""))
            else:
                value, typed = _question(entry, view, opened, desk, screen, given.typed.get(entry.key, ""))
        except Back:
            if index == 0:
                screen.error(screen.w("term.back_first"))
            index = max(index - 1, 0)
            continue
        _confirmed(keep, given, entry, value, typed)
        index += 1
    return given


def _key(
    screen: Screen,
    opened: Opened,
    prompt: str,
    *,
    default: str = "",
    choices: Any = (),
    history: Any = (),
    back: str | None = None,
    allow: str = "",
) -> str:
    """One reply that is not a key: `?` shows the keys and asks again, `q` pauses, `back`
    raises Back (or, with `back` a message key, says why it cannot); a reply that cannot be
    recorded is refused and asked again (with `default` put in again); a leading backslash
    is dropped."""
    while True:
        raw = screen.ask(prompt, default=default, choices=choices, history=history)
        word = raw.casefold()
        if word in HELP:
            for line in screen.w("term.help", id=opened.id).splitlines():
                screen.out("   " + screen.style(line, dim=True))
        elif word in PAUSE:
            raise Paused
        elif word in FIX and screen.fix is not None:
            screen.fix()  # then the same question again
        elif word in BACK:
            if back is None:
                raise Back
            screen.error(screen.w(back))
        else:
            found = refusal(raw, allow=allow)
            if found is None:
                return raw[1:] if raw.startswith(ESCAPE) else raw
            screen.error(screen.w(REFUSED[found.kind], shown=found.shown))


def _fix(desk: Desk, opened: Opened, screen: Screen) -> None:
    """`fix`: correct an answer of an earlier step without leaving the run. Which one (by
    number, label or id), the corrected value, the reason; saved as `procflow correct` saves it
    (the original stays in the history, the route taken stands) and said the same way. An
    empty reply at any of the three corrects nothing."""
    from procflow.engine.desk.audit import answers_of  # only when the operator asks for it
    from procflow.engine.desk.corrections import correct
    from procflow.engine.desk.naming import namer
    from procflow.terminal.corrections import said

    given = answers_of(desk.store.events(opened.id))
    if not given:
        screen.error(screen.w("term.fix_none"))
        return
    names = namer(opened, desk.lang, screen.ids)
    fields = list(given)
    choices = [(str(n), name, names.field(name, None)) for n, name in enumerate(fields, 1)]
    for number, name, label in choices:
        screen.out(f"   {number}. {label} = {names.value(name, given[name], None)}")
    picked = screen.ask("   " + screen.w("term.fix_which"), choices=choices).strip()
    chosen = next((name for number, name, label in choices if picked in (number, name, label)), None)
    if chosen is None:
        screen.error(screen.w("term.fix_unknown" if picked else "term.fix_nothing", typed=visible(picked)))
        return
    value = screen.ask("   " + screen.w("correct.ask", field=names.field(chosen, None))).strip()
    reason = screen.ask("   " + screen.w("term.fix_reason")).strip() if value else ""
    if not value or not reason:
        screen.error(screen.w("term.fix_nothing"))
        return
    try:
        done = correct(desk, opened, chosen, value, reason)
    except ProcflowError as exc:  # a refused value, a role not held, a conflict: nothing saved
        screen.error(screen.refusal(exc))
        return
    for line in said(screen, names, done):
        screen.out("   " + line)


def _item(entry: Entry, screen: Screen, opened: Opened, before: str) -> tuple[Any, str]:
    item = entry.subject
    while True:
        key = "run.confirm_optional" if item.optional else "run.confirm"
        reply = _key(screen, opened, "   " + screen.w(key, n=entry.number), default=before)
        word = reply.lower()
        before = ""
        if word in SKIP:
            try:
                reason = ""
                while not reason:
                    reason = _key(screen, opened, "     " + screen.w("run.reason") + ":", allow="\t")
            except Back:  # from the reason, back to the item it is for
                continue
            return ("skip", reason), reply
        if word in (YES_OPTIONAL if item.optional else YES):
            return "check", reply
        if item.optional and word in NO | {""}:
            return None, reply
        help_key = "run.optional_help" if item.optional else "run.confirm_help"
        screen.error(screen.w("run.required_item") if word in NO else f"'{reply}': {screen.w(help_key)}")


def _question(
    entry: Entry, view: Any, opened: Opened, desk: Desk, screen: Screen, before: str
) -> tuple[Any, str]:
    question = entry.subject
    fld = opened.session.procedures[view.procedure].fields[question.field]
    hint = [prompt_hint(question.type, screen.lang)]
    if fld.default == "now":
        hint.append(screen.w("answer.default_now"))
    elif not question.required:
        hint.append(screen.w("run.optional"))
    screen.out(
        " " + screen.style("? " + question.label, bold=True) + screen.style(f" ({', '.join(hint)})", dim=True)
    )
    if question.help:
        screen.out("   " + screen.style(question.help, dim=True))
    for choice in question.choices:
        screen.out(f"     {choice.number}. {visible(choice.label)}")
    choices = [(str(c.number), c.id, c.label) for c in question.choices]
    earlier = [] if screen.plain else _earlier(desk, opened, question.field)  # for ↑ in the editor
    while True:
        raw = _key(
            screen,
            opened,
            "   >",
            default=before,
            choices=choices,
            history=earlier,
            allow="\t" if question.type == "text" else "",
        )
        before = ""
        if not raw and not question.required and fld.default is None:  # `default: now` answers Enter
            return None, raw
        try:
            now = desk.clock()
            value = parse_answer(fld, raw, tz=now.tzinfo, now=now)
        except InvalidAnswerError as exc:
            screen.error(screen.refusal(exc))
            continue
        echo = echo_answer(fld, raw, value, screen.lang)  # `明天 9:00` said back in full
        if echo is not None:
            screen.out("     " + screen.style(echo, dim=True))
        return (value if echo is not None else raw), raw


def _earlier(desk: Desk, opened: Opened, name: str) -> list[str]:
    """Earlier answers to this field in this instance (a state visited again), oldest first.
    Only this instance's: other instances' answers may be another person's details (pii)."""
    found: list[str] = []
    for event in desk.store.events(opened.id):
        value = (event.answers or {}).get(name)
        if value is not None and str(value) not in found:
            found.append(str(value))
    return found


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
    # e.g. a refill every 15 minutes, or a visitors' book entry kept open: marked done while waiting here
    recurring = view.recurrences + view.follow_ups
    done = {("d" if len(recurring) == 1 else f"d{n}"): due for n, due in enumerate(recurring, 1)}
    for key, due in done.items():
        screen.out(f"   {key}. {screen.w('run.done', text=visible(due.text))}")
    choices = [(str(n), m.id, m.label) for n, m in enumerate(moves, 1)]
    while True:
        raw = _key(
            screen,
            opened,
            "   " + screen.w("run.choose", n=len(moves)) + " >",
            choices=choices,
            back="term.back_saved",
        )
        if raw in done:
            _stepped(desk, opened, screen, done=[done[raw].id])
            return True
        chosen = _pick(raw, moves)
        if chosen is None:
            screen.error(screen.w("run.bad_choice", raw=raw))
            continue
        try:
            _stepped(desk, opened, screen, move=chosen.id)
        except IllegalMoveError as exc:
            screen.error(screen.refusal(exc))
            continue
        return True


def _pick(raw: str, moves: list[Any]) -> Any:
    if raw.isdigit() and 1 <= int(raw) <= len(moves):
        return moves[int(raw) - 1]
    return next((m for m in moves if raw in (m.id, m.label)), None)
