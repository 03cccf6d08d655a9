"""Deadlines on a controllable clock: the meeting's T-30 / T-15 / every-15-minutes timeline, the
car service's one-minute greeting and promised delivery time, breaches and how late they were,
recurrences acknowledged, `{param}` durations, duty hours, and the store's due table."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from procflow.engine.base import clock
from procflow.engine.base.calendar import build_calendar
from procflow.engine.base.clock import Duty, parse_moment
from procflow.engine.base.errors import InvalidAnswerError, UsageError
from procflow.engine.check.files import load_checked
from procflow.engine.load.yamlio import load_yaml_bytes
from procflow.engine.model.procedure import Procedure, build_procedure
from procflow.engine.runtime.driver import Driver, Missing
from procflow.engine.runtime.due import due_rows
from procflow.engine.runtime.session import Session, replay, start, used_procedures

ROOT = Path(__file__).resolve().parent.parent
CST = timezone(timedelta(hours=8))
DAY = datetime(2026, 3, 9, tzinfo=CST)  # a Monday
MEETING = DAY.replace(hour=10)
# 第三篇's duty hours, Monday to Friday
DUTY = Duty(build_calendar({"duty_hours": [
    {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:30", "to": "11:30"},
    {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "13:30", "to": "17:30"},
], "closed": ["2026-03-11"]}), CST)  # fmt: skip


def bundled(*ids: str) -> dict[str, Procedure]:
    found: dict[str, Procedure] = {}
    pending = list(ids)
    while pending:
        ident = pending.pop()
        procedure, _ = load_checked(ROOT / "procedures" / f"{ident}.yaml")
        assert procedure is not None
        found[ident] = procedure
        pending += [ident for ident in procedure.needs() if ident not in found]  # used, or shared from
    return found


def at(hour: int, minute: int = 0, second: int = 0, day: datetime = DAY) -> datetime:
    return day.replace(hour=hour, minute=minute, second=second)


class Run:
    """A session with its whole event log; every step checks that replay gives its snapshot."""

    def __init__(self, procedures: dict[str, Procedure], entry: str, now: datetime, **kwargs: Any) -> None:
        self.procedures = procedures
        snapshot, self.events = start(procedures, entry, now=now, actor="amy", **kwargs)
        self.session = Session(procedures, snapshot, lang="en", calendar=kwargs.get("calendar"),
                               zone=kwargs.get("zone"), params=kwargs.get("params"))  # fmt: skip
        self.replays()

    def step(self, now: datetime, **kwargs: Any) -> list[dict[str, Any]]:
        result = self.session.advance(**kwargs, now=now, actor="amy")
        self.events += result.events
        self.replays()
        return result.events

    def play(
        self, now: datetime, answers: dict[str, Any], moves: tuple[str, ...] = (), until: str | None = None
    ) -> None:
        """Answer and confirm everything the states ask, at `now`, until the state `until`."""
        driver = Driver(answers, moves, {})
        while self.session.snapshot["status"] == "open" and self.state != until:
            plan = driver.plan(self.session.view())
            assert not isinstance(plan, Missing), plan.what
            self.step(now, answers=plan.answers, check=plan.check, skip=plan.skip, move=plan.move)

    def replays(self) -> None:
        log = json.loads(json.dumps(self.events, ensure_ascii=False))
        assert replay(self.procedures, log) == self.session.snapshot

    @property
    def state(self) -> str:
        return ">".join(f["state"] for f in self.session.snapshot["frames"])

    def due(self, depth: int = -1) -> dict[str, str | None]:
        return {e["id"]: e["due"] for e in self.session.snapshot["frames"][depth]["due"]}

    def breaches(self) -> list[tuple[str, str, float, str]]:
        return [
            (e["deadline"], e["due"], e["late"], e["state"]) for e in self.events if e["kind"] == "breach"
        ]


# --- the meeting service: T-30, T-15, every 15 minutes -----------------------------------------------

MEETING_ANSWERS = {
    "meeting_start": "2026-03-09T10:00", "meeting_place": "Room 3", "organiser_dept": "Sales",
    "need_name_plates": False, "need_laptop": False, "need_projector": False, "need_recorder": False,
    "need_tea": True, "need_drinks": False, "departments_notified": "IT",
}  # fmt: skip


def meeting() -> Run:
    now = at(8, 50)
    run = Run(bundled("art1-meeting-service"), "art1-meeting-service", now)
    run.play(now, MEETING_ANSWERS, until="set_up")
    return run


def test_the_meeting_timeline_on_time_records_no_breach() -> None:
    run = meeting()
    assert run.due() == {"set_up_by_t_minus_30": "2026-03-09T09:30:00+08:00"}  # T-30
    run.play(at(9, 29), {}, until="return_to_desk")
    assert run.due() == {"at_desk_by_t_minus_15": "2026-03-09T09:45:00+08:00"}  # T-15
    run.play(at(9, 44), {}, until="welcome_attendees")
    assert run.breaches() == []
    run.play(at(9, 58), {}, moves=("all_arrived",), until="during_meeting")
    assert run.due() == {"refill_every_15_minutes": "2026-03-09T10:13:00+08:00"}  # every 15 from entering
    run.step(at(10, 10), done="refill_every_15_minutes")  # early is fine: the next counts from now
    assert run.due() == {"refill_every_15_minutes": "2026-03-09T10:25:00+08:00"}
    run.step(at(10, 24), move="refill")
    run.play(at(10, 26), {}, until="during_meeting")  # the refill state leads back: 15 minutes again
    assert run.due() == {"refill_every_15_minutes": "2026-03-09T10:41:00+08:00"}
    run.step(at(10, 40), move="meeting_over")
    assert run.breaches() == []


def test_the_meeting_timeline_late_at_each_point_records_how_late() -> None:
    run = meeting()
    events = run.step(at(9, 42, 30), check=["notepaper", "pens", "ashtrays", "tea", "other_supplies"])
    assert [e["kind"] for e in events] == ["check", "breach", "enter"]  # the breach before leaving
    assert run.breaches() == [("set_up_by_t_minus_30", "2026-03-09T09:30:00+08:00", 750, "set_up")]
    assert run.due() == {"at_desk_by_t_minus_15": "2026-03-09T09:45:00+08:00"}  # T-15
    run.step(at(9, 46), check=["stand_at_desk"])
    assert run.breaches()[-1] == ("at_desk_by_t_minus_15", "2026-03-09T09:45:00+08:00", 60, "return_to_desk")
    run.play(at(10, 2), {}, moves=("all_arrived",), until="during_meeting")
    events = run.step(at(10, 20), done="refill")  # 3 minutes late; a prefix only it has names it
    assert [(e["kind"], e.get("late")) for e in events] == [("breach", 180), ("done", None)]
    assert events[1]["due"] == "2026-03-09T10:17:00+08:00"
    assert run.due() == {"refill_every_15_minutes": "2026-03-09T10:35:00+08:00"}
    events = run.step(at(10, 50), move="meeting_over")  # left with an occurrence unacknowledged
    assert [(e["kind"], e.get("late")) for e in events][:2] == [("breach", 900), ("move", None)]


def test_a_breach_changes_nothing_but_the_version() -> None:
    run = meeting()
    run.step(at(9, 40), check=["notepaper", "pens", "ashtrays", "tea", "other_supplies"])
    breach = next(i for i, e in enumerate(run.events) if e["kind"] == "breach")
    log = json.loads(json.dumps(run.events))
    before, after = replay(run.procedures, log[:breach]), replay(run.procedures, log[: breach + 1])
    assert before["version"] + 1 == after["version"]
    assert {k: v for k, v in before.items() if k != "version"} == {
        k: v for k, v in after.items() if k != "version"
    }


def test_acknowledging_what_is_not_a_recurrence_is_refused_with_a_reason() -> None:
    run = meeting()
    with pytest.raises(
        InvalidAnswerError, match="'set_up_by_t_minus_30' is not a recurrence; it is met by leaving"
    ):
        run.step(at(9, 0), done="set_up_by_t_minus_30")
    run.play(at(9, 20), {}, moves=("all_arrived",), until="during_meeting")
    with pytest.raises(
        InvalidAnswerError, match=r"no recurrence 'refil_every' .*did you mean 'refill_every_15_minutes'"
    ):
        run.step(at(9, 30), done="refil_every")
    assert run.step(at(9, 30), done="refill_every_15_minutes")[-1]["kind"] == "done"


def test_a_done_alone_does_not_acknowledge_a_state_that_only_speaks() -> None:
    text = """\
procflow: 1
id: t-speak
title: T
initial: talk
states:
  talk:
    say: [Keep talking]
    due: [{id: nod, every: 5 minutes}]
    next: end
  end: {final: true}
"""
    procedure = build_procedure(load_yaml_bytes(text.encode(), "t.yaml").data, "t.yaml")
    run = Run({"t-speak": procedure}, "t-speak", at(9))
    run.step(at(9, 5), done="nod")
    assert run.state == "talk"
    run.step(at(9, 6))  # acknowledging the state itself leaves it
    assert run.session.snapshot["status"] == "finished"


# --- the car service: greet within one minute, the promised delivery time ----------------------------

CAR = {
    "intake_mode": "at_shop", "customer_description": "noise", "customer_needs": "fix", "estimated_cost": 800,
    "estimated_time": "a day", "difficult_problem": False,
    "test_drive_needed": False, "interior_consent": False, "paint_damage_found": False, "trunk_consent": False,
    "customer_phone": "0912", "customer_waits": "leave", "entry_time": "2026-03-09T09:00", "plate_number": "AB-1",
    "order_time": "2026-03-09T09:20", "owner_name": "Wang", "owner_phone": "0912", "contact_phone": "0912",
    "mileage_km": 12000, "repair_category": "repair", "customer_source": "walk-in", "repair_items": "noise",
    "labour_fee": 300, "delivery_time": "2026-03-09T17:00", "self_check_result": "passed",
    "peer_check_result": "passed", "final_check_result": "passed", "next_service_mileage_km": 17000,
    "next_service_time": "2026-09-09T09:00", "next_service_cost": 800, "gate_pass_shown": True,
    "customer_feedback": "fine", "our_shortcomings": "none",
}  # fmt: skip


@pytest.mark.parametrize(("greeted", "late"), [((9, 0, 59), None), ((9, 1, 0), None), ((9, 1, 40), 40)])
def test_the_car_is_greeted_within_one_minute_of_entering(
    greeted: tuple[int, int, int], late: int | None
) -> None:
    run = Run(bundled("art2-car-service"), "art2-car-service", at(9))
    run.play(at(9), CAR, until="intake>greet")
    assert run.due() == {"greet_within_one_minute": "2026-03-09T09:01:00+08:00"}  # of state:guide_parking
    run.play(at(*greeted), CAR, until="intake>listen")
    expected = (
        []
        if late is None
        else [("greet_within_one_minute", "2026-03-09T09:01:00+08:00", late, "intake>greet")]
    )
    assert run.breaches() == expected


def test_the_promised_delivery_time_is_the_delivery_deadline() -> None:
    service = bundled("art2-car-service")["art2-car-service"]
    assert service.fields["delivery_time"].label.get("zh-Hant") == "交車時間"  # type: ignore[union-attr]
    (deadline,) = service.states["delivery"].due
    assert (deadline.id, deadline.kind, deadline.duration, deadline.anchor) == (
        "by_promised_time", "before", "0 minutes", "delivery_time")  # fmt: skip


@pytest.mark.parametrize(("released", "late"), [((16, 59), None), ((17, 25), 1500)])
def test_a_car_released_after_the_promised_time_is_a_breach(
    released: tuple[int, int], late: int | None
) -> None:
    run = Run(bundled("art2-car-service"), "art2-car-service", at(9))
    run.play(at(9, 30), CAR, moves=("repair_finished",), until="delivery>explain")
    assert run.due(0) == {"by_promised_time": "2026-03-09T17:00:00+08:00"}  # the caller's, while delivering
    run.play(at(*released), CAR, moves=("confirmed",), until="follow_up")
    expected = [] if late is None else [("by_promised_time", "2026-03-09T17:00:00+08:00", late, "delivery")]
    assert run.breaches() == expected


def test_a_delay_the_customer_agrees_to_moves_the_promised_time() -> None:
    answers = dict(CAR, problem_kind="delay", customer_agreement="agreed")
    run = Run(bundled("art2-car-service"), "art2-car-service", at(9))
    run.play(at(9, 30), answers, moves=("report_problem",), until="delay_agreed")
    run.play(
        at(10),
        {**answers, "delivery_time": "2026-03-10T12:00"},
        moves=("repair_finished",),
        until="delivery>explain",
    )
    assert run.due(0) == {"by_promised_time": "2026-03-10T12:00:00+08:00"}
    run.play(at(17, 25), answers, moves=("confirmed",), until="follow_up")
    assert run.breaches() == []  # late for the first promise, on time for the agreed one


# --- durations from parameters, duty hours ---------------------------------------------------------

LEAD = """\
procflow: 1
id: t-lead
title: T
params: {setup_lead: 30 minutes}
fields: {meeting_start: {type: datetime}}
initial: book
states:
  book:
    ask: [meeting_start]
    next: set_up
  set_up:
    do: [Set out the materials]
    due:
      - {id: ready, before: "{setup_lead}", of: meeting_start}
      - {id: reply, within: 2 hours, during: duty_hours}
      - {id: chase, every: 1 hour, during: duty_hours}
    next: done
  done: {final: true}
"""


def lead() -> dict[str, Procedure]:
    return {"t-lead": build_procedure(load_yaml_bytes(LEAD.encode(), "t.yaml").data, "t.yaml")}


def test_a_site_sets_a_duration_by_parameter() -> None:
    run = Run(lead(), "t-lead", at(9), params={"setup_lead": "45 minutes"})
    run.step(at(9), answers={"meeting_start": "2026-03-09T10:00"})
    assert run.due()["ready"] == "2026-03-09T09:15:00+08:00"
    default = Run(lead(), "t-lead", at(9))
    default.step(at(9), answers={"meeting_start": "2026-03-09T10:00"})
    assert default.due()["ready"] == "2026-03-09T09:30:00+08:00"
    with pytest.raises(
        UsageError, match="parameter 'setup_lead' of procedure 't-lead' is 'soon', not a duration"
    ):
        start(lead(), "t-lead", now=at(9), actor="amy", params={"setup_lead": "soon"})


def test_duty_hours_move_due_times_over_breaks_nights_and_closed_days() -> None:
    friday = DAY + timedelta(days=4)
    run = Run(lead(), "t-lead", at(17, day=friday), calendar=DUTY.calendar, zone=DUTY.zone)
    run.step(at(17, day=friday), answers={"meeting_start": "2026-03-16T10:00"})
    due = run.due()
    assert due["reply"] == "2026-03-16T10:00:00+08:00"  # 30 minutes on Friday, 1h30 on Monday
    assert due["chase"] == "2026-03-16T09:00:00+08:00"
    assert "timezone" not in run.session.snapshot["frames"][0]["calendar"]  # a fixed offset: each time's own
    # replay needs no calendar: it was pinned in the frame
    assert replay(run.procedures, json.loads(json.dumps(run.events))) == run.session.snapshot
    events = run.step(
        at(9, 30, day=DAY + timedelta(days=7)), done="chase"
    )  # Monday 09:30: 30 duty minutes late
    assert [(e["kind"], e.get("late")) for e in events] == [("breach", 1800), ("done", None)]
    assert run.due()["chase"] == "2026-03-16T10:30:00+08:00"


def test_duty_arithmetic() -> None:
    tuesday = DAY + timedelta(days=1)
    assert DUTY.add(at(11, 0), 45 * 60) == at(13, 45)  # over lunch
    assert DUTY.add(at(11, 15), 15 * 60) == at(13, 30)  # an end at a break moves to the next start
    assert DUTY.add(at(12, 0), 0) == at(13, 30)
    assert DUTY.add(at(17, 0, day=tuesday), 3600) == at(
        9, 0, day=tuesday + timedelta(days=2)
    )  # the 11th is closed
    assert DUTY.subtract(at(13, 45), 45 * 60) == at(11, 0)
    assert DUTY.subtract(at(8, 45, day=tuesday), 30 * 60) == at(17, 15)
    assert DUTY.between(at(11, 0), at(14, 0)) == 3600
    assert DUTY.between(at(14, 0), at(11, 0)) == 0
    assert DUTY.next_start(at(12, 0)) == at(13, 30) and DUTY.next_start(at(9, 0)) == at(9, 0)
    utc = datetime(2026, 3, 9, 3, 40, tzinfo=UTC)  # 11:40 in the site's zone: on a break
    assert DUTY.next_start(utc) == datetime(2026, 3, 9, 5, 30, tzinfo=UTC)
    always = Duty(build_calendar(None))
    assert always.add(at(23), 3600) == at(23) + timedelta(hours=1) and always.between(at(1), at(2)) == 3600
    midnight = Duty(build_calendar({"duty_hours": [{"from": "20:00", "to": "24:00"}]}))
    assert midnight.add(at(23, 30), 3600) == at(20, 30) + timedelta(days=1)
    naive = DUTY.add(datetime(2026, 3, 9, 11, 0), 45 * 60)
    assert naive == datetime(2026, 3, 9, 13, 45)
    pinned = clock.duty_from_data(clock.duty_data(Duty(DUTY.calendar, ZoneInfo("Asia/Shanghai"))))
    assert (
        pinned is not None and pinned.zone == ZoneInfo("Asia/Shanghai") and pinned.calendar == DUTY.calendar
    )
    assert date(2026, 3, 11) in pinned.calendar.closed
    assert clock.duty_from_data(None) is None


# --- the clock ------------------------------------------------------------------------------------------


def test_now_reads_procflow_now_in_the_sites_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T09:30+08:00")
    assert clock.now() == at(9, 30)
    assert clock.now(ZoneInfo("Europe/London")).isoformat() == "2026-03-09T01:30:00+00:00"
    monkeypatch.setenv("PROCFLOW_NOW", "tomorrow")
    with pytest.raises(UsageError, match="PROCFLOW_NOW 'tomorrow' is not an ISO 8601 date-time"):
        clock.now()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-03-09T14:30", at(14, 30)),
        ("2026-03-09 14:30+08:00", at(14, 30)),
        ("2026-03-09T06:30Z", at(14, 30)),
        ("14:30", at(14, 30)),
        ("9:05", at(9, 5)),
        ("+90m", at(10, 30)),
        ("+1h 30m", at(10, 30)),
    ],
)
def test_a_typed_moment(typed: str, expected: datetime) -> None:
    assert parse_moment(typed, at(9)) == expected


@pytest.mark.parametrize("typed", ["soon", "25:00", "+soon", "2026-13-01", "", "+"])
def test_a_malformed_moment_is_a_usage_error(typed: str) -> None:
    with pytest.raises(
        UsageError, match=r"time '.*' is not understood; expected e\.g\. 2026-03-07T09:30, 14:30 or \+90m"
    ):
        parse_moment(typed, at(9))


# --- the due table -------------------------------------------------------------------------------------


def test_due_rows_follow_the_snapshot() -> None:
    run = meeting()
    rows = due_rows(run.session.snapshot, run.procedures)
    assert rows == [(
        "art1-meeting-service", "set_up", "set_up_by_t_minus_30", "before", "2026-03-09T01:30:00.000Z", None,
        "front_desk", json.dumps({"en": "Everything the meeting needs in place 30 minutes before it starts",
                                  "zh-Hant": "會議前30分鐘,將會議所需的物資物料全部擺放到位"},
                                 ensure_ascii=False, sort_keys=True, separators=(",", ":")),
    )]  # fmt: skip
    assert due_rows(run.session.snapshot, None)[0][6:] == (None, None)
    assert due_rows(dict(run.session.snapshot, status="finished"), run.procedures) == []


def test_migration_3_gives_instances_open_before_it_their_due_rows(tmp_path: Path) -> None:
    from procflow.engine.desk.instances import Desk
    from procflow.engine.store.migrations import MIGRATIONS
    from procflow.engine.store.sqlite import SQLiteStore

    path = tmp_path / "v2.db"
    run = meeting()
    with SQLiteStore(path) as store:  # an instance as a version-2 procflow kept it
        raw = (ROOT / "procedures" / "art1-meeting-service.yaml").read_bytes()
        record = store.start_instance(procedure_id="art1-meeting-service", pins={"art1-meeting-service": ("m.yaml", raw)},
                              snapshot=run.session.snapshot, state="set_up", status="open", role="front_desk",
                              events=run.events, actor="amy", at="2026-03-09T00:50:00.000Z")  # fmt: skip
    db = sqlite3.connect(path)  # undo migration 3 and every later one
    for statement in (s for m in MIGRATIONS[2:] for s in m):
        created = re.match(r"\s*CREATE (TABLE|INDEX|TRIGGER) (\w+)", statement)
        if created:
            db.execute(f"DROP {created[1]} IF EXISTS {created[2]}")
        added = re.match(r"\s*ALTER TABLE (\w+) ADD COLUMN (\w+)", statement)
        if added:
            db.execute(f"ALTER TABLE {added[1]} DROP COLUMN {added[2]}")
    db.execute("PRAGMA user_version=2")
    db.commit()
    db.close()
    with SQLiteStore(path) as store:
        assert store.due_of(record.id) == [("art1-meeting-service", "set_up", "set_up_by_t_minus_30", "before",
                                            "2026-03-09T01:30:00.000Z", None, "front_desk", None)]  # fmt: skip
        from procflow.engine.desk.audit import verify

        assert verify(store).mismatches == []
        from procflow.engine.desk.agenda import read_agenda

        # a row without its text: the agenda reads it from the pinned procedure
        [item] = read_agenda(store, now=at(9, 40), within=3600, limit=5, lang="en").items
        assert item.text == "Everything the meeting needs in place 30 minutes before it starts"
        desk = Desk(store, actor="amy", clock=lambda: at(9, 40))
        desk.step(desk.open(record.id), check=["notepaper", "pens", "ashtrays", "tea", "other_supplies"])
        assert [r[2] for r in store.due_of(record.id)] == ["at_desk_by_t_minus_15"]
        assert verify(store).mismatches == []


def test_verify_names_a_due_row_that_differs_from_its_snapshot(tmp_path: Path) -> None:
    from procflow.engine.desk.audit import verify
    from procflow.engine.desk.instances import Desk
    from procflow.engine.store.sqlite import SQLiteStore

    with SQLiteStore(tmp_path / "s.db") as store:
        desk = Desk(store, actor="amy", clock=lambda: at(8, 50))
        opened = desk.start("art1-meeting-service")
        driver = Driver(MEETING_ANSWERS, [], {})
        while opened.view().state != "set_up":
            plan = driver.plan(opened.view())
            assert not isinstance(plan, Missing)
            desk.step(opened, answers=plan.answers, check=plan.check, skip=plan.skip)
        assert verify(store).mismatches == []
        store.db.execute("UPDATE due SET due_at = '2026-03-09T02:00:00.000Z'")
        [(_, problem)] = verify(store).mismatches
        assert problem == ("its due row for 'set_up_by_t_minus_30' at 'set_up' says due_at '2026-03-09T02:00:00.000Z', "
                           "its snapshot '2026-03-09T01:30:00.000Z'")  # fmt: skip
        store.db.execute("DELETE FROM due")
        [(_, problem)] = verify(store).mismatches
        assert problem == "its due time 'set_up_by_t_minus_30' at 'set_up' has no row in the due table"
        desk.cancel(opened, "meeting called off")
        assert store.db.execute("SELECT count(*) FROM due").fetchone() == (0,)
        assert verify(store).mismatches == []


def test_used_procedures_of_the_car_service_are_bundled() -> None:
    assert set(used_procedures(bundled("art2-car-service"), "art2-car-service")) >= {"art2-car-intake"}


def test_the_callers_deadline_shows_inside_its_sub_procedure() -> None:
    run = Run(bundled("art2-car-service"), "art2-car-service", at(9))
    run.play(at(9, 30), CAR, moves=("repair_finished",), until="delivery>explain")
    view = run.session.view()
    assert [(d.id, d.due) for d in view.caller_due] == [("by_promised_time", "2026-03-09T17:00:00+08:00")]
    assert view.recurrences == ()  # only the state's own recurrences can be marked done here
