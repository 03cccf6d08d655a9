"""`procflow lsp` through a real client: pygls' LanguageClient starts the command as an editor
would and talks to it over stdio. One test per capability, on the bundled procedures and on
broken copies of them in a project of the test's own."""

from __future__ import annotations

import asyncio
import re
import shutil
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from procflow.engine.base.diagnostic import Diagnostic, Severity
from procflow.engine.check.pipeline import validate_paths
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

ROOT = Path(__file__).resolve().parent.parent
PROCFLOW = Path(sys.executable).with_name("procflow")
PHONE = "art1-phone-reception.yaml"
INTERNAL = "art1-internal-reception.yaml"
TIMEOUT = 30


class Editor:
    """What an editor does: open, change and ask, and wait for the diagnostics it is sent."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.published: dict[str, asyncio.Queue[types.PublishDiagnosticsParams]] = {}
        self.versions: dict[str, int] = {}

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def publish(params: types.PublishDiagnosticsParams) -> None:
            self._queue(params.uri).put_nowait(params)

    def _queue(self, uri: str) -> asyncio.Queue[types.PublishDiagnosticsParams]:
        return self.published.setdefault(uri, asyncio.Queue())

    async def open(self, path: Path, text: str | None = None) -> str:
        uri = from_fs_path(str(path))
        assert uri is not None
        self.versions[uri] = 1
        body = path.read_text(encoding="utf-8") if text is None else text
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "yaml", 1, body))
        )
        return uri

    async def diagnostics(self, uri: str) -> list[types.Diagnostic]:
        """The next diagnostics published for `uri`."""
        params = await asyncio.wait_for(self._queue(uri).get(), TIMEOUT)
        return list(params.diagnostics)

    async def change(
        self, uri: str, line: int, col: int, end_col: int, text: str, end_line: int | None = None
    ) -> None:
        self.versions[uri] += 1
        end = types.Position(line if end_line is None else end_line, end_col)
        change = types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(line, col), end), text=text
        )
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(self.versions[uri], uri), [change]
            )
        )

    def at(self, uri: str, line: int, col: int) -> tuple[types.TextDocumentIdentifier, types.Position]:
        return types.TextDocumentIdentifier(uri), types.Position(line, col)


def run(scenario: Callable[[Editor], Awaitable[None]], cwd: Path = ROOT) -> None:
    """Start `procflow lsp`, initialize it, play `scenario`, shut it down as an editor does."""

    async def main() -> None:
        client = LanguageClient("procflow-tests", "1")
        editor = Editor(client)
        await client.start_io(str(PROCFLOW), "lsp", cwd=str(cwd))
        try:
            await asyncio.wait_for(
                client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities())),
                TIMEOUT,
            )
            client.initialized(types.InitializedParams())
            await scenario(editor)
        finally:
            await asyncio.wait_for(client.shutdown_async(None), TIMEOUT)
            client.exit(None)
            await asyncio.wait_for(client.stop(), TIMEOUT)

    asyncio.run(main())


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project of the test's own: a copy of the bundled procedures and clause index."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "procedures", root / "procedures")
    shutil.copytree(ROOT / "sources", root / "sources")
    return root


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def find(path: Path, needle: str, start: int = 0) -> tuple[int, int]:
    """0-based line and column of the first `needle` at or after line `start`."""
    for number, line in enumerate(lines_of(path)[start:], start):
        if needle in line:
            return number, line.index(needle)
    raise AssertionError(f"{needle!r} not in {path}")


def shown(diagnostics: list[types.Diagnostic]) -> list[tuple[int, int, str, str]]:
    return sorted(
        (d.range.start.line + 1, d.range.start.character + 1, str(d.code), d.message) for d in diagnostics
    )


def validated(path: Path, directory: Path) -> list[tuple[int, int, str, str]]:
    result = validate_paths([str(directory)], use_cache=False)
    return sorted(
        (d.line, d.col, d.code, d.message)
        for d in result.diagnostics
        if Path(d.path).resolve() == path.resolve()
    )


# --- diagnostics ----------------------------------------------------------------------------


def test_diagnostics_on_open_and_change_are_validates_including_cross_file(project: Path) -> None:
    broken = project / "procedures" / INTERNAL
    text = broken.read_text(encoding="utf-8")
    text = text.replace("next: on_duty", "next: on_dut", 1).replace(
        "procedure: art1-phone-reception", "procedure: art1-phone-receptio", 1
    )
    broken.write_text(text, encoding="utf-8")
    expected = validated(broken, project / "procedures")
    assert {e[2] for e in expected} >= {"P001", "P019"}  # a rule finding and a cross-file one
    # the editor's text is not yet saved: one line more at the top, every finding a line lower
    unsaved = "# draft\n" + text
    expected = [(line + 1, col, code, message) for line, col, code, message in expected]

    async def scenario(editor: Editor) -> None:
        uri = await editor.open(broken, unsaved)
        found = await editor.diagnostics(uri)
        assert shown(found) == expected
        target = next(d for d in found if d.code == "P001")
        assert target.severity == types.DiagnosticSeverity.Error
        assert target.data == {"suggestions": ["on_duty"]}
        line = target.range.start.line
        assert (
            unsaved.splitlines()[line][target.range.start.character : target.range.end.character] == "on_dut"
        )
        # typing the missing letter: checked again once typing pauses
        await editor.change(uri, line, target.range.end.character, target.range.end.character, "y")
        after = await editor.diagnostics(uri)
        assert "P001" not in {d.code for d in after}
        assert "P019" in {d.code for d in after}

    run(scenario)


def test_a_change_in_one_open_file_rechecks_the_files_that_use_it(project: Path) -> None:
    internal, phone = project / "procedures" / INTERNAL, project / "procedures" / PHONE
    line, col = find(phone, "    outcome: ended")

    async def scenario(editor: Editor) -> None:
        user = await editor.open(internal)
        assert await editor.diagnostics(user) == []
        used = await editor.open(phone)
        assert await editor.diagnostics(used) == []
        # unsaved: the used procedure's outcome renamed; the one using it no longer maps it
        await editor.change(
            used, line, col + len("    outcome: ended"), col + len("    outcome: ended"), "_call"
        )
        assert await editor.diagnostics(used) == []
        found = await editor.diagnostics(user)
        assert {d.code for d in found} == {"P021"}  # 'ended_call' not mapped, 'ended' no longer there
        assert any("'ended_call'" in d.message for d in found)

    run(scenario)


def test_a_finding_offers_the_close_names_its_message_names() -> None:
    def finding(message: str) -> Diagnostic:
        return Diagnostic("p.yaml", 1, 1, "P001", Severity.ERROR, message)

    assert finding("target state 'finsh' does not exist; did you mean 'finish'?").suggestions == ("finish",)
    assert finding("no procedure with id 'x'; did you mean 'ab' or 'cd'?").suggestions == ("ab", "cd")
    assert finding("state 'a' cannot be reached from the initial state 'b'").suggestions == ()


def test_a_site_file_is_checked_against_the_projects_procedures(project: Path) -> None:
    site = project / "procflow.yaml"
    site.write_text("procflow-site: 1\nprocedures:\n  art3-phone-recepton: {}\n", encoding="utf-8")

    async def scenario(editor: Editor) -> None:
        uri = await editor.open(site)
        found = await editor.diagnostics(uri)
        assert [(d.code, d.range.start.line) for d in found] == [("C004", 2)]
        assert "did you mean 'art3-phone-reception'" in found[0].message

    run(scenario)


def test_a_file_outside_any_project_is_checked_alone(tmp_path: Path) -> None:
    alone = tmp_path / "loose" / "mine.yaml"
    alone.parent.mkdir()
    text = (ROOT / "procedures" / INTERNAL).read_text(encoding="utf-8")
    alone.write_text(text.replace("role: front_desk", "role: frontdesk", 1), encoding="utf-8")

    async def scenario(editor: Editor) -> None:
        uri = await editor.open(alone)
        found = await editor.diagnostics(uri)
        # the procedures it uses are found as `procflow run` finds them (bundled): no P019
        assert shown(found) == validated(alone, alone)
        assert [d.code for d in found] == ["P015"]

    run(scenario, cwd=tmp_path)


def test_a_project_file_names_the_procedures_an_open_file_is_checked_with(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "flows").mkdir(parents=True)
    (root / "procflow.toml").write_text('procedures = ["flows"]\n', encoding="utf-8")
    text = (ROOT / "procedures" / INTERNAL).read_text(encoding="utf-8")
    for name in ("a.yaml", "b.yaml"):  # one id in two files of the project: P006
        (root / "flows" / name).write_text(text, encoding="utf-8")

    async def scenario(editor: Editor) -> None:
        uri = await editor.open(root / "flows" / "b.yaml")  # the second of the two is the one reported
        found = await editor.diagnostics(uri)
        assert shown(found) == validated(root / "flows" / "b.yaml", root / "flows")
        assert [d.code for d in found] == ["P006"]

    run(scenario, cwd=tmp_path)


def test_text_that_is_not_yaml_yet_gets_the_loaders_finding(tmp_path: Path) -> None:
    async def scenario(editor: Editor) -> None:
        uri = await editor.open(tmp_path / "new.yaml", "procflow: 1\nid: [x\n")
        found = await editor.diagnostics(uri)
        assert [d.code for d in found] == ["Y005"]

    run(scenario, cwd=tmp_path)


# --- completion -----------------------------------------------------------------------------


def _labels(result: Any) -> list[str]:
    items = result.items if isinstance(result, types.CompletionList) else result or []
    return [item.label for item in items]


def test_completion_offers_what_fits_where_the_author_types(tmp_path: Path) -> None:
    path = tmp_path / "procedures" / "draft.yaml"
    path.parent.mkdir()
    text = (ROOT / "procedures" / INTERNAL).read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "procedures" / PHONE, path.parent / PHONE)
    lines = text.splitlines()
    state_line = next(i for i, line in enumerate(lines) if line == "  on_duty:")

    async def scenario(editor: Editor) -> None:
        uri = await editor.open(path)
        await editor.diagnostics(uri)

        async def offers(line: int, col: int, typed: str) -> list[str]:
            """Type a new line `typed` before `line`, ask at its end, and take it back."""
            await editor.change(uri, line, col, col, typed + "\n")
            result = await editor.client.text_document_completion_async(
                types.CompletionParams(*editor.at(uri, line, col + len(typed)))
            )
            await editor.change(uri, line, 0, 0, "", end_line=line + 1)
            return _labels(result)

        # a new key in a state: the state's keys from the schema, minus those already there
        keys = await offers(state_line + 1, 0, "    ")
        assert {"do", "say", "ask", "due", "final"} <= set(keys)
        assert "title" not in keys and "moves" not in keys and "procflow" not in keys
        top = await offers(len(lines), 0, "")
        assert "penalties" in top and "states" not in top
        # values
        assert "take_call" in await offers(state_line + 1, 0, "    next: ")
        assert "front_desk" in await offers(state_line + 1, 0, "    role: ")
        fields = await offers(state_line + 1, 0, "    next: [{to: end_of_day, when: ")
        assert "cover_colleague" in fields
        operators = await offers(state_line + 1, 0, "    next: [{to: end_of_day, when: cover_colleague ")
        assert {"==", "!=", "in"} <= set(operators)
        assert "org_name" in await offers(state_line + 1, 0, '    say: ["歡迎光臨{')
        procedures = await offers(state_line + 1, 0, "    use: {procedure: ")
        assert "art1-phone-reception" in procedures and "art2-car-intake" not in procedures  # the project's
        title = next(i for i, line in enumerate(lines) if line == "    title:")
        assert await offers(title + 1, 0, "      ") == ["original"]  # zh-Hant and en are there
        languages = await offers(2, 0, "languages: [")
        assert languages == ["zh-Hant", "en"]

    run(scenario, cwd=tmp_path)


def test_completion_in_a_site_file_offers_the_site_schemas_keys(project: Path) -> None:
    site = project / "procflow.yaml"
    site.write_text("procflow-site: 1\ntimezone: Asia/Shanghai\n", encoding="utf-8")

    async def scenario(editor: Editor) -> None:
        uri = await editor.open(site)
        await editor.diagnostics(uri)
        result = await editor.client.text_document_completion_async(
            types.CompletionParams(*editor.at(uri, 2, 0))
        )
        keys = _labels(result)
        assert {"people", "calendar", "procedures"} <= set(keys)
        people = next(item for item in result.items if item.label == "people")  # type: ignore[union-attr]
        assert people.insert_text == "people: " and people.kind == types.CompletionItemKind.Property
        assert "timezone" not in keys and "states" not in keys

    run(scenario)


# --- hover ----------------------------------------------------------------------------------


def test_hover_shows_the_clause_texts_deadline_and_rule(project: Path) -> None:
    meeting = project / "procedures" / "art1-meeting-service.yaml"

    async def scenario(editor: Editor) -> None:
        uri = await editor.open(meeting)
        await editor.diagnostics(uri)
        data_lines = lines_of(meeting)
        due = data_lines.index("    due:")  # the first state with a deadline: hover its name
        due_state = max(i for i in range(due) if re.match(r"^  \w+:$", data_lines[i]))
        name = data_lines[due_state].strip().rstrip(":")
        hover = await editor.client.text_document_hover_async(
            types.HoverParams(*editor.at(uri, due_state, 3))
        )
        assert hover is not None
        text = hover.contents.value  # type: ignore[union-attr]
        assert f"**state** `{name}`" in text
        assert "zh-Hant: " in text and "en: " in text
        assert "source `第一篇" in text and "> " in text  # the clause quoted from sources/
        assert "due: `" in text
        # a key the schema rejects, typed above: the names keep their last good model
        await editor.change(uri, due_state, 0, 0, "  bogus: 1\n")
        assert "S00" in {str(d.code)[:3] for d in await editor.diagnostics(uri)}
        again = await editor.client.text_document_hover_async(
            types.HoverParams(*editor.at(uri, due_state + 1, 3))
        )
        assert again is not None and f"**state** `{name}`" in again.contents.value  # type: ignore[union-attr]

    run(scenario)


def test_hover_on_a_finding_gives_its_rules_summary(project: Path) -> None:
    broken = project / "procedures" / INTERNAL
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("next: on_duty", "next: on_dut", 1), encoding="utf-8"
    )
    line, col = find(broken, "next: on_dut")

    async def scenario(editor: Editor) -> None:
        uri = await editor.open(broken)
        await editor.diagnostics(uri)
        hover = await editor.client.text_document_hover_async(
            types.HoverParams(*editor.at(uri, line, col + 8))
        )
        assert hover is not None
        text = hover.contents.value  # type: ignore[union-attr]
        assert (
            "**P001** `unknown-target`: a route, move or outcome goes to a state that does not exist" in text
        )
        assert "docs/rules.md#p001-unknown-target" in text

    run(scenario)


# --- navigation -----------------------------------------------------------------------------


def test_definition_and_references(project: Path) -> None:
    internal = project / "procedures" / INTERNAL
    target_line, target_col = find(internal, "next: on_duty")
    state_line, _ = find(internal, "  on_duty:")
    use_line, use_col = find(internal, "procedure: art1-phone-reception")
    param_line, param_col = find(internal, '"{org_name}"')
    shared_line, shared_col = find(internal, "from: art1-phone-reception")  # a shared parameter

    async def scenario(editor: Editor) -> None:
        uri = await editor.open(internal)
        await editor.diagnostics(uri)
        found = await editor.client.text_document_definition_async(
            types.DefinitionParams(*editor.at(uri, target_line, target_col + 8))
        )
        assert isinstance(found, types.Location)
        assert (found.uri, found.range.start.line, found.range.start.character) == (uri, state_line, 2)
        other = await editor.client.text_document_definition_async(
            types.DefinitionParams(*editor.at(uri, use_line, use_col + 12))
        )
        assert isinstance(other, types.Location) and other.uri.endswith("/procedures/" + PHONE)
        assert other.range.start.line == find(project / "procedures" / PHONE, "id: art1-phone-reception")[0]
        shared = await editor.client.text_document_definition_async(
            types.DefinitionParams(*editor.at(uri, shared_line, shared_col + 8))
        )
        assert isinstance(shared, types.Location) and shared.uri.endswith("/procedures/" + PHONE)
        param = await editor.client.text_document_definition_async(
            types.DefinitionParams(*editor.at(uri, param_line, param_col + 3))
        )
        assert isinstance(param, types.Location)
        assert param.range.start.line == find(internal, "  org_name:")[0]
        refs = await editor.client.text_document_references_async(
            types.ReferenceParams(
                text_document=types.TextDocumentIdentifier(uri),
                position=types.Position(state_line, 4),
                context=types.ReferenceContext(include_declaration=False),
            )
        )
        assert refs and target_line in {r.range.start.line for r in refs}
        assert all(
            lines_of(internal)[r.range.start.line][r.range.start.character :].startswith("on_duty")
            for r in refs
        )

    run(scenario)


def test_a_guards_name_leads_to_its_field(project: Path) -> None:
    visitor = project / "procedures" / "art4-visitor-reception.yaml"
    line, col = next(
        (n, text.index("when: ") + 6)
        for n, text in enumerate(lines_of(visitor))
        if "when: " in text and text[text.index("when: ") + 6 :].lstrip("\"'")[:1].isalpha()
    )
    quoted = lines_of(visitor)[line][col] in "\"'"
    start = col + (1 if quoted else 0)
    word = lines_of(visitor)[line][start:].split()[0].rstrip("\"'")

    async def scenario(editor: Editor) -> None:
        uri = await editor.open(visitor)
        await editor.diagnostics(uri)
        found = await editor.client.text_document_definition_async(
            types.DefinitionParams(*editor.at(uri, line, start + 1))
        )
        assert isinstance(found, types.Location)
        assert lines_of(visitor)[found.range.start.line].strip().startswith(word + ":")

    run(scenario)


def test_rename_a_state_and_refuse_a_taken_name(project: Path) -> None:
    internal = project / "procedures" / INTERNAL
    state_line, _ = find(internal, "  on_duty:")

    async def scenario(editor: Editor) -> None:
        uri = await editor.open(internal)
        await editor.diagnostics(uri)
        edit = await editor.client.text_document_rename_async(
            types.RenameParams(*editor.at(uri, state_line, 3), new_name="at_the_desk")
        )
        assert edit is not None and edit.changes is not None
        edits = edit.changes[uri]
        text = internal.read_text(encoding="utf-8")
        assert len(edits) == text.count("on_duty") and all(e.new_text == "at_the_desk" for e in edits)
        with pytest.raises(Exception, match="state 'take_call' already exists"):
            await editor.client.text_document_rename_async(
                types.RenameParams(*editor.at(uri, state_line, 3), new_name="take_call")
            )

    run(scenario)


def test_rename_a_field_in_its_guards_questions_and_declaration(project: Path) -> None:
    visitor = project / "procedures" / "art4-visitor-reception.yaml"
    text = visitor.read_text(encoding="utf-8")
    line, col = find(visitor, "  visitor_kind:")

    async def scenario(editor: Editor) -> None:
        uri = await editor.open(visitor)
        await editor.diagnostics(uri)
        edit = await editor.client.text_document_rename_async(
            types.RenameParams(*editor.at(uri, line, col + 3), new_name="kind_of_visitor")
        )
        assert edit is not None and edit.changes is not None
        renamed = _apply(text, edit.changes[uri])
        assert "visitor_kind" not in renamed  # guards, `ask`, the declaration: every one
        assert renamed.count("kind_of_visitor") == len(re.findall(r"\bvisitor_kind\b", text))
        # and what is left validates as before
        visitor.write_text(renamed, encoding="utf-8")
        assert validated(visitor, visitor.parent) == []

    run(scenario)


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    lines = text.split("\n")
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        assert edit.range.start.line == edit.range.end.line
        row = lines[edit.range.start.line]
        lines[edit.range.start.line] = (
            row[: edit.range.start.character] + edit.new_text + row[edit.range.end.character :]
        )
    return "\n".join(lines)


def test_rename_a_procedure_id_across_files(project: Path) -> None:
    phone = project / "procedures" / PHONE
    id_line, id_col = find(phone, "id: art1-phone-reception")
    users = [
        p
        for p in (project / "procedures").glob("*.yaml")
        if "procedure: art1-phone-reception" in p.read_text(encoding="utf-8")
        or "from: art1-phone-reception" in p.read_text(encoding="utf-8")  # sharing a parameter from it
    ]
    assert users

    async def scenario(editor: Editor) -> None:
        uri = await editor.open(phone)
        await editor.diagnostics(uri)
        edit = await editor.client.text_document_rename_async(
            types.RenameParams(*editor.at(uri, id_line, id_col + 5), new_name="art1-telephone")
        )
        assert edit is not None and edit.changes is not None
        assert set(edit.changes) == {uri, *(from_fs_path(str(p)) for p in users)}
        with pytest.raises(Exception, match="procedure 'art1-visitor-reception' already exists"):
            await editor.client.text_document_rename_async(
                types.RenameParams(*editor.at(uri, id_line, id_col + 5), new_name="art1-visitor-reception")
            )

    run(scenario)


# --- symbols and code actions ---------------------------------------------------------------


def test_document_symbols_outline_the_states_final_ones_marked() -> None:
    internal = ROOT / "procedures" / INTERNAL

    async def scenario(editor: Editor) -> None:
        uri = await editor.open(internal)
        await editor.diagnostics(uri)
        found = await editor.client.text_document_document_symbol_async(
            types.DocumentSymbolParams(types.TextDocumentIdentifier(uri))
        )
        assert found is not None
        symbols = [s for s in found if isinstance(s, types.DocumentSymbol)]
        assert [s.name for s in symbols][:2] == ["start_of_day", "on_duty"]
        finals = {s.name for s in symbols if s.detail == "final"}
        assert finals == {"off_duty"}
        assert symbols[0].detail == "initial"

    run(scenario)


def _actions(result: Any) -> dict[str, types.CodeAction]:
    return {a.title: a for a in result or [] if isinstance(a, types.CodeAction)}


def test_code_actions_fix_a_typo_add_a_language_and_quote_a_yes_no_key(project: Path) -> None:
    broken = project / "procedures" / INTERNAL
    text = broken.read_text(encoding="utf-8").replace("next: on_duty", "next: on_dut", 1)
    text = text.replace('      en: "Start of the day"\n', "", 1)
    text = text.replace("fields:\n", "fields:\n  on:\n    type: text\n", 1)
    broken.write_text(text, encoding="utf-8")
    typo_line, typo_col = find(broken, "next: on_dut")
    title_line, _ = find(broken, '      zh-Hant: "早上上班"')
    key_line, _ = find(broken, "  on:")

    async def scenario(editor: Editor) -> None:
        uri = await editor.open(broken)
        found = await editor.diagnostics(uri)
        assert {"P001", "P018"} <= {d.code for d in found}

        async def actions(line: int) -> dict[str, types.CodeAction]:
            rng = types.Range(types.Position(line, 0), types.Position(line, 0))
            return _actions(
                await editor.client.text_document_code_action_async(
                    types.CodeActionParams(
                        types.TextDocumentIdentifier(uri), rng, types.CodeActionContext(found)
                    )
                )
            )

        typo = (await actions(typo_line))["change 'on_dut' to 'on_duty'"]
        assert typo.is_preferred and typo.diagnostics and typo.diagnostics[0].code == "P001"
        [edit] = typo.edit.changes[uri]  # type: ignore[union-attr,index]
        assert (edit.range.start.character, edit.range.end.character, edit.new_text) == (
            typo_col + 6,
            typo_col + 12,
            "on_duty",
        )
        stub = (await actions(title_line))["add the en text"]
        [edit] = stub.edit.changes[uri]  # type: ignore[union-attr,index]
        assert edit.new_text == "\n      en: TODO" and edit.range.start.line == title_line
        quote = (await actions(key_line))["quote the key 'on': YAML 1.1 readers take it for a yes/no"]
        [edit] = quote.edit.changes[uri]  # type: ignore[union-attr,index]
        assert (edit.range.start.character, edit.new_text) == (2, '"on"')

    run(scenario)


def test_a_code_action_types_the_ascii_colon_for_a_full_width_one(tmp_path: Path) -> None:
    path = tmp_path / "draft.yaml"
    text = (ROOT / "procedures" / INTERNAL).read_text(encoding="utf-8").replace("initial: ", "initial： ", 1)
    line = text.splitlines().index("initial： start_of_day")

    async def scenario(editor: Editor) -> None:
        uri = await editor.open(path, text)
        found = await editor.diagnostics(uri)
        assert [(d.code, d.range.start.line, d.range.start.character) for d in found] == [("Y016", line, 7)]
        rng = types.Range(types.Position(line, 0), types.Position(line, 0))
        result = await editor.client.text_document_code_action_async(
            types.CodeActionParams(types.TextDocumentIdentifier(uri), rng, types.CodeActionContext(found))
        )
        fix = _actions(result)["type the ASCII colon ':' for the full-width '：'"]
        [edit] = fix.edit.changes[uri]  # type: ignore[union-attr,index]
        assert (edit.range.start.character, edit.range.end.character, edit.new_text) == (7, 8, ":")

    run(scenario, cwd=tmp_path)


def test_lsp_without_pygls_says_what_to_install(
    run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [m for m in sys.modules if m == "pygls" or m.startswith("pygls.")] or ["pygls"]:
        monkeypatch.setitem(sys.modules, name, None)  # as if not installed, even if imported before
    monkeypatch.delitem(sys.modules, "procflow.lsp.server", raising=False)
    result = run_cli("lsp")
    assert result.exit_code == 2
    assert "pip install 'procflow[lsp]'" in result.output
