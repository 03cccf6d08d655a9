"""Bounded work on hostile patterns, answers and numbers (issue 9, defects 5, 8 and 13): each is
refused with one line and a documented exit code, in bounded time, never with a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

RunCli = Callable[..., Result]

PROCEDURE = """\
procflow: 1
id: bounds-probe
title: Bounds probe
fields:
  kind: {type: choice, options: [a, b]}
  n: {type: number}
  note: {type: text}
initial: s
states:
  s:
    ask: [kind, n, note]
    next: e
  e:
    final: true
"""


def procflow(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PROCFLOW_DB": str(cwd / "procflow.db"), "PROCFLOW_USER": "t", "NO_COLOR": "1"}
    command = [sys.executable, "-c", "from procflow import cli; cli.main()", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def with_patterns(patterns: list[str]) -> str:
    fields = "".join(f"  f{i}: {{type: text, pattern: {p!r}}}\n" for i, p in enumerate(patterns))
    asked = ", ".join(f"f{i}" for i in range(len(patterns)))
    return (
        "procflow: 1\nid: patterns\ntitle: Patterns\nfields:\n"
        + fields
        + f"initial: s\nstates:\n  s:\n    ask: [{asked}]\n    next: e\n  e:\n    final: true\n"
    )


# --- defect 5: patterns ---------------------------------------------------------------------

ATOM = st.sampled_from(["a", "b", "[a-z]", r"\d", ".", "ab"])
INNER = st.sampled_from(["+", "*", "?", "{1,3}", "{0,}", "{2,}"])
OUTER = st.sampled_from(["+", "*", "{2,}", "{1,9}", "+?", "*?"])


@st.composite
def nested(draw: st.DrawFn) -> str:
    """A repeat whose body holds a variable repeat or overlapping alternatives: exponential shapes."""
    inner = draw(ATOM) + draw(INNER)
    body = draw(st.sampled_from([inner, f"x{inner}", f"{inner}y", f"(?:{inner})", f"a|a{draw(ATOM)}"]))
    return draw(st.sampled_from(["", "^"])) + f"({body}){draw(OUTER)}" + draw(st.sampled_from(["", "$", "z"]))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(nested(), min_size=1, max_size=12, unique=True))
def test_validate_flags_every_nested_quantifier_shape(tmp_path: Path, patterns: list[str]) -> None:
    (tmp_path / "p.yaml").write_text(with_patterns(patterns), encoding="utf-8")
    result = procflow("validate", "--no-cache", "p.yaml", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    flagged = [line for line in result.stdout.splitlines() if line.endswith("[P033]")]
    assert len(flagged) == len(patterns), result.stdout


def test_safe_patterns_pass(run_cli: RunCli, tmp_path: Path) -> None:
    safe = [r"[A-Z].*", r"(a|b)+", r"(\d{3}-)+\d{4}", r"^(?>[A-Z]+[0-9]*)+$", r"^([A-Z]++[0-9]*+)+$", r"x{2}"]
    (tmp_path / "p.yaml").write_text(with_patterns(safe), encoding="utf-8")
    result = run_cli("validate", "--no-cache", str(tmp_path / "p.yaml"))
    assert "[P033]" not in result.output and result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("pattern", "says"),
    [
        ("[A-Z", "unterminated character set"),
        ("a{4294967296}", "repetition number is too large"),
        ("(a", "missing )"),
    ],
)
def test_patterns_that_do_not_compile_are_findings(
    run_cli: RunCli, tmp_path: Path, pattern: str, says: str
) -> None:
    (tmp_path / "p.yaml").write_text(with_patterns([pattern]), encoding="utf-8")
    result = run_cli("validate", "--no-cache", str(tmp_path / "p.yaml"))
    assert result.exit_code == 1 and says in result.output and "[P033]" in result.output


def test_an_answer_to_a_forced_nested_pattern_cannot_hang(tmp_path: Path) -> None:
    # a procedure that skipped validate (pinned before P033, or built in code) still cannot hang a step
    script = textwrap.dedent(
        """
        from procflow.engine.base.errors import InvalidAnswerError
        from procflow.engine.model.procedure import Field
        from procflow.engine.runtime.answers import parse_answer
        field = Field(name="code", type="text", pattern="^(a+)+$")
        try:
            parse_answer(field, "a" * 40 + "!")
        except InvalidAnswerError as exc:
            print(exc)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=20)
    assert "cannot be answered" in result.stdout and "matches in more than one way" in result.stdout


@pytest.mark.parametrize("pattern", [".*a.*a.*b", "[ab]*a[ab]*a[ab]*c"])
def test_a_polynomially_slow_pattern_is_cut_off_not_hung(tmp_path: Path, pattern: str) -> None:
    # shapes that validate passes but that backtrack for hours on a long answer (`.*a.*a.*b` is
    # cubic): the match stops at its time limit and the answer is refused, exit 5, one line
    fields = f"  code: {{type: text, pattern: {pattern!r}}}\n"
    (tmp_path / "slow.yaml").write_text(
        "procflow: 1\nid: slow-pattern\ntitle: Slow pattern\nfields:\n"
        + fields
        + "initial: s\nstates:\n  s:\n    ask: [code]\n    next: e\n  e:\n    final: true\n",
        encoding="utf-8",
    )
    assert procflow("validate", "slow.yaml", cwd=tmp_path).returncode == 0
    answers = tmp_path / "answers.yaml"
    answers.write_text("answers: {code: " + "a" * 9_999 + "}\n", encoding="utf-8")
    result = procflow("run", "slow.yaml", "--answers", str(answers), cwd=tmp_path, timeout=30)
    assert result.returncode == 5, result.stderr
    assert "could not be checked" in result.stderr and "took longer than" in result.stderr
    assert "Traceback" not in result.stderr


# --- defect 8: answers too long to quote, or to read ---------------------------------------


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ("{kind: '" + "9" * 5000 + "'}", "kind"),
        ("{kind: a, n: '" + "9" * 5000 + "'}", "n"),
        ("{kind: a, n: 1, note: " + "x" * 10_001 + "}", "note"),
    ],
)
def test_huge_answers_are_refused_with_a_clipped_quote(
    run_cli: RunCli, tmp_path: Path, answers: str, field: str
) -> None:
    (tmp_path / "p.yaml").write_text(PROCEDURE, encoding="utf-8")
    (tmp_path / "a.yaml").write_text(f"answers: {answers}\n", encoding="utf-8")
    result = run_cli("run", str(tmp_path / "p.yaml"), "--answers", str(tmp_path / "a.yaml"), "--lang", "en")
    assert result.exit_code == 5, result.output
    refusal = [line for line in result.output.splitlines() if f"for {field!r} is not valid" in line]
    assert len(refusal) == 1 and len(refusal[0]) < 250, result.output
    assert "characters)" in refusal[0]


# --- defect 13: validate --max-bytes, both ways ---------------------------------------------


def big_procedure(path: Path, size: int) -> int:
    head = "procflow: 1\nid: big\ntitle: Big\ninitial: s\nstates:\n  s: {final: true}\n# "
    path.write_text(head + "x" * (size - len(head) - 1) + "\n", encoding="utf-8")
    return path.stat().st_size


def test_max_bytes_raises_the_limit_above_one_mebibyte(run_cli: RunCli, tmp_path: Path) -> None:
    size = big_procedure(tmp_path / "big.yaml", 1_300_000)
    refused = run_cli("validate", "--no-cache", str(tmp_path / "big.yaml"))
    assert (
        refused.exit_code == 1
        and f"file is {size:,} bytes, over the limit of 1,048,576 bytes" in refused.output
    )
    for cache in ("--no-cache", None):  # checked afresh, then through the cache
        args = ["validate", "--max-bytes", str(2 << 20), str(tmp_path / "big.yaml")]
        result = run_cli(*args[:1], *([cache] if cache else []), *args[1:])
        assert result.exit_code == 0 and result.output == "1 file checked: no problems\n", result.output
    lowered = run_cli("validate", "--no-cache", "--max-bytes", "1000", str(tmp_path / "big.yaml"))
    assert lowered.exit_code == 1 and "over the limit of 1,000 bytes [Y004]" in lowered.output


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.integers(max_value=0), st.integers(min_value=(1 << 30) + 1), st.just(10**400)))
def test_nonsensical_max_bytes_is_a_usage_error(run_cli: RunCli, value: int) -> None:
    result = run_cli("validate", "--max-bytes", str(value), "tests/fixtures/valid/visitor.yaml")
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--max-bytes'" in result.output and "Traceback" not in result.output


# --- defect 8: numbers out of range ---------------------------------------------------------

DEADLINE = """\
procflow: 1
id: far
title: Far
fields:
  wait: {type: duration}
initial: s
states:
  s:
    ask: [wait]
    due:
      - {id: a, KIND: DURATION}
    next: e
  e: {final: true}
"""


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.integers(min_value=10**8, max_value=10**30),
    st.sampled_from(["weeks", "days", "hours", "minutes", "w", "d"]),
    st.sampled_from(["within", "every"]),
)
def test_durations_too_long_for_a_date_are_findings(
    run_cli: RunCli, tmp_path: Path, count: int, unit: str, kind: str
) -> None:
    (tmp_path / "far.yaml").write_text(DEADLINE.replace("KIND", kind).replace("DURATION", f"{count} {unit}"))
    result = run_cli("validate", "--no-cache", str(tmp_path / "far.yaml"))
    assert result.exit_code == 1, result.output
    assert "is longer than 100 years, the longest duration procflow counts with [P023]" in result.output


def test_a_deadline_too_long_does_not_crash_a_run(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "far.yaml").write_text(
        DEADLINE.replace("KIND", "within").replace("DURATION", "99999999999 weeks")
    )
    (tmp_path / "a.yaml").write_text("answers: {wait: 9999999999 weeks}\n")
    result = run_cli("run", str(tmp_path / "far.yaml"), "--answers", str(tmp_path / "a.yaml"), "--lang", "en")
    assert result.exit_code == 1 and "[P023]" in result.output, result.output


def test_a_duration_answer_over_100_years_is_refused(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "far.yaml").write_text(DEADLINE.replace("KIND", "within").replace("DURATION", "2 hours"))
    (tmp_path / "a.yaml").write_text("answers: {wait: 9999999999 weeks}\n")
    result = run_cli("run", str(tmp_path / "far.yaml"), "--answers", str(tmp_path / "a.yaml"), "--lang", "en")
    assert result.exit_code == 5, result.output
    assert "expected a duration of at most 100 years" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ("--within", "99999999999 weeks"),
        ("--within", "5300 weeks"),
        ("--limit", "99999999999999999999999"),
        ("--limit", "1000001"),
        ("--limit", "0"),
    ],
)
def test_extreme_agenda_options_are_usage_errors(args: tuple[str, str], tmp_path: Path) -> None:
    result = procflow("agenda", *args, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.strip()]) <= 3
