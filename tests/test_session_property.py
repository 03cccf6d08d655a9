"""Random steps against every procedure: only documented errors, and the log always replays.

Each example starts an instance and takes random steps built from what the view offers
(valid and invalid answers, known and unknown items, allowed and refused moves, notes,
a cancel now and then). A refused step must leave the snapshot as it was; an accepted one
must give events that, through JSON, replay into exactly the session's snapshot.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from procflow.engine.base.diagnostic import Severity
from procflow.engine.base.errors import IllegalMoveError, InvalidAnswerError, NotFoundError
from procflow.engine.check.files import check_file
from procflow.engine.model.procedure import Field, Procedure
from procflow.engine.runtime.session import Session, replay, start, used_procedures

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    *sorted((ROOT / "procedures").glob("*.yaml")),
    *sorted((ROOT / "tests" / "fixtures" / "valid").glob("*.yaml")),
    *sorted((ROOT / "tests" / "fixtures" / "engine").glob("*.yaml")),
]
T0 = datetime(2026, 3, 7, 9, 0, tzinfo=timezone(timedelta(hours=8)))


def _checked() -> dict[str, Procedure]:
    """Every procedure that passes its checks (one still being written may not yet)."""
    found: dict[str, Procedure] = {}
    for path in SOURCES:
        procedure, diagnostics = check_file(str(path))
        if procedure is not None and not any(d.severity == Severity.ERROR for d in diagnostics):
            found.setdefault(procedure.id, procedure)
    return found


PROCEDURES = _checked()


def _runnable() -> list[str]:
    entries = []
    for ident in sorted(PROCEDURES):
        try:
            used_procedures(PROCEDURES, ident)
        except NotFoundError:
            continue
        entries.append(ident)
    return entries


ENTRIES = _runnable()


def test_every_bundled_procedure_is_covered() -> None:
    """A bundled procedure that does not check clean or lacks a used procedure would be skipped."""
    bundled = {
        Path(p.path).name: ident
        for ident, p in PROCEDURES.items()
        if Path(p.path).parent == ROOT / "procedures"
    }
    assert sorted(bundled) == sorted(p.name for p in SOURCES if p.parent == ROOT / "procedures")
    assert set(bundled.values()) <= set(ENTRIES)
    assert {"sample-visitor", "test-shift", "test-call"} <= set(ENTRIES)


def valid_values(fld: Field) -> st.SearchStrategy[Any]:
    if fld.type == "choice":
        return st.one_of(st.sampled_from(fld.options), st.integers(1, len(fld.options)).map(str))
    if fld.type == "number":
        low = fld.min if fld.min is not None else -1000
        high = fld.max if fld.max is not None else 1000
        numbers = st.integers(int(low) + (low % 1 > 0), int(high))
        return numbers if fld.integer else st.one_of(numbers, st.floats(low, high, allow_nan=False))
    if fld.type == "bool":
        return st.sampled_from(["y", "n", "yes", "no", "是", "否", True, False, "1", "0"])
    if fld.type == "datetime":
        return st.integers(-600, 6000).map(lambda m: (T0 + timedelta(minutes=m)).isoformat())
    if fld.type == "duration":
        return st.sampled_from(["15 minutes", "1h30m", "PT2M", "30 seconds", 45])
    if fld.pattern is not None:
        return st.from_regex(fld.pattern, fullmatch=True)
    low = int(fld.min) if fld.min is not None else 1
    high = int(fld.max) if fld.max is not None else max(low, 40)
    return st.text(alphabet="abc 來訪者 12", min_size=low, max_size=high)


ANY_VALUE = st.one_of(
    st.text(max_size=12),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
    st.sampled_from(["", " ", "2026-13-01T00:00", "1,2", "nan", "-1", "99999999999"]),
)
STEP_KINDS = ("good", "good", "good", "answers", "check", "skip", "move", "nothing", "note", "all", "cancel")


def draw_step(data: st.DataObject, session: Session, procedure: Procedure) -> dict[str, Any]:
    view = session.view()
    kind = data.draw(st.sampled_from(STEP_KINDS[:-1] if data.draw(st.integers(0, 30)) else STEP_KINDS))
    step: dict[str, Any] = {}
    if kind == "good":  # what a careful operator does: everything valid, an allowed move
        step["answers"] = {
            q.field: data.draw(valid_values(procedure.fields[q.field])) for q in view.questions
        }
        step["check"] = [i.id for i in view.items if not i.optional]
        allowed = [m.id for m in view.moves if not any("guard" in why for why in m.why)]
        if allowed:
            step["move"] = data.draw(st.sampled_from(allowed))
        return step
    if kind in ("answers", "all") and view.questions:
        chosen = data.draw(st.lists(st.sampled_from(view.questions), min_size=1, unique_by=lambda q: q.field))
        step["answers"] = {
            q.field: data.draw(
                valid_values(procedure.fields[q.field]) if data.draw(st.integers(0, 5)) else ANY_VALUE
            )
            for q in chosen
        }
    if kind == "answers" and data.draw(st.booleans()):
        step.setdefault("answers", {})[data.draw(st.sampled_from(["nope", *procedure.fields]))] = "x"
    ids = [i.id for i in view.items]
    if kind in ("check", "all") and ids:
        step["check"] = data.draw(st.lists(st.sampled_from([*ids, "unknown_item"]), max_size=len(ids) + 1))
    if kind == "skip" and ids:
        step["skip"] = {
            data.draw(st.sampled_from(ids)): data.draw(st.sampled_from(["broken", "", "  ", "not here"]))
        }
    if kind in ("move", "all"):
        moves = [m.id for m in view.moves]
        step["move"] = (
            data.draw(st.sampled_from([*moves, "no_such_move"]))
            if moves or data.draw(st.booleans())
            else None
        )
    if kind == "note":
        step["note"] = data.draw(st.text(min_size=1, max_size=20))
    if kind == "cancel":
        step["cancel"] = data.draw(st.sampled_from(["desk closed", ""]))
    return step


@pytest.mark.parametrize("entry", ENTRIES)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(data=st.data())
def test_random_steps_never_fail_outside_documented_errors_and_always_replay(
    entry: str, data: st.DataObject
) -> None:
    lang = data.draw(st.sampled_from(["zh-Hant", "en"]))
    snapshot, events = start(PROCEDURES, entry, now=T0, actor="amy")
    session = Session(PROCEDURES, snapshot, lang=lang)
    now = T0
    for _ in range(data.draw(st.integers(1, 40))):
        if session.snapshot["status"] != "open":
            break
        procedure = PROCEDURES[session.snapshot["frames"][-1]["procedure"]]
        step = draw_step(data, session, procedure)
        now += timedelta(seconds=data.draw(st.integers(0, 900)))
        before = json.dumps(session.snapshot, ensure_ascii=False, sort_keys=True)
        try:
            if "cancel" in step:
                result = session.cancel(step["cancel"], now=now, actor="bob")
            else:
                result = session.advance(**step, now=now, actor=data.draw(st.sampled_from(["amy", "bob"])))
        except (InvalidAnswerError, IllegalMoveError) as refused:
            assert refused.message and refused.message == refused.message.strip()
            assert json.dumps(session.snapshot, ensure_ascii=False, sort_keys=True) == before
            continue
        events += result.events
        assert result.snapshot is session.snapshot
        check_invariants(session.snapshot, events)
        log = json.loads(json.dumps(events, ensure_ascii=False))
        assert replay(PROCEDURES, log) == session.snapshot
        Session(PROCEDURES, json.loads(json.dumps(session.snapshot)), lang=lang).view()


def check_invariants(snapshot: dict[str, Any], events: list[dict[str, Any]]) -> None:
    assert snapshot["version"] == len(events)
    assert len(snapshot["path"]) == len(snapshot["entered"]) >= 1
    assert snapshot["frames"], "an instance always has its own frame"
    for frame in snapshot["frames"]:
        assert frame["state"] in PROCEDURES[frame["procedure"]].states
    assert snapshot["path"][-1] == ">".join(f["state"] for f in snapshot["frames"])
    if snapshot["status"] == "finished":
        assert len(snapshot["frames"]) == 1 and snapshot["outcome"] is not None
        assert PROCEDURES[snapshot["procedure"]].states[snapshot["frames"][0]["state"]].final
