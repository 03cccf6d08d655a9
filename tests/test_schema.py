"""The schema stage and the schema itself: messages, the fast path, and no drift from the model.

Golden files: tests/golden/schema/NAME.yaml is a procedure with mistakes, NAME.txt the exact
findings (`str(diagnostic)`, one per line). `pytest --update-goldens` rewrites them.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import procflow.engine.model.procedure as model
import procflow.engine.schema.check as schema_module
import pytest
from conftest import Golden
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from procflow.engine.base.durations import parse_duration
from procflow.engine.base.paths import procedures_dir, schema_path
from procflow.engine.load.yamlio import Document, load_yaml
from procflow.engine.schema.check import check_schema, is_valid

HERE = Path(__file__).parent
GOLDEN = HERE / "golden" / "schema"
VALID = sorted((HERE / "fixtures" / "valid").glob("*.yaml")) + sorted(procedures_dir().glob("*.yaml"))
SCHEMA: dict[str, Any] = json.loads(schema_path().read_text(encoding="utf-8"))
DEFS: dict[str, Any] = SCHEMA["$defs"]


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache directory and no validator built yet in this process."""
    monkeypatch.setenv("PROCFLOW_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(schema_module, "USE_SHIPPED", False)  # the disk cache is what these test
    schema_module.fast_validator.cache_clear()
    yield tmp_path / "cache" / "schema-code-v4"
    schema_module.fast_validator.cache_clear()


def subschemas(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object inside the schema that describes data, with a readable path."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key in ("properties", "patternProperties", "$defs"):
                for name, sub in value.items():
                    yield from subschemas(sub, f"{path}/{key}/{name}")
            elif key not in (
                "enum",
                "const",
                "required",
                "description",
                "title",
                "if",
            ):  # `if` is a test, not a shape
                yield from subschemas(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, sub in enumerate(node):
            yield from subschemas(sub, f"{path}/{index}")


# --- golden messages --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.stem for p in GOLDEN.glob("*.yaml")))
def test_schema_errors_match_golden(name: str, monkeypatch: pytest.MonkeyPatch, golden: Golden) -> None:
    monkeypatch.chdir(GOLDEN)
    found = check_schema(load_yaml(f"{name}.yaml"))
    assert found, "a golden procedure must have schema errors"
    actual = "".join(f"{d}\n" for d in found)
    golden(GOLDEN / f"{name}.txt", actual)


def test_every_code_has_a_golden_example() -> None:
    shown = "".join(p.read_text(encoding="utf-8") for p in GOLDEN.glob("*.txt"))
    assert sorted(set(re.findall(r"\[(S\d{3})\]$", shown, re.MULTILINE))) == [f"S00{i}" for i in range(1, 7)]


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_valid_procedures_pass(path: Path) -> None:
    assert check_schema(load_yaml(path)) == []


def test_findings_carry_pointer_and_error_severity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    found = check_schema(load_yaml("s001-unknown-key.yaml"))
    assert {d.pointer for d in found} >= {"/intial", "/states/stand/rol"}
    assert all(d.is_error for d in found)


# --- the fast path and the reference agree ------------------------------------------------------

JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False, width=16)
    | st.sampled_from(
        ["", "x", "stand", "done", "Stand Up", "15 minutes", "soon", "zh-Hant", "choice", "state:done"]
    ),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["to", "when", "otherwise", "id", "text", "type", "zh-Hant", "en", "final", "of", "every"]
            ),
            inner,
            max_size=3,
        )
    ),
    max_leaves=6,
)
REFERENCE = Draft202012Validator(SCHEMA)
ORIGINALS = [load_yaml(path) for path in VALID]


def _containers(node: Any) -> Iterator[Any]:
    if isinstance(node, (dict, list)):
        yield node
        for child in node.values() if isinstance(node, dict) else node:
            yield from _containers(child)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_path_agrees_with_jsonschema_on_mutations(data: st.DataObject) -> None:
    original = data.draw(st.sampled_from(ORIGINALS))
    mutated = copy.deepcopy(original.data)
    for _ in range(data.draw(st.integers(1, 3))):
        target = data.draw(st.sampled_from(list(_containers(mutated))))
        if isinstance(target, dict) and target:
            key = data.draw(st.sampled_from(sorted(target)))
            action = data.draw(st.sampled_from(["replace", "delete", "add"]))
            if action == "replace":
                target[key] = data.draw(JSONISH)
            elif action == "delete":
                del target[key]
            else:
                target[
                    data.draw(
                        st.sampled_from(["next", "moves", "use", "outcome", "final", "colour", "every"])
                    )
                ] = data.draw(JSONISH)
        elif isinstance(target, list) and target:
            target[data.draw(st.integers(0, len(target) - 1))] = data.draw(JSONISH)
    reference_valid = not any(True for _ in REFERENCE.iter_errors(mutated))
    assert is_valid(mutated) == reference_valid
    found = check_schema(Document(original.path, mutated, original.root, original.text))
    assert (found == []) == reference_valid, "an invalid file must get at least one finding"


def test_the_fast_path_never_changes_the_data() -> None:
    data = copy.deepcopy(ORIGINALS[0].data)
    assert is_valid(data)
    assert data == ORIGINALS[0].data


def test_booleans_are_not_numbers_and_numbers_not_booleans() -> None:
    as_bool, as_number = copy.deepcopy(ORIGINALS[0].data), copy.deepcopy(ORIGINALS[0].data)
    as_bool["procflow"] = True  # equal to 1 in Python, not in JSON Schema
    as_number["states"]["done"]["final"] = 1
    for candidate in (as_bool, as_number):
        assert not is_valid(candidate)
        assert check_schema(Document("x.yaml", candidate, ORIGINALS[0].root))


# --- the generated validator's cache -------------------------------------------------------------


def test_generated_code_is_cached_and_reused(fresh_cache: Path) -> None:
    assert is_valid(ORIGINALS[0].data)
    stored = list(fresh_cache.glob("*.code"))
    assert len(stored) == 1 and stored[0].name.endswith(f".{sys.implementation.cache_tag}.code")
    written = stored[0].stat().st_mtime_ns
    schema_module.fast_validator.cache_clear()
    assert not is_valid({"procflow": 1})
    assert stored[0].stat().st_mtime_ns == written


def test_a_damaged_cache_file_is_regenerated(fresh_cache: Path) -> None:
    is_valid({})
    (stored,) = fresh_cache.glob("*.code")
    stored.write_bytes(b"\x00garbage")
    schema_module.fast_validator.cache_clear()
    assert is_valid(ORIGINALS[0].data) and not is_valid({})
    assert stored.read_bytes() != b"\x00garbage"


def test_the_shipped_validator_is_the_one_used() -> None:
    schema_module.fast_validator.cache_clear()
    try:
        assert schema_module.fast_validator().__module__ == "procflow.engine.schema.generated"
        assert is_valid(ORIGINALS[0].data) and not is_valid({"procflow": 1})
    finally:
        schema_module.fast_validator.cache_clear()


def test_an_unwritable_cache_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setattr(schema_module, "USE_SHIPPED", False)
    monkeypatch.setenv("PROCFLOW_CACHE_DIR", str(blocker))
    schema_module.fast_validator.cache_clear()
    try:
        assert is_valid(ORIGINALS[0].data) and not is_valid({})
    finally:
        schema_module.fast_validator.cache_clear()


def test_the_cached_fast_path_imports_neither_jsonschema_nor_fastjsonschema(tmp_path: Path) -> None:
    program = (
        "import sys\nimport procflow.engine.schema.check as s\n"
        "from procflow.engine.load.yamlio import load_yaml\n"
        f"assert s.check_schema(load_yaml({str(VALID[0])!r})) == []\n"
        "print(sorted(m for m in ('jsonschema', 'fastjsonschema', 'decimal') if m in sys.modules))\n"
    )
    env = {**os.environ, "PROCFLOW_CACHE_DIR": str(tmp_path)}
    run = [sys.executable, "-c", program]
    # with an empty cache too: the validator ships with procflow, nothing is generated
    assert subprocess.run(run, env=env, check=True, capture_output=True, text=True).stdout == "[]\n"
    assert subprocess.run(run, env=env, check=True, capture_output=True, text=True).stdout == "[]\n"


# --- the schema itself (STYLE 10) ----------------------------------------------------------------


def test_schema_is_valid_2020_12() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)


def test_schema_id_is_versioned() -> None:
    assert re.fullmatch(r"https://procflow\.dev/schemas/procedure/v\d+\.json", SCHEMA["$id"])
    assert SCHEMA["properties"]["procflow"]["const"] == int(SCHEMA["$id"].rsplit("/v", 1)[1].split(".")[0])


def test_every_object_shape_is_closed() -> None:
    for where, node in subschemas(SCHEMA):
        if "properties" in node:
            assert node.get("additionalProperties") is False, f"{where} allows unknown keys"
        if node.get("type") == "object" and "properties" not in node:
            assert (
                "additionalProperties" in node and "propertyNames" in node
            ) or "patternProperties" in node, f"{where} is a mapping without rules for its keys"


def test_every_property_and_definition_is_described() -> None:
    for where, node in subschemas(SCHEMA):
        for name, sub in node.get("properties", {}).items():
            assert sub.get("description"), f"{where}/properties/{name} has no description"
    for name, sub in DEFS.items():
        assert sub.get("description"), f"$defs/{name} has no description"


# Keywords that fastjsonschema (draft 7 rules) and jsonschema (2020-12) read the same way; a
# `$ref` beside other assertions would be ignored by the one and applied by the other.
SHARED_KEYWORDS = {
    "$schema",
    "$id",
    "$ref",
    "$defs",
    "title",
    "description",
    "type",
    "properties",
    "additionalProperties",
    "patternProperties",
    "propertyNames",
    "required",
    "items",
    "minItems",
    "uniqueItems",
    "minProperties",
    "minLength",
    "maxLength",
    "pattern",
    "enum",
    "const",
    "oneOf",
    "anyOf",
    "allOf",
    "not",
    "if",
    "then",
    "else",
    "minimum",
    "maximum",
}


def test_schema_uses_only_keywords_both_validators_share() -> None:
    for where, node in subschemas(SCHEMA):
        assert set(node) <= SHARED_KEYWORDS, f"{where} uses {set(node) - SHARED_KEYWORDS}"
        if "$ref" in node:
            assert set(node) <= {"$ref", "description"}, f"{where} puts assertions beside $ref"


DURATION_TOKENS = [
    "1",
    "15",
    "0",
    "1.5",
    " ",
    "s",
    "m",
    "h",
    "d",
    "w",
    "min",
    "minutes",
    "hours",
    "day",
    "weeks",
    "P",
    "T",
    "D",
    "H",
    "M",
    "S",
    "x",
    "{",
    "}",
    "wait",
]


@given(st.lists(st.sampled_from(DURATION_TOKENS), min_size=1, max_size=8).map("".join))
@settings(max_examples=500, deadline=None)
def test_a_duration_the_schema_accepts_is_one_the_engine_reads(text: str) -> None:
    if re.search(DEFS["duration"]["pattern"], text):  # a duration, or a `{param}` holding one
        assert re.fullmatch(r"\{[a-z][a-z0-9_]*\}", text) or parse_duration(text) >= 0


def test_the_duration_pattern_accepts_the_documented_forms() -> None:
    pattern = DEFS["duration"]["pattern"]
    for text in (
        "30 seconds",
        "1 minute",
        "15 minutes",
        "2 hours",
        "1 day",
        "1 week",
        "1h30m",
        "1h 30m",
        "90s",
        "PT15M",
        "P1D",
        "P1DT2H",
        "PT1.5S",
    ):
        assert re.search(pattern, text), text
    for text in ("soon", "P", "PT", "15", "minutes", "1 fortnight"):
        assert not re.search(pattern, text), text


# --- schema and model cannot drift ----------------------------------------------------------------

# schema shape -> (model class, schema property -> model field where the names differ)
COUNTERPARTS: dict[str, tuple[type[Any], dict[str, str]]] = {
    "#": (model.Procedure, {"procflow": "", "$model": "path"}),
    "state": (model.State, {"next": "routes", "$model": "name"}),
    "field": (model.Field, {"$model": "name option_labels"}),
    "route": (model.Route, {"otherwise": "when"}),
    "move": (model.Move, {}),
    "deadline": (
        model.Deadline,
        {
            "within": "kind duration",
            "before": "kind duration",
            "after": "kind duration",
            "every": "kind duration",
            "of": "anchor",
        },
    ),
    "use": (model.Use, {"returns": "returns return_ptrs"}),
    "item": (model.Item, {}),
    "phrase": (model.Phrase, {}),
    "note": (model.Note, {}),
    "question": (model.Question, {}),
    "workRule": (model.WorkRule, {}),
    "penalty": (model.Penalty, {}),
    "param": (model.Param, {"from": "shared", "$model": "name"}),
    "localizedText": (model.Text, {"$model": "values plain"}),
}


def _object_properties(name: str) -> set[str]:
    node = SCHEMA if name == "#" else DEFS[name]
    shapes = [node] + [o for o in node.get("oneOf", []) if "properties" in o]
    return {key for shape in shapes for key in shape.get("properties", {})}


@pytest.mark.parametrize("shape", sorted(COUNTERPARTS))
def test_schema_properties_and_model_fields_match(shape: str) -> None:
    cls, renamed = COUNTERPARTS[shape]
    fields = set(cls._fields) - {"ptr"}
    from_schema = set()
    for key in _object_properties(shape):
        from_schema.update(renamed.get(key, key).split())
    from_schema.update(renamed.get("$model", "").split())
    assert from_schema == fields, (
        f"schema {shape!r} and model {cls.__name__}: only in schema {sorted(from_schema - fields)}, "
        f"only in model {sorted(fields - from_schema)}"
    )


def test_every_object_shape_in_the_schema_has_a_model_counterpart() -> None:
    shapes = {name for name, node in DEFS.items() if _object_properties(name)}
    assert shapes <= set(COUNTERPARTS), f"no model class checked for {sorted(shapes - set(COUNTERPARTS))}"


def test_field_types_match_the_model() -> None:
    assert tuple(DEFS["field"]["properties"]["type"]["enum"]) == model.FIELD_TYPES


@pytest.mark.parametrize("path", sorted(procedures_dir().glob("*.yaml")), ids=lambda p: p.name)
def test_bundled_procedures_name_the_schema_for_editors(path: Path) -> None:
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first == "# yaml-language-server: $schema=../schemas/procedure.schema.json"
    assert (path.parent / first.split("=", 1)[1]).resolve() == schema_path().resolve()
