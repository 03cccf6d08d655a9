"""What a running web desk is given: how to open the store, the site, where procedures are,
and how it is exposed. Built by `procflow serve`; nothing here reads the environment."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from procflow.engine.desk.accounts import Store
from procflow.engine.site.sitefile import Site

IDLE_MINUTES = 30.0  # a session unused this long is signed out


@dataclass(frozen=True)
class WebConfig:
    open_store: Callable[[], Store]  # a new connection (each worker thread keeps its own)
    site: Site
    dirs: tuple[str, ...] = ()  # --dir: where procedures are found besides the project's
    behind_proxy: bool = False  # trust X-Forwarded-* from the proxy (uvicorn's proxy headers)
    idle_minutes: float = IDLE_MINUTES
