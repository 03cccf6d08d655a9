"""`procflow test`: find scenario files and procedures, run every scenario, sum up coverage.

The scenario semantics are `engine.authoring.scenario`'s; this module gathers files (default: the
bundled scenarios), loads each procedure once, and formats the report as text or JSON. It
never prints.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from procflow.engine.authoring.scenario import Outcome, Scenario, Transition, coverage, load_scenarios, run
from procflow.engine.base.errors import ProcflowError, UsageError
from procflow.engine.base.paths import data_dir, scenarios_dir
from procflow.engine.base.project import Project, find_project
from procflow.engine.check.catalog import build_catalog
from procflow.engine.check.files import check_file
from procflow.engine.check.pipeline import collect_paths, display_path
from procflow.engine.load.yamlio import LoadError, load_yaml
from procflow.engine.model.procedure import Procedure


@dataclass(frozen=True)
class TestReport:
    outcomes: tuple[Outcome, ...]
    coverage: dict[str, tuple[list[Transition], list[Transition]]]
    languages: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]  # id -> (declared, passing scenarios')
    problems: tuple[str, ...]  # scenarios that could not run, one line each

    def coverage_of(self, procedure: str) -> float:
        every, missed = self.coverage[procedure]
        return 100.0 if not every else 100.0 * (len(every) - len(missed)) / len(every)

    def ok(self, *, min_coverage: float | None = None, all_languages: bool = False) -> bool:
        if self.problems or not all(o.passed for o in self.outcomes):
            return False
        if min_coverage is not None and any(self.coverage_of(p) < min_coverage for p in self.coverage):
            return False
        return not (all_languages and any(set(d) - set(c) for d, c in self.languages.values()))


def project_scenarios(project: Project) -> list[str]:
    """The scenario directories of `project` (the bundled ones outside any project)."""
    shipped = data_dir("scenarios").resolve()
    given = (scenarios_dir(),) if project.bundled else project.scenarios
    return [display_path(str(scenarios_dir() if d.resolve() == shipped else d)) for d in given]


def run_paths(
    paths: Sequence[str], dirs: Sequence[str] = (), *, project: Project | None = None
) -> TestReport:
    """Run the scenarios under `paths` (default: the project's, or the bundled ones outside any
    project) against the procedures found. Without `paths`, every procedure of the set counts
    for coverage, and one that cannot be read or has errors is a problem of the run."""
    whole = not paths
    if project is None:
        project = find_project()
    if whole:
        for directory in project_scenarios(project):
            if not os.path.isdir(directory):
                raise UsageError(f"no scenarios: {directory!r} does not exist")
    files = collect_paths(project_scenarios(project) if whole else list(paths))
    catalog = build_catalog(dirs, project=project)
    loaded: dict[str, Procedure] = {}
    problems: list[str] = list(catalog.problems) if whole else []

    def procedure(ident: str) -> Procedure:
        if ident not in loaded:
            path = catalog.find(ident).path
            found, diagnostics = check_file(str(path))
            first = next((d for d in diagnostics if d.is_error), None)
            if found is None:
                raise ProcflowError(
                    f"procedure {ident!r} has errors ({first}); run `procflow validate {path}`"
                )
            if first is not None and whole:  # the set is under test: a rule's error fails it too
                problems.append(f"procedure {ident!r} has errors ({first}); run `procflow validate {path}`")
            loaded[ident] = found
        return loaded[ident]

    outcomes: list[Outcome] = []
    for path in files:
        try:
            document = load_yaml(path)
            scenarios = load_scenarios(document.data, path, document.locate)
        except LoadError as exc:
            problems.append(str(exc.diagnostic))
            continue
        except UsageError as exc:
            problems.append(exc.message)
            continue
        for scenario in scenarios:
            try:
                needed = _with_used(scenario.procedure, procedure)
            except ProcflowError as exc:
                problems.append(f"{scenario.file}:{scenario.line}: {scenario.name}: {exc.message}")
                continue
            outcomes.append(_run(scenario, needed))
    universe = (
        _every(catalog.entries, procedure, problems) if whole else sorted(loaded.values(), key=lambda p: p.id)
    )
    return TestReport(
        tuple(outcomes), coverage(universe, outcomes), _languages(universe, outcomes), tuple(problems)
    )


def _every(ids: Iterable[str], procedure: Callable[[str], Procedure], problems: list[str]) -> list[Procedure]:
    """Every procedure of the set; one with errors is a problem of the run, not a crash."""
    found: list[Procedure] = []
    for ident in sorted(ids):
        try:
            found.append(procedure(ident))
        except ProcflowError as exc:
            problems.append(exc.message)
    return found


def _with_used(entry: str, procedure: Callable[[str], Procedure]) -> dict[str, Procedure]:
    """The entry procedure and every procedure it uses or shares a parameter from, transitively,
    each loaded once."""
    found: dict[str, Procedure] = {}
    pending = [entry]
    while pending:
        ident = pending.pop()
        if ident not in found:
            found[ident] = procedure(ident)
            pending += found[ident].needs()
    return found


def _run(scenario: Scenario, procedures: dict[str, Procedure]) -> Outcome:
    try:
        return run(scenario, procedures)
    except ProcflowError as exc:  # a parameter or start problem: the scenario fails, the run goes on
        return Outcome(scenario, (exc.message,), ())


def _languages(
    procedures: Sequence[Procedure], outcomes: Sequence[Outcome]
) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    passing: dict[str, set[str]] = {}
    for outcome in outcomes:
        if outcome.passed:  # a sub-procedure a scenario ran through was shown in its language too
            for ident in {outcome.scenario.procedure} | {t.procedure for t in outcome.taken}:
                passing.setdefault(ident, set()).add(outcome.scenario.lang)
    return {p.id: (p.languages, tuple(sorted(passing.get(p.id, ())))) for p in procedures}


def format_text(report: TestReport, *, min_coverage: float | None = None, all_languages: bool = False) -> str:
    lines: list[str] = []
    for outcome in report.outcomes:
        s = outcome.scenario
        lines.append(f"{'PASS' if outcome.passed else 'FAIL'}  {s.file}:{s.line}  {s.name} [{s.lang}]")
        lines += [f"      {failure}" for failure in outcome.failures]
    lines += [f"ERROR {problem}" for problem in report.problems]
    lines.append("")
    lines.append("coverage:")
    total = missed_total = 0
    for ident, (every, missed) in sorted(report.coverage.items()):
        total += len(every)
        missed_total += len(missed)
        percent = report.coverage_of(ident)
        declared, covered = report.languages[ident]
        flag = " (below --min-coverage)" if min_coverage is not None and percent < min_coverage else ""
        lang_flag = ""
        if all_languages and set(declared) - set(covered):
            lang_flag = f" (no passing scenario in {', '.join(sorted(set(declared) - set(covered)))})"
        lines.append(
            f"  {ident}  {len(every) - len(missed)}/{len(every)} transitions ({percent:.0f}%){flag}"
            f"  languages: {', '.join(covered) or 'none'}{lang_flag}"
        )
        lines += [f"      not taken: {t}" for t in missed]
    passed = sum(o.passed for o in report.outcomes)
    overall = 100.0 if not total else 100.0 * (total - missed_total) / total
    lines.append(
        f"{len(report.outcomes)} scenarios: {passed} passed, {len(report.outcomes) - passed} failed, "
        f"{len(report.problems)} not run; coverage {overall:.1f}% ({total - missed_total}/{total} transitions)"
    )
    return "\n".join(lines) + "\n"


def to_json(report: TestReport) -> dict[str, Any]:
    """The report as plain data (keys documented in docs/cli.md)."""
    return {
        "scenarios": [
            {
                "file": o.scenario.file,
                "line": o.scenario.line,
                "name": o.scenario.name,
                "procedure": o.scenario.procedure,
                "lang": o.scenario.lang,
                "passed": o.passed,
                "failures": list(o.failures),
                "path": list(o.path),
            }
            for o in report.outcomes
        ],
        "problems": list(report.problems),
        "coverage": {
            ident: {
                "transitions": len(every),
                "taken": len(every) - len(missed),
                "percent": round(report.coverage_of(ident), 1),
                "not_taken": [str(t) for t in missed],
                "languages": list(report.languages[ident][1]),
            }
            for ident, (every, missed) in sorted(report.coverage.items())
        },
        "summary": {
            "scenarios": len(report.outcomes),
            "passed": sum(o.passed for o in report.outcomes),
            "failed": sum(not o.passed for o in report.outcomes),
            "not_run": len(report.problems),
        },
    }
