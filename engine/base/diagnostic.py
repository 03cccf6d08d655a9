"""The one finding type every stage produces: loader, schema check, rules, engine.

A Diagnostic is plain data; formatting lives in `report`. Nothing here reads files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter, itemgetter

# every message that offers a close name ends so (STYLE.md, "messages in one voice")
_DID_YOU_MEAN = re.compile(r"did you mean ((?:'[^']*'|\"[^\"]*\")(?: or (?:'[^']*'|\"[^\"]*\"))*)\?$")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True, init=False)
class Diagnostic:
    """One finding at `path:line:col` (1-based; 0 when the position is unknown)."""

    path: str
    line: int
    col: int
    code: str
    severity: Severity
    message: str
    pointer: str = ""

    def __init__(
        self, path: str, line: int, col: int, code: str, severity: Severity, message: str, pointer: str = ""
    ) -> None:
        # the generated __init__ of a frozen dataclass calls object.__setattr__ once per field:
        # filling the instance's dict at once takes half the time (a report may hold 150,000)
        self.__dict__.update(
            path=path, line=line, col=col, code=code, severity=severity, message=message, pointer=pointer
        )

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message} [{self.code}]"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def suggestions(self) -> tuple[str, ...]:
        """The close names a message offers ("...; did you mean 'x'?"), best first; () when none.
        Read from the message, so findings cached or made before this existed offer them too."""
        found = _DID_YOU_MEAN.search(self.message)
        if found is None:
            return ()
        return tuple(q[1:-1] for q in _QUOTED.findall(found.group(1)))  # names are ids: repr only quotes them


_new = object.__new__
_set = object.__setattr__


def make_diagnostic(
    path: str, line: int, col: int, code: str, severity: Severity, message: str, pointer: str = ""
) -> Diagnostic:
    """`Diagnostic(...)` for the loops that make one per finding (a report may hold 150,000):
    the instance's dict is made whole, without a call to __init__."""
    made = _new(Diagnostic)
    _set(
        made,
        "__dict__",
        {
            "path": path,
            "line": line,
            "col": col,
            "code": code,
            "severity": severity,
            "message": message,
            "pointer": pointer,
        },
    )
    return made


def sort_unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Sorted by file and position, each finding once."""
    # sorted by the dataclass order's tuple, made and compared in C, then equal neighbours
    # dropped: 150,000 findings take a fraction of what the dataclass's __hash__/__eq__ cost
    out: list[Diagnostic] = []
    last: tuple[object, ...] | None = None
    for key, diagnostic in sorted(zip(map(_ORDER, diagnostics), diagnostics, strict=True), key=_FIRST):
        if key != last:
            out.append(diagnostic)
            last = key
    return out


def count_errors(diagnostics: Iterable[Diagnostic]) -> int:
    """How many of `diagnostics` are errors (counted in C: a report may hold 150,000)."""
    return list(map(_SEVERITY, diagnostics)).count(Severity.ERROR)


_SEVERITY = attrgetter("severity")
_ORDER = attrgetter("path", "line", "col", "code", "severity", "message", "pointer")
_FIRST = itemgetter(0)
