"""The site file: one organisation's parameter values, people with their roles, and calendar.

Found as `--site PATH`, else `PROCFLOW_SITE`, else `procflow.yaml` in the working directory;
none is fine (procedures keep their defaults, anyone may act in any role). Checked like a
procedure (schema, then rules with stable codes); this module never prints.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.diagnostic import Diagnostic, Severity, sort_unique
from engine.worktime import Calendar, build_calendar, overlaps
from engine.yamlio import Document, LoadError, load_yaml

if TYPE_CHECKING:
    from engine.model import Procedure

SITE_KEY = "procflow-site"
DEFAULT_NAME = "procflow.yaml"
ENVIRONMENT = "PROCFLOW_SITE"
Scalar = str | int | float | bool


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    roles: frozenset[str]


@dataclass(frozen=True)
class Site:
    path: str | None = None
    timezone: ZoneInfo | None = None
    params: Mapping[str, Scalar] = field(default_factory=dict)
    procedure_params: Mapping[str, Mapping[str, Scalar]] = field(default_factory=dict)
    people: Mapping[str, Person] = field(default_factory=dict)
    calendar: Calendar = field(default_factory=Calendar)

    def params_for(self, procedure_id: str) -> dict[str, Scalar]:
        """Site-wide values, then this procedure's own (a session keeps those each procedure declares)."""
        return {**self.params, **self.procedure_params.get(procedure_id, {})}

    def roles_of(self, person: str) -> frozenset[str] | None:
        """The roles a person holds; None when the site names no people (nobody is restricted)."""
        if not self.people:
            return None
        found = self.people.get(person)
        return found.roles if found else frozenset()

    def holders(self, role: str) -> list[str]:
        return sorted(p.id for p in self.people.values() if role in p.roles)


def is_site(data: Any) -> bool:
    """Whether loaded YAML data is a site file rather than a procedure."""
    return isinstance(data, dict) and SITE_KEY in data


def find_site(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> Path | None:
    """The site file to use: `--site`, then PROCFLOW_SITE, then ./procflow.yaml if present."""
    env = os.environ if environ is None else environ
    given = explicit or env.get(ENVIRONMENT)
    if given:
        return Path(given)
    local = Path(DEFAULT_NAME)
    return local if local.is_file() else None


def load_site(path: Path | None) -> tuple[Site | None, list[Diagnostic]]:
    """The Site at `path` (an empty Site for None) and every finding; None when it has errors."""
    if path is None:
        return Site(), []
    try:
        document = load_yaml(path)
    except LoadError as exc:
        return None, [exc.diagnostic]
    diagnostics = check_site(document)
    if any(d.is_error for d in diagnostics):
        return None, diagnostics
    return build_site(document.data, str(path)), diagnostics


def build_site(data: Mapping[str, Any], path: str | None = None) -> Site:
    zone = ZoneInfo(data["timezone"]) if "timezone" in data else None
    people = {
        ident: Person(ident, raw.get("name", ident), frozenset(raw["roles"]))
        for ident, raw in (data.get("people") or {}).items()
    }
    return Site(
        path=path,
        timezone=zone,
        params=dict(data.get("params") or {}),
        procedure_params={k: dict(v.get("params") or {}) for k, v in (data.get("procedures") or {}).items()},
        people=people,
        calendar=build_calendar(data.get("calendar")),
    )


def check_site(document: Document, procedures: Iterable[Procedure] | None = None) -> list[Diagnostic]:
    """Schema errors, then the site rules; with `procedures`, names are checked against them."""
    path = document.path
    validator = _validator()
    if not validator.is_valid(document.data):
        from engine.schema_messages import explain

        return sort_unique(explain(document, validator, validator.schema))
    found: list[Diagnostic] = []
    data = document.data

    def add(
        pointer: str, code: str, message: str, severity: Severity = Severity.ERROR, key: bool = False
    ) -> None:
        line, col = document.locate(pointer, key=key)
        found.append(Diagnostic(path, line, col, code, severity, message, pointer))

    if "timezone" in data:
        try:
            ZoneInfo(data["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            add(
                "/timezone",
                "C001",
                f"unknown time zone {data['timezone']!r}; expected an IANA name such as 'Asia/Shanghai'",
            )
    calendar = data.get("calendar") or {}
    hours = calendar.get("duty_hours") or []
    for index, item in enumerate(hours):
        if item["from"] >= item["to"]:
            add(
                f"/calendar/duty_hours/{index}/to",
                "C002",
                f"duty ends at {item['to']!r}, not after it starts at {item['from']!r}",
            )
    valid = {i for i, item in enumerate(hours) if item["from"] < item["to"]}
    for first, second in overlaps(build_calendar({"duty_hours": hours}).intervals):
        if first not in valid or second not in valid:
            continue
        add(
            f"/calendar/duty_hours/{second}",
            "C003",
            f"duty hours overlap those at index {first} on a shared weekday",
            Severity.WARNING,
        )
    if procedures is not None:
        _check_names(data, list(procedures), add)
    return sort_unique(found)


def _check_names(data: Mapping[str, Any], procedures: list[Procedure], add: Any) -> None:
    ids = {p.id for p in procedures}
    params = {name for p in procedures for name in p.params}
    roles = {name for p in procedures for name in p.roles}
    for ident in data.get("procedures") or {}:
        if ident not in ids:
            add(f"/procedures/{ident}", "C004", f"unknown procedure {ident!r}{_hint(ident, ids)}", key=True)
    for name in data.get("params") or {}:
        if name not in params:
            add(
                f"/params/{name}",
                "C005",
                f"no procedure declares parameter {name!r}{_hint(name, params)}",
                Severity.WARNING,
                key=True,
            )
    for ident, settings in (data.get("procedures") or {}).items():
        declared = next((p.params for p in procedures if p.id == ident), None)
        if declared is None:
            continue
        for name in settings.get("params") or {}:
            if name not in declared:
                add(
                    f"/procedures/{ident}/params/{name}",
                    "C005",
                    f"procedure {ident!r} has no parameter {name!r}{_hint(name, declared)}",
                    key=True,
                )
    for person, raw in (data.get("people") or {}).items():
        for index, role in enumerate(raw["roles"]):
            if role not in roles:
                add(f"/people/{person}/roles/{index}", "C006", f"unknown role {role!r}{_hint(role, roles)}")


def _hint(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


@cache
def _validator() -> Any:
    import jsonschema  # type: ignore[import-untyped, unused-ignore]

    from engine.catalog import schema_path

    schema = json.loads((schema_path().parent / "site.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)
