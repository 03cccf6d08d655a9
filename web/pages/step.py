"""A step in the browser: start a procedure, the current state as the terminal shows it (source
on demand, checklist, words to say, typed questions, moves, deadlines), every answer kept as a
draft the moment it is given (htmx on change; the form's submit without JavaScript), the step
taken, and refusals shown in place in the page's language."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from procflow.engine.base.errors import (
    ConflictError,
    IllegalMoveError,
    InvalidAnswerError,
    NotFoundError,
    ProcflowError,
    RoleError,
)
from procflow.engine.desk.agenda import shown_due
from procflow.engine.desk.drafts import Given, drop_check, given, save_answer, save_check, save_skip
from procflow.engine.desk.instances import Desk, Opened
from procflow.engine.desk.people import may_act
from procflow.engine.model.text import render
from procflow.engine.runtime.view import QuestionView, View
from procflow.web.access import MASK, needs_override, sees_pii
from procflow.web.context import Context, refusal
from procflow.web.registry import page
from procflow.web.times import local
from starlette.responses import Response

ANSWER = "a."  # form names: a.FIELD an answer, skip.ITEM a skip's reason, check an item ticked
SKIP = "skip."


def _open(ctx: Context, desk: Desk, ident: str) -> Opened:
    return desk.open(desk.store.resolve(ident, desk.actor))


@page("/start", "start", methods=("POST",))
def start(ctx: Context) -> Response:
    ident = ctx.value("procedure")
    procedure = ctx.web.offered.all().get(ident)
    if procedure is None:
        raise NotFoundError(ctx.t("step.unknown_procedure", id=ident))
    role = procedure.states[procedure.initial].role
    if not may_act(ctx.site, ctx.person or "", role):
        raise RoleError(
            ctx.t("step.refused_role", role=_role_title(procedure.roles.get(role or ""), role, ctx.lang))
        )
    opened = ctx.desk().start(ident)
    return ctx.redirect("instance", id=opened.id)


@page("/instance/{id}", "instance")
def instance(ctx: Context) -> Response:
    desk = ctx.desk()
    return show(ctx, desk, _open(ctx, desk, ctx.request.path_params["id"]))


@page("/instance/{id}/step", "step", methods=("POST",))
def step(ctx: Context) -> Response:
    desk = ctx.desk()
    opened = _open(ctx, desk, ctx.request.path_params["id"])
    view = opened.view()
    values = {q.field: ctx.value(ANSWER + q.field) for q in view.questions}
    if ctx.value("version") != str(opened.version):
        return show(ctx, desk, opened, problem=ctx.t("step.conflict"), status=409)
    problems: dict[str, str] = {}
    try:
        desk.authorise(opened)
        # a personal answer this person may not read came to them masked: it is not an answer
        answers = {name: raw for name, raw in values.items() if raw.strip() and raw != MASK}
        checks = [c for c in ctx.form.getlist("check") if isinstance(c, str)]
        skips = {item.id: ctx.value(SKIP + item.id).strip() for item in view.items}
        skips = {item: reason for item, reason in skips.items() if reason and item not in checks}
        for name, raw in answers.items():  # kept first: a refused step loses none of them
            try:
                save_answer(desk, opened, name, raw)
            except InvalidAnswerError as exc:
                problems[name] = refusal(exc, ctx.lang)
        if problems:
            return show(ctx, desk, opened, values=values, problems=problems, status=422)
        _keep_ticks(desk, opened, checks)
        for item, reason in skips.items():
            save_skip(desk, opened, item, reason)
        move = ctx.value("move") or None
        done = [d for d in ctx.form.getlist("done") if isinstance(d, str)]
        desk.step(
            opened,
            answers=answers,
            check=checks,
            skip=skips,
            move=move,
            note=ctx.value("note") or None,
            done=done,
        )
    except ProcflowError as exc:
        return show(
            ctx,
            desk,
            _open(ctx, desk, opened.id),
            values=values,
            problem=_said(ctx, exc, view),
            status=_status(exc),
        )
    return ctx.redirect("instance", id=opened.id)


@page("/instance/{id}/draft", "draft", methods=("POST",))
def draft(ctx: Context) -> Response:
    """One answer, tick or skip kept as it is given (htmx, on change): a line saying it is kept, or why not."""
    desk = ctx.desk()
    opened = _open(ctx, desk, ctx.request.path_params["id"])
    name = ctx.request.headers.get("hx-trigger-name") or ""
    try:
        if ctx.value("version") != str(opened.version):
            raise ConflictError("changed meanwhile")
        desk.authorise(opened)
        if name.startswith(ANSWER):
            raw = ctx.value(name)
            if not raw.strip():
                return ctx.render("partials/kept.html", message="", failed=False)
            save_answer(desk, opened, name.removeprefix(ANSWER), raw)
        elif name == "check":
            _keep_ticks(desk, opened, [c for c in ctx.form.getlist("check") if isinstance(c, str)])
        elif name.startswith(SKIP) and ctx.value(name).strip():
            save_skip(desk, opened, name.removeprefix(SKIP), ctx.value(name).strip())
        else:
            return ctx.render("partials/kept.html", message="", failed=False)
    except ProcflowError as exc:
        return ctx.render("partials/kept.html", message=_said(ctx, exc, opened.view()), failed=True)
    at = local(desk.clock(), desk.clock())
    return ctx.render("partials/kept.html", message=ctx.t("step.kept", at=at), failed=False)


def _keep_ticks(desk: Desk, opened: Opened, ticked: list[str]) -> None:
    """The checklist's boxes as the form has them now: a new tick kept, a tick taken back forgotten."""
    drafted = given(desk, opened).checked
    for item in ticked:
        if item not in drafted:
            save_check(desk, opened, item)
    for item in drafted:
        if item not in ticked:
            drop_check(desk, opened, item)


def _targets(ctx: Context, opened: Opened) -> list[tuple[str, str]]:
    """Whom the instance can be handed to: the site's other people, then its procedures' roles."""
    people = [
        (f"person:{p.id}", f"{p.name} ({p.id})") for p in ctx.site.people.values() if p.id != ctx.person
    ]
    roles = {
        name: render(title, ctx.lang, {}) or name
        for procedure in opened.session.procedures.values()
        for name, title in procedure.roles.items()
    }
    return sorted(people, key=lambda p: p[1]) + [
        (f"role:{name}", ctx.t("handoff.role", role=title)) for name, title in sorted(roles.items())
    ]


def _status(exc: ProcflowError) -> int:
    return {RoleError: 403, ConflictError: 409, InvalidAnswerError: 422, IllegalMoveError: 409}.get(
        type(exc), 400
    )


def _said(ctx: Context, exc: ProcflowError, view: View) -> str:
    """A refusal in the page's language: the engine's own words where it has them in both."""
    if isinstance(exc, RoleError):
        return ctx.t("step.refused_role", role=view.role_title or view.role or "")
    if isinstance(exc, ConflictError):
        return ctx.t("step.conflict")
    if isinstance(exc, IllegalMoveError):
        return ctx.t("step.refused_move", why=exc.message)
    return refusal(exc, ctx.lang)


def _role_title(text: Any, role: str | None, lang: str) -> str:
    return render(text, lang, {}) or (role or "")


def show(
    ctx: Context,
    desk: Desk,
    opened: Opened,
    *,
    values: Mapping[str, str] | None = None,
    problems: Mapping[str, str] | None = None,
    problem: str = "",
    status: int = 200,
) -> Response:
    view = opened.view()
    moment = desk.clock()
    is_open = opened.status == "open"
    drafted = given(desk, opened) if is_open else Given({}, [], {})
    person = ctx.person or ""
    acting = may_act(ctx.site, person, view.role)
    private = not sees_pii(ctx.site, person, view.role)
    questions = [_question(q, values or {}, drafted, private, moment) for q in view.questions]
    items = [
        {
            "id": item.id,
            "text": item.text,
            "note": item.note,
            "source": item.source,
            "optional": item.optional,
            "status": item.status,
            "checked": item.status == "checked" or item.id in drafted.checked,
            "skip_reason": drafted.skipped.get(item.id, item.reason or ""),
        }
        for item in view.items
    ]
    dues = [shown_due(d, moment) for d in (*view.caller_due, *view.due)]
    return ctx.render(
        "step.html",
        status,
        opened=opened,
        view=view,
        is_open=is_open,
        acting=acting,
        questions=questions,
        items=items,
        dues=dues,
        problems=problems or {},
        problem=problem,
        drafted=bool(drafted),
        override=not acting and is_open,
        targets=_targets(ctx, opened) if is_open else [],
        pass_override=needs_override(ctx.site, person, opened),
        now_at=local(moment, moment),
        now_iso=moment.isoformat(),
    )


def _question(
    q: QuestionView, values: Mapping[str, str], drafted: Given, private: bool, moment: datetime
) -> dict[str, Any]:
    value = values.get(q.field) or drafted.answers.get(q.field)
    if value is None and q.answer is not None:
        value = str(q.answer) if q.type != "bool" else ("yes" if q.answer else "no")
    if q.type == "datetime":
        value = _for_input(value, moment) if value else moment.strftime("%Y-%m-%dT%H:%M")
    hidden = private and q.pii and bool(value)
    return {
        "field": q.field,
        "type": q.type,
        "label": q.label,
        "help": q.help,
        "required": q.required,
        "choices": q.choices,
        "value": MASK if hidden else (value or ""),
        "hidden": hidden,
        "answered": q.answer is not None,
    }


def _for_input(value: str, moment: datetime) -> str:
    """A date-time answer as `<input type=datetime-local>` takes it, in the site's zone."""
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return value
    if at.tzinfo is not None:
        at = at.astimezone(moment.tzinfo)
    return at.strftime("%Y-%m-%dT%H:%M")
