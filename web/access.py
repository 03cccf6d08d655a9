"""Who may see what, decided on the server for every page: acting in a state, and seeing the
answers to `pii` fields (the person acting in the state, or a holder of the supervising role)."""

from __future__ import annotations

from procflow.engine.desk.people import may_act
from procflow.engine.site.sitefile import Site

MASK = "•••"  # what a page shows instead of a personal answer the reader may not see


def supervises(site: Site, person: str) -> bool:
    held = site.roles_of(person)
    return held is None or site.supervising_role in held


def sees_pii(site: Site, person: str, role: str | None) -> bool:
    """Whether `person` may read personal answers of a state of `role`."""
    return may_act(site, person, role) or supervises(site, person)
