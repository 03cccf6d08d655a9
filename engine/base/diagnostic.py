"""The one finding type every stage produces: loader, schema check, rules, engine.

A Diagnostic is plain data; formatting lives in `report`. Nothing here reads files.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding at `path:line:col` (1-based; 0 when the position is unknown)."""

    path: str
    line: int
    col: int
    code: str
    severity: Severity
    message: str
    pointer: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message} [{self.code}]"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def sort_unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Sorted by file and position, each finding once."""
    return sorted(set(diagnostics), key=_ORDER)  # the dataclass order, without a tuple per comparison


_ORDER = attrgetter("path", "line", "col", "code", "severity", "message", "pointer")
