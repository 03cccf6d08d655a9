"""What several rules need to know about one procedure, computed once and shared.

Guards are parsed once per procedure, the state graph and the flow of asked fields are
computed on first use. Rules read this; nothing here reports. The last procedure analysed is
kept (one slot), since every rule runs over one procedure before the next one starts.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from engine.guard import Guard, GuardError, parse_guard
from engine.model import Move, Procedure, Route, State, Text


@dataclass(frozen=True)
class Site:
    """One guard in the procedure: on a route or on a move of `state`."""

    state: State
    pointer: str  # of the `when` scalar
    text: str
    route: Route | None = None
    move: Move | None = None


def suggest(name: str, candidates: Iterable[str]) -> str:
    """`; did you mean 'x'?` when a close name exists, else nothing."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def quoted(names: Iterable[str]) -> str:
    return ", ".join(repr(n) for n in names)


class Analysis:
    def __init__(self, procedure: Procedure) -> None:
        self.procedure = procedure
        self.sites: list[Site] = []
        self.guards: dict[str, Guard] = {}
        self.errors: dict[str, GuardError] = {}
        self.memo: dict[object, object] = {}  # results rules share, keyed by the rule module
        for state in procedure.states.values():
            for route in state.routes:
                if route.when is not None:
                    self.sites.append(Site(state, route.ptr + "/when", route.when, route=route))
            for move in state.moves:
                if move.when is not None:
                    self.sites.append(Site(state, move.ptr + "/when", move.when, move=move))
        for site in self.sites:
            try:
                self.guards[site.pointer] = parse_guard(site.text)
            except GuardError as exc:
                self.errors[site.pointer] = exc

    def successors(self, state: State) -> Iterator[str]:
        states = self.procedure.states
        return (t for t in dict.fromkeys(state.targets) if t in states)

    @cached_property
    def reachable(self) -> frozenset[str]:
        """States some path from `initial` reaches (empty when `initial` does not exist)."""
        states = self.procedure.states
        if self.procedure.initial not in states:
            return frozenset()
        seen = {self.procedure.initial}
        stack = [self.procedure.initial]
        while stack:
            for target in self.successors(states[stack.pop()]):
                if target not in seen:
                    seen.add(target)
                    stack.append(target)
        return frozenset(seen)

    @cached_property
    def finishing(self) -> frozenset[str]:
        """States from which some final state can be reached."""
        before: dict[str, list[str]] = {}
        for state in self.procedure.states.values():
            for target in self.successors(state):
                before.setdefault(target, []).append(state.name)
        seen = {s.name for s in self.procedure.states.values() if s.final}
        stack = list(seen)
        while stack:
            for source in before.get(stack.pop(), ()):
                if source not in seen:
                    seen.add(source)
                    stack.append(source)
        return frozenset(seen)

    @cached_property
    def field_bits(self) -> dict[str, int]:
        return {name: 1 << i for i, name in enumerate(self.procedure.fields)}

    @cached_property
    def asked(self) -> tuple[dict[str, int], dict[str, int]]:
        """Per reachable state, the fields asked by the time it is left, as bit sets:
        (asked on some path from `initial`, asked as required on every such path).

        A state's own questions count (they are answered before it is left); a
        sub-procedure's questions do not (its answers are its own).
        """
        bits, states, initial = self.field_bits, self.procedure.states, self.procedure.initial
        everything = (1 << len(bits)) - 1
        asks = {n: _mask(bits, (q.field for q in states[n].ask)) for n in self.reachable}
        required = {n: _mask(bits, (q.field for q in states[n].ask if q.required)) for n in self.reachable}
        before: dict[str, list[str]] = {n: [] for n in self.reachable}
        for name in self.reachable:
            for target in self.successors(states[name]):
                before[target].append(name)
        may = dict(asks)
        must = {n: required[n] if n == initial else everything for n in self.reachable}
        work = sorted(self.reachable)
        while work:  # `may` only grows and `must` only shrinks, so this stops
            name = work.pop()
            in_may, in_must = 0, (0 if name == initial else everything)
            for source in before[name]:
                in_may |= may[source]
                in_must &= must[source]
            new_may, new_must = in_may | asks[name], in_must | required[name]
            if new_may != may[name] or new_must != must[name]:
                may[name], must[name] = new_may, new_must
                work.extend(self.successors(states[name]))
        return may, must

    def answered(self, state: State) -> frozenset[str]:
        """Fields certainly answered when `state` is left (asked as required on every path)."""
        must = self.asked[1].get(state.name, 0)
        return frozenset(n for n, bit in self.field_bits.items() if must & bit)

    @cached_property
    def texts(self) -> list[Text]:
        """Every text of the procedure that people read, in file order."""
        return list(_texts(self.procedure))


def _mask(bits: dict[str, int], names: Iterable[str]) -> int:
    out = 0
    for name in names:
        out |= bits.get(name, 0)
    return out


def _texts(p: Procedure) -> Iterator[Text]:
    yield p.title
    if p.description is not None:
        yield p.description
    for param in p.params.values():
        if param.description is not None:
            yield param.description
    yield from p.roles.values()
    for f in p.fields.values():
        yield from (t for t in (f.label, f.help) if t is not None)
        yield from f.option_labels.values()
    yield from (n.text for n in p.notes)
    yield from (r.text for r in p.work_rules)
    for penalty in p.penalties:
        yield penalty.text
        if penalty.note is not None:
            yield penalty.note.text
    for s in p.states.values():
        if s.title is not None:
            yield s.title
        yield from (n.text for n in s.notes)
        for item in s.do:
            yield item.text
            if item.note is not None:
                yield item.note.text
        for phrase in s.say:
            yield phrase.text
            if phrase.note is not None:
                yield phrase.note.text
        yield from (d.text for d in s.due if d.text is not None)
        yield from (r.note.text for r in s.routes if r.note is not None)
        for m in s.moves:
            if m.label is not None:
                yield m.label
            if m.note is not None:
                yield m.note.text


_last: Analysis | None = None


def analyse(procedure: Procedure) -> Analysis:
    """The analysis of `procedure`, shared by every rule that runs over it."""
    global _last
    last = _last
    if last is None or last.procedure is not procedure:
        last = _last = Analysis(procedure)
    return last
