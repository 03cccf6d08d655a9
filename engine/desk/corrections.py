"""Corrections: an answer already recorded amended after its step, as a `correct` event that keeps
the original in history, says why, and says whether the corrected answer would have routed the
instance elsewhere. Where the instance went stays as it was: it is never silently rewritten.

The service behind `procflow correct`: checks the value like an answer, the person's role like a
step, and saves the event like a step (one transaction, refused if someone changed the instance
first). Reports count nothing from it. Raises engine errors; never prints.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, NamedTuple, cast

from procflow.engine.base.errors import InvalidAnswerError, NotFoundError, ProcflowError
from procflow.engine.base.messages import message
from procflow.engine.desk.instances import Desk, Opened
from procflow.engine.desk.people import titles
from procflow.engine.model.procedure import Field, Procedure
from procflow.engine.model.text import render
from procflow.engine.runtime.answers import Value, parse_answer
from procflow.engine.runtime.journal import SEPARATOR, apply, copy_snapshot, qualified, replay
from procflow.engine.runtime.machine import MOVE_PREFIX, ROUTE, compile_machine
from procflow.engine.runtime.state import Event, make_event
from procflow.engine.store.records import EventRecord


class Correction(NamedTuple):
    """What a correction recorded, and what it would have changed."""

    instance: str
    field: str
    was: Value  # the answer it corrects
    value: Value  # the corrected answer
    reason: str
    state: str  # the qualified state the answer was given in
    seq: int  # the number of the `correct` event
    how: str | None  # how it left that state: route | move (None: it has not, or it ended there)
    taken: str | None  # the state its route entered, or the move the operator took
    rerouted: bool  # the corrected answer would have sent it elsewhere (or not allowed the move)
    would: str | None  # the state the corrected answer's route leads to (None: no route would hold)


def correct(desk: Desk, opened: Opened, field: str, raw: str, reason: str) -> Correction:
    """Record that `field`'s latest answer in the instance should have been `raw`, and why.
    NotFoundError for a field the instance's procedures lack or that was never answered,
    InvalidAnswerError for a value its field refuses (or the answer it already is), RoleError
    when the person lacks the role of the state where it was answered."""
    events = desk.store.events(opened.id)
    index = _last_answer(events, field, opened)
    given = events[index]
    where = str(given.body.get("from") or given.from_state or "")
    procedures = opened.session.procedures
    owner = _procedure_of(procedures, opened.record.procedure_id, where)
    definition = owner.fields[field]
    value = parse_answer(definition, raw, tz=desk.clock().tzinfo)
    latest = next(
        e for e in reversed(events) if e.kind in ("answer", "correct") and field in (e.answers or {})
    )
    was = (latest.answers or {})[field]  # the answer as it stands: the original, or its last correction
    if value == was and type(value) is type(was):
        raise _same(definition, raw, opened.session.snapshot["frames"][-1]["params"])
    visit = (opened.id, -given.seq)  # the answer's own step: an override asked once per correction
    state = where.split(SEPARATOR)[-1]
    named = titles(owner, state) if state in owner.states else (None, None)
    override = desk.gate.reason(given.role, where, visit, named)
    how, taken, rerouted, would = _routing(procedures, events, index, field, value)
    snapshot = opened.session.snapshot
    moment = desk.clock()
    body: dict[str, Any] = dict(
        make_event(
            "correct",
            moment.isoformat(),
            desk.actor,
            given.role,
            {"answers": {field: value}, "from": where, "note": reason},
        )
    )
    body.update(field=field, was=was, answered=given.seq, rerouted=rerouted)
    if how is not None:  # recorded as the fact it is: the correction does not move the instance
        body.update(how=how, taken=taken, would=would)
    if override is not None:
        body["reason"] = override
    after = apply(procedures, copy_snapshot(snapshot), cast(Event, body))
    desk.commit(opened, snapshot, after, [cast(Event, body)], moment)
    return Correction(
        opened.id, field, was, value, reason, where, after["version"], how, taken, rerouted, would
    )


def _same(definition: Field, raw: str, params: Mapping[str, Any]) -> InvalidAnswerError:
    """The refusal of a correction to the answer already recorded: in English with the field's
    id; said to the operator with its label in their language (its id with `--ids`)."""

    def said(lang: str, ids: bool) -> str:
        name = definition.name if ids else render(definition.label, lang, params) or definition.name
        return message(lang, "correct.same", raw=raw, field=name)

    english = f"answer {raw!r} for {definition.name!r} is already the one recorded; nothing to correct"
    return InvalidAnswerError(english, said)


def _last_answer(events: list[EventRecord], field: str, opened: Opened) -> int:
    """The index of the event that holds the latest answer to `field` (an answer or a correction)."""
    for index in range(len(events) - 1, -1, -1):
        if events[index].kind in ("answer", "correct") and field in (events[index].answers or {}):
            if events[index].kind == "correct":  # correct the correction: the answer it amended
                answered = events[index].body.get("answered")
                for back in range(index - 1, -1, -1):
                    if events[back].seq == answered:
                        return back
            return index
    known = sorted({name for p in opened.session.procedures.values() for name in p.fields})
    if field in known:
        raise NotFoundError(f"field '{field}' has no answer in instance '{opened.id}' to correct")
    close = difflib.get_close_matches(field, known, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f" (its fields: {', '.join(known)})"
    raise NotFoundError(f"unknown field '{field}' in instance '{opened.id}'{hint}")


def _procedure_of(procedures: dict[str, Procedure] | Any, entry: str, where: str) -> Procedure:
    """The procedure whose state `where` (qualified: `use_state>child_state`) is."""
    procedure = procedures[entry]
    for name in where.split(SEPARATOR)[:-1]:
        use = procedure.states[name].use
        if use is None:
            break
        procedure = procedures[use.procedure]
    return cast(Procedure, procedure)


def _routing(
    procedures: Any, events: list[EventRecord], index: int, field: str, value: Value
) -> tuple[str | None, str | None, bool, str | None]:
    """How the instance left the state the answer was given in (route, move or None), what it
    took, whether the corrected answer would have changed that, and where its route would lead.
    The log is replayed up to the answer with the corrected value in it, and the state's guards
    tried on what that leaves: what the procedure would have done then."""
    nothing = (None, None, False, None)
    given = events[index]
    bodies = [dict(e.body) for e in events[: index + 1]]
    bodies[-1] = {**bodies[-1], "answers": {**(given.answers or {}), field: value}}
    try:
        snapshot = replay(procedures, bodies)
    except ProcflowError:  # a log this procedure cannot replay any more: no claim about routes
        return nothing
    where = qualified(snapshot)
    left = next(
        (e for e in events[index + 1 :] if e.kind in ("enter", "move", "finish") and e.from_state == where),
        None,
    )
    if left is None or left.kind == "finish":
        return nothing
    frame = snapshot["frames"][-1]
    procedure = procedures[frame["procedure"]]
    values = {**frame["params"], **frame["answers"]}
    machine = compile_machine(procedure, frame["hash"])
    state = frame["state"]
    if left.kind == "move":
        allowed = machine.fire(MOVE_PREFIX + str(left.move), state, values) is not None
        return "move", str(left.move), not allowed, None
    if left.body.get("via") != "route":
        return nothing
    taken = str(left.to_state or "").rsplit(SEPARATOR, 1)[-1]
    target = machine.fire(ROUTE, state, values)
    return "route", taken, target != taken, target
