"""Where procflow's own data lives: the bundled procedures, scenarios, sources and schemas.

A checkout keeps them at the repository's top, beside `engine/`; a wheel puts them beside
`procflow/engine/` in the same relative places (see pyproject.toml), so one rule finds them in
both. Pure path arithmetic: nothing here reads or creates a file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# engine/base/paths.py -> the directory that holds engine/ (the checkout, or procflow/ installed)
PACKAGE_ROOT = Path(__file__).resolve().parents[2]
ENGINE_DIR = PACKAGE_ROOT / "engine"
SUFFIXES = (".yaml", ".yml")  # of procedure files


def data_dir(name: str) -> Path:
    """A bundled data directory (`procedures`, `scenarios`, `sources`, `schemas`); it may not
    exist when nothing of that kind ships."""
    return PACKAGE_ROOT / name


def procedures_dir() -> Path:
    """The directory of the procedures that ship with procflow (it may not exist: none bundled)."""
    return data_dir("procedures")


def sources_dir() -> Path:
    """The clause index of the source documents (`sources/article-N.yaml`), for `trace`."""
    return data_dir("sources")


def scenarios_dir() -> Path:
    """The scenarios of the bundled procedures, for `procflow test`."""
    return data_dir("scenarios")


def schema_path(name: str = "procedure") -> Path:
    """The JSON Schema of procedure files (or of site files, `name="site"`)."""
    return data_dir("schemas") / f"{name}.schema.json"


CACHE_VARIABLE = "PROCFLOW_CACHE_DIR"


def cache_dir(*parts: str) -> Path:
    """Where procflow keeps what it can compute again (validation results, generated code, site
    checks): `$PROCFLOW_CACHE_DIR`, else the platform's user cache directory as platformdirs
    says (`~/.cache/procflow` on Linux, honouring XDG_CACHE_HOME). Nothing is created here."""
    override = os.environ.get(CACHE_VARIABLE)
    if override:
        return Path(override, *parts)
    if sys.platform == "linux":  # the XDG rule platformdirs follows there, without its ~20 ms import
        base = os.environ.get("XDG_CACHE_HOME", "")
        return Path(base if os.path.isabs(base) else os.path.expanduser("~/.cache"), "procflow", *parts)
    from platformdirs import user_cache_dir  # ~20 ms: only commands that use a cache pay it

    return Path(user_cache_dir("procflow", appauthor=False), *parts)
