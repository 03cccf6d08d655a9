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
        procedure = self.all().get(procedure_id)
        return render(procedure.title, lang, {}) if procedure else procedure_id

    def state_title(self, procedure_id: str, state: str, lang: str) -> str:
        """The title of a qualified state (`use_state>child`): the innermost one's, when known."""
        name = state.rpartition(">")[2]
        procedures = self.all()
        for procedure in [procedures.get(procedure_id), *procedures.values()]:
            if procedure is not None and name in procedure.states:
                found = render(procedure.states[name].title, lang, {})
                return found or name
        return name
