"""Semantic rules: the registry, a golden file per rule, docs/rules.md, and the decisions behind them.

Golden files hold exactly what `procflow validate <fixture>` prints. Run `pytest --update-goldens`
to rewrite them after an intended change, then review the diff.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from conftest import Golden
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from procflow.engine.base.diagnostic import Diagnostic
from procflow.engine.check.files import check_document
from procflow.engine.load.yamlio import load_yaml_bytes
from procflow.engine.model.procedure import build_procedure
from procflow.engine.rules import REGISTRY, Checked, all_rules, run_project_rules
from procflow.engine.rules.position import Positions, position

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "rules"
EXAMPLES = ROOT / "docs" / "examples" / "rules"
RULES_MD = ROOT / "docs" / "rules.md"
RunCli = Callable[..., Result]
CODES = [r.code for r in all_rules()]


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Run from the checkout, so paths in messages are the ones the golden files show."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("PROCFLOW_CACHE_DIR", str(tmp_path / "cache"))
    return ROOT


def fixture_of(base: Path, code: str) -> Path:
    single = base / f"{code}.yaml"
    return single if single.exists() else base / code


def check_text(text: str, *others: str) -> list[str]:
    """Every finding for `text` (plus project rules over `others`) as `CODE line:col message`."""
    checked, found = [], []
    for index, source in enumerate((text, *others)):
        document = load_yaml_bytes(source.encode(), f"f{index}.yaml")
        procedure, diagnostics = check_document(document)
        assert procedure is not None, [str(d) for d in diagnostics]
        if index == 0:
            found.extend(diagnostics)
        checked.append(Checked(procedure, document))
    found.extend(d for d in run_project_rules(checked) if d.path == "f0.yaml")
    return [f"{d.code} {d.line}:{d.col} {d.message}" for d in sorted(found)]


def codes(text: str, *others: str) -> list[str]:
    return [line.split()[0] for line in check_text(text, *others)]


# --- the registry -------------------------------------------------------------------------


def test_codes_names_and_summaries_follow_the_conventions() -> None:
    names = [r.name for r in all_rules()]
    assert len(set(names)) == len(names)
    numbers = [int(code[1:]) for code in CODES]
    assert [f"P{n:03d}" for n in numbers] == CODES and numbers == sorted(set(numbers))  # stable
    # no gaps, but for P034-P035, reserved for rules of issue 11 that another branch adds
    assert set(range(1, numbers[-1] + 1)) - set(numbers) <= {34, 35}
    for r in all_rules():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", r.name), r.name
        assert "\n" not in r.summary and not r.summary.endswith(".")
        assert r.summary[0].islower() or r.summary[0] in "`'", r.summary
        assert (r.check is None) != (r.check_project is None)


def test_registering_a_code_twice_is_refused() -> None:
    from procflow.engine.rules import rule

    with pytest.raises(RuntimeError, match="P001 registered twice"):
        rule("P001", "again", "a duplicate")(lambda procedure: iter(()))
    assert REGISTRY["P001"].name == "unknown-target"


# --- golden files -------------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_rule_matches_its_golden_output(code: str, run_cli: RunCli, at_root: Path, golden: Golden) -> None:
    fixture = fixture_of(GOLDEN, code)
    assert fixture.exists(), f"rule {code} has no golden fixture under {GOLDEN}"
    result = run_cli("validate", "--no-cache", str(fixture.relative_to(ROOT)))
    assert f"[{code}]" in result.output, "the fixture must exercise its rule"
    assert "[S0" not in result.output and "[Y0" not in result.output, "fixtures are schema-valid"
    golden(GOLDEN / f"{code}.txt", result.output)


def test_tricky_valid_procedures_have_no_findings(run_cli: RunCli, at_root: Path) -> None:
    result = run_cli("validate", "--no-cache", "--strict", "tests/golden/rules/clean")
    assert result.output.endswith("no problems\n"), result.output
    assert result.exit_code == 0


def test_every_rule_has_a_documentation_example(run_cli: RunCli, at_root: Path) -> None:
    for code in CODES:
        example = fixture_of(EXAMPLES, code)
        assert example.exists(), f"rule {code} has no example under {EXAMPLES}"
        assert f"[{code}]" in run_cli("validate", "--no-cache", str(example.relative_to(ROOT))).output


# --- docs/rules.md ------------------------------------------------------------------------


def _sections() -> dict[str, str]:
    text = RULES_MD.read_text(encoding="utf-8")
    parts = re.split(r"^## (P\d{3}) ", text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def test_rules_md_lists_every_rule_with_code_name_and_summary() -> None:
    text = RULES_MD.read_text(encoding="utf-8")
    sections = _sections()
    assert list(sections) == CODES
    for r in all_rules():
        assert f"| {r.code} | `{r.name}` | {r.severity.value}" in text
        assert f"| {r.summary} |" in text
        heading, _, body = sections[r.code].partition("\n")
        assert heading == r.name
        assert f"— {r.summary}." in body


@pytest.mark.parametrize("code", CODES)
def test_rules_md_shows_each_example_and_its_exact_output(code: str, run_cli: RunCli, at_root: Path) -> None:
    body = _sections()[code]
    shown = dict(re.findall(r"^`(docs/examples/rules/[^`]+)`:\n\n```yaml\n(.*?)```", body, flags=re.M | re.S))
    example = fixture_of(EXAMPLES, code)
    files = [example] if example.is_file() else sorted(example.rglob("*.yaml"))
    assert sorted(shown) == sorted(str(f.relative_to(ROOT)) for f in files)
    for path, content in shown.items():
        assert (ROOT / path).read_text(encoding="utf-8") == content, f"{path} differs from docs/rules.md"
    console = re.search(r"```console\n\$ procflow validate (\S+)\n(.*?)```", body, flags=re.S)
    assert console is not None, f"no console block for {code}"
    target, output = console.groups()
    assert target == str(example.relative_to(ROOT))
    assert run_cli("validate", "--no-cache", target).output == output


# --- positions ----------------------------------------------------------------------------

BASE = """\
procflow: 1
id: t
title: T
params: {org_name: X}
fields:
  kind: {type: choice, options: [a, b]}
  note: {type: text}
initial: s
states:
  s:
    ask: [kind, note]
    moves:
      - {id: m, to: e, when: WHEN}
      - {id: n, to: e}
  e: {final: true}
"""


def finding(when: str) -> tuple[str, int]:
    """(message, column) of the one finding for a move guard written as `when`."""
    found = check_text(BASE.replace("WHEN", when))
    assert len(found) == 1, found
    _code, position, message = found[0].split(" ", 2)
    assert position.startswith("13:")
    return message, int(position.split(":")[1])


GUARD_COL = BASE.splitlines()[12].index("WHEN") + 1


@pytest.mark.parametrize(
    ("when", "offset"),
    [
        ('kind == "a" and nope', 16),  # plain
        ("\"kind == 'a' and nope\"", 17),  # double-quoted: after the quote
        ("'kind == ''a'' and nope'", 19),  # single-quoted: '' is one character
        ('"note == \\"\\u00e9\\" or nope"', 23),  # escapes are longer in the file than in the value
        ('note == "面試" and nope', 17),  # characters, not bytes
        ('"note == \\t\\"x\\" or nope"', 20),  # a tab escape, read as a space
    ],
)
def test_guard_findings_point_at_the_name_inside_the_scalar(when: str, offset: int) -> None:
    message, col = finding(when)
    assert message.startswith("guard reads 'nope'")
    assert col == GUARD_COL + offset


def test_block_scalar_guards_fall_back_to_the_scalar_start() -> None:
    text = BASE.replace(
        "      - {id: m, to: e, when: WHEN}\n",
        "      - id: m\n        to: e\n        when: >\n          kind == 'a' and\n          nope\n",
    )
    found = check_text(text)
    assert found == [
        "P008 15:15 guard reads 'nope', which is neither a field nor a parameter; did you mean 'note'?"
    ]


def test_placeholder_column_counts_wide_characters_as_one() -> None:
    text = BASE.replace("title: T", "title: 華僑{org_nam}")
    assert check_text(text)[0].startswith("P017 3:10 placeholder {org_nam}")


# --- routes -------------------------------------------------------------------------------

ROUTES = """\
procflow: 1
id: t
title: T
params: {strict: true, limit: 10, site: main}
fields:
  kind: {type: choice, options: [a, b, c]}
  vip: {type: bool}
  n: {type: number}
  whole: {type: number, integer: true, min: 0, max: 10}
  code: {type: text, pattern: "[A-Z]+"}
  note: {type: text}
  at: {type: datetime}
initial: s
states:
  s:
    ask: [kind, vip, n, whole, code, note, at]
    next:
      - {to: e, when: 'FIRST'}
      - {to: e, when: 'SECOND'}
      - {to: e, otherwise: true}
  e: {final: true}
"""


def overlap(first: str, second: str) -> list[str]:
    found = check_text(ROUTES.replace("FIRST", first).replace("SECOND", second))
    return [f.split(" (e.g. when ")[1].split(")")[0] for f in found if f.startswith("P011")]


@pytest.mark.parametrize(
    ("first", "second", "witness"),
    [
        ("vip", 'kind == "a"', "kind is 'a' and vip is true"),
        ("n > 3 and n < 5", "n >= 4", "n is 4"),
        ("n < 3.5", "n > 3.25", "n is 3.375"),
        ("whole > 2 and whole < 4", "whole == 3", "whole is 3"),
        ("strict", "limit > 5", "limit is 6 and strict is true"),
        ('site != "main"', 'kind in ["a"]', "kind is 'a' and site is any other text"),
        ('note == "x"', 'note != "y"', "note is 'x'"),
        ("answered(at)", "not vip", "at is answered and vip is false"),
        ("answered(note) and vip", 'note != "x"', "note is any other text and vip is true"),
    ],
)
def test_overlapping_routes_are_found_with_an_example(first: str, second: str, witness: str) -> None:
    assert overlap(first, second) == [witness]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("vip", "not vip"),
        ('kind == "a"', 'kind in ["b", "c"]'),
        ("n > 3", "n <= 3"),
        ("whole > 2 and whole < 3", "whole == 2"),  # no whole number lies between 2 and 3
        ("whole > 10", "whole >= 0"),  # beyond max
        ('code == "AB"', 'code != "CD"'),  # a pattern: values cannot be listed
        ('at == "2026-01-01"', "answered(at)"),  # date-times cannot be listed
        ("len(note) > 2", 'note == "abcd"'),  # text measured by length cannot be listed
        ('kind == "a" and n > 1', 'kind == "a" and n < note'),  # a name compared with a name
        ("strict", "not strict"),
    ],
)
def test_routes_that_cannot_both_hold_or_cannot_be_decided_are_not_reported(first: str, second: str) -> None:
    assert overlap(first, second) == []


def test_priority_orders_overlapping_routes() -> None:
    text = ROUTES.replace("'FIRST'}", "vip, priority: 1}").replace("'SECOND'", 'kind == "a"')
    assert "P011" not in codes(text)


def test_required_answers_in_the_state_are_never_unanswered() -> None:
    # `vip` is asked (required) in the state, so "vip unanswered" is not a case
    assert overlap("not answered(vip)", 'kind == "a"') == []
    optional = ROUTES.replace("ask: [kind, vip,", "ask: [kind, {field: vip, required: false},")
    found = check_text(optional.replace("FIRST", "not answered(vip)").replace("SECOND", 'kind == "a"'))
    assert any("vip is unanswered" in f for f in found)


def test_too_many_combinations_are_left_undecided() -> None:
    many = "\n".join(f"  f{i}: {{type: choice, options: [a, b, c, d, e, f, g, h]}}" for i in range(5))
    text = ROUTES.replace("fields:\n", f"fields:\n{many}\n").replace(
        "ask: [kind,", "ask: [f0, f1, f2, f3, f4, kind,"
    )
    both = " and ".join(f'f{i} == "a"' for i in range(5))
    found = check_text(text.replace("FIRST", both).replace("SECOND", both))
    assert not [f for f in found if f.startswith(("P011", "P027"))]  # 8**5 > 4096 combinations


def test_unrouted_choice_counts_only_routes_that_read_the_field() -> None:
    text = (
        ROUTES.replace("      - {to: e, otherwise: true}\n", "")
        .replace("FIRST", 'kind == "a"')
        .replace("SECOND", "vip")
    )
    found = [f for f in check_text(text) if f.startswith("P010")]
    assert found == [
        "P010 17:5 choice field 'kind' routes state 's', but options 'b', 'c' have no route and there is no "
        "'otherwise' route"
    ]


# --- flow of answers ----------------------------------------------------------------------

FLOW = """\
procflow: 1
id: t
title: T
fields:
  x: {type: bool}
  y: {type: bool}
initial: a
states:
  a:
    moves:
      - {id: to_b, to: b}
      - {id: to_c, to: c}
  b:
    ask: [x]
    next: c
  c:
    moves:
      - {id: loop, to: a, when: GUARD}
      - {id: end, to: d}
  d:
    ask: [y]
    next: e
  e: {final: true}
"""


def test_a_field_asked_on_some_path_may_be_read() -> None:
    assert "P014" not in codes(FLOW.replace("GUARD", "x"))


def test_a_field_asked_only_later_is_read_before_it_is_asked_even_around_a_loop() -> None:
    found = [f for f in check_text(FLOW.replace("GUARD", "y")) if f.startswith("P014")]
    assert found == [
        "P014 18:33 guard reads 'y' in state 'c', but no path from the initial state 'a' has asked it by then"
    ]


def test_a_sub_procedures_questions_do_not_count_as_asked() -> None:
    parent = FLOW.replace("    ask: [x]\n    next: c", "    use: {procedure: child}\n    next: c").replace(
        "GUARD", "x"
    )
    child = "procflow: 1\nid: child\ntitle: C\nfields: {x: {type: bool}}\ninitial: s\nstates:\n  s: {ask: [x], next: e}\n  e: {final: true}\n"
    assert "P014" in codes(parent, child)


# --- project rules ------------------------------------------------------------------------

CHILD = "procflow: 1\nid: {id}\ntitle: T\ninitial: s\nstates:\n  s: {{use: {{procedure: {uses}}}, next: e}}\n  e: {{final: true}}\n"


def test_a_long_chain_of_uses_is_not_a_cycle_and_does_not_recurse() -> None:
    texts = [CHILD.format(id=f"p{i}", uses=f"p{i + 1}") for i in range(3000)]
    texts.append("procflow: 1\nid: p3000\ntitle: T\ninitial: e\nstates:\n  e: {final: true}\n")
    checked = []
    for i, text in enumerate(texts):
        document = load_yaml_bytes(text.encode(), f"p{i}.yaml")
        checked.append(Checked(build_procedure(document.data, document.path), document))
    assert run_project_rules(checked) == []
    checked[-1] = checked[0]  # p3000 missing, p0 twice: one unknown procedure, one duplicate id
    assert sorted(d.code for d in run_project_rules(checked)) == ["P006", "P019"]


def test_a_large_cycle_is_reported_on_every_use_with_the_whole_chain() -> None:
    texts = [CHILD.format(id=f"p{i}", uses=f"p{(i + 1) % 50}") for i in range(50)]
    checked = []
    for i, text in enumerate(texts):
        document = load_yaml_bytes(text.encode(), f"p{i}.yaml")
        checked.append(Checked(build_procedure(document.data, document.path), document))
    found = run_project_rules(checked)
    assert len(found) == 50 and {d.code for d in found} == {"P020"}
    assert found[0].message.count("→") == 50


def test_project_rules_read_only_what_validate_keeps_of_each_procedure(
    run_cli: RunCli, at_root: Path
) -> None:
    # validate hands project rules a summary of each file (id, params, `use` and final states);
    # the golden outputs of project rules must come out the same from it
    for code in ("P006", "P019", "P020", "P021", "P030"):
        first = run_cli("validate", str(fixture_of(GOLDEN, code).relative_to(ROOT))).output
        cached = run_cli("validate", str(fixture_of(GOLDEN, code).relative_to(ROOT))).output
        assert first == cached == (GOLDEN / f"{code}.txt").read_text(encoding="utf-8")


# --- robustness and speed -----------------------------------------------------------------

NAMES = st.sampled_from(["s0", "s1", "s2", "s3", "gone"])
GUARDS = st.sampled_from(
    [
        "kind == 'a'",
        "vip",
        "not vip",
        "n > 3",
        "n <= 3",
        "kind in ['a', 'zz']",
        "x.y",
        "nope == 1",
        "answered(note)",
        "len(note) > 2",
        "note == 5",
        "(",
        "kind == 'b' and n > 1 or vip",
    ]
)


@st.composite
def procedures(draw: st.DrawFn) -> str:
    lines = [
        "procflow: 1",
        "id: fuzz",
        "title: {en: Fuzz}",
        "params: {org_name: X, limit: 3}",
        "roles: {desk: Desk}",
        "fields:",
        "  kind: {type: choice, options: [a, b]}",
        "  vip: {type: bool}",
        "  n: {type: number, min: 0}",
        "  note: {type: text}",
        f"initial: {draw(NAMES)}",
        "states:",
    ]
    for i in range(draw(st.integers(1, 4))):
        lines.append(f"  s{i}:")
        if draw(st.booleans()):
            lines.append(f"    role: {draw(st.sampled_from(['desk', 'desc']))}")
        lines.append(f"    ask: [{draw(st.sampled_from(['kind', 'vip', 'n', 'note', 'nada']))}]")
        lines.append(f"    say: ['{draw(st.sampled_from(['hi {org_name}', 'hi {org}', ' ']))}']")
        shape = draw(st.sampled_from(["final", "next", "routes", "moves"]))
        if shape == "final":
            lines.append("    final: true")
        elif shape == "next":
            lines.append(f"    next: {draw(NAMES)}")
        elif shape == "routes":
            lines.append("    next:")
            for _ in range(draw(st.integers(1, 3))):
                if draw(st.booleans()):
                    lines.append(f"      - {{to: {draw(NAMES)}, otherwise: true}}")
                else:
                    lines.append(f'      - {{to: {draw(NAMES)}, when: "{draw(GUARDS)}"}}')
        else:
            lines.append("    moves:")
            for j in range(draw(st.integers(1, 3))):
                lines.append(f'      - {{id: m{j % 2}, to: {draw(NAMES)}, when: "{draw(GUARDS)}"}}')
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(procedures())
def test_rules_never_raise_and_always_give_a_position(text: str) -> None:
    document = load_yaml_bytes(text.encode(), "fuzz.yaml")
    procedure, diagnostics = check_document(document)
    if procedure is None:
        return
    diagnostics += run_project_rules([Checked(procedure, document)])
    for d in diagnostics:
        assert isinstance(d, Diagnostic) and d.line >= 1 and d.col >= 1, d


def twenty_states() -> str:
    """A realistic procedure of 20 states: choices, numbers, bools, texts, deadlines, moves."""
    lines = [
        "procflow: 1",
        "id: bench",
        "title: {zh-Hant: 接待, en: Reception}",
        "params: {org_name: 華僑賓館, limit: 5}",
        "roles: {desk: {zh-Hant: 前臺, en: Desk}}",
        "fields:",
        "  kind: {type: choice, options: [guest, courier, interviewee, sales]}",
        "  party: {type: number, integer: true, min: 1, max: 50}",
        "  vip: {type: bool}",
        "  name: {type: text}",
        "  start: {type: datetime}",
        "initial: s0",
        "states:",
    ]
    for i in range(19):
        lines += [
            f"  s{i}:",
            "    role: desk",
            "    do:",
            f"      - {{zh-Hant: 第{i}步, en: 'Step {i} at {{org_name}}'}}",
            "    say: [{zh-Hant: 您好, en: Hello}]",
            f"    due: [{{id: d{i}, within: 15 minutes}}]",
        ]
        if i == 0:
            lines += [
                "    ask: [kind, party, vip, name, start]",
                "    next:",
                "      - {to: s1, when: kind == 'guest'}",
                "      - {to: s2, when: kind == 'courier'}",
                "      - {to: s3, when: kind == 'interviewee'}",
                "      - {to: s4, otherwise: true}",
            ]
        elif i == 5:
            lines += [
                "    next:",
                "      - {to: s6, when: vip and party > limit}",
                "      - {to: s7, when: vip and party <= limit}",
                "      - {to: s8, otherwise: true}",
            ]
        elif i % 3 == 0:
            lines += [
                "    moves:",
                f"      - {{id: on, to: s{i + 1}, label: {{zh-Hant: 好, en: OK}}}}",
                f"      - {{id: skip, to: s{min(i + 2, 19)}, when: answered(name)}}",
            ]
        else:
            lines.append(f"    next: s{i + 1}")
    lines += ["  s19: {final: true}"]
    return "\n".join(lines) + "\n"


# --- where findings go ----------------------------------------------------------------------

KEYS = st.sampled_from(["a", "b", "s0", "s1", "0", "1", "x/y", "t~n", "名", "next", "when"])
TREES = st.recursive(
    st.one_of(st.integers(0, 9), st.sampled_from(["v", "n > 1", "'q'", "長"])),
    lambda inner: st.one_of(st.lists(inner, max_size=20), st.dictionaries(KEYS, inner, max_size=20)),
    max_leaves=60,
)


def _pointers(data: object, at: str = "") -> list[str]:
    out = [at]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _pointers(v, f"{at}/{k.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _pointers(v, f"{at}/{i}")
    return out


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(KEYS, TREES, min_size=1, max_size=20),
    st.booleans(),
    st.lists(st.tuples(st.integers(0, 10**6), st.booleans(), st.sampled_from([None, None, 0, 2]))),
    st.lists(st.sampled_from(["/zz", "/a/99", "/a/zz/1", "/s0/00", "//a", "/a/"]), max_size=4),
)
def test_findings_are_placed_where_a_single_look_up_places_them(
    data: dict[str, object], block: bool, picks: list[tuple[int, bool, int | None]], missing: list[str]
) -> None:
    """Many findings share look-ups (every child of a mapping or list placed at once): each
    lands where looking up its pointer alone puts it, in any order, present or not."""
    text = (
        yaml.safe_dump(data, allow_unicode=True) if block else json.dumps(data, ensure_ascii=False, indent=1)
    )
    document = load_yaml_bytes(text.encode(), "t.yaml")
    pointers = _pointers(document.data)[1:] + missing
    positions = Positions(document)
    for index, key, offset in picks:
        pointer = pointers[index % len(pointers)]
        assert positions.at(pointer, key, offset) == position(document, pointer, key=key, offset=offset), (
            pointer
        )
