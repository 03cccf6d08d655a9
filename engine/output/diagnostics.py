"""Formatters: a list of Diagnostics (plus the number of files) as text, JSON or GitHub annotations.

Each formatter is a pure function chosen from `FORMATS`; the source lines shown under text
findings are handed in (see `source_lines`), so formatting itself never touches a file.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from json.encoder import encode_basestring
from operator import attrgetter
from typing import Protocol

from procflow.engine.base.diagnostic import Diagnostic, count_errors
from procflow.engine.base.safetext import blanked
from procflow.engine.base.width import char_width
from procflow.engine.load.reader import LoadError, read_bytes

# (path, line) -> the text of that line, without its newline
Sources = Mapping[tuple[str, int], str]

JSON_FORMAT_VERSION = 1


class Formatter(Protocol):
    def __call__(
        self, diagnostics: Sequence[Diagnostic], *, files: int, sources: Sources | None = None
    ) -> str: ...


def summary(diagnostics: Sequence[Diagnostic], files: int) -> dict[str, int]:
    errors = count_errors(diagnostics)
    return {"files": files, "errors": errors, "warnings": len(diagnostics) - errors}


def summary_line(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """`3 files checked: 2 errors, 1 warning` (or `no problems`)."""
    counts = summary(diagnostics, files)
    checked = f"{_plural(files, 'file')} checked"
    if not diagnostics:
        return f"{checked}: no problems"
    return f"{checked}: {_plural(counts['errors'], 'error')}, {_plural(counts['warnings'], 'warning')}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def format_text(diagnostics: Sequence[Diagnostic], *, files: int, sources: Sources | None = None) -> str:
    """`path:line:col: severity: message [code]`, the source line with a caret, then a summary.

    A finding about the file as a whole (line 0: too large, not readable) shows `path:` alone.
    """
    out: list[str] = []
    append = out.append
    shown = sources or {}
    # findings at one place (a state with several) are neighbours: its position, line and caret
    # are made once, and each finding is one string (the severity formats as its value, being
    # a StrEnum, without the enum's `value` property): a report may hold 150,000 findings.
    last_path, last_number, last_col = "", -1, -1
    head = quoted = ""
    for d in diagnostics:
        path, number, col, message = d.path, d.line, d.col, d.message
        if "\n" in message or "\r" in message:  # one line per finding
            message = message.replace("\r", "\\r").replace("\n", "\\n")
        if number <= 0:  # the file as a whole
            append(f"{path}: {d.severity}: {message} [{d.code}]")
            continue
        if col != last_col or number != last_number or path != last_path:
            last_path, last_number, last_col = path, number, col
            head = f"{path}:{number}:{col}: "
            line = shown.get((path, number))
            if line is None:
                quoted = ""
            else:
                before = line[: col - 1] if col > 1 else ""
                if before.isascii() and "\t" not in before:  # caret_prefix's usual line, inline
                    pad = " " * len(before)
                else:
                    pad = caret_prefix(line, col)
                quoted = f"\n    {line}\n    {pad}^"
        append(f"{head}{d.severity}: {message} [{d.code}]{quoted}")
    append(summary_line(diagnostics, files))
    return "\n".join(out) + "\n"


def caret_prefix(line: str, col: int) -> str:
    """Blanks as wide on screen as the text before column `col` (1-based).

    East Asian wide and full-width characters take two cells, combining marks none, and a
    tab stays a tab so the terminal expands it the same way in both lines.
    """
    before = line[: max(col - 1, 0)]
    if before.isascii() and "\t" not in before:  # the usual line: one cell a character
        return " " * len(before)
    return "".join("\t" if char == "\t" else " " * char_width(char) for char in before)


def format_json(diagnostics: Sequence[Diagnostic], *, files: int, sources: Sources | None = None) -> str:
    """One object: `version`, `summary` {files, errors, warnings}, `diagnostics` (in order).

    Each diagnostic has path, line, col (1-based; 0 when unknown), severity, code, message and
    pointer (JSON pointer of the offending node, "" when none). Text stays readable (UTF-8).
    """
    # What json.dumps(ensure_ascii=False, indent=2) writes, with each finding's strings encoded
    # by the C encoder: indented, json falls back to its pure-Python encoder, which took seven
    # times as long for a report of 150,000 findings.
    head = json.dumps(
        {"version": JSON_FORMAT_VERSION, "summary": summary(diagnostics, files)}, ensure_ascii=False, indent=2
    )
    if diagnostics:
        encode = encode_basestring
        items = ",\n".join(
            [
                f'    {{\n      "path": {encode(d.path)},\n      "line": {d.line},\n      "col": {d.col},\n'
                f'      "severity": {encode(d.severity)},\n      "code": {encode(d.code)},\n'
                f'      "message": {encode(d.message)},\n      "pointer": {encode(d.pointer)}\n    }}'
                for d in diagnostics
            ]
        )
        listed = f"[\n{items}\n  ]"
    else:
        listed = "[]"
    text = head.removesuffix("\n}") + f',\n  "diagnostics": {listed}\n}}\n'
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a file name that is not UTF-8: escape its bytes, keep JSON valid UTF-8
        text = "".join(f"\\u{ord(c):04x}" if "\ud800" <= c <= "\udfff" else c for c in text)
    return text


def format_github(diagnostics: Sequence[Diagnostic], *, files: int, sources: Sources | None = None) -> str:
    """GitHub Actions workflow commands, one annotation per finding, then the summary line."""
    out: list[str] = []
    # a file's path and a rule's code are escaped once each, not once per finding
    paths: dict[str, str] = {}
    titles: dict[str, str] = {}
    for d in diagnostics:
        path, code, line = d.path, d.code, d.line
        file = paths.get(path)
        if file is None:
            file = paths[path] = f"file={_escape_property(path)}"
        title = titles.get(code)
        if title is None:
            title = titles[code] = f"title={_escape_property(code)}"
        if line <= 0:
            place = file
        elif d.col > 0:
            place = f"{file},line={line},col={d.col}"
        else:
            place = f"{file},line={line}"
        out.append(f"::{d.severity} {place},{title}::{_escape_data(d.message)}")
    out.append(summary_line(diagnostics, files))
    return "\n".join(out) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


_PATH, _LINE = attrgetter("path"), attrgetter("line")

FORMATS: dict[str, Formatter] = {"text": format_text, "json": format_json, "github": format_github}


def source_lines(diagnostics: Iterable[Diagnostic]) -> dict[tuple[str, int], str]:
    """The lines the text format shows, read once per file; unreadable files are skipped.

    Lines are split where PyYAML counts a line break (not str.splitlines, which also splits
    at form feeds and other separators YAML does not count).
    """
    wanted: dict[str, set[int]] = {}
    # a file's findings are neighbours (sorted by path): their lines are collected in C
    for path, found in itertools.groupby(diagnostics, _PATH):
        wanted.setdefault(path, set()).update(map(_LINE, found))
    out: dict[tuple[str, int], str] = {}
    for path, numbers in wanted.items():
        lines = [n for n in numbers if n > 0]  # not line 0, the file as a whole
        if not lines:
            continue
        try:  # the file was loaded once; it may have changed since: read it bounded all the same
            text = read_bytes(path).decode("utf-8", "replace").removeprefix("\ufeff")
        except LoadError:
            continue
        # Control characters would garble the terminal (or drive it): each is shown as U+FFFD
        # (one cell, so the caret below still lines up), bidi controls included; blanked in one
        # pass over the file, sparing the line breaks it is split at next.
        all_lines = re.split("\r\n|[\r\n\x85\u2028\u2029]", blanked(text, allow="\t\r\n\x85"))
        for number in lines:
            if number <= len(all_lines):
                out[(path, number)] = all_lines[number - 1]
    return out
