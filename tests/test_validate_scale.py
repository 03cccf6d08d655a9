"""Validation of large files finishes, in bounded memory, with the right findings (issue 9).

The shapes once took minutes (one state with 1,000 guarded routes, 20,000 missing targets,
75,000 empty states). Each runs `procflow validate` as a child process under a memory limit
and a generous timeout: these tests check behaviour, not speed (bench/validate.py times them).
"""

from __future__ import annotations

import difflib
import os
import re
import resource
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from procflow.engine.rules.analysis.facts import suggest

MEMORY = 1 << 30  # bytes of address space the child may map
TIMEOUT = 90  # seconds; each of these takes a few on a loaded machine, and took minutes before
CODE = re.compile(r"\[(\w+)\]$")


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def validate(path: Path, timeout: float = TIMEOUT) -> tuple[int, list[str]]:
    """Exit code and the finding lines of `procflow validate --no-cache PATH`."""
    result = subprocess.run(
        [str(Path(sys.executable).with_name("procflow")), "validate", "--no-cache", str(path)],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_limit_memory,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    return result.returncode, [line for line in result.stdout.splitlines() if CODE.search(line)]


def codes(lines: list[str]) -> Counter[str]:
    return Counter(m.group(1) for line in lines if (m := CODE.search(line)))


def head(fields: str = "") -> str:
    return "procflow: 1\nid: scale\ntitle: Scale\n" + (f"fields:\n{fields}\n" if fields else "")


def test_one_state_with_a_thousand_guarded_routes(tmp_path: Path) -> None:
    routes = "".join(f"      - {{to: end, when: n == {i}}}\n" for i in range(1000))
    text = head("  n: {type: number, integer: true}") + (
        "initial: s\nstates:\n  s:\n    ask: [n]\n    next:\n      - {to: end, when: n == 0}\n"
        f"{routes}      - {{to: end, otherwise: true}}\n  end: {{final: true}}\n"
    )
    path = tmp_path / "routes.yaml"
    path.write_text(text, encoding="utf-8")
    code, lines = validate(path, timeout=40)  # a minute here before
    # the routes exclude each other but for the first two, which both read `n == 0`
    assert code == 1
    assert codes(lines) == Counter({"P011": 1})
    assert "route to 'end' at 11:25 can both apply (e.g. when n is 0)" in lines[0]
    assert lines[0].split(": ")[0].endswith(":12:25")


def test_a_route_is_reported_with_its_first_three_overlaps(tmp_path: Path) -> None:
    routes = "".join("      - {to: end, when: vip}\n" for _ in range(500))
    text = head("  vip: {type: bool}") + (
        f"initial: s\nstates:\n  s:\n    ask: [vip]\n    next:\n{routes}"
        "      - {to: end, otherwise: true}\n  end: {final: true}\n"
    )
    path = tmp_path / "same.yaml"
    path.write_text(text, encoding="utf-8")
    code, lines = validate(path)
    assert code == 1
    # route 1 overlaps none before it, route 2 one, route 3 two, every later one three
    assert codes(lines) == Counter({"P011": 1 + 2 + 3 * 497})
    assert not [line for line in lines if ":11:" in line.split(" ")[0]]  # the first route: nothing
    third_route = [line for line in lines if line.split(": ")[0].endswith(":13:25")]
    assert [line.split(" at ")[1].split(" ")[0] for line in third_route] == ["11:25", "12:25"]


def test_seventy_five_thousand_empty_states(tmp_path: Path) -> None:
    states = "".join(f"  s{i}: {{}}\n" for i in range(75_000))
    path = tmp_path / "empty.yaml"
    path.write_text(head() + f"initial: s0\nstates:\n{states}  end: {{final: true}}\n", encoding="utf-8")
    assert path.stat().st_size < 1 << 20
    code, lines = validate(path)
    assert code == 1
    # no way out from each empty state; every state but the initial one unreachable
    assert codes(lines) == Counter({"P004": 75_000, "P003": 75_000})


def test_twenty_thousand_missing_targets_suggest_for_the_first_few(tmp_path: Path) -> None:
    states = "".join(f"  s{i}: {{next: t{i}}}\n" for i in range(20_000))
    text = head() + f"initial: s0\nstates:\n  start: {{next: finsh}}\n{states}  finish: {{final: true}}\n"
    path = tmp_path / "missing.yaml"
    path.write_text(text, encoding="utf-8")
    code, lines = validate(path)
    assert code == 1
    assert codes(lines)["P001"] == 20_001
    # a close name is still found among 20,002 states, through the index
    assert any(
        line.endswith("target state 'finsh' does not exist; did you mean 'finish'? [P001]") for line in lines
    )
    assert all("did you mean" not in line for line in lines[-100:])  # past the first few: none


def test_states_with_guarded_routes(tmp_path: Path) -> None:
    parts = ["initial: s0", "states:", "  s0:", "    ask: [n]"]
    for i in range(8_000):
        if i:
            parts.append(f"  s{i}:")
        to = f"s{i + 1}" if i + 1 < 8_000 else "end"
        parts += [
            "    next:",
            f"      - {{to: {to}, when: n > {i} and n < {i}}}",
            f"      - {{to: {to}, otherwise: true}}",
        ]
    path = tmp_path / "chain.yaml"
    path.write_text(
        head("  n: {type: number}") + "\n".join(parts) + "\n  end: {final: true}\n", encoding="utf-8"
    )
    code, lines = validate(path)
    # every guard is contradictory: a warning for each
    assert code == 0
    assert codes(lines) == Counter({"P027": 8_000})


@settings(max_examples=50, deadline=None)
@given(
    names=st.lists(
        st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True), min_size=1, max_size=40, unique=True
    ),
    typo=st.integers(min_value=0, max_value=39),
)
def test_suggestions_among_few_names_are_difflibs(names: list[str], typo: int) -> None:
    """Below the index's threshold a suggestion is exactly difflib's closest name."""
    wrong = names[typo % len(names)] + "x"
    close = difflib.get_close_matches(wrong, names, n=1, cutoff=0.6)
    assert suggest(wrong, names) == (f"; did you mean {close[0]!r}?" if close else "")


@pytest.mark.parametrize("count", [300, 5_000])
def test_suggestions_among_many_names_find_a_one_letter_typo(count: int) -> None:
    names = [f"state_{i:05d}" for i in range(count)] + ["finish"]
    assert suggest("finsh", names) == "; did you mean 'finish'?"
    assert suggest("zzzz", names) == ""


def test_what_was_asked_flows_back_along_a_long_chain_of_loops(tmp_path: Path) -> None:
    # s0 <-> s1 <-> ... <-> s12999 -> end; only the last state asks `f`, and s0 reads it:
    # some path has asked it by then (round the loops), so no P014, however far back it flows
    count = 13_000
    lines = ["initial: s0", "states:"]
    for i in range(count):
        lines.append(f"  s{i}:")
        if i == count - 1:
            lines.append("    ask: [f]")
        moves = [f"{{id: on, to: {f's{i + 1}' if i + 1 < count else 'end'}}}"]
        if i:
            moves.append(f"{{id: back, to: s{i - 1}}}")
        if i == 0:
            moves.append("{id: done, to: end, when: f}")
        lines.append(f"    moves: [{', '.join(moves)}]")
    path = tmp_path / "ladder.yaml"
    path.write_text(
        head("  f: {type: bool}") + "\n".join(lines) + "\n  end: {final: true}\n", encoding="utf-8"
    )
    code, found = validate(path, timeout=40)  # passes over every state took a minute here
    assert (code, found) == (0, [])


def test_many_states_routing_on_a_choice_with_thousands_of_options(tmp_path: Path) -> None:
    count = 8_000
    options = ", ".join(f"o{i}" for i in range(count))
    lines = ["initial: s0", "states:"]
    for i in range(count):
        to = f"s{i + 1}" if i + 1 < count else "end"
        lines += [f"  s{i}:", *(["    ask: [k]"] if i == 0 else []), "    next:"]
        lines += [f'      - {{to: {to}, when: k == "o{i}"}}', f'      - {{to: {to}, when: k != "o{i}"}}']
    lines.append('      - {to: end, when: k == "o8000"}')  # the last state: not an option
    path = tmp_path / "choice.yaml"
    text = (
        head(f"  k: {{type: choice, options: [{options}]}}") + "\n".join(lines) + "\n  end: {final: true}\n"
    )
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size < 1 << 20
    code, found = validate(path, timeout=40)
    # more options than combinations tried: routes are not decided, the values still checked
    assert code == 1
    assert codes(found) == Counter({"P009": 1})
    assert "'o8000' is not an option of choice field 'k'; did you mean 'o" in found[0]
