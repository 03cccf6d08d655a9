"""The field-type registry (`engine.model.fields`): every declared type is registered whole, the
schema file agrees with it, and each type validates, runs, prompts and prints through the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import get_args

import pytest
import yaml
from click.testing import Result
from procflow.engine.model import fields
from procflow.engine.model.fields import TYPES, FieldTypeName, prompt_hint, type_label
from procflow.engine.schema.check import schema

Run = Callable[..., Result]


def test_the_literal_and_the_registry_name_the_same_types() -> None:
    assert get_args(FieldTypeName) == tuple(TYPES)
    assert tuple(TYPES) == fields.FIELD_TYPES
    assert all(kind.name == name for name, kind in TYPES.items())


@pytest.mark.parametrize("name", list(TYPES))
def test_every_type_is_registered_whole(name: str) -> None:
    kind = TYPES[name]
    assert set(kind.label) == set(fields.LANGUAGES), f"{name!r}: a label per language"
    assert all(kind.label.values()), f"{name!r}: an empty label"
    assert set(kind.hint) == set(fields.LANGUAGES), f"{name!r}: a prompt hint per language ('' for none)"
    assert kind.doc.startswith(f"`{name}`"), f"{name!r}: its schema description names it first"
    assert set(kind.requires) <= set(kind.keys) <= set(fields._KEYS), f"{name!r}: unknown extra keys"
    assert {"type", *kind.sample[0]} <= set(fields.field_schema()["properties"])
    for part in (kind.parse, kind.show, kind.describe):
        assert callable(part), f"{name!r}: {part!r} is not callable"


def test_every_extra_key_belongs_to_a_type() -> None:
    used = {key for kind in TYPES.values() for key in kind.keys}
    assert used == set(fields._KEYS)


def test_the_schema_file_lists_the_registered_types() -> None:
    in_file = schema()["$defs"]["field"]
    assert in_file["properties"]["type"]["enum"] == list(TYPES), "schemas/procedure.schema.json: field types"
    expected = json.dumps(fields.field_schema(), indent=2, ensure_ascii=False)
    assert in_file == fields.field_schema(), (
        f"set $defs/field in schemas/procedure.schema.json to\n{expected}"
    )


def test_a_type_the_schema_lacks_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The failure a new, half-added type used to cause: it validated, then crashed `run`."""
    extra = dict(TYPES)
    extra["colour"] = TYPES["text"]
    monkeypatch.setattr(fields, "TYPES", extra)
    assert schema()["$defs"]["field"] != fields.field_schema()


def write_procedure(tmp_path: Path, name: str) -> Path:
    declaration, _ = TYPES[name].sample
    data = {
        "procflow": 1,
        "id": f"sample-{name}",
        "title": {"zh-Hant": "試", "en": "Try"},
        "fields": {"f": {"type": name, "label": {"zh-Hant": "問", "en": "Question"}, **declaration}},
        "initial": "ask",
        "states": {
            "ask": {"title": {"zh-Hant": "問", "en": "Ask"}, "ask": ["f"], "next": "done"},
            "done": {"final": True},
        },
    }
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", list(TYPES))
def test_every_type_validates_runs_prompts_and_prints(run_cli: Run, tmp_path: Path, name: str) -> None:
    path = write_procedure(tmp_path, name)
    _, answer = TYPES[name].sample
    checked = run_cli("validate", str(path))
    assert checked.exit_code == 0, checked.output
    script = tmp_path / "answers.yaml"
    script.write_text(yaml.safe_dump({"answers": {"f": answer}}, allow_unicode=True), encoding="utf-8")
    scripted = run_cli("run", str(path), "--answers", str(script), "--json")
    assert scripted.exit_code == 0, scripted.output
    assert json.loads(scripted.stdout.splitlines()[-1])["status"] == "finished"
    for lang in fields.LANGUAGES:
        typed = run_cli("run", str(path), "--lang", lang, input=f"{answer}\n")
        assert typed.exit_code == 0, typed.output
        assert f"({prompt_hint(name, lang)})" in typed.stdout
        shown = run_cli("show", f"sample-{name}", "--dir", str(tmp_path), "--lang", lang)
        assert shown.exit_code == 0, shown.output
        assert f"(f): {type_label(name, lang)}" in shown.stdout


def test_prompt_hints_keep_their_words() -> None:
    assert prompt_hint("bool", "en") == "yes/no, y/n"
    assert prompt_hint("bool", "zh-Hant") == "是/否, y/n"
    assert prompt_hint("text", "zh-Hant") == "文字"
    assert prompt_hint("duration", "fr") == "duration, e.g. 15 minutes"  # other languages read English
