"""Semantic rules: one small check each, with a stable code, a kebab-case name and a summary.

A rule reads the typed model (and, for project rules, every procedure checked together) and
yields Findings; `run_rules` turns them into Diagnostics with positions. Rules never raise on
a procedure that passed the schema check, and never import the runtime. The site file's rules
(C-codes) register here too, with `site_rule`; they live and run in `engine.site`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from procflow.engine.base.diagnostic import Diagnostic, Severity, make_diagnostic
from procflow.engine.rules.position import Positions

if TYPE_CHECKING:
    from procflow.engine.load.yamlio import Document
    from procflow.engine.model.procedure import Procedure


class Finding(NamedTuple):
    """What a rule found: the JSON pointer of the offending node and a message.

    `key` places the caret on the mapping key instead of its value; `offset` moves it inside
    a single-line scalar (e.g. to the name inside a guard), counted in characters of the value
    (None: the scalar itself, at its opening quote if it has one).
    `related` is the pointer of an earlier node the message refers to: its `line:col` (of the
    key when `key`) replaces `{related}` in the message. `severity` overrides the rule's for
    this finding (a site parameter nobody declares is only a warning where it applies to all).
    Immutable like every model type, and a named tuple rather than a frozen dataclass: a rule
    may yield one for each of tens of thousands of states, and a tuple is made four times as fast.
    """

    pointer: str
    message: str
    key: bool = False
    offset: int | None = None
    related: str | None = None
    severity: Severity | None = None


@dataclass(frozen=True)
class Checked:
    """One procedure that passed the schema check, with the document it came from."""

    procedure: Procedure
    document: Document


@dataclass(frozen=True)
class SiteChecked:
    """A site file that passed its schema check (its data as loaded), and the procedures it is
    checked with."""

    data: Mapping[str, Any]
    procedures: Sequence[Procedure]


ProcedureCheck = Callable[["Procedure"], Iterator[Finding]]
ProjectCheck = Callable[[Mapping[str, list[Checked]]], Iterator[tuple[Checked, Finding]]]
SiteCheck = Callable[[SiteChecked], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    severity: Severity
    check: ProcedureCheck | None = None
    check_project: ProjectCheck | None = None
    check_site: SiteCheck | None = None


REGISTRY: dict[str, Rule] = {}  # the procedure rules (P-codes), found by `all_rules`
SITE_REGISTRY: dict[str, Rule] = {}  # the site file's rules (C-codes), registered by `engine.site.rules`


def rule(
    code: str, name: str, summary: str, severity: Severity = Severity.ERROR
) -> Callable[[ProcedureCheck], ProcedureCheck]:
    """Register a per-procedure rule."""

    def register(check: ProcedureCheck) -> ProcedureCheck:
        _add(Rule(code, name, summary, severity, check=check))
        return check

    return register


def project_rule(
    code: str, name: str, summary: str, severity: Severity = Severity.ERROR
) -> Callable[[ProjectCheck], ProjectCheck]:
    """Register a rule over every procedure checked together (keyed by procedure id)."""

    def register(check: ProjectCheck) -> ProjectCheck:
        _add(Rule(code, name, summary, severity, check_project=check))
        return check

    return register


def site_rule(
    code: str, name: str, summary: str, severity: Severity = Severity.ERROR
) -> Callable[[SiteCheck], SiteCheck]:
    """Register a rule over a site file and the procedures checked with it."""

    def register(check: SiteCheck) -> SiteCheck:
        _add(Rule(code, name, summary, severity, check_site=check), SITE_REGISTRY)
        return check

    return register


def _add(new: Rule, registry: dict[str, Rule] = REGISTRY) -> None:
    if new.code in registry:
        raise RuntimeError(f"rule code {new.code} registered twice")
    registry[new.code] = new


_ordered: list[Rule] = []


def all_rules() -> list[Rule]:
    """Every rule, by code. Importing the rule modules registers them."""
    if not _ordered:
        for info in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{info.name}")
        _ordered.extend(REGISTRY[code] for code in sorted(REGISTRY))
    return _ordered


def to_diagnostic(rule_: Rule, checked: Checked, finding: Finding) -> Diagnostic:
    return locate_finding(rule_, checked.document, finding)


def locate_finding(
    rule_: Rule, document: Document, finding: Finding, positions: Positions | None = None
) -> Diagnostic:
    """The Diagnostic of a finding in `document`: its position, and the rule's code and severity.
    `positions` keeps what earlier findings in the same document looked up."""
    return _located(rule_, positions or Positions(document), (finding,))[0]


def _located(rule_: Rule, positions: Positions, findings: Iterable[Finding]) -> list[Diagnostic]:
    """The Diagnostics of a rule's findings in one document, in the order found.

    One loop for every finding of a rule: a file of 75,000 empty states has 150,000, and a
    call or two per finding less is a good part of what reporting them costs."""
    path, code, default = positions.document.path, rule_.code, rule_.severity
    nodes, keys, at = positions.nodes, positions.keys, positions.at
    out: list[Diagnostic] = []
    append = out.append
    for pointer, message, key, offset, related, severity in findings:
        if offset is None:
            found = (keys if key else nodes).get(pointer) or at(pointer, key)
        else:
            found = at(pointer, key, offset)
        if related is not None:
            at_line, at_col = at(related, key)
            message = message.replace("{related}", f"{at_line}:{at_col}")
        append(make_diagnostic(path, found[0], found[1], code, severity or default, message, pointer))
    return out


def run_rules(checked: Checked) -> list[Diagnostic]:
    """Every per-procedure rule over one procedure."""
    out: list[Diagnostic] = []
    procedure = checked.procedure
    positions = Positions(checked.document)
    for rule_ in all_rules():
        if rule_.check is not None:
            out += _located(rule_, positions, rule_.check(procedure))
    return out


def run_project_rules(checked: Iterable[Checked]) -> list[Diagnostic]:
    """Every project rule over all procedures checked together."""
    by_id: dict[str, list[Checked]] = {}
    for item in checked:
        by_id.setdefault(item.procedure.id, []).append(item)
    out: list[Diagnostic] = []
    for rule_ in all_rules():
        if rule_.check_project is not None:
            out.extend(to_diagnostic(rule_, c, f) for c, f in rule_.check_project(by_id))
    return out
