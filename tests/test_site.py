"""The site file: loading, checking with positions, and the work calendar."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from procflow.engine.load.yamlio import load_yaml, load_yaml_bytes
from procflow.engine.model.procedure import build_procedure
from procflow.engine.site.sitefile import check_site, find_site, load_site

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "site" / "procflow.yaml"
TZ = ZoneInfo("Asia/Shanghai")


def findings(text: str, procedures: list | None = None) -> list[str]:
    return [str(d) for d in check_site(load_yaml_bytes(text.encode(), "procflow.yaml"), procedures)]


def test_example_site_loads_with_its_values() -> None:
    site, diagnostics = load_site(EXAMPLE)
    assert diagnostics == []
    assert site is not None
    assert site.params_for("art1-phone-reception") == {"org_name": "四川大宗"}
    assert site.params_for("art3-front-desk-shift") == {"org_name": "XX公司"}
    assert site.roles_of("zhao") == {"manager", "front_desk"}
    assert site.roles_of("stranger") == frozenset()
    assert list(site.calendar.describe()) == ["mon-fri 08:30-11:30", "mon-fri 13:30-17:30"]


@pytest.mark.parametrize(
    ("moment", "on_duty", "next_start"),
    [
        ("2026-03-09T08:29", False, "2026-03-09T08:30"),  # Monday, before duty
        ("2026-03-09T08:30", True, "2026-03-09T08:30"),
        ("2026-03-09T11:30", False, "2026-03-09T13:30"),  # lunch: 11:30 is the end
        ("2026-03-09T17:29", True, "2026-03-09T17:29"),
        ("2026-03-13T17:30", False, "2026-03-16T08:30"),  # Friday evening -> Monday
        ("2026-10-01T09:00", False, "2026-10-02T08:30"),  # a closed date
    ],
)
def test_calendar_duty_hours(moment: str, on_duty: bool, next_start: str) -> None:
    site, _ = load_site(EXAMPLE)
    assert site is not None
    at = datetime.fromisoformat(moment).replace(tzinfo=TZ)
    assert site.calendar.on_duty(at) is on_duty
    assert site.calendar.next_start(at) == datetime.fromisoformat(next_start).replace(tzinfo=TZ)


def test_no_site_means_defaults_and_everyone_may_act() -> None:
    site, diagnostics = load_site(None)
    assert diagnostics == [] and site is not None
    assert site.roles_of("anyone") is None
    assert site.calendar.on_duty(datetime(2026, 3, 8, 3, 0, tzinfo=TZ))


def test_unknown_key_is_located_with_a_suggestion() -> None:
    assert findings("procflow-site: 1\npeople:\n  wang: {rolse: [front_desk], roles: []}\n") == [
        "procflow.yaml:3:10: unknown key 'rolse'; did you mean 'roles'? [S001]"
    ]


def test_time_and_calendar_mistakes() -> None:
    text = """procflow-site: 1
timezone: Asia/Shangai
calendar:
  duty_hours:
    - {from: "13:30", to: "08:30"}
    - {days: [mon], from: "08:00", to: "12:00"}
    - {days: [mon, tue], from: "11:00", to: "14:00"}
"""
    assert findings(text) == [
        "procflow.yaml:2:11: unknown time zone 'Asia/Shangai'; expected an IANA name such as 'Asia/Shanghai' [C001]",
        "procflow.yaml:5:27: duty ends at '08:30', not after it starts at '13:30' [C002]",
        "procflow.yaml:7:7: duty hours overlap those at index 1 on a shared weekday [C003]",
    ]


def test_a_bad_clock_time_is_a_schema_error() -> None:
    assert findings('procflow-site: 1\ncalendar:\n  duty_hours: [{from: "8:30", to: "11:30"}]\n') == [
        "procflow.yaml:3:23: the text '8:30' is not valid: expected the start time, 'HH:MM' on the 24-hour clock (quoted) [S004]"
    ]


def test_names_are_checked_against_the_procedures() -> None:
    procedure = build_procedure(load_yaml(ROOT / "tests" / "fixtures" / "valid" / "visitor.yaml").data)
    text = """procflow-site: 1
params: {org_nmae: X}
procedures:
  sample-visiter: {params: {org_name: Y}}
  sample-visitor: {params: {ac_setpoint: 25}}
people:
  wang: {roles: [front_dsk]}
"""
    assert findings(text, [procedure]) == [
        "procflow.yaml:2:10: no procedure declares parameter 'org_nmae'; did you mean 'org_name'? [C005]",
        "procflow.yaml:4:3: unknown procedure 'sample-visiter'; did you mean 'sample-visitor'? [C004]",
        "procflow.yaml:5:29: procedure 'sample-visitor' has no parameter 'ac_setpoint'; did you mean 'ac_setpoint_c'? [C005]",
        "procflow.yaml:7:18: unknown role 'front_dsk'; did you mean 'front_desk'? [C006]",
    ]


def test_site_file_is_found_by_option_then_environment_then_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert find_site(None, {}) is None
    (tmp_path / "procflow.yaml").write_text("procflow-site: 1\n", encoding="utf-8")
    assert find_site(None, {}) == Path("procflow.yaml")
    assert find_site(None, {"PROCFLOW_SITE": "/etc/site.yaml"}) == Path("/etc/site.yaml")
    assert find_site("given.yaml", {"PROCFLOW_SITE": "/etc/site.yaml"}) == Path("given.yaml")


def test_site_schema_shares_the_procedure_schema_definitions() -> None:
    site = json.loads((ROOT / "schemas" / "site.schema.json").read_text(encoding="utf-8"))
    procedure = json.loads((ROOT / "schemas" / "procedure.schema.json").read_text(encoding="utf-8"))
    for name, definition in site["$defs"].items():
        assert definition == procedure["$defs"][name], f"$defs/{name} drifted from the procedure schema"
