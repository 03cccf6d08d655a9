"""`procflow history` and `verify` as the terminal shows them, or as JSON: the events of an
instance one per line, and the result of rebuilding snapshots from their events.

Reads through `engine.desk.audit` and only formats; answers marked as personal data stay
masked unless asked for. Never writes to the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click
from procflow.engine.base.durations import format_duration
from procflow.engine.base.errors import EXIT_DATABASE, EXIT_FINDINGS
from procflow.engine.base.messages import message
from procflow.engine.base.width import align
from procflow.engine.desk.audit import drafts, files_of, history, verify
from procflow.engine.desk.pins import pinned_procedures
from procflow.engine.model.procedure import Procedure, Text
from procflow.engine.model.text import render
from procflow.engine.runtime.journal import SEPARATOR
from procflow.engine.store import Store
from procflow.engine.store.records import DraftRecord, EventRecord
from procflow.terminal.inert import bold, say, to_json

MASK = "•••"


def desk_time(at: str) -> str:
    """An event's time as the desk's clock showed it (the offset it was recorded with)."""
    return at[:19].replace("T", " ")


def _shown(answers: dict[str, Any] | None, pii: frozenset[str], show_pii: bool) -> dict[str, Any] | None:
    if answers is None or show_pii:
        return answers
    return {k: MASK if k in pii else v for k, v in answers.items()}


class Namer:
    """An instance's ids as people read them: its procedure, states (qualified by the `use`
    states of their callers), roles and outcomes by their titles in `lang`, from the pinned
    texts; an id without a title stays as it is, and with `ids` every id does (`--ids`)."""

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

    def _inner(self, path: str) -> tuple[Procedure, str] | None:
        """The procedure and state a qualified state path ends in, if the texts have it."""
        procedure = self.procedures.get(self.entry)
        *callers, state = path.split(SEPARATOR)
        for name in callers:
            found = procedure.states.get(name) if procedure is not None else None
            use = found.use if found is not None else None
            procedure = self.procedures.get(use.procedure) if use is not None else None
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
        return self._named(procedure.states[state].title, path)

    def move(self, move: str, path: str | None) -> str:
        """A move by its label in the state it was taken from (`path`)."""
        found = self._inner(path) if path else None
        moves = found[0].states[found[1]].moves if found is not None else ()
        return self._named(next((m.label for m in moves if m.id == move), None), move)

    def role(self, role: str) -> str:
        titles = [p.roles[role] for p in self.procedures.values() if role in p.roles]
        return self._named(titles[0] if titles else None, role)

    def outcome(self, outcome: str, ended: str | None) -> str:
        """An outcome by the title of the final state that gave it (`ended`, the state it was in)."""
        found = self._inner(ended) if ended else None
        if found is not None and found[0].states[found[1]].final:
            return self._named(found[0].states[found[1]].title, outcome)
        return outcome


def detail(event: EventRecord, pii: frozenset[str], show_pii: bool, names: Namer | None = None) -> str:
    """What one event did, in a line; states, roles and outcomes by `names` when given."""
    body = event.body
    kind = event.kind
    state = names.state if names is not None else (lambda path: path or "")
    if kind == "start":
        return f"→ {state(event.to_state)}"
    if kind in ("enter", "move"):
        text = f"{state(event.from_state)} → {state(event.to_state)}"
        if kind == "move":
            move = str(event.move)
            return f"{names.move(move, event.from_state) if names is not None else move}: {text}"
        via = body.get("via")
        guard = body.get("guard")
        return text + (f"  (when {guard})" if guard else f"  ({via})" if via else "")
    if kind == "answer":
        answers = _shown(event.answers, pii, show_pii) or {}
        return ", ".join(f"{k} = {v}" for k, v in answers.items())
    if kind == "check":
        return "✓ " + ", ".join(event.items or [])
    if kind == "skip":
        return "; ".join(f"{k}: {v}" for k, v in (event.items or {}).items())
    if kind in ("breach", "done"):  # a missed due time (how late), a recurrence acknowledged
        due = desk_time(str(body.get("due")))[11:16]
        late = f", {format_duration(float(body.get('late') or 0))} late" if kind == "breach" else ""
        return f"{body.get('deadline')} (due {due}{late})"
    if kind == "finish":
        outcome = str(body.get("outcome"))
        ended = str(body.get("from") or event.from_state or "")
        return f"outcome {names.outcome(outcome, ended) if names is not None else outcome}"
    if kind == "override":
        role = str(event.role)
        return f"acted without role {names.role(role) if names is not None else role}: {body.get('reason')}"
    if kind == "correct":  # the original answer stays in its own event above
        field = str(body.get("field"))
        hidden = field in pii and not show_pii
        was, now = (MASK, MASK) if hidden else (body.get("was"), (event.answers or {}).get(field))
        text = f"{field}: {was} → {now} (answered in event {body.get('answered')}): {event.note}"
        if body.get("rerouted"):
            taken, would = body.get("taken"), body.get("would")
            text += (
                f"; move {taken} would not have been allowed"
                if body.get("how") == "move"
                else f"; would have gone to {would or 'no route'}, not {taken} (stands)"
            )
        return text
    if kind == "handoff":
        return f"→ {body.get('target')} {state(event.to_state)}" + (f": {event.note}" if event.note else "")
    return event.note or ""


def draft_detail(draft: DraftRecord, pii: frozenset[str], show_pii: bool) -> str:
    """What one draft holds, in a line."""
    if draft.kind == "answer":
        shown = MASK if draft.name in pii and not show_pii else draft.value
        return f"{draft.name} = {shown}"
    if draft.kind == "check":
        return f"✓ {draft.name}"
    return f"{draft.name}: {draft.value}"


def _drafts_json(found: list[DraftRecord], pii: frozenset[str], show_pii: bool) -> list[dict[str, Any]]:
    return [
        {
            "at": d.at,
            "actor": d.actor,
            "state": d.state,
            "version": d.version,
            "kind": d.kind,
            "name": d.name,
            "value": MASK if d.kind == "answer" and d.name in pii and not show_pii else d.value,
        }
        for d in found
    ]


def show_history(
    store: Store,
    instance: str,
    show_pii: bool,
    lang: str,
    as_json: bool,
    with_drafts: bool = False,
    ids: bool = False,
) -> None:
    """The events one per line, by names in `lang` (by their ids with `ids`, as --json has them)."""
    record, events, pii = history(store, instance)
    kept = drafts(store, record.id) if with_drafts else []
    if as_json:
        out = [
            {
                "seq": e.seq,
                "at": e.at,
                "actor": e.actor,
                "role": e.role,
                "kind": e.kind,
                "from": e.from_state,
                "to": e.to_state,
                "answers": _shown(e.answers, pii, show_pii),
                "items": e.items,
                "move": e.move,
                "note": e.note,
                **{
                    k: v
                    for k, v in e.body.items()
                    if k
                    in (
                        "outcome",
                        "via",
                        "guard",
                        "procedure",
                        "reason",
                        "target",
                        "owner",
                        "assignee",
                        "field",
                        "was",
                        "answered",
                        "rerouted",
                        "how",
                        "taken",
                        "would",
                    )
                    and not (k == "was" and e.body.get("field") in pii and not show_pii)
                },
            }
            for e in events
        ]
        click.echo(
            to_json(
                {
                    "instance": record.id,
                    "procedure": record.procedure_id,
                    "status": record.status,
                    "state": record.state,
                    "version": record.version,
                    "files": [
                        {"procedure": pid, "path": path, "file": state}
                        for pid, path, state in files_of(store, record)
                    ],
                    "events": out,
                    **({"drafts": _drafts_json(kept, pii, show_pii)} if with_drafts else {}),
                }
            )
        )
        return
    frames = record.snapshot.get("frames") or [{}]
    params = {
        k: v for frame in frames if isinstance(frame, dict) for k, v in (frame.get("params") or {}).items()
    }
    names = Namer(pinned_procedures(store, record.pins), record.procedure_id, lang, ids, params)
    outcome = record.snapshot.get("outcome")
    shown = message(lang, "status.open_status" if record.status == "open" else f"status.{record.status}")
    click.echo(
        bold(
            f"{record.id} · {names.procedure()} · {shown}"
            + (f" ({names.outcome(str(outcome), record.state)})" if outcome else "")
            + f" · {names.state(record.state)}"
        )
    )
    rows = [
        [
            str(e.seq),
            desk_time(e.at),
            e.actor + (f" ({names.role(e.role)})" if e.role else ""),
            e.kind,
            detail(e, pii, show_pii, names),
        ]
        for e in events
    ]
    for line in align(rows, indent="  "):
        say(line)
    if with_drafts:
        click.echo(bold(message(lang, "history.drafts", n=len(kept))))
        listed = [
            [desk_time(d.at), d.actor, d.kind, names.state(d.state), draft_detail(d, pii, show_pii)]
            for d in kept
        ]
        for line in align(listed, indent="  "):
            say(line)


def show_verify(store: Store, instance: str | None, as_json: bool) -> int:
    """Print the verification; the exit code (0 sound, 1 mismatches, 9 a damaged file)."""
    report = verify(store, instance)
    checks = store.integrity_checks()  # what this backend's own check looked at
    if as_json:
        click.echo(
            to_json(
                {
                    "checked": report.checked,
                    "integrity": report.integrity or "ok",
                    "mismatches": [{"instance": i, "problem": p} for i, p in report.mismatches],
                    "ok": report.ok,
                }
            )
        )
    else:
        for ident, problem in report.mismatches:
            say(f"{ident}: {problem}")
        for problem in report.integrity:
            say(f"{checks}: {problem}")
        noun = "instance" if report.checked == 1 else "instances"
        verdict = (
            "ok"
            if report.ok
            else f"{len(report.mismatches)} mismatched, integrity "
            + ("ok" if not report.integrity else "FAILED")
        )
        click.echo(
            f"verified {report.checked} {noun} against their events; {checks} "
            f"{'ok' if not report.integrity else 'failed'}: {verdict}"
        )
    if report.integrity:
        return EXIT_DATABASE
    return EXIT_FINDINGS if report.mismatches else 0
