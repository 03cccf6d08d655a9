"""Drafts: every answer, ticked item and skip kept the moment the operator confirms it, before
the step that records them is taken, so Ctrl-C, a closed terminal or a killed process loses none.

A draft belongs to one visit of the current state and is written at the instance's version (a
draft for a step someone else already took is refused, `ConflictError`). It is not a step: the
store clears it when the step is saved; history, replay and reports never count it. Never prints.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from procflow.engine.base.errors import InvalidAnswerError
from procflow.engine.desk.instances import Desk, Opened, refuse_unrecordable
from procflow.engine.runtime.answers import parse_answer
from procflow.engine.runtime.journal import qualified
from procflow.engine.runtime.state import Snapshot
from procflow.engine.store.records import DraftRecord


class Given(NamedTuple):
    """What was already confirmed in the current visit of the current state."""

    answers: dict[str, str]  # field: the answer as typed
    checked: list[str]  # items ticked
    skipped: dict[str, str]  # item: the reason it is skipped

    def __bool__(self) -> bool:
        return bool(self.answers or self.checked or self.skipped)


def save_answer(desk: Desk, opened: Opened, field: str, raw: str) -> None:
    """Keep the answer to `field` as typed, after checking it as the step will (InvalidAnswerError)."""
    frame = opened.session.snapshot["frames"][-1]
    fields = opened.session.procedures[frame["procedure"]].fields
    if field not in fields:
        raise InvalidAnswerError(f"unknown field '{field}'")
    parse_answer(fields[field], raw, tz=desk.clock().tzinfo)
    _save(desk, opened, "answer", field, raw)


def save_check(desk: Desk, opened: Opened, item: str) -> None:
    """Keep that `item` of the checklist is done."""
    _save(desk, opened, "check", item, None)


def drop_check(desk: Desk, opened: Opened, item: str) -> None:
    """Forget that `item` was ticked (unticked again before the step is taken)."""
    desk.store.drop_draft(opened.id, opened.session.snapshot["version"], kind="check", name=item)


def save_skip(desk: Desk, opened: Opened, item: str, reason: str) -> None:
    """Keep that `item` is skipped, and why."""
    _save(desk, opened, "skip", item, reason)


def _save(desk: Desk, opened: Opened, kind: str, name: str, value: Any) -> None:
    refuse_unrecordable(value, "reason" if kind == "skip" else "answer")
    snapshot = opened.session.snapshot
    desk.store.save_draft(
        opened.id,
        snapshot["version"],
        kind=kind,
        name=name,
        value=value,
        visit=snapshot["steps"],
        state=qualified(snapshot),
        actor=desk.actor,
        at=desk.clock().isoformat(),  # as events keep it: the desk's clock, its offset kept
    )


def given(desk: Desk, opened: Opened) -> Given:
    """The drafts of the current visit of the current state (older ones never apply). An answer
    its field would refuse now (a draft written by another version of procflow) is left out,
    so it is asked again rather than offered to a step that would refuse it."""
    found = current(desk.store.drafts(opened.id), opened.session.snapshot)
    frame = opened.session.snapshot["frames"][-1]
    fields = opened.session.procedures[frame["procedure"]].fields
    for field, raw in list(found.answers.items()):
        try:
            if field not in fields:
                raise InvalidAnswerError(f"unknown field '{field}'")
            parse_answer(fields[field], raw, tz=desk.clock().tzinfo)
        except InvalidAnswerError:
            del found.answers[field]
    return found


def current(drafts: list[DraftRecord], snapshot: Snapshot) -> Given:
    """Of `drafts`, those of the visit `snapshot` is in, as the step will take them."""
    here, visit = qualified(snapshot), snapshot["steps"]
    found = Given({}, [], {})
    for draft in drafts:
        if (draft.state, draft.visit) != (here, visit):
            continue
        if draft.kind == "answer":
            found.answers[draft.name] = str(draft.value)
        elif draft.kind == "check":
            found.checked.append(draft.name)
        else:
            found.skipped[draft.name] = str(draft.value)
    return found
