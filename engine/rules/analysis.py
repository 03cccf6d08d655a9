"""What several rules need to know about one procedure, computed once and shared.

Guards are parsed once per procedure (and cached by text across procedures); the state graph,
the flow of asked fields and the list of texts are computed on first use. Rules read this;
nothing here reports. The last procedure analysed is kept (one slot): every rule runs over
one procedure before the next one starts.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import NamedTuple

from engine.guard import Guard, GuardError, parse_guard
from engine.model import Move, Procedure, Route, State, Text


class Site(NamedTuple):
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
        self.memo: dict[object, object] = {}  # results several rules share
        states = procedure.states
        self.succ: dict[str, tuple[str, ...]] = {}
        for name, state in states.items():
            targets = [r.to for r in state.routes]
            if state.moves:
                targets += [m.to for m in state.moves]
            if state.outcomes:
                targets += state.outcomes.values()
            self.succ[name] = tuple(dict.fromkeys([t for t in targets if t in states]))
            for route in state.routes:
                if route.when is not None:
                    self._add(Site(state, route.ptr + "/when", route.when, route, None))
            for move in state.moves:
                if move.when is not None:
                    self._add(Site(state, move.ptr + "/when", move.when, None, move))

    def _add(self, site: Site) -> None:
        self.sites.append(site)
        try:
            self.guards[site.pointer] = parse_guard(site.text)
        except GuardError as exc:
            self.errors[site.pointer] = exc

    @cached_property
    def order(self) -> list[str]:
        """Reachable states in reverse postorder from `initial` (empty when it does not exist):
        each state before its successors except along loops, so flows settle in few passes."""
        initial, succ = self.procedure.initial, self.succ
        if initial not in succ:
            return []
        seen = {initial}
        post: list[str] = []
        stack = [(initial, iter(succ[initial]))]
        while stack:
            name, children = stack[-1]
            for child in children:
                if child not in seen:
                    seen.add(child)
                    stack.append((child, iter(succ[child])))
                    break
            else:
                post.append(name)
                stack.pop()
        post.reverse()
        return post

    @cached_property
    def reachable(self) -> frozenset[str]:
        """States some path from `initial` reaches."""
        return frozenset(self.order)

    @cached_property
    def finishing(self) -> frozenset[str]:
        """States from which some final state can be reached."""
        before: dict[str, list[str]] = {}
        for name, targets in self.succ.items():
            for target in targets:
                before.setdefault(target, []).append(name)
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
        bits, states, order = self.field_bits, self.procedure.states, self.order
        if not bits:
            return dict.fromkeys(order, 0), dict.fromkeys(order, 0)
        asks: dict[str, int] = {}
        required: dict[str, int] = {}
        for name in order:
            a = r = 0
            for q in states[name].ask:
                bit = bits.get(q.field, 0)
                a |= bit
                if q.required:
                    r |= bit
            asks[name], required[name] = a, r
        before: dict[str, list[str]] = {n: [] for n in order}
        for name in order:
            for target in self.succ[name]:
                before[target].append(name)
        everything = (1 << len(bits)) - 1
        may = dict(asks)
        must = {n: everything for n in order}
        if order:
            must[order[0]] = required[order[0]]
        changed = True
        while changed:  # `may` only grows and `must` only shrinks: a few passes in DFS order
            changed = False
            for i, name in enumerate(order):
                in_may, in_must = 0, (0 if i == 0 else everything)
                for source in before[name]:
                    in_may |= may[source]
                    in_must &= must[source]
                new_may, new_must = in_may | asks[name], in_must | required[name]
                if new_may != may[name] or new_must != must[name]:
                    may[name], must[name] = new_may, new_must
                    changed = True
        return may, must

    def answered(self, state: State) -> frozenset[str]:
        """Fields certainly answered when `state` is left (asked as required on every path)."""
        must = self.asked[1].get(state.name, 0)
        if not must:
            return frozenset()
        return frozenset(n for n, bit in self.field_bits.items() if must & bit)

    @cached_property
    def texts(self) -> list[Text]:
        """Every text of the procedure that people read, in file order."""
        return list(_texts(self.procedure))


def strings(texts: Iterable[Text]) -> Iterator[tuple[str, str]]:
    """(pointer, string) for each string of `texts` (a plain one, or one per language)."""
    for text in texts:
        if text.plain is not None:
            yield text.ptr, text.plain
        else:
            for lang, value in text.values.items():
                yield f"{text.ptr}/{lang}", value


def _texts(p: Procedure) -> Iterator[Text]:
    yield p.title
    if p.description is not None:
        yield p.description
    for param in p.params.values():
        if param.description is not None:
            yield param.description
    yield from p.roles.values()
    for f in p.fields.values():
        if f.label is not None:
            yield f.label
        if f.help is not None:
            yield f.help
        yield from f.option_labels.values()
    for note in p.notes:
        yield note.text
    for work_rule in p.work_rules:
        yield work_rule.text
    for penalty in p.penalties:
        yield penalty.text
        if penalty.note is not None:
            yield penalty.note.text
    for s in p.states.values():
        if s.title is not None:
            yield s.title
        for note in s.notes:
            yield note.text
        for item in s.do:
            yield item.text
            if item.note is not None:
                yield item.note.text
        for phrase in s.say:
            yield phrase.text
            if phrase.note is not None:
                yield phrase.note.text
        for deadline in s.due:
            if deadline.text is not None:
                yield deadline.text
        for route in s.routes:
            if route.note is not None:
                yield route.note.text
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
