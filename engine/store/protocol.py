"""The `Store` protocol: every operation the desk services and the engine ask of a store.

Desk and accountability code is typed against this, never against a backend; a backend
(engine/store/sqlite.py, the embedded default) implements all of it and passes the
conformance suite (tests/test_store_conformance.py). No implementation and no SQL here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from procflow.engine.store import records
from procflow.engine.store.records import (
    AccountableEvent,
    DecisionRow,
    DraftRecord,
    DueEntry,
    DueRow,
    EventRecord,
    Instance,
    InstanceRecord,
    InstanceSummary,
    Names,
    PinnedText,
    PinRow,
    SessionRow,
    StoredRecord,
    ViolationRow,
    WholeInstance,
)

LAST = "last"  # stands for an instance id in `resolve`; cannot be one (the id alphabet has no 'l')


class Store(Protocol):
    """An open store: instances with their snapshot, the append-only event log, pinned procedure
    texts, due rows, recorded violations. Every failure leaves as an `engine.base.errors`
    exception with one sentence (`ConflictError`, `NotFoundError`, `LockedError`, `DatabaseError`).

    Times are stamps (`procflow.engine.base.clock.stamp`: UTC, so text order is time order)
    except the bounds of the violation queries, which are aware moments."""

    location: str  # where the data lives (a file, a URL without its password), for messages

    # --- lifetime and schema ----------------------------------------------------------------

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None: ...

    def schema_version(self) -> int:
        """The number of migrations the data has had (opening a store applies the missing ones)."""
        ...

    def upgrade(self) -> tuple[int, int]:
        """Apply every migration the data lacks, in one transaction: (the version found when
        that transaction began, the version reached). A store at the latest version is left as
        it is; of several processes upgrading one store at once, one finds the old version and
        migrates, the others find the latest."""
        ...

    def integrity(self, *, quick: bool = False) -> list[str]:
        """The backend's own check of its data, one problem a line; empty when sound (`verify`)."""
        ...

    def integrity_checks(self) -> str:
        """What `integrity()` checks on this backend, in a few words: `verify` says it ran that
        (SQLite's `integrity_check`, PostgreSQL's schema version and append-only triggers)."""
        ...

    # --- instances and steps -----------------------------------------------------------------

    def start_instance(
        self,
        *,
        procedure_id: str,
        pins: Mapping[str, tuple[str, bytes]],
        snapshot: Mapping[str, Any],
        state: str,
        status: str,
        role: str | None,
        events: Sequence[Mapping[str, Any]],
        actor: str,
        at: str,
        parent: str | None = None,
        due: Sequence[Sequence[Any]] = (),
        names: Names | None = None,
    ) -> Instance:
        """A new instance under a fresh short id, with its first events and due rows, in one
        transaction. `pins` maps each procedure id it uses to (path, exact text): each text is
        kept once per hash, each path with this instance (`Instance.paths`, and the `path` of its
        summary), whatever other instances were started from the same bytes elsewhere. The
        store keeps paths as given: the desk gives them absolute. Its owner is `actor`; its
        version the number of `events`; `names`, what `status` shows of it (migration 12)."""
        ...

    def append_step(
        self,
        instance_id: str,
        expected_version: int,
        *,
        snapshot: Mapping[str, Any],
        state: str,
        status: str,
        role: str | None,
        events: Sequence[Mapping[str, Any]],
        actor: str,
        at: str,
        holder: tuple[str | None, str | None] | None = None,
        due: Sequence[Sequence[Any]] = (),
        names: Names | None = None,
    ) -> int:
        """Save one step in one transaction: append `events` (numbered on from `expected_version`),
        replace the snapshot, set the holder (owner, assignee) when given, and replace the
        instance's due rows with `due` (once it is closed, only its follow-ups). If anyone changed the instance
        since `expected_version`: `ConflictError` naming who and when, and nothing written.
        `names` gives the new state's title (and an instance started before migration 12 its
        language and title); without them the state's title is unknown. Returns the new version
        (the number of events)."""
        ...

    # --- drafts: what is confirmed inside a step not yet taken (migration 10) --------------------

    def save_draft(
        self,
        instance_id: str,
        expected_version: int,
        *,
        kind: str,
        name: str,
        value: Any,
        visit: int,
        state: str,
        actor: str,
        at: str,
    ) -> None:
        """Keep one answer (`kind` answer, `value` as typed), ticked item (check) or skipped item
        (skip, `value` its reason) of the current step, in its own transaction, durable when this
        returns. It replaces an earlier draft of the same field or item. Written only if the
        instance is open at `expected_version`, else `ConflictError` naming who changed it, and
        nothing written. A draft is never an event: the next step that records work or leaves the
        state (`append_step` with an answer, check, skip, enter, move, finish or cancel event)
        removes the instance's drafts in its own transaction."""
        ...

    def drop_draft(self, instance_id: str, expected_version: int, *, kind: str, name: str) -> None:
        """Forget the draft of `kind` (answer, check, skip) for field or item `name` (an item
        unticked again), in its own transaction; none kept is no error. Guarded like
        `save_draft`: `ConflictError` unless the instance is open at `expected_version`."""
        ...

    def drafts(self, instance_id: str) -> list[DraftRecord]:
        """The instance's drafts, fields then items, each in the order first given."""
        ...

    # --- sign-in for the web desk (migration 11) ------------------------------------------------

    def set_password(self, person: str, hashed: str, *, set_by: str, at: str) -> None:
        """Keep `hashed` (a password hash in its PHC string form, never a password) as `person`'s,
        replacing an earlier one, in its own transaction."""
        ...

    def password_of(self, person: str) -> str | None:
        """The hash kept for `person`, or None when they have none."""
        ...

    # --- the web desk's sessions (migration 13) ------------------------------------------------

    def keep_session(self, digest: str, *, person: str | None, lang: str | None, at: str) -> None:
        """Keep the session whose token has sha256 `digest` (never the token), for `person`
        (None: not signed in) in `lang`, used at `at`; an existing one's person and language are
        replaced, its creation time kept. Its own transaction."""
        ...

    def session_of(self, digest: str) -> SessionRow | None:
        """The session kept under `digest`, or None."""
        ...

    def touch_session(self, digest: str, *, at: str) -> None:
        """Note that the session was used at `at` (the idle timeout counts from the last use)."""
        ...

    def end_session(self, digest: str) -> None:
        """Forget the session (signing out); an unknown one is no error."""
        ...

    def purge_sessions(self, *, idle_before: str) -> int:
        """Forget every session last used before `idle_before`; how many."""
        ...

    # --- hand-overs --------------------------------------------------------------------------

    def last_handoffs(self, instance_ids: Sequence[str]) -> dict[str, EventRecord]:
        """Of each instance, its latest `handoff` event (none: not in the result), so the next
        holder reads who passed it on, when and why (`resume`, `status --mine`)."""
        ...

    def knows_person(self, name: str) -> bool:
        """Whether `name` has ever started, held, changed or acted on an instance here (a
        hand-over to a name never seen is confirmed first when no site file names people)."""
        ...

    def load(self, instance_id: str) -> Instance:
        """The instance (id case-insensitive); `NotFoundError` with a suggestion when unknown."""
        ...

    def resolve(self, ref: str, person: str) -> str:
        """The id `ref` stands for, as stored: a short id as typed (any case, spaces around), or
        `last`, `person`'s most recently changed instance. `NotFoundError` with a suggestion."""
        ...

    def whole(self, instance_id: str) -> WholeInstance:
        """The instance, its events and its due rows as one consistent read: a step saved by
        another process meanwhile is in all three or in none (`verify`). `NotFoundError` with a
        suggestion when unknown."""
        ...

    def all_ids(self) -> list[str]:
        """Every instance id, oldest first (`verify`)."""
        ...

    def holder(self, instance_id: str) -> tuple[str | None, str | None]:
        """Whose the instance is: (owner, assignee); with an assignee (a role it was handed to)
        it is that role's, else the owner's."""
        ...

    # --- what it runs on and what happened ----------------------------------------------------

    def pinned(self, digest: str) -> PinnedText:
        """The pinned text with this sha256, with the path it was first pinned from (an
        instance's own paths are `Instance.paths`); `DatabaseError` when the store lacks it."""
        ...

    def events(self, instance_id: str) -> list[EventRecord]:
        """The instance's events in order (`history`, `verify`)."""
        ...

    # --- listings ---------------------------------------------------------------------------

    def summaries(
        self,
        *,
        person: str | None = None,
        open_limit: int | None = 50,
        recent_limit: int = 10,
        roles: Sequence[str] = (),
    ) -> tuple[list[InstanceSummary], list[InstanceSummary]]:
        """(open instances, recently closed ones), newest change first. One more open instance
        than `open_limit` is returned when more exist (None: all). `person` keeps only theirs:
        those they own and did not hand to a role, and those handed to one of `roles`."""
        ...

    def due_of(self, instance_id: str) -> list[DueRow]:
        """The instance's due rows, by state and deadline."""
        ...

    def agenda(
        self,
        until: str,
        *,
        limit: int,
        role: str | None = None,
        person: str | None = None,
        roles: Sequence[str] = (),
    ) -> tuple[list[DueEntry], int]:
        """Due rows up to `until`, soonest first, at most `limit`, and how many match in all.
        `role` keeps that role's; `person` keeps theirs as `summaries` does."""
        ...

    def wait_for_due_change(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds, or less when a step of any desk changes what is due;
        whether one did (`agenda --watch` refreshes then). A server backend is told (PostgreSQL:
        LISTEN/NOTIFY) and its first call starts listening, so call it with 0 before the first
        read; SQLite is not told, so it sleeps the whole time and says False (the watch polls)."""
        ...

    # --- accountability ---------------------------------------------------------------------

    def record_violation(
        self,
        *,
        person: str,
        rule: str,
        procedure: str,
        at: str,
        note: str | None,
        recorded_by: str,
        recorded_at: str,
    ) -> int:
        """Append one violation of a work rule (its own transaction); its number. Recorded
        violations are never changed or removed."""
        ...

    def violations(
        self, *, start: datetime | None = None, end: datetime | None = None, person: str | None = None
    ) -> list[ViolationRow]:
        """Recorded violations with `start <= at < end` (either may be open), by time."""
        ...

    def accountable_events(
        self, *, start: datetime | None = None, end: datetime | None = None, person: str | None = None
    ) -> list[AccountableEvent]:
        """The `breach` and `override` events with `start <= at < end`, of `person`'s steps when
        given: what the monthly report counts besides recorded violations."""
        ...

    def decide_violation(
        self, *, violation: str, decision: str, reason: str, decided_by: str, decided_at: str
    ) -> int:
        """Append one decision about a violation (its own transaction); its number. Decisions
        are never changed or removed: a retraction is one more."""
        ...

    def answers_of_field(
        self,
        field: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        person: str | None = None,
    ) -> list[AccountableEvent]:
        """The `answer` events that answer `field`, taken with `start <= at < end` (a day's margin
        either side: the answer is a time the accountability layer bounds exactly), of `person`'s
        steps when given; `body` holds the event's answers."""
        ...

    def violation_decisions(self) -> list[DecisionRow]:
        """Every decision about a violation, oldest first (the latest of each is its status)."""
        ...

    # --- a whole record, for `procflow db copy` (engine/desk/transfer.py) -------------------------

    def passwords(self) -> list[records.PasswordRow]:
        """Every password kept, by person (`db copy` carries them to another store)."""
        ...

    def pinned_rows(self, hashes: Sequence[str] | None = None) -> list[PinRow]:
        """The pinned texts with these hashes (None: every one), as stored, by hash."""
        ...

    def instance_records(self, ids: Sequence[str]) -> list[InstanceRecord]:
        """Of `ids` (as stored), the instances this store holds, each whole and as stored (row and
        paths, events, due rows, drafts), in one consistent read, in the order of `ids`; an id the
        store lacks is left out."""
        ...

    def stored_records(self, ids: Sequence[str]) -> list[StoredRecord]:
        """As `instance_records`, with each instance's rows as they are stored, JSON text not
        decoded: what a copy moves. The same rows read the same from every backend."""
        ...

    def add_stored_records(self, pins: Sequence[PinRow], instances: Sequence[StoredRecord]) -> None:
        """As `add_records`, for records read by `stored_records`: their rows are written as
        they are, JSON text and all."""
        ...

    def add_records(self, pins: Sequence[PinRow], instances: Sequence[InstanceRecord]) -> None:
        """Write instances read from another store (`instance_records`), in one transaction,
        exactly as they were: ids, versions, event numbers, stamps, holders, paths, due rows and
        drafts. The `pins` this store lacks are added first (a hash it has is the same text). An
        id already taken, or a parent neither here nor earlier in `instances`: `DatabaseError`
        naming it, and nothing written. Events stay append-only: this only inserts."""
        ...

    def add_accountability(
        self, violations: Sequence[ViolationRow], decisions: Sequence[DecisionRow]
    ) -> None:
        """Recorded violations and decisions read from another store, with their numbers, in one
        transaction; numbers given out here later follow on from the largest. A number already
        taken: `DatabaseError`, and nothing written."""
        ...
