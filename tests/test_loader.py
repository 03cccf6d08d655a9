"""The careful YAML loader: every refusal as one coded message, YAML 1.2 scalars, positions.

Each refusal has a fixture (tests/fixtures/loader/, or made in tmp_path when a file of that
kind cannot live in git: NUL bytes, UTF-16, symlinks, a pipe) and its exact expected message
in tests/golden/loader/NAME.txt. `pytest --update-goldens` rewrites the golden files.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable
from pathlib import Path

import procflow.engine.load.yamltree as yamltree
import pytest
import yaml
from conftest import Golden
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from procflow.engine.load.yamlio import (
    DEFAULT_MAX_BYTES,
    MAX_DEPTH,
    LoadError,
    load_yaml,
    load_yaml_bytes,
    read_bytes,
)

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures" / "loader"
GOLDEN = HERE / "golden" / "loader"
VALID = HERE / "fixtures" / "valid" / "visitor.yaml"


@pytest.fixture(params=["libyaml", "pure-python"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with libyaml's parser and again with PyYAML's pure-Python fallback."""
    if request.param == "pure-python":
        monkeypatch.setattr(yamltree, "Loader", yamltree.PureLoader)
    else:
        if not hasattr(yamltree, "FastLoader"):
            pytest.skip("PyYAML was built without libyaml")
        monkeypatch.setattr(yamltree, "Loader", yamltree.FastLoader)
    return str(request.param)


def refusal(path: str, **kwargs: int) -> str:
    with pytest.raises(LoadError) as caught:
        load_yaml(path, **kwargs)
    return str(caught.value.diagnostic)


# --- one fixture file per refusal -------------------------------------------------------------

FIXTURE_NAMES = sorted(p.stem for p in FIXTURES.glob("*.yaml"))


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_refusal_matches_golden(name: str, monkeypatch: pytest.MonkeyPatch, golden: Golden) -> None:
    monkeypatch.chdir(FIXTURES)
    message = refusal(f"{name}.yaml")
    assert f"[{name[:4].upper()}]" in message, "a fixture's name starts with the code it must produce"
    golden(GOLDEN / f"{name}.txt", message + "\n")


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_pure_python_fallback_refuses_with_the_same_code(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    fast = refusal(f"{name}.yaml")
    monkeypatch.setattr(yamltree, "Loader", yamltree.PureLoader)
    pure = refusal(f"{name}.yaml")
    assert pure.rsplit("[", 1)[1] == fast.rsplit("[", 1)[1]
    if not name.startswith(("y005", "y008")):  # the two parsers word syntax errors differently
        assert pure == fast


def test_golden_files_all_belong_to_a_fixture() -> None:
    made = {name for name, _ in SPECIAL_FILES} | {"y004-max-bytes", "y014-unreadable"}
    for golden in GOLDEN.glob("*.txt"):
        assert golden.stem in set(FIXTURE_NAMES) | made, f"stray golden file {golden}"


# --- refusals that need a file made on the spot ------------------------------------------------


def _utf16(path: Path) -> None:
    path.write_bytes("procflow: 1\nid: visitor\n".encode("utf-16"))


def _utf16_no_bom(path: Path) -> None:
    path.write_bytes("procflow: 1\nid: visitor\n".encode("utf-16-le"))


def _utf32(path: Path) -> None:
    path.write_bytes("procflow: 1\n".encode("utf-32"))


def _nul(path: Path) -> None:
    path.write_bytes(b"procflow: 1\nid: visi\x00tor\n")


def _control(path: Path) -> None:
    path.write_bytes("procflow: 1\ntitle: 來訪\x07者\n".encode())


def _too_big(path: Path) -> None:
    path.write_bytes(b"# " + b"x" * DEFAULT_MAX_BYTES + b"\n")


def _directory(path: Path) -> None:
    path.mkdir()


def _dangling(path: Path) -> None:
    path.symlink_to(path.parent / "gone.yaml")


def _loop(path: Path) -> None:
    path.symlink_to(path)


def _fifo(path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    os.mkfifo(path)


def _missing(path: Path) -> None:
    pass


SPECIAL_FILES: list[tuple[str, Callable[[Path], None]]] = [
    ("y002-utf16", _utf16),
    ("y002-utf16-no-bom", _utf16_no_bom),
    ("y002-utf32", _utf32),
    ("y003-nul", _nul),
    ("y004-too-big", _too_big),
    ("y005-control-character", _control),
    ("y011-directory", _directory),
    ("y011-dangling-symlink", _dangling),
    ("y011-symlink-loop", _loop),
    ("y011-fifo", _fifo),
    ("y011-missing", _missing),
]


@pytest.mark.parametrize(("name", "make"), SPECIAL_FILES, ids=[n for n, _ in SPECIAL_FILES])
def test_special_file_refusal_matches_golden(
    name: str, make: Callable[[Path], None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, golden: Golden
) -> None:
    make(tmp_path / f"{name}.yaml")
    monkeypatch.chdir(tmp_path)
    started = time.perf_counter()
    message = refusal(f"{name}.yaml")
    assert time.perf_counter() - started < 1, "a pipe or a loop must not block the loader"
    golden(GOLDEN / f"{name}.txt", message + "\n")


def test_size_limit_is_configurable(monkeypatch: pytest.MonkeyPatch, golden: Golden) -> None:
    monkeypatch.chdir(VALID.parent)
    golden(GOLDEN / "y004-max-bytes.txt", refusal(VALID.name, max_bytes=100) + "\n")
    assert load_yaml(VALID.name, max_bytes=VALID.stat().st_size).data["id"] == "sample-visitor"
    with pytest.raises(LoadError, match=r"over the limit of 100 bytes \[Y004\]"):
        load_yaml_bytes(VALID.read_bytes(), "x.yaml", max_bytes=100)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, golden: Golden) -> None:
    target = tmp_path / "locked.yaml"
    target.write_text("procflow: 1\n")
    monkeypatch.chdir(tmp_path)
    if os.name == "posix" and os.geteuid() != 0:  # root reads everything: simulate it below
        target.chmod(0)
        assert refusal("locked.yaml") == "locked.yaml:0:0: cannot be read: permission denied [Y014]"
        target.chmod(0o644)

    def denied(path: str, flags: int, *args: int) -> int:
        raise PermissionError(errno.EACCES, "Permission denied", path)

    monkeypatch.setattr(os, "open", denied)
    golden(GOLDEN / "y014-unreadable.txt", refusal("locked.yaml") + "\n")


# --- what loads, and how --------------------------------------------------------------------------


def test_yaml_1_1_surprises_do_not_happen(loader: str) -> None:
    text = (
        "a: on\nb: off\nc: yes\nd: no\ne: y\nf: n\ng: 1:30\nh: 2026-03-07\ni: 0o17\nj: 012\n"
        "k: true\nl: False\nm: ~\nn:\no: 1e3\np: .5\nq: -2.5e2\nr: 0x1F\ns: '1'\nt: !!str 12\n"
        "u: 1_000\nv: +7\n1: numeric key\ntrue: boolean key\n"
    )
    data = load_yaml_bytes(text.encode()).data
    assert data == {
        "a": "on",
        "b": "off",
        "c": "yes",
        "d": "no",
        "e": "y",
        "f": "n",
        "g": "1:30",
        "h": "2026-03-07",
        "i": 15,
        "j": 12,
        "k": True,
        "l": False,
        "m": None,
        "n": None,
        "o": 1000.0,
        "p": 0.5,
        "q": -250.0,  # .inf and .nan are refused (Y015)
        "r": 31,
        "s": "1",
        "t": "12",
        "u": "1_000",
        "v": 7,
        "1": "numeric key",
        "true": "boolean key",
    }
    assert type(data["j"]) is int and type(data["o"]) is float


def test_explicit_standard_tags_are_checked() -> None:
    assert load_yaml_bytes(b"a: !!int '7'\nb: !!float 2\nc: !!bool true\nd: !!null ''\n").data == {
        "a": 7,
        "b": 2.0,
        "c": True,
        "d": None,
    }
    with pytest.raises(LoadError, match=r"<string>:1:4: 'yes' is not a valid !!bool \[Y010\]"):
        load_yaml_bytes(b"a: !!bool yes\n")


def test_utf8_with_bom_reads_like_without(loader: str) -> None:
    raw = VALID.read_bytes()
    plain, bom = load_yaml_bytes(raw, "a.yaml"), load_yaml_bytes(b"\xef\xbb\xbf" + raw, "a.yaml")
    assert plain.data == bom.data
    for pointer in ("/id", "/states/stand/do/0/text/zh-Hant", "/states/done/final"):
        assert plain.locate(pointer) == bom.locate(pointer)


def test_not_utf8_points_at_the_first_bad_byte_with_bom() -> None:
    raw = b"\xef\xbb\xbfprocflow: 1\ntitle: " + "來訪".encode() + "者".encode("big5") + b"\n"
    with pytest.raises(LoadError) as caught:
        load_yaml_bytes(raw, "x.yaml")
    assert (caught.value.diagnostic.line, caught.value.diagnostic.col) == (2, 10)


def test_columns_count_characters_not_bytes(loader: str) -> None:
    text = "title: 來訪者接待\nsource: 第四篇 · 來訪者: 2\nstates: {接待: {final: true}}\n"
    with pytest.raises(LoadError) as caught:
        load_yaml_bytes(text.encode(), "x.yaml")
    found = caught.value.diagnostic
    assert (found.code, found.line, found.col) == ("Y005", 2, 18)  # the ":" after 來訪者
    document = load_yaml_bytes("title: 來訪者接待\nstates: {接待: {final: true}, 送客: x}\n".encode())
    assert document.locate("/states/送客", key=True) == (2, 29)
    assert document.locate("/states/送客") == (2, 33)


def test_control_character_position_after_chinese_text(loader: str) -> None:
    with pytest.raises(LoadError) as caught:
        load_yaml_bytes("a: 來訪者\x07\n".encode(), "x.yaml")
    assert (
        str(caught.value) == "x.yaml:1:7: control character U+0007 is not allowed in YAML; remove it [Y005]"
    )


def test_locate_keys_values_items_and_missing_paths() -> None:
    document = load_yaml(VALID)
    assert document.locate("") == (2, 1)
    assert document.locate("/states/inquire", key=True) == (35, 3)
    assert document.locate("/states/inquire") == (36, 5)
    assert document.locate("/states/inquire/next/1/when") == (44, 33)
    assert document.locate("/states/inquire/next/9") == document.locate("/states/inquire/next")
    assert (
        document.locate("/states/nowhere/deeper", key=True) == document.locate("/states", key=True) == (22, 1)
    )
    assert document.locate("/states/nowhere/deeper") == document.locate("/states") == (23, 3)
    assert document.locate("/id", key=True) == (3, 1)


def test_a_few_anchors_are_fine_and_shared_values_equal() -> None:
    text = b"roles:\n  desk: &desk {zh-Hant: x, en: y}\n  night: *desk\n  day: *desk\n"
    data = load_yaml_bytes(text).data
    assert data["roles"]["night"] == data["roles"]["desk"] == {"zh-Hant": "x", "en": "y"}


def test_billion_laughs_is_refused_quickly(loader: str) -> None:
    raw = (FIXTURES / "y007-billion-laughs.yaml").read_bytes()
    started = time.perf_counter()
    with pytest.raises(LoadError, match=r"\[Y007\]"):
        load_yaml_bytes(raw)
    assert time.perf_counter() - started < 0.25  # measured: about 5 ms with libyaml


def test_deep_nesting_is_refused_by_both_parsers(loader: str) -> None:
    for text in ("a: " + "[" * 5000 + "]" * 5000, "a:\n" + "".join("  " * i + "a:\n" for i in range(1, 400))):
        with pytest.raises(LoadError, match=rf"nesting is deeper than {MAX_DEPTH} levels \[Y008\]"):
            load_yaml_bytes(text.encode())


def test_nesting_at_the_limit_loads() -> None:
    data = load_yaml_bytes(("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)).encode()).data
    assert isinstance(data["a"], list)


def test_one_explicit_document_is_fine() -> None:
    assert load_yaml_bytes(b"---\nprocflow: 1\n...\n").data == {"procflow": 1}


def test_read_bytes_is_what_load_yaml_reads() -> None:
    assert read_bytes(str(VALID)) == VALID.read_bytes()


def test_loading_a_20_state_file_is_fast() -> None:
    raw = _twenty_states().encode()
    load_yaml_bytes(raw)
    started = time.process_time()
    for _ in range(50):
        load_yaml_bytes(raw)
    per_file = (time.process_time() - started) / 50
    assert per_file < 0.02, f"{per_file * 1000:.1f} ms per file (about 1.5 ms expected)"


def _twenty_states() -> str:
    lines = ["procflow: 1", "id: twenty", "title: {zh-Hant: 二十, en: Twenty}", "initial: s0", "states:"]
    for i in range(19):
        lines += [
            f"  s{i}:",
            f"    title: {{zh-Hant: 步驟{i}, en: Step {i}}}",
            "    role: front_desk",
            "    do:",
            "      - {zh-Hant: 立即起立,目光直視來訪者, en: Stand up at once}",
            f"    due: [{{id: d{i}, within: 1 minute}}]",
            f"    next: s{i + 1}",
        ]
    return "\n".join([*lines, "  s19: {final: true}", ""])


# --- never anything but LoadError -------------------------------------------------------------

TOKENS = [
    *"ab1 :-,[]{}&*!|>'\"#?%@`\t\n\\~.0x來訪",
    "\n  ",
    ": ",
    "- ",
    "<<",
    "---",
    "...",
    "&a ",
    "*a",
    "!!python/name:os.system ",
    "!x ",
    "\ufeff",
    "\x00",
    "\x85",
    "\u2028",
]
YAMLISH = st.lists(st.sampled_from(TOKENS), max_size=80).map("".join)


def _only_load_errors(raw: bytes) -> None:
    try:
        document = load_yaml_bytes(raw)
    except LoadError as exc:
        assert exc.diagnostic.code.startswith("Y") and exc.diagnostic.message
    else:
        assert isinstance(document.data, dict)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
def test_random_bytes_give_only_load_errors(raw: bytes, loader: str) -> None:
    _only_load_errors(raw)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=300), YAMLISH))
def test_random_text_gives_only_load_errors(text: str, loader: str) -> None:
    _only_load_errors(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_mutations_of_a_valid_file_give_only_load_errors(data: st.DataObject) -> None:
    raw = bytearray(VALID.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at : at + data.draw(st.integers(0, 3))] = data.draw(st.binary(max_size=3))
    _only_load_errors(bytes(raw))


def test_pyyaml_itself_would_have_accepted_what_we_refuse() -> None:
    """The refusals are procflow's own: plain PyYAML silently keeps the last duplicate."""
    raw = (FIXTURES / "y006-duplicate-key.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(raw)["states"]["stand"]["next"] == "see_off"


# --- full-width punctuation and tabs (Y016-Y019) and their fixes ----------------------------------

TYPOS = sorted(p for p in FIXTURES.glob("y01[6-9]-*.yaml"))


@pytest.mark.parametrize("path", TYPOS, ids=lambda p: p.stem)
def test_a_typing_mistake_is_found_where_it_is_typed_and_its_fix_loads(path: Path, loader: str) -> None:
    from procflow.engine.load.typos import diagnostic_fix

    text = path.read_text(encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_yaml_bytes(text.encode(), str(path))
    found = caught.value.diagnostic
    line = text.splitlines()[found.line - 1]
    assert line[found.col - 1] == {"Y016": "：", "Y017": "　", "Y018": "，", "Y019": "\t"}[found.code]
    assert found.code == path.name[:4].upper()
    for _ in range(5):  # one fix per finding: a file with two tabbed lines takes two
        fix = diagnostic_fix(found, text)
        assert fix is not None and fix.line == found.line
        lines = text.splitlines(keepends=True)
        target = lines[fix.line - 1]
        lines[fix.line - 1] = target[: fix.col - 1] + fix.replacement + target[fix.col - 1 + fix.length :]
        text = "".join(lines)
        try:
            load_yaml_bytes(text.encode(), str(path))  # the fixed text loads
            return
        except LoadError as exc:
            found = exc.diagnostic
            assert found.code == path.name[:4].upper(), found
    raise AssertionError(f"{path.name} still does not load after its fixes")


def test_the_fixes_replace_exactly_the_mistake() -> None:
    from procflow.engine.load.typos import Fix, fix_for

    assert fix_for("Y016", "a:\n  stand：\n", 2, 8) == Fix(2, 8, 1, ":")
    assert fix_for("Y016", "id：v\n", 1, 3) == Fix(1, 3, 1, ": ")
    assert fix_for("Y016", "id： v\n", 1, 3) == Fix(1, 3, 1, ":")
    assert fix_for("Y017", "　　title: x\n", 1, 1) == Fix(1, 1, 2, "  ")
    assert fix_for("Y018", "x: [a，b]\n", 1, 6) == Fix(1, 6, 1, ", ")
    assert fix_for("Y019", "  \t\tnext: a\n", 1, 3) == Fix(1, 1, 4, "      ")
    assert fix_for("Y016", "stand: x\n", 1, 6) is None  # the text changed since: no fix
    assert fix_for("Y016", "", 3, 1) is None


@pytest.mark.parametrize(
    "text",
    [
        "title: 備註：請先登記，謝謝　好\n",
        'say: ["您好，請問您找哪一位？", "a：b"]\n',
        "do:\n  - 起立：有訪客來時，立即起立\n",
        "notes: {zh-Hant: 前臺：保持整潔, en: Tidy}\n",
        "'名稱：值': 1\n",
        "text: |\n  第一行：\n  \t第二行，　\n",
    ],
)
def test_full_width_punctuation_inside_text_is_text(text: str, loader: str) -> None:
    load_yaml_bytes(text.encode())


def test_the_message_speaks_both_languages() -> None:
    from procflow.engine.base.messages import message
    from procflow.engine.load.typos import KEYS, describe

    for code, key in KEYS.items():
        assert describe(code) == f"{message('en', key)} ({message('zh-Hant', key)})"
    assert "type ': '" in describe("Y016") and "請打「: 」" in describe("Y016")
