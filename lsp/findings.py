"""procflow's findings as LSP diagnostics: the same code, message and severity as `validate`,
at the same place, spanning the token that place starts (a name, a quoted text, a key).

The close names a message offers travel in `data`, for the "did you mean" code action. Pure.
"""

from __future__ import annotations

from lsprotocol import types
from procflow.engine.base.diagnostic import Diagnostic
from procflow.lsp.text import Lines, token_length

SOURCE = "procflow"


def to_lsp(diagnostic: Diagnostic, lines: Lines) -> types.Diagnostic:
    line, col = max(diagnostic.line - 1, 0), max(diagnostic.col - 1, 0)
    severity = types.DiagnosticSeverity.Error if diagnostic.is_error else types.DiagnosticSeverity.Warning
    data = {"suggestions": list(diagnostic.suggestions)} if diagnostic.suggestions else None
    return types.Diagnostic(
        range=lines.token_range(line, col),
        message=diagnostic.message,
        severity=severity,
        code=diagnostic.code,
        source=SOURCE,
        data=data,
    )


def at(diagnostics: list[Diagnostic], line: int, col: int, lines: Lines) -> list[Diagnostic]:
    """The findings whose token covers `line`, `col` (0-based characters)."""
    found = []
    for d in diagnostics:
        start_line, start_col = max(d.line - 1, 0), max(d.col - 1, 0)
        length = token_length(lines.line(start_line), start_col)
        if start_line == line and start_col <= col <= start_col + max(length, 1):
            found.append(d)
    return found
