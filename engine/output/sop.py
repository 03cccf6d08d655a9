"""A procedure as a printable SOP, in plain text or Markdown, in one language.

One walk over the model (`_Sop`) speaks to the writer interface of `engine.output.layout`, which
decides only layout and escaping. Pure functions of the model: no files, no terminal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from procflow.engine.model.fields import describe_field
from procflow.engine.model.procedure import Deadline, Field, Note, Param, Procedure, State, Text
from procflow.engine.model.text import fill, render
from procflow.engine.output import labels
from procflow.engine.output.layout import WRITERS, Entry, Writer, code, prose


def render_sop(
    procedure: Procedure,
    *,
    lang: str,
    fmt: str = "text",
    procedure_titles: Mapping[str, Text] | None = None,
    params: Mapping[str, Any] | None = None,
    origins: Mapping[str, Procedure] | None = None,
) -> str:
    """The procedure as a printable SOP; `procedure_titles` names the procedures it uses;
    `params` are a site's values, shown and filled in where the procedure declares them;
    `origins` the procedures its shared parameters come `from` (their defaults and sources)."""
    writer = WRITERS[fmt]()
    sop = _Sop(procedure, lang, writer, procedure_titles or {}, origins or {})
    sop.params.update({name: value for name, value in (params or {}).items() if name in procedure.params})
    sop.write()
    return writer.result()


class _Sop:
    def __init__(
        self,
        procedure: Procedure,
        lang: str,
        writer: Writer,
        titles: Mapping[str, Text],
        origins: Mapping[str, Procedure],
    ) -> None:
        self.p = procedure
        self.lang = lang
        self.w = writer
        self.titles = titles
        # a shared parameter is declared where it comes `from`: that default, that source
        self.declared = {
            name: origins[p.shared].params.get(name, p) if p.shared is not None and p.shared in origins else p
            for name, p in procedure.params.items()
        }
        self.params: dict[str, Any] = {
            n: p.default for n, p in self.declared.items() if p.default is not None
        }
        self.words = labels.words(lang)
        self.numbers = {name: i for i, name in enumerate(procedure.states, start=1)}

    def t(self, text: Text | None) -> str:
        return render(text, self.lang, self.params)

    def write(self) -> None:
        p, w, words = self.p, self.w, self.words
        w.title(self.t(p.title))
        head: Entry = [code(p.id)]
        if p.source:
            head += [prose(f" · {words['source']}: {p.source}")]
        w.paragraph(head)
        if p.description is not None:
            w.paragraph([prose(self.t(p.description))])
        if p.params:
            w.section(words["params"])
            w.table(
                [words["name"], words["value"], words["source"]],
                [
                    [[code(n)], [prose(str(self.params.get(n, "—")))], [prose(_source(v, self.declared[n]))]]
                    for n, v in p.params.items()
                ],
            )
        if p.roles:
            w.section(words["roles"])
            rows = [[[code(n)], [prose(self.t(t))]] for n, t in p.roles.items()]
            w.table([words["role"], words["name"]], rows)
        if p.notes:
            w.section(words["notes"])
            w.group(None, "list", [self.note(n) for n in p.notes])
        w.section(words["steps"])
        for state in p.states.values():
            self.state(state)
        if p.work_rules:
            w.section(words["work_rules"])
            rules = [self.sourced([code(r.id), prose(" " + self.t(r.text))], r.source) for r in p.work_rules]
            w.group(None, "list", rules)
        if p.penalties:
            w.section(words["penalties"])
            w.group(None, "list", [self.penalty(i) for i in range(len(p.penalties))])

    def sourced(self, entry: Entry, source: str | None) -> Entry:
        return [*entry, prose(f" [{source}]")] if source else entry

    def note(self, note: Note) -> Entry:
        kind = self.words["note_kinds"].get(note.kind, note.kind)
        return self.sourced([prose(f"({kind}) {self.t(note.text)}")], note.source)

    def with_note(self, entry: Entry, note: Note | None) -> Entry:
        return entry if note is None else [*entry, prose(" — "), *self.note(note)]

    def target(self, name: str) -> Entry:
        state = self.p.states.get(name)
        title = self.t(state.title) if state is not None and state.title is not None else name
        return [prose(f"→ {self.numbers.get(name, '?')}. {title} ("), code(name), prose(")")]

    def state(self, s: State) -> None:
        w, words = self.w, self.words
        w.step(self.numbers[s.name], self.t(s.title) if s.title is not None else s.name, s.name)
        meta: list[tuple[str, Entry]] = []
        if s.role:
            meta.append((words["role"], [prose(self.t(self.p.roles.get(s.role)) or s.role)]))
        if s.source:
            meta.append((words["source"], [prose(s.source)]))
        if meta:
            w.meta(meta)
        if s.notes:
            w.group(words["notes"], "list", [self.note(n) for n in s.notes])
        if s.do:
            w.group(words["do"], "check", [self.item(s, i) for i in range(len(s.do))])
        if s.say:
            phrases = [self.with_note(self.sourced([prose(self.t(x.text))], x.source), x.note) for x in s.say]
            w.group(words["say"], "say", phrases)
        if s.ask:
            w.group(words["ask"], "list", [self.question(q.field, q.required, q.source) for q in s.ask])
        if s.due:
            w.group(words["due"], "list", [self.deadline(d) for d in s.due])
        if s.use is not None:
            w.meta([(words["use"], self.use(s))])
        if len(s.routes) == 1 and s.routes[0].when is None:
            w.meta([(words["next"], self.with_note(self.target(s.routes[0].to), s.routes[0].note))])
        elif s.routes:
            w.group(words["next"], "list", [self.route(s, i) for i in range(len(s.routes))])
        if s.outcomes:
            by_outcome = [[code(o), prose(" "), *self.target(t)] for o, t in s.outcomes.items()]
            w.group(words["outcomes"], "list", by_outcome)
        if s.moves:
            w.group(words["moves"], "list", [self.move(m) for m in s.moves])
        if s.final:
            w.meta([(words["end"], [prose(f"{words['outcome']} "), code(s.result)])])

    def item(self, s: State, index: int) -> Entry:
        item = s.do[index]
        entry: Entry = [prose(self.t(item.text))]
        if item.optional:
            entry.append(prose(f" ({self.words['optional']})"))
        return self.with_note(self.sourced(entry, item.source), item.note)

    def question(self, name: str, required: bool, source: str | None) -> Entry:
        f: Field | None = self.p.fields.get(name)
        words = self.words
        label = self.t(f.label) if f is not None and f.label is not None else name
        entry: Entry = [prose(f"{label} ("), code(name), prose("): ")]
        if f is None:
            return [*entry, prose("?")]
        details = [describe_field(f, self.lang, self.t)]
        pattern: Entry = [prose(f", {words['pattern']} "), code(f.pattern)] if f.pattern else []
        if f.min is not None:
            details.append(f"{words['min']} {_number(f.min)}")
        if f.max is not None:
            details.append(f"{words['max']} {_number(f.max)}")
        if f.integer:
            details.append(words["integer"])
        if not required:
            details.append(words["optional"])
        if f.pii:
            details.append(words["pii"])
        entry.append(prose(details[0]))
        entry += pattern
        if details[1:]:
            entry.append(prose(", " + ", ".join(details[1:])))
        if f.help is not None:
            entry.append(prose(f" — {self.t(f.help)}"))
        return self.sourced(entry, source or f.source)

    def deadline(self, d: Deadline) -> Entry:
        when = labels.deadline(d, self.lang, self.anchor(d), fill(d.duration, self.params))
        what = f" — {self.t(d.text)}" if d.text is not None else ""
        return self.sourced([code(d.id), prose(f": {when}{what}")], d.source)

    def anchor(self, d: Deadline) -> str | None:
        if d.anchor is None:
            return None
        if d.anchor.startswith("state:"):
            name = d.anchor.removeprefix("state:")
            state = self.p.states.get(name)
            return self.t(state.title) if state is not None and state.title is not None else name
        field = self.p.fields.get(d.anchor)
        return self.t(field.label) if field is not None and field.label is not None else d.anchor

    def use(self, s: State) -> Entry:
        assert s.use is not None
        entry: Entry = [code(s.use.procedure)]
        title = self.titles.get(s.use.procedure)
        if title is not None:
            entry.append(prose(f" {self.t(title)}"))
        if s.use.params:
            passed = ", ".join(f"{k} = {fill(str(v), self.params)}" for k, v in s.use.params.items())
            entry.append(prose(f" — {passed}"))
        return entry

    def route(self, s: State, index: int) -> Entry:
        r = s.routes[index]
        if r.when is not None:
            head: Entry = [prose(f"{self.words['if']} "), code(r.when), prose(" ")]
        elif len(s.routes) > 1:
            head = [prose(f"{self.words['otherwise']} ")]
        else:
            head = []
        if r.priority:
            head.append(prose(f"({self.words['priority']} {r.priority}) "))
        return self.with_note(head + self.target(r.to), r.note)

    def move(self, m: Any) -> Entry:
        label = self.t(m.label) if m.label is not None else m.id
        entry: Entry = [prose(f"{label} ["), code(m.id), prose("] "), *self.target(m.to)]
        if m.when is not None:
            entry += [prose(f" ({self.words['when']} "), code(m.when), prose(")")]
        return self.with_note(self.sourced(entry, m.source), m.note)

    def penalty(self, index: int) -> Entry:
        pen = self.p.penalties[index]
        count = pen.min_count if isinstance(pen.min_count, int) else fill(pen.min_count, self.params)
        rung = labels.penalty_rung(count, pen.period, self.lang)
        entry: Entry = [code(pen.id), prose(f" {rung}: {self.t(pen.text)}")]
        return self.with_note(self.sourced(entry, pen.source), pen.note)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _source(param: Param, declared: Param) -> str:
    """A parameter's clause; for a shared one, the procedure it comes from and that one's clause."""
    if param.shared is None:
        return param.source or ""
    return " ".join(part for part in (f"← {param.shared}", declared.source) if part)
