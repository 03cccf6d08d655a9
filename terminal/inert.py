"""Every line the terminal prints from a record or a file, made inert first: `say` for text,
`to_json` for JSON, `bold` for a heading.

What one person typed, an older database kept or a procedure file holds may carry escape
sequences, C1 controls or bidi overrides; printed raw they would drive another person's
terminal. Only formats: it never reads the store.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any

import click
from procflow.engine.base.safetext import visible

# What json.dumps(ensure_ascii=False) leaves raw although a terminal may act on it: DEL, the
# C1 controls (U+009B is a CSI), bidi controls and lone surrogates (undecodable bytes, which
# could not even be encoded for output). JSON's own syntax is ASCII, so each can only be
# inside a string, where its \\u escape reads back as the same value.
_UNESCAPED = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def say(text: str = "", *, err: bool = False, nl: bool = True, allow: str = "\n\t") -> None:
    """Print plain text (no styles of ours in it) with every control character but those in
    `allow` made visible."""
    click.echo(visible(text, allow=allow), err=err, nl=nl)


def bold(text: str) -> str:
    """Bold on a terminal; plain when piped or with NO_COLOR. The text is made inert first."""
    shown = visible(text)
    return click.style(shown, bold=True) if sys.stdout.isatty() and "NO_COLOR" not in os.environ else shown


def to_json(data: Any, **how: Any) -> str:
    """`json.dumps(data, ensure_ascii=False)` (readable Chinese) with nothing a terminal obeys."""
    return inert_json(json.dumps(data, ensure_ascii=False, **how))


def inert_json(text: str) -> str:
    """JSON text (as `json.dumps(ensure_ascii=False)` wrote it) with the characters it leaves raw
    that a terminal would obey written as `\\u` escapes: the same JSON value."""
    return _UNESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
