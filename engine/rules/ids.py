"""Rules on ids and names: each unique in its scope, and references to parameters resolve.

Scopes: deadlines, work rules and penalties across the procedure; checklist items, moves and
questions within their state; and a field and a parameter may not share a name, since
guards and texts read both the same way.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from procflow.engine.model.procedure import Procedure
from procflow.engine.rules import Finding, rule
from procflow.engine.rules.analysis.facts import suggest


def _duplicates(
    kind: str, entries: Sequence[tuple[str, str]], suffix: str, where: str = ""
) -> Iterator[Finding]:
    """A finding for each (id, pointer) whose id came before, pointing back at the first;
    `suffix` leads from each pointer to the id itself."""
    if len({ident for ident, _ in entries}) == len(entries):
        return
    first: dict[str, str] = {}
    for ident, pointer in entries:
        if ident in first:
            message = f"duplicate {kind} {ident!r}{where}; the first is at {{related}}"
            yield Finding(pointer + suffix, message, related=first[ident] + suffix)
        else:
            first[ident] = pointer


@rule("P024", "duplicate-id", "an id used twice in its scope, or a name that is both a field and a parameter")
def duplicate_id(procedure: Procedure) -> Iterator[Finding]:
    for name, param in procedure.params.items():
        if name in procedure.fields:
            yield Finding(
                param.ptr,
                f"{name!r} is both a field and a parameter (field at {{related}}); rename one",
                key=True,
                related=procedure.fields[name].ptr,
            )
    states = procedure.states.values()
    yield from _duplicates("deadline id", [(d.id, d.ptr) for s in states for d in s.due], "/id")
    yield from _duplicates("work rule id", [(r.id, r.ptr) for r in procedure.work_rules], "/id")
    yield from _duplicates("penalty id", [(p.id, p.ptr) for p in procedure.penalties], "/id")
    # ids made of digits are positions given by procflow: they never clash
    items = [(s.name, i.id) for s in states for i in s.do if not i.id.isdigit()]
    moves = [(s.name, m.id) for s in states for m in s.moves]
    asks = [(s.name, q.field) for s in states for q in s.ask]
    if len(set(items)) == len(items) and len(set(moves)) == len(moves) and len(set(asks)) == len(asks):
        return
    for state in states:
        where = f" in state {state.name!r}"
        explicit = [(i.id, i.ptr) for i in state.do if not i.id.isdigit()]
        yield from _duplicates("item id", explicit, "/id", where)
        yield from _duplicates("move id", [(m.id, m.ptr) for m in state.moves], "/id", where)
        yield from _duplicates("question about", [(q.field, q.ptr) for q in state.ask], "/field", where)


@rule(
    "P025",
    "unknown-penalty-param",
    "a penalty's min_count names a parameter that is not declared or not a count",
)
def unknown_penalty_param(procedure: Procedure) -> Iterator[Finding]:
    params = procedure.params
    for penalty in procedure.penalties:
        if not isinstance(penalty.min_count, str):
            continue
        name, pointer = penalty.min_count.strip("{}"), penalty.ptr + "/min_count"
        param = params.get(name)
        if param is None:
            hint = suggest(name, params) or "; declare it under 'params'"
            yield Finding(
                pointer, f"min_count names parameter {name!r}, which is not declared{hint}", offset=1
            )
        elif isinstance(param.default, bool) or not isinstance(param.default, int) or param.default < 1:
            yield Finding(
                pointer,
                f"parameter {name!r} has default {param.default!r}; min_count needs a whole number of at least 1",
                offset=1,
            )
