"""Property: whatever a file holds, `procflow validate` answers 0 or 1 with a summary, never a crash.

Inputs are random YAML documents, random YAML-ish text, and random mutations (of the data and
of the bytes) of valid procedures: the fixtures and the bundled procedures.
"""

from __future__ import annotations

import copy
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from procflow import cli
from procflow.engine.base.paths import procedures_dir

ROOT = Path(__file__).parent
VALID = sorted((ROOT / "fixtures" / "valid").glob("*.yaml")) + sorted(procedures_dir().glob("*.yaml"))
SOURCES = [path.read_bytes() for path in VALID]
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as directory:
        yield Path(directory)


@pytest.fixture(autouse=True)
def quiet_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")


def validate_bytes(workdir: Path, raw: bytes) -> None:
    path = workdir / "candidate.yaml"
    path.write_bytes(raw)
    result = CliRunner().invoke(cli.cli, ["validate", "--no-cache", str(path)], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    assert result.stdout.endswith(("1 file checked: no problems\n", " warning\n", " warnings\n")), (
        result.output
    )
    json_result = CliRunner().invoke(cli.cli, ["validate", "--no-cache", "--format", "json", str(path)])
    assert json_result.exit_code == result.exit_code, json_result.output


# --- random YAML -----------------------------------------------------------------------------

names = st.sampled_from(
    [
        "procflow",
        "id",
        "title",
        "initial",
        "states",
        "next",
        "to",
        "when",
        "final",
        "ask",
        "fields",
        "type",
        "options",
        "moves",
        "use",
        "outcomes",
        "due",
        "within",
        "of",
        "zh-Hant",
        "en",
        "on",
        "yes",
    ]
) | st.text(min_size=1, max_size=8)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True)
    | st.text(max_size=20)
    | st.sampled_from(["1:30", "on", "no", "~", "0x1F", ".inf", "來訪者", "a == 'b'"])
)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(names, inner, max_size=5),
    max_leaves=30,
)
yamlish = st.text(
    alphabet=st.sampled_from(list("ab:-{}[],#&*!|>'\"%@`? \n\t\u3000來訪\ufeff\x85")), max_size=200
)


@SETTINGS
@given(document=documents)
def test_random_yaml_documents(workdir: Path, document: Any) -> None:
    validate_bytes(workdir, yaml.safe_dump(document, allow_unicode=True).encode())


@SETTINGS
@given(text=yamlish)
def test_random_yaml_text(workdir: Path, text: str) -> None:
    validate_bytes(workdir, text.encode("utf-8", "surrogatepass"))


# --- mutations of valid procedures -----------------------------------------------------------


def paths_of(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths_of(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths_of(value, (*prefix, index))


def mutate(data: Any, where: tuple[Any, ...], how: str, value: Any) -> Any:
    data = copy.deepcopy(data)
    if not where:
        return value if how == "replace" else data
    parent = data
    for step in where[:-1]:
        parent = parent[step]
    last = where[-1]
    if how == "delete":
        del parent[last]
    elif how == "replace":
        parent[last] = value
    elif how == "rename" and isinstance(parent, dict):
        parent[f"{last}x" if isinstance(value, bool) else str(value)] = parent.pop(last)
    elif how == "duplicate" and isinstance(parent, list):
        parent.insert(last, copy.deepcopy(parent[last]))
    return data


Mutation = Callable[[Any], Any]


@st.composite
def data_mutations(draw: st.DrawFn) -> bytes:
    source = draw(st.sampled_from(SOURCES))
    data = yaml.safe_load(source.decode("utf-8-sig"))
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(list(paths_of(data))))
        how = draw(st.sampled_from(["delete", "replace", "rename", "duplicate"]))
        data = mutate(data, where, how, draw(scalars | documents))
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


@st.composite
def byte_mutations(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(st.sampled_from(SOURCES)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(raw)))
        kind = draw(st.sampled_from(["insert", "delete", "truncate", "line"]))
        if kind == "insert":
            raw[at:at] = draw(
                st.binary(max_size=6) | yamlish.map(lambda t: t.encode("utf-8", "surrogatepass"))
            )
        elif kind == "delete":
            del raw[at : at + draw(st.integers(1, 40))]
        elif kind == "truncate":
            del raw[at:]
        else:  # duplicate or drop one whole line
            lines = bytes(raw).split(b"\n")
            index = draw(st.integers(0, len(lines) - 1))
            lines[index : index + 1] = [lines[index]] * draw(st.integers(0, 2))
            raw = bytearray(b"\n".join(lines))
    return bytes(raw)


def test_there_are_valid_procedures_to_mutate() -> None:
    assert SOURCES, "tests/fixtures/valid/ should hold at least one procedure"


@SETTINGS
@given(raw=data_mutations())
def test_mutated_procedure_data(workdir: Path, raw: bytes) -> None:
    validate_bytes(workdir, raw)


@SETTINGS
@given(raw=byte_mutations())
def test_mutated_procedure_bytes(workdir: Path, raw: bytes) -> None:
    validate_bytes(workdir, raw)
