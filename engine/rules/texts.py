"""Rules on the words people read: placeholders name parameters, every language is there.

A plain string (no language keys) serves every language on purpose (a name, a code), so
only language mappings are checked for missing languages.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.diagnostic import Severity
from engine.model import Procedure, Text
from engine.rules import Finding, rule
from engine.rules.analysis import analyse, suggest
from engine.text import placeholders


def _strings(text: Text) -> Iterator[tuple[str, str]]:
    """(pointer, string) for each string of a text."""
    if text.plain is not None:
        yield text.ptr, text.plain
    for lang, value in text.values.items():
        yield f"{text.ptr}/{lang}", value


def _all_strings(procedure: Procedure) -> Iterator[tuple[str, str]]:
    for text in analyse(procedure).texts:
        yield from _strings(text)
    for state in procedure.states.values():
        if state.use is not None:
            for key, value in state.use.params.items():
                if isinstance(value, str):
                    yield f"{state.use.ptr}/params/{key}", value


@rule("P017", "unknown-placeholder", "a text uses a {placeholder} that is not a parameter")
def unknown_placeholder(procedure: Procedure) -> Iterator[Finding]:
    params = procedure.params
    for pointer, value in _all_strings(procedure):
        if "{" not in value:
            continue
        for name, offset in placeholders(value):
            if name not in params:
                hint = suggest(name, params) or (
                    f" (parameters: {', '.join(params)})" if params else "; declare it under 'params'"
                )
                yield Finding(pointer, f"placeholder {{{name}}} is not a parameter{hint}", offset=offset)


@rule("P018", "missing-language", "a text lacks one of the procedure's languages", Severity.WARNING)
def missing_language(procedure: Procedure) -> Iterator[Finding]:
    languages = procedure.languages
    for text in analyse(procedure).texts:
        if text.plain is not None:
            continue
        missing = [lang for lang in languages if lang not in text.values]
        if missing:
            names = ", ".join(repr(m) for m in missing)
            yield Finding(
                text.ptr, f"text has no {names}; the procedure's languages are {', '.join(languages)}"
            )


@rule("P028", "blank-text", "a text that is only white space")
def blank_text(procedure: Procedure) -> Iterator[Finding]:
    for text in analyse(procedure).texts:
        for pointer, value in _strings(text):
            if not value.strip():
                yield Finding(pointer, "text is blank; write what to do, say or show, or remove it")
