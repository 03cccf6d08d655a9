"""The Literal kinds of the typed runtime state agree with the schema and the documentation."""

from __future__ import annotations

import json
import re
from pathlib import Path

from procflow.engine.model.procedure import DEADLINE_KINDS
from procflow.engine.runtime.state import EVENT_KINDS, make_event

ROOT = Path(__file__).resolve().parent.parent


def test_the_deadline_kinds_are_those_the_schema_allows() -> None:
    schema = json.loads((ROOT / "schemas" / "procedure.schema.json").read_text(encoding="utf-8"))
    one_of = schema["$defs"]["deadline"]["oneOf"]
    assert sorted(DEADLINE_KINDS) == sorted(branch["required"][0] for branch in one_of)


def test_the_event_kinds_are_those_docs_engine_md_documents() -> None:
    text = (ROOT / "docs" / "engine.md").read_text(encoding="utf-8")
    table = text.split("## Events", 1)[1].split("\n\n", 3)[2]
    documented = re.findall(r"^\| `([a-z]+)` \|", table, flags=re.MULTILINE)
    assert sorted(documented) == sorted(EVENT_KINDS)


def test_an_event_has_every_common_key_and_its_own() -> None:
    event = make_event("note", "2026-03-09T09:00", "amy", None, {"note": "hi", "from": "stand"})
    assert event == {
        "kind": "note", "at": "2026-03-09T09:00", "actor": "amy", "role": None, "from": "stand",
        "to": None, "answers": None, "items": None, "move": None, "note": "hi",
    }  # fmt: skip
