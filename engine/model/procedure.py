"""The typed, immutable procedure model between checked YAML data and the runtime.

`build_procedure` expects data that passed the schema check; it normalises shorthands
(a text as a string, an item as a text, `next` as a string) so rules and the engine see one
shape. Each node keeps its JSON pointer; `Document.locate` turns that into line:col.
The nodes are typed named tuples: immutable like frozen dataclasses, but a class costs a tenth
to create at import (every `procflow run` pays it before its first prompt) and a node less to build.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal, NamedTuple, get_args

from procflow.engine.model.fields import FIELD_TYPES as FIELD_TYPES
from procflow.engine.model.fields import FieldTypeName

DEFAULT_LANGUAGES = ("zh-Hant", "en")
EMPTY: Mapping[str, Any] = MappingProxyType({})  # the default of every mapping: shared, immutable


class Text(NamedTuple):
    """Text per language; `plain` holds a string given without a language."""

    values: Mapping[str, str]
    plain: str | None = None
    original: str | None = None
    ptr: str = ""

    def get(self, lang: str) -> str:
        """The text in `lang`, else the plain text, else the first language given."""
        if lang in self.values:
            return self.values[lang]
        if self.plain is not None:
            return self.plain
        return next(iter(self.values.values()), "")

    def all_strings(self) -> tuple[str, ...]:
        return tuple(self.values.values()) + ((self.plain,) if self.plain is not None else ())


class Note(NamedTuple):
    text: Text
    kind: str = "info"
    source: str | None = None
    ptr: str = ""


class Param(NamedTuple):
    """`default` None: no default, a value only a site (or a calling procedure) sets. `shared`:
    the id of the procedure that declares it (`from:`), whose default and site value it takes."""

    name: str
    default: str | int | float | bool | None
    description: Text | None = None
    source: str | None = None
    ptr: str = ""
    shared: str | None = None


class Field(NamedTuple):
    """A declared answer; what its `type` accepts, shows and prints is registered in `model.fields`."""

    name: str
    type: FieldTypeName
    label: Text | None = None
    help: Text | None = None
    options: tuple[str, ...] = ()
    option_labels: Mapping[str, Text] = EMPTY
    pattern: str | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = False
    pii: bool = False
    source: str | None = None
    ptr: str = ""
    default: str | None = None  # `now` for a date-time: what an empty answer means


class Item(NamedTuple):
    """`when`: a guard; the item applies only while it holds. `after` is `ask` when the item
    comes after the questions of its state."""

    id: str
    text: Text
    source: str | None = None
    optional: bool = False
    note: Note | None = None
    ptr: str = ""
    when: str | None = None
    after: str | None = None


class Phrase(NamedTuple):
    """`when`: a guard; the phrase is shown only while it holds."""

    text: Text
    source: str | None = None
    note: Note | None = None
    ptr: str = ""
    when: str | None = None


class Question(NamedTuple):
    field: str
    required: bool = True
    source: str | None = None
    ptr: str = ""


class Route(NamedTuple):
    """An automatic move; `when is None` marks the `otherwise` route."""

    to: str
    when: str | None = None
    priority: int = 0
    note: Note | None = None
    ptr: str = ""


class Move(NamedTuple):
    id: str
    to: str
    label: Text | None = None
    when: str | None = None
    source: str | None = None
    note: Note | None = None
    ptr: str = ""


class Use(NamedTuple):
    """`returns` maps a field of the sub-procedure to the field of this one that takes its answer."""

    procedure: str
    params: Mapping[str, str | int | float | bool] = EMPTY
    ptr: str = ""
    returns: Mapping[str, str] = EMPTY
    return_ptrs: Mapping[str, str] = EMPTY  # by their field


DeadlineKind = Literal["within", "before", "after", "every"]
DEADLINE_KINDS: tuple[DeadlineKind, ...] = get_args(DeadlineKind)  # the keys that say a deadline's kind


class Deadline(NamedTuple):
    """`anchor` is a field, `state:NAME` or None; `duration` is a duration or `{param}`; `during`
    is `duty_hours` to count duty time only."""

    id: str
    kind: DeadlineKind
    duration: str
    anchor: str | None = None
    text: Text | None = None
    source: str | None = None
    ptr: str = ""
    during: str | None = None
    reminder: bool = False  # a moment that calls for another path: on the agenda, never a breach
    follow_up: bool = False  # outlives its state: on the agenda after the instance moves on, until done

    @property
    def param(self) -> str | None:
        """The parameter holding the duration, when it is written `{name}`."""
        text = self.duration.strip()
        return text[1:-1] if text.startswith("{") and text.endswith("}") else None


class State(NamedTuple):
    name: str
    title: Text | None = None
    role: str | None = None
    source: str | None = None
    notes: tuple[Note, ...] = ()
    do: tuple[Item, ...] = ()
    say: tuple[Phrase, ...] = ()
    ask: tuple[Question, ...] = ()
    due: tuple[Deadline, ...] = ()
    use: Use | None = None
    routes: tuple[Route, ...] = ()
    outcomes: Mapping[str, str] = EMPTY
    moves: tuple[Move, ...] = ()
    final: bool = False
    outcome: str | None = None
    ptr: str = ""

    @property
    def targets(self) -> tuple[str, ...]:
        """Every state this one can move to, in declaration order."""
        return (
            tuple(r.to for r in self.routes) + tuple(m.to for m in self.moves) + tuple(self.outcomes.values())
        )

    @property
    def result(self) -> str:
        """The outcome a final state reports."""
        return self.outcome or self.name


class WorkRule(NamedTuple):
    id: str
    text: Text
    source: str | None = None
    ptr: str = ""


class Penalty(NamedTuple):
    id: str
    min_count: int | str
    period: str
    text: Text
    source: str | None = None
    note: Note | None = None
    ptr: str = ""


class Procedure(NamedTuple):
    id: str
    title: Text
    initial: str
    states: Mapping[str, State]
    description: Text | None = None
    source: str | None = None
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    params: Mapping[str, Param] = EMPTY
    roles: Mapping[str, Text] = EMPTY
    fields: Mapping[str, Field] = EMPTY
    notes: tuple[Note, ...] = ()
    work_rules: tuple[WorkRule, ...] = ()
    penalties: tuple[Penalty, ...] = ()
    path: str = ""

    @property
    def outcomes(self) -> tuple[str, ...]:
        """The outcomes of the final states, in declaration order, each once."""
        return tuple(dict.fromkeys(s.result for s in self.states.values() if s.final))

    def param_defaults(self) -> dict[str, str | int | float | bool]:
        return {name: p.default for name, p in self.params.items() if p.default is not None}

    def needs(self) -> list[str]:
        """The ids of the procedures this one runs (`use`) or shares a parameter `from`, in order,
        each once: what must be loaded with it."""
        used = [s.use.procedure for s in self.states.values() if s.use is not None]
        shared = [p.shared for p in self.params.values() if p.shared is not None]
        return list(dict.fromkeys(used + shared))


def build_procedure(data: Mapping[str, Any], path: str = "") -> Procedure:
    """Build the model from schema-valid data."""
    states = {name: _state(name, raw, f"/states/{_esc(name)}") for name, raw in data["states"].items()}
    return Procedure(
        id=data["id"],
        title=build_text(data["title"], "/title"),
        initial=data["initial"],
        states=MappingProxyType(states),
        description=_opt_text(data.get("description"), "/description"),
        source=data.get("source"),
        languages=tuple(data.get("languages", DEFAULT_LANGUAGES)),
        params=MappingProxyType({n: _param(n, v, f"/params/{n}") for n, v in data.get("params", {}).items()}),
        roles=MappingProxyType({n: build_text(v, f"/roles/{n}") for n, v in data.get("roles", {}).items()}),
        fields=MappingProxyType({n: _field(n, v, f"/fields/{n}") for n, v in data.get("fields", {}).items()}),
        notes=tuple(_note(n, f"/notes/{i}") for i, n in enumerate(data.get("notes", []))),
        work_rules=tuple(
            WorkRule(
                r["id"], build_text(r["text"], f"/work_rules/{i}/text"), r.get("source"), f"/work_rules/{i}"
            )
            for i, r in enumerate(data.get("work_rules", []))
        ),
        penalties=tuple(_penalty(p, f"/penalties/{i}") for i, p in enumerate(data.get("penalties", []))),
        path=path,
    )


def build_text(raw: Any, ptr: str) -> Text:
    if isinstance(raw, str):
        return Text(MappingProxyType({}), plain=raw, ptr=ptr)
    values = {k: v for k, v in raw.items() if k != "original"}
    return Text(MappingProxyType(values), original=raw.get("original"), ptr=ptr)


def _opt_text(raw: Any, ptr: str) -> Text | None:
    return None if raw is None else build_text(raw, ptr)


def _is_text(raw: Any) -> bool:
    """A text (string or language mapping) rather than an object with a `text` key."""
    return isinstance(raw, str) or "text" not in raw


def _note(raw: Any, ptr: str) -> Note:
    if _is_text(raw):
        return Note(build_text(raw, ptr), ptr=ptr)
    return Note(build_text(raw["text"], ptr + "/text"), raw.get("kind", "info"), raw.get("source"), ptr)


def _opt_note(raw: Any, ptr: str) -> Note | None:
    return None if raw is None else _note(raw, ptr)


def _param(name: str, raw: Any, ptr: str) -> Param:
    if isinstance(raw, dict) and "from" in raw:
        return Param(name, None, ptr=ptr, shared=raw["from"])
    if isinstance(raw, dict):
        return Param(
            name,
            raw.get("default"),
            _opt_text(raw.get("description"), ptr + "/description"),
            raw.get("source"),
            ptr,
        )
    return Param(name, raw, ptr=ptr)


def _field(name: str, raw: Mapping[str, Any], ptr: str) -> Field:
    options = raw.get("options", ())
    labels: dict[str, Text] = {}
    if isinstance(options, dict):
        labels = {k: build_text(v, f"{ptr}/options/{k}") for k, v in options.items()}
    return Field(
        name=name,
        type=raw["type"],
        label=_opt_text(raw.get("label"), ptr + "/label"),
        help=_opt_text(raw.get("help"), ptr + "/help"),
        options=tuple(options),
        option_labels=MappingProxyType(labels),
        pattern=raw.get("pattern"),
        min=raw.get("min"),
        max=raw.get("max"),
        integer=bool(raw.get("integer", False)),
        pii=bool(raw.get("pii", False)),
        source=raw.get("source"),
        ptr=ptr,
        default=raw.get("default"),
    )


def _state(name: str, raw: Mapping[str, Any], ptr: str) -> State:
    if not raw:  # `name: {}`: nothing to build (a draft file may hold thousands)
        return State(name, ptr=ptr)
    next_ = raw.get("next")
    if isinstance(next_, str):
        routes: tuple[Route, ...] = (Route(to=next_, ptr=ptr + "/next"),)
    else:
        routes = tuple(
            Route(
                r["to"],
                r.get("when"),
                r.get("priority", 0),
                _opt_note(r.get("note"), f"{ptr}/next/{i}/note"),
                f"{ptr}/next/{i}",
            )
            for i, r in enumerate(next_ or ())
        )
    use = raw.get("use")
    return State(
        name=name,
        title=_opt_text(raw.get("title"), ptr + "/title"),
        role=raw.get("role"),
        source=raw.get("source"),
        notes=tuple(_note(n, f"{ptr}/notes/{i}") for i, n in enumerate(raw.get("notes", []))),
        do=tuple(_item(it, i, f"{ptr}/do/{i}") for i, it in enumerate(raw.get("do", []))),
        say=tuple(_phrase(p, f"{ptr}/say/{i}") for i, p in enumerate(raw.get("say", []))),
        ask=tuple(_question(q, f"{ptr}/ask/{i}") for i, q in enumerate(raw.get("ask", []))),
        due=tuple(_deadline(d, f"{ptr}/due/{i}") for i, d in enumerate(raw.get("due", []))),
        use=None if use is None else _use(use, ptr + "/use"),
        routes=routes,
        outcomes=MappingProxyType(dict(raw.get("outcomes", {}))),
        moves=tuple(
            Move(
                m["id"],
                m["to"],
                _opt_text(m.get("label"), f"{ptr}/moves/{i}/label"),
                m.get("when"),
                m.get("source"),
                _opt_note(m.get("note"), f"{ptr}/moves/{i}/note"),
                f"{ptr}/moves/{i}",
            )
            for i, m in enumerate(raw.get("moves", []))
        ),
        final=bool(raw.get("final", False)),
        outcome=raw.get("outcome"),
        ptr=ptr,
    )


def _use(raw: Mapping[str, Any], ptr: str) -> Use:
    returns = raw.get("returns", {})
    if isinstance(returns, list):
        ptrs = {name: f"{ptr}/returns/{i}" for i, name in enumerate(returns)}
        returns = {name: name for name in returns}
    else:
        ptrs = {name: f"{ptr}/returns/{name}" for name in returns}
    return Use(
        raw["procedure"],
        MappingProxyType(dict(raw.get("params", {}))),
        ptr,
        MappingProxyType(dict(returns)),
        MappingProxyType(ptrs),
    )


def _item(raw: Any, index: int, ptr: str) -> Item:
    if _is_text(raw):
        return Item(str(index + 1), build_text(raw, ptr), ptr=ptr)
    return Item(
        raw.get("id", str(index + 1)),
        build_text(raw["text"], ptr + "/text"),
        raw.get("source"),
        bool(raw.get("optional", False)),
        _opt_note(raw.get("note"), ptr + "/note"),
        ptr,
        raw.get("when"),
        raw.get("after"),
    )


def _phrase(raw: Any, ptr: str) -> Phrase:
    if _is_text(raw):
        return Phrase(build_text(raw, ptr), ptr=ptr)
    return Phrase(
        build_text(raw["text"], ptr + "/text"),
        raw.get("source"),
        _opt_note(raw.get("note"), ptr + "/note"),
        ptr,
        raw.get("when"),
    )


def _question(raw: Any, ptr: str) -> Question:
    if isinstance(raw, str):
        return Question(raw, ptr=ptr)
    return Question(raw["field"], bool(raw.get("required", True)), raw.get("source"), ptr)


def _deadline(raw: Mapping[str, Any], ptr: str) -> Deadline:
    kind = next(k for k in DEADLINE_KINDS if k in raw)
    return Deadline(
        raw["id"],
        kind,
        raw[kind],
        raw.get("of"),
        _opt_text(raw.get("text"), ptr + "/text"),
        raw.get("source"),
        ptr,
        raw.get("during"),
        raw.get("reminder") is True,
        raw.get("follow_up") is True,
    )


def _penalty(raw: Mapping[str, Any], ptr: str) -> Penalty:
    return Penalty(
        raw["id"],
        raw["min_count"],
        raw["period"],
        build_text(raw["text"], ptr + "/text"),
        raw.get("source"),
        _opt_note(raw.get("note"), ptr + "/note"),
        ptr,
    )


def _esc(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")
