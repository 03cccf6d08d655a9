"""What the import contracts (`lint-imports`, pyproject.toml) cannot see, checked on the source:
the engine never prints, prompts or exits, and starting the CLI imports no heavy library."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGINE = sorted((ROOT / "engine").rglob("*.py"))
LSP = sorted((ROOT / "lsp").rglob("*.py"))  # the language server's stdout is the protocol
WEB = sorted((ROOT / "web").rglob("*.py"))  # the web desk answers in pages, never on a terminal
FORBIDDEN_CALLS = {"print", "input", "exit", "quit", "breakpoint"}
TERMINAL_ATTRIBUTES = {
    ("sys", "exit"),
    ("os", "_exit"),
    ("sys", "stdin"),
    ("sys", "stdout"),
    ("sys", "stderr"),
}


@pytest.mark.parametrize("path", ENGINE + LSP + WEB, ids=lambda p: str(p.relative_to(ROOT)))
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
        "heavy = sorted(m for m in ('yaml', 'jsonschema', 'transitions', 'fastjsonschema', 'pygls', 'lsprotocol',"
        " 'psycopg', 'sqlite3', 'starlette', 'jinja2', 'uvicorn', 'multipart', 'python_multipart', 'argon2', 'procflow.web')"
        " if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def _modules_on_disk() -> set[str]:
    found = {
        p.relative_to(ROOT).as_posix()
        for top in ("engine", "terminal", "lsp", "web")
        for p in (ROOT / top).rglob("*.py")
    }
    return found | {"cli.py"}


def test_architecture_md_lists_every_module_and_no_other() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `((?:engine|terminal|lsp|web)/[\w/]+\.py|cli\.py)` \|", page, flags=re.M))
    on_disk = _modules_on_disk()
    assert not on_disk - listed, f"docs/architecture.md does not list: {sorted(on_disk - listed)}"
    assert not listed - on_disk, (
        f"docs/architecture.md lists modules that do not exist: {sorted(listed - on_disk)}"
    )


def test_no_import_cycles_between_procflow_modules() -> None:
    """Every import counts, inside functions too: a cycle hidden in a function body is still one."""
    graph = {}
    known = {
        "procflow." + path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        for path in _modules_on_disk()
    }
    for path in _modules_on_disk():
        name = "procflow." + path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        targets = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("procflow."):
                # `from package import module` depends on the module; `from module import name` on it
                submodules = {f"{node.module}.{alias.name}" for alias in node.names}
                targets |= (submodules & known) or {node.module}
            elif isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names if alias.name.startswith("procflow.")}
        graph[name] = targets
    graph = {name: {t for t in targets if t in graph and t != name} for name, targets in graph.items()}
    cycles = [_cycle_from(name, graph) for name in sorted(graph)]
    found = sorted({" -> ".join(c) for c in cycles if c})
    assert not found, "import cycles:\n  " + "\n  ".join(found)


def _cycle_from(start: str, graph: dict[str, set[str]]) -> list[str]:
    """The shortest path from `start` back to itself, or [] (a breadth-first search)."""
    parents: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for name in frontier:
            for target in sorted(graph[name]):
                if target == start:
                    path = [name]
                    while path[-1] != start:
                        path.append(parents[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if target not in parents:
                    parents[target] = name
                    following.append(target)
        frontier = following
    return []
