"""What several rules need to know about one procedure, computed once and shared.

Guards are parsed once per procedure (and cached by text across procedures); the state graph,
the flow of asked fields and the list of texts are computed on first use. Rules read this;
nothing here reports. The last procedure analysed is kept (one slot): every rule runs over
one procedure before the next one starts.
"""

from __future__ import annotations

import difflib
from collections import deque
from collections.abc import Collection, Container, Iterable, Iterator, Mapping
from functools import cached_property
from typing import NamedTuple

from procflow.engine.model.guard import Guard, GuardError, parse_guard
from procflow.engine.model.procedure import Item, Move, Phrase, Procedure, Route, State, Text
from procflow.engine.rules.analysis.domains import Budget


class Site(NamedTuple):
    """One guard in the procedure: on a route, a move, or an item or phrase of `state`."""

    state: State
    pointer: str  # of the `when` scalar
    text: str
    route: Route | None = None
    move: Move | None = None


def parts(state: State) -> tuple[Item | Phrase, ...]:
    """The checklist items and phrases of `state`, which may carry a guard (`when`)."""
    return (*state.do, *state.say)


SMALL = 200  # candidate lists up to this size are searched whole, exactly as difflib does
QUERIES = 32  # distinct names a large candidate list suggests for, per list
SCAN = 500  # candidates compared per name in a large list at most


def suggest(name: str, candidates: Iterable[str]) -> str:
    """`; did you mean 'x'?` when a close name exists, else nothing.

    A small list is searched whole. A large one (a file with thousands of states) is indexed
    once and suggests for its first QUERIES distinct names only, each compared with at most
    SCAN candidates of the same first letter and a length that can still match: so a file
    with thousands of unknown names costs linear time, not names x candidates.
    """
    if isinstance(candidates, Collection) and len(candidates) <= SMALL:
        close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    else:
        close = _index(candidates).close(name)
    return f"; did you mean {close[0]!r}?" if close else ""


class _Names:
    """Candidates by first letter and length, and the suggestions made so far."""

    def __init__(self, names: Iterable[str]) -> None:
        self.all = list(names)
        self.buckets: dict[str, dict[int, list[str]]] = {}
        for name in self.all:
            self.buckets.setdefault(name[:1], {}).setdefault(len(name), []).append(name)
        self.made: dict[str, list[str]] = {}

    def close(self, name: str) -> list[str]:
        if len(self.all) <= SMALL:
            return difflib.get_close_matches(name, self.all, n=1, cutoff=0.6)
        if name in self.made:
            return self.made[name]
        if len(self.made) >= QUERIES:
            return []
        by_length = self.buckets.get(name[:1], {})
        # a ratio of at least 0.6 needs the shorter name to be at least 3/7 of the pair's length
        size = len(name)
        lengths = sorted(
            (n for n in by_length if 3 * max(n, size) <= 7 * min(n, size)), key=lambda n: abs(n - size)
        )
        pool: list[str] = []
        for length in lengths:
            pool.extend(by_length[length][: SCAN - len(pool)])
            if len(pool) >= SCAN:
                break
        found = self.made[name] = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
        return found


_indexes: list[tuple[object, _Names]] = []  # (candidates, index): the few lists in use lately


def _index(candidates: Iterable[str]) -> _Names:
    """The index of `candidates`, the same object asked about again and again by one rule."""
    for held, names in _indexes:
        if held is candidates and len(names.all) == len(held):  # type: ignore[arg-type]
            return names
    names = _Names(candidates)
    if isinstance(candidates, Collection):  # an iterator is used up: nothing to keep
        _indexes.insert(0, (candidates, names))
        del _indexes[4:]
    return names


def quoted(names: Iterable[str]) -> str:
    return ", ".join(repr(n) for n in names)


class Answered(Container[str]):
    """The fields whose bits are set in `must`."""

    __slots__ = ("bits", "must")

    def __init__(self, bits: Mapping[str, int], must: int) -> None:
        self.bits, self.must = bits, must

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(self.must & self.bits.get(name, 0))


class Analysis:
    """One procedure's parsed guards (by pointer of their `when`), successors, and what is
    worked out from them on first use."""

    def __init__(self, procedure: Procedure) -> None:
        self.procedure = procedure
        self.sites: list[Site] = []
        self.guards: dict[str, Guard] = {}
        self.errors: dict[str, GuardError] = {}
        self.memo: dict[object, object] = {}  # results several rules share
        self.budget = Budget()  # guard evaluations the rules may still spend on this procedure
        states = procedure.states
        self.succ: dict[str, tuple[str, ...]] = {}
        self.broken: set[str] = set()  # states with a target that does not exist
        for name, state in states.items():
            if state.do or state.say:
                for part in parts(state):  # a conditional item or phrase
                    if part.when is not None:
                        self._add(Site(state, part.ptr + "/when", part.when))
            routes, moves = state.routes, state.moves
            if not routes and not moves and not state.outcomes:  # a final state, or no way out
                self.succ[name] = ()
                continue
            if len(routes) == 1 and not moves and not state.outcomes:  # `next: NAME`, the usual case
                to = routes[0].to
                if to in states:
                    self.succ[name] = (to,)
                else:
                    self.succ[name] = ()
                    self.broken.add(name)
                if routes[0].when is not None:
                    self._add(Site(state, routes[0].ptr + "/when", routes[0].when, routes[0], None))
                continue
            targets = [r.to for r in routes]
            if moves:
                targets += [m.to for m in moves]
            if state.outcomes:
                targets += state.outcomes.values()
            known = [t for t in targets if t in states]
            if len(known) < len(targets):
                self.broken.add(name)
            self.succ[name] = tuple(dict.fromkeys(known))
            for route in routes:
                if route.when is not None:
                    self._add(Site(state, route.ptr + "/when", route.when, route, None))
            for move in moves:
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
        sub-procedure's questions do not (its answers are its own), but for those its `use`
        names in `returns`, which may have been asked.
        """
        bits, states, order = self.field_bits, self.procedure.states, self.order
        if not bits or not order:
            return dict.fromkeys(order, 0), dict.fromkeys(order, 0)
        index = {name: i for i, name in enumerate(order)}
        asks, required = [0] * len(order), [0] * len(order)
        before: list[list[int]] = [[] for _ in order]
        for i, name in enumerate(order):
            for q in states[name].ask:
                bit = bits.get(q.field, 0)
                asks[i] |= bit
                if q.required:
                    required[i] |= bit
            use = states[name].use
            for ours in use.returns.values() if use is not None else ():
                asks[i] |= bits.get(ours, 0)  # handed back when the sub-procedure ends, if answered there
            for target in self.succ[name]:
                before[index[target]].append(i)
        everything = (1 << len(bits)) - 1
        may = asks[:]
        must = [everything] * len(order)
        must[0] = required[0]
        after: list[list[int]] = [[] for _ in order]
        for i, sources in enumerate(before):
            for j in sources:
                after[j].append(i)
        # A worklist: a state is looked at again only when what flows into it changed. `may`
        # only grows and `must` only shrinks, so each state changes a few times at most, where
        # passes over every state until nothing changes took one pass per step back along a
        # chain of loops (quadratic in the states).
        queued = [True] * len(order)
        queued[0] = bool(before[0])  # loops back to the start add to what may have been asked there
        pending = deque(i for i, q in enumerate(queued) if q)
        while pending:
            i = pending.popleft()
            queued[i] = False
            in_may, in_must = 0, everything
            for j in before[i]:
                in_may |= may[j]
                in_must &= must[j]
            new_may = in_may | asks[i]
            new_must = required[0] if i == 0 else in_must | required[i]
            if new_may != may[i] or new_must != must[i]:
                may[i], must[i] = new_may, new_must
                for k in after[i]:
                    if not queued[k]:
                        queued[k] = True
                        pending.append(k)
        return dict(zip(order, may, strict=True)), dict(zip(order, must, strict=True))

    def answered(self, state: State) -> Container[str]:
        """Fields certainly answered when `state` is left (asked as required on every path):
        a view of the state's bit set, so asking costs nothing per field declared."""
        return Answered(self.field_bits, self.asked[1].get(state.name, 0))

    @cached_property
    def texts(self) -> list[Text]:
        """Every text of the procedure that people read, in file order."""
        return list(_texts(self.procedure))

    @cached_property
    def strings(self) -> list[tuple[str, Text, str | None]]:
        """(string, its text, its language or None for a plain string) for every text."""
        out: list[tuple[str, Text, str | None]] = [
            (t.plain, t, None) for t in self.texts if t.plain is not None
        ]
        out += [(value, t, lang) for t in self.texts for lang, value in t.values.items()]
        return out


def string_pointer(text: Text, lang: str | None) -> str:
    return text.ptr if lang is None else f"{text.ptr}/{lang}"


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
