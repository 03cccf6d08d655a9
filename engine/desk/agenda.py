"""What is due across all open instances, soonest first: `procflow agenda` as data and text.

Reads the store's due table (one row per due time, written with each step) along its index,
so the cost follows what is shown, not how many instances exist; the text of a deadline comes
from its row, and only a row without one reads the pinned procedure. Named (the terminal's text),
the procedure, state and roles of each item shown are read from its instance's pinned texts,
each text parsed once; otherwise (`--ids`, `--json`, the web desk) no YAML, schema or
state-machine library is imported. Never prints or sleeps on its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from procflow.engine.base.durations import say_duration
from procflow.engine.base.messages import message
from procflow.engine.base.stamps import stamp
from procflow.engine.base.width import GAP, align, column_widths
from procflow.engine.store import Store

if TYPE_CHECKING:
    from procflow.engine.base.clock import Duty
    from procflow.engine.desk.naming import Namer
    from procflow.engine.runtime.view import DueView


class Place(NamedTuple):
    """Where an item is due, as the reader reads it: the procedure and state by their titles, the
    state's role and the role (or person) it was handed to by theirs."""

    procedure: str
    state: str
    role: str | None
    assignee: str | None


@dataclass(frozen=True)
class Item:
    """One due time: `due` is when it shows (moved to the next duty start when it falls outside
    duty hours), `scheduled` when the procedure set it."""

    instance: str
    procedure: str
    state: str
    deadline: str
    kind: str
    due: datetime
    scheduled: datetime
    every: float | None
    role: str | None
    owner: str | None
    assignee: str | None
    text: str
    place: Place | None = None  # the names of procedure, state and roles; None: show the ids

    @property
    def command(self) -> str:
        if self.kind in ("every", "follow_up"):  # a recurrence, or a follow-up kept after its state
            return f"procflow step {self.instance} --done {self.deadline}"
        return f"procflow resume {self.instance}"

    @property
    def key(self) -> tuple[str, str, str, datetime]:
        return self.instance, self.state, self.deadline, self.scheduled


@dataclass(frozen=True)
class Agenda:
    now: datetime
    until: datetime
    items: tuple[Item, ...]
    total: int  # how many are due by `until` in all (more than `items` when a limit cut them)


def read_agenda(
    store: Store,
    *,
    now: datetime,
    within: float,
    limit: int,
    lang: str,
    role: str | None = None,
    person: str | None = None,
    roles: Sequence[str] = (),
    duty: Duty | None = None,
    named: bool = False,
) -> Agenda:
    """Everything due by `now + within` seconds (overdue included), soonest first, at most `limit`.
    With `named`, each item's procedure, state and roles are named in `lang` from the texts its
    instance is pinned to (parsed once per text: only for what is shown)."""
    until = now + timedelta(seconds=within)
    namers: dict[str, Namer] = {}
    rows, total = store.agenda(stamp(until), limit=limit, role=role, person=person, roles=roles)
    items: list[Item] = []
    for row in rows:
        scheduled = datetime.fromisoformat(row.due_at).astimezone(now.tzinfo)
        shown = duty.next_start(scheduled) if duty is not None else scheduled
        if shown > until:  # moved past the horizon to the next duty start, like every later row
            total = len(items)
            break
        text = (
            _text(row.text, lang)
            or _pinned_text(store, row.instance, row.procedure, row.state, row.deadline, lang)
            or row.deadline
        )
        place = None
        if named:
            names = namers.get(row.instance)
            if names is None:
                names = namers[row.instance] = _namer(store, row.instance, row.procedure, lang)
            place = Place(
                names.procedure(),
                names.state(row.state),
                names.role(row.role) if row.role else None,
                names.role(row.assignee) if row.assignee else None,  # a person's name stays as it is
            )
        items.append(Item(row.instance, row.procedure, row.state, row.deadline, row.kind, shown, scheduled,
                          row.every, row.role, row.owner, row.assignee, text, place))  # fmt: skip
    return Agenda(now, until, tuple(items), total)


def _namer(store: Store, instance: str, procedure: str, lang: str) -> Namer:
    """The names of an instance's ids from its pinned texts; its ids when they cannot be read."""
    # the model and YAML load only when something is due and shown by name
    from procflow.engine.desk.naming import Namer, instance_namer
    from procflow.engine.desk.pins import pinned_procedures

    try:
        record = store.load(instance)
        procedures = pinned_procedures(store, record.pins)
        return instance_namer(procedures, record.procedure_id, record.snapshot, lang, False)
    except Exception:  # a damaged or foreign row: its ids still say where it is due
        return Namer({}, procedure, lang, True)


def _text(raw: str | None, lang: str) -> str:
    if not raw:
        return ""
    texts: dict[str, str] = json.loads(raw)
    return texts.get(lang) or next(iter(texts.values()), "")


def _pinned_text(store: Store, instance: str, procedure: str, state: str, deadline: str, lang: str) -> str:
    """The deadline's text read from the instance's pinned procedure: for rows written before the
    due table kept text (migration 3). Slow (it parses YAML), so only for those rows."""
    # parsing a pinned text loads YAML and the model, which `agenda` otherwise never needs
    from procflow.engine.desk.pins import pinned_procedures
    from procflow.engine.model.text import render

    try:
        record = store.load(instance)
        model = pinned_procedures(store, {procedure: record.pins[procedure]})[procedure]
        frame = record.snapshot["frames"][state.count(">")]
        found = next(d for d in model.states[frame["state"]].due if d.id == deadline)
        return render(found.text, lang, frame["params"])
    except Exception:  # a damaged or foreign row: the deadline's id still says what is due
        return ""


# --- text and JSON --------------------------------------------------------------------------------


def when(item: Item, now: datetime, lang: str) -> str:
    """How late or how soon: `overdue 12m`, `in 3m`, `due now`."""
    words = partial(message, lang)
    seconds = (item.due - now).total_seconds()
    if abs(seconds) < 1:
        return words("agenda.now")
    if seconds < 0 and item.kind == "follow_up":  # a task kept open, never late: how long it waits
        return words("agenda.waiting", d=span(-seconds, lang))
    return words("agenda.late" if seconds < 0 else "agenda.soon", d=span(abs(seconds), lang))


def span(seconds: float, lang: str = "en") -> str:
    """A length of time to the minute (`1h 5m`, `1小時5分鐘`), or in seconds under a minute (`40s`)."""
    whole = int(seconds)
    return say_duration(whole if whole < 60 else whole - whole % 60, lang)


def format_text(agenda: Agenda, lang: str, flagged: frozenset[tuple[Any, ...]] | None = None) -> str:
    """The agenda as the terminal shows it; with `flagged` (watching), a gutter marks with `!`
    what has fallen due since the last refresh."""
    words = partial(message, lang)
    now = agenda.now
    until, moment = clock_time(agenda.until, now), f"{now:%Y-%m-%d %H:%M}"
    items = agenda.items
    lines = [words("agenda.head" if items else "agenda.none", n=len(items), until=until, now=moment)]
    rows = [
        [("" if flagged is None else "! " if item.key in flagged else "  ") + when(item, now, lang),
         clock_time(item.due, now), item.text]
        for item in items
    ]  # fmt: skip
    indent = " " * sum(column_widths([row[:2] for row in rows])) + GAP * 2
    for item, line in zip(items, align(rows), strict=True):
        place = item.place or Place(item.procedure, item.state, item.role, item.assignee)
        who = " · ".join(p for p in (place.role, _holder(item.owner, place.assignee)) if p)
        lines += [
            line,
            f"{indent}{place.procedure} › {place.state}" + (f" · {who}" if who else ""),
            f"{indent}{item.command}",
        ]
    if agenda.total > len(items):
        lines.append(words("agenda.more", n=agenda.total - len(items), until=until, total=agenda.total))
    return "\n".join(lines) + "\n"


def to_json(agenda: Agenda) -> dict[str, Any]:
    """The agenda as `--json` prints it (keys documented in docs/time.md)."""
    return {
        "now": agenda.now.isoformat(),
        "until": agenda.until.isoformat(),
        "total": agenda.total,
        "more": agenda.total - len(agenda.items),
        "items": [_item_json(i, agenda.now) for i in agenda.items],
    }


def _item_json(i: Item, now: datetime) -> dict[str, Any]:
    return {
        "instance": i.instance, "procedure": i.procedure, "state": i.state, "deadline": i.deadline,
        "kind": i.kind, "text": i.text, "role": i.role, "owner": i.owner, "assignee": i.assignee,
        "due": i.due.isoformat(), "scheduled": i.scheduled.isoformat(), "every": i.every,
        "overdue": i.due < now, "seconds": round((i.due - now).total_seconds()), "command": i.command,
    }  # fmt: skip


def _holder(owner: str | None, assignee: str | None) -> str:
    if assignee:
        return f"{owner} → {assignee}" if owner else assignee
    return owner or ""


def clock_time(moment: datetime, now: datetime) -> str:
    """A due time as every desk shows it: `14:30` today, `2026-03-08 09:00` on another day, on
    the clock of `now`'s zone (the site's)."""
    at = moment.astimezone(now.tzinfo) if moment.tzinfo is not None and now.tzinfo is not None else moment
    # the fields by hand: strftime costs four times as much, and a desk page shows a hundred
    clock = f"{at.hour:02d}:{at.minute:02d}"
    return clock if at.date() == now.date() else f"{at.year:04d}-{at.month:02d}-{at.day:02d} {clock}"


@dataclass(frozen=True)
class DueShown:
    """A deadline or recurrence of the current step as a desk shows it (the terminal's step
    screen, the web's step page): its text, when (`at`, empty while unknown), and whether it passed."""

    id: str
    kind: str
    text: str
    at: str
    iso: str | None  # the due time itself (None while its anchor is unanswered)
    passed: bool
    every: float | None

    @property
    def recurring(self) -> bool:
        return self.kind == "every" and self.iso is not None


def shown_due(due: DueView, now: datetime) -> DueShown:
    """`due` at the moment `now`, formatted as the agenda formats its items."""
    moment = datetime.fromisoformat(due.due) if due.due else None
    return DueShown(
        due.id,
        due.kind,
        due.text,
        clock_time(moment, now) if moment is not None else "",
        due.due,
        moment is not None and moment < now,
        due.every,
    )


# --- watching ---------------------------------------------------------------------------------------


def watch(
    read: Callable[[datetime], Agenda],
    clock: Callable[[], datetime],
    sleep: Callable[[float], object],
    interval: float,
    count: int | None = None,
) -> Iterator[tuple[Agenda, frozenset[tuple[Any, ...]]]]:
    """Each refresh, every `interval` seconds (`count` of them, or until interrupted): the agenda
    and the keys of the items that fell due since the refresh before (none on the first).
    `sleep(interval)` may return early (the store's `wait_for_due_change`: another desk changed
    what is due), and the next refresh comes then."""
    due_before: set[tuple[Any, ...]] | None = None
    shown = 0
    while count is None or shown < count:
        if shown:
            sleep(interval)
        agenda = read(clock())
        due_now = {i.key for i in agenda.items if i.due <= agenda.now}
        yield agenda, frozenset(due_now - due_before) if due_before is not None else frozenset()
        due_before = due_now
        shown += 1
