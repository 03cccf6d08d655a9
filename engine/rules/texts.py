"""Rules on the words people read: placeholders name parameters, every language is there,
nothing in them can drive a terminal.

A plain string (no language keys) serves every language on purpose (a name, a code), so
only language mappings are checked for missing languages.
"""

from __future__ import annotations

from collections.abc import Iterator

from procflow.engine.base.diagnostic import Severity
from procflow.engine.base.safetext import describe, is_control
from procflow.engine.model.procedure import Procedure
from procflow.engine.model.text import PLACEHOLDER, placeholders
from procflow.engine.rules import Finding, rule
from procflow.engine.rules.analysis.facts import analyse, string_pointer, suggest


@rule("P017", "unknown-placeholder", "a text uses a {placeholder} that is not a parameter")
def unknown_placeholder(procedure: Procedure) -> Iterator[Finding]:
    params = procedure.params
    fields = procedure.fields
    # a text people read may show an answer, `{field}`; a value passed to a sub-procedure may not
    found = [
        (value, string_pointer(t, lang), True)
        for value, t, lang in analyse(procedure).strings
        if "{" in value
    ]
    for state in procedure.states.values():
        if state.use is not None:
            for key, value in state.use.params.items():
                if isinstance(value, str) and "{" in value:
                    found.append((value, f"{state.use.ptr}/params/{key}", False))
    for value, pointer, shown in found:
        if all(name in params or (shown and name in fields) for name in PLACEHOLDER.findall(value)):
            continue
        for name, offset in placeholders(value):
            if name not in params and not (shown and name in fields):
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
    for value, text, lang in analyse(procedure).strings:
        if value.isspace():
            yield Finding(
                string_pointer(text, lang), "text is blank; write what to do, say or show, or remove it"
            )


@rule("P032", "control-character", "a text holds a control character that would drive a terminal")
def control_character(procedure: Procedure) -> Iterator[Finding]:
    # Newline and tab are layout (a block scalar, an aligned note); every other C0/C1 control,
    # DEL and bidi control would be sent to the operator's terminal by `show` and `run`.
    for value, text, lang in analyse(procedure).strings:
        if value.isprintable():  # the common case, without a look at each character
            continue
        at = next((n for n, char in enumerate(value) if is_control(char, allow="\n\t")), None)
        if at is not None:
            yield Finding(
                string_pointer(text, lang),
                f"text contains the control character {describe(value[at])}; "
                "it would drive the reader's terminal: remove it",
                offset=at,
            )
