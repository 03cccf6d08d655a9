"""Traceability: which clause of the source documents is encoded where, and which is not.

The clause index (`sources/article-N.yaml`) lists every clause verbatim; procedures cite
clause ids in their `source` keys. This module matches the two and checks the index against
the documents' own text. It never prints; `cli.py` formats a TraceReport.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from procflow.engine.base.diagnostic import Diagnostic, Severity
from procflow.engine.load.yamlio import Document, LoadError, load_yaml
from procflow.engine.model.procedure import Procedure, Text, build_text

DOCUMENT_NAME = "front-desk-procedures.zh-Hant.txt"
SEPARATOR = "; "


@dataclass(frozen=True)
class Clause:
    id: str
    article: str
    text: str
    original: str | None
    executable: bool
    reason: Text | None
    path: str
    line: int


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    organisation: str | None
    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class Citation:
    """One `source:` that names a clause: in which procedure, at which node."""

    procedure: str
    path: str
    pointer: str
    line: int
    col: int

    @property
    def where(self) -> str:
        place = self.pointer.removesuffix("/source").removesuffix("/text")
        return f"{self.procedure}{place.replace('/states/', ':').replace('/', '.')}"


@dataclass(frozen=True)
class Row:
    clause: Clause
    status: str  # encoded | not-executable | missing
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class TraceReport:
    articles: tuple[tuple[Article, tuple[Row, ...]], ...]
    diagnostics: tuple[Diagnostic, ...] = field(default=())

    def counts(self) -> dict[str, int]:
        rows = [row for _, rows in self.articles for row in rows]
        return {
            "articles": len(self.articles),
            "clauses": len(rows),
            "encoded": sum(r.status == "encoded" for r in rows),
            "not_executable": sum(r.status == "not-executable" for r in rows),
            "missing": sum(r.status == "missing" for r in rows),
            "problems": len(self.diagnostics),
        }

    @property
    def complete(self) -> bool:
        counts = self.counts()
        return counts["missing"] == 0 and counts["problems"] == 0


def load_index(directory: Path) -> tuple[list[Article], list[Diagnostic]]:
    """Every `article-*.yaml` in `directory`, in article order, with problems as Diagnostics."""
    articles: list[Article] = []
    problems: list[Diagnostic] = []
    for path in sorted(directory.glob("article-*.yaml"), key=_article_number):
        try:
            document = load_yaml(path)
        except LoadError as exc:
            problems.append(exc.diagnostic)
            continue
        article = _article(document, problems)
        if article is not None:
            articles.append(article)
    seen: dict[str, Clause] = {}
    for article in articles:
        for clause in article.clauses:
            if clause.id in seen:
                first = seen[clause.id]
                problems.append(
                    _problem(
                        clause.path,
                        clause.line,
                        "T001",
                        f"duplicate clause id {clause.id!r} (first at {first.path}:{first.line})",
                    )
                )
            seen.setdefault(clause.id, clause)
    return articles, problems


def _article_number(path: Path) -> tuple[int, str]:
    digits = "".join(ch for ch in path.stem if ch.isdigit())
    return (int(digits) if digits else 0, path.name)


def _article(document: Document, problems: list[Diagnostic]) -> Article | None:
    data = document.data
    path = document.path
    if not isinstance(data.get("article"), str) or not isinstance(data.get("clauses"), list):
        problems.append(
            _problem(path, 1, "T001", "a clause index needs `article` (text) and `clauses` (a list)")
        )
        return None
    clauses: list[Clause] = []
    for index, raw in enumerate(data["clauses"]):
        pointer = f"/clauses/{index}"
        line, _ = document.locate(pointer)
        if (
            not isinstance(raw, dict)
            or not isinstance(raw.get("id"), str)
            or not isinstance(raw.get("text"), str)
        ):
            problems.append(_problem(path, line, "T001", "a clause needs `id` and `text` (both text)"))
            continue
        executable = raw.get("executable", True)
        reason = raw.get("reason")
        if executable is False and not reason:
            problems.append(
                _problem(
                    path, line, "T001", f"clause {raw['id']!r} is marked not executable without a `reason`"
                )
            )
        if not raw["id"].startswith(data["article"]):
            problems.append(
                _problem(
                    path,
                    line,
                    "T001",
                    f"clause id {raw['id']!r} does not start with its article {data['article']!r}",
                )
            )
        clauses.append(
            Clause(
                id=raw["id"],
                article=data["article"],
                text=raw["text"],
                original=raw.get("original"),
                executable=executable is not False,
                reason=build_text(reason, pointer + "/reason") if reason else None,
                path=path,
                line=line,
            )
        )
    return Article(data["article"], str(data.get("title", "")), data.get("organisation"), tuple(clauses))


def check_against_document(articles: Sequence[Article], document_text: str) -> list[Diagnostic]:
    """Every clause must stand in the source document as the file has it (line breaks aside)."""
    flat = _flatten(document_text)
    problems = []
    for article in articles:
        for clause in article.clauses:
            wording = clause.original if clause.original is not None else clause.text
            if _flatten(wording) not in flat:
                problems.append(
                    _problem(
                        clause.path,
                        clause.line,
                        "T002",
                        f"the text of clause {clause.id!r} is not in the source document word for word",
                    )
                )
    return problems


_SENTENCE_MARKS = set(",。;!?“”")  # not 、: numbering uses it (1、)


def uncovered_text(articles: Sequence[Article], document_text: str, document_path: str) -> list[Diagnostic]:
    """Sentences of the document that no clause holds: every clause must be in the index.

    What is left after taking out every clause is numbering and headings; a leftover with
    sentence punctuation in it is text that the index lost.
    """
    flat = _flatten(document_text)
    for article in articles:
        for clause in article.clauses:
            wording = _flatten(clause.original if clause.original is not None else clause.text)
            if wording:
                flat = flat.replace(wording, "\0", 1)
    problems = []
    for segment in flat.split("\0"):
        if _SENTENCE_MARKS & set(segment):
            line = _line_of(document_text, segment[:6])
            shown = segment if len(segment) <= 40 else segment[:40] + "…"
            problems.append(
                _problem(document_path, line, "T004", f"document text {shown!r} is in no clause of the index")
            )
    return problems


def _line_of(text: str, start: str) -> int:
    flat_index, count = 0, 0
    target = _flatten(text).find(start)
    for line_number, line in enumerate(text.splitlines(), 1):
        count = len(_flatten(line))
        if flat_index + count > target:
            return line_number
        flat_index += count
    return 1


def _flatten(text: str) -> str:
    return "".join(text.split())


def citations(procedure: Procedure, document: Document) -> Iterator[tuple[str, Citation]]:
    """Each clause id cited anywhere in the procedure, with where it is cited."""
    for pointer, source in _sources(procedure):
        line, col = document.locate(pointer)
        for part in source.split(SEPARATOR):
            clause_id = part.strip()
            if clause_id:
                yield clause_id, Citation(procedure.id, document.path, pointer, line, col)


def _sources(procedure: Procedure) -> Iterator[tuple[str, str]]:
    """(pointer of the node, its `source`) for every node that has one."""
    nodes: list[Any] = [
        procedure,
        *procedure.params.values(),
        *procedure.fields.values(),
        *procedure.notes,
        *procedure.work_rules,
        *procedure.penalties,
        *(p.note for p in procedure.penalties if p.note is not None),
    ]
    for state in procedure.states.values():
        nodes.extend([state, *state.notes, *state.do, *state.say, *state.ask, *state.due, *state.moves])
        nodes.extend(
            n
            for n in (
                *(i.note for i in state.do),
                *(p.note for p in state.say),
                *(r.note for r in state.routes),
                *(m.note for m in state.moves),
            )
            if n is not None
        )
    for node in nodes:
        source = getattr(node, "source", None)
        if source:
            pointer = getattr(node, "ptr", "")
            yield (f"{pointer}/source" if pointer else "/source"), source


def build_report(
    articles: Sequence[Article],
    documents: Sequence[tuple[Procedure, Document]],
    problems: Sequence[Diagnostic] = (),
) -> TraceReport:
    """Match citations to clauses; an unknown clause id is a problem with "did you mean"."""
    known = {clause.id: clause for article in articles for clause in article.clauses}
    cited: dict[str, list[Citation]] = {}
    found = list(problems)
    for procedure, document in documents:
        for clause_id, citation in citations(procedure, document):
            if clause_id in known:
                cited.setdefault(clause_id, []).append(citation)
            elif clause_id.startswith("第") and "篇" in clause_id[:4] and citation.pointer != "/source":
                close = difflib.get_close_matches(clause_id, list(known), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                found.append(
                    Diagnostic(
                        citation.path,
                        citation.line,
                        citation.col,
                        "T003",
                        Severity.ERROR,
                        f"source {clause_id!r} is not a clause of the index{hint}",
                        citation.pointer,
                    )
                )
    table = []
    for article in articles:
        rows = []
        for clause in article.clauses:
            where = tuple(cited.get(clause.id, ()))
            status = "encoded" if where else ("not-executable" if not clause.executable else "missing")
            rows.append(Row(clause, status, where))
        table.append((article, tuple(rows)))
    return TraceReport(tuple(table), tuple(sorted(set(found))))


def _problem(path: str, line: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(path, line, 1, code, Severity.ERROR, message)


def format_text(report: TraceReport, lang: str, *, only_missing: bool = False) -> str:
    """Per article: each clause with where it is encoded, why it is not, or MISSING."""
    out: list[str] = []
    for article, rows in report.articles:
        encoded = sum(r.status == "encoded" for r in rows)
        manual = sum(r.status == "not-executable" for r in rows)
        missing = sum(r.status == "missing" for r in rows)
        org = f" ({article.organisation})" if article.organisation else ""
        out.append(
            f"{article.id} {article.title}{org}: {len(rows)} clauses, {encoded} encoded, "
            f"{manual} not executable, {missing} missing"
        )
        for row in rows:
            if only_missing and row.status != "missing":
                continue
            if row.status == "encoded":
                places = sorted({c.where for c in row.citations})
                shown = ", ".join(places[:3]) + (f" (+{len(places) - 3} more)" if len(places) > 3 else "")
                out.append(f"  {row.clause.id}  encoded: {shown}")
            elif row.status == "not-executable":
                reason = row.clause.reason.get(lang) if row.clause.reason else ""
                out.append(f"  {row.clause.id}  not executable: {reason}")
            else:
                out.append(f"  {row.clause.id}  MISSING: {_excerpt(row.clause.text)}")
        out.append("")
    for diagnostic in report.diagnostics:
        out.append(str(diagnostic))
    counts = report.counts()
    articles = f"{counts['articles']} article" + ("" if counts["articles"] == 1 else "s")
    out.append(
        f"{articles}, {counts['clauses']} clauses: {counts['encoded']} encoded, "
        f"{counts['not_executable']} not executable, {counts['missing']} missing, {counts['problems']} problems"
    )
    return "\n".join(out) + "\n"


def to_json(report: TraceReport, lang: str) -> dict[str, Any]:
    """The report as plain data (keys documented in docs/cli.md)."""
    return {
        "articles": [
            {
                "article": article.id,
                "title": article.title,
                "organisation": article.organisation,
                "clauses": [
                    {
                        "id": row.clause.id,
                        "status": row.status,
                        "text": row.clause.text,
                        "reason": row.clause.reason.get(lang) if row.clause.reason else None,
                        "encoded_in": [
                            {
                                "procedure": c.procedure,
                                "path": c.path,
                                "pointer": c.pointer,
                                "line": c.line,
                                "col": c.col,
                            }
                            for c in row.citations
                        ],
                    }
                    for row in rows
                ],
            }
            for article, rows in report.articles
        ],
        "problems": [
            {"path": d.path, "line": d.line, "col": d.col, "code": d.code, "message": d.message}
            for d in report.diagnostics
        ],
        "summary": report.counts(),
    }


def _excerpt(text: str, width: int = 30) -> str:
    flat = "".join(text.split())
    return flat if len(flat) <= width else flat[:width] + "…"
