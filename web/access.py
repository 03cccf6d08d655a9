"""Who may see what, decided on the server for every page: acting in a state, handing on or
cancelling an instance, and seeing the answers to `pii` fields (the person acting in the state,
or a holder of the supervising role)."""

from __future__ import annotations

from procflow.engine.desk.instances import Opened, holder_of
from procflow.engine.desk.people import may_act, may_pass_on, supervises
from procflow.engine.site.sitefile import Site

MASK = "•••"  # what a page shows instead of a personal answer the reader may not see


def sees_pii(site: Site, person: str, role: str | None) -> bool:
    """Whether `person` may read personal answers of a state of `role`."""
    return may_act(site, person, role) or supervises(site, person)


def needs_override(site: Site, person: str, opened: Opened) -> bool:
    """Whether handing on or cancelling this open instance needs "act anyway" with a reason:
    it is not the person's, nor is its state's role or the supervising role theirs."""
    if opened.status != "open":
        return False
    return not may_pass_on(site, person, opened.view().role, holder_of(opened))
