"""Quick fixes: the "did you mean" replacement a finding offers, a stub for a language a text
lacks (P018), the ASCII for a full-width colon, space or comma and spaces for a tab (Y016-Y019,
the edit `engine.load.typos` gives), and quotes around a key that YAML 1.1 readers take for a
yes/no (`on:`, `no:`).

Each fix is an edit of the open text: (title, line, col, end_line, end_col, new text) in
characters, 0-based, with the finding it fixes. Pure: the server turns them into LSP edits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from procflow.engine.base.diagnostic import Diagnostic
from procflow.engine.load.typos import diagnostic_fix
from procflow.engine.load.yamlio import Document
from procflow.lsp.text import token_length
from yaml.nodes import MappingNode, Node, ScalarNode

STUB = "TODO"  # a stub must not be empty (a blank text is P028): the author sees what to write
YAML11_BOOLEANS = frozenset(
    [
        "y",
        "Y",
        "yes",
        "Yes",
        "YES",
        "n",
        "N",
        "no",
        "No",
        "NO",
        "true",
        "True",
        "TRUE",
        "false",
        "False",
        "FALSE",
        "on",
        "On",
        "ON",
        "off",
        "Off",
        "OFF",
    ]
)
_BOOLEAN_KEY = re.compile(
    r"(^\s*(?:- )?|[{,]\s*)(" + "|".join(sorted(YAML11_BOOLEANS, key=len, reverse=True)) + r")(\s*:(?:\s|$))"
)
_NAMED = re.compile(r"'([^']*)'|\"([^\"]*)\"|\{(\w+)\}")


@dataclass(frozen=True)
class Fix:
    title: str
    line: int
    col: int
    end_line: int
    end_col: int
    text: str
    diagnostic: Diagnostic | None = None
    preferred: bool = False


def fixes(
    diagnostics: list[Diagnostic],
    lines: list[str],
    first: int,
    last: int,
    document: Document | None,
    languages: tuple[str, ...],
) -> list[Fix]:
    """Every fix for findings on lines `first`..`last` (0-based) and for keys written there."""
    out: list[Fix] = []
    for diagnostic in diagnostics:
        line = diagnostic.line - 1
        if not first <= line <= last:
            continue
        out.extend(_did_you_mean(diagnostic, lines))
        out.extend(_typo(diagnostic, lines))
        if diagnostic.code == "P018" and document is not None:
            out.extend(_language_stub(diagnostic, document, lines, languages))
    for number in range(first, min(last, len(lines) - 1) + 1):
        out.extend(_quote_keys(number, lines[number]))
    return out


def _did_you_mean(diagnostic: Diagnostic, lines: list[str]) -> Iterator[Fix]:
    """Replace the wrong name at the finding's place by each close name it offers."""
    if not diagnostic.suggestions:
        return
    line, col = diagnostic.line - 1, diagnostic.col - 1
    text = lines[line] if 0 <= line < len(lines) else ""
    token = text[col : col + token_length(text, col)]
    inner = token.strip("'\"{}")
    named = {next(g for g in m.groups() if g is not None) for m in _NAMED.finditer(diagnostic.message)}
    if not inner or inner not in named or inner in diagnostic.suggestions:
        return
    start = col + token.index(inner)
    for rank, suggestion in enumerate(diagnostic.suggestions):
        yield Fix(
            f"change {inner!r} to {suggestion!r}",
            line,
            start,
            line,
            start + len(inner),
            suggestion,
            diagnostic,
            preferred=rank == 0,
        )


_TYPO_TITLES = {
    "Y016": "type the ASCII colon ':' for the full-width '：'",
    "Y017": "type ASCII spaces for the full-width space '　'",
    "Y018": "type the ASCII comma ',' for the full-width '，'",
    "Y019": "indent with spaces instead of the tab",
}


def _typo(diagnostic: Diagnostic, lines: list[str]) -> Iterator[Fix]:
    """The loader's own edit for a full-width character or a tab where YAML needs ASCII."""
    fix = diagnostic_fix(diagnostic, "\n".join(lines))
    if fix is None:
        return
    line, col = fix.line - 1, fix.col - 1
    title = _TYPO_TITLES.get(diagnostic.code, "type what YAML needs")
    yield Fix(title, line, col, line, col + fix.length, fix.replacement, diagnostic, preferred=True)


def _language_stub(
    diagnostic: Diagnostic, document: Document, lines: list[str], languages: tuple[str, ...]
) -> Iterator[Fix]:
    """Add `lang: TODO` for each language the text at the finding's pointer lacks."""
    node = _node(document, diagnostic.pointer)
    if not isinstance(node, MappingNode) or not node.value:
        return
    present = {k.value for k, _ in node.value if isinstance(k, ScalarNode)}
    missing = [lang for lang in languages if lang not in present]
    if not missing:
        return
    if node.flow_style:  # {zh-Hant: ...}: before the closing brace
        end = node.end_mark
        entries = "".join(f", {lang}: {STUB}" for lang in missing)
        line, col = end.line, end.column - 1
        yield Fix(f"add the {', '.join(missing)} text", line, col, line, col, entries, diagnostic, True)
        return
    last_key, last_value = node.value[-1]
    indent = " " * last_key.start_mark.column
    entries = "".join(f"\n{indent}{lang}: {STUB}" for lang in missing)
    end_line = last_value.end_mark.line
    if last_value.end_mark.column == 0:  # a block scalar ends at the start of the next line
        end_line -= 1
    while end_line > 0 and not lines[end_line].strip():
        end_line -= 1
    col = len(lines[end_line]) if end_line < len(lines) else 0
    yield Fix(f"add the {', '.join(missing)} text", end_line, col, end_line, col, entries, diagnostic, True)


def _quote_keys(number: int, text: str) -> Iterator[Fix]:
    for match in _BOOLEAN_KEY.finditer(text):
        key = match.group(2)
        start = match.start(2)
        yield Fix(
            f"quote the key {key!r}: YAML 1.1 readers take it for a yes/no",
            number,
            start,
            number,
            start + len(key),
            f'"{key}"',
        )


def _node(document: Document, pointer: str) -> Node | None:
    node: Node = document.root
    for part in pointer.lstrip("/").split("/") if pointer else []:
        found = document.child(node, part.replace("~1", "/").replace("~0", "~"))
        if found is None:
            return None
        node = found[1]
    return node
