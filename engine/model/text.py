"""Text as people read it: pick a language, fill `{param}` placeholders.

Only exact `{name}` placeholders are replaced (no str.format: a stray brace in a source
phrase must never raise). Unknown names are left as written; a rule reports them.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from typing import Any

from procflow.engine.base.durations import parse_duration, say_duration
from procflow.engine.model.procedure import Text

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def render(text: Text | None, lang: str, params: Mapping[str, Any]) -> str:
    """`text` in `lang` with parameters filled in; empty for no text."""
    if text is None:
        return ""
    return fill(text.get(lang), _said(params, lang))


_LATIN = re.compile(r"[a-z]", re.I)


def _said(params: Mapping[str, Any], lang: str) -> Mapping[str, Any]:
    """`params` with each length of time written in Latin units (`30 minutes`, a timer's
    default) said in Chinese for zh-Hant (`30分鐘`), so a phrase that names a timer reads in
    its own language and always states the length the timer counts."""
    if lang != "zh-Hant":
        return params
    said: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, str) and _LATIN.search(value):
            with contextlib.suppress(ValueError):  # not a length of time: as written
                value = say_duration(parse_duration(value), lang)
        said[name] = value
    return said


def fill(raw: str, params: Mapping[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(params[name]) if name in params else match.group(0)

    return PLACEHOLDER.sub(value, raw)


def placeholders(raw: str) -> Iterator[tuple[str, int]]:
    """Each `{name}` in `raw` with the offset of its opening brace."""
    for match in PLACEHOLDER.finditer(raw):
        yield match.group(1), match.start()
