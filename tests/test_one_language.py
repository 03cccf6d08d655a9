"""One language on screen: a run speaks the run's language, refusals name no internal ids
(`--ids` shows them), and the language is chosen by --lang, PROCFLOW_LANG, the site file's
`language:`, then the locale."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from procflow.engine.base.errors import InvalidAnswerError
from procflow.engine.model.procedure import build_procedure
from procflow.engine.runtime.answers import Refusal, parse_answer

REPO = Path(__file__).resolve().parent.parent
CAR = REPO / "tests/transcripts/procedures/car-arrival.yaml"
VISITOR = REPO / "tests/fixtures/valid/visitor.yaml"
# every question answered wrongly first, then rightly; every item and move taken
TYPED = {
    CAR: "soon\n\n9\nrepai\n保養\n下午14點\n明天下午3點\n很久\n1小時30分\n",
    VISITOR: "x\ny\n\n王小明\n9\n機器人\n面試者\nq\ny\n7\n1\n\n",
}


def ids_of(path: Path) -> set[str]:
    """Every id the procedure declares: its own, states, fields, options, outcomes, roles, moves,
    items and deadlines."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = {data["id"], *data.get("roles", {}), *data["states"]}
    for name, spec in data["fields"].items():
        found.add(name)
        found.update(spec.get("options") or ())
    for state in data["states"].values():
        found.update(str(state[key]) for key in ("outcome", "role") if key in state)
        found.update(m["id"] for m in state.get("moves", ()))
        found.update(d["id"] for d in state.get("due", ()))
        found.update(i["id"] for i in state.get("do", ()) if isinstance(i, dict) and "id" in i)
    return found


def ascii_words(screen: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_-]*", screen))


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T09:00:00+08:00")
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)


@pytest.mark.parametrize("path", [CAR, VISITOR], ids=lambda p: p.stem)
def test_a_zh_hant_run_shows_no_id_of_its_procedure(
    path: Path, run_cli: Callable[..., Result], fixed_clock: None
) -> None:
    result = run_cli("run", str(path), "--lang", "zh-Hant", input=TYPED[path])
    assert result.exit_code == 0, result.output
    assert "!" in result.output  # the wrong answers were refused on screen
    leaked = ids_of(path) & ascii_words(result.output)
    assert not leaked, f"internal ids on a zh-Hant screen: {sorted(leaked)}\n{result.output}"


def test_ids_shows_them_on_request(run_cli: Callable[..., Result], fixed_clock: None) -> None:
    result = run_cli("run", str(CAR), "--lang", "zh-Hant", "--ids", input=TYPED[CAR])
    assert result.exit_code == 0, result.output
    shown = ids_of(CAR) & ascii_words(result.output)
    assert {"sample-car-arrival", "entry_time", "service_kind", "repair", "received"} <= shown


def test_a_refused_answer_reads_in_each_language_without_the_field_id() -> None:
    procedure = build_procedure(yaml.safe_load(CAR.read_text(encoding="utf-8")))
    field = procedure.fields["service_kind"]
    with pytest.raises(Refusal) as caught:
        parse_answer(field, "9")
    refusal = caught.value
    assert isinstance(refusal, InvalidAnswerError) and refusal.exit_code == 5
    assert refusal.said("zh-Hant") == "「9」不是有效的答案;應為下列之一:1「保養」、2「維修」(輸入編號或名稱)"
    assert (
        refusal.said("en")
        == "'9' is not a valid answer; expected one of 1 Maintenance, 2 Repair (its number or its name)"
    )
    assert "service_kind" in refusal.said("en", ids=True) and "(repair)" in refusal.said("en", ids=True)
    # scripts, logs and --json keep the English sentence with the ids
    assert refusal.message == (
        "answer '9' for 'service_kind' is not valid; expected one of 1 maintenance, 2 repair "
        "(a number, an id or a label)"
    )


SITE_EN = "procflow-site: 1\nlanguage: en\n"


@pytest.mark.parametrize(
    ("flag", "env", "site", "locale", "expected"),
    [
        ("zh-Hant", "en", SITE_EN, "en_US.UTF-8", "實例"),  # --lang first
        (None, "zh-Hant", SITE_EN, "en_US.UTF-8", "實例"),  # then PROCFLOW_LANG
        (None, None, SITE_EN, "zh_TW.UTF-8", "instance"),  # then the site file's language
        (None, None, None, "en_US.UTF-8", "instance"),  # then the locale
        (None, None, None, None, "實例"),  # else Traditional Chinese
    ],
)
def test_the_language_is_chosen_in_the_documented_order(
    flag: str | None,
    env: str | None,
    site: str | None,
    locale: str | None,
    expected: str,
    run_cli: Callable[..., Result],
    fixed_clock: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    if env:
        monkeypatch.setenv("PROCFLOW_LANG", env)
    if locale:
        monkeypatch.setenv("LANG", locale)
    if site:
        (tmp_path / "site.yaml").write_text(site, encoding="utf-8")
        monkeypatch.setenv("PROCFLOW_SITE", str(tmp_path / "site.yaml"))
    args = ["run", str(CAR), *(["--lang", flag] if flag else [])]
    result = run_cli(*args, input=TYPED[CAR])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(expected + " "), result.output


def test_an_unknown_procflow_lang_is_a_usage_error(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROCFLOW_LANG", "fr")
    result = run_cli("run", str(CAR), input="")
    assert result.exit_code == 2
    assert "unknown language 'fr' in PROCFLOW_LANG; expected one of zh-Hant, en" in result.output


def test_a_site_language_outside_the_list_is_refused(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    site = tmp_path / "procflow.yaml"
    site.write_text("procflow-site: 1\nlanguage: fr\n", encoding="utf-8")
    result = run_cli("validate", str(site))
    assert result.exit_code == 1
    assert "language" in result.output


def test_an_answer_that_cannot_be_stored_is_refused_in_the_run_language() -> None:
    procedure = build_procedure(yaml.safe_load(CAR.read_text(encoding="utf-8")))
    with pytest.raises(Refusal) as caught:
        parse_answer(procedure.fields["service_kind"], "a\x1b[2Jb")
    assert caught.value.said("zh-Hant").startswith("「a\x1b[2Jb」無法記錄:含有控制字元 U+001B")
    assert caught.value.message.startswith("the answer for 'service_kind' cannot be recorded:")


def test_the_end_names_the_outcome_by_the_final_state_and_ids_add_the_id(
    run_cli: Callable[..., Result], fixed_clock: None
) -> None:
    plain = run_cli("run", str(CAR), "--lang", "en", input=TYPED[CAR])
    assert plain.output.rstrip().endswith("✔ finished · outcome: Car received")
    with_ids = run_cli("run", str(CAR), "--lang", "en", "--ids", input=TYPED[CAR])
    assert with_ids.output.rstrip().endswith("✔ finished · outcome: Car received (received)")


GUARDED = {
    "procflow": 1,
    "id": "sample-release",
    "title": {"zh-Hant": "放行", "en": "Release"},
    "fields": {"paid": {"type": "bool", "label": {"zh-Hant": "已付款", "en": "Paid"}}},
    "initial": "ask",
    "states": {
        "ask": {"title": {"zh-Hant": "詢問", "en": "Ask"}, "ask": ["paid"], "next": "decide"},
        "decide": {
            "title": {"zh-Hant": "決定", "en": "Decide"},
            "moves": [
                {"id": "release", "to": "out", "when": "paid", "label": {"zh-Hant": "放行", "en": "Release"}},
                {"id": "hold", "to": "out", "label": {"zh-Hant": "扣留", "en": "Hold"}},
            ],
        },
        "out": {"title": {"zh-Hant": "結束", "en": "Out"}, "final": True},
    },
}


@pytest.mark.parametrize(
    ("flag", "shown"), [((), "(暫不可選)"), (("--ids",), "(暫不可選:the guard 'paid' is false)")]
)
def test_a_move_not_allowed_says_so_without_its_guard(
    flag: tuple[str, ...], shown: str, run_cli: Callable[..., Result], fixed_clock: None, tmp_path: Path
) -> None:
    path = tmp_path / "release.yaml"
    path.write_text(yaml.safe_dump(GUARDED, allow_unicode=True), encoding="utf-8")
    result = run_cli("run", str(path), "--lang", "zh-Hant", *flag, input="n\n2\n")
    assert result.exit_code == 0, result.output
    assert f"   1. 放行  {shown}" in result.output


# --- refused steps: roles, moves, conflicts, locks, in the run's language ------------------------

GATE = """\
procflow: 1
id: gate-test
title: {zh-Hant: 閘門, en: Gate}
roles:
  desk: {zh-Hant: 前臺, en: Desk}
fields:
  paid: {type: bool, label: {zh-Hant: 已付款, en: Paid}}
initial: check
states:
  check:
    title: {zh-Hant: 核對, en: Check}
    role: desk
    ask: [paid]
    moves:
      - {id: release, to: done, when: paid == true, label: {zh-Hant: 放行, en: Release}}
      - {id: hold, to: done, label: {zh-Hant: 暫留, en: Hold}}
  done:
    final: true
    outcome: completed
"""
PEOPLE = REPO / "tests/fixtures/people"


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh-Hant", "! 「放行」目前不可選:條件不成立"),
        ("en", "! 'Release' cannot be chosen now: its condition does not hold"),
    ],
)
def test_a_move_whose_condition_fails_is_refused_by_its_label(
    lang: str, said: str, run_cli: Callable[..., Result], fixed_clock: None, tmp_path: Path
) -> None:
    gate = tmp_path / "gate.yaml"
    gate.write_text(GATE, encoding="utf-8")
    result = run_cli("run", str(gate), "--lang", lang, input="n\n1\n2\n")
    assert result.exit_code == 0, result.output
    assert said in [line.strip() for line in result.output.splitlines()]
    assert not {"release", "paid", "gate-test"} & ascii_words(result.output)
    shown = run_cli("run", str(gate), "--lang", lang, "--ids", input="n\n1\n2\n")
    assert "Release (release)" in shown.output or "放行 (release)" in shown.output
    assert "paid == true" in shown.output


def test_a_role_refusal_reads_in_zh_hant_by_the_role_and_state_names(
    run_cli: Callable[..., Result], fixed_clock: None
) -> None:
    site = ("--site", str(PEOPLE / "site.yaml"))
    args = ("run", "sample-interview", "--dir", str(PEOPLE), "--as", "amy", "--lang", "zh-Hant")
    refused = "「面試」須由「人力部」執行(擔任者:hana、ruth),「amy」不是"
    asked = run_cli(*site, *args, input="王小明\n\n" + "人力部午休\n" + "\n1\n")
    assert asked.exit_code == 0, asked.output
    assert f"! {refused}\n" in asked.output  # and the reason is asked at once: no --override hint
    assert "--override" not in asked.output
    assert not {"hr", "interview"} & ascii_words(asked.output)
    stopped = run_cli(*site, *args, input="王小明\n\n\n")  # no reason: the run ends with exit 10
    assert stopped.exit_code == 10
    assert f"procflow: {refused};如仍要執行,請加上 --override --reason 原因" in stopped.stderr
    with_ids = run_cli(*site, *args, "--ids", input="王小明\n\n\n")
    assert "「面試 (interview)」須由「人力部 (hr)」執行" in with_ids.stderr


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh-Hant", "被另一個程序鎖住(已等候 0.2 秒):沒有儲存;請再試一次"),
        ("en", "is locked by another process (waited 0.2 s): nothing was saved; try again"),
    ],
)
def test_a_locked_database_is_said_in_the_run_language(
    lang: str,
    said: str,
    run_cli: Callable[..., Result],
    fixed_clock: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os
    import sqlite3

    started = run_cli("run", str(VISITOR), "--lang", lang, input="y\n")
    ident = re.search(r"resume (\w+)", started.stderr).group(1)  # type: ignore[union-attr]
    monkeypatch.setenv("PROCFLOW_LOCK_TIMEOUT", "0.2")
    blocker = sqlite3.connect(os.environ["PROCFLOW_DB"], isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        result = run_cli("resume", ident, "--lang", lang, input="王小明\n")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert result.exit_code == 8, result.output
    assert said in result.stderr.strip().splitlines()[-1]
    english = run_cli("step", ident, "--set", "visitor_name=Lee")  # a script: the English with ids
    assert english.exit_code == 0
