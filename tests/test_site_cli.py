"""The site file through the CLI: found by --site, PROCFLOW_SITE or ./procflow.yaml; its values in
new instances and in `show`; checked by `validate`; a broken one refuses every command using it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from procflow.engine.site.sitefile import load_site

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "people"
SITE = str(FIXTURES / "site.yaml")
DIR = str(FIXTURES)
EXAMPLES = ROOT / "docs" / "examples" / "site"
Run = Callable[..., Result]

BROKEN = """procflow-site: 1
params:
  org_name: 靜茶
people:
  amy: {roles: front_desk}
"""
NAMES = """procflow-site: 1
params:
  org_nmae: 靜茶
  room: 2
procedures:
  sample-intervew: {}
  sample-interview:
    params: {rooom: 二樓}
people:
  amy: {roles: [front_dsk]}
"""


def write(tmp_path: Path, text: str, name: str = "site.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def start_events(run_cli: Run, *site: str, tmp_path: Path) -> tuple[Result, dict]:
    script = write(tmp_path, "answers: {candidate: 王小明}\n", "answers.yaml")
    run = run_cli(
        *site, "run", "sample-interview", "--dir", DIR, "--answers", script, "--as", "ruth", "--lang", "en"
    )
    instance = json.loads(run_cli("status", "--json").stdout)["open"][0]["instance"]
    return run, json.loads(run_cli("history", instance, "--json").stdout)


def test_site_params_reach_a_new_instance(run_cli: Run, tmp_path: Path) -> None:
    run, history = start_events(run_cli, "--site", SITE, tmp_path=tmp_path)
    assert "┃ Hello, this is 靜茶." in run.stdout  # site-wide
    assert "Interview in 二樓茶室" in run.stdout  # procedures.sample-interview.params
    assert history["events"][0]["kind"] == "start"
    start = json.loads(run_cli("history", history["instance"], "--json").stdout)["events"][0]
    assert start["procedure"] == "sample-interview"


def test_without_a_site_the_procedure_keeps_its_defaults(run_cli: Run, tmp_path: Path) -> None:
    run, _ = start_events(run_cli, tmp_path=tmp_path)
    assert "┃ Hello, this is 華僑賓館." in run.stdout and "Interview in 三樓會議室" in run.stdout


def test_site_found_by_environment_then_working_directory(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "desk"
    here.mkdir()
    write(here, "procflow-site: 1\nparams: {org_name: 四川大宗}\n", "procflow.yaml")
    monkeypatch.chdir(here)
    shown = run_cli("show", str(FIXTURES / "interview.yaml"), "--lang", "en")
    assert "» Hello, this is 四川大宗." in shown.stdout
    monkeypatch.setenv("PROCFLOW_SITE", SITE)
    shown = run_cli("show", str(FIXTURES / "interview.yaml"), "--lang", "en")
    assert "» Hello, this is 靜茶." in shown.stdout
    named = write(tmp_path, "procflow-site: 1\nparams: {org_name: XX公司}\n", "other.yaml")
    shown = run_cli("--site", named, "show", str(FIXTURES / "interview.yaml"), "--lang", "en")
    assert "» Hello, this is XX公司." in shown.stdout


def test_show_prints_the_organisations_values(run_cli: Run) -> None:
    plain = run_cli("show", "art2-car-service", "--lang", "en").stdout
    assert re.search(r"^  org_name +本廠", plain, re.M)  # the column widens with the longest name
    site = str(EXAMPLES / "car-service.yaml")
    printed = run_cli("--site", site, "show", "art2-car-service", "--lang", "en").stdout
    assert re.search(r"^  org_name +順安汽修", printed, re.M)
    assert re.search(r"^  service_phone_24h +028-8888-0000", printed, re.M)
    interview = run_cli(
        "--site", SITE, "show", str(FIXTURES / "interview.yaml"), "--format", "markdown"
    ).stdout
    assert "| `room` | 二樓茶室 |" in interview


@pytest.mark.parametrize(
    "command",
    [
        ("run", "sample-interview", "--dir", DIR),
        ("resume", "last"),
        ("step", "last"),
        ("handoff", "last", "--to", "amy"),
        ("status", "--mine"),
        ("show", str(FIXTURES / "interview.yaml")),
    ],
)
def test_a_broken_site_file_refuses(run_cli: Run, tmp_path: Path, command: tuple[str, ...]) -> None:
    site = write(tmp_path, BROKEN)
    result = run_cli("--site", site, *command)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{site}:5:16: error: expected a list, got the text 'front_desk' [S003]"
    )
    assert result.stderr.splitlines()[-1] == (
        f"procflow: site file '{site}' has 1 error; nothing was done (see `procflow validate {site}`)"
    )
    assert json.loads(run_cli("status", "--json").stdout)["open"] == []


def test_a_missing_site_file_is_a_usage_error(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_cli("--site", str(tmp_path / "nope.yaml"), "run", "sample-interview", "--dir", DIR)
    assert result.exit_code == 2
    assert "nope.yaml' (--site) does not exist" in result.stderr
    monkeypatch.setenv("PROCFLOW_SITE", str(tmp_path / "gone.yaml"))
    result = run_cli("show", str(FIXTURES / "interview.yaml"))
    assert result.exit_code == 2 and "gone.yaml' (PROCFLOW_SITE) does not exist" in result.stderr


def test_a_procedure_is_not_a_site_file(run_cli: Run) -> None:
    procedure = str(FIXTURES / "interview.yaml")
    result = run_cli("--site", procedure, "show", procedure)
    assert result.exit_code == 1
    assert (
        f"{procedure}:1:1: error: '{procedure}' is not a site file: it has no 'procflow-site: 1' at the top [C000]"
        in result.stderr
    )


def test_validate_a_site_file_alone(run_cli: Run, tmp_path: Path) -> None:
    assert run_cli("validate", SITE).stdout == "1 file checked: no problems\n"
    alone = run_cli("validate", write(tmp_path, NAMES))  # no procedures in the run: no names to check
    assert alone.exit_code == 0 and alone.stdout == "1 file checked: no problems\n"
    broken = run_cli("validate", write(tmp_path, BROKEN, "broken.yaml"))
    assert broken.exit_code == 1
    assert "broken.yaml:5:16: error: expected a list, got the text 'front_desk' [S003]" in broken.stdout


def test_a_person_named_with_a_control_character_is_refused(run_cli: Run, tmp_path: Path) -> None:
    """A sign-in name is recorded as who acted and who holds an instance: U+0000 (which a YAML
    escape can write) would be kept by SQLite and refused by PostgreSQL, so the site refuses it."""
    site = write(tmp_path, 'procflow-site: 1\npeople:\n  "an\\0na":\n    roles: [clerk]\n', "nul.yaml")
    found = run_cli("validate", site)
    assert found.exit_code == 1
    assert (
        "nul.yaml:3:3: error: name 'an\\x00na' is not valid: expected a sign-in name without spaces"
        " or control characters [S004]"
    ) in found.stdout


def test_validate_a_site_file_with_procedures_locates_every_name(run_cli: Run, tmp_path: Path) -> None:
    site = write(tmp_path, NAMES)
    result = run_cli("validate", site, DIR, "--format", "json")
    assert result.exit_code == 1
    found = [
        (d["path"], d["line"], d["col"], d["severity"], d["code"], d["message"])
        for d in json.loads(result.stdout)["diagnostics"]
    ]
    assert [f for f in found if f[0] == site] == [
        (
            site,
            3,
            3,
            "warning",
            "C005",
            "no procedure declares parameter 'org_nmae'; did you mean 'org_name'?",
        ),
        (
            site,
            4,
            9,
            "error",
            "C007",
            "parameter 'room' of 'sample-interview' is a text (default '三樓會議室'); got the number 2",
        ),
        (
            site,
            6,
            3,
            "error",
            "C004",
            "unknown procedure 'sample-intervew'; did you mean 'sample-interview'?",
        ),
        (
            site,
            8,
            14,
            "error",
            "C005",
            "procedure 'sample-interview' has no parameter 'rooom'; did you mean 'room'?",
        ),
        (site, 10, 17, "error", "C006", "unknown role 'front_dsk'; did you mean 'front_desk'?"),
    ]
    github = run_cli("validate", site, DIR, "--format", "github").stdout
    assert (
        f"::error file={site},line=10,col=17,title=C006::unknown role 'front_dsk'; did you mean 'front_desk'?"
        in github
    )
    text = run_cli("validate", site, DIR).stdout
    assert f"{site}:10:17: error: unknown role 'front_dsk'; did you mean 'front_desk'? [C006]" in text


def test_validate_picks_up_the_site_without_paths(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = write(tmp_path, "procflow-site: 1\npeople:\n  amy: {roles: [front_dsk]}\n")
    named = run_cli("--site", site, "validate", "--format", "json")
    assert named.exit_code == 1
    report = json.loads(named.stdout)
    assert [d["code"] for d in report["diagnostics"]] == ["C006"]  # checked against the bundled roles
    assert report["summary"]["files"] == len(list((ROOT / "procedures").glob("*.yaml"))) + 1
    monkeypatch.setenv("PROCFLOW_SITE", site)
    assert run_cli("validate").exit_code == 1
    assert run_cli("validate", str(FIXTURES / "interview.yaml")).exit_code == 0  # paths given: only those


def test_example_sites_validate_with_the_bundled_procedures(run_cli: Run) -> None:
    for example in sorted(EXAMPLES.glob("*.yaml")):
        result = run_cli("--site", str(example), "validate", "--strict")
        assert result.exit_code == 0, result.stdout
        assert result.stdout.endswith("files checked: no problems\n")


def test_site_checks_are_kept_by_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROCFLOW_CACHE_DIR", str(tmp_path / "cache"))
    path = Path(
        write(tmp_path, "procflow-site: 1\ncalendar:\n  duty_hours: [{from: '09:00', to: '08:00'}]\n")
    )
    first = load_site(path, cached=True)
    assert first[0] is None and [d.code for d in first[1]] == ["C002"]
    assert len(list((tmp_path / "cache" / "site-checks").iterdir())) == 1
    assert load_site(path, cached=True) == first
    path.write_text("procflow-site: 1\n", encoding="utf-8")
    site, found = load_site(path, cached=True)
    assert site is not None and found == []


def test_every_yaml_example_in_the_site_doc_is_a_clean_site_file() -> None:
    import re

    from procflow.engine.base.paths import procedures_dir
    from procflow.engine.load.yamlio import load_yaml, load_yaml_bytes
    from procflow.engine.model.procedure import build_procedure
    from procflow.engine.site.sitefile import check_site

    procedures = [build_procedure(load_yaml(p).data, str(p)) for p in sorted(procedures_dir().glob("*.yaml"))]
    text = (ROOT / "docs" / "site.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```", text, flags=re.M | re.S)
    assert len(blocks) >= 9  # the two examples and one per key
    for block in blocks:
        document = load_yaml_bytes(block.encode("utf-8"), "docs/site.md")
        assert check_site(document, procedures) == [], block
    shown = {block for block in blocks if block.startswith("# yaml-language-server")}
    on_disk = {p.read_text(encoding="utf-8") for p in EXAMPLES.glob("*.yaml")}
    assert shown == on_disk  # the page shows the example files as they are
