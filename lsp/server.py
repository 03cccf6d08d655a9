"""The language server: pygls' protocol handling wired to procflow's checks and names.

Each open text is checked when opened and, after typing pauses for `DEBOUNCE` seconds, again;
a request about a text whose check is pending checks it first. The features themselves are
the pure modules beside this one; here are only the protocol's shapes. Never prints: stdout
is the protocol.
"""

from __future__ import annotations

import asyncio
import os

from lsprotocol import types
from procflow.engine import __version__
from procflow.engine.check.catalog import build_catalog
from procflow.lsp import actions, completion, hover, navigation
from procflow.lsp.checking import Analysis, DiskFiles, analyse
from procflow.lsp.findings import at, to_lsp
from procflow.lsp.project import Project, project_of
from procflow.lsp.text import Lines
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import TextDocument

DEBOUNCE = 0.025  # seconds of quiet after a keystroke before the text is checked again
TRIGGERS = [":", " ", "{", "-", '"', "'", "="]


class ProcflowServer(LanguageServer):
    """The open texts' latest checks and the project files read from disk."""

    def __init__(self) -> None:
        super().__init__(
            "procflow", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental
        )
        self.analyses: dict[str, Analysis] = {}
        self.loaded: dict[str, Analysis] = {}  # the latest check of each text whose YAML loaded
        self.modelled: dict[str, Analysis] = {}  # the latest whose schema check passed: for hover
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.disk = DiskFiles()
        self.projects: dict[str, Project] = {}  # found when a text is opened, again when one is saved

    def check(self, uri: str) -> Analysis:
        """Check the open text at `uri` now and publish its findings."""
        timer = self.pending.pop(uri, None)
        if timer is not None:
            timer.cancel()
        document = self.workspace.get_text_document(uri)
        path = path_of(uri)
        project = self.projects.get(uri) or self.projects.setdefault(uri, project_of(path))
        try:
            result = analyse(path, document.source, self.disk, project, self.open_texts(uri))
        except Exception as exc:  # a bug in a check: say so, keep the last findings, keep serving
            message = f"procflow: internal error checking {path}: {type(exc).__name__}: {exc}"
            self.window_log_message(types.LogMessageParams(types.MessageType.Error, message))
            return self.analyses.get(uri) or Analysis(path, document.source, project, None, None, [])
        self.analyses[uri] = result
        if result.document is not None:
            self.loaded[uri] = result
        if result.procedure is not None:
            self.modelled[uri] = result
        lines = self.lines(document)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, version=document.version, diagnostics=[to_lsp(d, lines) for d in result.diagnostics]
            )
        )
        return result

    def analysis(self, uri: str) -> Analysis:
        """The check of the current text (made now if typing has not paused yet)."""
        if uri in self.pending or uri not in self.analyses:
            return self.check(uri)
        return self.analyses[uri]

    def named(self, uri: str) -> Analysis | None:
        """The latest check whose YAML loaded: names survive a line typed half-way."""
        self.analysis(uri)
        return self.loaded.get(uri)

    def open_texts(self, but: str) -> dict[str, str]:
        """The other open texts, by path."""
        documents = self.workspace.text_documents
        return {path_of(uri): document.source for uri, document in documents.items() if uri != but}

    def neighbours(self, uri: str) -> list[str]:
        """The other open texts of the same project: a change to one may change their findings."""
        mine = self.projects.get(uri)
        if mine is None or mine.root is None:
            return []
        same = [u for u, p in self.projects.items() if u != uri and p.root == mine.root]
        return [u for u in same if u in self.workspace.text_documents]

    def later(self, uri: str) -> None:
        timer = self.pending.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self.pending[uri] = asyncio.get_running_loop().call_later(DEBOUNCE, self.check, uri)

    def lines(self, document: TextDocument) -> Lines:
        return Lines.of(document.source, self.workspace.position_codec)

    def lines_of(self, path: str, text: str) -> Lines:
        return Lines.of(text, self.workspace.position_codec)

    def text_of(self, path: str) -> str | None:
        """The open editor's text of the file at `path`, None when it is not open."""
        uri = from_fs_path(path)
        if uri is None or uri not in self.workspace.text_documents:
            return None
        return self.workspace.get_text_document(uri).source


def path_of(uri: str) -> str:
    path = to_fs_path(uri)
    return os.path.abspath(path) if path else os.path.abspath(uri.replace(":", "_").replace("/", "_"))


server = ProcflowServer()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: ProcflowServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.projects.pop(params.text_document.uri, None)
    ls.check(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: ProcflowServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.later(params.text_document.uri)  # first: the text being typed in is checked first
    for other in ls.neighbours(params.text_document.uri):  # it may be used by them, or use theirs
        ls.later(other)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: ProcflowServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.projects.clear()  # a file saved may be new to its project
    for uri in list(ls.workspace.text_documents):  # and used by the others
        ls.later(uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: ProcflowServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    timer = ls.pending.pop(uri, None)
    if timer is not None:
        timer.cancel()
    for kept in (ls.analyses, ls.loaded, ls.modelled, ls.projects):
        kept.pop(uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=TRIGGERS))
def complete(ls: ProcflowServer, params: types.CompletionParams) -> types.CompletionList:
    uri = params.text_document.uri
    document = ls.workspace.get_text_document(uri)
    lines = ls.lines(document)
    line, col = lines.point(params.position)
    named = ls.named(uri)
    data = named.document.data if named is not None and named.document is not None else {}
    project = ls.analysis(uri).project
    data = data if isinstance(data, dict) else {}
    site = "procflow-site" in data or any(line.startswith("procflow-site:") for line in lines.lines[:20])
    names = completion.Names(
        named.index if named is not None else None, data, tuple(_procedure_ids(project)), site
    )
    kinds = {
        completion.KEY: types.CompletionItemKind.Property,
        completion.VALUE: types.CompletionItemKind.Value,
        completion.OPERATOR: types.CompletionItemKind.Operator,
    }
    items = [
        types.CompletionItem(
            label=o.label,
            kind=kinds[o.kind],
            detail=o.detail or None,
            insert_text=f"{o.label}: " if o.kind == completion.KEY else None,  # the colon comes with the key
        )
        for o in completion.complete(list(lines.lines), line, col, names)
    ]
    return types.CompletionList(is_incomplete=False, items=items)


def _procedure_ids(project: Project) -> list[str]:
    """The ids `use` can name: the project's procedures (the bundled ones outside a project)."""
    return sorted(build_catalog(project=project.found).entries)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def on_hover(ls: ProcflowServer, params: types.HoverParams) -> types.Hover | None:
    uri = params.text_document.uri
    current = ls.analysis(uri)
    lines = ls.lines(ls.workspace.get_text_document(uri))
    line, col = lines.point(params.position)
    parts = [hover.explain(d) for d in at(current.diagnostics, line, col, lines)]
    named = ls.named(uri)
    if named is not None and named.index is not None:
        name = named.index.at(line, col)
        modelled = ls.modelled.get(uri)  # a text the schema rejects still has its last good model
        procedure = modelled.procedure if modelled is not None else None
        if name is not None and procedure is not None:
            text = hover.describe(name, procedure, named.project.sources)
            if text:
                parts.insert(0, text)
    if not parts:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts))
    )


def _location(ls: ProcflowServer, place: navigation.Place) -> types.Location:
    text = ls.text_of(place.path)
    if text is None:
        try:
            with open(place.path, encoding="utf-8") as handle:
                text = handle.read()
        except OSError:
            text = ""
    lines = ls.lines_of(place.path, text)
    return types.Location(
        uri=from_fs_path(place.path) or place.path,
        range=lines.range(place.line, place.col, place.col + place.length),
    )


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def definition(ls: ProcflowServer, params: types.DefinitionParams) -> types.Location | None:
    uri = params.text_document.uri
    named = ls.named(uri)
    if named is None or named.index is None:
        return None
    line, col = ls.lines(ls.workspace.get_text_document(uri)).point(params.position)
    place = navigation.definition(named.index, named.path, line, col, named.project)
    return None if place is None else _location(ls, place)


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
def references(ls: ProcflowServer, params: types.ReferenceParams) -> list[types.Location]:
    uri = params.text_document.uri
    named = ls.named(uri)
    if named is None or named.index is None:
        return []
    line, col = ls.lines(ls.workspace.get_text_document(uri)).point(params.position)
    places = navigation.references(
        named.index, named.path, line, col, include_definition=params.context.include_declaration
    )
    return [_location(ls, p) for p in places]


@server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
def prepare_rename(ls: ProcflowServer, params: types.PrepareRenameParams) -> types.Range | None:
    uri = params.text_document.uri
    named = ls.named(uri)
    if named is None or named.index is None:
        return None
    lines = ls.lines(ls.workspace.get_text_document(uri))
    line, col = lines.point(params.position)
    name = navigation.rename_target(named.index, line, col)
    return None if name is None else lines.range(name.line, name.col, name.col + name.length)


@server.feature(types.TEXT_DOCUMENT_RENAME)
def rename(ls: ProcflowServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
    uri = params.text_document.uri
    named = ls.named(uri)
    if named is None or named.index is None:
        return None
    line, col = ls.lines(ls.workspace.get_text_document(uri)).point(params.position)
    try:
        places = navigation.rename(
            named.index, named.path, line, col, params.new_name, named.project, ls.text_of
        )
    except navigation.RenameRefused as exc:
        raise JsonRpcInvalidParams(str(exc)) from None
    changes: dict[str, list[types.TextEdit]] = {}
    for place in places:
        location = _location(ls, place)
        changes.setdefault(location.uri, []).append(
            types.TextEdit(range=location.range, new_text=params.new_name)
        )
    return types.WorkspaceEdit(changes=changes)


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def symbols(ls: ProcflowServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
    uri = params.text_document.uri
    named = ls.named(uri)
    if named is None or named.index is None or named.document is None:
        return []
    lines = ls.lines(ls.workspace.get_text_document(uri))
    data = named.document.data
    states = data.get("states") if isinstance(data, dict) else None
    out = []
    for name in navigation.states(named.index):
        state = states.get(name.name) if isinstance(states, dict) else None
        final = isinstance(state, dict) and state.get("final") is True
        initial = isinstance(data, dict) and data.get("initial") == name.name
        end_line = _state_end(named, name.pointer, name.line)
        end_col = len(lines.line(end_line))
        out.append(
            types.DocumentSymbol(
                name=name.name,
                detail="final" if final else ("initial" if initial else None),
                kind=types.SymbolKind.Event if final else types.SymbolKind.Class,
                range=lines.range(name.line, name.col, end_col, end_line),
                selection_range=lines.range(name.line, name.col, name.col + name.length),
            )
        )
    return out


def _state_end(analysis: Analysis, pointer: str, line: int) -> int:
    document = analysis.document
    if document is None:
        return line
    found = document.child(document.root, "states")
    state = None if found is None else document.child(found[1], pointer.split("/")[-1])
    if state is None:
        return line
    end = state[1].end_mark
    return max(line, end.line - (1 if end.column == 0 else 0))


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
)
def code_actions(ls: ProcflowServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    current = ls.analysis(uri)
    lines = ls.lines(ls.workspace.get_text_document(uri))
    first, _ = lines.point(params.range.start)
    last, _ = lines.point(params.range.end)
    languages = current.procedure.languages if current.procedure is not None else _languages(current)
    found = actions.fixes(current.diagnostics, list(lines.lines), first, last, current.document, languages)
    out = []
    for fix in found:
        edit = types.TextEdit(
            range=lines.range(fix.line, fix.col, fix.end_col, fix.end_line), new_text=fix.text
        )
        out.append(
            types.CodeAction(
                title=fix.title,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[to_lsp(fix.diagnostic, lines)] if fix.diagnostic is not None else None,
                is_preferred=fix.preferred or None,
                edit=types.WorkspaceEdit(changes={uri: [edit]}),
            )
        )
    return out


def _languages(analysis: Analysis) -> tuple[str, ...]:
    data = analysis.document.data if analysis.document is not None else {}
    given = data.get("languages") if isinstance(data, dict) else None
    return tuple(str(x) for x in given) if isinstance(given, list) else ("zh-Hant", "en")


def serve() -> None:
    """Answer the editor on stdin and stdout until it says exit."""
    server.start_io()
