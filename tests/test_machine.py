"""Compiled machines: no auto transitions, engine-owned callables only, shared and cached."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from procflow.engine.load.yamlio import load_yaml
from procflow.engine.model.guard import GuardError
from procflow.engine.model.procedure import Procedure, build_procedure
from procflow.engine.runtime import machine
from procflow.engine.runtime.machine import ROUTE, Condition, compile_machine, model_hash, text_hash

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "engine"


def load(name: str) -> Procedure:
    return build_procedure(load_yaml(FIXTURES / name).data, name)


def tiny(states: dict[str, Any], **extra: Any) -> Procedure:
    data = {"procflow": 1, "id": "tiny", "title": "t", "initial": next(iter(states)), "states": states}
    data.update(extra)
    return build_procedure(data)


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    machine.cache_clear()


def test_only_machine_py_imports_transitions() -> None:
    importing = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "engine").rglob("*.py")
        if re.search(r"^\s*(import transitions|from transitions)", path.read_text("utf-8"), re.M)
    ]
    assert importing == ["engine/runtime/machine.py"]


def test_no_auto_transitions_and_only_engine_callables() -> None:
    compiled = compile_machine(load("shift.yaml"))
    bare = compiled.machine
    assert bare.auto_transitions is False
    assert not any(name.startswith("to_") for name in bare.events)
    assert sorted(bare.events) == [
        "move:close",
        "move:finish",
        "move:serve",
        "outcome:message_taken",
        "outcome:transferred",
        "route",
    ]
    for event in bare.events.values():
        for transitions in event.transitions.values():
            for transition in transitions:
                assert transition.prepare == transition.before == transition.after == []
                assert all(isinstance(c.func, Condition) for c in transition.conditions)
    for state in bare.states.values():
        assert state.on_enter == state.on_exit == []
    assert bare.prepare_event == bare.before_state_change == bare.after_state_change == []
    assert bare.models == []


def test_routes_are_tried_by_priority_then_declaration_with_otherwise_last() -> None:
    procedure = tiny(
        {
            "a": {
                "next": [
                    {"to": "c", "otherwise": True},
                    {"to": "b", "when": "n > 1"},
                    {"to": "d", "when": "n > 5", "priority": 2},
                ]
            },
            "b": {"final": True},
            "c": {"final": True},
            "d": {"final": True},
        },
        fields={"n": {"type": "number"}},
    )
    compiled = compile_machine(procedure)
    assert [to for to, _ in compiled.routes["a"]] == ["d", "b", "c"]
    assert compiled.fire(ROUTE, "a", {"n": 9}) == "d"
    assert compiled.fire(ROUTE, "a", {"n": 3}) == "b"
    assert compiled.fire(ROUTE, "a", {"n": 0}) == "c"
    assert compiled.fire(ROUTE, "a", {}) == "c"
    assert [(c.to, c.holds) for c in compiled.check_routes("a", {"n": 3})] == [
        ("d", False),
        ("b", True),
        ("c", True),
    ]
    assert compiled.taken("a", "b", {"n": 3}) == "n > 1"
    assert compiled.taken("a", "c", {}) is None


def test_a_guard_that_cannot_be_evaluated_does_not_hold() -> None:
    procedure = tiny(
        {
            "a": {"next": [{"to": "b", "when": "minutes(n) > 1"}, {"to": "c", "when": "len(n) > 10"}]},
            "b": {"final": True},
            "c": {"final": True},
        },
        fields={"n": {"type": "number"}},
    )
    compiled = compile_machine(procedure)
    assert compiled.fire(ROUTE, "a", {"n": 5}) is None
    assert compiled.fire(ROUTE, "a", {"n": "soon"}) is None


def test_a_guard_is_never_resolved_by_name() -> None:
    procedure = tiny(
        {"a": {"next": [{"to": "b", "when": "__import__('os').system('true')"}]}, "b": {"final": True}}
    )
    with pytest.raises(GuardError):
        compile_machine(procedure)


def test_firing_needs_no_registered_model_and_leaves_none_behind() -> None:
    compiled = compile_machine(load("call.yaml"))
    for _ in range(1000):
        assert compiled.fire(ROUTE, "ask", {"wants": "message"}) == "take_message"
        assert compiled.fire("move:noted", "take_message", {}) == "messaged"
    assert compiled.machine.models == []
    assert compiled.fire("move:noted", "greet", {}) is None  # not from this state
    assert compiled.fire("move:nowhere", "greet", {}) is None  # no such event
    assert compiled.fire(ROUTE, "ask", {"wants": None}) is None  # no guard holds


def test_instances_share_one_machine_per_text_and_the_cache_is_bounded() -> None:
    procedure = load("call.yaml")
    first = compile_machine(procedure, "h1")
    assert compile_machine(procedure, "h1") is first
    assert compile_machine(procedure, "h2") is not first
    assert compile_machine(procedure) is compile_machine(procedure)  # keyed by a hash of the model
    for n in range(machine.CACHE_SIZE + 5):
        compile_machine(procedure, f"other{n}")
    assert len(machine._cache) == machine.CACHE_SIZE
    assert compile_machine(procedure, "h1") is not first  # evicted, compiled again


def test_hashes_are_stable() -> None:
    assert (
        text_hash("abc")
        == text_hash(b"abc")
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert model_hash(load("call.yaml")) == model_hash(load("call.yaml"))
    assert model_hash(load("call.yaml")) != model_hash(load("shift.yaml"))


def test_distance_to_an_end() -> None:
    compiled = compile_machine(load("shift.yaml"))
    assert compiled.distance["done"] == 0
    assert compiled.distance["refill"] == 1
    assert compiled.distance["count"] == 2
    assert compiled.distance["open_desk"] == 4


def test_the_engine_bench_runs() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "engine.py"),
            "--only",
            "a",
            "--batches",
            "1",
            "--runs",
            "2",
            "--procedure",
            str(FIXTURES.parent / "valid" / "visitor.yaml"),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert "(a) in-process session steps" in done.stdout
    assert re.search(r"session overhead\s+-?\d+\.\d+ µs per step", done.stdout)
    assert "goal: session overhead under 20 µs per step" in done.stdout
