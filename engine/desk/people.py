"""Who may act and who holds an instance: roles from the site file, refusals, handoff targets.

Decides from a `Site` and the procedures' declared roles only. Records nothing (the session
emits `override` and `handoff` events, the store saves them) and never prints or prompts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, NamedTuple

from procflow.engine.base.errors import IllegalMoveError, NotFoundError, RoleError, UsageError
from procflow.engine.base.messages import message
from procflow.engine.runtime.journal import copy_snapshot, qualified
from procflow.engine.runtime.state import Snapshot
from procflow.engine.site.sitefile import Site

if TYPE_CHECKING:
    from procflow.engine.model.procedure import Procedure, Text
    from procflow.engine.runtime.session import StepResult

PERSON, ROLE = "person", "role"
Titles = tuple["Text | None", "Text | None"]  # a role's title and a state's, as a procedure gives them
OVERRIDE_HINT = "to act anyway add --override --reason TEXT"


class Target(NamedTuple):
    """Whom an instance is handed to: a person (it becomes theirs) or a role (anyone holding it)."""

    kind: str  # PERSON or ROLE
    name: str


class Holder(NamedTuple):
    """Whose an instance is: `owner`, a person; `assignee`, a role it was handed to (then it is the role's)."""

    owner: str | None
    assignee: str | None


def may_act(site: Site, person: str, role: str | None) -> bool:
    """Whether `person` may act in a state of `role`: a state without a role, or a site without
    people, restricts nobody."""
    if role is None:
        return True
    held = site.roles_of(person)
    return held is None or role in held


def supervises(site: Site, person: str) -> bool:
    """Whether `person` holds the site's supervising role (who decides about violations, and may
    cancel or hand on any open instance); a site without people restricts nobody."""
    held = site.roles_of(person)
    return held is None or site.supervising_role in held


def may_pass_on(site: Site, person: str, role: str | None, holder: Holder) -> bool:
    """Whether `person` may hand on or cancel an instance in a state of `role` held by `holder`
    without an override: its holder (`holds`), whoever may act in the state, the supervising role."""
    return holds(site, person, holder) or may_act(site, person, role) or supervises(site, person)


def holds(site: Site, person: str, holder: Holder) -> bool:
    """Whether the instance of `holder` is `person`'s: theirs as its owner, or handed to a role
    they hold (then it is that role's, no longer the owner's)."""
    if holder.assignee is None:
        return holder.owner == person
    held = site.roles_of(person)
    return held is None or holder.assignee in held


def refusal(site: Site, person: str, role: str, state: str, titles: Titles = (None, None)) -> RoleError:
    """The refusal of a step: the role, who holds it, and how to override. Its `message` names
    the role and state by id; an operator reads it in the run's language with their titles
    (`titles`: the role's and the state's, as the procedure gives them)."""
    holders = site.holders(role)
    stranger = person not in site.people
    if not holders:
        english = f"role '{role}' of state '{state}' is held by nobody in the site file; {OVERRIDE_HINT}"
    else:
        outside = " (not among the site file's people)" if stranger else ""
        english = (
            f"role '{role}' of state '{state}' is held by {', '.join(holders)}, not by '{person}'"
            f"{outside}; {OVERRIDE_HINT}"
        )

    def said(lang: str, ids: bool) -> str:
        role_title, state_title = (t.get(lang) if t is not None else "" for t in titles)
        values = {
            "role": _named(role_title, role, ids),
            "state": _named(state_title, state, ids),
            "person": person,
            "holders": message(lang, "refused.list").join(holders),
            "stranger": message(lang, "refused.stranger") if stranger else "",
        }
        key = "refused.role" if holders else "refused.role_nobody"
        return message(lang, key, **values) + message(lang, "refused.override")

    return RoleError(english, said)


def titles(procedure: Procedure, state: str) -> Titles:
    """The role's title and the state's title of `state`, for a refusal an operator reads."""
    found = procedure.states[state]
    return (procedure.roles.get(found.role) if found.role else None), found.title


def _named(title: str, ident: str, ids: bool) -> str:
    """A role or state by its title; by its id when it has none, beside it with `--ids`."""
    if not title or title == ident:
        return ident
    return f"{title} ({ident})" if ids else title


def check_override_reason(reason: str | None) -> str:
    """The reason of an override, trimmed; an override without one is a usage error."""
    text = (reason or "").strip()
    if not text:
        raise UsageError("--override needs --reason TEXT saying why the step is taken anyway")
    return text


class Gate:
    """Who may act, for one person at one desk: refusals, and the override reasons given.

    `override` is a reason given up front (`--override --reason`) for every state whose role the
    person lacks; otherwise `ask(refusal)` (the RoleError) may supply one (an interactive run asks the operator).
    Without either the step is refused with RoleError. An override is recorded once per visit
    of a state: the desk adds the visit to `recorded` when the step that carried it is saved.
    """

    def __init__(self, site: Site, person: str, override: str | None = None) -> None:
        self.site = site
        self.person = person
        self.override = override
        self.ask: Callable[[RoleError], str | None] | None = None
        self.asked: dict[tuple[str, int], str] = {}
        self.recorded: set[tuple[str, int]] = set()

    def reason(
        self,
        role: str | None,
        where: str,
        visit: tuple[str, int],
        titles: Titles = (None, None),
        entitled: bool = False,
    ) -> str | None:
        """The override reason to record with the next step in `visit` of a state of `role`;
        None when the person holds the role, is `entitled` otherwise (see `Desk.authorise`), or
        this visit's override is already recorded. `titles` are the role's and the state's, for
        the refusal an operator reads."""
        if entitled or may_act(self.site, self.person, role) or visit in self.recorded:
            return None
        if self.override:
            return self.override
        if visit in self.asked:
            return self.asked[visit]
        refused = refusal(self.site, self.person, str(role), where, titles)
        reason = (self.ask(refused) or "").strip() if self.ask is not None else ""
        if not reason:
            raise refused
        self.asked[visit] = reason
        return reason


def resolve_target(site: Site, text: str, roles: Iterable[str]) -> Target:
    """`--to` as typed: `person:NAME`, `role:NAME`, or a bare name that is one or the other.

    Without `people` in the site any name that is not a role is taken as a person's.
    NotFoundError (with "did you mean") for an unknown one; UsageError for an ambiguous one.
    """
    declared = sorted(set(roles))
    given = text.strip()
    kind, sep, name = given.partition(":")
    if sep and kind in (PERSON, ROLE):
        name = name.strip()
        if not name:
            raise UsageError(f"--to '{text}' names no {kind}")
        if kind == ROLE:
            if name not in declared:
                raise NotFoundError(
                    f"unknown role '{name}' (this instance's roles: {_listed(declared)})"
                    f"{_hint(name, declared)}"
                )
            return Target(ROLE, name)
        if site.people and name not in site.people:
            raise NotFoundError(
                f"unknown person '{name}' (the site file's people: {_listed(site.people)})"
                f"{_hint(name, site.people)}"
            )
        return Target(PERSON, name)
    if not given:
        raise UsageError("--to needs a person or a role")
    is_role = given in declared
    is_person = given in site.people if site.people else not is_role
    if is_role and is_person:
        raise UsageError(
            f"'{given}' is both a person and a role; write --to person:{given} or --to role:{given}"
        )
    if is_role:
        return Target(ROLE, given)
    if is_person:
        return Target(PERSON, given)
    known = [*site.people, *declared]
    raise NotFoundError(
        f"unknown person or role '{given}' (people: {_listed(site.people)}; roles: "
        f"{_listed(declared)}){_hint(given, known)}"
    )


def handed(before: Holder, target: Target) -> Holder:
    """The holder after a handoff: a person takes it over; a role gets it, the owner kept as who passed it."""
    if target.kind == PERSON:
        return Holder(target.name, None)
    return Holder(before.owner, target.name)


def hand_off(
    site: Site,
    procedures: Mapping[str, Procedure],
    snapshot: Snapshot,
    before: Holder,
    to: str,
    note: str | None,
    *,
    at: str,
    actor: str,
    instance: str,
    override: str | None = None,
) -> tuple[Target, Holder, StepResult]:
    """The `handoff` event of an open instance to `to` (resolved against the site's people and
    the instance's roles), with the holder it leaves; nothing is saved here. `override`, a
    reason, is recorded first when the actor hands on a state whose role they lack."""
    # the machine behind a step imports transitions: loaded when a handoff is made, not by `status`
    from procflow.engine.runtime.routing import Step
    from procflow.engine.runtime.session import StepResult

    if snapshot["status"] != "open":
        raise IllegalMoveError(f"instance '{instance}' is {snapshot['status']}; it cannot be handed on")
    roles = {name for procedure in procedures.values() for name in procedure.roles}
    target = resolve_target(site, to, roles)
    after = handed(before, target)
    if after == before:
        raise IllegalMoveError(
            f"instance '{instance}' is already with {target.kind} '{target.name}'; nothing was handed on"
        )
    frame = snapshot["frames"][-1]
    role = procedures[frame["procedure"]].states[frame["state"]].role
    step = Step(procedures, copy_snapshot(snapshot), at, actor, role)
    if override is not None:
        step.emit("override", {"reason": override, "from": qualified(snapshot)})
    step.emit(
        "handoff",
        {
            "to": target.name,
            "target": target.kind,
            "owner": after.owner,
            "assignee": after.assignee,
            "note": (note or "").strip() or None,
            "from": qualified(snapshot),
        },
    )
    return target, after, StepResult(step.work, step.events)


def _hint(name: str, known: Iterable[str]) -> str:
    import difflib  # only for a name nobody holds: not on the way to `run`'s first prompt

    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _listed(names: Iterable[str]) -> str:
    shown = sorted(names)
    return ", ".join(shown) if shown else "none"
