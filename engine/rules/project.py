"""Rules over every procedure checked together: unique ids, sound use of sub-procedures, and
parameters shared `from` a procedure that declares them.

A procedure may `use` another one only if that one exists (among the procedures checked, or
where `procflow run` would find it: beside them, PROCFLOW_PATH, the bundled set — validate
reads those in), never itself through a chain of uses, and must say where to go after each
of its outcomes when it maps them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping

from procflow.engine.model.procedure import State
from procflow.engine.rules import Checked, Finding, project_rule
from procflow.engine.rules.analysis.facts import quoted, suggest

ById = Mapping[str, list[Checked]]


def _uses(checked: Checked) -> Iterator[State]:
    return (s for s in checked.procedure.states.values() if s.use is not None)


def _first(by_id: ById, ident: str) -> Checked | None:
    found = by_id.get(ident)
    return min(found, key=lambda c: c.document.path) if found else None


@project_rule("P006", "duplicate-procedure-id", "two files define procedures with the same id")
def duplicate_procedure_id(by_id: ById) -> Iterator[tuple[Checked, Finding]]:
    for ident, items in by_id.items():
        if len(items) < 2:
            continue
        first, *others = sorted(items, key=lambda c: c.document.path)
        line, col = first.document.locate("/id")
        for other in others:
            message = f"procedure id {ident!r} is already used by {first.document.path}:{line}:{col}"
            yield other, Finding("/id", message)


@project_rule("P019", "unknown-procedure", "a state uses a procedure that procflow cannot find")
def unknown_procedure(by_id: ById) -> Iterator[tuple[Checked, Finding]]:
    for items in by_id.values():
        for checked in items:
            for state in _uses(checked):
                name = state.use.procedure  # type: ignore[union-attr]
                if name not in by_id:
                    hint = (
                        suggest(name, by_id)
                        or " (put it beside this file, in a directory on PROCFLOW_PATH, or check it together with this file)"
                    )
                    yield (
                        checked,
                        Finding(state.ptr + "/use/procedure", f"procedure {name!r} does not exist{hint}"),
                    )


@project_rule("P020", "procedure-cycle", "procedures that use each other in a cycle")
def procedure_cycle(by_id: ById) -> Iterator[tuple[Checked, Finding]]:
    edges = {
        ident: sorted({s.use.procedure for c in items for s in _uses(c) if s.use.procedure in by_id})  # type: ignore[union-attr]
        for ident, items in by_id.items()
    }
    component = _components(edges)
    for ident, items in by_id.items():
        for checked in items:
            for state in _uses(checked):
                target = state.use.procedure  # type: ignore[union-attr]
                if target in component and component.get(ident) == component[target]:
                    path = " → ".join([ident, *_path(edges, target, ident, component)])
                    yield (
                        checked,
                        Finding(
                            state.ptr + "/use/procedure",
                            f"procedure {ident!r} uses {target!r}, which leads back to it ({path}); "
                            "a procedure cannot run inside itself",
                        ),
                    )


def _components(edges: Mapping[str, list[str]]) -> dict[str, int]:
    """Tarjan's strongly connected components, without recursion; only nodes on a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: dict[str, int] = {}
    for root in edges:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            children = edges.get(node, [])
            if i < len(children):
                work.append((node, i + 1))
                child = children[i]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                if len(members) > 1 or node in edges.get(node, []):
                    out.update((m, index[node]) for m in members)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return out


def _path(edges: Mapping[str, list[str]], start: str, goal: str, component: Mapping[str, int]) -> list[str]:
    """The shortest chain of uses from `start` to `goal` inside their cycle, both included."""
    came: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            break
        for child in edges.get(node, []):
            if child not in came and component.get(child) == component[start]:
                came[child] = node
                queue.append(child)
    chain: list[str] = []
    at: str | None = goal
    while at is not None:
        chain.append(at)
        at = came.get(at)
    return chain[::-1]


@project_rule(
    "P021", "outcome-mismatch", "'outcomes' miss an outcome of the used procedure, or name one it lacks"
)
def outcome_mismatch(by_id: ById) -> Iterator[tuple[Checked, Finding]]:
    for items in by_id.values():
        for checked in items:
            for state in _uses(checked):
                child = _first(by_id, state.use.procedure)  # type: ignore[union-attr]
                if child is None or not state.outcomes:
                    continue
                ends, name = child.procedure.outcomes, child.procedure.id
                for outcome in state.outcomes:
                    if outcome not in ends:
                        hint = suggest(outcome, ends) or f" (its outcomes: {', '.join(ends)})"
                        yield (
                            checked,
                            Finding(
                                f"{state.ptr}/outcomes/{outcome}",
                                f"procedure {name!r} has no outcome {outcome!r}{hint}",
                                key=True,
                            ),
                        )
                missing = [o for o in ends if o not in state.outcomes]
                if missing:
                    yield (
                        checked,
                        Finding(
                            state.ptr + "/outcomes",
                            f"'outcomes' do not say where to go when procedure {name!r} ends with {quoted(missing)}",
                            key=True,
                        ),
                    )


@project_rule(
    "P030", "unknown-use-param", "a state passes a parameter that the used procedure does not declare"
)
def unknown_use_param(by_id: ById) -> Iterator[tuple[Checked, Finding]]:
    for items in by_id.values():
        for checked in items:
            for state in _uses(checked):
                use = state.use
                child = _first(by_id, use.procedure)  # type: ignore[union-attr]
                if child is None:
                    continue
                params = child.procedure.params
                for key in use.params:  # type: ignore[union-attr]
                    if key not in params:
                        hint = suggest(key, params) or (
                            f" (its parameters: {', '.join(params)})" if params else ""
                        )
                        yield (
                            checked,
                            Finding(
                                f"{use.ptr}/params/{key}",  # type: ignore[union-attr]
                                f"procedure {child.procedure.id!r} has no parameter {key!r}{hint}",
                                key=True,
                            ),
                        )


@project_rule(
    "P038",
    "bad-return",
    "a used procedure hands back a field that it or the caller does not declare, or of another type",
)
def bad_return(by_id: ById) -> Iterator[tuple[Checked, Finding]]:
    for items in by_id.values():
        for checked in items:
            for state in _uses(checked):
                use = state.use
                assert use is not None
                child = _first(by_id, use.procedure)
                if child is None:
                    continue
                theirs_all, ours_all = child.procedure.fields, checked.procedure.fields
                for theirs, ours in use.returns.items():
                    pointer = use.return_ptrs[theirs]
                    theirs_field, ours_field = theirs_all.get(theirs), ours_all.get(ours)
                    if theirs_field is None:
                        message = (
                            f"procedure {child.procedure.id!r} has no field {theirs!r} to hand back"
                            f"{suggest(theirs, theirs_all)}"
                        )
                    elif ours_field is None:
                        message = (
                            f"field {ours!r}, which takes the answer of {child.procedure.id!r}, is not "
                            f"declared here{suggest(ours, ours_all)}"
                        )
                    elif theirs_field.type != ours_field.type:
                        message = (
                            f"{child.procedure.id!r} hands back {theirs!r} as {theirs_field.type}, "
                            f"but field {ours!r} here is {ours_field.type}"
                        )
                    elif not set(theirs_field.options) <= set(ours_field.options):
                        extra = sorted(set(theirs_field.options) - set(ours_field.options))
                        message = (
                            f"{child.procedure.id!r} hands back {theirs!r} with options {quoted(extra)} "
                            f"that field {ours!r} here does not have"
                        )
                    else:
                        continue
                    yield checked, Finding(pointer, message, key=pointer.rsplit("/", 1)[1] == theirs)


@project_rule(
    "P039",
    "bad-shared-param",
    "a parameter is shared from a procedure that does not exist or does not declare it itself",
)
def bad_shared_param(by_id: ById) -> Iterator[tuple[Checked, Finding]]:
    for items in by_id.values():
        for checked in items:
            for name, param in checked.procedure.params.items():
                origin_id = param.shared
                if origin_id is None:
                    continue
                pointer = param.ptr + "/from"
                origin = _first(by_id, origin_id)
                if origin_id == checked.procedure.id:
                    message = f"parameter {name!r} is shared from its own procedure; declare it here with its default"
                elif origin is None:
                    hint = suggest(origin_id, by_id) or (
                        " (put it beside this file, in a directory on PROCFLOW_PATH, or check it together with this file)"
                    )
                    message = f"procedure {origin_id!r} does not exist{hint}"
                elif name not in origin.procedure.params:
                    message = f"procedure {origin_id!r} declares no parameter {name!r}{suggest(name, origin.procedure.params)}"
                elif (further := origin.procedure.params[name].shared) is not None:
                    message = (
                        f"procedure {origin_id!r} shares {name!r} from {further!r} itself; "
                        f"name {further!r}, where it is declared"
                    )
                else:
                    continue
                yield checked, Finding(pointer, message)
