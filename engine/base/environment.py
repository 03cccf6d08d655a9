"""What procflow takes from its surroundings: where the store lives, who acts, which language.

Each answer follows the same order: an explicit value (a command-line option), then a
`PROCFLOW_*` variable, then the platform. Pure look-ups; nothing here opens or creates files.
"""

from __future__ import annotations

import os
import re

from procflow.engine.base.errors import UsageError
from procflow.engine.base.safetext import unstorable, visible

LANGUAGES = ("zh-Hant", "en")
DEFAULT_LANGUAGE = "zh-Hant"
DB_FILE = "procflow.db"
_PASSWORD_IN_URL = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^/@:]*:)[^/@]*@")
_PASSWORD_PARAMETER = re.compile(r"(?P<head>[?&;](?:password|passwd|pwd)=)[^&;]*", re.IGNORECASE)


def db_path(explicit: str | os.PathLike[str] | None = None) -> tuple[str, bool]:
    """The database file or server URL (pathlib is not imported: `status` starts fast) and
    whether it is the default location, whose folder may be created.

    `--db PATH|URL`, else `PROCFLOW_DB`, else `procflow.db` in the per-user data directory
    (`~/.local/share/procflow` on Linux, `~/Library/Application Support/procflow` on macOS,
    `%LOCALAPPDATA%\\procflow` on Windows). A URL (`postgresql://...`, see `is_url`) is kept as
    given: its password, if any, stays in it and `masked` hides it from every message.
    """
    for given in (explicit, os.environ.get("PROCFLOW_DB")):
        if given:
            text = os.fspath(given)
            return (text if is_url(text) else os.path.expanduser(text)), False
    from platformdirs import user_data_dir  # only when the default is really needed

    return os.path.join(user_data_dir("procflow", appauthor=False), DB_FILE), True


def is_url(location: str) -> bool:
    """Whether a database location is a server URL (`scheme://...`) rather than a file path."""
    return re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", location) is not None


def masked(text: str) -> str:
    """`text` with the password of any URL in it replaced by `***` (userinfo or a parameter)."""
    text = _PASSWORD_IN_URL.sub(lambda m: m["head"] + "***@", text)
    return _PASSWORD_PARAMETER.sub(lambda m: m["head"] + "***", text)


def actor(explicit: str | None = None) -> str:
    """Who is acting: `--as NAME`, else `PROCFLOW_USER`, else the operating-system user."""
    for candidate in (explicit, os.environ.get("PROCFLOW_USER")):
        if candidate is not None:
            name = candidate.strip()
            if not name:
                raise UsageError("the actor name is empty; give a name with --as NAME or PROCFLOW_USER")
            why = unstorable(name)
            if why is not None:
                source = "--as" if candidate is explicit else "PROCFLOW_USER"
                raise UsageError(f"the actor name '{visible(name)}' from {source} cannot be recorded: {why}")
            return name
    import getpass  # only when no name was given: it pulls in terminal modules

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers): still record something honest
        return f"uid-{os.getuid()}" if hasattr(os, "getuid") else "unknown"


def language(explicit: str | None = None, site: str | None = None) -> str:
    """The language procflow speaks, the first of: `--lang`, `PROCFLOW_LANG`, the site file's
    `language:` (`site`), the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`: English when it names
    English), else Traditional Chinese. docs/cli.md ("Language") documents this order."""
    if explicit:
        if explicit not in LANGUAGES:
            raise UsageError(f"unknown language '{explicit}'; expected one of {', '.join(LANGUAGES)}")
        return explicit
    chosen = os.environ.get("PROCFLOW_LANG", "").strip()
    if chosen:
        if chosen not in LANGUAGES:
            raise UsageError(
                f"unknown language '{visible(chosen)}' in PROCFLOW_LANG; expected one of {', '.join(LANGUAGES)}"
            )
        return chosen
    if site:
        return site
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:  # the first one set decides, as in POSIX
            return _from_locale(value)
    return DEFAULT_LANGUAGE


def _from_locale(value: str) -> str:
    tag = value.split(".")[0].replace("_", "-").lower()
    if tag.startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE  # zh_TW, zh_HK, zh_CN, C, POSIX and anything else


def durability() -> str:
    """`PROCFLOW_DURABILITY` (`normal` or `full`); `normal` by default. See `engine.store.sqlite`."""
    value = os.environ.get("PROCFLOW_DURABILITY", "normal").strip().lower() or "normal"
    if value not in ("normal", "full"):
        raise UsageError(f"unknown durability '{value}' in PROCFLOW_DURABILITY; expected normal or full")
    return value


def lock_timeout() -> float:
    """Seconds to wait for a database locked by another process (`PROCFLOW_LOCK_TIMEOUT`, 5)."""
    raw = os.environ.get("PROCFLOW_LOCK_TIMEOUT")
    if raw is None or not raw.strip():
        return 5.0
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"PROCFLOW_LOCK_TIMEOUT '{raw}' is not a number of seconds") from None
    if not 0 <= value <= 3600:
        raise UsageError(f"PROCFLOW_LOCK_TIMEOUT '{raw}' is out of range; expected 0 to 3600 seconds")
    return value
