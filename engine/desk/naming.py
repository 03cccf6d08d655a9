"""An instance's ids as people read them: its procedure, states, moves, roles, outcomes, fields,
answers, checklist items and deadlines by their texts in the reader's language, from the texts
the instance is pinned to. `history`, `correct`, `handoff` and `agenda` at the terminal, and the
web history, name what they show through it.

Only names: it never reads the store or prints. An id without a text stays as it is, and with
`ids` (`--ids`) every id does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from procflow.engine.base.messages import message
from procflow.engine.model.procedure import Field, Procedure, Text
from procflow.engine.model.text import render
from procflow.engine.runtime.journal import SEPARATOR

if TYPE_CHECKING:
    from procflow.engine.desk.instances import Opened


class Namer:
    """Names of one instance's ids in `lang`; with `ids`, the ids themselves."""

    def __init__(
        self,
        procedures: Mapping[str, Procedure],
        entry: str,
        lang: str,
        ids: bool,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        self.procedures, self.entry, self.lang, self.ids = procedures, entry, lang, ids
        self.params = dict(params or {})  # the instance's parameters, which titles may name

    def _named(self, text: Text | None, ident: str) -> str:
        title = "" if self.ids else render(text, self.lang, self.params)
        return title or ident

    def procedure(self) -> str:
        found = self.procedures.get(self.entry)
        return self.entry if found is None else self._named(found.title, self.entry)

    def _owner(self, path: str | None) -> Procedure | None:
        """The procedure a qualified state path (`use_state>state`) is in, if the texts have it."""
        procedure = self.procedures.get(self.entry)
        for name in (path or "").split(SEPARATOR)[:-1]:
            found = procedure.states.get(name) if procedure is not None else None
            use = found.use if found is not None else None
            procedure = self.procedures.get(use.procedure) if use is not None else None
        return procedure

    def _inner(self, path: str) -> tuple[Procedure, str] | None:
        """The procedure and state a qualified state path ends in, if the texts have it."""
        procedure = self._owner(path)
        state = path.split(SEPARATOR)[-1]
        if procedure is None or state not in procedure.states:
            return None
        return procedure, state

    def state(self, path: str | None) -> str:
        if not path:
            return ""
        found = self._inner(path)
        if found is None:
            return path
        procedure, state = found
        node = procedure.states[state]
        if node.final and node.title is None and not self.ids:  # an untitled end, as a run ends
            return message(self.lang, "status.finished")
        return self._named(node.title, path)

    def sibling(self, path: str, state: str) -> str:
        """`state` of the procedure the qualified state `path` is in (where a route out of it
        went); with `ids`, its id as the correction recorded it."""
        if self.ids:
            return state
        return self.state(SEPARATOR.join([*path.split(SEPARATOR)[:-1], state]))

    def move(self, move: str, path: str | None) -> str:
        """A move by its label in the state it was taken from (`path`)."""
        found = self._inner(path) if path else None
        moves = found[0].states[found[1]].moves if found is not None else ()
        return self._named(next((m.label for m in moves if m.id == move), None), move)

    def role(self, role: str) -> str:
        titles = [p.roles[role] for p in self.procedures.values() if role in p.roles]
        return self._named(titles[0] if titles else None, role)

    def outcome(self, outcome: str, ended: str | None) -> str:
        """An outcome by the title of the final state that gave it (`ended`, the state it was in);
        empty when that state has no title (a run's end does not name it by its id either)."""
        found = self._inner(ended) if ended else None
        if found is None or not found[0].states[found[1]].final or self.ids:
            return outcome
        title = found[0].states[found[1]].title
        return self._named(title, outcome) if title is not None else ""

    def _field(self, name: str, path: str | None) -> Field | None:
        """The field `name` of the procedure `path` is in; else of any procedure that has one."""
        owner = self._owner(path) if path else None
        if owner is not None and name in owner.fields:
            return owner.fields[name]
        return next((p.fields[name] for p in self.procedures.values() if name in p.fields), None)

    def field(self, name: str, path: str | None) -> str:
        """A field by its label (`path`: the state it was answered in)."""
        found = self._field(name, path)
        return self._named(found.label if found is not None else None, name)

    def value(self, name: str, value: Any, path: str | None) -> str:
        """An answer as the operator gave it: a choice by its option's label, a yes/no in words;
        with `ids`, as stored."""
        if self.ids:
            return str(value)
        if isinstance(value, bool):
            return message(self.lang, "run.yes" if value else "run.no")
        found = self._field(name, path)
        if found is not None and found.type == "choice" and isinstance(value, str):
            return self._named(found.option_labels.get(value), value)
        return str(value)

    def item(self, item: str, path: str | None) -> str:
        """A checklist item by its text in the state it belongs to (`path`)."""
        found = self._inner(path) if path else None
        items = found[0].states[found[1]].do if found is not None else ()
        return self._named(next((i.text for i in items if i.id == item), None), item)

    def deadline(self, deadline: str, path: str | None) -> str:
        """A deadline by its text in the state it belongs to (`path`)."""
        found = self._inner(path) if path else None
        dues = found[0].states[found[1]].due if found is not None else ()
        return self._named(next((d.text for d in dues if d.id == deadline), None), deadline)


def namer(opened: Opened, lang: str, ids: bool) -> Namer:
    """The names of an opened instance's ids, from the texts it is pinned to."""
    return instance_namer(
        opened.session.procedures, opened.record.procedure_id, opened.session.snapshot, lang, ids
    )


def instance_namer(
    procedures: Mapping[str, Procedure], entry: str, snapshot: Mapping[str, Any], lang: str, ids: bool
) -> Namer:
    """The names of an instance's ids from its pinned procedures, its entry procedure's id and
    its snapshot, whose frames' parameters the titles may name."""
    params = {k: v for frame in snapshot["frames"] for k, v in frame["params"].items()}
    return Namer(procedures, entry, lang, ids, params)
