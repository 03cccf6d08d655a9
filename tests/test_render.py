"""`procflow show`: the printable SOP in text and Markdown, both languages, against golden files.

`pytest --update-goldens` rewrites the golden files after a deliberate change: read the diff
before committing it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from conftest import Golden
from procflow.engine.base import errors
from procflow.engine.check.files import check_document
from procflow.engine.load.yamlio import load_yaml
from procflow.engine.model.procedure import Procedure, build_procedure
from procflow.engine.output.layout import display_width, md_code, md_escape
from procflow.engine.output.sop import render_sop

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden" / "render"
VISITOR = REPO / "tests" / "fixtures" / "valid" / "visitor.yaml"
RunCli = Callable[..., Result]
SUFFIX = {"text": "txt", "markdown": "md"}


def rich() -> Procedure:
    """A procedure that uses every part of the language a printed SOP shows (and is valid)."""
    document = load_yaml(GOLDEN / "rich.yaml")
    procedure, found = check_document(document)
    assert procedure is not None and not [d for d in found if d.is_error], found
    return procedure


@pytest.mark.parametrize("fmt", ["text", "markdown"])
@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
def test_show_visitor_golden(run_cli: RunCli, fmt: str, lang: str, golden: Golden) -> None:
    result = run_cli("show", "sample-visitor", "--dir", str(VISITOR.parent), "--format", fmt, "--lang", lang)
    assert result.exit_code == 0, result.output
    golden(GOLDEN / f"visitor.{lang}.{SUFFIX[fmt]}", result.stdout)


@pytest.mark.parametrize(("fmt", "lang"), [("text", "en"), ("markdown", "zh-Hant")])
def test_rich_golden(fmt: str, lang: str, golden: Golden) -> None:
    golden(GOLDEN / f"rich.{lang}.{SUFFIX[fmt]}", render_sop(rich(), lang=lang, fmt=fmt))


def test_show_reading_order_and_parts() -> None:
    text = render_sop(rich(), lang="en")
    steps = [line for line in text.splitlines() if line[:1].isdigit()]
    assert steps == [
        "1. Prepare (prepare)",
        "2. Large room (big_room)",
        "3. Phone the host (call)",
        "4. Greet (greet)",
        "5. done (done)",
    ]
    for part in (
        "   Role: Front desk",
        "     » Welcome to 四川大宗 [第一篇 五.5] — (note) Smile",  # parameter filled, words set apart
        "     [ ] Prepare tea (optional) — (typo) source says 茶水",
        "     - Room (room): one of small | large",
        "     - Attendees (attendees): number, min 1, max 200, whole number, optional [第一篇 五.1(2)]",
        '     - if room == "large" and attendees > 20 (priority 1) → 2. Large room (big_room) — (note) Large meetings',
        "     - otherwise → 4. Greet (greet)",
        "     - ready: 30 minutes before “Meeting start” — Room ready",
        "     - patrol: every 15 minutes while in this step — Walk round",
        "     - since_prepare: within 1 hour of entering “Prepare”",
        "   Runs procedure: phone-call — caller = 四川大宗",
        "     - no_answer → 5. done (done)",
        "   End: outcome hosted",
        "  - fine 2 or more in a month: A fine [第三篇 八.2] — (resolution) The heavier one applies",
    ):
        assert part in text.splitlines(), part


def test_show_names_used_procedures_by_title(tmp_path: Path, run_cli: RunCli) -> None:
    sub = tmp_path / "sub.yaml"
    sub.write_text(
        "procflow: 1\nid: phone-call\ntitle: {zh-Hant: 電話, en: Phone call}\ninitial: a\n"
        "states:\n  a: {next: reached}\n  reached: {final: true}\n  no_answer: {final: true}\n",
        encoding="utf-8",
    )
    text = render_sop(
        rich(), lang="en", procedure_titles={"phone-call": build_procedure(load_yaml(sub).data).title}
    )
    assert "   Runs procedure: phone-call Phone call — caller = 四川大宗" in text.splitlines()


def test_markdown_escapes_prose_but_not_code() -> None:
    md = render_sop(rich(), lang="en", fmt="markdown")
    assert md.startswith("# Meeting reception \\*important\\*\n")
    assert "Preparing and hosting an internal meeting; 1. first \\| then \\[more\\](x) \\<b\\>" in md
    assert "- (note) - a plain note" in md
    assert "- Phone (`phone`): text, matching `^[0-9-]+$`, min 6, max 20, personal data" in md
    assert "- [ ] Book the room (\\`四川大宗\\` policy) \\[第一篇 五.1(1)\\]" in md
    assert "> Welcome to 四川大宗 \\[第一篇 五.5\\] — (note) Smile\n\n> This way, please" in md


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a*b_c", "a\\*b\\_c"),
        ("1. first", "1\\. first"),
        ("12) twelve", "12\\) twelve"),
        ("3.5 kg", "3.5 kg"),
        ("- dash", "\\- dash"),
        ("x | y", "x \\| y"),
        ("<script>", "\\<script\\>"),
        ("#1 [a](b)", "\\#1 \\[a\\](b)"),
        ("line\nbreak", "line break"),
        ('「引號」與 "quotes"', '「引號」與 "quotes"'),
    ],
)
def test_md_escape(raw: str, escaped: str) -> None:
    assert md_escape(raw) == escaped


@pytest.mark.parametrize(
    ("raw", "span"), [("a == 1", "`a == 1`"), ('x == "`"', '``x == "`"``'), ("`a`", "`` `a` ``")]
)
def test_md_code(raw: str, span: str) -> None:
    assert md_code(raw) == span


def test_display_width_counts_wide_characters_twice() -> None:
    assert display_width("abc") == 3
    assert display_width("來訪者") == 6
    assert display_width("a,「b」") == 7  # full-width brackets are wide, the folded comma is not
    assert display_width("e\u0301") == 1  # a combining accent takes no cell


def test_show_refuses_a_procedure_with_errors(run_cli: RunCli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(VISITOR.read_text(encoding="utf-8").replace("next: done", "next: gone"), encoding="utf-8")
    result = run_cli("show", str(bad))
    assert result.exit_code == errors.EXIT_FINDINGS
    assert result.stdout == ""
    assert f"{bad}:" in result.stderr and "'gone'" in result.stderr
    assert (
        result.stderr.splitlines()[-1]
        == f"procflow: '{bad}' has errors; fix them first (`procflow validate {bad}`)"
    )


def test_show_schema_error_is_located(run_cli: RunCli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        VISITOR.read_text(encoding="utf-8").replace("initial: stand", "initial: 3"), encoding="utf-8"
    )
    result = run_cli("show", str(bad))
    assert result.exit_code == errors.EXIT_FINDINGS
    # the schema stage's own wording is not this test's business: its place and code are
    assert re.search(rf"^{re.escape(str(bad))}:21:10: error: .* \[S\d{{3}}\]$", result.stderr, re.M)


def test_show_unknown_id_and_missing_file(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROCFLOW_PATH", raising=False)
    result = run_cli("show", "sample-vistor", "--dir", str(VISITOR.parent))
    assert result.exit_code == errors.EXIT_NOT_FOUND
    assert result.stderr == "procflow: no procedure with id 'sample-vistor'; did you mean 'sample-visitor'?\n"
    missing = run_cli("show", "nowhere/x.yaml")
    assert missing.exit_code == errors.EXIT_USAGE
    assert (
        missing.stderr
        == "procflow: file 'nowhere/x.yaml' does not exist; expected a procedure id or a .yaml file\n"
    )
    bad_format = run_cli("show", str(VISITOR), "--format", "pdf")
    assert bad_format.exit_code == errors.EXIT_USAGE


def test_show_by_path_and_default_language(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert run_cli("show", str(VISITOR)).stdout.startswith("Visitor reception\n=================\n")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert run_cli("show", str(VISITOR)).stdout.startswith("來訪者接待\n==========\n")


def test_show_by_path_names_a_used_procedure_beside_it(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "rich.yaml").write_text((GOLDEN / "rich.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "phone.yaml").write_text(
        "procflow: 1\nid: phone-call\ntitle: {zh-Hant: 電話, en: Phone call}\ninitial: a\n"
        "states:\n  a: {next: reached}\n  reached: {final: true}\n",
        encoding="utf-8",
    )
    result = run_cli("show", str(tmp_path / "rich.yaml"), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "   Runs procedure: phone-call Phone call — caller = 四川大宗" in result.stdout.splitlines()
