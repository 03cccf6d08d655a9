"""`procflow graph`: Mermaid and DOT diagrams, golden files, and label escaping.

The Mermaid output was also checked once with Mermaid's own parser and the DOT output with
Graphviz (see docs/design.md); here a strict line grammar of what `graph` may emit stands in
for them, so the suite needs neither Node nor Graphviz. `--update-goldens` rewrites.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from conftest import Golden
from hypothesis import given
from hypothesis import strategies as st
from procflow.engine.base import errors
from procflow.engine.load.yamlio import load_yaml
from procflow.engine.model.procedure import Procedure, build_procedure
from procflow.engine.output.diagram import dot_string, edges, mermaid_text, to_dot, to_mermaid

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden" / "graph"
VISITOR = REPO / "tests" / "fixtures" / "valid" / "visitor.yaml"
RunCli = Callable[..., Result]

# What a Mermaid label may contain once escaped: no quote, pipe, angle bracket or backtick, and
# `#` only as the start of an entity code. `<br/>` is the one tag `graph` itself inserts.
LABEL = r'(?:[^"|<>`#]|#\w+;|<br/>)*'
MERMAID_LINE = re.compile(
    "|".join(
        [
            r"flowchart TD",
            r"    %% .*",
            rf'    start\(\("{LABEL}"\)\) --> s_[a-z][a-z0-9_]*',
            rf'    s_[a-z][a-z0-9_]*(?:\["{LABEL}"\]|\[\["{LABEL}"\]\]|\(\(\("{LABEL}"\)\)\))',
            rf'    s_[a-z][a-z0-9_]* (?:-->|-\.->|==>)(?:\|"{LABEL}"\|)? s_[a-z][a-z0-9_]*',
            r"    classDef final stroke-width:3px",
            r"    class s_[a-z][a-z0-9_]*(?:,s_[a-z][a-z0-9_]*)* final",
        ]
    )
)
DOT_STRING = r'"(?:[^"\\]|\\.)*"'
DOT_LINE = re.compile(
    "|".join(
        [
            rf"digraph {DOT_STRING} \{{",
            r"  // .*",
            rf'  graph \[label={DOT_STRING}, labelloc=t, fontname="sans-serif"\];',
            r"  (?:node|edge) \[.*\];",
            r'  _start \[shape=point, width=0\.15, label=""\];',
            rf"  _start -> {DOT_STRING};",
            rf"  {DOT_STRING} \[label={DOT_STRING}(?:, shape=doublecircle|, peripheries=2)?\];",
            rf"  {DOT_STRING} -> {DOT_STRING}(?: \[(?:label={DOT_STRING})?(?:, )?(?:style=dashed|style=bold, penwidth=2)?\])?;",
            r"\}",
        ]
    )
)


def load(path: Path) -> Procedure:
    return build_procedure(load_yaml(path).data, str(path))


def assert_grammar(text: str, grammar: re.Pattern[str]) -> None:
    bad = [line for line in text.splitlines() if not grammar.fullmatch(line)]
    assert not bad, f"lines outside the grammar: {bad}"


@pytest.mark.parametrize(("fmt", "ext"), [("mermaid", "mmd"), ("dot", "dot")])
@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
def test_graph_visitor_golden(run_cli: RunCli, fmt: str, ext: str, lang: str, golden: Golden) -> None:
    result = run_cli("graph", "sample-visitor", "--dir", str(VISITOR.parent), "--format", fmt, "--lang", lang)
    assert result.exit_code == 0, result.output
    golden(GOLDEN / f"visitor.{lang}.{ext}", result.stdout)


@pytest.mark.parametrize(("fmt", "ext"), [("mermaid", "mmd"), ("dot", "dot")])
@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
def test_graph_tricky_labels_golden(run_cli: RunCli, fmt: str, ext: str, lang: str, golden: Golden) -> None:
    result = run_cli("graph", "tricky-labels", "--dir", str(GOLDEN), "--format", fmt, "--lang", lang)
    assert result.exit_code == 0, result.output
    golden(GOLDEN / f"tricky.{lang}.{ext}", result.stdout)
    assert_grammar(result.stdout, MERMAID_LINE if fmt == "mermaid" else DOT_LINE)


def test_mermaid_has_every_state_and_move() -> None:
    procedure = load(VISITOR)
    text = to_mermaid(procedure, "en")
    assert_grammar(text, MERMAID_LINE)
    for name in procedure.states:
        assert re.search(rf"^    s_{name}[\[(]", text, re.M), name
    assert '    start(("start")) --> s_stand' in text
    assert '    s_done((("done<br/>⇒ completed")))' in text  # final: double circle, with its outcome
    assert '    s_inquire -->|"visitor_kind == #quot;courier#quot;"| s_sign_parcel' in text  # guard label
    assert '    s_inquire -.->|"otherwise"| s_see_off' in text  # the fallback, dotted
    assert '    s_interview ==>|"HR notified"| s_see_off' in text  # the operator's move, thick
    assert "    s_stand --> s_inquire" in text  # plain `next`: no label
    arrows = [line for line in text.splitlines() if re.match(r"    s_\w+ (-->|-\.->|==>)", line)]
    assert len(arrows) == len(list(edges(procedure, "en"))) == 7


def test_tricky_ids_and_shapes() -> None:
    procedure = load(GOLDEN / "tricky.yaml")
    text = to_mermaid(procedure, "en")
    # `graph` and `end` are Mermaid keywords and `ops` starts with o: all prefixed
    assert '    s_graph["Say #quot;hello#quot; (then [wait])<br/>graph"]' in text
    assert '    s_x_ray[["Sub-procedure (x)<br/>x_ray ▸ tricky-sub"]]' in text  # sub-procedure shape
    assert '    s_x_ray -->|"outcome: done"| s_end' in text
    assert '    s_ops ==>|"Choose #quot;yes#quot; #lt;now#gt;"| s_x_ray' in text
    assert "    class s_end final" in text
    zh = to_mermaid(procedure, "zh-Hant")
    assert '    s_ops["轉接 #124; 記錄<br/>ops"]' in zh
    assert '    s_graph -.->|"否則"| s_ops' in zh
    dot = to_dot(procedure, "en")
    assert '  "x_ray" [label="Sub-procedure (x)\\nx_ray ▸ tricky-sub", peripheries=2];' in dot
    assert '  "end" [label="end\\n⇒ finished", shape=doublecircle];' in dot
    assert '  "graph" -> "ops" [label="otherwise", style=dashed];' in dot
    assert "style=bold, penwidth=2" in dot


_ENTITY = re.compile(r"#(\w+);")
_NAMES = {"quot": '"', "amp": "&", "lt": "<", "gt": ">"}


def mermaid_decode(text: str) -> str:
    """What Mermaid shows for an escaped label (its entity decoding)."""
    return _ENTITY.sub(lambda m: _NAMES.get(m.group(1)) or chr(int(m.group(1))), text)


def dot_decode(text: str) -> str:
    assert text.startswith('"') and text.endswith('"')
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text[1:-1])


@given(st.text())
def test_mermaid_text_is_safe_and_shows_the_original(raw: str) -> None:
    escaped = mermaid_text(raw)
    assert re.fullmatch(LABEL, escaped)
    assert "\n" not in escaped
    assert mermaid_decode(escaped) == " ".join(raw.split())


@given(st.text())
def test_dot_string_round_trips(raw: str) -> None:
    quoted = dot_string(raw)
    assert re.fullmatch(DOT_STRING, quoted, re.S)
    assert "\n" not in quoted
    assert dot_decode(quoted) == raw.replace("\r\n", "\n")


def test_graph_errors(run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROCFLOW_PATH", raising=False)
    unknown = run_cli("graph", "tricky-label", "--dir", str(GOLDEN))
    assert unknown.exit_code == errors.EXIT_NOT_FOUND
    assert "did you mean 'tricky-labels' or 'tricky-sub'?" in unknown.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text(VISITOR.read_text(encoding="utf-8").replace("to: see_off", "to: see_of"), encoding="utf-8")
    refused = run_cli("graph", str(bad))
    assert refused.exit_code == errors.EXIT_FINDINGS
    assert refused.stdout == "" and "'see_of'" in refused.stderr
    assert run_cli("graph", str(VISITOR), "--format", "svg").exit_code == errors.EXIT_USAGE
