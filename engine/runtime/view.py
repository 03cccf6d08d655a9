"""What the current state of an instance asks of the operator, as plain frozen data (named
tuples: a tenth of the cost of frozen dataclasses to define, paid before the first prompt).

Text is picked in one language with the frame's parameters filled in; every move says whether
it can be taken now and, if not, why. Building a View changes nothing and prints nothing;
`cli.py` decides how it looks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from procflow.engine.base.messages import message
from procflow.engine.model.guard import GuardError, parse_guard
from procflow.engine.model.procedure import DeadlineKind, Item, Note, Phrase, Procedure, State, Text
from procflow.engine.model.text import render
from procflow.engine.runtime.answers import Value, show_answer
from procflow.engine.runtime.machine import CompiledMachine, Condition
from procflow.engine.runtime.state import DueEntry, Frame, Scalar, Snapshot, Status


class ItemView(NamedTuple):
    id: str
    text: str
    optional: bool
    status: str  # open | checked | skipped
    reason: str | None = None  # why it was skipped
    note: str | None = None
    source: str | None = None
    waiting: bool = False  # `after: ask`, and a required question of the state is unanswered


class PhraseView(NamedTuple):
    text: str
    note: str | None = None
    source: str | None = None


class ChoiceView(NamedTuple):
    number: int  # 1-based, what an operator may type instead of the id
    id: str
    label: str


class QuestionView(NamedTuple):
    field: str
    type: str
    label: str
    required: bool
    choices: tuple[ChoiceView, ...] = ()
    answer: Value | None = None  # typed, as stored; None while unanswered
    shown: str = ""  # the answer as people read it
    help: str = ""
    pii: bool = False


class MoveView(NamedTuple):
    id: str
    to: str
    label: str
    allowed: bool
    why: tuple[str, ...] = ()  # why it is not allowed now


class RouteView(NamedTuple):
    to: str
    guard: str | None  # None: the `otherwise` route
    holds: bool


class DueView(NamedTuple):
    id: str
    kind: DeadlineKind
    due: str | None  # ISO time; None while its anchor (a date-time answer) is unknown
    every: float | None
    text: str
    state: str


class Caller(NamedTuple):
    """A procedure below the current one on the stack, waiting in its `use` state."""

    procedure: str
    title: str
    state: str
    state_title: str


class View(NamedTuple):
    status: Status
    procedure: str
    procedure_title: str
    state: str
    path_name: str  # the state qualified by its callers' `use` states, as in the path
    title: str
    role: str | None
    role_title: str
    source: str | None
    kind: str  # moves | routes | final | use | end: how this state is left
    steps: int  # states entered so far
    remaining: int | None  # fewest states from here to an end of this procedure
    callers: tuple[Caller, ...]
    items: tuple[ItemView, ...]
    phrases: tuple[PhraseView, ...]
    questions: tuple[QuestionView, ...]
    notes: tuple[str, ...]
    due: tuple[DueView, ...]
    moves: tuple[MoveView, ...]
    routes: tuple[RouteView, ...]
    blockers: tuple[str, ...]  # what must be done before the state can be left
    can_continue: bool  # `advance()` with nothing more would leave the state
    outcome: str | None  # of a finished instance; of the sub-procedure just returned in a `use` state
    caller_due: tuple[DueView, ...] = ()  # due times of the `use` states below: they run on meanwhile
    follow_ups: tuple[DueView, ...] = ()  # kept from states already left, each by its key, until done

    @property
    def recurrences(self) -> tuple[DueView, ...]:
        """The recurrences of this state an operator can mark done (`advance(done=[id])`)."""
        return tuple(d for d in self.due if d.kind == "every" and d.due is not None)


_CONDITIONS: dict[str, Condition] = {}  # guards of items and phrases, parsed once per text


def applies(part: Item | Phrase, frame: Frame) -> bool:
    """Whether a checklist item or phrase applies now: it has no `when`, or its guard holds over
    the frame's parameters and answers (a guard that does not parse never holds)."""
    if part.when is None:
        return True
    condition = _CONDITIONS.get(part.when)
    if condition is None:
        try:
            condition = Condition(parse_guard(part.when))
        except GuardError:
            return False
        if len(_CONDITIONS) < 4096:
            _CONDITIONS[part.when] = condition
    return condition({**frame["params"], **frame["answers"]})


def unanswered(state: State, frame: Frame) -> list[str]:
    """The required questions of `state` still without an answer."""
    answers = frame["answers"]
    return [q.field for q in state.ask if q.required and answers.get(q.field) is None]


def requirements(state: State, frame: Frame) -> list[str]:
    """What is missing before `state` can be left, one phrase each (empty: nothing)."""
    if not state.ask and not state.do:
        return []
    checked, skipped = frame["checked"], frame["skipped"]
    unmet = [f"question {name!r} is not answered" for name in unanswered(state, frame)]
    unmet += [
        f"item {item.id!r} is not checked"
        for item in state.do
        if not item.optional and item.id not in checked and item.id not in skipped and applies(item, frame)
    ]
    return unmet


def requirements_said(procedure: Procedure, state: State, frame: Frame, lang: str, ids: bool) -> list[str]:
    """What `requirements` says, in `lang`: each question by its label, each item by its text
    (and their ids with `--ids`)."""
    found = []
    for name in unanswered(state, frame):
        label = procedure.fields[name].label
        found.append(_said_name("refused.unanswered", label.get(lang) if label else "", name, lang, ids))
    for item in state.do:
        if (
            not item.optional
            and item.id not in (*frame["checked"], *frame["skipped"])
            and applies(item, frame)
        ):
            text = render(item.text, lang, frame["params"])
            found.append(_said_name("refused.unchecked", text, item.id, lang, ids))
    return found


def _said_name(key: str, title: str, ident: str, lang: str, ids: bool) -> str:
    shown = title or ident
    return message(lang, key, name=shown) + (f" ({ident})" if ids and shown != ident else "")


def build_view(
    snapshot: Snapshot, procedures: Mapping[str, Procedure], machine: CompiledMachine, lang: str
) -> View:
    frames = snapshot["frames"]
    frame = frames[-1]
    procedure = procedures[frame["procedure"]]
    state = procedure.states[frame["state"]]
    params = frame["params"]
    values = {**params, **frame["answers"]}
    blockers = tuple(requirements(state, frame))
    # a text may name a field: `{field}` shows its answer as people read it, or a dash
    filled = {
        **params,
        **{
            name: show_answer(field, frame["answers"].get(name))
            if frame["answers"].get(name) is not None
            else "—"
            for name, field in procedure.fields.items()
            if name not in params
        },
    }
    is_open = snapshot["status"] == "open"
    if not is_open:
        blockers = (f"the instance is {snapshot['status']}",)

    def text(value: Text | None) -> str:
        return render(value, lang, filled)

    def note(value: Note | None) -> str | None:
        return None if value is None else text(value.text)

    moves = tuple(
        MoveView(
            m.id,
            m.to,
            text(m.label) or m.id,
            allowed=not blockers and (m.when is None or machine.guard(m.when)(values)),
            why=blockers
            + (
                () if m.when is None or machine.guard(m.when)(values) else (f"the guard {m.when!r} is false",)
            ),
        )
        for m in state.moves
    )
    routes = tuple(RouteView(c.to, c.guard, c.holds) for c in machine.check_routes(state.name, values))
    kind = _kind(state, frame)
    if kind == "use" and frame["returned"] is not None:
        blockers += (
            f"the sub-procedure ended with outcome {frame['returned']!r}, which this state does not route",
        )
    can_continue = not blockers and (
        kind in ("final", "use") or (kind == "routes" and any(r.holds for r in routes))
    )
    return View(
        status=snapshot["status"],
        procedure=procedure.id,
        procedure_title=text(procedure.title),
        state=state.name,
        path_name=">".join(f["state"] for f in frames),
        title=text(state.title) or state.name,
        role=state.role,
        role_title=text(procedure.roles.get(state.role)) if state.role else "",
        source=state.source,
        kind=kind,
        steps=snapshot["steps"],
        remaining=machine.distance.get(state.name),
        callers=tuple(_caller(f, procedures, lang) for f in frames[:-1]),
        items=tuple(
            ItemView(
                item.id,
                text(item.text),
                item.optional,
                "checked"
                if item.id in frame["checked"]
                else "skipped"
                if item.id in frame["skipped"]
                else "open",
                frame["skipped"].get(item.id),
                note(item.note),
                item.source,
                item.after == "ask" and bool(unanswered(state, frame)),
            )
            for item in state.do
            if applies(item, frame)
        ),
        phrases=tuple(
            PhraseView(text(p.text), note(p.note), p.source) for p in state.say if applies(p, frame)
        ),
        questions=tuple(
            _question(procedure, q.field, q.required, frame["answers"].get(q.field), lang, params)
            for q in state.ask
        ),
        notes=tuple(text(n.text) for n in state.notes),
        due=tuple(_due(d, state, lang, filled) for d in frame["due"]),
        caller_due=tuple(
            _due(d, procedures[f["procedure"]].states[f["state"]], lang, f["params"])
            for f in frames[:-1]
            for d in f["due"]
        ),
        moves=moves if is_open else tuple(MoveView(m.id, m.to, m.label, False, blockers) for m in moves),
        routes=routes,
        blockers=blockers,
        can_continue=is_open and can_continue,
        outcome=snapshot["outcome"] if not is_open else frame["returned"],
        follow_ups=tuple(
            DueView(f["key"], f["kind"], f["due"], None, f["text"].get(lang) or f["id"], f["path"])
            for f in snapshot.get("follow_ups", [])
        ),
    )


def _kind(state: State, frame: Frame) -> str:
    if state.final:
        return "final"
    if state.use is not None and frame["returned"] is not None and frame["returned"] in state.outcomes:
        return "use"
    if state.moves:
        return "moves"
    if state.routes:
        return "routes"
    return "use" if state.use is not None else "end"


def _question(
    procedure: Procedure,
    name: str,
    required: bool,
    answer: Value | None,
    lang: str,
    params: Mapping[str, Scalar],
) -> QuestionView:
    field = procedure.fields[name]
    choices = tuple(
        ChoiceView(i, option, render(field.option_labels.get(option), lang, params) or option)
        for i, option in enumerate(field.options, 1)
    )
    return QuestionView(
        field=name,
        type=field.type,
        label=render(field.label, lang, params) or name,
        required=required,
        choices=choices,
        answer=answer,
        shown=show_answer(field, answer),
        help=render(field.help, lang, params),
        pii=field.pii,
    )


def _due(entry: DueEntry, state: State, lang: str, params: Mapping[str, Scalar]) -> DueView:
    deadline = next((d for d in state.due if d.id == entry["id"]), None)
    shown = render(deadline.text, lang, params) if deadline is not None else ""
    return DueView(
        entry["id"], entry["kind"], entry["due"], entry.get("every"), shown or entry["id"], entry["state"]
    )


def _caller(frame: Frame, procedures: Mapping[str, Procedure], lang: str) -> Caller:
    procedure = procedures[frame["procedure"]]
    state = procedure.states[frame["state"]]
    params = frame["params"]
    return Caller(
        procedure.id,
        render(procedure.title, lang, params),
        state.name,
        render(state.title, lang, params) or state.name,
    )
