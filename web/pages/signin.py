"""Sign in, sign out and the language switch: the pages every visitor reaches."""

from __future__ import annotations

from procflow.engine.desk.accounts import hash_of
from procflow.web.context import Context
from procflow.web.passwords import matches
from procflow.web.registry import page
from procflow.web.strings import LANGUAGES
from starlette.responses import Response


def local_path(target: str, fallback: str) -> str:
    """`next` as given, if it is a path on this site (never another host: no open redirect)."""
    if target.startswith("/") and not target.startswith(("//", "/\\")) and target.isprintable():
        return target
    return fallback


@page("/signin", "signin", methods=("GET", "POST"), public=True)
def signin(ctx: Context) -> Response:
    after = local_path(ctx.value("next") or ctx.request.query_params.get("next", ""), ctx.url("desk"))
    if ctx.request.method == "GET":
        if ctx.person is not None:
            return ctx.redirect("desk")
        notice = ""
        if ctx.request.query_params.get("expired"):
            notice = ctx.t("signin.expired")
        elif ctx.request.query_params.get("out"):
            notice = ctx.t("signin.out")
        return ctx.render("signin.html", next=after, person="", notice=notice, problem="")
    person = ctx.value("person").strip()
    password = ctx.value("password")
    address = ctx.request.client.host if ctx.request.client else "unknown"
    keys = (f"person:{person}", f"address:{address}")
    web = ctx.web
    if web.per_person.blocked(keys[0]) or web.per_address.blocked(keys[1]):
        return ctx.render(
            "signin.html", 429, next=after, person=person, notice="", problem=ctx.t("signin.limited")
        )
    if not matches(hash_of(ctx.store(), ctx.site, person), password):
        web.per_person.failed(keys[0])
        web.per_address.failed(keys[1])
        return ctx.render(
            "signin.html", 401, next=after, person=person, notice="", problem=ctx.t("signin.failed")
        )
    web.per_person.clear(keys[0])
    web.sessions.end(ctx.session.token)  # a new token once signed in: a planted one is useless
    ctx.session = web.sessions.new(person, lang=ctx.session.lang)
    ctx.set_cookie = True
    return Response(status_code=303, headers={"Location": after})


@page("/signout", "signout", methods=("POST",))
def signout(ctx: Context) -> Response:
    ctx.web.sessions.end(ctx.session.token)
    ctx.session = ctx.web.sessions.new(lang=ctx.session.lang)
    ctx.set_cookie = True
    return ctx.redirect("signin", {"out": "1"})


@page("/language", "language", methods=("POST",), public=True)
def language(ctx: Context) -> Response:
    """The switch: the chosen language is kept with the session (signed in or not)."""
    chosen = ctx.value("lang")
    if chosen in LANGUAGES:
        ctx.web.sessions.choose(ctx.session, chosen)
    return Response(status_code=303, headers={"Location": local_path(ctx.value("next"), ctx.url("desk"))})
