"""A stored snapshot or event damaged anywhere is refused in one sentence, never a KeyError.

Takes the snapshots and event logs procflow 0.1 stored (tests/fixtures/store/release-0.1.db)
and damages one place at random: a key removed, or a value replaced by one of another JSON
type. Reading it back must either refuse it with CorruptLogError, or give state a session can
use (view, due rows, a step) with at most a documented ProcflowError.
"""

from __future__ import annotations

import copy
import functools
import shutil
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from procflow.engine.base.errors import ProcflowError
from procflow.engine.desk.pins import pinned_procedures
from procflow.engine.model.procedure import Procedure
from procflow.engine.runtime.due import due_rows
from procflow.engine.runtime.journal import replay
from procflow.engine.runtime.session import Session
from procflow.engine.runtime.state import CorruptLogError, snapshot_from_json
from procflow.engine.store.sqlite import SQLiteStore

RELEASE = Path(__file__).parent / "fixtures" / "store" / "release-0.1.db"
LATER = datetime(2026, 3, 20, 9, 0, tzinfo=timezone(timedelta(hours=8)))
OTHER_TYPES: list[Any] = [None, 0, 2.5, True, "x", [], ["x"], {}, {"x": 1}]


@functools.cache
def stored() -> list[tuple[dict[str, Procedure], dict[str, Any], list[dict[str, Any]]]]:
    """(procedures, snapshot, event bodies) of every instance of the release, read once."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "copy.db"
        shutil.copy(RELEASE, path)
        with SQLiteStore(path) as store:
            return [
                (
                    pinned_procedures(store, (record := store.load(ident)).pins),
                    record.snapshot,
                    [e.body for e in store.events(ident)],
                )
                for ident in sorted(store.all_ids())
            ]


def places(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside `value` (keys and indexes)."""
    found = [at] if at else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += places(inner, (*at, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += places(inner, (*at, index))
    return found


def damage(value: Any, draw: st.DrawFn) -> Any:
    """A deep copy of `value` with one place removed or given a value of another type."""
    damaged = copy.deepcopy(value)
    path = draw(st.sampled_from(places(damaged)))
    parent = damaged
    for step in path[:-1]:
        parent = parent[step]
    old = parent[path[-1]]
    replacements = [v for v in OTHER_TYPES if type(v) is not type(old)]
    if isinstance(parent, dict) and draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(st.sampled_from(replacements))
    return damaged


@st.composite
def damaged_snapshots(draw: st.DrawFn) -> tuple[dict[str, Procedure], Any]:
    procedures, snapshot, _ = draw(st.sampled_from(stored()))
    return procedures, damage(snapshot, draw)


@st.composite
def damaged_logs(draw: st.DrawFn) -> tuple[dict[str, Procedure], Any]:
    procedures, _, events = draw(st.sampled_from(stored()))
    return procedures, damage(events, draw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_snapshots())
def test_a_damaged_snapshot_is_refused_or_usable(case: tuple[dict[str, Procedure], Any]) -> None:
    procedures, data = case
    try:
        snapshot = snapshot_from_json(data, "instance 'abc234'")
    except CorruptLogError as exc:
        assert str(exc).startswith("instance 'abc234' is damaged: ") and "\n" not in str(exc)
        return
    try:
        session = Session(procedures, snapshot)
        session.view()
        due_rows(snapshot, procedures)
        if snapshot["status"] == "open":
            session.advance(now=LATER, actor="amy")
    except ProcflowError:  # a documented refusal: an unknown state or procedure, a step not allowed
        pass


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_logs())
def test_a_damaged_event_log_is_refused_or_replays(case: tuple[dict[str, Procedure], Any]) -> None:
    procedures, events = case
    try:
        replay(procedures, events)
    except CorruptLogError as exc:
        assert "\n" not in str(exc)
