"""Where the bundled procedures and the schema live, in a checkout and in an install.

A wheel carries them inside the package (`engine/_bundled/`); a checkout or an editable
install has them beside `engine/`. Nothing here parses YAML.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent


def _data_dir(name: str) -> Path:
    bundled = _PACKAGE / "_bundled" / name
    if bundled.is_dir():
        return bundled
    return _CHECKOUT / name


def procedures_dir() -> Path:
    """The directory of the procedures that ship with procflow."""
    return _data_dir("procedures")


def schema_path() -> Path:
    """The procedure JSON Schema."""
    return _data_dir("schemas") / "procedure.schema.json"
