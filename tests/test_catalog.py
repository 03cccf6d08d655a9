"""Finding procedures: bundled data, --dir, PROCFLOW_PATH, ids, and `procflow list`."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from procflow.engine.base import errors, paths
from procflow.engine.check import catalog, files
from procflow.engine.load import yamlio

REPO = Path(__file__).resolve().parent.parent
VALID = REPO / "tests" / "fixtures" / "valid"
RunCli = Callable[..., Result]


@pytest.fixture
def no_bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Hide the bundled procedures (they are being written) so outputs are exact."""
    empty = tmp_path / "no-bundled"
    empty.mkdir()
    monkeypatch.setattr(catalog, "procedures_dir", lambda: empty)
    monkeypatch.delenv("PROCFLOW_PATH", raising=False)
    return empty


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def minimal(proc_id: str, title: str = "T") -> str:
    return (
        f"procflow: 1\nid: {proc_id}\ntitle: {title}\ninitial: a\n"
        "states:\n  a: {next: b}\n  b: {final: true}\n"
    )


def test_checkout_data_is_beside_engine() -> None:
    assert not (REPO / "engine" / "_bundled").exists(), "a build left engine/_bundled in the checkout"
    assert paths.procedures_dir() == REPO / "procedures"
    assert paths.schema_path() == REPO / "schemas" / "procedure.schema.json"
    assert paths.schema_path().is_file()


def test_procedure_files_recursive_sorted_and_skip_hidden(tmp_path: Path) -> None:
    write(tmp_path / "b.yaml", "x: 1")
    write(tmp_path / "a" / "c.yml", "x: 1")
    write(tmp_path / ".git" / "d.yaml", "x: 1")
    write(tmp_path / "notes.txt", "x")
    assert catalog.procedure_files(tmp_path) == [tmp_path / "a" / "c.yml", tmp_path / "b.yaml"]
    assert catalog.procedure_files(tmp_path / "missing") == []


def test_index_reads_id_title_source_and_states(no_bundled: Path) -> None:
    found = catalog.build_catalog([VALID])
    entry = found.find("sample-visitor")
    assert entry.path == VALID / "visitor.yaml"
    assert entry.origin == "--dir"
    assert entry.title.get("en") == "Visitor reception"
    assert entry.source == "第四篇 前臺接待規程 · 來訪者接待"
    assert entry.states == 6
    assert found.problems == () and found.shadowed == ()


def test_search_order_dir_then_path_then_bundled(tmp_path: Path, no_bundled: Path) -> None:
    first = write(tmp_path / "one" / "p.yaml", minimal("p", "from dir"))
    second = write(tmp_path / "two" / "p.yaml", minimal("p", "from path"))
    write(tmp_path / "two" / "q.yaml", minimal("q"))
    bundled = write(no_bundled / "q.yaml", minimal("q", "bundled"))
    write(no_bundled / "r.yaml", minimal("r"))
    env = {"PROCFLOW_PATH": os.pathsep.join(["", str(tmp_path / "two"), " "])}
    found = catalog.build_catalog([tmp_path / "one"], environ=env)
    assert list(found.entries) == ["p", "q", "r"]
    assert found.entries["p"].path == first and found.entries["p"].origin == "--dir"
    assert found.entries["q"].origin == "PROCFLOW_PATH"
    assert found.entries["r"].origin == "bundled"
    hidden = {(h.path, w.path) for h, w in found.shadowed}
    assert hidden == {(second, first), (bundled, tmp_path / "two" / "q.yaml")}


def test_same_directory_twice_is_indexed_once(no_bundled: Path) -> None:
    found = catalog.build_catalog([VALID, VALID], environ={"PROCFLOW_PATH": str(VALID)})
    assert list(found.entries) == ["sample-visitor"]
    assert found.shadowed == ()


@pytest.mark.parametrize(
    ("extra", "env", "message"),
    [
        (["nope"], {}, "--dir 'nope' does not exist; expected a directory of procedures"),
        ([str(VALID / "visitor.yaml")], {}, "is not a directory; expected a directory of procedures"),
        ([], {"PROCFLOW_PATH": "gone"}, "PROCFLOW_PATH entry 'gone' does not exist"),
    ],
)
def test_search_dirs_refuse_what_is_not_a_directory(
    extra: list[str], env: dict[str, str], message: str
) -> None:
    with pytest.raises(errors.UsageError) as caught:
        catalog.search_dirs(extra, environ=env)
    assert message in caught.value.message
    assert caught.value.exit_code == errors.EXIT_USAGE


def test_unknown_id_suggests_close_ones(no_bundled: Path) -> None:
    found = catalog.build_catalog([VALID])
    with pytest.raises(errors.NotFoundError) as caught:
        found.find("sample-vistor")
    assert caught.value.message == "no procedure with id 'sample-vistor'; did you mean 'sample-visitor'?"
    with pytest.raises(errors.NotFoundError) as far:
        found.find("zzz")
    assert far.value.message == "no procedure with id 'zzz'; `procflow list` shows the ids"
    assert far.value.exit_code == errors.EXIT_NOT_FOUND


def test_empty_bundle_is_handled(no_bundled: Path) -> None:
    shutil.rmtree(no_bundled)  # an installed wheel built with no procedures has no directory at all
    found = catalog.build_catalog()
    assert found.entries == {}
    with pytest.raises(errors.NotFoundError, match="no procedures were found"):
        found.find("x")


def test_unreadable_files_are_reported_not_fatal(tmp_path: Path, no_bundled: Path) -> None:
    write(tmp_path / "bad.yaml", "id: [unclosed\n")
    write(tmp_path / "noid.yaml", "title: x\n")
    write(tmp_path / "ok.yaml", minimal("ok", "{zh-Hant: 好, en: Fine}"))
    found = catalog.build_catalog([tmp_path])
    assert list(found.entries) == ["ok"]
    assert found.entries["ok"].title.get("zh-Hant") == "好"
    assert len(found.problems) == 2
    assert any(p.startswith(f"{tmp_path / 'bad.yaml'}:") for p in found.problems)
    assert f"{tmp_path / 'noid.yaml'}: no procedure `id`; the file is not listed" in found.problems
    with pytest.raises(errors.NotFoundError, match=r"2 file\(s\) could not be read"):
        found.find("bad")


def test_load_checked_refuses_a_procedure_with_errors(tmp_path: Path) -> None:
    broken = write(tmp_path / "b.yaml", minimal("b").replace("next: b", "next: nowhere_at_all"))
    schema_bad = write(tmp_path / "s.yaml", "procflow: 1\nid: s\n")
    procedure, found = files.load_checked(VALID / "visitor.yaml")
    assert procedure is not None and procedure.id == "sample-visitor"
    assert not [d for d in found if d.is_error]
    for path in (broken, schema_bad):
        procedure, found = files.load_checked(path)
        assert procedure is None
        assert any(d.is_error for d in found)


# --- procflow list ---------------------------------------------------------------------------


def test_list_text(run_cli: RunCli, no_bundled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    result = run_cli("list", "--dir", str(VALID))
    assert result.exit_code == 0
    assert result.output == (
        "ID              TITLE              STATES  SOURCE\n"
        "sample-visitor  Visitor reception       6  第四篇 前臺接待規程 · 來訪者接待\n"
        "checked: project .\n"  # the tests run in the repository, a project itself
    )


def test_list_aligns_chinese_titles(run_cli: RunCli, tmp_path: Path, no_bundled: Path) -> None:
    write(tmp_path / "a.yaml", minimal("a-long-id", "{zh-Hant: 來訪者接待, en: Visitors}"))
    write(tmp_path / "b.yaml", minimal("b", "{zh-Hant: 電話, en: Phone}"))
    result = run_cli("list", "--dir", str(tmp_path), "--lang", "zh-Hant")
    assert result.output.splitlines() == [
        "ID         TITLE       STATES  SOURCE",
        "a-long-id  來訪者接待       2",
        "b          電話             2",
        "checked: project .",
    ]


def test_list_json(run_cli: RunCli, no_bundled: Path) -> None:
    result = run_cli("list", "--json", "--lang", "zh-Hant", "--dir", str(VALID))
    assert result.exit_code == 0
    assert json.loads(result.output) == [
        {
            "id": "sample-visitor",
            "title": "來訪者接待",
            "path": str(VALID / "visitor.yaml"),
            "source": "第四篇 前臺接待規程 · 來訪者接待",
            "states": 6,
            "origin": "--dir",
            "checked": "project .",
        }
    ]
    assert "來訪者接待" in result.output  # readable, not \\u escapes


@pytest.mark.parametrize(
    ("env", "title"),
    [
        ({"LANG": "en_US.UTF-8"}, "Visitor reception"),
        ({"LANG": "zh_TW.UTF-8"}, "來訪者接待"),
        ({"LANG": "C.UTF-8"}, "來訪者接待"),
        ({"LANG": "en_GB.UTF-8", "LC_ALL": "zh_HK.UTF-8"}, "來訪者接待"),
        ({}, "來訪者接待"),
    ],
)
def test_list_language_follows_the_locale(
    run_cli: RunCli, no_bundled: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], title: str
) -> None:
    for name in ("LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = run_cli("list", "--json", "--dir", str(VALID))
    assert json.loads(result.output)[0]["title"] == title


def test_list_empty(run_cli: RunCli, no_bundled: Path) -> None:
    result = run_cli("list")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no procedures found" in result.stderr
    assert json.loads(run_cli("list", "--json").stdout) == []


def test_list_reports_unreadable_files_and_shadowed_ids(
    run_cli: RunCli, tmp_path: Path, no_bundled: Path
) -> None:
    write(tmp_path / "one" / "bad.yaml", "a: [\n")
    write(tmp_path / "one" / "p.yaml", minimal("p"))
    write(tmp_path / "two" / "p.yaml", minimal("p"))
    result = run_cli("list", "--dir", str(tmp_path / "one"), "--dir", str(tmp_path / "two"))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1].startswith("p ")
    assert f"procflow: warning: {tmp_path / 'one' / 'bad.yaml'}:" in result.stderr
    assert (
        f"{tmp_path / 'two' / 'p.yaml'} is not used: {tmp_path / 'one' / 'p.yaml'} has its id 'p'"
        in result.stderr
    )


def test_list_bad_dir_is_a_usage_error(run_cli: RunCli, no_bundled: Path) -> None:
    result = run_cli("list", "--dir", "no/such/dir")
    assert result.exit_code == errors.EXIT_USAGE
    assert (
        result.stderr == "procflow: --dir 'no/such/dir' does not exist; expected a directory of procedures\n"
    )


def test_list_shows_the_bundled_procedures(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROCFLOW_PATH", raising=False)
    files = catalog.procedure_files(paths.procedures_dir())
    ids = set(catalog.index_files((p, "bundled") for p in files).entries)
    listed = json.loads(run_cli("list", "--json").stdout)
    assert {row["id"] for row in listed} == set(ids)
    assert all(row["origin"] == "bundled" for row in listed)


def test_an_unchanged_directory_is_indexed_without_reading_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_bundled: Path
) -> None:
    procs = tmp_path / "procs"
    for n in range(5):
        write(procs / f"p{n}.yaml", minimal(f"p{n}", f"T{n}"))
    first = catalog.build_catalog([procs])
    reads: list[Path] = []
    real = yamlio.load_yaml  # the catalog imports it when a file must be read
    monkeypatch.setattr(yamlio, "load_yaml", lambda path, **kw: reads.append(path) or real(path, **kw))
    again = catalog.build_catalog([procs])
    assert reads == [] and again == first  # every entry from the index, none read again

    write(procs / "p1.yaml", minimal("renamed", "New"))  # changed: read again
    (procs / "p2.yaml").unlink()  # removed: gone from the catalog
    write(procs / "sub" / "p9.yaml", minimal("p9"))  # added, in a sub-directory
    changed = catalog.build_catalog([procs])
    assert sorted(reads) == [procs / "p1.yaml", procs / "sub" / "p9.yaml"]
    assert sorted(changed.entries) == ["p0", "p3", "p4", "p9", "renamed"]


def test_a_damaged_index_only_costs_reading_the_files_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_bundled: Path
) -> None:
    procs = tmp_path / "procs"
    write(procs / "a.yaml", minimal("a"))
    write(procs / "b.yaml", "id: [unclosed\n")
    first = catalog.build_catalog([procs])
    assert list(first.entries) == ["a"] and len(first.problems) == 1
    (index_file,) = (Path(os.environ["PROCFLOW_CACHE_DIR"]) / "index").glob("*.json")
    for damage in ("{torn", '{"format": 99}', '{"format": 1, "files": 3}', ""):
        index_file.write_text(damage, encoding="utf-8")
        assert catalog.build_catalog([procs]) == first  # problems are kept in the index too


def test_validate_no_cache_writes_no_index(tmp_path: Path, run_cli: RunCli, no_bundled: Path) -> None:
    procs = tmp_path / "procs"
    write(
        procs / "caller.yaml",
        minimal("caller").replace("a: {next: b}", "a: {use: {procedure: callee}, next: b}"),
    )
    write(tmp_path / "elsewhere" / "callee.yaml", minimal("callee"))
    run_cli("validate", "--no-cache", str(procs / "caller.yaml"))
    assert not (Path(os.environ["PROCFLOW_CACHE_DIR"]) / "index").exists()
