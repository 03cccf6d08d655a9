"""A checked procedure compiled into a `transitions` machine, shared by every instance.

The only module that imports `transitions`. It hands the library engine-owned callables only
(compiled guards), never a string it could resolve by name, and keeps no instance state: a
step fires an event on a throw-away cursor, so no model is ever registered with a machine.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict, deque
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from procflow.engine.model.guard import Guard, parse_guard
from procflow.engine.model.procedure import Procedure, State
from procflow.engine.runtime.state import Scalar

if TYPE_CHECKING:
    from transitions import Machine

ROUTE = "route"  # the event of a state's automatic routes (guards in priority order)
MOVE_PREFIX = "move:"  # one event per operator move id
OUTCOME_PREFIX = "outcome:"  # one event per outcome a `use` state maps
CACHE_SIZE = 64


class _Cursor:
    """Stands in for an instance while one event fires; `transitions` reads and sets `state`.

    `Event.trigger(model, *args)` needs only an object with the machine's model attribute
    (transitions 0.9: `get_model_state` is `getattr(model, "state")`, the change is a
    `setattr`), so nothing is added to `Machine.models` and nothing can leak there.
    """

    __slots__ = ("state",)

    def __init__(self, state: str) -> None:
        self.state = state


class Condition:
    """A compiled guard as `transitions` calls it: one values argument, a plain bool back.

    A guard that cannot be evaluated on the answers at hand (`len` of a number, `minutes` of
    text that is no duration) does not hold; it never raises out of a step.
    """

    __slots__ = ("run", "source")

    def __init__(self, guard: Guard) -> None:
        self.source = guard.source
        self.run = guard.run

    def __call__(self, values: Mapping[str, Scalar]) -> bool:
        try:
            return bool(self.run(values))
        except (TypeError, ValueError, OverflowError):
            return False


class RouteCheck(NamedTuple):
    """One automatic route of a state with whether its guard holds (`guard` None: otherwise)."""

    to: str
    guard: str | None
    holds: bool


class CompiledMachine:
    """One procedure as a `transitions` machine plus the tables a session reads."""

    def __init__(self, procedure: Procedure, digest: str) -> None:
        self.procedure = procedure
        self.digest = digest
        self.guards: dict[str, Condition] = {}
        self._taken: dict[tuple[str, str], tuple[str | None, bool] | None] = {}
        # routes per state, in the order `transitions` tries them: priority, then declaration
        self.routes: dict[str, tuple[tuple[str, Condition | None], ...]] = {}
        # (trigger, source, dest, guard) in the order they are added to the machine
        self._transitions: list[tuple[str, str, str, Condition | None]] = []
        self._machine: Machine | None = None
        for state in procedure.states.values():
            self._add(state)
        self.distance = _distance_to_final(procedure)

    @property
    def machine(self) -> Machine:
        """The `transitions` machine, built when the first event fires: a view needs only the
        tables, so `run` draws its first prompt before the library is imported (a tenth of
        its start-up), and builds it at the first step, once the operator has answered."""
        if self._machine is None:
            from transitions import Machine  # here, not at the top: see above

            machine = Machine(
                model=None,  # the default would make the machine its own model
                states=list(self.procedure.states),
                initial=self.procedure.initial,
                auto_transitions=False,  # no to_<state>() jump around every guard
                send_event=False,  # conditions get the values mapping as their one argument
                ignore_invalid_triggers=False,
            )
            for trigger, source, dest, guard in self._transitions:
                machine.add_transition(trigger, source, dest, conditions=None if guard is None else [guard])
            with _lock:
                if self._machine is None:  # another thread may have built it meanwhile: either serves
                    self._machine = machine
        return self._machine

    def guard(self, text: str) -> Condition:
        """The compiled guard for `text` (GuardError if it does not parse: check procedures first)."""
        found = self.guards.get(text)
        if found is None:
            found = self.guards[text] = Condition(parse_guard(text))
        return found

    def _add(self, state: State) -> None:
        add = self._transitions.append
        ordered = sorted(
            enumerate(state.routes),
            key=lambda pair: (pair[1].when is None, -pair[1].priority, pair[0]),
        )
        table: list[tuple[str, Condition | None]] = []
        for _, route in ordered:
            guard = None if route.when is None else self.guard(route.when)
            table.append((route.to, guard))
            add((ROUTE, state.name, route.to, guard))
        self.routes[state.name] = tuple(table)
        for to, guard in table:  # the route taken is known by its target unless two share one
            key = (state.name, to)
            self._taken[key] = None if key in self._taken else (guard.source if guard else None, True)
        for move in state.moves:
            guard = None if move.when is None else self.guard(move.when)
            add((MOVE_PREFIX + move.id, state.name, move.to, guard))
        for outcome, target in state.outcomes.items():
            add((OUTCOME_PREFIX + outcome, state.name, target, None))

    def fire(self, event: str, state: str, values: Mapping[str, Scalar]) -> str | None:
        """Fire `event` from `state`; the new state, or None when no transition's guard held."""
        found = self.machine.events.get(event)
        if found is None or state not in found.transitions:
            return None
        cursor = _Cursor(state)
        if not found.trigger(cursor, values):
            return None
        return cursor.state

    def taken(self, state: str, target: str, values: Mapping[str, Scalar]) -> str | None:
        """The guard of the route from `state` to `target` that `fire` took (None: unguarded)."""
        known = self._taken.get((state, target))
        if known is not None:
            return known[0]
        return next((c.guard for c in self.check_routes(state, values) if c.to == target and c.holds), None)

    def check_routes(self, state: str, values: Mapping[str, Scalar]) -> tuple[RouteCheck, ...]:
        """Every automatic route of `state` with whether its guard holds, in trial order."""
        return tuple(
            RouteCheck(to, None if g is None else g.source, True if g is None else g(values))
            for to, g in self.routes.get(state, ())
        )


def _distance_to_final(procedure: Procedure) -> dict[str, int]:
    """Fewest moves from each state to a final state (states that cannot finish are absent)."""
    incoming: dict[str, list[str]] = {name: [] for name in procedure.states}
    for state in procedure.states.values():
        for target in state.targets:
            if target in incoming:
                incoming[target].append(state.name)
    distance = {name: 0 for name, s in procedure.states.items() if s.final}
    queue = deque(distance)
    while queue:
        name = queue.popleft()
        for source in incoming[name]:
            if source not in distance:
                distance[source] = distance[name] + 1
                queue.append(source)
    return distance


def text_hash(text: str | bytes) -> str:
    """The hash a pinned procedure text is known by (sha256, hex)."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(raw).hexdigest()


def model_hash(procedure: Procedure) -> str:
    """A stable hash of the model itself, for callers that have no text (tests, benches)."""
    with _lock:
        known = _model_hashes.get(id(procedure))
    if known is not None and known[0] is procedure:
        return known[1]
    digest = hashlib.sha256(repr(procedure).encode("utf-8")).hexdigest()
    with _lock:
        _model_hashes[id(procedure)] = (procedure, digest)  # the model is kept, so its id stays its own
        while len(_model_hashes) > CACHE_SIZE:
            _model_hashes.popitem(last=False)
    return digest


_cache: OrderedDict[str, CompiledMachine] = OrderedDict()
_model_hashes: OrderedDict[int, tuple[Procedure, str]] = OrderedDict()
_lock = threading.Lock()


def compile_machine(procedure: Procedure, digest: str | None = None) -> CompiledMachine:
    """The machine for `procedure`, compiled once per hash and shared (LRU of CACHE_SIZE)."""
    key = f"{procedure.id}:{digest or model_hash(procedure)}"
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    compiled = CompiledMachine(procedure, key.split(":", 1)[1])
    with _lock:
        _cache[key] = compiled
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled


def cache_clear() -> None:
    with _lock:
        _cache.clear()
        _model_hashes.clear()
