"""Every YAML example in docs/language.md is checked: loader, schema, every rule, project rules.

Conventions (documented at the top of docs/language.md): a block that starts with
`procflow:` is a whole procedure; `# fragment: state` is one state's body and
`# fragment: procedure` part of a procedure, both completed the same way here; `# invalid`
is a whole file whose exact findings are the ```text block right after it.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from procflow.engine.base.diagnostic import Diagnostic
from procflow.engine.load.yamlio import LoadError, load_yaml_bytes
from procflow.engine.model.procedure import build_procedure
from procflow.engine.rules import Checked, run_project_rules, run_rules
from procflow.engine.schema.check import check_schema

DOC = Path(__file__).parent.parent / "docs" / "language.md"
FENCE = re.compile(r"^```([a-z]*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
FRONT_DESK = {"zh-Hant": "前臺", "en": "Front desk"}
DONE = {"final": True}


@dataclass(frozen=True)
class Block:
    kind: str  # "procedure", "fragment: state", "fragment: procedure", "invalid"
    text: str
    line: int  # of the opening fence, for messages
    expected: str | None = None  # the output an invalid example documents

    @property
    def name(self) -> str:
        return f"language.md:{self.line}"


def blocks() -> list[Block]:
    source = DOC.read_text(encoding="utf-8")
    fences = [(m.group(1), m.group(2), source.count("\n", 0, m.start()) + 1) for m in FENCE.finditer(source)]
    found: list[Block] = []
    for index, (lang, body, line) in enumerate(fences):
        if lang != "yaml":
            continue
        first = body.split("\n", 1)[0].strip()
        if first == "# invalid":
            after = fences[index + 1] if index + 1 < len(fences) else ("", "", 0)
            assert after[0] == "text", (
                f"language.md:{line}: an invalid example needs its output in a text block"
            )
            found.append(Block("invalid", body, line, after[1]))
        elif first in ("# fragment: state", "# fragment: procedure"):
            found.append(Block(first[2:], body, line))
        else:
            found.append(Block("procedure", body, line))
    return found


BLOCKS = blocks()
VALID = [b for b in BLOCKS if b.kind != "invalid"]


def complete(block: Block, number: int) -> bytes:
    """The procedure a block stands for, as YAML bytes (whole blocks unchanged)."""
    if block.kind == "procedure":
        return block.text.encode()
    part: dict[str, Any] = yaml.safe_load(block.text)
    assert isinstance(part, dict), f"{block.name}: a fragment is a mapping"
    if block.kind == "fragment: state":
        part = {"states": {"example": part}}
    data: dict[str, Any] = {"procflow": 1, "id": f"doc-example-{number}", "title": "Example"}
    data.update(copy.deepcopy(part))
    data["roles"] = {"front_desk": FRONT_DESK, **data.get("roles", {})}
    states = data.get("states") or {"start": {"role": "front_desk", "next": "done"}}
    if "done" not in states and "done" in _targets(states):
        states = {**states, "done": DONE}
    data["states"] = states
    data.setdefault("initial", next(iter(states)))
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


def _targets(states: dict[str, Any]) -> set[str]:
    """Every state a route, move or outcome goes to."""
    out: set[str] = set()
    for state in states.values():
        routes = state.get("next")
        out.update([routes] if isinstance(routes, str) else [r["to"] for r in routes or []])
        out.update(m["to"] for m in state.get("moves", []))
        out.update(state.get("outcomes", {}).values())
    return out


def findings(raw: bytes, path: str) -> tuple[list[Diagnostic], Checked | None]:
    """What `procflow validate` reports for one file, stage by stage (no project rules)."""
    try:
        document = load_yaml_bytes(raw, path)
    except LoadError as exc:
        return [exc.diagnostic], None
    found = check_schema(document)
    if found:
        return found, None
    checked = Checked(build_procedure(document.data, path), document)
    return sorted(run_rules(checked)), checked


@pytest.mark.parametrize("block", VALID, ids=[b.name for b in VALID])
def test_example_is_clean(block: Block) -> None:
    raw = complete(block, block.line)
    found, _ = findings(raw, block.name)
    assert not found, "\n".join(map(str, found)) + "\n\n" + raw.decode()


def test_examples_pass_project_rules_together() -> None:
    checked = []
    for block in VALID:
        found, one = findings(complete(block, block.line), block.name)
        assert one is not None, found
        checked.append(one)
    assert run_project_rules(checked) == []


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.kind == "invalid"], ids=lambda b: b.name)
def test_invalid_example_output_is_exact(block: Block) -> None:
    found, _ = findings(block.text.encode(), "example.yaml")
    assert found, "an invalid example must have findings"
    assert "".join(f"{d}\n" for d in found) == block.expected


def test_only_yaml_and_expected_output_blocks() -> None:
    source = DOC.read_text(encoding="utf-8")
    assert source.count("```") == 2 * len(FENCE.findall(source)), "an unclosed or indented fence"
    kinds = [m.group(1) for m in FENCE.finditer(source)]
    assert set(kinds) <= {"yaml", "text"}, f"unchecked blocks: {set(kinds) - {'yaml', 'text'}}"
    assert kinds.count("text") == sum(1 for b in BLOCKS if b.kind == "invalid")


def _keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keys(v)}
    return set()


def _schema_keywords() -> set[str]:
    from procflow.engine.schema.check import schema

    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            found.update(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema())
    return found


def test_every_keyword_of_the_language_has_an_example() -> None:
    shown: set[str] = set()
    for block in VALID:
        shown |= _keys(yaml.safe_load(block.text))
    missing = _schema_keywords() - shown
    assert not missing, f"keywords without an example in docs/language.md: {sorted(missing)}"


def test_every_value_kind_has_an_example() -> None:
    text = "\n".join(b.text for b in VALID)
    for field_type in ("text", "number", "bool", "choice", "datetime", "duration"):
        assert re.search(rf"type: {field_type}\b", text), field_type
    for note_kind in ("resolution", "conflict", "gap", "typo", "info"):
        assert f"kind: {note_kind}" in text, note_kind
    for form in (
        "within:",
        "before:",
        "after:",
        "every:",
        'of: "state:',
        "otherwise: true",
        "priority:",
        "answered(",
        "len(",
        "minutes(",
        " in [",
        " not ",
        "yaml-language-server: $schema=",
        "original:",
    ):
        assert form in text, form


def test_the_docs_list_every_loader_and_schema_code() -> None:
    source = DOC.read_text(encoding="utf-8")
    for code in [f"Y{n:03d}" for n in range(1, 15)] + [f"S{n:03d}" for n in range(1, 7)]:
        assert f"| {code} |" in source, code
