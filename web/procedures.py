"""The procedures the desk offers, read and checked once when first needed: which ones a person
may start (the role of the first state), and their titles and state titles for listings.
An instance always runs on its pinned text; this is only for what is offered and named."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from procflow.engine.accountability.penalties import load_procedures
from procflow.engine.model.procedure import Procedure
from procflow.engine.model.text import render


@dataclass(frozen=True)
class Startable:
    id: str
    title: str
    role: str | None  # of its first state
    role_title: str


class Offered:
    def __init__(self, dirs: Sequence[str]) -> None:
        self.dirs = tuple(dirs)
        self.lock = threading.Lock()
        self.found: dict[str, Procedure] | None = None
        self.problems: list[str] = []
        # titles by (procedure, state or "", language): the procedures are read once, so a title
        # once rendered stays right, and a desk page names the same few on every row
        self.titles: dict[tuple[str, str, str], str] = {}

    def all(self) -> dict[str, Procedure]:
        with self.lock:
            if self.found is None:
                self.found, self.problems = load_procedures(self.dirs)
            return self.found

    def startable(self, roles: frozenset[str] | None, lang: str) -> list[Startable]:
        """What a person holding `roles` may start (None: a site without people, anything)."""
        found = []
        for procedure in self.all().values():
            role = procedure.states[procedure.initial].role
            if roles is not None and role is not None and role not in roles:
                continue
            role_title = render(procedure.roles.get(role), lang, {}) if role else ""
            found.append(
                Startable(procedure.id, render(procedure.title, lang, {}), role, role_title or (role or ""))
            )
        return sorted(found, key=lambda s: s.id)

    def title(self, procedure_id: str, lang: str) -> str:
        key = (procedure_id, "", lang)
        found = self.titles.get(key)  # read without the lock: two threads may both fill it, alike
        if found is None:
            procedure = self.all().get(procedure_id)
            found = self.titles[key] = render(procedure.title, lang, {}) if procedure else procedure_id
        return found

    def state_title(self, procedure_id: str, state: str, lang: str) -> str:
        """The title of a qualified state (`use_state>child`): the innermost one's, when known."""
        key = (procedure_id, state, lang)
        found = self.titles.get(key)
        if found is None:
            found = self.titles[key] = self._state_title(procedure_id, state, lang)
        return found

    def _state_title(self, procedure_id: str, state: str, lang: str) -> str:
        name = state.rpartition(">")[2]
        procedures = self.all()
        for procedure in [procedures.get(procedure_id), *procedures.values()]:
            if procedure is not None and name in procedure.states:
                found = render(procedure.states[name].title, lang, {})
                return found or name
        return name
