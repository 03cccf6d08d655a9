"""What project rules need of a checked procedure, small enough to keep for thousands of files.

A digest is the part of a procedure's data that project rules read: its id, parameter names
and defaults (or the procedure a shared one comes `from`), its fields' types and options (a used procedure hands answers back), the states
that use another procedure and the final states with their outcomes,
as compact JSON (a few hundred bytes). It is cached with the file's result and rebuilt into a
model whose document reads the file again only if a project rule reports something in it.
Nothing here checks anything.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from procflow.engine.load.yamlio import DEFAULT_MAX_BYTES, Document, LoadError, load_yaml, load_yaml_bytes
from procflow.engine.model.procedure import build_procedure
from procflow.engine.rules import Checked

if TYPE_CHECKING:
    from procflow.engine.rules import Checked

# A test checks that project rules find the same with digests as with whole procedures.
_STATE_KEYS = ("use", "outcomes", "final", "outcome")


def make_digest(data: dict[str, Any]) -> str:
    """The digest of schema-valid procedure data."""
    params = data.get("params", {})
    digest = {
        "id": data["id"],
        "title": data["id"],  # the model wants one; no project rule shows it
        "initial": data["initial"],
        "params": {name: _param_digest(v) for name, v in params.items()},
        "fields": {
            name: {"type": f["type"], **({"options": list(f["options"])} if "options" in f else {})}
            for name, f in data.get("fields", {}).items()
        },
        "states": {
            name: {key: state[key] for key in _STATE_KEYS if key in state}
            for name, state in data["states"].items()
            if "use" in state or "final" in state
        },
    }
    return json.dumps(digest, ensure_ascii=False, separators=(",", ":"))


def _param_digest(value: Any) -> Any:
    """A parameter's default, or `{"from": ID}` for one shared from another procedure."""
    if isinstance(value, dict):
        return {"from": value["from"]} if "from" in value else value.get("default")
    return value


def is_digest(text: str) -> bool:
    """Whether `text` has the shape `make_digest` gives (a cached one may have been damaged)."""
    try:
        digest = json.loads(text)
        names = (digest["id"], digest["title"], digest["initial"])
        params, states, fields = digest["params"], digest["states"], digest["fields"]
    except (ValueError, TypeError, KeyError):
        return False
    return (
        all(isinstance(name, str) for name in names)
        and isinstance(fields, dict)
        and all(isinstance(f, dict) and isinstance(f.get("type"), str) for f in fields.values())
        and isinstance(params, dict)
        and all(v is None or isinstance(v, str | int | float | bool) or _shared(v) for v in params.values())
        and isinstance(states, dict)
        and all(isinstance(state, dict) and _sound_state(state) for state in states.values())
    )


def _shared(value: object) -> bool:
    return isinstance(value, dict) and set(value) == {"from"} and isinstance(value["from"], str)


def _sound_state(state: dict[str, Any]) -> bool:
    use, outcomes = state.get("use", {"procedure": ""}), state.get("outcomes", {})
    return (
        set(state) <= set(_STATE_KEYS)
        and isinstance(use, dict)
        and isinstance(use.get("procedure"), str)
        and isinstance(use.get("params", {}), dict)
        and isinstance(outcomes, dict)
        and all(isinstance(v, str) for v in outcomes.values())
        and isinstance(state.get("outcome", ""), str)
        and state.get("final", True) is True
    )


def checked_from_digest(path: str, digest: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Checked:
    """A `Checked` for project rules: the digest's model and the file's deferred document."""
    return Checked(build_procedure(json.loads(digest), path), DeferredDocument(path, max_bytes))


class DeferredDocument(Document):
    """A file checked earlier (maybe in another process, maybe in an earlier run): its node tree
    is read again only when asked for, so memory stays flat however many files are checked."""

    _max_bytes: int
    _full: Document | None

    def __init__(self, path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "_max_bytes", max_bytes)
        object.__setattr__(self, "_full", None)

    def _load(self) -> Document:
        full = self._full
        if full is None:
            try:
                full = load_yaml(self.path, max_bytes=self._max_bytes)
            except LoadError:  # changed or removed since it was checked: positions become 1:1
                full = load_yaml_bytes(b"{}", self.path)
            object.__setattr__(self, "_full", full)
        return full

    @property
    def data(self) -> Any:
        return self._load().data

    @property
    def root(self) -> Any:
        return self._load().root

    @property
    def text(self) -> str:
        return self._load().text

    def locate(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        return self._load().locate(pointer, key=key)

    def child(self, node: Any, part: str) -> Any:
        # the loaded document keeps the index of its large mappings; this one has none of its own
        return self._load().child(node, part)
