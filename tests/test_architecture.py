"""What the import contracts (`lint-imports`, pyproject.toml) cannot see, checked on the source:
the engine never prints, prompts or exits, and starting the CLI imports no heavy library."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGINE = sorted((ROOT / "engine").rglob("*.py"))
FORBIDDEN_CALLS = {"print", "input", "exit", "quit", "breakpoint"}
TERMINAL_ATTRIBUTES = {
    ("sys", "exit"),
    ("os", "_exit"),
    ("sys", "stdin"),
    ("sys", "stdout"),
    ("sys", "stderr"),
}


@pytest.mark.parametrize("path", ENGINE, ids=lambda p: str(p.relative_to(ROOT)))
def test_engine_never_prints_prompts_or_exits(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
            pytest.fail(f"{path.name}:{node.lineno} calls {node.func.id}()")
        attribute = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
        if attribute and (node.value.id, node.attr) in TERMINAL_ATTRIBUTES:  # type: ignore[attr-defined]
            pytest.fail(f"{path.name}:{node.lineno} uses {node.value.id}.{node.attr}")  # type: ignore[attr-defined]


def test_starting_the_cli_imports_no_heavy_library() -> None:
    code = (
        "import sys\nfrom procflow import cli\n"
        "heavy = sorted(m for m in ('yaml', 'jsonschema', 'transitions', 'fastjsonschema') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
