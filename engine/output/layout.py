"""Layout of printed documents: a tiny writer interface with plain-text and Markdown writers.

Content arrives as entries of prose and code segments; a writer decides only line layout,
alignment (by `engine.base.width`: CJK takes two cells) and escaping. No procedure knowledge and
no I/O here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol

from procflow.engine.base.width import align, display_width

# A line of content: segments that are either prose (escaped as needed) or code (kept verbatim).
Segment = tuple[bool, str]
Entry = list[Segment]


def prose(text: str) -> Segment:
    return (False, text)


def code(text: str) -> Segment:
    return (True, text)


class Writer(Protocol):
    def title(self, text: str) -> None: ...
    def paragraph(self, entry: Entry) -> None: ...
    def section(self, text: str) -> None: ...
    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Entry]]) -> None: ...
    def step(self, number: int, title: str, name: str) -> None: ...
    def meta(self, pairs: Sequence[tuple[str, Entry]]) -> None: ...
    def group(self, label: str | None, kind: str, entries: Sequence[Entry]) -> None: ...
    def result(self) -> str: ...


class TextWriter:
    """Plain text for a terminal or a printer; steps indented under their heading."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def _flat(self, entry: Entry) -> str:
        return "".join(text for _, text in entry)

    def title(self, text: str) -> None:
        self.lines += [text, "=" * display_width(text)]

    def paragraph(self, entry: Entry) -> None:
        self.lines += ["", self._flat(entry)]

    def section(self, text: str) -> None:
        self.lines += ["", text, "-" * display_width(text)]

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Entry]]) -> None:
        self.lines += align([[self._flat(c) for c in row] for row in rows], indent="  ")

    def step(self, number: int, title: str, name: str) -> None:
        self.lines += ["", f"{number}. {title} ({name})"]

    def meta(self, pairs: Sequence[tuple[str, Entry]]) -> None:
        self.lines += [f"   {label}: {self._flat(value)}" for label, value in pairs]

    def group(self, label: str | None, kind: str, entries: Sequence[Entry]) -> None:
        """Entries under a label inside a step, or (no label) directly under a section."""
        marker = {"check": "[ ] ", "say": "» ", "list": "- "}[kind]
        if label is not None:
            self.lines.append(f"   {label}:")
        indent = "     " if label is not None else "  "
        self.lines += [f"{indent}{marker}{self._flat(e)}" for e in entries]

    def result(self) -> str:
        return "\n".join(self.lines) + "\n"


_MD_SPECIAL = set("\\`*_[]<>|#~")
_ORDERED = re.compile(r"^(\d+)([.)])(?= |$)")


def md_escape(text: str) -> str:
    """Prose that Markdown shows as written (no emphasis, links, tables or HTML by accident)."""
    out = "".join("\\" + c if c in _MD_SPECIAL else c for c in text).replace("\n", " ")
    # text that starts like a list item or a numbered item would become one
    if out[:1] in ("-", "+"):
        return "\\" + out
    return _ORDERED.sub(r"\1\\\2", out, count=1)


def md_code(text: str) -> str:
    """A code span that survives backticks inside it."""
    run = longest = 0
    for c in text:
        run = run + 1 if c == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    inner = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return f"{fence}{inner}{fence}"


class MarkdownWriter:
    """GitHub-flavoured Markdown: headings, tables, task lists, quotes for words to say."""

    def __init__(self) -> None:
        self.blocks: list[str] = []

    def _md(self, entry: Entry) -> str:
        return "".join(md_code(t) if is_code else md_escape(t) for is_code, t in entry)

    def title(self, text: str) -> None:
        self.blocks.append("# " + md_escape(text))

    def paragraph(self, entry: Entry) -> None:
        self.blocks.append(self._md(entry))

    def section(self, text: str) -> None:
        self.blocks.append("## " + md_escape(text))

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Entry]]) -> None:
        lines = ["| " + " | ".join(md_escape(h) for h in headers) + " |", "|" + "---|" * len(headers)]
        lines += ["| " + " | ".join(self._md(c) for c in row) + " |" for row in rows]
        self.blocks.append("\n".join(lines))

    def step(self, number: int, title: str, name: str) -> None:
        self.blocks.append(f"### {number}. {md_escape(title)} ({md_code(name)})")

    def meta(self, pairs: Sequence[tuple[str, Entry]]) -> None:
        self.blocks.append(" · ".join(f"**{md_escape(label)}:** {self._md(value)}" for label, value in pairs))

    def group(self, label: str | None, kind: str, entries: Sequence[Entry]) -> None:
        if label is not None:
            self.blocks.append(f"**{md_escape(label)}**")
        if kind == "say":  # each phrase its own quote, so they do not run together
            self.blocks += ["> " + self._md(e) for e in entries]
        else:
            marker = "- [ ] " if kind == "check" else "- "
            self.blocks.append("\n".join(marker + self._md(e) for e in entries))

    def result(self) -> str:
        return "\n\n".join(self.blocks) + "\n"


WRITERS: dict[str, Callable[[], Writer]] = {"text": TextWriter, "markdown": MarkdownWriter}
