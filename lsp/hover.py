"""What hovering shows: for a state, move, item, field or parameter, its texts in every
language, the source clauses it cites (quoted from the clause index, `sources/`) and its
deadlines; for a finding, its rule's one-line summary and where the rules are documented.

Markdown text only; reads the clause index (kept while its files are unchanged). Pure otherwise.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path

from procflow.engine.authoring.trace import SEPARATOR, Clause, load_index
from procflow.engine.base.diagnostic import Diagnostic
from procflow.engine.model.procedure import Deadline, Procedure, State, Text
from procflow.engine.rules import REGISTRY, SITE_REGISTRY, all_rules
from procflow.engine.site import rules as _site_rules  # registers the site rules (C-codes)
from procflow.lsp.index import FIELD, ITEM, MOVE, PARAM, ROLE, STATE, Name

_REPOSITORY = Path(__file__).resolve().parent.parent  # docs/ sits here in a checkout, not in a wheel
_SITE_RULES = _site_rules.__name__


def describe(name: Name, procedure: Procedure, sources: Path) -> str:
    """Markdown for the node `name` names, or "" when there is nothing to say."""
    state = _state_of(name, procedure)
    out: list[str] = []
    if name.kind == STATE and name.name in procedure.states:
        target = procedure.states[name.name]
        out.append(f"**state** `{target.name}`" + (" (final)" if target.final else ""))
        out += _texts(target.title)
        if target.role:
            out.append(f"role: `{target.role}`")
        out += _clauses(target.source, sources)
        out += _deadlines(target, procedure)
    elif name.kind == MOVE and state is not None:
        move = next((m for m in state.moves if m.ptr == name.pointer), None)
        if move is not None:
            out.append(f"**move** `{move.id}` → `{move.to}`" + (f" when `{move.when}`" if move.when else ""))
            out += _texts(move.label)
            out += _clauses(move.source, sources)
            out += _deadlines(state, procedure)
    elif name.kind == ITEM and state is not None:
        item = next((i for i in state.do if i.ptr == name.pointer), None)
        if item is not None:
            out.append(f"**item** `{item.id}`" + (" (optional)" if item.optional else ""))
            out += _texts(item.text)
            out += _clauses(item.source, sources)
            out += _deadlines(state, procedure)
    elif name.kind == FIELD and name.name in procedure.fields:
        field = procedure.fields[name.name]
        out.append(f"**field** `{field.name}`: {field.type}" + (" (personal data)" if field.pii else ""))
        if field.options:
            out.append("options: " + ", ".join(f"`{o}`" for o in field.options))
        out += _texts(field.label)
        out += _clauses(field.source, sources)
    elif name.kind == PARAM and name.name in procedure.params:
        param = procedure.params[name.name]
        out.append(f"**parameter** `{param.name}` = `{param.default}`")
        out += _texts(param.description)
        out += _clauses(param.source, sources)
    elif name.kind == ROLE and name.name in procedure.roles:
        out.append(f"**role** `{name.name}`")
        out += _texts(procedure.roles[name.name])
    return "\n\n".join(out)


def explain(diagnostic: Diagnostic) -> str:
    """Markdown for a finding: its code, the rule's name and summary, and the docs page."""
    all_rules()
    found = REGISTRY.get(diagnostic.code) or SITE_REGISTRY.get(diagnostic.code)
    if found is not None:
        page = "docs/site.md" if found.code.startswith("C") else "docs/rules.md"
        anchor = f"{found.code}-{found.name}".lower() if page == "docs/rules.md" else "rules"
        return f"**{found.code}** `{found.name}`: {found.summary}\n\nsee {_link(page, anchor)}"
    page, what = _KINDS.get(diagnostic.code[:1], ("docs/rules.md", "a check"))
    return f"**{diagnostic.code}**: {what}\n\nsee {_link(page, '')}"


_KINDS = {
    "Y": ("docs/language.md", "the YAML text cannot be loaded as procflow reads it"),
    "S": ("docs/language.md", "the file does not match the procedure schema"),
    "T": ("docs/trace.md", "a source citation or the clause index"),
    "C": ("docs/site.md", "the site file"),
}


def _link(page: str, anchor: str) -> str:
    target = f"{page}#{anchor}" if anchor else page
    local = _REPOSITORY / page
    return (
        f"[{target}]({local.as_uri()}{'#' + anchor if anchor else ''})" if local.is_file() else f"`{target}`"
    )


def _state_of(name: Name, procedure: Procedure) -> State | None:
    parts = name.pointer.split("/")
    if len(parts) >= 3 and parts[1] == "states":
        return procedure.states.get(parts[2].replace("~1", "/").replace("~0", "~"))
    return None


def _texts(text: Text | None) -> list[str]:
    if text is None:
        return []
    if not text.values:
        return [text.plain or ""]
    return [f"{lang}: {value}" for lang, value in text.values.items()]


def _clauses(source: str | None, sources: Path) -> list[str]:
    if not source:
        return []
    clauses = _index(str(sources), _stamp(sources))
    out = []
    for part in source.split(SEPARATOR):
        clause_id = part.strip()
        clause = clauses.get(clause_id)
        if clause is None:
            out.append(f"source `{clause_id}`")
        else:
            out.append(
                f"source `{clause.id}`:\n> {clause.text.strip()}".replace("\n", "\n> ").replace("> >", ">")
            )
    return out


def _deadlines(state: State, procedure: Procedure) -> list[str]:
    return [f"due: {line}" for line in _deadline_lines(state.due, procedure)]


def _deadline_lines(due: tuple[Deadline, ...], procedure: Procedure) -> Iterator[str]:
    for deadline in due:
        length = deadline.duration
        param = procedure.params.get(deadline.param or "")
        if param is not None:
            length += f" ({param.default})"
        anchor = f" of `{deadline.anchor}`" if deadline.anchor else ""
        during = " (duty hours)" if deadline.during else ""
        text = f": {deadline.text.get('zh-Hant')} / {deadline.text.get('en')}" if deadline.text else ""
        yield f"`{deadline.id}` {deadline.kind} {length}{anchor}{during}{text}"


def _stamp(directory: Path) -> tuple[tuple[str, int], ...]:
    try:
        return tuple(sorted((e.name, e.stat().st_mtime_ns) for e in os.scandir(directory) if e.is_file()))
    except OSError:
        return ()


@functools.lru_cache(maxsize=4)
def _index(directory: str, stamp: tuple[tuple[str, int], ...]) -> dict[str, Clause]:
    """The clause index of `directory` by id, read again when a file in it changes (`stamp`)."""
    articles, _ = load_index(Path(directory))
    return {clause.id: clause for article in articles for clause in article.clauses}
