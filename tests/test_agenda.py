"""`procflow agenda` through the front door, on a clock fixed by PROCFLOW_NOW (no sleeping):
soonest first, overdue and upcoming, --at, --within, --limit, --role, --mine, --json, --lang,
the site calendar, --watch driven by a patched clock and sleep, and malformed options."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import click.testing
import pytest
from click.testing import Result

CST = timezone(timedelta(hours=8))
ANSWERS = """\
answers:
  meeting_start: "{start}"
  meeting_place: Room 3
  organiser_dept: Sales
  need_name_plates: no
  need_laptop: no
  need_projector: no
  need_recorder: no
  need_tea: yes
  need_drinks: no
"""
SITE = """\
procflow-site: 1
timezone: Asia/Shanghai
people:
  amy: {roles: [front_desk]}
  bob: {roles: [front_desk]}
  cy: {roles: [service_advisor]}
calendar:
  duty_hours:
    - {days: [mon, tue, wed, thu, fri], from: "08:30", to: "11:30"}
    - {days: [mon, tue, wed, thu, fri], from: "13:30", to: "17:30"}
"""


class Desk:
    """The CLI at a desk whose clock shows what each call says (PROCFLOW_NOW)."""

    def __init__(self, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
        self.run_cli, self.monkeypatch, self.tmp = run_cli, monkeypatch, tmp

    def at(self, now: str, *args: str) -> Result:
        self.monkeypatch.setenv("PROCFLOW_NOW", now)
        return self.run_cli(*args)

    def step(self, now: str, ident: str, *args: str) -> Result:
        """A step that must be taken (exit 0)."""
        stepped = self.at(now, "step", ident, *args, "--as", "amy", "--lang", "en")
        assert stepped.exit_code == 0, stepped.output
        return stepped

    def meeting(self, start: str, now: str = "2026-03-09T08:50+08:00", actor: str = "amy") -> str:
        """A meeting at `start`, worked through to setting up (its T-30 deadline); its id."""
        answers = self.tmp / f"meeting-{start[11:13]}{start[14:16]}.yaml"
        answers.write_text(ANSWERS.format(start=start), encoding="utf-8")
        ran = self.at(now, "run", "art1-meeting-service", "--answers", str(answers), "--json", "--as", actor)
        ident: str = json.loads(ran.output.splitlines()[-1])["instance"]
        stepped = self.at(now, "step", ident, "--set", "departments_notified=IT", "--as", actor)
        assert stepped.exit_code == 0, stepped.output
        return ident


@pytest.fixture
def desk(run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Desk:
    return Desk(run_cli, monkeypatch, tmp_path)


def test_what_is_due_soonest_first_with_how_late_and_the_command(db_backend: str, desk: Desk) -> None:
    early, late = desk.meeting("2026-03-09T10:00"), desk.meeting("2026-03-09T10:20")
    shown = desk.at("2026-03-09T09:40+08:00", "agenda", "--lang", "en")
    assert shown.exit_code == 0
    assert (
        shown.output
        == f"""\
2 due by 10:40 (now 2026-03-09 09:40)
overdue 10m  09:30  Everything the meeting needs in place 30 minutes before it starts
                    Internal meeting service › Set out the materials · Front desk · amy
                    procflow resume {early}
in 10m       09:50  Everything the meeting needs in place 30 minutes before it starts
                    Internal meeting service › Set out the materials · Front desk · amy
                    procflow resume {late}
"""
    )
    chinese = desk.at("2026-03-09T09:40+08:00", "agenda", "--lang", "zh-Hant").output.splitlines()
    assert chinese[:2] == ["截至 10:40 到期 2 項(現在 2026-03-09 09:40)",
                           "已逾時 10分鐘  09:30  會議前30分鐘,將會議所需的物資物料全部擺放到位"]  # fmt: skip
    assert chinese[2].strip() == "內部會議接待服務流程 › 會議前30分鐘擺放物資 · 行政前臺 · amy"
    assert chinese[4].startswith("10分鐘後到期")
    ids = desk.at("2026-03-09T09:40+08:00", "agenda", "--lang", "zh-Hant", "--ids").output.splitlines()
    assert ids[1] == chinese[1]  # what is due stays in words; only where it is due shows ids
    assert ids[2].strip() == "art1-meeting-service › set_up · front_desk · amy"


def test_within_limit_and_at(db_backend: str, desk: Desk) -> None:
    early, _ = desk.meeting("2026-03-09T10:00"), desk.meeting("2026-03-09T10:20")
    now = "2026-03-09T09:40+08:00"
    near = desk.at(now, "agenda", "--within", "5m", "--lang", "en").output.splitlines()
    assert near[0] == "1 due by 09:45 (now 2026-03-09 09:40)" and near[1].startswith("overdue 10m")
    limited = desk.at(now, "agenda", "--limit", "1", "--lang", "en").output.splitlines()
    assert limited[-1] == "1 more due by 10:40: show them with --limit 2"
    assert limited[3] == f"                    procflow resume {early}"
    for typed in ("09:00", "2026-03-09T09:00", "2026-03-09T01:00Z", "+0m"):
        moment = "2026-03-09T09:00+08:00"
        found = desk.at(moment if typed == "+0m" else now, "agenda", "--at", typed, "--lang", "en").output
        assert found.splitlines()[0] == "2 due by 10:00 (now 2026-03-09 09:00)", typed
        assert found.splitlines()[1].startswith("in 30m  09:30"), typed
        assert found.splitlines()[4].startswith("in 50m  09:50"), typed
    later = desk.at(now, "agenda", "--at", "+2h", "--lang", "en").output.splitlines()
    assert later[0] == "2 due by 12:40 (now 2026-03-09 11:40)"
    assert later[1].startswith("overdue 2h 10m  09:30")
    nothing = desk.at(now, "agenda", "--at", "2026-03-09T08:00", "--lang", "en")
    assert nothing.output == "nothing due by 09:00 (now 2026-03-09 08:00)\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--at", "tea time"],
            "procflow: time 'tea time' is not understood; expected e.g. 2026-03-07T09:30, 14:30 or +90m\n",
        ),
        (
            ["--at", "25:00"],
            "procflow: time '25:00' is not understood; expected e.g. 2026-03-07T09:30, 14:30 or +90m\n",
        ),
        (
            ["--within", "a while"],
            "procflow: --within 'a while' is not a duration; expected e.g. 30m or 2 hours\n",
        ),
        (
            ["--watch", "--at", "10:00"],
            "procflow: --at and --watch do not go together: --watch follows the clock\n",
        ),
        (["--count", "2"], "procflow: --interval and --count go with --watch\n"),
    ],
)
def test_malformed_options_are_usage_errors_in_one_line(desk: Desk, args: list[str], message: str) -> None:
    result = desk.at("2026-03-09T09:40+08:00", "agenda", *args)
    assert (result.exit_code, result.output) == (2, message)


def test_json_has_stable_keys(db_backend: str, desk: Desk) -> None:
    ident = desk.meeting("2026-03-09T10:00")
    data = json.loads(desk.at("2026-03-09T09:40+08:00", "agenda", "--json", "--lang", "en").output)
    assert data == {
        "now": "2026-03-09T09:40:00+08:00",
        "until": "2026-03-09T10:40:00+08:00",
        "total": 1,
        "more": 0,
        "items": [{
            "instance": ident, "procedure": "art1-meeting-service", "state": "set_up",
            "deadline": "set_up_by_t_minus_30", "kind": "before",
            "text": "Everything the meeting needs in place 30 minutes before it starts",
            "role": "front_desk", "owner": "amy", "assignee": None,
            "due": "2026-03-09T09:30:00+08:00", "scheduled": "2026-03-09T09:30:00+08:00", "every": None,
            "overdue": True, "seconds": -600, "command": f"procflow resume {ident}",
        }],
    }  # fmt: skip


def test_role_and_mine(db_backend: str, desk: Desk, tmp_path: Path) -> None:
    amys, bobs = desk.meeting("2026-03-09T10:00"), desk.meeting("2026-03-09T10:10", actor="bob")
    now = "2026-03-09T09:00+08:00"

    def ids(*args: str) -> list[str]:
        data = json.loads(desk.at(now, "agenda", "--json", *args).output)
        return [item["instance"] for item in data["items"]]

    assert ids() == [amys, bobs]
    assert ids("--role", "front_desk") == [amys, bobs]
    assert ids("--role", "workshop") == []
    assert ids("--mine", "--as", "amy") == [amys]
    assert ids("--mine", "--as", "bob") == [bobs]
    assert ids("--mine", "--as", "cy") == []
    site = tmp_path / "procflow.yaml"
    site.write_text(SITE, encoding="utf-8")
    handed = desk.at(now, "--site", str(site), "handoff", amys, "--to", "role:front_desk", "--as", "amy")
    assert handed.exit_code == 0, handed.output
    # handed to a role: it is everyone's who holds it, and no longer amy's alone
    assert ids("--mine", "--as", "amy") == [] and ids("--mine", "--as", "cy") == []
    with_site = json.loads(
        desk.at(now, "--site", str(site), "agenda", "--json", "--mine", "--as", "bob").output
    )
    assert [(i["instance"], i["assignee"]) for i in with_site["items"]] == [
        (amys, "front_desk"),
        (bobs, None),
    ]
    text = desk.at(now, "--site", str(site), "agenda", "--mine", "--as", "bob", "--lang", "en").output
    assert "Internal meeting service › Set out the materials · Front desk · amy → Front desk" in text


def test_a_recurrence_shows_the_command_that_marks_it_done(db_backend: str, desk: Desk) -> None:
    ident = desk.meeting("2026-03-09T10:00")
    desk.step("2026-03-09T09:20+08:00", ident, "--check", "notepaper", "--check", "pens", "--check", "ashtrays",
              "--check", "tea", "--check", "other_supplies")  # fmt: skip
    desk.step("2026-03-09T09:40+08:00", ident, "--check", "stand_at_desk")
    desk.step("2026-03-09T09:58+08:00", ident, "--check", "greet_each", "--check", "lead_to_room",
              "--move", "all_arrived")  # fmt: skip
    desk.step("2026-03-09T10:02+08:00", ident, "--check", "fill_tea", "--check", "leave_room",
              "--check", "close_door")  # fmt: skip
    shown = desk.at("2026-03-09T10:20+08:00", "agenda", "--lang", "en").output.splitlines()
    assert shown[1] == "overdue 3m  10:17  Refill the water in the meeting room every 15 minutes"
    assert shown[3] == f"                   procflow step {ident} --done refill_every_15_minutes"
    done = desk.step("2026-03-09T10:20+08:00", ident, "--done", "refill_every_15_minutes")
    assert "every 15m, next by 10:35" in done.output
    shown = desk.at("2026-03-09T10:20+08:00", "agenda", "--lang", "en").output.splitlines()
    assert shown[1] == "in 15m  10:35  Refill the water in the meeting room every 15 minutes"
    history = desk.at("2026-03-09T10:20+08:00", "history", ident, "--lang", "en", "--ids").output
    assert "breach  refill_every_15_minutes (due 10:17, 3m late)" in history
    assert "done    refill_every_15_minutes (due 10:17)" in history
    named = desk.at("2026-03-09T10:20+08:00", "history", ident, "--lang", "zh-Hant").output
    assert "逾時  每間隔15分鐘至會議室摻水一次(期限 10:17,逾時 3分鐘)" in named
    refused = desk.at("2026-03-09T10:21+08:00", "step", ident, "--done", "set_up")
    assert refused.exit_code == 5
    assert (
        refused.output
        == "procflow: no recurrence 'set_up' is in force here (recurrences: 'refill_every_15_minutes')\n"
    )
    desk.at("2026-03-09T10:40+08:00", "cancel", ident, "--reason", "meeting over early")
    assert desk.at("2026-03-09T10:40+08:00", "agenda", "--lang", "en").output.startswith(
        "nothing due by 11:40"
    )
    assert desk.at("2026-03-09T10:40+08:00", "verify").exit_code == 0


def test_the_site_calendar_shows_an_item_due_off_duty_when_duty_resumes(desk: Desk, tmp_path: Path) -> None:
    site = tmp_path / "procflow.yaml"
    site.write_text(SITE, encoding="utf-8")
    desk.meeting("2026-03-09T08:40", now="2026-03-09T07:30+08:00")  # set up by 08:10, before the desk opens
    found = json.loads(desk.at("2026-03-09T07:50+08:00", "--site", str(site), "agenda", "--json").output)
    [item] = found["items"]
    assert (item["scheduled"], item["due"], item["seconds"]) == (
        "2026-03-09T08:10:00+08:00",
        "2026-03-09T08:30:00+08:00",
        2400,
    )
    plain = json.loads(desk.at("2026-03-09T07:50+08:00", "agenda", "--json").output)["items"][0]
    assert plain["due"] == plain["scheduled"] == "2026-03-09T08:10:00+08:00"  # no site: no calendar
    beyond = desk.at(
        "2026-03-09T07:50+08:00", "--site", str(site), "agenda", "--within", "30m", "--lang", "en"
    )
    assert (
        beyond.output == "nothing due by 08:20 (now 2026-03-09 07:50)\n"
    )  # shown at 08:30: past the horizon


# --- watching -------------------------------------------------------------------------------------------


@pytest.fixture
def ticking(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """A clock that moves only when the agenda sleeps; the sleeps are recorded."""
    from procflow.engine.base import clock

    moment = [datetime(2026, 3, 9, 9, 28, tzinfo=CST)]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        moment[0] += timedelta(seconds=seconds)

    monkeypatch.setattr(clock, "now", lambda zone=None: moment[0])
    monkeypatch.setattr("time.sleep", sleep)
    yield slept


def test_watch_refreshes_and_flags_what_falls_due(desk: Desk, ticking: list[float]) -> None:
    ident = desk.meeting("2026-03-09T10:00")
    shown = desk.run_cli("agenda", "--watch", "--interval", "60", "--count", "4", "--lang", "en")
    # three intervals between four refreshes, slept in the short polls of SQLite's file
    assert shown.exit_code == 0 and sum(ticking) == 180 and max(ticking) <= 1
    frames = shown.output.split("\n\n")
    assert [f.splitlines()[1] for f in frames] == [
        "  in 2m  09:30  Everything the meeting needs in place 30 minutes before it starts",
        "  in 1m  09:30  Everything the meeting needs in place 30 minutes before it starts",
        "! due now  09:30  Everything the meeting needs in place 30 minutes before it starts",
        "  overdue 1m  09:30  Everything the meeting needs in place 30 minutes before it starts",
    ]
    assert frames[2].splitlines()[3] == " " * 18 + f"procflow resume {ident}"
    assert "\a" not in shown.output and "\x1b" not in shown.output  # not a terminal: no bell, no redraw


def test_watch_on_a_terminal_redraws_in_place_and_rings_the_bell(
    desk: Desk, ticking: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    desk.meeting("2026-03-09T10:00")
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True)
    shown = desk.run_cli("agenda", "--watch", "--interval", "120", "--count", "2", "--lang", "en")
    first, second = shown.output.split("\x1b[H\x1b[2J")[1:]
    assert not first.startswith("\a") and second.startswith("\a")
    assert "! due now" in second


def test_watch_runs_until_interrupted(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, ticking: list[float]
) -> None:
    def interrupt(seconds: float) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr("time.sleep", interrupt)
    shown = desk.run_cli("agenda", "--watch", "--lang", "en")
    assert shown.exit_code == 130
    assert shown.output.startswith("nothing due by 10:28 (now 2026-03-09 09:28)\n")
    assert shown.output.endswith("interrupted\n")


def test_run_offers_done_for_a_recurrence_while_waiting_for_a_move(desk: Desk) -> None:
    ident = desk.meeting("2026-03-09T10:00")
    desk.at("2026-03-09T09:20+08:00", "step", ident, "--check", "notepaper", "--check", "pens", "--check", "ashtrays",
              "--check", "tea", "--check", "other_supplies")  # fmt: skip
    desk.step("2026-03-09T09:40+08:00", ident, "--check", "stand_at_desk")
    desk.step("2026-03-09T09:58+08:00", ident, "--check", "greet_each", "--check", "lead_to_room",
              "--move", "all_arrived")  # fmt: skip
    desk.step("2026-03-09T10:02+08:00", ident, "--check", "fill_tea", "--check", "leave_room",
              "--check", "close_door")  # fmt: skip
    desk.monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T10:10+08:00")
    shown = desk.run_cli("resume", ident, "--as", "amy", "--lang", "en", input="d\n")
    assert shown.exit_code == 1  # the input ran dry at the next choice
    lines = shown.output.splitlines()
    assert "   d. done: Refill the water in the meeting room every 15 minutes" in lines
    dues = [line.strip() for line in lines if line.strip().startswith("due: Refill")]
    assert dues == ["due: Refill the water in the meeting room every 15 minutes · every 15m, next by 10:17",
                    "due: Refill the water in the meeting room every 15 minutes · every 15m, next by 10:25"]  # fmt: skip
    history = desk.at("2026-03-09T10:10+08:00", "history", ident, "--json").output
    assert [e["kind"] for e in json.loads(history)["events"]][-1] == "done"
