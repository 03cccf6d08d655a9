"""Benchmarks of the engine, one section each, printed as medians and ratios from one run.

(a) in-process session steps against the bare `transitions` machine firing the same triggers.
(b) persisted step latency, (c) scale with 100,000 instances, (d) CLI start and memory: these
    live in bench/engine_store.py (which runs them alone too).
(f) `procflow run` from its start to the first prompt on the screen: piped, and on a
    pseudo-terminal, where the line editor (prompt_toolkit) loads behind the first prompt;
    also when that editor has drawn the prompt again and reads the keys typed meanwhile, and
    the first run of a file never run before (checked in full, not found in check/started.py).
Run from a checkout: `python bench/engine.py [--only a] [--procedure ID_OR_PATH] [--batches N]`.
To add a section, write `section_x(options) -> Section` (a title, rows of label and value,
goals met or not) and register it in SECTIONS; `--only x` then runs it alone.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from procflow.engine.base.errors import IllegalMoveError, InvalidAnswerError
from procflow.engine.base.paths import procedures_dir
from procflow.engine.load.yamlio import load_yaml
from procflow.engine.model.procedure import Field, Procedure, build_procedure
from procflow.engine.runtime import machine as machine_module
from procflow.engine.runtime.machine import MOVE_PREFIX, OUTCOME_PREFIX, ROUTE, CompiledMachine
from procflow.engine.runtime.session import Session, start, used_procedures
from transitions import Machine

ROOT = Path(__file__).resolve().parent.parent

sys.path.insert(1, str(Path(__file__).resolve().parent))
import engine_store  # noqa: E402  (bench/engine_store.py: sections b, c, d and e)

FIXTURE = ROOT / "tests" / "fixtures" / "valid" / "visitor.yaml"
T0 = datetime(2026, 3, 7, 9, 0, tzinfo=timezone(timedelta(hours=8)))


@dataclass
class Section:
    """One block of the report: a title, rows of (label, value), and goal lines."""

    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    goals: list[tuple[str, bool]] = field(default_factory=list)

    def render(self) -> str:
        width = max((len(label) for label, _ in self.rows), default=0)
        lines = [self.title]
        lines += [f"  {label.ljust(width)}  {value}" for label, value in self.rows]
        lines += [f"  goal: {text} — {'met' if ok else 'NOT met'}" for text, ok in self.goals]
        return "\n".join(lines)


# --- loading -------------------------------------------------------------------------------


def load_all(directory: Path) -> dict[str, Procedure]:
    found: dict[str, Procedure] = {}
    for path in sorted(directory.glob("*.y*ml")):
        try:
            document = load_yaml(path)
            procedure = build_procedure(document.data, str(path))
        except Exception:  # a procedure being written may not load yet; the bench skips it
            continue
        found[procedure.id] = procedure
    return found


def choose(wanted: str | None) -> tuple[dict[str, Procedure], str, str]:
    """The procedures and entry id to run: `wanted`, else a bundled one that finishes, else the fixture."""
    if wanted and Path(wanted).is_file():
        procedures = load_all(Path(wanted).parent)
        entry = build_procedure(load_yaml(wanted).data, wanted).id
        return procedures, entry, wanted
    bundled = load_all(procedures_dir())
    candidates = [wanted] if wanted else sorted(bundled, key=lambda i: -len(bundled[i].states))
    for entry in candidates:
        if entry in bundled and _finishes(bundled, entry):
            return bundled, entry, str(bundled[entry].path)
    if wanted:
        raise SystemExit(f"procedure {wanted!r} is not bundled or does not finish under the autopilot")
    fixture = build_procedure(load_yaml(FIXTURE).data, str(FIXTURE))
    return {fixture.id: fixture}, fixture.id, str(FIXTURE)


def _finishes(procedures: Mapping[str, Procedure], entry: str) -> bool:
    try:
        used_procedures(procedures, entry)
        return script(procedures, entry)[1] > 0
    except (IllegalMoveError, InvalidAnswerError, KeyError):
        return False


# --- an autopilot: valid answers, every item checked, the first allowed move --------------


def sample(fld: Field) -> Any:
    if fld.type == "choice":
        return fld.options[0]
    if fld.type == "number":
        return int(fld.min) if fld.min is not None else 1
    if fld.type == "bool":
        return True
    if fld.type == "datetime":
        return (T0 + timedelta(hours=2)).isoformat()
    if fld.type == "duration":
        return "5 minutes"
    return "x" * max(1, int(fld.min or 1))


Step = dict[str, Any]


def script(procedures: Mapping[str, Procedure], entry: str, limit: int = 200) -> tuple[list[Step], int]:
    """The advance() arguments of one complete run, and how many steps it took (0: no finish)."""
    snapshot, _ = start(procedures, entry, now=T0, actor="bench")
    session = Session(procedures, snapshot, lang="en")
    steps: list[Step] = []
    while session.snapshot["status"] == "open" and len(steps) < limit:
        view = session.view()
        step: Step = {
            "answers": {q.field: sample(procedures[view.procedure].fields[q.field]) for q in view.questions},
            "check": [i.id for i in view.items if not i.optional],
        }
        if view.kind == "moves":
            free = [m.id for m in view.moves if not any("guard" in w for w in m.why)]
            if not free:
                return steps, 0
            step["move"] = free[0]
        session.advance(**step, now=T0, actor="bench")
        steps.append(step)
    return steps, len(steps) if session.snapshot["status"] == "finished" else 0


# --- (a) session vs bare transitions -------------------------------------------------------


def record_triggers(
    procedures: Mapping[str, Procedure], entry: str, steps: list[Step]
) -> list[tuple[str, str, str, dict[str, Any]]]:
    """The (procedure, event, from state, guard values) the session fires over one run."""
    fired: list[tuple[str, str, str, dict[str, Any]]] = []
    original = CompiledMachine.fire

    def spy(self: CompiledMachine, event: str, state: str, values: Mapping[str, Any]) -> str | None:
        fired.append((self.procedure.id, event, state, dict(values)))
        return original(self, event, state, values)

    CompiledMachine.fire = spy  # type: ignore[method-assign]
    try:
        snapshot, _ = start(procedures, entry, now=T0, actor="bench")
        session = Session(procedures, snapshot, lang="en")
        for step in steps:
            session.advance(**step, now=T0, actor="bench")
    finally:
        CompiledMachine.fire = original  # type: ignore[method-assign]
    return fired


class BareModel:
    state: str


def bare_machines(procedures: Mapping[str, Procedure]) -> dict[str, tuple[Machine, BareModel]]:
    """Each procedure as a plain transitions machine with one registered model, same guards."""
    result = {}
    for procedure in procedures.values():
        compiled = machine_module.compile_machine(procedure)
        model = BareModel()
        bare = Machine(
            model=model,
            states=list(procedure.states),
            initial=procedure.initial,
            auto_transitions=False,
            send_event=False,
        )
        for state in procedure.states.values():
            for to, guard in compiled.routes[state.name]:
                bare.add_transition(ROUTE, state.name, to, conditions=None if guard is None else [guard])
            for move in state.moves:
                cond = None if move.when is None else [compiled.guard(move.when)]
                bare.add_transition(MOVE_PREFIX + move.id, state.name, move.to, conditions=cond)
            for outcome, target in state.outcomes.items():
                bare.add_transition(OUTCOME_PREFIX + outcome, state.name, target)
        result[procedure.id] = (bare, model)
    return result


def time_session(
    procedures: Mapping[str, Procedure], snapshot: dict[str, Any], steps: list[Step], runs: int
) -> float:
    advance_args = [dict(step, now=T0, actor="bench") for step in steps]
    clock = time.perf_counter
    began = clock()
    for _ in range(runs):
        session = Session(procedures, snapshot, lang="en")
        advance = session.advance
        for args in advance_args:
            advance(**args)
    return clock() - began


def time_bare(
    machines: Mapping[str, tuple[Machine, BareModel]],
    fired: list[tuple[str, str, str, dict[str, Any]]],
    runs: int,
) -> float:
    plan = [(machines[p][1], s, e, v) for p, e, s, v in fired]
    clock = time.perf_counter
    began = clock()
    for _ in range(runs):
        for model, state, event, values in plan:
            model.state = state  # a frame change; a no-op when the run is in one procedure
            model.trigger(event, values)  # type: ignore[attr-defined]
    return clock() - began


def section_a(options: argparse.Namespace) -> Section:
    procedures, entry, path = choose(options.procedure)
    steps, count = script(procedures, entry)
    if not count:
        raise SystemExit(f"{path}: the autopilot does not reach a final state")
    snapshot, _ = start(procedures, entry, now=T0, actor="bench")
    fired = record_triggers(procedures, entry, steps)
    machines = bare_machines(procedures)
    runs = options.runs
    session_times, bare_times = [], []
    for _ in range(options.batches):  # adjacent pairs share whatever load the machine has
        session_times.append(time_session(procedures, snapshot, steps, runs) / (runs * len(steps)) * 1e6)
        bare_times.append(time_bare(machines, fired, runs) / (runs * len(steps)) * 1e6)
    session_us = statistics.median(session_times)
    bare_us = statistics.median(bare_times)
    differences = sorted(s - b for s, b in zip(session_times, bare_times, strict=True))
    overhead = statistics.median(differences)
    starts = []
    for _ in range(options.batches):
        began = time.perf_counter()
        for _ in range(runs):
            start(procedures, entry, now=T0, actor="bench")
        starts.append((time.perf_counter() - began) / runs * 1e6)
    section = Section("(a) in-process session steps vs. the bare transitions machine (persistence excluded)")
    section.rows += [
        ("procedure", f"{entry} ({Path(path).name}), {len(steps)} steps and {len(fired)} triggers per run"),
        (
            "method",
            f"medians of {options.batches} interleaved batches of {runs} runs; each run resumes "
            f"a Session; load average {os.getloadavg()[0]:.2f}",
        ),
        ("session step", f"{session_us:8.2f} µs median  ({1e6 / session_us:,.0f} steps/s)"),
        ("bare trigger per step", f"{bare_us:8.2f} µs median  ({1e6 / bare_us:,.0f} steps/s)"),
        (
            "session overhead",
            f"{overhead:8.2f} µs per step median  (ratio {session_us / bare_us:.1f}x; "
            f"quietest batch {differences[0]:.2f} µs)",
        ),
        ("start an instance", f"{statistics.median(starts):8.2f} µs median"),
    ]
    section.goals.append(
        (f"session overhead under 20 µs per step (measured {overhead:.2f} µs)", overhead < 20)
    )
    return section


def _first_prompt(terminal: bool, env: dict[str, str]) -> tuple[float, float | None]:
    """Seconds from starting `procflow run` until its first prompt is on the screen, and on a
    terminal until the line editor has drawn it (prompt_toolkit turns bracketed paste on as it
    starts drawing)."""
    import pty
    import select
    import subprocess

    command = [str(engine_store.PROCFLOW), "run", str(FIXTURE), "--lang", "en"]
    if terminal:
        master, slave = pty.openpty()
        started = time.perf_counter()
        process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env)
        os.close(slave)
        reading = master
    else:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env
        )
        assert process.stdout is not None
        reading = process.stdout.fileno()
    seen = b""
    elapsed: float | None = None
    editor = b"\x1b[?2004h"
    while elapsed is None or (terminal and b"done?" not in seen.partition(editor)[2]):
        ready, _, _ = select.select([reading], [], [], 30)
        if not ready:
            raise RuntimeError(f"no prompt after 30 s: {seen!r}")
        seen += os.read(reading, 4096)
        if elapsed is None and b"done?" in seen:
            elapsed = time.perf_counter() - started
    drawn = time.perf_counter() - started if terminal else None
    process.kill()
    process.wait()
    if terminal:
        os.close(master)
    elif process.stdin is not None:
        process.stdin.close()
        process.stdout.close()  # type: ignore[union-attr]
    return elapsed, drawn


def section_f(options: argparse.Namespace) -> Section:
    import tempfile

    section = Section("(f) `procflow run` start-up to the first prompt (a new instance, fresh database)")
    starts = getattr(options, "starts", 21)
    engine_store.compiled()  # as installed: the bytecode compiled once, not on every start
    with tempfile.TemporaryDirectory() as tmp:
        cold = "on a terminal, the file never run before"  # checked in full (check/started.py)
        samples: dict[str, list[float]] = {
            "piped": [],
            "on a terminal": [],
            "line editor ready": [],
            cold: [],
        }
        for number in range(starts):  # interleaved, so a busy moment hurts all alike
            for name in ("piped", "on a terminal", cold):
                env = dict(os.environ, PROCFLOW_DB=str(Path(tmp) / f"{number}-{len(name)}.db"))
                env.update(PROCFLOW_USER="bench", NO_COLOR="1", TERM="xterm")
                # one cache for the runs of an unchanged file (the first of them fills it), and
                # a new one for each cold start
                env["PROCFLOW_CACHE_DIR"] = str(Path(tmp) / (f"cold-{number}" if name == cold else "cache"))
                env.pop("PROCFLOW_PATH", None)
                shown, ready = _first_prompt(name != "piped", env)
                samples[name].append(shown)
                if ready is not None and name == "on a terminal":
                    samples["line editor ready"].append(ready)
    for name, values in samples.items():
        section.rows.append((name, f"{statistics.median(values) * 1e3:.1f} ms (median of {starts})"))
    section.rows.append(("load average", f"{os.getloadavg()[0]:.2f}"))
    terminal = statistics.median(samples["on a terminal"])
    section.goals.append(
        (
            f"the first prompt on a terminal within 150 ms (measured {terminal * 1e3:.0f} ms)",
            terminal <= 0.150,
        )
    )
    return section


SECTIONS: dict[str, Callable[[argparse.Namespace], Any]] = {"a": section_a, "f": section_f}
SECTIONS.update(
    engine_store.SECTIONS
)  # (b) persisted steps, (c) scale, (d) CLI start, (e) one answer kept: bench/engine_store.py


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedure", help="a bundled procedure id or a YAML path (default: a bundled one)")
    parser.add_argument("--batches", type=int, default=61, help="timed batches; medians are over these")
    parser.add_argument("--runs", type=int, default=50, help="complete runs per batch (section a)")
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append", help="run only these sections")
    engine_store.add_arguments(parser)
    options = parser.parse_args(argv)
    for key in options.only or sorted(SECTIONS):
        print(SECTIONS[key](options).render(), flush=True)
    return 0


def _iter_sections() -> Iterator[str]:  # for tests that list what the bench covers
    yield from SECTIONS


if __name__ == "__main__":
    raise SystemExit(main())
