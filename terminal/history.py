"""`procflow history` and `verify` as the terminal shows them, or as JSON: the events of an
instance one per line, and the result of rebuilding snapshots from their events.

Reads through `engine.desk.audit` and only formats; answers marked as personal data stay
masked unless asked for. Never writes to the store.
"""

from __future__ import annotations

from typing import Any

import click
from procflow.engine.base.durations import say_duration
from procflow.engine.base.errors import EXIT_DATABASE, EXIT_FINDINGS
from procflow.engine.base.messages import message, messages
from procflow.engine.base.width import align
from procflow.engine.desk.audit import drafts, files_of, history, verify
from procflow.engine.desk.naming import Namer
from procflow.engine.desk.pins import pinned_procedures
from procflow.engine.store import Store
from procflow.engine.store.records import DraftRecord, EventRecord
from procflow.terminal.inert import bold, say, to_json

MASK = "•••"
RECORDED = "en"  # the language of an event's line under --ids: the words the record was printed in


def desk_time(at: str) -> str:
    """An event's time as the desk's clock showed it (the offset it was recorded with)."""
    return at[:19].replace("T", " ")


def _shown(answers: dict[str, Any] | None, pii: frozenset[str], show_pii: bool) -> dict[str, Any] | None:
    if answers is None or show_pii:
        return answers
    return {k: MASK if k in pii else v for k, v in answers.items()}


def detail(event: EventRecord, pii: frozenset[str], show_pii: bool, names: Namer) -> str:
    """What one event did, in a line, everything in it named by `names`. With `--ids` it is the
    record's own line, as procflow has always printed it: English, ids, values as stored."""
    body = event.body
    kind = event.kind
    w = RECORDED if names.ids else names.lang
    state = names.state
    where = str(body.get("from") or event.from_state or "")  # the state the event happened in
    if kind == "start":
        return f"→ {state(event.to_state)}"
    if kind in ("enter", "move"):
        text = f"{state(event.from_state)} → {state(event.to_state)}"
        if kind == "move":
            return f"{names.move(str(event.move), event.from_state)}: {text}"
        via, guard = body.get("via"), body.get("guard")
        if names.ids:  # the guard that held speaks in field ids
            return text + (f"  (when {guard})" if guard else f"  ({via})" if via else "")
        return text + (f"  ({message(w, f'history.via.{via}')})" if via else "")
    if kind == "answer":
        answers = event.answers or {}
        return ", ".join(
            f"{names.field(k, where)} = {_value(names, k, v, where, pii, show_pii)}"
            for k, v in answers.items()
        )
    if kind == "check":
        items = [names.item(str(item), where) for item in event.items or []]
        return "✓ " + (", " if names.ids else message(w, "history.and")).join(items)
    if kind == "skip":
        return "; ".join(f"{names.item(str(k), where)}: {v}" for k, v in (event.items or {}).items())
    if kind in ("breach", "done"):  # a missed due time (how late), a recurrence acknowledged
        due = desk_time(str(body.get("due")))[11:16]
        deadline = names.deadline(str(body.get("deadline")), where)
        if kind == "breach":
            late = say_duration(float(body.get("late") or 0), w)
            return message(w, "history.late", deadline=deadline, due=due, late=late)
        return message(w, "history.due", deadline=deadline, due=due)
    if kind == "finish":
        outcome = names.outcome(str(body.get("outcome")), where)
        return message(w, "history.outcome", outcome=outcome) if outcome else message(w, "status.finished")
    if kind == "override":
        return message(w, "history.override", role=names.role(str(event.role)), reason=body.get("reason"))
    if kind == "correct":  # the original answer stays in its own event above
        return _correction(event, pii, show_pii, names, where)
    if kind == "handoff":
        target = str(body.get("target") or "person")
        name = str(body.get("to") or event.to_state or "")
        shown = names.role(name) if target == "role" else name
        text = message(w, "history.handoff", kind=message(w, f"run.{target}"), name=shown)
        return text + (f": {event.note}" if event.note else "")
    return event.note or ""


def _value(names: Namer, field: str, value: Any, where: str, pii: frozenset[str], show_pii: bool) -> str:
    """An answer as the operator gave it, masked when it is personal data."""
    return MASK if field in pii and not show_pii else names.value(field, value, where)


def _correction(event: EventRecord, pii: frozenset[str], show_pii: bool, names: Namer, where: str) -> str:
    body, w = event.body, RECORDED if names.ids else names.lang
    field = str(body.get("field"))
    was = _value(names, field, body.get("was"), where, pii, show_pii)
    now = _value(names, field, (event.answers or {}).get(field), where, pii, show_pii)
    text = message(
        w,
        "history.correct",
        field=names.field(field, where),
        was=was,
        value=now,
        n=body.get("answered"),
        reason=event.note,
    )
    if body.get("rerouted"):
        taken, would = str(body.get("taken")), body.get("would")
        if body.get("how") == "move":
            text += message(w, "history.correct_move", move=names.move(taken, where))
        elif would:
            would_name = names.sibling(where, str(would))
            text += message(w, "history.correct_route", would=would_name, taken=names.sibling(where, taken))
        else:
            text += message(w, "history.correct_no_route", taken=names.sibling(where, taken))
    return text


def draft_detail(draft: DraftRecord, pii: frozenset[str], show_pii: bool, names: Namer) -> str:
    """What one draft holds, in a line (an answer as it was typed)."""
    if draft.kind == "answer":
        shown = MASK if draft.name in pii and not show_pii else draft.value
        return f"{names.field(draft.name, draft.state)} = {shown}"
    if draft.kind == "check":
        return f"✓ {names.item(draft.name, draft.state)}"
    return f"{names.item(draft.name, draft.state)}: {draft.value}"


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
    named = names.outcome(str(outcome), record.state) if outcome else ""
    where = names.state(record.state)  # an untitled end reads as the status it already shows
    heading = [record.id, names.procedure(), shown + (f" ({named})" if named else "")]
    click.echo(bold(" · ".join(heading + ([where] if where != shown else []))))
    rows = [
        [
            str(e.seq),
            desk_time(e.at),
            e.actor + (f" ({names.role(e.role)})" if e.role else ""),
            _kind(lang, e.kind, ids),
            detail(e, pii, show_pii, names),
        ]
        for e in events
    ]
    for line in align(rows, indent="  "):
        say(line)
    if with_drafts:
        click.echo(bold(message(lang, "history.drafts", n=len(kept))))
        listed = [
            [
                desk_time(d.at),
                d.actor,
                _kind(lang, d.kind, ids),
                names.state(d.state),
                draft_detail(d, pii, show_pii, names),
            ]
            for d in kept
        ]
        for line in align(listed, indent="  "):
            say(line)


def _kind(lang: str, kind: str, ids: bool) -> str:
    """An event's kind in `lang` (its id with `ids`, or when procflow has no word for it)."""
    key = f"history.kind.{kind}"
    return kind if ids or key not in messages(lang) else message(lang, key)


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
