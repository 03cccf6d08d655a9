"""Durable instances: procedures found and checked, sessions started and resumed, steps saved.

The service behind `run`, `resume`, `step` and `cancel`: catalog + validation + session +
store. An instance starts from the exact bytes that were checked and runs on them for ever
after (they are pinned); every step is one transaction. Raises engine errors; never prints.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from procflow.engine.base.clock import now
from procflow.engine.base.diagnostic import Diagnostic
from procflow.engine.base.errors import EXIT_FINDINGS, NotFoundError, ProcflowError, UsageError
from procflow.engine.base.paths import SUFFIXES
from procflow.engine.base.safetext import unstorable, visible
from procflow.engine.base.stamps import stamp
from procflow.engine.desk.people import (
    PERSON,
    Gate,
    Holder,
    Target,
    hand_off,
    may_act,
    may_pass_on,
    refusal,
    titles,
)
from procflow.engine.desk.pins import absolute, changed_files, pinned_procedures, remember_parsed
from procflow.engine.load.reader import LoadError, read_bytes
from procflow.engine.model.procedure import Procedure
from procflow.engine.model.text import render
from procflow.engine.runtime.due import due_rows
from procflow.engine.runtime.journal import qualified, trail
from procflow.engine.runtime.state import Event, Scalar, Snapshot, Status, snapshot_from_json, stored, to_json
from procflow.engine.site.sitefile import Site
from procflow.engine.store import Store
from procflow.engine.store.records import Instance, Names, sha256

if TYPE_CHECKING:
    from procflow.engine.check.catalog import Catalog
    from procflow.engine.runtime.session import Session
    from procflow.engine.runtime.view import View

Clock = Callable[[], datetime]


class InvalidProcedureError(ProcflowError):
    """A procedure with errors cannot be started; `diagnostics` says why."""

    exit_code = EXIT_FINDINGS

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic]) -> None:
        super().__init__(message)
        self.diagnostics = list(diagnostics)


@dataclass
class Opened:
    """An instance read from the store with a live session on its pinned procedures."""

    record: Instance
    session: Session
    notices: list[str] = field(default_factory=list)  # e.g. its procedure file changed since
    store: Store | None = None  # where its events are, for the trail a stored snapshot lacks

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def version(self) -> int:
        return self.session.snapshot["version"]

    @property
    def status(self) -> Status:
        return self.session.snapshot["status"]

    def view(self) -> View:
        return self.session.view()

    def path(self) -> list[str]:
        """Every state entered so far, qualified by its callers: from the session when it has the
        whole trail, else rebuilt from the stored events (a stored snapshot keeps only its length)."""
        snapshot = self.session.snapshot
        if len(snapshot["path"]) == snapshot["steps"] or self.store is None:
            return list(snapshot["path"])
        return trail(e.body for e in self.store.events(self.id))[0]


class Desk:
    """Everything one person does with instances, against one store."""

    def __init__(
        self,
        store: Store,
        *,
        actor: str,
        lang: str = "zh-Hant",
        dirs: Sequence[str] = (),
        clock: Clock | None = None,
        params: Mapping[str, Scalar] | None = None,
        site: Site | None = None,
        override: str | None = None,
    ) -> None:
        self.store = store
        self.actor = actor
        self.lang = lang
        self.dirs = tuple(dirs)
        self.clock = clock or (lambda: now(self.site.timezone))  # the site's zone, when it has one
        self.site = site if site is not None else Site()
        self.params = dict(params if params is not None else self.site.params)
        self.gate = Gate(self.site, actor, override)  # who may act, and override reasons given

    # --- starting -------------------------------------------------------------------------

    def start(self, ref: str) -> Opened:
        """A new instance of the procedure `ref` (an id, or the path of a YAML file)."""
        # `history` and the agenda read pinned procedures from here without running any:
        # the session (transitions) is imported where an instance is run
        from procflow.engine.runtime.session import start

        texts, procedures = self._checked(ref)
        entry = next(iter(procedures))
        hashes = {pid: sha256(raw) for pid, (_, raw) in texts.items()}
        first = procedures[entry].states[procedures[entry].initial]
        override = self.gate.reason(first.role, first.name, (entry, 0), titles(procedures[entry], first.name))
        moment = self.clock()
        snapshot, events = start(
            procedures,
            entry,
            params=self.params,
            now=moment,
            actor=self.actor,
            hashes=hashes,
            procedure_params=self.site.procedure_params,
            override=override,
            calendar=self.site.calendar,
            zone=self.site.timezone,
        )
        for digest, pid in ((hashes[p], p) for p in procedures):
            remember_parsed(digest, procedures[pid])
        record = self.store.start_instance(
            procedure_id=entry,
            pins=texts,
            snapshot=stored(snapshot),
            state=qualified(snapshot),
            status=snapshot["status"],
            role=_role(procedures, snapshot),
            events=[to_json(e) for e in events],
            actor=self.actor,
            at=stamp(moment),
            due=due_rows(snapshot, procedures),
            names=names_of(procedures, snapshot, self.lang),
        )
        if override is not None and snapshot["steps"] == 1:  # still in the first state: overridden
            self.gate.recorded.add((record.id, 1))
        return Opened(record, self._session(procedures, snapshot, hashes), store=self.store)

    def _checked(self, ref: str) -> tuple[dict[str, tuple[str, bytes]], dict[str, Procedure]]:
        """The entry procedure and every one it uses, each read once and fully checked (or, for
        a file that runs alone, found unchanged since it passed: `check.started`)."""
        dirs = self.dirs
        first: Path
        if ref.endswith(SUFFIXES) or "/" in ref or os.sep in ref:
            first = Path(ref)
            if not first.is_file():
                raise NotFoundError(f"procedure file '{ref}' does not exist")
            dirs = (*dirs, str(first.parent))
        else:  # the catalog's index knows an unchanged file's id without reading it
            from procflow.engine.check.catalog import build_catalog

            first = build_catalog(dirs).find(ref).path
        found = _passed_before(first)
        if found is not None:
            return found
        return self._check(first, dirs)

    def _check(
        self, first: Path, dirs: tuple[str, ...]
    ) -> tuple[dict[str, tuple[str, bytes]], dict[str, Procedure]]:
        """Every check on the file `first` and those it uses (found in `dirs`)."""
        # the schema check (jsonschema), YAML and the rules are needed only to start an instance
        from procflow.engine.check import started
        from procflow.engine.check.catalog import build_catalog
        from procflow.engine.check.files import check_document
        from procflow.engine.load.yamlio import load_yaml_bytes
        from procflow.engine.rules import Checked, run_project_rules

        catalog: Catalog | None = None  # indexed only when an id has to be looked up

        def find(procedure_id: str) -> Path:
            nonlocal catalog
            if catalog is None:
                catalog = build_catalog(dirs)
            return catalog.find(procedure_id).path

        texts: dict[str, tuple[str, bytes]] = {}
        procedures: dict[str, Procedure] = {}
        checked: list[Checked] = []
        pending: list[str | Path] = [first]
        while pending:
            wanted = pending.pop(0)
            path = wanted if isinstance(wanted, Path) else find(wanted)
            try:
                raw = read_bytes(str(path))  # bounded, and never blocks on a pipe
            except LoadError as exc:
                if exc.diagnostic.code in ("Y011", "Y014"):  # missing, not a file, unreadable
                    raise NotFoundError(
                        f"cannot read procedure file '{path}': {exc.diagnostic.message}"
                    ) from None
                raise _invalid(path, [exc.diagnostic]) from None
            try:
                document = load_yaml_bytes(raw, str(path))
            except LoadError as exc:
                raise _invalid(path, [exc.diagnostic]) from None
            procedure, found = check_document(document)
            if procedure is None or any(d.is_error for d in found):
                raise _invalid(path, found)
            if procedure.id in procedures:
                continue
            procedures[procedure.id] = procedure
            texts[procedure.id] = (absolute(str(path)), raw)  # names it from any working directory
            checked.append(Checked(procedure, document))
            # those it uses, and those its shared parameters come from (their defaults): pinned too
            pending += [ident for ident in procedure.needs() if ident not in procedures]
        problems = [d for d in run_project_rules(checked) if d.is_error]
        if problems:
            raise _invalid(Path(problems[0].path), problems)
        if len(checked) == 1:  # a file that runs alone: its next start skips all this
            kept, raw = next(iter(texts.values()))
            started.keep(started.key_of(kept, raw), checked[0].document.data)
        return texts, procedures

    # --- resuming -------------------------------------------------------------------------

    def open(self, instance_id: str) -> Opened:
        """The instance with its session on the pinned procedures, wherever the files went."""
        record = self.store.load(instance_id)
        snapshot = snapshot_from_json(record.snapshot, f"instance '{record.id}'")
        procedures = pinned_procedures(self.store, record.pins)
        opened = Opened(record, self._session(procedures, snapshot, record.pins), store=self.store)
        opened.notices = changed_files(self.store, record.pins, record.paths)
        return opened

    def _session(
        self, procedures: Mapping[str, Procedure], snapshot: Snapshot, hashes: Mapping[str, str]
    ) -> Session:
        from procflow.engine.runtime.session import Session  # transitions: see `start`

        return Session(
            procedures,
            snapshot,
            lang=self.lang,
            params=self.params,
            hashes=hashes,
            procedure_params=self.site.procedure_params,
            calendar=self.site.calendar,
            zone=self.site.timezone,
        )

    # --- who may act ----------------------------------------------------------------------

    def authorise(self, opened: Opened, passing_on: bool = False) -> str | None:
        """The override reason the next step in the current state must record (None: the actor
        holds its role, or the override of this visit is recorded); RoleError when refused.

        `passing_on`: a cancel or a hand-over rather than the state's work, which the instance's
        holder (`holds`) and the supervising role may also make: the person it was handed to
        passes it on, the role's holder hands it to the right person, a supervisor reassigns."""
        snapshot = opened.session.snapshot
        frame = snapshot["frames"][-1]
        procedure = opened.session.procedures[frame["procedure"]]
        role = procedure.states[frame["state"]].role
        entitled = passing_on and may_pass_on(self.site, self.actor, role, holder_of(opened))
        where, visit = qualified(snapshot), _visit(opened)
        return self.gate.reason(role, where, visit, titles(procedure, frame["state"]), entitled)

    # --- stepping -------------------------------------------------------------------------

    def step(
        self,
        opened: Opened,
        *,
        answers: Mapping[str, Any] | None = None,
        check: Iterable[str] = (),
        skip: Mapping[str, str] | None = None,
        move: str | None = None,
        note: str | None = None,
        done: Iterable[str] = (),
    ) -> int:
        """One step, saved in one transaction; the number of events it recorded (0: nothing
        changed, nothing saved). A refused step changes neither the store nor the session.
        `done` acknowledges recurrences (see `Session.advance`)."""
        before = opened.session.snapshot
        if before["status"] != "open" and done and not (answers or check or skip or move or note):
            return self._close_follow_ups(opened, done)
        override, visit = self.authorise(opened), _visit(opened)
        moment = self.clock()
        result = opened.session.advance(
            answers, check, skip, move, note, now=moment, actor=self.actor, override=override, done=done
        )
        saved = self._save(opened, before, result.snapshot, result.events, moment)
        if override is not None and saved:
            self.gate.recorded.add(visit)
        return saved

    def _close_follow_ups(self, opened: Opened, refs: Iterable[str]) -> int:
        """Follow-ups of an instance that has ended, marked done: they outlive it (the person
        acting needs the role of the state each one belongs to, as for a step there)."""
        before = opened.session.snapshot
        moment = self.clock()
        kept = {f["key"]: f for f in before.get("follow_ups", [])}
        role = None
        for ref in refs:
            found = kept.get(ref) or next((f for f in kept.values() if f["id"] == ref), None)
            if found is not None:
                role = opened.session.procedures[found["procedure"]].states[found["state"]].role
                if not may_act(self.site, self.actor, role):  # an ended instance takes no override
                    procedure = opened.session.procedures[found["procedure"]]
                    raise refusal(
                        self.site, self.actor, str(role), found["path"], titles(procedure, found["state"])
                    )
        result = opened.session.close_follow_ups(refs, now=moment, actor=self.actor, role=role)
        return self._save(opened, before, result.snapshot, result.events, moment)

    def handoff(
        self,
        opened: Opened,
        to: str,
        note: str | None = None,
        confirm: Callable[[str], bool] | None = None,
    ) -> Target:
        """Pass the instance on to a person or a role (`person:`/`role:` when a name is both),
        saved like a step: one transaction, refused if someone changed the instance first.

        Without a site file naming people, a name never seen in this store may be a typo: it is
        handed to only when `confirm(name)` says yes (UsageError otherwise, nothing saved).
        Its holder, whoever holds the current state's role, and the supervising role may hand it
        on; anyone else only with an override reason (recorded), as for a step."""
        snapshot = opened.session.snapshot
        moment = self.clock()
        override = self.authorise(opened, passing_on=True) if snapshot["status"] == "open" else None
        target, after, result = hand_off(
            self.site,
            opened.session.procedures,
            snapshot,
            holder_of(opened),
            to,
            note,
            at=moment.isoformat(),
            actor=self.actor,
            instance=opened.id,
            override=override,
        )
        stranger = target.kind == PERSON and not self.site.people and not self.store.knows_person(target.name)
        if stranger and (confirm is None or not confirm(target.name)):
            raise UsageError(
                f"'{target.name}' has never used procflow with this database and no site file "
                "names people; check the name, or add --new-person to hand over to someone new"
            )
        self._save(opened, snapshot, result.snapshot, result.events, moment, holder=after)
        if override is not None:
            self.gate.recorded.add(_visit(opened))
        opened.session = self._session(opened.session.procedures, result.snapshot, opened.session.hashes)
        opened.record = opened.record._replace(
            owner=after.owner, assignee=after.assignee, version=result.snapshot["version"]
        )
        return target

    def cancel(self, opened: Opened, reason: str) -> int:
        """Close the instance unfinished, saved like a step. Its holder, whoever holds the current
        state's role, and the supervising role may; anyone else only with an override reason
        (recorded)."""
        before = opened.session.snapshot
        moment = self.clock()
        override = self.authorise(opened, passing_on=True) if before["status"] == "open" else None
        result = opened.session.cancel(reason, now=moment, actor=self.actor, override=override)
        return self._save(opened, before, result.snapshot, result.events, moment)

    def commit(
        self, opened: Opened, before: Snapshot, after: Snapshot, events: Sequence[Event], moment: datetime
    ) -> int:
        """Save events a desk service made on `before` (a correction) like a step, and go on
        from `after`; the number saved."""
        saved = self._save(opened, before, after, events, moment)
        opened.session = self._session(opened.session.procedures, after, opened.session.hashes)
        return saved

    def _save(
        self,
        opened: Opened,
        before: Snapshot,
        after: Snapshot,
        events: Sequence[Event],
        moment: datetime,
        holder: tuple[str | None, str | None] | None = None,
    ) -> int:
        if not events:
            return 0
        rows = [to_json(e) for e in events]
        refuse_unrecordable(rows, "text")
        if holder is not None:
            refuse_unrecordable([name for name in holder if name is not None], "holder")
        try:
            self.store.append_step(
                opened.id,
                before["version"],
                snapshot=stored(after),
                state=qualified(after),
                status=after["status"],
                role=_role(opened.session.procedures, after),
                events=rows,
                actor=self.actor,
                at=stamp(moment),
                holder=holder,
                due=due_rows(after, opened.session.procedures),
                # in the language of the run that started it (this desk's, for an older one)
                names=names_of(opened.session.procedures, after, opened.record.lang or self.lang),
            )
        except BaseException:  # nothing was saved: the session goes back to what the store holds
            session = opened.session
            opened.session = self._session(session.procedures, before, session.hashes)
            raise
        return len(events)


def _passed_before(first: Path) -> tuple[dict[str, tuple[str, bytes]], dict[str, Procedure]] | None:
    """The procedure in file `first`, when these very bytes at this path passed every check
    before under this code and use no other procedure (`check.started`); else None."""
    from procflow.engine.check import started  # no YAML, schema or rules: see its docstring
    from procflow.engine.model.procedure import build_procedure

    try:
        raw = read_bytes(str(first))
    except LoadError:  # the full check says why, in its words
        return None
    path = absolute(str(first))
    data = started.checked_data(started.key_of(path, raw))
    if data is None:
        return None
    procedure = build_procedure(data, str(first))
    if procedure.needs():  # never kept so; the full check pins those it uses too
        return None
    return {procedure.id: (path, raw)}, {procedure.id: procedure}


def names_of(procedures: Mapping[str, Procedure], snapshot: Snapshot, lang: str) -> Names:
    """What `status` shows of an instance (`Names`): the titles of its procedure and of its
    current state in `lang`, their parameters filled in; a state without a title by its id."""
    first, frame = snapshot["frames"][0], snapshot["frames"][-1]
    state = procedures[frame["procedure"]].states[frame["state"]]
    title = render(procedures[first["procedure"]].title, lang, first["params"])
    return Names(lang, title, render(state.title, lang, frame["params"]) or state.name)


def holder_of(opened: Opened) -> Holder:
    """Whose the opened instance is now (as read with it)."""
    return Holder(opened.record.owner, opened.record.assignee)


def _visit(opened: Opened) -> tuple[str, int]:
    """One visit of the current state: the instance and how many states it had entered then."""
    return opened.id, opened.session.snapshot["steps"]


def _role(procedures: Mapping[str, Procedure], snapshot: Snapshot) -> str | None:
    frame = snapshot["frames"][-1]
    return procedures[frame["procedure"]].states[frame["state"]].role


def _invalid(path: Path, diagnostics: Sequence[Diagnostic]) -> InvalidProcedureError:
    errors = [d for d in diagnostics if d.is_error]
    noun = "error" if len(errors) == 1 else "errors"
    return InvalidProcedureError(
        f"procedure '{path}' has {len(errors)} {noun} and cannot be started; see `procflow validate {path}`",
        errors,
    )


def refuse_unrecordable(value: Any, what: str) -> None:
    """Refuse (UsageError) text no store keeps as it was given: a control character (U+0000 is
    refused by PostgreSQL and kept by SQLite) or bytes that were not UTF-8, in any string of
    `value` (an event, a draft's value), tabs and line breaks allowed. Every interface gets the
    same one-line refusal on both backends, before anything is saved; `what` names the text.
    Every step passes here: what can hold no such character is let through at a glance."""
    if not _storable_at_a_glance(value):
        _refuse_unrecordable(value, what)


# JSON's escapes of the characters below U+0020 (tab and line feed are escaped too, and allowed:
# a literal backslash before one of these letters is a false alarm, settled by the walk)
_CONTROL_ESCAPES = re.compile(r"\\[bfru]")


def _storable_at_a_glance(value: Any) -> bool:
    """Whether no string of `value` can hold a refused character, from its JSON text (one call
    into the C encoder): a character below U+0020 there is an escape, any other refused one (a
    C1 or bidi control, a lone surrogate) is itself. False sends `value` to the walk, which finds
    the string and says why; so may a value JSON cannot encode."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return False
    return _CONTROL_ESCAPES.search(text) is None and unstorable(text, allow="\t\n") is None


def _refuse_unrecordable(value: Any, what: str) -> None:
    if isinstance(value, str):
        why = unstorable(value, allow="\t\n")
        if why is not None:
            raise UsageError(f"the {what} '{visible(value)}' cannot be recorded: {why}")
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            _refuse_unrecordable(key, what)
            _refuse_unrecordable(inner, key if isinstance(key, str) and isinstance(inner, str) else what)
    elif isinstance(value, list | tuple):
        for inner in value:
            _refuse_unrecordable(inner, what)
