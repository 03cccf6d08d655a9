"""The shipped fast validator (engine/schema/generated.py) is held to its behaviour, not its text.

Its text embeds the fastjsonschema version that wrote it, and fastjsonschema is not pinned, so
comparing text would fail on every new release. Instead: it must have been made from the
current schema, carry none of the generator's slow parts (`unpatched`), and answer exactly as
jsonschema does on every YAML document in the repository and on random mutations of the valid
ones; so must a validator generated now with whatever fastjsonschema is installed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import procflow.engine.schema.check as schema_module
import procflow.engine.schema.generated as shipped
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from procflow.engine.load.yamlio import Document, LoadError, load_yaml
from procflow.engine.schema.check import check_schema, is_valid, schema, shipped_key, unpatched

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = Draft202012Validator(schema())
Validator = Callable[[Any], Any]


def _documents() -> list[Document]:
    """Every YAML file of the repository that loads: procedures, fixtures (many invalid on
    purpose), examples, scenarios and site files (which a procedure validator must refuse)."""
    found = []
    for path in sorted(ROOT.glob("*/**/*.yaml")):
        if path.relative_to(ROOT).parts[0].startswith("."):
            continue
        try:
            found.append(load_yaml(path))
        except LoadError:  # the loader's own fixtures: nothing reaches the schema
            continue
    return found


DOCUMENTS = _documents()
VALID = [d for d in DOCUMENTS if REFERENCE.is_valid(d.data)]


def answer(
    validator: Validator, data: Any, invalid: tuple[type[Exception], ...] = (schema_module._Invalid,)
) -> bool:
    """The validator's verdict; any exception but `invalid` fails the test."""
    try:
        validator(data)
    except invalid:
        return False
    return True


def reference(data: Any) -> bool:
    return not any(True for _ in REFERENCE.iter_errors(data))


@pytest.fixture
def generated_now(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Validator]:
    """The validator generated with the installed fastjsonschema (as a run does when the shipped
    one is stale), not the shipped one."""
    monkeypatch.setenv("PROCFLOW_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(schema_module, "USE_SHIPPED", False)
    schema_module.fast_validator.cache_clear()
    yield schema_module.fast_validator()
    schema_module.fast_validator.cache_clear()


def test_the_shipped_validator_was_made_from_this_schema() -> None:
    assert shipped_key() == shipped.SCHEMA_KEY, (
        "engine/schema/generated.py was made from another schema: run `python -m procflow.engine.schema.check`"
    )


def test_the_shipped_validator_is_fully_patched() -> None:
    assert unpatched(schema_module.SHIPPED_MODULE.read_text(encoding="utf-8")) == []


def test_unpatched_names_what_the_generator_writes_and_the_patches_remove() -> None:
    raw = (  # the shapes fastjsonschema writes (2.19 to 2.22)
        "from decimal import Decimal\n"
        "import re\n"
        "from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException\n"
        "def validate(data, custom_formats={}, name_prefix=None):\n"
        "    if not isinstance(data, (dict)):\n"
        '        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", '
        'value=data, name="" + (name_prefix or "data") + "", definition={}, rule=\'type\')\n'
        '    validate_x(data["id"], custom_formats, (name_prefix or "data") + ".id")\n'
        '    validate_x(data[k], custom_formats, (name_prefix or "data") + ".{data_key}".format(**locals()))\n'
        # `not: {required: [next, moves]}`, then an `anyOf` alternative `{required: [use]}`
        + _tried_required("    ", "['next', 'moves']", "", " pass\n    else:\n")
        + '        raise JsonSchemaValueException("" + (name_prefix or "data") + " must NOT match", rule=\'not\')\n'
        + "    data_any_of_count1 = 0\n"
        + _tried_required("    ", "['use']", "        data_any_of_count1 += 1\n", " pass\n")
    )
    assert unpatched(raw) == [
        "an import of fastjsonschema",
        "an import of decimal",
        "a detailed exception",
        "a message path built on every call",
        "a required-only subschema tried by raising",
    ]
    patched = raw
    for _what, pattern, replacement in schema_module._PATCHES:
        patched = pattern.sub(replacement, patched)
    assert unpatched(patched) == []
    assert "        raise JsonSchemaValueException\n" in patched
    assert 'validate_x(data["id"], custom_formats, None)' in patched
    assert patched.endswith(
        "    if not isinstance(data, dict) or ('next' in data and 'moves' in data):\n"
        "        raise JsonSchemaValueException\n"
        "    data_any_of_count1 = 0\n"
        "    if not isinstance(data, dict) or ('use' in data):\n"
        "        data_any_of_count1 += 1\n"
    )


def _tried_required(indent: str, keys: str, counted: str, after_except: str) -> str:
    """fastjsonschema's trial of a `{"required": keys}` subschema, as it writes it."""
    return (
        f"{indent}try:\n"
        f"{indent}    data_is_dict = isinstance(data, dict)\n"
        f"{indent}    if data_is_dict:\n"
        f"{indent}        data__missing_keys = set({keys}) - data.keys()\n"
        f"{indent}        if data__missing_keys:\n"
        f'{indent}            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain", rule=\'required\')\n'
        f"{counted}"
        f"{indent}except (JsonSchemaValueException, JsonSchemaValuesException):{after_except}"
    )


def test_the_repository_holds_valid_and_invalid_documents() -> None:
    assert len(VALID) >= 20 and len(DOCUMENTS) - len(VALID) >= 20  # the comparisons below mean something


def test_the_shipped_validator_agrees_with_jsonschema_on_every_document() -> None:
    disagree = [d.path for d in DOCUMENTS if answer(shipped._procflow_validate, d.data) != reference(d.data)]
    assert disagree == []


def test_a_validator_generated_now_agrees_with_jsonschema_on_every_document(generated_now: Validator) -> None:
    import fastjsonschema

    assert generated_now.__module__ != shipped.__name__
    # fastjsonschema's own exception, should a release write its import so that a patch misses it:
    # is_valid then asks jsonschema, so the answer stays right and only costs time.
    invalid = (schema_module._Invalid, fastjsonschema.JsonSchemaValueException)
    disagree = [d.path for d in DOCUMENTS if answer(generated_now, d.data, invalid) != reference(d.data)]
    assert disagree == []


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=6)
    | st.sampled_from(
        [
            "stand",
            "done",
            "zh-Hant",
            "en",
            "choice",
            "text",
            "15 minutes",
            "PT15M",
            "{org_name}",
            "state:done",
            "x" * 90,
        ]
    )
)
KEYS = st.sampled_from(
    [
        "to",
        "when",
        "otherwise",
        "id",
        "text",
        "type",
        "zh-Hant",
        "en",
        "final",
        "of",
        "every",
        "within",
        "next",
        "moves",
        "use",
        "outcome",
        "outcomes",
        "ask",
        "do",
        "say",
        "due",
        "role",
        "options",
        "procedure",
        "params",
    ]
) | st.text(min_size=1, max_size=4)
JSONISH = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=8,
)


def _containers(node: Any) -> Iterator[Any]:
    if isinstance(node, (dict, list)):
        yield node
        for child in node.values() if isinstance(node, dict) else node:
            yield from _containers(child)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_shipped_validator_agrees_with_jsonschema_on_mutations(data: st.DataObject) -> None:
    mutated = copy.deepcopy(data.draw(st.sampled_from(VALID)).data)
    for _ in range(data.draw(st.integers(1, 4))):
        target = data.draw(st.sampled_from(list(_containers(mutated))))
        if isinstance(target, dict):
            action = data.draw(st.sampled_from(["replace", "delete", "add"] if target else ["add"]))
            if action == "add":
                target[data.draw(KEYS)] = data.draw(JSONISH)
            else:
                key = data.draw(st.sampled_from(sorted(target)))
                if action == "replace":
                    target[key] = data.draw(JSONISH)
                else:
                    del target[key]
        elif target:
            target[data.draw(st.integers(0, len(target) - 1))] = data.draw(JSONISH)
        else:
            target.append(data.draw(JSONISH))
    if any(isinstance(s, str) and s.endswith("\n") for s in _strings(mutated)):
        return  # the one known difference: see the test below
    assert answer(shipped._procflow_validate, mutated) == reference(mutated)


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def test_a_trailing_newline_is_the_one_difference_and_jsonschema_decides() -> None:
    """fastjsonschema reads a pattern's `$` as the end of the text (as JSON Schema's ECMA-262
    regexes do); jsonschema uses Python's, which also matches before a final newline. The fast
    path only answers "valid" for sure: on its "invalid", check_schema asks jsonschema, so a
    user gets jsonschema's answer either way."""
    data = copy.deepcopy(next(d for d in VALID if d.path.endswith("visitor.yaml")).data)
    data["id"] += "\n"
    assert not answer(shipped._procflow_validate, data) and reference(data)
    assert not is_valid(data)
    assert check_schema(Document("x.yaml", data, None)) == []
