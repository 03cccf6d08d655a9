"""Practice runs (`run --practice`, `resume --practice`): a scratch database beside the real one,
never the real one, so nothing practised is recorded, reported or held against anyone; and a
screen that says so above every state.

Picks the file and draws the banner; the run itself is the ordinary one (`terminal.runs`).
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from procflow.engine.base import environment
from procflow.engine.base.errors import UsageError
from procflow.terminal.screen import Screen

SUFFIX = ".practice"


def practice_path(db: str | None) -> str:
    """The scratch database of the real one `db` names (`--db`, PROCFLOW_DB, the per-user
    default): its sibling with `.practice` before the extension (`procflow.db` ->
    `procflow.practice.db`). Its folder is made when it is the default's. A server's URL has
    no sibling file: practice on it goes to the per-user default's practice file, never to the
    team's database."""
    real, default = environment.db_path(db)
    if environment.is_url(real):  # a team's server: practice stays on this desk, in its own file
        real, default = os.path.join(_data_dir(), environment.DB_FILE), True
    stem, extension = os.path.splitext(real)
    if stem.endswith(SUFFIX):  # already a practice file: practising on it is what was asked
        return real
    path = stem + SUFFIX + extension
    if os.path.abspath(path) == os.path.abspath(real):  # cannot happen; never risk the real one
        raise UsageError(f"no practice database can be named beside '{real}'")
    if default:
        os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def _data_dir() -> str:
    from platformdirs import user_data_dir

    return user_data_dir("procflow", appauthor=False)


def is_practice(path: str) -> bool:
    """Whether a database file is a practice one (by its name, as `practice_path` gives it)."""
    return os.path.splitext(path)[0].endswith(SUFFIX)


class PracticeScreen(Screen):
    """The operator's screen in a practice run: the banner above every state."""

    def __init__(self, lang: str, path: str, **how: Any) -> None:
        super().__init__(lang, **how)
        self.path = path

    def banner(self) -> None:
        self.out(self.style("◆ " + self.w("practice.banner", path=self.path), fg="magenta", bold=True))

    def state(self, view: Any, instance: str, now: datetime) -> None:
        self.out()
        self.banner()
        super().state(view, instance, now)
