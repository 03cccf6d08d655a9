"""Formatters against golden files; the caret under wide characters; source line reading.

Run `pytest --update-goldens` to rewrite the golden files after an intended change, then
review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Golden
from hypothesis import given, settings
from hypothesis import strategies as st
from procflow.engine.base.diagnostic import Diagnostic, Severity
from procflow.engine.output import diagnostics as report

GOLDEN = Path(__file__).parent / "golden" / "report"

E, W = Severity.ERROR, Severity.WARNING
TITLE = "title: {zh-Hant: 來訪者接待, en: Visitor reception}"
PHRASE = "      - {zh-Hant: 您好，{org}，請問您找哪一位？, en: Hello, who would you like to see?}"
GUARD = '      - {to: interview, when: visitor_kind == "interviewe"}'

DIAGNOSTICS = sorted(
    [
        Diagnostic("procs/visitor.yaml", 4, 25, "P015", W, "text misses language 'fr'", "/title"),
        Diagnostic(
            "procs/visitor.yaml",
            40,
            48,
            "P008",
            E,
            "'interviewe' is not an option of 'visitor_kind'; did you mean 'interviewee'?",
            "/states/inquire/next/0/when",
        ),
        Diagnostic(
            "procs/visitor.yaml",
            37,
            22,
            "P014",
            E,
            "unknown parameter 'org'",
            "/states/inquire/say/0/zh-Hant",
        ),
        Diagnostic(
            "procs/big.yaml",
            0,
            0,
            "Y004",
            E,
            "file is 2,000,000 bytes, over the limit of 1,048,576 bytes",
            "",
        ),
        Diagnostic(
            "procs/odd,name.yaml", 2, 1, "S001", E, "50% done: a message\nover two lines, with: colons", "/id"
        ),
    ]
)
SOURCES = {
    ("procs/visitor.yaml", 4): TITLE,
    ("procs/visitor.yaml", 37): PHRASE,
    ("procs/visitor.yaml", 40): GUARD,
    ("procs/odd,name.yaml", 2): "id: x",
}


@pytest.mark.parametrize("name", sorted(report.FORMATS))
def test_formats_match_their_golden_files(name: str, golden: Golden) -> None:
    extension = {"json": "json"}.get(name, "txt")
    output = report.FORMATS[name](DIAGNOSTICS, files=3, sources=SOURCES)
    golden(GOLDEN / f"{name}.{extension}", output)


@pytest.mark.parametrize("name", sorted(report.FORMATS))
def test_clean_runs_match_their_golden_files(name: str, golden: Golden) -> None:
    extension = {"json": "json"}.get(name, "txt")
    golden(GOLDEN / f"{name}-clean.{extension}", report.FORMATS[name]([], files=12))


def caret_column(prefix: str) -> int:
    """Terminal cells before the caret, counting a wide character as two."""
    return sum(2 if c == "\u3000" else 1 for c in prefix)


def test_caret_sits_under_the_column_after_chinese_text() -> None:
    # `en` starts at column 25; the five characters of 來訪者接待 take two cells each
    assert TITLE[24:26] == "en"
    assert report.caret_prefix(TITLE, 25) == " " * (24 + 5)
    warning = [d for d in DIAGNOSTICS if d.code == "P015"]
    text = report.format_text(warning, files=1, sources=SOURCES)
    source, caret = text.splitlines()[1:3]
    assert source == "    " + TITLE
    assert caret == "    " + " " * 29 + "^"


def test_caret_after_chinese_and_full_width_punctuation() -> None:
    # `{org}` at column 22 follows 18 narrow characters and 您好，(three wide ones)
    assert PHRASE[21:26] == "{org}"
    assert report.caret_prefix(PHRASE, 22) == " " * (18 + 6)


def test_full_width_punctuation_counts_two_cells() -> None:
    # ，and ？ are full-width (F): 您好，請問 = 5 wide characters before 請問's end
    assert report.caret_prefix("您好，請問x", 6) == " " * 10


def test_combining_marks_take_no_cell_and_tabs_stay_tabs() -> None:
    assert report.caret_prefix("e\u0301x", 3) == " "
    assert report.caret_prefix("\tkey: 值", 8) == "\t" + " " * 5 + "  "


def test_a_position_without_a_known_line_shows_no_excerpt() -> None:
    lines = report.format_text(DIAGNOSTICS[:1], files=1, sources={}).splitlines()
    assert lines == [
        "procs/big.yaml: error: file is 2,000,000 bytes, over the limit of 1,048,576 bytes [Y004]",
        "1 file checked: 1 error, 0 warnings",
    ]


def test_json_is_readable_utf8_and_complete() -> None:
    data = json.loads(report.format_json(DIAGNOSTICS, files=3))
    assert data["version"] == report.JSON_FORMAT_VERSION
    assert data["summary"] == {"files": 3, "errors": 4, "warnings": 1}
    assert [d["code"] for d in data["diagnostics"]] == [d.code for d in DIAGNOSTICS]
    assert set(data["diagnostics"][0]) == {"path", "line", "col", "severity", "code", "message", "pointer"}
    assert "來訪者" not in report.format_json(DIAGNOSTICS, files=3)  # no Chinese in these messages
    chinese = [Diagnostic("a.yaml", 1, 1, "P001", E, "state '接待' is unreachable", "")]
    assert "'接待'" in report.format_json(chinese, files=1)


def test_text_keeps_one_line_per_finding() -> None:
    odd = [d for d in DIAGNOSTICS if d.code == "S001"]
    first = report.format_text(odd, files=1).splitlines()[0]
    assert (
        first == "procs/odd,name.yaml:2:1: error: 50% done: a message\\nover two lines, with: colons [S001]"
    )


def test_github_escapes_what_would_break_an_annotation() -> None:
    line = report.format_github(DIAGNOSTICS, files=3).splitlines()[1]
    assert line == (
        "::error file=procs/odd%2Cname.yaml,line=2,col=1,title=S001"
        "::50%25 done: a message%0Aover two lines, with: colons"
    )


def test_summary_line_counts_and_plurals() -> None:
    one = [Diagnostic("a.yaml", 1, 1, "P001", W, "w", "")]
    assert report.summary_line(one, 1) == "1 file checked: 0 errors, 1 warning"
    assert report.summary_line([], 0) == "0 files checked: no problems"


def test_source_lines_reads_yaml_lines_as_the_loader_counts_them(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes("\ufeffa: 1\r\nb: \x0c2\r\nc: 名\x85d: 4\n".encode())
    name = str(path)
    found = report.source_lines(
        [Diagnostic(name, n, 1, "S001", E, "m", "") for n in (1, 2, 3, 4, 9)]
        + [Diagnostic(str(tmp_path / "gone.yaml"), 1, 1, "S001", E, "m", "")]
    )
    assert found == {(name, 1): "a: 1", (name, 2): "b: \ufffd2", (name, 3): "c: 名", (name, 4): "d: 4"}


def test_json_stays_valid_utf8_for_a_file_name_that_is_not() -> None:
    name = "procs/bad\udcffname.yaml"  # how Python holds the name's byte 0xff
    output = report.format_json([Diagnostic(name, 1, 1, "S001", E, "m", "")], files=1)
    assert output.encode("utf-8")
    assert json.loads(output)["diagnostics"][0]["path"] == name


# any character, and those JSON escapes or a terminal obeys: lone surrogates (a file name that
# is not UTF-8), controls, line separators, quotes and backslashes
ANY_TEXT = st.text(
    st.one_of(
        st.characters(), st.sampled_from(["\udc80", "\ud800", "\x1b", "\x00", "\u2028", "\x85", "\\", '"'])
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.builds(
            Diagnostic,
            ANY_TEXT,
            st.integers(0, 10**6),
            st.integers(0, 500),
            st.sampled_from(["P001", "Y004", "C008", 'odd "code"']),
            st.sampled_from(list(Severity)),
            ANY_TEXT,
            ANY_TEXT,
        ),
        max_size=4,
    ),
    st.integers(0, 10**6),
)
def test_json_is_what_the_json_module_writes(diagnostics: list[Diagnostic], files: int) -> None:
    """The JSON format writes each finding itself (the indented json.dumps is slow for a
    report of 150,000): byte for byte what json.dumps writes, surrogates and controls included."""
    counts = report.summary(diagnostics, files)
    rows = [
        {
            "path": d.path,
            "line": d.line,
            "col": d.col,
            "severity": d.severity.value,
            "code": d.code,
            "message": d.message,
            "pointer": d.pointer,
        }
        for d in diagnostics
    ]
    expected = json.dumps(
        {"version": report.JSON_FORMAT_VERSION, "summary": counts, "diagnostics": rows},
        ensure_ascii=False,
        indent=2,
    )
    expected += "\n"
    try:
        expected.encode("utf-8")
    except UnicodeEncodeError:
        expected = "".join(f"\\u{ord(c):04x}" if "\ud800" <= c <= "\udfff" else c for c in expected)
    assert report.format_json(diagnostics, files=files) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.builds(
            Diagnostic,
            st.sampled_from(["a.yaml", "odd,name:%.yaml", "b.yaml"]),
            st.integers(-1, 50),
            st.integers(-1, 50),
            st.sampled_from(["P001", "Y004", "a,b:c"]),
            st.sampled_from(list(Severity)),
            ANY_TEXT,
            ANY_TEXT,
        ),
        max_size=6,
    )
)
def test_github_annotations_escape_each_finding_as_the_workflow_commands_say(
    diagnostics: list[Diagnostic],
) -> None:
    """Paths and codes are escaped once per run, not per finding: the same annotations as
    escaping each finding's properties on its own."""

    def escape(value: str, prop: bool) -> str:
        value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return value.replace(":", "%3A").replace(",", "%2C") if prop else value

    lines = []
    for d in diagnostics:
        props = [f"file={escape(d.path, True)}"]
        if d.line > 0:
            props.append(f"line={d.line}")
            if d.col > 0:
                props.append(f"col={d.col}")
        props.append(f"title={escape(d.code, True)}")
        lines.append(f"::{d.severity.value} {','.join(props)}::{escape(d.message, False)}")
    lines.append(report.summary_line(diagnostics, 2))
    assert report.format_github(diagnostics, files=2) == "\n".join(lines) + "\n"
