"""The one place a page is added: `@page(path, name)` on a function of a module listed in
`MODULES` (under procflow.web.pages). The app wraps every page the same way: the session
found, sign-in required unless `public`, the CSRF token checked on every POST, the work done
in a worker thread. `nav` puts a link in the frame for people `shown_to` lets see it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

# page modules, imported by the app in this order; a new family of pages is one more line
MODULES = ("signin", "desk", "step", "records", "live", "violations", "report")

# a page function takes a `procflow.web.context.Context` (which imports this module: typed loosely here)
Handler = Callable[[Any], Response]


@dataclass(frozen=True)
class Page:
    path: str  # Starlette's path syntax: /instance/{id}
    name: str  # for `url(name, **params)` in templates and redirects
    handler: Handler
    methods: tuple[str, ...] = ("GET",)
    public: bool = False  # shown without signing in (the sign-in page itself)
    nav: str | None = None  # the string key of its link in the frame's navigation
    shown_to: Callable[[Any], bool] | None = None  # who sees that link (None: everyone)


PAGES: list[Page] = []


def page(
    path: str,
    name: str,
    *,
    methods: tuple[str, ...] = ("GET",),
    public: bool = False,
    nav: str | None = None,
    shown_to: Callable[[Any], bool] | None = None,
) -> Callable[[Handler], Handler]:
    """Register the decorated function as the page `name` at `path`."""

    def register(handler: Handler) -> Handler:
        if any(p.name == name for p in PAGES):
            raise LookupError(f"a web page named {name!r} is registered twice")
        PAGES.append(Page(path, name, handler, methods, public, nav, shown_to))
        return handler

    return register
