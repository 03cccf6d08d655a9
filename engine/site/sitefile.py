"""The site file: one organisation's parameter values, people with their roles, and calendar.

Found as `--site PATH`, else `PROCFLOW_SITE`, else `procflow.yaml` in the working directory;
none is fine (procedures keep their defaults, anyone may act in any role). Checked like a
procedure (schema, then rules with stable codes); this module never prints.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from procflow.engine.base import calendar as calendar_module
from procflow.engine.base.calendar import Calendar, build_calendar, overlaps
from procflow.engine.base.diagnostic import Diagnostic, Severity, sort_unique
from procflow.engine.base.errors import EXIT_FINDINGS, ProcflowError, UsageError
from procflow.engine.base.paths import cache_dir, schema_path

if TYPE_CHECKING:
    from procflow.engine.load.yamlio import Document
    from procflow.engine.model.procedure import Procedure

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
    language: str | None = None  # `language:`, the site's default (see `environment.language`)
    supervising_role: str = "manager"  # 第三篇 七: whose holders decide about violations
    confirmed: frozenset[str] = frozenset()  # `PROCEDURE.PARAM` defaults the site stands behind

    def params_for(self, procedure_id: str) -> dict[str, Scalar]:
        """Site-wide values, then this procedure's own (a session keeps those each procedure declares)."""
        return {**self.params, **self.procedure_params.get(procedure_id, {})}

    def roles_of(self, person: str) -> frozenset[str] | None:
        """The roles a person holds; None when the site names no people (nobody is restricted)."""
        if not self.people:
            return None
        found = self.people.get(person)
        return found.roles if found else frozenset()

    def sets(self, procedure_id: str, param: str) -> bool:
        """Whether the site gives `param` of the procedure a value, or confirms its default."""
        return param in self.params_for(procedure_id) or f"{procedure_id}.{param}" in self.confirmed

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


class SiteError(ProcflowError):
    """The site file has errors; nothing that depends on it is done. `diagnostics` says why."""

    exit_code = EXIT_FINDINGS

    def __init__(self, message: str, diagnostics: list[Diagnostic]) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics


def open_site(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> Site:
    """The site the commands use (an empty Site when there is none); a named file that does not
    exist is a usage error, a file with errors a SiteError carrying its findings."""
    path = find_site(explicit, environ)
    if path is None:
        return Site()
    if not path.is_file():
        origin = "--site" if explicit else ENVIRONMENT
        raise UsageError(f"site file '{path}' ({origin}) does not exist; expected a procflow.yaml site file")
    site, diagnostics = load_site(path, cached=True)
    if site is None:
        errors = [d for d in diagnostics if d.is_error]
        noun = "error" if len(errors) == 1 else "errors"
        raise SiteError(
            f"site file '{path}' has {len(errors)} {noun}; nothing was done (see `procflow validate {path}`)",
            errors,
        )
    return site


def load_site(path: Path | None, *, cached: bool = False) -> tuple[Site | None, list[Diagnostic]]:
    """The Site at `path` (an empty Site for None) and every finding; None when it has errors.

    `cached` reuses the findings of the same text checked before (the schema check costs a
    third of a second the first time in a process; commands that only read a site use this)."""
    from procflow.engine.load.yamlio import LoadError, load_yaml  # PyYAML: only when a site file exists

    if path is None:
        return Site(), []
    try:
        document = load_yaml(path)
    except LoadError as exc:
        return None, [exc.diagnostic]
    if not is_site(document.data):
        found = Diagnostic(
            str(path),
            1,
            1,
            "C000",
            Severity.ERROR,
            f"'{path}' is not a site file: it has no '{SITE_KEY}: 1' at the top",
        )
        return None, [found]
    diagnostics = _cached_check(document) if cached else check_site(document)
    if any(d.is_error for d in diagnostics):
        return None, diagnostics
    return build_site(document.data, str(path)), diagnostics


def _cached_check(document: Document) -> list[Diagnostic]:
    """`check_site` of a document, kept on disk by the text and the checking code's identity."""
    import hashlib  # loads OpenSSL (~2 ms): only when a site file is checked

    digest = hashlib.sha256(document.text.encode("utf-8"))
    for source in (Path(__file__), Path(calendar_module.__file__), _schema_file()):
        digest.update(b"\0" + source.read_bytes())
    entry = cache_dir("site-checks") / f"{digest.hexdigest()[:32]}.json"
    try:
        rows = json.loads(entry.read_text(encoding="utf-8"))
        return [
            Diagnostic(
                document.path, int(line), int(col), str(code), Severity(severity), str(message), str(pointer)
            )
            for line, col, code, severity, message, pointer in rows
        ]
    except (OSError, ValueError, TypeError):
        pass  # not checked before, or an unreadable entry: check again
    found = check_site(document)
    rows = [[d.line, d.col, d.code, d.severity.value, d.message, d.pointer] for d in found]
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_name(f".{entry.name}.{os.getpid()}")
        temporary.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, entry)
    except OSError:  # a cache that cannot be written only costs time
        pass
    return found


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
        language=data.get("language"),
        supervising_role=str(data.get("supervising_role") or "manager"),
        confirmed=frozenset(data.get("confirmed") or ()),
    )


def check_site(document: Document, procedures: Iterable[Procedure] | None = None) -> list[Diagnostic]:
    """Schema errors, then the site rules; with `procedures`, names are checked against them."""
    path = document.path
    validator = _validator()
    if not validator.is_valid(document.data):
        from procflow.engine.schema.messages import explain  # jsonschema: only for an invalid site

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
        # the rules' registry imports the YAML loader: `run`, which opens a site, does not check one
        from procflow.engine.rules import SiteChecked, locate_finding
        from procflow.engine.site.rules import site_rules

        checked = SiteChecked(data, list(procedures))
        for rule in site_rules():
            assert rule.check_site is not None  # site_rule registers nothing else
            found.extend(locate_finding(rule, document, f) for f in rule.check_site(checked))
    return sort_unique(found)


@cache
def _validator() -> Any:
    import jsonschema  # type: ignore[import-untyped, unused-ignore]

    schema = json.loads(_schema_file().read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _schema_file() -> Path:
    return schema_path("site")
