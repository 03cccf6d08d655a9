"""How a step moves an instance on: moves, automatic routes, outcomes and sub-procedures.

A Router holds what every step of one session shares (the procedures, their compiled
machines, pinned hashes, site parameters); a Step collects the events of one step, applying
each at once to a private snapshot copy. Nothing here validates answers or reads the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from difflib import get_close_matches
from typing import Literal

from procflow.engine.base.clock import Duty, duty_data, duty_from_data
from procflow.engine.base.errors import IllegalMoveError, UsageError
from procflow.engine.base.messages import message
from procflow.engine.model.procedure import Procedure, State
from procflow.engine.model.text import fill, render
from procflow.engine.runtime.due import DUTY, missed, seconds_of
from procflow.engine.runtime.journal import SEPARATOR, apply, qualified
from procflow.engine.runtime.machine import (
    MOVE_PREFIX,
    OUTCOME_PREFIX,
    ROUTE,
    CompiledMachine,
    compile_machine,
    model_hash,
)
from procflow.engine.runtime.state import Event, EventBody, EventKind, Frame, Scalar, Snapshot, make_event
from procflow.engine.runtime.view import requirements, requirements_said

MAX_DEPTH = 16  # frames; deeper means procedures that use each other in a cycle


class Step:
    """The events of one step being made, each applied at once to a private snapshot copy."""

    __slots__ = ("_work", "actor", "at", "events", "procedures", "role")

    def __init__(
        self,
        procedures: Mapping[str, Procedure],
        work: Snapshot | None,
        at: str,
        actor: str,
        role: str | None,
    ) -> None:
        self.procedures = procedures
        self._work = work  # None until the `start` event of a new instance
        self.at, self.actor, self.role = at, actor, role
        self.events: list[Event] = []

    @property
    def work(self) -> Snapshot:
        if self._work is None:
            raise IllegalMoveError("the instance has not started")
        return self._work

    def emit(self, kind: EventKind, body: EventBody) -> None:
        event = make_event(kind, self.at, self.actor, self.role, body)
        self._work = apply(self.procedures, self._work, event)
        self.events.append(event)


class Router:
    """Leaves and enters states for the steps of one session."""

    def __init__(
        self,
        procedures: Mapping[str, Procedure],
        params: Mapping[str, Scalar],
        hashes: dict[str, str],
        by_procedure: Mapping[str, Mapping[str, Scalar]] | None = None,
        duty: Duty | None = None,
    ) -> None:
        self.procedures = procedures
        self.params = params
        self.by_procedure = by_procedure or {}  # a site's values for one procedure, over `params`
        self.hashes = hashes
        self.duty = duty if duty is not None and duty.defined else None  # None: always on duty
        self.machines: dict[tuple[str, str], CompiledMachine] = {}
        self.limit = 4 * sum(len(p.states) for p in procedures.values()) + 8

    def begin(
        self, step: Step, entry_id: str, pins: Mapping[str, str], then: Callable[[Step], None] | None = None
    ) -> None:
        """The `start` event of a new instance, `then` (events that must follow it at once, such
        as an override), then whatever its first states need."""
        procedure = self.procedures[entry_id]
        initial = procedure.initial
        step.emit("start", {
            "procedure": entry_id, "hash": pins[entry_id], "hashes": dict(pins),
            "params": self.frame_params(procedure, {}), "depth": 0, "state": initial, "to": initial,
            **self.calendar(procedure),
        })  # fmt: skip
        if then is not None:
            then(step)
        self._arrive(step)
        self.settle(step, acknowledged=False)

    def machine(self, frame: Frame) -> CompiledMachine:
        key = (frame["procedure"], frame["hash"])
        found = self.machines.get(key)
        if found is None:
            found = self.machines[key] = compile_machine(self.procedures[key[0]], key[1])
        return found

    def hash(self, ident: str) -> str:
        if ident not in self.hashes:
            self.hashes[ident] = model_hash(self.procedures[ident])
        return self.hashes[ident]

    def frame_params(self, procedure: Procedure, given: Mapping[str, Scalar]) -> dict[str, Scalar]:
        values = procedure.param_defaults()
        declared = procedure.params  # a parameter without default takes a site's value too
        # a shared parameter (`from:`) is its declaring procedure's: that default, then the site's
        # value for every procedure, then the site's value for the declaring one, then this one's
        shared = {n: p.shared for n, p in declared.items() if p.shared is not None}
        for name, origin in shared.items():
            found = self.procedures.get(origin)
            default = found.params[name].default if found is not None and name in found.params else None
            if default is not None:
                values[name] = default
        values.update({k: v for k, v in self.params.items() if k in declared})
        values.update(
            {
                k: v
                for k, v in ((n, self.by_procedure.get(o, {}).get(n)) for n, o in shared.items())
                if v is not None
            }
        )
        values.update({k: v for k, v in self.by_procedure.get(procedure.id, {}).items() if k in declared})
        values.update(given)
        for state in procedure.states.values():  # a duration the site sets must be one
            for deadline in state.due:
                if deadline.param is not None and deadline.param in values:  # unset: not kept
                    try:
                        seconds_of(deadline, values)
                    except ValueError:
                        raise UsageError(
                            f"parameter {deadline.param!r} of procedure {procedure.id!r} is "
                            f"{values.get(deadline.param)!r}, not a duration such as '30 minutes' "
                            f"(deadline {deadline.id!r} reads it)"
                        ) from None
        return values

    def calendar(self, procedure: Procedure) -> EventBody:
        """`calendar` for the event that creates a frame, when its deadlines count duty hours."""
        if self.duty is None or not any(d.during == DUTY for s in procedure.states.values() for d in s.due):
            return {}
        return {"calendar": duty_data(self.duty)}

    def breaches(self, step: Step) -> None:
        """The top frame's state is being left: a `breach` for each of its due times missed."""
        frame = step.work["frames"][-1]
        if not frame["due"]:
            return
        here = qualified(step.work)
        for entry, late in missed(frame["due"], step.at, duty_from_data(frame.get("calendar"))):
            step.emit(
                "breach",
                {"deadline": entry["id"], "due": entry["due"], "late": late, "state": here, "from": here},
            )

    def move(self, step: Step, state: State, move_id: str) -> None:
        frame = step.work["frames"][-1]
        procedure = self.procedures[frame["procedure"]]  # its field labels, for `requirements_said`
        named = _Named(state, frame)
        if not state.moves:
            how = "moves by guard" if state.routes else "offers no moves"
            raise IllegalMoveError(
                f"state {state.name!r} {how}; move {move_id!r} cannot be taken",
                lambda lang, ids: message(lang, "refused.move_none", state=named.state(lang, ids)),
            )
        ids = [m.id for m in state.moves]
        if move_id not in ids:
            close = get_close_matches(str(move_id), ids, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise IllegalMoveError(
                f"unknown move {move_id!r} in state {state.name!r}; expected one of {', '.join(ids)}{hint}",
                lambda lang, ids: message(
                    lang,
                    "refused.move_unknown",
                    state=named.state(lang, ids),
                    move=move_id,
                    moves=message(lang, "refused.list").join(
                        named.move(m.id, lang, ids) for m in state.moves
                    ),
                ),
            )
        unmet = requirements(state, frame)
        if unmet:
            raise IllegalMoveError(
                f"move {move_id!r} is not allowed yet: {'; '.join(unmet)}",
                lambda lang, ids: message(
                    lang,
                    "refused.move_yet",
                    move=named.move(move_id, lang, ids),
                    unmet="; ".join(requirements_said(procedure, state, frame, lang, ids)),
                ),
            )
        target = self.machine(frame).fire(MOVE_PREFIX + move_id, state.name, _values(frame))
        if target is None:
            guard = next(m.when for m in state.moves if m.id == move_id)
            raise IllegalMoveError(
                f"move {move_id!r} is not allowed: the guard {guard!r} is false",
                lambda lang, ids: (
                    message(lang, "refused.move_guard", move=named.move(move_id, lang, ids))
                    + (message(lang, "refused.guard_id", guard=repr(guard)) if ids else "")
                ),
            )
        self._enter(step, "move", target, {"move": move_id})

    def _enter(self, step: Step, kind: Literal["enter", "move"], target: str, extra: EventBody) -> None:
        frames = step.work["frames"]
        here = qualified(step.work)
        to = here.rsplit(SEPARATOR, 1)[0] + SEPARATOR + target if len(frames) > 1 else target
        self.breaches(step)
        step.emit(kind, {"depth": len(frames) - 1, "state": target, "to": to, "from": here, **extra})
        self._arrive(step)

    def _arrive(self, step: Step) -> None:
        """Just entered the top frame's state: a `use` state starts its sub-procedure at once."""
        frames = step.work["frames"]
        while True:
            frame = frames[-1]
            state = self.procedures[frame["procedure"]].states[frame["state"]]
            if state.use is None:
                return
            if len(frames) >= MAX_DEPTH:
                raise IllegalMoveError(
                    f"sub-procedures nest deeper than {MAX_DEPTH} at {qualified(step.work)!r}: "
                    "the procedures use each other in a cycle"
                )
            child = self.procedures[state.use.procedure]
            given = {
                k: fill(v, frame["params"]) if isinstance(v, str) else v for k, v in state.use.params.items()
            }
            here = qualified(step.work)
            step.emit(
                "enter",
                {
                    "depth": len(frames),
                    "procedure": child.id,
                    "hash": self.hash(child.id),
                    "params": self.frame_params(child, given),
                    **self.calendar(child),
                    "state": child.initial,
                    "to": here + SEPARATOR + child.initial,
                    "via": "use",
                    "from": here,
                },
            )

    def settle(self, step: Step, *, acknowledged: bool) -> None:
        """Leave states that are done: the step's own state when acknowledged, empty ones always."""
        work = step.work
        frames = work["frames"]
        for _ in range(self.limit):
            if work["status"] != "open":
                return
            frame = frames[-1]
            state = self.procedures[frame["procedure"]].states[frame["state"]]
            if (state.do or state.say or state.ask) and (not acknowledged or requirements(state, frame)):
                return
            acknowledged = False
            if state.final:
                self.breaches(step)
                step.emit(
                    "finish", {"outcome": state.result, "depth": len(frames) - 1, "from": qualified(work)}
                )
                continue
            returned = frame["returned"]
            if returned is not None and state.use is not None and returned in state.outcomes:
                target = self.machine(frame).fire(OUTCOME_PREFIX + returned, state.name, {})
                if target is None:  # pragma: no cover - compiled from the same mapping
                    return
                self._enter(step, "enter", target, {"via": "outcome"})
                continue
            if not state.routes:
                return  # the operator chooses a move, or a dead end the rules report
            machine = self.machine(frame)
            values = _values(frame)
            target = machine.fire(ROUTE, state.name, values)
            if target is None:
                false = [c.guard for c in machine.check_routes(state.name, values) if c.guard is not None]
                named = _Named(state, frame)
                raise IllegalMoveError(
                    f"no route out of state {qualified(work)!r} applies: "
                    + ", ".join(f"{g!r} is false" for g in false),
                    _no_route(named, false),
                )
            self._enter(
                step, "enter", target, {"via": "route", "guard": machine.taken(state.name, target, values)}
            )
        raise IllegalMoveError(
            f"automatic routes go round in a loop from state {qualified(work)!r}; "
            "the procedure needs a way out"
        )


class _Named:
    """A state and its moves by their titles in a language, for a refusal an operator reads;
    by id where a procedure gives no title, and beside it with `--ids`."""

    def __init__(self, state: State, frame: Frame) -> None:
        self.state_title, self.state_id = state.title, state.name
        self.moves = {m.id: m.label for m in state.moves}
        self.params = frame["params"]

    def state(self, lang: str, ids: bool) -> str:
        return _shown(render(self.state_title, lang, self.params), self.state_id, ids)

    def move(self, move_id: str, lang: str, ids: bool) -> str:
        return _shown(render(self.moves.get(move_id), lang, self.params), move_id, ids)


def _no_route(named: _Named, false: list[str]) -> Callable[[str, bool], str]:
    def said(lang: str, ids: bool) -> str:
        guards = message(lang, "refused.guard_id", guard=", ".join(map(repr, false))) if ids else ""
        return message(lang, "refused.no_route", state=named.state(lang, ids)) + guards

    return said


def _shown(title: str, ident: str, ids: bool) -> str:
    if not title or title == ident:
        return ident
    return f"{title} ({ident})" if ids else title


def _values(frame: Frame) -> dict[str, Scalar]:
    """What guards read: the frame's parameters, overlaid by its answers."""
    return {**frame["params"], **frame["answers"]}
