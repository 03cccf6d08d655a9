"""An instance of a procedure being worked through: what to do now, and `advance`.

`start` makes an instance; `Session(procedures, snapshot)` resumes one; `view()` says what the
current state asks for; `advance(...)` records answers, checks, skips and a move and routes on.
Every change is an event (typed in engine/runtime/state.py, applied by engine/runtime/journal.py)
and the snapshot is their replay. No
terminal I/O and no clock: time comes in as `now` (the current time only as a default here).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, tzinfo
from difflib import get_close_matches
from typing import Any, NamedTuple

from procflow.engine.base.calendar import Calendar
from procflow.engine.base.clock import Duty, duty_from_data
from procflow.engine.base.errors import IllegalMoveError, InvalidAnswerError, NotFoundError
from procflow.engine.base.messages import message
from procflow.engine.model.procedure import Procedure, State
from procflow.engine.runtime.answers import Value, parse_answer
from procflow.engine.runtime.due import follow_up, lateness, recurrence, seconds
from procflow.engine.runtime.journal import copy_snapshot, qualified, replay
from procflow.engine.runtime.routing import Router, Step
from procflow.engine.runtime.state import CorruptLogError, Event, Frame, Scalar, Snapshot
from procflow.engine.runtime.view import View, build_view

__all__ = ["Event", "Session", "Snapshot", "StepResult", "View", "replay", "start", "used_procedures"]


class StepResult(NamedTuple):
    """What a step produced: the new snapshot and the events to append, in order."""

    snapshot: Snapshot
    events: list[Event]


def used_procedures(procedures: Mapping[str, Procedure], entry_id: str) -> tuple[str, ...]:
    """The entry procedure and every procedure it uses or shares a parameter from, transitively
    (entry first).

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
        pending.extend(procedure.needs())  # a shared parameter's procedure gives its default: pinned too
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
    procedure_params: Mapping[str, Mapping[str, Scalar]] | None = None,
    override: str | None = None,
    calendar: Calendar | None = None,
    zone: tzinfo | None = None,
) -> tuple[Snapshot, list[Event]]:
    """A new instance of `entry_id`, in its initial state (and past it when that needs nothing).

    `params` are site values: each procedure's frame takes those it declares, over its defaults,
    and `procedure_params[id]` over those for procedure `id`.
    `hashes` maps procedure ids to the hash of their pinned text (default: a hash of the model).
    `override`, a reason, records that the starter acts without the initial state's role.
    `calendar` and `zone`: the site's duty hours, as for `Session`.
    """
    session = Session(procedures, None, params=params, hashes=hashes, procedure_params=procedure_params,
                      calendar=calendar, zone=zone)  # fmt: skip
    return session._start(entry_id, _now(now), actor, role, override)


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
        procedure_params: Mapping[str, Mapping[str, Scalar]] | None = None,
        calendar: Calendar | None = None,
        zone: tzinfo | None = None,
    ) -> None:
        """`calendar` (with the `zone` its hours are in) counts deadlines that say `during:
        duty_hours`; pinned in each new frame that has any. None: always on duty."""
        self.procedures = procedures
        self.lang = lang
        self.params = dict(params or {})
        # the hashes pinned when the instance started win over any given now
        self.hashes: dict[str, str] = {
            **(hashes or {}),
            **(snapshot["hashes"] if snapshot is not None else {}),
        }
        if snapshot is not None:
            for frame in snapshot["frames"]:
                procedure = procedures.get(frame["procedure"])
                if procedure is None:
                    raise NotFoundError(
                        f"procedure {frame['procedure']!r} of this instance is not among those given"
                    )
                if frame["state"] not in procedure.states:
                    raise CorruptLogError(
                        f"this instance is in state {frame['state']!r}, which procedure "
                        f"{procedure.id!r} does not have: it runs on other procedures than those given"
                    )
        self._snapshot: Snapshot | None = snapshot
        duty = Duty(calendar, zone) if calendar is not None else None
        self._router = Router(procedures, self.params, self.hashes, procedure_params, duty)
        self._last_moment: datetime | None = None
        self._last_iso = ""

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
        return build_view(snapshot, self.procedures, self._router.machine(frame), self.lang)

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
        override: str | None = None,
        done: Iterable[str] | str = (),
    ) -> StepResult:
        """Record answers, checks, skips and a note, then leave the state if it is done.

        `done` acknowledges recurrences by id (or a prefix only one has): a `done` event each,
        after a `breach` when the occurrence was late; the next one counts from now.

        `override`, a reason, records first that `actor` acts without the state's role (who
        may act is decided by the caller); a step that changes nothing else records nothing.

        InvalidAnswerError (a bad answer, an unknown field or item, a skip without a reason)
        or IllegalMoveError (a move that is unknown, not allowed now, or whose guard is false;
        automatic routes of which none holds) leave the instance exactly as it was.
        """
        before = self._snapshot
        if before is None or before["status"] != "open":
            status = "not started" if before is None else before["status"]
            raise IllegalMoveError(
                f"the instance is {status}; it takes no more steps",
                None
                if before is None  # a bug of the caller, not an operator's refusal
                else lambda lang, ids: message(
                    lang, "refused.closed", status=message(lang, f"status.{status}")
                ),
            )
        moment = _now(now)
        frame = before["frames"][-1]
        procedure = self.procedures[frame["procedure"]]
        state = procedure.states[frame["state"]]
        typed = self._typed(procedure, state, answers, moment) if answers else None
        checks, skips = _items(state, frame, [check] if isinstance(check, str) else check, skip)
        _in_order(state, frame, typed or {}, checks)
        step = Step(self.procedures, copy_snapshot(before), self._iso(moment), actor, role or state.role)
        here = qualified(before)
        if override is not None:
            step.emit("override", {"reason": override, "from": here})
        if typed:
            step.emit("answer", {"answers": typed, "from": here})
        if checks:
            step.emit("check", {"items": checks, "from": here})
        if skips:
            step.emit("skip", {"items": skips, "from": here})
        if note:
            step.emit("note", {"note": str(note), "from": here})
        acknowledged = [done] if isinstance(done, str) else list(done)
        for ref in acknowledged:
            self._acknowledge(step, ref)
        if move is not None:
            self._router.move(step, state, move)
        # a step that only acknowledges a recurrence does not also leave a state that only speaks
        alone = bool(acknowledged) and not (typed or checks or skips or note)
        self._router.settle(step, acknowledged=move is None and not alone)
        if override is not None and len(step.events) == 1:  # the override alone took no step
            return StepResult(before, [])
        self._snapshot = step.work
        return StepResult(step.work, step.events)

    def cancel(
        self,
        reason: str,
        *,
        now: datetime | None = None,
        actor: str,
        role: str | None = None,
        override: str | None = None,
    ) -> StepResult:
        """Close the instance without finishing it; the reason is recorded. `override`, a reason,
        records first that `actor` cancels without the current state's role (as for a step)."""
        before = self.snapshot
        if before["status"] != "open":
            raise IllegalMoveError(f"the instance is {before['status']}; it cannot be cancelled")
        if not isinstance(reason, str) or not reason.strip():
            raise IllegalMoveError("a cancel needs a reason")
        step = Step(self.procedures, copy_snapshot(before), self._iso(_now(now)), actor, role)
        if override is not None:
            step.emit("override", {"reason": override, "from": qualified(before)})
        step.emit("cancel", {"note": reason.strip(), "from": qualified(before)})
        self._snapshot = step.work
        return StepResult(step.work, step.events)

    # --- internals

    def close_follow_ups(
        self, refs: Iterable[str], *, now: datetime | None = None, actor: str, role: str | None = None
    ) -> StepResult:
        """Mark follow-ups done (by key, or an id only one has) in an instance of any status but
        cancelled: a follow-up outlives the instance, so the end does not stop this."""
        before = self.snapshot
        if before["status"] == "cancelled":
            raise IllegalMoveError("the instance is cancelled; it has no follow-ups")
        step = Step(self.procedures, copy_snapshot(before), self._iso(_now(now)), actor, role)
        for ref in refs:
            self._close(step, str(ref))
        self._snapshot = step.work
        return StepResult(step.work, step.events)

    def _close(self, step: Step, ref: str) -> None:
        try:
            kept = follow_up(step.work, ref)
        except LookupError as exc:
            raise InvalidAnswerError(str(exc.args[0])) from None
        step.emit("done", {"deadline": kept["id"], "follow_up": kept["key"], "due": kept["due"], "depth": -1,
                           "state": kept["path"], "from": qualified(step.work)})  # fmt: skip

    def _acknowledge(self, step: Step, ref: str) -> None:
        frames = step.work["frames"]
        try:
            depth, entry = recurrence(frames, str(ref))
        except LookupError as exc:
            if any(f["key"] == ref or f["id"] == ref for f in step.work.get("follow_ups", [])):
                self._close(step, ref)  # not a recurrence here, but a follow-up kept from before
                return
            raise InvalidAnswerError(str(exc.args[0])) from None
        where = ">".join(f["state"] for f in frames[: depth + 1])
        late = lateness(entry, step.at, duty_from_data(frames[depth].get("calendar")))
        if late > 0:
            step.emit("breach", {"deadline": entry["id"], "due": entry["due"], "late": seconds(late),
                                 "state": where, "from": qualified(step.work)})  # fmt: skip
        step.emit("done", {"deadline": entry["id"], "due": entry["due"], "depth": depth, "state": where,
                           "from": qualified(step.work)})  # fmt: skip

    def _start(
        self, entry_id: str, now: datetime, actor: str, role: str | None, override: str | None = None
    ) -> tuple[Snapshot, list[Event]]:
        pins = {ident: self._router.hash(ident) for ident in used_procedures(self.procedures, entry_id)}
        procedure = self.procedures[entry_id]
        step = Step(
            self.procedures, None, self._iso(now), actor, role or procedure.states[procedure.initial].role
        )
        initial = procedure.initial
        then: Callable[[Step], None] | None = None
        if override is not None:
            reason = override

            def then(step: Step) -> None:
                step.emit("override", {"reason": reason, "from": initial})

        self._router.begin(step, entry_id, pins, then)
        self._snapshot = step.work
        return step.work, step.events

    def _iso(self, moment: datetime) -> str:
        """`moment` as ISO text; steps in a loop often share one `now`, so the last is kept."""
        if moment is not self._last_moment:
            self._last_moment, self._last_iso = moment, moment.isoformat()
        return self._last_iso

    def _typed(
        self, procedure: Procedure, state: State, answers: Mapping[str, Any], now: datetime
    ) -> dict[str, Value]:
        asked = [q.field for q in state.ask]
        typed: dict[str, Value] = {}
        for name, raw in answers.items():
            if name not in asked:
                close = get_close_matches(str(name), asked, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                listed = ", ".join(repr(a) for a in asked) or "nothing"
                raise InvalidAnswerError(
                    f"field {name!r} is not asked in state {state.name!r} (it asks {listed}){hint}"
                )
            typed[name] = parse_answer(
                procedure.fields[name], raw, tz=now.tzinfo, naive=now.tzinfo is None, now=now
            )
        return typed


def _items(
    state: State, frame: Frame, check: Iterable[str], skip: Mapping[str, str] | None
) -> tuple[list[str], dict[str, str]]:
    """The checks and skips that change something, after refusing unknown items."""
    if not check and not skip:
        return [], {}
    ids = [item.id for item in state.do]

    def known(item: str) -> None:
        if item not in ids:
            close = get_close_matches(str(item), ids, n=1)
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
    for item, reason in (skip or {}).items():
        known(item)
        if item in checks:
            raise InvalidAnswerError(f"item {item!r} is both checked and skipped in one step")
        if not isinstance(reason, str) or not reason.strip():
            raise InvalidAnswerError(f"skipping item {item!r} needs a reason")
        if frame["skipped"].get(item) != reason.strip():
            skips[item] = reason.strip()
    return checks, skips


def _in_order(state: State, frame: Frame, typed: Mapping[str, Value], checks: list[str]) -> None:
    """Refuse checking an item that comes `after: ask` while a required question is unanswered."""
    later = {item.id for item in state.do if item.after == "ask"}
    if not later.intersection(checks):
        return
    pending = [q.field for q in state.ask if q.required and frame["answers"].get(q.field) is None]
    pending = [name for name in pending if typed.get(name) is None]
    if pending:
        first = next(item for item in checks if item in later)
        raise InvalidAnswerError(
            f"item {first!r} comes after the questions of state {state.name!r}: "
            f"answer {', '.join(repr(p) for p in pending)} first"
        )


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now().astimezone()
