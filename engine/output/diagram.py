"""A procedure as a diagram: Mermaid (renders on GitHub) or Graphviz DOT.

Every state and every way out of it becomes a node and an edge: automatic routes (with their
guard, or `otherwise`), moves the operator chooses, and the outcomes of a sub-procedure.
Pure text generation from the model; labels are escaped for each format here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from procflow.engine.model.procedure import Procedure, State
from procflow.engine.model.text import render
from procflow.engine.output.labels import words

ROUTE, OTHERWISE, MOVE, OUTCOME = "route", "otherwise", "move", "outcome"


def legend(thin: str, dotted: str, thick: str) -> str:
    return (
        f"{thin} arrows: automatic routes, labelled with their guard; {dotted}: otherwise; "
        f"{thick}: moves the operator chooses; `outcome: NAME`: the result of a sub-procedure"
    )


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str
    label: str


def edges(procedure: Procedure, lang: str) -> Iterator[Edge]:
    """Every way out of every state, in declaration order."""
    params = procedure.param_defaults()
    otherwise = words(lang)["otherwise"]
    for state in procedure.states.values():
        for route in state.routes:
            if route.when is not None:
                label = route.when if not route.priority else f"{route.when} (priority {route.priority})"
                yield Edge(state.name, route.to, ROUTE, label)
            elif len(state.routes) > 1:
                yield Edge(state.name, route.to, OTHERWISE, otherwise)
            else:
                yield Edge(state.name, route.to, ROUTE, "")
        for move in state.moves:
            label = render(move.label, lang, params) if move.label is not None else move.id
            if move.when is not None:
                label += f" [{move.when}]"
            yield Edge(state.name, move.to, MOVE, label)
        for outcome, target in state.outcomes.items():
            yield Edge(state.name, target, OUTCOME, f"outcome: {outcome}")


def node_label(procedure: Procedure, state: State, lang: str) -> tuple[str, str]:
    """The state's title in `lang` (its id when it has none) and a second line: id, sub-procedure, outcome."""
    title = render(state.title, lang, procedure.param_defaults()) if state.title is not None else state.name
    detail = state.name if state.title is not None else ""
    if state.use is not None:
        detail = f"{detail} ▸ {state.use.procedure}".strip()
    if state.final and state.result != state.name:
        detail = f"{detail} ⇒ {state.result}".strip()
    return title, detail


# --- Mermaid ------------------------------------------------------------------------------

# Mermaid decodes `#name;` and `#123;` entity codes in labels; quotes, brackets and CJK then need no
# other care inside a quoted label.
_MERMAID_ENTITIES = {
    '"': "#quot;",
    "#": "#35;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "`": "#96;",
    "|": "#124;",
}


def mermaid_text(text: str) -> str:
    """Text safe inside a double-quoted Mermaid label (entity codes, one line)."""
    flat = " ".join(text.split())
    return "".join(_MERMAID_ENTITIES.get(c, c) for c in flat)


def to_mermaid(procedure: Procedure, lang: str) -> str:
    """A `flowchart` GitHub renders; node ids are `s_` + the state id, so no id is a Mermaid keyword."""
    lines = ["flowchart TD", f"    %% {procedure.id}: {legend('thin', 'dotted', 'thick')}"]
    lines.append(f'    start(("{mermaid_text(words(lang)["start"])}")) --> s_{procedure.initial}')
    for state in procedure.states.values():
        title, detail = node_label(procedure, state, lang)
        label = mermaid_text(title) + (f"<br/>{mermaid_text(detail)}" if detail else "")
        if state.final:
            shape = f'((("{label}")))'
        elif state.use is not None:
            shape = f'[["{label}"]]'
        else:
            shape = f'["{label}"]'
        lines.append(f"    s_{state.name}{shape}")
    arrows = {ROUTE: "-->", OTHERWISE: "-.->", MOVE: "==>", OUTCOME: "-->"}
    for edge in edges(procedure, lang):
        label = f'|"{mermaid_text(edge.label)}"|' if edge.label else ""
        lines.append(f"    s_{edge.source} {arrows[edge.kind]}{label} s_{edge.target}")
    finals = [f"s_{s.name}" for s in procedure.states.values() if s.final]
    if finals:
        lines.append("    classDef final stroke-width:3px")
        lines.append(f"    class {','.join(finals)} final")
    return "\n".join(lines) + "\n"


# --- Graphviz DOT -------------------------------------------------------------------------


def dot_string(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, line breaks as `\\n`."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r\n", "\n").replace("\n", "\\n")
    return f'"{escaped}"'


def to_dot(procedure: Procedure, lang: str) -> str:
    """A `digraph`; final states are double circles, sub-procedure states double boxes."""
    title = render(procedure.title, lang, procedure.param_defaults())
    lines = [
        f"digraph {dot_string(procedure.id)} {{",
        f"  // {legend('solid', 'dashed', 'bold')}",
        f'  graph [label={dot_string(title)}, labelloc=t, fontname="sans-serif"];',
        '  node [shape=box, style=rounded, fontname="sans-serif"];',
        '  edge [fontname="sans-serif"];',
        # `_start` cannot clash with a state: state ids start with a letter
        '  _start [shape=point, width=0.15, label=""];',
        f"  _start -> {dot_string(procedure.initial)};",
    ]
    for state in procedure.states.values():
        name, detail = node_label(procedure, state, lang)
        attrs = [f"label={dot_string(f'{name}{chr(10)}{detail}' if detail else name)}"]
        if state.final:
            attrs.append("shape=doublecircle")
        elif state.use is not None:
            attrs.append("peripheries=2")
        lines.append(f"  {dot_string(state.name)} [{', '.join(attrs)}];")
    styles = {ROUTE: [], OTHERWISE: ["style=dashed"], MOVE: ["style=bold", "penwidth=2"], OUTCOME: []}
    for edge in edges(procedure, lang):
        edge_attrs = ([f"label={dot_string(edge.label)}"] if edge.label else []) + styles[edge.kind]
        suffix = f" [{', '.join(edge_attrs)}]" if edge_attrs else ""
        lines.append(f"  {dot_string(edge.source)} -> {dot_string(edge.target)}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


FORMATS: dict[str, Callable[[Procedure, str], str]] = {"mermaid": to_mermaid, "dot": to_dot}
