"""Scenarios: scripted runs of procedures with the path, state and answers they must end with.

A scenario file names a procedure and lists scenarios (a script, a language, expectations).
Runs are in memory on a fixed clock (no store), and every transition they take is counted
so `procflow test` can report each procedure's transition coverage. Nothing here prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from procflow.engine.base.errors import IllegalMoveError, InvalidAnswerError, UsageError
from procflow.engine.model.procedure import Procedure, Text
from procflow.engine.model.text import PLACEHOLDER
from procflow.engine.runtime.answers import show_answer
from procflow.engine.runtime.driver import MAX_STEPS, Driver, Missing
from procflow.engine.runtime.journal import SEPARATOR
from procflow.engine.runtime.session import Session, start

SCENARIO_KEYS = ("name", "lang", "params", "start", "answers", "moves", "skip", "expect")
EXPECT_KEYS = ("path", "state", "status", "outcome", "answers", "missing", "error")
DEFAULT_START = datetime.fromisoformat("2026-03-09T09:00:00+08:00")
STEP_TIME = timedelta(minutes=1)


@dataclass(frozen=True)
class Transition:
    """One edge of a procedure: a route (by index), a move (by id) or an outcome (by name)."""

    procedure: str
    state: str
    via: str  # route | move | outcome
    key: str
    to: str

    def __str__(self) -> str:
        return f"{self.state} -{self.via}:{self.key}-> {self.to}"


@dataclass(frozen=True)
class Scenario:
    file: str
    line: int
    procedure: str
    name: str
    lang: str
    params: Mapping[str, Any]
    start: datetime
    answers: Mapping[str, Any]
    moves: tuple[str, ...]
    skip: Mapping[str, str]
    expect: Mapping[str, Any]


@dataclass(frozen=True)
class Outcome:
    scenario: Scenario
    failures: tuple[str, ...]
    path: tuple[str, ...]
    taken: frozenset[Transition] = field(default_factory=frozenset)

    @property
    def passed(self) -> bool:
        return not self.failures


def transitions(procedure: Procedure) -> list[Transition]:
    """Every edge of `procedure`, in declaration order."""
    found = []
    for state in procedure.states.values():
        found += [
            Transition(procedure.id, state.name, "route", str(i), r.to) for i, r in enumerate(state.routes)
        ]
        found += [Transition(procedure.id, state.name, "move", m.id, m.to) for m in state.moves]
        found += [Transition(procedure.id, state.name, "outcome", o, to) for o, to in state.outcomes.items()]
    return found


def load_scenarios(data: Any, path: str, line_of: Any) -> list[Scenario]:
    """Scenarios of one file; UsageError names the first problem with `path:line`."""
    if not isinstance(data, Mapping) or not isinstance(data.get("procedure"), str):
        raise UsageError(f"{path}: a scenario file needs `procedure` (an id) and `scenarios` (a list)")
    unknown = sorted(set(data) - {"procedure", "scenarios"})
    if unknown:
        raise UsageError(f"{path}: unknown key {unknown[0]!r}; expected procedure, scenarios")
    items = data.get("scenarios")
    if not isinstance(items, list) or not items:
        raise UsageError(f"{path}: `scenarios` must be a non-empty list")
    found = []
    for index, raw in enumerate(items):
        line = line_of(f"/scenarios/{index}")[0]
        where = f"{path}:{line}"
        if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str):
            raise UsageError(f"{where}: a scenario needs a `name`")
        bad = sorted(set(raw) - set(SCENARIO_KEYS))
        if bad:
            raise UsageError(f"{where}: unknown key {bad[0]!r} in scenario {raw['name']!r}")
        expect = raw.get("expect") or {}
        if not isinstance(expect, Mapping) or set(expect) - set(EXPECT_KEYS):
            raise UsageError(f"{where}: `expect` takes {', '.join(EXPECT_KEYS)}")
        try:
            began = datetime.fromisoformat(str(raw["start"])) if "start" in raw else DEFAULT_START
        except ValueError:
            raise UsageError(f"{where}: `start` {raw['start']!r} is not an ISO date-time") from None
        answers, moves, skip = _script(raw, where)
        found.append(
            Scenario(
                path,
                line,
                data["procedure"],
                raw["name"],
                str(raw.get("lang", "zh-Hant")),
                dict(raw.get("params") or {}),
                began,
                answers,
                moves,
                skip,
                dict(expect),
            )
        )
    return found


def _script(raw: Mapping[str, Any], where: str) -> tuple[dict[str, Any], tuple[str, ...], dict[str, str]]:
    answers = raw.get("answers") or {}
    moves = raw.get("moves") or []
    skip = raw.get("skip") or {}
    if not isinstance(answers, Mapping):
        raise UsageError(f"{where}: `answers` must map field ids to a value (or a list: one per visit)")
    for name, value in answers.items():
        if isinstance(value, Mapping) or value is None or value == []:
            raise UsageError(
                f"{where}: the answer for {name!r} must be a value or a non-empty list of values"
            )
    if not isinstance(moves, list) or not all(isinstance(m, str) and m for m in moves):
        raise UsageError(f"{where}: `moves` must be a list of move ids, in the order they are taken")
    if not isinstance(skip, Mapping) or not all(isinstance(r, str) and r.strip() for r in skip.values()):
        raise UsageError(f"{where}: `skip` must map item ids to the reason for skipping them")
    return dict(answers), tuple(moves), {str(k): v.strip() for k, v in skip.items()}


def run(scenario: Scenario, procedures: Mapping[str, Procedure]) -> Outcome:
    """Play the scenario in memory and compare the end with its expectations."""
    failures: list[str] = []
    clock = _Clock(scenario.start)
    snapshot, events = start(
        procedures, scenario.procedure, params=scenario.params, now=clock(), actor="scenario"
    )
    session = Session(procedures, snapshot, lang=scenario.lang, params=scenario.params)
    driver = Driver(scenario.answers, scenario.moves, scenario.skip)
    stopped: str | None = None
    error: str | None = None
    for _ in range(MAX_STEPS):
        if session.snapshot["status"] != "open":
            break
        view = session.view()
        failures += _untranslated(procedures[view.procedure], view.state, scenario.lang)
        failures += [
            f"state {view.path_name!r}: {text!r} has an unfilled placeholder"
            for text in _texts(view)
            if PLACEHOLDER.search(text)
        ]
        step = driver.plan(view)
        if isinstance(step, Missing):
            stopped = step.what
            break
        try:
            result = session.advance(
                step.answers, step.check, step.skip, step.move, now=clock(), actor="scenario"
            )
        except (InvalidAnswerError, IllegalMoveError) as exc:
            error = exc.message
            break
        events += result.events
    else:
        failures.append(f"the scenario did not end within {MAX_STEPS} steps")
    snapshot = session.snapshot
    failures += _compare(scenario, snapshot, procedures, stopped, error)
    if driver.unused_moves and not failures:
        failures.append(f"moves never taken: {', '.join(driver.unused_moves)}")
    return Outcome(
        scenario,
        tuple(dict.fromkeys(failures)),
        tuple(snapshot["path"]),
        frozenset(_taken(events, procedures)),
    )


class _Clock:
    """A fixed start, one minute per step: runs are reproducible."""

    def __init__(self, began: datetime) -> None:
        self.now = began - STEP_TIME

    def __call__(self) -> datetime:
        self.now += STEP_TIME
        return self.now


def _compare(
    scenario: Scenario,
    snapshot: Mapping[str, Any],
    procedures: Mapping[str, Procedure],
    stopped: str | None,
    error: str | None,
) -> list[str]:
    expect = scenario.expect
    failures = []
    if error is not None and "error" not in expect:
        failures.append(f"refused: {error}")
    if "error" in expect and (error is None or str(expect["error"]) not in error):
        failures.append(f"expected an error containing {expect['error']!r}, got {error or 'none'}")
    if stopped is not None and "missing" not in expect:
        failures.append(f"stopped: the script has no {stopped}")
    if "missing" in expect and (stopped is None or str(expect["missing"]) not in stopped):
        failures.append(f"expected to stop for {expect['missing']!r}, got {stopped or 'no stop'}")
    status = expect.get("status", "finished" if not ({"missing", "error"} & set(expect)) else "open")
    if snapshot["status"] != status:
        failures.append(f"status is {snapshot['status']!r}, expected {status!r}")
    if "path" in expect and list(snapshot["path"]) != list(expect["path"]):
        failures.append(f"path is {list(snapshot['path'])}, expected {list(expect['path'])}")
    frame = snapshot["frames"][-1]
    if "state" in expect and frame["state"] != expect["state"] and snapshot["path"][-1] != expect["state"]:
        failures.append(f"state is {snapshot['path'][-1]!r}, expected {expect['state']!r}")
    if "outcome" in expect and snapshot["outcome"] != expect["outcome"]:
        failures.append(f"outcome is {snapshot['outcome']!r}, expected {expect['outcome']!r}")
    recorded = _recorded(snapshot, procedures)
    for name, wanted in (expect.get("answers") or {}).items():
        got = recorded.get(name)
        if got is None or (got != wanted and str(got) != str(wanted)):
            failures.append(f"answer {name!r} is {got!r}, expected {wanted!r}")
    return failures


def _recorded(snapshot: Mapping[str, Any], procedures: Mapping[str, Procedure]) -> dict[str, Any]:
    """Answers of the outermost frame as people read them (the inner frames end with their procedures)."""
    frame = snapshot["frames"][0]
    fields = procedures[frame["procedure"]].fields
    return {k: show_answer(fields[k], v) if k in fields else v for k, v in frame["answers"].items()}


def _taken(events: Iterable[Mapping[str, Any]], procedures: Mapping[str, Procedure]) -> Iterator[Transition]:
    """The transitions an event log took, by replaying which procedure each depth runs."""
    stack: list[str] = []
    returned: str | None = None  # the outcome the last sub-procedure ended with
    for event in events:
        kind = event["kind"]
        if kind == "start":
            stack = [event["procedure"]]
            continue
        if kind == "finish":
            if len(stack) > 1:
                stack.pop()
                returned = event["outcome"]
            continue
        if kind not in ("move", "enter"):
            continue
        if event.get("via") == "use":
            stack.append(event["procedure"])
            continue
        procedure = procedures[stack[event["depth"]]]
        source = str(event["from"]).rsplit(SEPARATOR, 1)[-1]
        state = procedure.states[source]
        if kind == "move":
            yield Transition(procedure.id, source, "move", event["move"], event["state"])
        elif event.get("via") == "outcome":
            yield Transition(procedure.id, source, "outcome", str(returned), event["state"])
        else:
            guard = event.get("guard")
            index = next(i for i, r in enumerate(state.routes) if r.to == event["state"] and r.when == guard)
            yield Transition(procedure.id, source, "route", str(index), event["state"])


def _texts(view: Any) -> Iterator[str]:
    yield view.title
    yield from (i.text for i in view.items)
    yield from (p.text for p in view.phrases)
    yield from (q.label for q in view.questions)
    yield from (m.label for m in view.moves)
    yield from view.notes


def _untranslated(procedure: Procedure, state_name: str, lang: str) -> list[str]:
    """Texts of the state the operator sees that have no version in `lang`."""
    state = procedure.states[state_name]
    texts: list[tuple[str, Text | None]] = [("title", state.title)]
    texts += [(f"item {i.id!r}", i.text) for i in state.do]
    texts += [(f"phrase {n + 1}", p.text) for n, p in enumerate(state.say)]
    texts += [
        (f"question {q.field!r}", procedure.fields[q.field].label)
        for q in state.ask
        if q.field in procedure.fields
    ]
    texts += [(f"move {m.id!r}", m.label) for m in state.moves]
    return [
        f"state {state_name!r}: {what} has no {lang!r} text"
        for what, text in texts
        if text is not None and text.plain is None and lang not in text.values
    ]


def coverage(
    procedures: Sequence[Procedure], outcomes: Iterable[Outcome]
) -> dict[str, tuple[list[Transition], list[Transition]]]:
    """Per procedure id: (every transition, those no passing scenario took)."""
    taken: set[Transition] = set()
    for outcome in outcomes:
        if outcome.passed:
            taken |= outcome.taken
    result = {}
    for procedure in procedures:
        every = transitions(procedure)
        result[procedure.id] = (every, [t for t in every if t not in taken])
    return result
