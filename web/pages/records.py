"""The record of an instance in the browser: its history (corrections beside the answers they
amend, hand-over notes, who and when in the site's zone; drafts only when asked for, as
`history --drafts`), and the pages that change it besides a step: cancel, correct an answer, hand
over. The same desk services and role checks as `procflow cancel`, `correct` and `handoff`;
a refusal is shown in place in the page's language."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from procflow.engine.base.clock import now
from procflow.engine.base.errors import ConflictError, InvalidAnswerError, ProcflowError, RoleError
from procflow.engine.desk.audit import answers_of, drafts, history
from procflow.engine.desk.corrections import correct
from procflow.engine.desk.instances import Desk, Opened
from procflow.engine.desk.naming import Namer, namer
from procflow.web.access import MASK, needs_override, sees_pii
from procflow.web.context import Context, refusal
from procflow.web.pages.step import _targets
from procflow.web.registry import page
from procflow.web.strings.records import STRINGS
from starlette.responses import Response


def _open(ctx: Context) -> tuple[Desk, Opened]:
    desk = ctx.desk()
    return desk, desk.open(desk.store.resolve(ctx.request.path_params["id"], desk.actor))


def when(ctx: Context, at: str) -> str:
    """A recorded moment in the site's zone, to the second (the record needs the date too)."""
    zone = now(ctx.site.timezone).tzinfo
    return datetime.fromisoformat(at).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def who(ctx: Context, person: str) -> str:
    known = ctx.site.people.get(person)
    return f"{known.name} ({person})" if known else person


@page("/instance/{id}/history", "history")
def show_history(ctx: Context) -> Response:
    """Every event of the instance, oldest first; with ?drafts=1 the drafts after them. Fields,
    answers, states, moves, items, deadlines and roles by their names in the page's language,
    as `procflow history` shows them."""
    desk, opened = _open(ctx)
    record, events, pii = history(desk.store, opened.id)
    names = namer(opened, ctx.lang, False)
    masked = partial(_answer, ctx, names, pii)

    corrections: dict[int, list[dict[str, str]]] = {}
    for event in events:
        if event.kind == "correct":
            field = str(event.body.get("field"))
            corrections.setdefault(int(event.body.get("answered") or 0), []).append(
                {
                    "field": names.field(field, event.from_state),
                    "value": masked(field, (event.answers or {}).get(field), event.role, event.from_state),
                    "by": who(ctx, event.actor),
                    "at": when(ctx, event.at),
                    "reason": event.note or "",
                    "seq": str(event.seq),
                }
            )
    rows = []
    for event in events:
        where = event.from_state
        row: dict[str, Any] = {
            "seq": event.seq,
            "at": when(ctx, event.at),
            "who": who(ctx, event.actor),
            "role": names.role(event.role) if event.role else "",
            "kind": event.kind,
            "label": _kind(ctx, event.kind),
            "detail": _detail(ctx, names, event, masked),
            "note": event.note or "",
            "answers": [
                (names.field(field, where), masked(field, value, event.role, where))
                for field, value in (event.answers or {}).items()
            ]
            if event.kind == "answer"
            else [],
            "corrected": corrections.get(event.seq, []),
        }
        rows.append(row)
    with_drafts = ctx.request.query_params.get("drafts") == "1"
    kept = []
    if with_drafts:
        for d in drafts(desk.store, opened.id):
            if d.kind == "answer":
                name, shown = (
                    names.field(d.name, d.state),
                    masked(d.name, d.value, opened.view().role, d.state),
                )
            else:
                name, shown = names.item(d.name, d.state), "" if d.value is None else str(d.value)
            kept.append({"at": when(ctx, d.at), "who": who(ctx, d.actor), "kind": _kind(ctx, d.kind),
                         "name": name, "value": shown})  # fmt: skip
    notice = ""
    if ctx.request.query_params.get("cancelled"):
        notice = ctx.t("cancel.done")
    elif ctx.request.query_params.get("corrected"):
        notice = ctx.t("correct.done", field=names.field(ctx.request.query_params["corrected"], None))
    return ctx.render(
        "history.html",
        opened=opened,
        record=record,
        title=ctx.web.offered.title(record.procedure_id, ctx.lang),
        status_word=ctx.t(f"history.status.{record.status}"),
        state=names.state(record.state),
        outcome=names.outcome(str(ended), record.state) if (ended := record.snapshot.get("outcome")) else "",
        rows=rows,
        with_drafts=with_drafts,
        drafts=kept,
        notice=notice,
        problem="",
    )


def _answer(
    ctx: Context,
    names: Namer,
    pii: frozenset[str],
    field: str,
    value: Any,
    role: str | None,
    where: str | None,
) -> str:
    """An answer as a record page shows it, by its name in the page's language; masked when the
    field is pii and the reader may not see it where it was given (`role`)."""
    if field in pii and not sees_pii(ctx.site, ctx.person or "", role):
        return MASK
    return "" if value is None else names.value(field, value, where)


def _kind(ctx: Context, kind: str) -> str:
    """An event's (or a draft's) kind as a word of the page's language."""
    return ctx.t(f"history.kind.{kind}") if f"history.kind.{kind}" in _KINDS else kind


_KINDS = frozenset(key for key in STRINGS if key.startswith("history.kind."))  # the kinds with a word


def _detail(ctx: Context, names: Namer, event: Any, masked: Any) -> str:
    """What one event did, in a line of the page's language (answers are listed apart)."""
    body, kind, where = event.body, event.kind, event.from_state
    if kind == "start":
        return f"→ {names.state(event.to_state)}"
    if kind in ("enter", "move"):
        moved = f"{names.state(event.from_state)} → {names.state(event.to_state)}"
        return f"{names.move(str(event.move), where)}: {moved}" if kind == "move" else moved
    if kind == "check":
        return "✓ " + ", ".join(names.item(str(i), where) for i in event.items or [])
    if kind == "skip":
        return "; ".join(f"{names.item(str(k), where)}: {v}" for k, v in (event.items or {}).items())
    if kind in ("breach", "done"):
        return names.deadline(str(body.get("deadline") or ""), where)
    if kind == "finish":
        outcome = str(body.get("outcome") or "")
        return (names.outcome(outcome, where) or names.state(where)) if outcome else ""
    if kind == "override":
        role = names.role(event.role) if event.role else ""
        return ctx.t("history.override", role=role, reason=str(body.get("reason") or ""))
    if kind == "correct":
        field = str(body.get("field"))
        return ctx.t(
            "history.correction",
            field=names.field(field, where),
            was=masked(field, body.get("was"), event.role, where),
            value=masked(field, (event.answers or {}).get(field), event.role, where),
            seq=str(body.get("answered")),
        )
    if kind == "handoff":
        target = str(body.get("to") or "")
        if body.get("target") == "role":
            return ctx.t("history.handed_role", to=names.role(target))
        return ctx.t("history.handed_person", to=who(ctx, target))
    return ""


# --- cancel ---------------------------------------------------------------------------------------


@page("/instance/{id}/cancel", "cancel", methods=("GET", "POST"))
def cancel(ctx: Context) -> Response:
    """Close the instance without finishing it, with the reason recorded (`procflow cancel`)."""
    desk, opened = _open(ctx)
    if ctx.request.method == "GET":
        return _cancel_page(ctx, opened)
    reason = ctx.value("reason").strip()
    if ctx.value("version") != str(opened.version):
        return _cancel_page(ctx, opened, ctx.t("step.conflict"), 409, reason)
    if opened.status != "open":
        return _cancel_page(ctx, opened, _closed(ctx, opened), 409, reason)
    if not reason:
        return _cancel_page(ctx, opened, ctx.t("cancel.no_reason"), 422, reason)
    try:
        desk.cancel(opened, reason)
    except ProcflowError as exc:
        _, opened = _open(ctx)
        said = _closed(ctx, opened) if opened.status != "open" else _said(ctx, exc)
        return _cancel_page(ctx, opened, said, _status(exc), reason)
    return ctx.redirect("history", {"cancelled": "1"}, id=opened.id)


def _closed(ctx: Context, opened: Opened) -> str:
    return ctx.t("cancel.closed", status=ctx.t(f"history.status.{opened.status}"))


def _cancel_page(
    ctx: Context, opened: Opened, problem: str = "", status: int = 200, reason: str = ""
) -> Response:
    return ctx.render(
        "cancel.html",
        status,
        opened=opened,
        title=ctx.web.offered.title(opened.record.procedure_id, ctx.lang),
        problem=problem or (_closed(ctx, opened) if opened.status != "open" else ""),
        reason=reason,
        override=needs_override(ctx.site, ctx.person or "", opened),
    )


# --- correct --------------------------------------------------------------------------------------


@page("/instance/{id}/correct", "correct", methods=("GET", "POST"))
def correction(ctx: Context) -> Response:
    """Correct a recorded answer, with the reason; the original stays (`procflow correct`). Only
    someone holding the role of the state where it was answered may, as on the command line."""
    desk, opened = _open(ctx)
    if ctx.request.method == "GET":
        return _correct_page(ctx, desk, opened, field=ctx.request.query_params.get("field", ""))
    field, value, reason = ctx.value("field").strip(), ctx.value("value"), ctx.value("reason").strip()
    if ctx.value("version") != str(opened.version):
        return _correct_page(ctx, desk, opened, ctx.t("step.conflict"), 409, field, value, reason)
    if not field or not value.strip() or not reason:
        return _correct_page(ctx, desk, opened, ctx.t("correct.incomplete"), 422, field, value, reason)
    try:
        correct(desk, opened, field, value, reason)
    except ProcflowError as exc:
        _, opened = _open(ctx)
        return _correct_page(
            ctx, desk, opened, _said(ctx, exc, "correct.refused_role"), _status(exc), field, value, reason
        )
    return ctx.redirect("history", {"corrected": field}, id=opened.id)


def _correct_page(
    ctx: Context,
    desk: Desk,
    opened: Opened,
    problem: str = "",
    status: int = 200,
    field: str = "",
    value: str = "",
    reason: str = "",
) -> Response:
    _, events, pii = history(desk.store, opened.id)
    answered = answers_of(events)
    given = {name: e for e in events if e.answers for name in e.answers}  # where each was given
    names = namer(opened, ctx.lang, False)
    fields = [
        (
            name,
            names.field(name, given[name].from_state),
            _answer(ctx, names, pii, name, answer, given[name].role, given[name].from_state),
        )
        for name, answer in sorted(answered.items())
    ]
    return ctx.render(
        "correct.html",
        status,
        opened=opened,
        title=ctx.web.offered.title(opened.record.procedure_id, ctx.lang),
        fields=fields,
        problem=problem,
        field=field,
        value=value,
        reason=reason,
    )


# --- hand over ------------------------------------------------------------------------------------


@page("/instance/{id}/handover", "handover")
def handover(ctx: Context) -> Response:
    """The hand-over form on a page of its own (the step page has it too); both post to `handoff`."""
    _, opened = _open(ctx)
    return _handover_page(ctx, opened)


@page("/instance/{id}/handoff", "handoff", methods=("POST",))
def handoff(ctx: Context) -> Response:
    """Pass the instance on to a person of the site file or a role, with a note for them
    (`procflow handoff`); a refusal is shown on the hand-over page with what was chosen."""
    desk, opened = _open(ctx)
    to, note = ctx.value("to").strip(), ctx.value("note").strip()
    if ctx.value("version") != str(opened.version):
        return _handover_page(ctx, opened, ctx.t("step.conflict"), 409, to, note)
    if opened.status != "open":
        return _handover_page(ctx, opened, _closed(ctx, opened), 409, to, note)
    if not to:
        return _handover_page(ctx, opened, ctx.t("handoff.no_one"), 422, to, note)
    try:
        desk.handoff(opened, to, note or None)
    except ProcflowError as exc:
        _, opened = _open(ctx)
        said = _closed(ctx, opened) if opened.status != "open" else _said(ctx, exc)
        return _handover_page(ctx, opened, said, _status(exc), to, note)
    return ctx.redirect("desk", {"handed": opened.id})


def _handover_page(
    ctx: Context, opened: Opened, problem: str = "", status: int = 200, to: str = "", note: str = ""
) -> Response:
    is_open = opened.status == "open"
    return ctx.render(
        "handover.html",
        status,
        opened=opened,
        title=ctx.web.offered.title(opened.record.procedure_id, ctx.lang),
        targets=_targets(ctx, opened) if is_open else [],
        problem=problem or ("" if is_open else _closed(ctx, opened)),
        chosen=to,
        note=note,
        override=needs_override(ctx.site, ctx.person or "", opened),
    )


def _status(exc: ProcflowError) -> int:
    if isinstance(exc, RoleError):
        return 403
    if isinstance(exc, InvalidAnswerError):
        return 422
    return 409 if isinstance(exc, ConflictError) else 400


def _said(ctx: Context, exc: ProcflowError, role_refused: str = "records.refused_role") -> str:
    """A refusal in the page's language: the engine's own words where it has them in both;
    `role_refused`, the sentence for a role the person lacks."""
    if isinstance(exc, ConflictError):
        return ctx.t("step.conflict")
    if isinstance(exc, RoleError):
        return ctx.t(role_refused)
    return refusal(exc, ctx.lang)
