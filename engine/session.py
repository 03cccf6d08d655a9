"""An instance of a procedure being worked through: what to do now, and `advance`.

`start` makes an instance; `Session(procedures, snapshot)` resumes one; `view()` says what the
current state asks for; `advance(...)` records answers, checks, skips and a move and routes on.
Every change is an event dict (see engine/journal.py) and the snapshot is their replay. No
terminal I/O and no clock: time comes in as `now` (the current time only as a default here).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from difflib import get_close_matches
from typing import Any

from engine.answers import Value, parse_answer
from engine.errors import IllegalMoveError, InvalidAnswerError, NotFoundError
from engine.journal import Event, Snapshot, apply, copy_snapshot, make_event, qualified, replay
from engine.machine import MOVE_PREFIX, OUTCOME_PREFIX, ROUTE, CompiledMachine, compile_machine, model_hash
from engine.model import Procedure, State
from engine.text import fill
from engine.view import View, build_view, requirements

__all__ = ["Event", "Session", "Snapshot", "StepResult", "View", "replay", "start", "used_procedures"]

Scalar = str | int | float | bool


@dataclass(frozen=True)
class StepResult:
    """What a step produced: the new snapshot and the events to append, in order."""

    snapshot: Snapshot
    events: list[Event]


def used_procedures(procedures: Mapping[str, Procedure], entry_id: str) -> tuple[str, ...]:
    """The entry procedure and every procedure it uses, transitively (entry first).

    NotFoundError names an id that is missing, with the closest known id.
    """
    order: list[str] = []
    pending = [entry_id]
    while pending:
        ident = pending.pop(0)
        if ident in order:
            continue
        procedure = procedures.get(ident)
        if procedure is None:
            close = get_close_matches(ident, list(procedures), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise NotFoundError(f"unknown procedure {ident!r}{hint}")
        order.append(ident)
        pending.extend(s.use.procedure for s in procedure.states.values() if s.use is not None)
    return tuple(order)


def start(
    procedures: Mapping[str, Procedure],
    entry_id: str,
    *,
    params: Mapping[str, Scalar] | None = None,
    now: datetime | None = None,
    actor: str,
    role: str | None = None,
    hashes: Mapping[str, str] | None = None,
) -> tuple[Snapshot, list[Event]]:
    """A new instance of `entry_id`, in its initial state (and past it when that needs nothing).

    `params` are site values: each procedure's frame takes those it declares, over its defaults.
    `hashes` maps procedure ids to the hash of their pinned text (default: a hash of the model).
    """
    used_procedures(procedures, entry_id)
    session = Session(procedures, None, params=params, hashes=hashes)
    return session._start(entry_id, _now(now), actor, role)


class Session:
    """One instance over a fixed set of procedures; `snapshot` None only inside `start`."""

    def __init__(
        self,
        procedures: Mapping[str, Procedure],
        snapshot: Snapshot | None,
        *,
        lang: str = "zh-Hant",
        params: Mapping[str, Scalar] | None = None,
        hashes: Mapping[str, str] | None = None,
    ) -> None:
        self.procedures = procedures
        self.lang = lang
        self.params = dict(params or {})
        self.hashes = dict(hashes or {})
        self._machines: dict[tuple[str, str], CompiledMachine] = {}
        if snapshot is not None:
            for frame in snapshot["frames"]:
                if frame["procedure"] not in procedures:
                    raise NotFoundError(
                        f"procedure {frame['procedure']!r} of this instance is not among those given"
                    )
        self._snapshot: Snapshot | None = snapshot

    @property
    def snapshot(self) -> Snapshot:
        """The current snapshot (read-only: a step makes a new one)."""
        if self._snapshot is None:
            raise IllegalMoveError("the instance has not started")
        return self._snapshot

    # --- reading

    def view(self) -> View:
        """The current state as an operator needs it, in `lang` with parameters filled in."""
        snapshot = self.snapshot
        frame = snapshot["frames"][-1]
        return build_view(snapshot, self.procedures, self._machine(frame), self.lang)

    # --- stepping

    def advance(
        self,
        answers: Mapping[str, Any] | None = None,
        check: Iterable[str] = (),
        skip: Mapping[str, str] | None = None,
        move: str | None = None,
        note: str | None = None,
        *,
        now: datetime | None = None,
        actor: str,
        role: str | None = None,
    ) -> StepResult:
        """Record answers, checks, skips and a note, then leave the state if it is done.

        InvalidAnswerError (a bad answer, an unknown field or item, a skip without a reason)
        or IllegalMoveError (a move that is unknown, not allowed now, or whose guard is false;
        automatic routes of which none holds) leave the instance exactly as it was.
        """
        before = self.snapshot
        if before["status"] != "open":
            raise IllegalMoveError(f"the instance is {before['status']}; it takes no more steps")
        at = _now(now).isoformat()
        frame = before["frames"][-1]
        procedure = self.procedures[frame["procedure"]]
        state = procedure.states[frame["state"]]
        role = role if role is not None else state.role
        here = qualified(before)
        typed = self._typed(procedure, state, answers or {}, now)
        checks, skips = _items(state, frame, list(check), dict(skip or {}))

        work = copy_snapshot(before)
        events: list[Event] = []

        def emit(kind: str, **extra: Any) -> None:
            event = make_event(kind, at, actor, role, **extra)
            apply(self.procedures, work, event)
            events.append(event)

        if typed:
            emit("answer", answers=typed, **{"from": here})
        if checks:
            emit("check", items=checks, **{"from": here})
        if skips:
            emit("skip", items=skips, **{"from": here})
        if note:
            emit("note", note=note, **{"from": here})
        if move is not None:
            self._move(work, state, move, emit)
            self._settle(work, emit, acknowledged=False)
        else:
            self._settle(work, emit, acknowledged=True)
        self._snapshot = work
        return StepResult(work, events)

    def cancel(
        self, reason: str, *, now: datetime | None = None, actor: str, role: str | None = None
    ) -> StepResult:
        """Close the instance without finishing it; the reason is recorded."""
        before = self.snapshot
        if before["status"] != "open":
            raise IllegalMoveError(f"the instance is {before['status']}; it cannot be cancelled")
        if not reason or not reason.strip():
            raise IllegalMoveError("a cancel needs a reason")
        event = make_event(
            "cancel", _now(now).isoformat(), actor, role, note=reason.strip(), **{"from": qualified(before)}
        )
        work = apply(self.procedures, copy_snapshot(before), event)
        self._snapshot = work
        return StepResult(work, [event])

    # --- internals

    def _start(
        self, entry_id: str, now: datetime, actor: str, role: str | None
    ) -> tuple[Snapshot, list[Event]]:
        procedure = self.procedures[entry_id]
        at = now.isoformat()
        role = role if role is not None else procedure.states[procedure.initial].role
        events: list[Event] = []
        work: Snapshot = {}

        def emit(kind: str, **extra: Any) -> None:
            nonlocal work
            event = make_event(kind, at, actor, role, **extra)
            work = apply(self.procedures, work or None, event)
            events.append(event)

        emit(
            "start",
            procedure=entry_id,
            hash=self._hash(entry_id),
            params=self._params(procedure, {}),
            depth=0,
            state=procedure.initial,
            to=procedure.initial,
        )
        self._arrive(work, emit)
        self._settle(work, emit, acknowledged=False)
        self._snapshot = work
        return work, events

    def _typed(
        self, procedure: Procedure, state: State, answers: Mapping[str, Any], now: datetime | None
    ) -> dict[str, Value]:
        asked = [q.field for q in state.ask]
        tz = _now(now).tzinfo
        typed: dict[str, Value] = {}
        for name, raw in answers.items():
            if name not in asked:
                close = get_close_matches(name, asked, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                listed = ", ".join(repr(a) for a in asked) or "nothing"
                raise InvalidAnswerError(
                    f"field {name!r} is not asked in state {state.name!r} (it asks {listed}){hint}"
                )
            typed[name] = parse_answer(procedure.fields[name], raw, tz=tz)
        return typed

    def _machine(self, frame: Mapping[str, Any]) -> CompiledMachine:
        key = (frame["procedure"], frame["hash"])
        found = self._machines.get(key)
        if found is None:
            found = self._machines[key] = compile_machine(self.procedures[key[0]], key[1])
        return found

    def _hash(self, ident: str) -> str:
        if ident not in self.hashes:
            self.hashes[ident] = model_hash(self.procedures[ident])
        return self.hashes[ident]

    def _params(self, procedure: Procedure, given: Mapping[str, Scalar]) -> dict[str, Scalar]:
        values = procedure.param_defaults()
        values.update({k: v for k, v in self.params.items() if k in values})
        values.update(given)
        return values

    def _move(self, work: Snapshot, state: State, move_id: str, emit: Any) -> None:
        frame = work["frames"][-1]
        if not state.moves:
            how = "moves by guard" if state.routes else "offers no moves"
            raise IllegalMoveError(f"state {state.name!r} {how}; move {move_id!r} cannot be taken")
        ids = [m.id for m in state.moves]
        if move_id not in ids:
            close = get_close_matches(move_id, ids, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise IllegalMoveError(
                f"unknown move {move_id!r} in state {state.name!r}; expected one of {', '.join(ids)}{hint}"
            )
        unmet = requirements(state, frame)
        if unmet:
            raise IllegalMoveError(f"move {move_id!r} is not allowed yet: {'; '.join(unmet)}")
        machine = self._machine(frame)
        target = machine.fire(MOVE_PREFIX + move_id, state.name, _values(frame))
        if target is None:
            guard = next(m.when for m in state.moves if m.id == move_id)
            raise IllegalMoveError(f"move {move_id!r} is not allowed: the guard {guard!r} is false")
        self._enter(work, "move", emit, target, move=move_id)

    def _enter(self, work: Snapshot, kind: str, emit: Any, target: str, **extra: Any) -> None:
        depth = len(work["frames"]) - 1
        here = qualified(work)
        to = here.rsplit(">", 1)[0] + ">" + target if depth else target
        emit(kind, depth=depth, state=target, to=to, **{"from": here}, **extra)
        self._arrive(work, emit)

    def _arrive(self, work: Snapshot, emit: Any) -> None:
        """Just entered the top frame's state: a `use` state starts its sub-procedure at once."""
        while True:
            frame = work["frames"][-1]
            state = self.procedures[frame["procedure"]].states[frame["state"]]
            if state.use is None:
                return
            child = self.procedures[state.use.procedure]
            given = {
                k: fill(v, frame["params"]) if isinstance(v, str) else v for k, v in state.use.params.items()
            }
            here = qualified(work)
            emit(
                "enter",
                depth=len(work["frames"]),
                procedure=child.id,
                hash=self._hash(child.id),
                params=self._params(child, given),
                state=child.initial,
                to=here + ">" + child.initial,
                via="use",
                **{"from": here},
            )

    def _settle(self, work: Snapshot, emit: Any, *, acknowledged: bool) -> None:
        """Leave states that are done: a step's own state when acknowledged, empty ones always."""
        limit = 4 * sum(len(p.states) for p in self.procedures.values()) + 8
        for _ in range(limit):
            if work["status"] != "open":
                return
            frame = work["frames"][-1]
            procedure = self.procedures[frame["procedure"]]
            state = procedure.states[frame["state"]]
            if requirements(state, frame):
                return
            if not acknowledged and (state.do or state.say or state.ask):
                return
            acknowledged = False
            if state.final:
                emit(
                    "finish", outcome=state.result, depth=len(work["frames"]) - 1, **{"from": qualified(work)}
                )
                continue
            if state.use is not None and frame["returned"] in state.outcomes:
                target = self._machine(frame).fire(OUTCOME_PREFIX + frame["returned"], state.name, {})
                if target is None:  # pragma: no cover - compiled from the same mapping
                    return
                self._enter(work, "enter", emit, target, via="outcome")
                continue
            if not state.routes:
                return  # the operator chooses a move, or a dead end the rules report
            machine = self._machine(frame)
            values = _values(frame)
            target = machine.fire(ROUTE, state.name, values)
            if target is None:
                false = [c.guard for c in machine.check_routes(state.name, values) if c.guard is not None]
                raise IllegalMoveError(
                    f"no route out of state {state.name!r} applies: "
                    + ", ".join(f"{g!r} is false" for g in false)
                )
            guard = next(
                (c.guard for c in machine.check_routes(state.name, values) if c.to == target and c.holds),
                None,
            )
            self._enter(work, "enter", emit, target, via="route", guard=guard)
        raise IllegalMoveError(
            f"automatic routes go round in a loop from state {qualified(work)!r}; "
            "the procedure needs a way out"
        )


def _values(frame: Mapping[str, Any]) -> dict[str, Any]:
    """What guards read: the frame's parameters, overlaid by its answers."""
    return {**frame["params"], **frame["answers"]}


def _items(
    state: State, frame: Mapping[str, Any], check: list[str], skip: dict[str, str]
) -> tuple[list[str], dict[str, str]]:
    ids = [item.id for item in state.do]

    def known(item: str) -> None:
        if item not in ids:
            close = get_close_matches(item, ids, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            listed = ", ".join(repr(i) for i in ids) or "nothing"
            raise InvalidAnswerError(
                f"unknown item {item!r} in state {state.name!r} (its checklist is {listed}){hint}"
            )

    checks: list[str] = []
    for item in check:
        known(item)
        if item not in frame["checked"] and item not in checks:
            checks.append(item)
    skips: dict[str, str] = {}
    for item, reason in skip.items():
        known(item)
        if item in checks:
            raise InvalidAnswerError(f"item {item!r} is both checked and skipped in one step")
        if not isinstance(reason, str) or not reason.strip():
            raise InvalidAnswerError(f"skipping item {item!r} needs a reason")
        if frame["skipped"].get(item) != reason.strip():
            skips[item] = reason.strip()
    return checks, skips


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now().astimezone()
