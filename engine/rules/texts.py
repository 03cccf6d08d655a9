"""Rules on the words people read: placeholders name parameters, every language is there.

A plain string (no language keys) serves every language on purpose (a name, a code), so
only language mappings are checked for missing languages.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.diagnostic import Severity
from engine.model import Procedure, Text
from engine.rules import Finding, rule
from engine.rules.analysis import analyse, strings, suggest
from engine.text import placeholders


@rule("P017", "unknown-placeholder", "a text uses a {placeholder} that is not a parameter")
def unknown_placeholder(procedure: Procedure) -> Iterator[Finding]:
    params = procedure.params
    found = list(strings(t for t in analyse(procedure).texts if "{" in _joined(t)))
    for state in procedure.states.values():
        if state.use is not None:
            for key, value in state.use.params.items():
                if isinstance(value, str):
                    found.append((f"{state.use.ptr}/params/{key}", value))
    for pointer, value in found:
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
    wanted = set(languages)
    for text in analyse(procedure).texts:
        values = text.values
        if text.plain is not None or wanted <= values.keys():
            continue
        missing = ", ".join(repr(lang) for lang in languages if lang not in values)
        yield Finding(
            text.ptr, f"text has no {missing}; the procedure's languages are {', '.join(languages)}"
        )


@rule("P028", "blank-text", "a text that is only white space")
def blank_text(procedure: Procedure) -> Iterator[Finding]:
    message = "text is blank; write what to do, say or show, or remove it"
    for text in analyse(procedure).texts:
        if text.plain is not None:
            if text.plain.isspace():
                yield Finding(text.ptr, message)
            continue
        for lang, value in text.values.items():
            if value.isspace():
                yield Finding(f"{text.ptr}/{lang}", message)


def _joined(text: Text) -> str:
    return text.plain if text.plain is not None else "\n".join(text.values.values())
