"""The ASGI application: every registered page wrapped alike (session, sign-in, CSRF, errors
in the page's language), the static files shipped in the package, the security headers.
`create_app(config)` is what `procflow serve` hands to uvicorn."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import AsyncIterator, Awaitable, Callable

from procflow.engine.base.errors import (
    ConflictError,
    IllegalMoveError,
    InvalidAnswerError,
    NotFoundError,
    ProcflowError,
    RoleError,
)
from procflow.web import registry, strings
from procflow.web.config import WebConfig
from procflow.web.context import Context, refusal
from procflow.web.security import SecurityHeaders, csrf_ok
from procflow.web.sessions import COOKIE
from procflow.web.shared import HERE, Shared
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

STATUS = {
    NotFoundError: 404,
    RoleError: 403,
    ConflictError: 409,
    InvalidAnswerError: 422,
    IllegalMoveError: 409,
}
MAX_FIELDS = 500  # a posted form; a step has far fewer


def _endpoint(web: Shared, page: registry.Page) -> Callable[[Request], Awaitable[Response]]:
    async def handle(request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=MAX_FIELDS) if request.method == "POST" else None
        # the session's look-up and the page in one pool thread: each hop to a thread and back
        # is a wake-up of the event loop, paid by every request while fifty people wait
        return await run_in_threadpool(_serve, web, page, request, form)

    return handle


def _serve(web: Shared, page: registry.Page, request: Request, form: FormData | None) -> Response:
    """One request in a worker thread: its session (a store read), the CSRF check of a POST,
    the sign-in check, then the page, a refusal shown in the page's language."""
    session = web.sessions.get(request.cookies.get(COOKIE))
    fresh = session is None
    if session is None:
        session = web.sessions.new()
    lang = strings.choose(session.lang, request.headers.get("accept-language"), web.config.site.language)
    ctx = Context(request, web, session, lang=lang, set_cookie=fresh)
    if form is not None:
        ctx.form = form
        given = ctx.value("csrf") or request.headers.get("x-csrf-token")
        if fresh or not csrf_ok(session.csrf, given):
            return _finish(ctx, ctx.render("error.html", 403, message=ctx.t("error.forbidden")))
    if not page.public and session.person is None:
        query = {"next": request.url.path} if request.method == "GET" else {}
        if session.expired:
            query["expired"] = "1"
        if ctx.htmx:  # a live update of a page whose session ended: the whole page goes
            return _finish(ctx, Response(status_code=204, headers={"HX-Redirect": ctx.url("signin", query)}))
        return _finish(ctx, ctx.redirect("signin", query))
    try:
        response = page.handler(ctx)
    except ProcflowError as exc:
        status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
        response = ctx.render("error.html", status, message=refusal(exc, ctx.lang))
    return _finish(ctx, response)


def _finish(ctx: Context, response: Response) -> Response:
    if ctx.set_cookie:
        response.set_cookie(
            COOKIE,
            ctx.session.token,
            httponly=True,
            samesite="lax",
            secure=ctx.request.url.scheme == "https",
            path="/",
        )
    return response


def routes(web: Shared) -> list[BaseRoute]:
    for module in registry.MODULES:
        importlib.import_module(f"procflow.web.pages.{module}")
    found: list[BaseRoute] = [
        Route(p.path, _endpoint(web, p), methods=list(p.methods), name=p.name) for p in registry.PAGES
    ]
    found.append(Mount("/static", StaticFiles(directory=HERE / "static"), name="static"))
    return found


def create_app(config: WebConfig) -> Starlette:
    web = Shared(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        web.live.start()  # the watcher behind live updates runs while the server does
        try:
            yield
        finally:
            web.live.close()
            await run_in_threadpool(web.live.join)

    app = Starlette(routes=routes(web), middleware=[Middleware(SecurityHeaders)], lifespan=lifespan)
    app.state.web = web
    return app
