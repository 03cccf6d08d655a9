"""Every string of the web interface in zh-Hant and en: `text(lang, key, **values)`.

The catalogue is the union of the modules in `MODULES` (one per family of pages, so pages added
on separate branches never edit one file); a key defined twice, or missing a language, fails
tests/test_web_strings.py. Procedure texts are not here: they come in both languages already
and are picked by the desk services. The page's language: the person's choice, else the
browser's Accept-Language, else the site's, else zh-Hant.
"""

from __future__ import annotations

import importlib
from functools import cache

LANGUAGES = ("zh-Hant", "en")
MODULES = (
    "core",
    "records",
    "supervisor",
)  # under procflow.web.strings; each defines STRINGS: {key: {lang: text}}


@cache
def catalogue() -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for name in MODULES:
        strings: dict[str, dict[str, str]] = importlib.import_module(f"{__name__}.{name}").STRINGS
        twice = sorted(set(strings) & set(found))
        if twice:
            raise LookupError(f"web strings defined twice: {', '.join(twice)} (in {name})")
        found.update(strings)
    return found


def text(lang: str, key: str, **values: object) -> str:
    """The string `key` in `lang` (English for a language without it), `{name}`s filled in.
    An unknown key is a bug and raises KeyError."""
    entry = catalogue()[key]
    found = entry.get(lang) or entry["en"]
    return found.format(**values) if values else found


def choose(chosen: str | None, accept_language: str | None, default: str | None = None) -> str:
    """The page's language: `chosen` (the switch), else the first of Accept-Language that is
    Chinese or English by its weight, else `default` (the site's), else zh-Hant."""
    if chosen in LANGUAGES:
        return chosen
    ranked: list[tuple[float, int, str]] = []
    for order, part in enumerate((accept_language or "").split(",")[:32]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        ranked.append((-weight, order, tag.strip().lower()))
    for weight, _, tag in sorted(ranked):
        if weight >= 0:  # q=0: not acceptable
            continue
        if tag == "zh" or tag.startswith("zh-"):
            return "zh-Hant"
        if tag == "en" or tag.startswith("en-"):
            return "en"
    return default if default in LANGUAGES else "zh-Hant"
