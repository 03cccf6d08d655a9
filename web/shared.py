"""What every page of a running desk shares: the configuration, the sessions, the store
connections, the sign-in rate limits, the procedures offered and the templates."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from procflow.engine.base.safetext import visible
from procflow.web.config import WebConfig
from procflow.web.live import Live
from procflow.web.procedures import Offered
from procflow.web.security import RateLimit
from procflow.web.sessions import Sessions
from procflow.web.stores import StorePool

HERE = Path(__file__).resolve().parent


class Shared:
    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self.stores = StorePool(config.open_store)
        self.sessions = Sessions(self.stores.get, config.idle_minutes * 60)
        self.live = Live(config.open_store)
        self.per_person = RateLimit(limit=5, window=15 * 60)
        self.per_address = RateLimit(limit=30, window=15 * 60)
        self.offered = Offered(config.dirs)
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.filters["inert"] = inert


def inert(value: object) -> str:
    """Text from a record or a file as it may be shown: control characters and bidirectional
    overrides made visible (escaping for HTML is Jinja's autoescape, after this)."""
    return visible("" if value is None else str(value))
