"""What a page function is handed: the request, the session, the posted form, the page's
language, and the desk services for the signed-in person (their store connection, the site)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from procflow.engine.base.errors import ProcflowError
from procflow.engine.desk.accounts import Store
from procflow.engine.desk.instances import Desk
from procflow.engine.model.fields import Refusal
from procflow.engine.site.sitefile import Site
from procflow.web import registry, strings
from procflow.web.sessions import Session
from procflow.web.shared import Shared
from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import BaseRoute

PATHS_KEPT = 8192  # paths remembered: a few desks' worth of instance links
OVERRIDE = "override_reason"  # the form field of "act anyway": why the person acts without the role


@dataclass
class Context:
    request: Request
    web: Shared
    session: Session
    form: FormData = field(default_factory=FormData)
    lang: str = "zh-Hant"
    set_cookie: bool = False  # the session is new: the response sets its cookie

    @property
    def person(self) -> str | None:
        return self.session.person

    @property
    def site(self) -> Site:
        return self.web.config.site

    @property
    def htmx(self) -> bool:
        """Whether htmx asked (a partial update), not a plain navigation."""
        return self.request.headers.get("hx-request") == "true"

    def t(self, key: str, **values: object) -> str:
        return strings.text(self.lang, key, **values)

    def store(self) -> Store:
        return self.web.stores.get()

    def desk(self) -> Desk:
        """The desk services acting as the signed-in person, in the page's language. A posted
        `override_reason` ("act anyway") is recorded as an override where the person lacks the
        role, as `--override --reason` does on the command line."""
        assert self.person is not None, "desk() on a page for people signed in only"
        reason = self.value(OVERRIDE).strip()
        return Desk(
            self.store(),
            actor=self.person,
            lang=self.lang,
            dirs=self.web.config.dirs,
            site=self.site,
            override=reason or None,
        )

    def roles(self) -> frozenset[str]:
        """The roles the signed-in person holds by the site file."""
        found = self.site.roles_of(self.person or "")
        return found if found is not None else frozenset()

    def url(self, name: str, query: Mapping[str, object] | None = None, **params: Any) -> str:
        path = _paths(self.request.app)(name, tuple(params.items()))
        return f"{path}?{urlencode(query)}" if query else path

    def value(self, key: str, default: str = "") -> str:
        """A posted form field as text (a file upload is not text: the default)."""
        found = self.form.get(key)
        return found if isinstance(found, str) else default

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        """`template` filled in with `values` and what the frame needs (strings, urls, the nav)."""
        nav = [
            p
            for p in registry.PAGES
            if p.nav is not None and self.person is not None and (p.shown_to is None or p.shown_to(self))
        ]
        known = self.site.people.get(self.person or "")
        page = self.web.templates.get_template(template).render(
            ctx=self,
            t=self.t,
            url=self.url,
            lang=self.lang,
            nav=nav,
            person_name=known.name if known else (self.person or ""),
            **values,
        )
        return HTMLResponse(page, status_code=status)

    def redirect(self, name: str, query: Mapping[str, str] | None = None, **params: Any) -> RedirectResponse:
        """To page `name`: 303, so the browser follows a POST with a GET."""
        return RedirectResponse(self.url(name, query, **params), status_code=303)


def _paths(app: Starlette) -> Callable[[str, tuple[tuple[str, Any], ...]], str]:
    """The path of a named route with its parameters, remembered: the routes never change while
    the app runs, and a desk page links the same instances on every load (a hundred links, each
    a walk through Starlette's URL building otherwise). A name not there is a KeyError, a bug."""
    found: Callable[[str, tuple[tuple[str, Any], ...]], str] | None = getattr(app.state, "paths", None)
    if found is None:
        routes: dict[str, BaseRoute] = {
            name: r for r in app.routes if (name := getattr(r, "name", None)) is not None
        }

        @functools.lru_cache(maxsize=PATHS_KEPT)
        def path(name: str, params: tuple[tuple[str, Any], ...]) -> str:
            # straight to the named route: the app's own look-up tries every route in turn
            return str(routes[name].url_path_for(name, **dict(params)))

        found = app.state.paths = path
    return found


def refusal(exc: ProcflowError, lang: str) -> str:
    """An engine refusal in the page's language where the engine has it in both."""
    return exc.said(lang) if isinstance(exc, Refusal) else str(exc.message)
