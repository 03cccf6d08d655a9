"""The message catalogue: the fixed words procflow prints around a procedure's own text, one
module per language (`en`, `zh_hant`), looked up by key with `message(lang, key, **values)`.

A language procflow has no catalogue for reads English. Adding a language is one module and
one line in `CATALOGUES`; a test fails when it lacks a key. Text only: no I/O, no formatting
of tables or times here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from procflow.engine.base.messages import en, zh_hant

FALLBACK = "en"
CATALOGUES: Mapping[str, Mapping[str, str]] = {"en": en.MESSAGES, "zh-Hant": zh_hant.MESSAGES}


def messages(lang: str) -> Mapping[str, str]:
    """Every message of `lang` (English when procflow has no catalogue for it)."""
    return CATALOGUES.get(lang, CATALOGUES[FALLBACK])


def message(lang: str, key: str, **values: Any) -> str:
    """The message `key` in `lang`, with `values` filled into its `{placeholders}`."""
    text = messages(lang)[key]
    return text.format(**values) if values else text


def words(lang: str, area: str) -> dict[str, str]:
    """The messages of one area (`sop`, `run`, ...) of `lang`, keyed without `area.`."""
    prefix = area + "."
    return {key[len(prefix) :]: text for key, text in messages(lang).items() if key.startswith(prefix)}
