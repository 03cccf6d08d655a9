"""Sessions: views, answers, checks, moves, automatic routes, sub-procedures, due times, replay."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from procflow.engine.base.errors import IllegalMoveError, InvalidAnswerError, NotFoundError
from procflow.engine.load.yamlio import load_yaml
from procflow.engine.model.procedure import Procedure, build_procedure
from procflow.engine.runtime.journal import EVENT_KEYS, CorruptLogError
from procflow.engine.runtime.session import Session, StepResult, replay, start, used_procedures

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "engine"
CST = timezone(timedelta(hours=8))
T0 = datetime(2026, 3, 7, 9, 0, tzinfo=CST)


def load(name: str) -> Procedure:
    return build_procedure(load_yaml(FIXTURES / name).data, name)


PROCEDURES = {p.id: p for p in (load("shift.yaml"), load("call.yaml"))}


class Run:
    """A session with its whole event log, checking replay after every step."""

    def __init__(
        self,
        procedures: dict[str, Procedure] = PROCEDURES,
        entry: str = "test-shift",
        lang: str = "en",
        **kwargs: Any,
    ) -> None:
        self.procedures = procedures
        snapshot, self.events = start(procedures, entry, now=T0, actor="amy", **kwargs)
        self.session = Session(procedures, snapshot, lang=lang)
        self.check_replay()

    def step(self, minutes: float = 1, **kwargs: Any) -> StepResult:
        result = self.session.advance(**kwargs, now=T0 + timedelta(minutes=minutes), actor="amy")
        self.events += result.events
        self.check_replay()
        return result

    def check_replay(self) -> None:
        log = json.loads(json.dumps(self.events, ensure_ascii=False))
        assert replay(self.procedures, log) == self.session.snapshot

    @property
    def snapshot(self) -> dict[str, Any]:
        return self.session.snapshot


def unchanged(run: Run, error: type[Exception], message: str, **kwargs: Any) -> None:
    """The step is refused with exactly `message` and nothing of it is recorded."""
    before = json.dumps(run.snapshot)
    with pytest.raises(error) as caught:
        run.step(**kwargs)
    assert str(caught.value) == message
    assert json.dumps(run.snapshot) == before


def to_count(run: Run) -> None:
    run.step(answers={"meeting_start": "2026-03-07T10:00"}, check=["lights"])
    run.step()  # greet: only words to say, acknowledged
    run.step(answers={"wants": "transfer"})
    run.step(check=["dial"])


# --- starting -------------------------------------------------------------------------------


def test_start_enters_the_initial_state_with_params_and_a_start_event() -> None:
    run = Run(params={"org_name": "分部", "unrelated": 1})
    snapshot = run.snapshot
    assert snapshot["status"] == "open"
    assert snapshot["path"] == ["open_desk"]
    assert snapshot["entered"] == [T0.isoformat()]
    assert snapshot["version"] == 1
    assert snapshot["frames"][0]["params"] == {"org_name": "分部", "floor": 3}
    [event] = run.events
    assert event["kind"] == "start" and event["to"] == "open_desk" and event["actor"] == "amy"
    assert event["role"] == "desk"
    assert set(EVENT_KEYS) <= set(event)


def test_used_procedures_lists_the_closure_and_names_a_missing_one() -> None:
    assert used_procedures(PROCEDURES, "test-shift") == ("test-shift", "test-call")
    with pytest.raises(NotFoundError, match=r"unknown procedure 'test-shfit'; did you mean 'test-shift'\?"):
        start(PROCEDURES, "test-shfit", now=T0, actor="amy")
    with pytest.raises(NotFoundError, match="unknown procedure 'test-call'"):
        start({"test-shift": PROCEDURES["test-shift"]}, "test-shift", now=T0, actor="amy")


def test_hashes_given_are_pinned_in_the_snapshot_and_frames() -> None:
    run = Run(hashes={"test-shift": "aaa", "test-call": "bbb"})
    to_count(Run(hashes={"test-shift": "aaa", "test-call": "bbb"}))
    assert run.snapshot["hash"] == "aaa"
    run.step(answers={"meeting_start": "2026-03-07T10:00"}, check=["lights"])
    assert [f["hash"] for f in run.snapshot["frames"]] == ["aaa", "bbb"]


# --- the view -------------------------------------------------------------------------------


def test_view_in_both_languages() -> None:
    view = Run(lang="zh-Hant").session.view()
    assert (view.procedure_title, view.title, view.role_title) == ("前臺值班", "開臺", "前臺")
    assert [i.text for i in view.items] == ["開燈", "擺放指示牌"]
    view = Run().session.view()
    assert (view.procedure, view.procedure_title, view.state, view.title) == (
        "test-shift",
        "Desk shift",
        "open_desk",
        "Open the desk",
    )
    assert (view.role, view.role_title, view.kind, view.steps, view.remaining) == (
        "desk",
        "Front desk",
        "routes",
        1,
        4,
    )
    assert [(i.id, i.optional, i.status) for i in view.items] == [
        ("lights", False, "open"),
        ("sign", True, "open"),
    ]
    [question] = view.questions
    assert (question.field, question.type, question.label, question.required) == (
        "meeting_start",
        "datetime",
        "Meeting starts at",
        True,
    )
    assert view.blockers == ("question 'meeting_start' is not answered", "item 'lights' is not checked")
    assert not view.can_continue
    [due] = view.due
    assert (due.id, due.kind, due.due, due.text) == (
        "desk_ready",
        "before",
        None,
        "At the desk 15 minutes before",
    )


def test_view_of_a_sub_procedure_fills_params_and_names_its_callers() -> None:
    run = Run()
    run.step(answers={"meeting_start": "2026-03-07T10:00"}, check=["lights"])
    view = run.session.view()
    assert (view.procedure, view.state, view.path_name, view.kind) == (
        "test-call",
        "greet",
        "phone>greet",
        "routes",
    )
    assert [p.text for p in view.phrases] == ["Hello, this is 總部3樓."]
    assert [(c.procedure, c.state, c.state_title) for c in view.callers] == [
        ("test-shift", "phone", "Take the call")
    ]
    assert view.can_continue and view.blockers == ()
    assert Session(PROCEDURES, run.snapshot, lang="zh-Hant").view().phrases[0].text == "您好,總部3樓。"
    run.step()
    view = run.session.view()
    [question] = view.questions
    assert [(c.number, c.id, c.label) for c in question.choices] == [
        (1, "transfer", "Put through"),
        (2, "message", "Leave a message"),
    ]
    assert [(r.to, r.guard, r.holds) for r in view.routes] == [
        ("put_through", 'wants == "transfer"', False),
        ("take_message", 'wants == "message"', False),
    ]


def test_view_says_why_a_move_is_not_allowed() -> None:
    run = Run()
    to_count(run)
    run.step(answers={"guests": "12"})
    view = run.session.view()
    assert (view.state, view.kind) == ("big", "moves")
    assert [(m.id, m.label, m.allowed, m.why) for m in view.moves] == [
        ("serve", "Serve tea", False, ("question 'tea' is not answered", "the guard 'tea == true' is false")),
        ("close", "Close", False, ("question 'tea' is not answered",)),
    ]
    run.step(answers={"tea": "no"})
    assert [(m.id, m.allowed, m.why) for m in run.session.view().moves] == [
        ("serve", False, ("the guard 'tea == true' is false",)),
        ("close", True, ()),
    ]
    run.step(answers={"tea": "是"})
    assert [(m.id, m.allowed) for m in run.session.view().moves] == [("serve", True), ("close", True)]
    assert run.session.view().questions[0].shown == "yes"


# --- answers, checks, skips -------------------------------------------------------------------


def test_a_wrong_answer_changes_nothing() -> None:
    run = Run()
    unchanged(
        run,
        InvalidAnswerError,
        "answer 'tomorrow' for 'meeting_start' is not valid; expected a date and time such as "
        "'now', '14:30', 'tomorrow 9:00', '+2h' or '2026-03-07 09:30'",
        answers={"meeting_start": "tomorrow"},
        check=["lights"],
    )
    unchanged(
        run,
        InvalidAnswerError,
        "field 'meeting_strat' is not asked in state 'open_desk' (it asks 'meeting_start'); "
        "did you mean 'meeting_start'?",
        answers={"meeting_strat": "2026-03-07T10:00"},
    )
    unchanged(
        run,
        InvalidAnswerError,
        "field 'guests' is not asked in state 'open_desk' (it asks 'meeting_start')",
        answers={"guests": 3},
    )
    unchanged(
        run,
        InvalidAnswerError,
        "unknown item 'light' in state 'open_desk' (its checklist is 'lights', 'sign'); did you mean 'lights'?",
        check=["light"],
    )
    unchanged(run, InvalidAnswerError, "skipping item 'sign' needs a reason", skip={"sign": " "})
    unchanged(
        run,
        InvalidAnswerError,
        "item 'lights' is both checked and skipped in one step",
        check=["lights"],
        skip={"lights": "broken"},
    )
    assert run.events[1:] == []


def test_partial_progress_stays_and_due_times_follow_answers() -> None:
    run = Run()
    result = run.step(answers={"meeting_start": "2026-03-07T10:00"})
    assert [e["kind"] for e in result.events] == ["answer"]
    assert result.events[0]["answers"] == {"meeting_start": "2026-03-07T10:00:00+08:00"}
    assert run.snapshot["path"] == ["open_desk"]
    [due] = run.snapshot["frames"][0]["due"]
    assert due == {
        "id": "desk_ready",
        "kind": "before",
        "state": "open_desk",
        "anchor": "2026-03-07T10:00:00+08:00",
        "due": "2026-03-07T09:45:00+08:00",
    }
    result = run.step(skip={"sign": "no sign today"})
    assert [(e["kind"], e["items"]) for e in result.events] == [("skip", {"sign": "no sign today"})]
    assert run.session.view().items[1].reason == "no sign today"
    assert run.step(skip={"sign": "no sign today"}).events == []  # nothing new, nothing recorded
    result = run.step(check=["lights"], note="all fine")
    assert [e["kind"] for e in result.events] == ["check", "note", "enter", "enter"]
    assert result.events[1]["note"] == "all fine"
    assert run.snapshot["path"] == ["open_desk", "phone", "phone>greet"]


def test_a_skipped_item_can_be_checked_later() -> None:
    run = Run()
    run.step(skip={"lights": "broken"}, answers={"meeting_start": "2026-03-07T10:00"})
    assert run.snapshot["path"][-1] == "phone>greet"  # a skip with a reason satisfies the checklist


# --- moves and routes ----------------------------------------------------------------------


def test_routes_by_guard_priority_and_otherwise() -> None:
    for guests, path in (
        ("12", ["count", "big"]),
        ("3", ["count", "small", "done"]),
        ("0", ["count", "nobody"]),
    ):
        run = Run()
        to_count(run)
        run.step(answers={"guests": guests})
        assert run.snapshot["path"][-len(path) :] == path
    assert run.snapshot["status"] == "open"  # `nobody` has words to say: it waits for the operator
    result = run.step()
    assert run.snapshot["status"] == "finished" and run.snapshot["outcome"] == "done"
    assert [e["kind"] for e in result.events] == ["enter", "finish"]


def test_the_route_taken_is_recorded_with_its_guard() -> None:
    run = Run()
    to_count(run)
    result = run.step(answers={"guests": "12"})
    enter = result.events[-1]
    assert (enter["from"], enter["to"], enter["via"], enter["guard"]) == (
        "count",
        "big",
        "route",
        "guests >= 10",
    )


def test_illegal_moves_are_refused_with_why_and_nothing_recorded() -> None:
    run = Run()
    unchanged(run, IllegalMoveError, "state 'open_desk' moves by guard; move 'go' cannot be taken", move="go")
    to_count(run)
    run.step(answers={"guests": 20})
    unchanged(
        run, IllegalMoveError, "move 'serve' is not allowed yet: question 'tea' is not answered", move="serve"
    )
    unchanged(
        run,
        IllegalMoveError,
        "move 'serve' is not allowed: the guard 'tea == true' is false",
        answers={"tea": "n"},
        move="serve",
    )
    unchanged(
        run,
        IllegalMoveError,
        "unknown move 'srve' in state 'big'; expected one of serve, close; did you mean 'serve'?",
        answers={"tea": "y"},
        move="srve",
    )
    result = run.step(answers={"tea": "y"}, move="serve")
    assert [e["kind"] for e in result.events] == ["answer", "move"]
    assert (result.events[1]["move"], result.events[1]["to"]) == ("serve", "refill")


def test_no_route_holds_refuses_the_step_naming_the_false_guards() -> None:
    run = Run()
    run.step(answers={"meeting_start": "2026-03-07T10:00"}, check=["lights"])
    run.step()
    # `wants` has two options and both are routed, so only a guard no answer can meet fails;
    # a procedure whose routes miss an answer is what the rule about unrouted options catches.
    procedure = build_procedure(
        {
            "procflow": 1,
            "id": "gap",
            "title": "g",
            "initial": "a",
            "fields": {"n": {"type": "number"}},
            "states": {
                "a": {"ask": ["n"], "next": [{"to": "b", "when": "n > 1"}, {"to": "b", "when": "n < -1"}]},
                "b": {"final": True},
            },
        }
    )
    gap = Run({"gap": procedure}, "gap")
    unchanged(
        gap,
        IllegalMoveError,
        "no route out of state 'a' applies: 'n > 1' is false, 'n < -1' is false",
        answers={"n": 0},
    )
    gap.step(answers={"n": 5})
    assert gap.snapshot["status"] == "finished"


def test_every_visit_asks_afresh_so_loops_ask_again() -> None:
    procedure = build_procedure(
        {
            "procflow": 1,
            "id": "loop",
            "title": "l",
            "initial": "ask",
            "fields": {"ok": {"type": "bool"}},
            "states": {
                "ask": {
                    "ask": ["ok"],
                    "next": [{"to": "end", "when": "ok"}, {"to": "ask", "otherwise": True}],
                },
                "end": {"final": True},
            },
        }
    )
    run = Run({"loop": procedure}, "loop")
    run.step(answers={"ok": "n"})
    assert run.snapshot["path"] == ["ask", "ask"]
    assert run.snapshot["frames"][0]["answers"] == {}
    run.step(answers={"ok": "y"})
    assert run.snapshot["status"] == "finished"


def test_automatic_routes_that_go_round_are_refused() -> None:
    procedure = build_procedure(
        {
            "procflow": 1,
            "id": "spin",
            "title": "s",
            "initial": "a",
            "states": {"a": {"next": "b"}, "b": {"next": "a"}},
        }
    )
    with pytest.raises(IllegalMoveError, match="automatic routes go round in a loop"):
        start({"spin": procedure}, "spin", now=T0, actor="amy")


def test_procedures_that_use_each_other_in_a_cycle_are_refused() -> None:
    procedure = build_procedure(
        {
            "procflow": 1,
            "id": "self",
            "title": "s",
            "initial": "a",
            "states": {
                "a": {"use": {"procedure": "self"}, "outcomes": {"end": "end"}},
                "end": {"final": True},
            },
        }
    )
    with pytest.raises(IllegalMoveError, match="sub-procedures nest deeper than 16"):
        start({"self": procedure}, "self", now=T0, actor="amy")


# --- sub-procedures ---------------------------------------------------------------------------


def test_a_sub_procedure_runs_and_its_outcome_routes_the_caller() -> None:
    run = Run()
    run.step(answers={"meeting_start": "2026-03-07T10:00"}, check=["lights"])
    child = run.snapshot["frames"][1]
    assert (child["procedure"], child["state"], child["params"]) == (
        "test-call",
        "greet",
        {"org_name": "總部3樓", "greeting": "您好"},
    )
    run.step()
    run.step(answers={"wants": "2"})
    result = run.step(answers={"callback_at": "2026-03-07T11:00"}, move="noted")
    assert [(e["kind"], e.get("via"), e["to"]) for e in result.events] == [
        ("answer", None, None),
        ("move", None, "phone>messaged"),
        ("finish", None, None),
        ("enter", "outcome", "count"),
    ]
    assert result.events[2]["outcome"] == "message_taken"
    assert len(run.snapshot["frames"]) == 1
    assert run.snapshot["path"] == [
        "open_desk",
        "phone",
        "phone>greet",
        "phone>ask",
        "phone>take_message",
        "phone>messaged",
        "count",
    ]
    assert run.snapshot["frames"][0]["answers"] == {"meeting_start": "2026-03-07T10:00:00+08:00"}


def test_deadlines_within_before_every_and_of_another_state() -> None:
    run = Run()
    run.step(answers={"meeting_start": "2026-03-07T10:00"}, check=["lights"], minutes=2)
    [pick_up] = run.snapshot["frames"][1]["due"]
    assert pick_up["due"] == "2026-03-07T09:02:15+08:00"
    run.step(minutes=3)
    run.step(answers={"wants": "message"}, minutes=4)
    [call_back] = run.snapshot["frames"][1]["due"]
    assert call_back["due"] is None
    run.step(answers={"callback_at": "2026-03-07T12:00"}, minutes=5)
    assert run.snapshot["frames"][1]["due"][0]["due"] == "2026-03-07T11:50:00+08:00"
    run.step(move="noted", minutes=6)
    run.step(answers={"guests": 30}, minutes=7)
    run.step(answers={"tea": True}, move="serve", minutes=8)
    water, since_open = run.snapshot["frames"][0]["due"]
    assert water == {
        "id": "refill_water",
        "kind": "every",
        "state": "refill",
        "anchor": "2026-03-07T09:08:00+08:00",
        "due": "2026-03-07T09:23:00+08:00",
        "every": 900,
    }
    assert since_open["anchor"] == T0.isoformat() and since_open["due"] == "2026-03-07T11:00:00+08:00"
    assert [d.id for d in run.session.view().due] == ["refill_water", "since_open"]


# --- the end ----------------------------------------------------------------------------------


def test_finished_and_cancelled_instances_take_no_more_steps() -> None:
    run = Run()
    to_count(run)
    run.step(answers={"guests": 4})
    assert run.snapshot["status"] == "finished"
    view = run.session.view()
    assert (view.status, view.outcome, view.can_continue) == ("finished", "done", False)
    unchanged(run, IllegalMoveError, "the instance is finished; it takes no more steps")
    with pytest.raises(IllegalMoveError, match="the instance is finished; it cannot be cancelled"):
        run.session.cancel("late", now=T0, actor="amy")

    other = Run()
    with pytest.raises(IllegalMoveError, match="a cancel needs a reason"):
        other.session.cancel("  ", now=T0, actor="amy")
    result = other.session.cancel("desk closed", now=T0, actor="bob")
    other.events += result.events
    other.check_replay()
    assert other.snapshot["status"] == "cancelled" and other.snapshot["updated_by"] == "bob"
    assert result.events[0]["note"] == "desk closed"


def test_role_and_actor_are_recorded() -> None:
    run = Run()
    result = run.session.advance(
        answers={"meeting_start": "2026-03-07T10:00"}, now=T0, actor="bob", role="manager"
    )
    assert (result.events[0]["actor"], result.events[0]["role"]) == ("bob", "manager")


def test_a_session_refuses_a_snapshot_of_other_procedures() -> None:
    snapshot = Run().snapshot
    with pytest.raises(
        NotFoundError, match="procedure 'test-shift' of this instance is not among those given"
    ):
        Session({"test-call": PROCEDURES["test-call"]}, snapshot)


def test_a_log_that_does_not_replay_is_a_corrupt_log() -> None:
    run = Run()
    with pytest.raises(CorruptLogError, match="the event log is empty"):
        replay(PROCEDURES, [])
    with pytest.raises(CorruptLogError, match="begins with 'answer'"):
        replay(PROCEDURES, [{"kind": "answer", "answers": {}}])
    with pytest.raises(CorruptLogError, match="a second 'start'"):
        replay(PROCEDURES, run.events + run.events)
    broken = dict(run.events[0], state="nowhere")
    with pytest.raises(CorruptLogError, match="event 'start' does not apply"):
        replay(PROCEDURES, [broken])
    with pytest.raises(CorruptLogError, match="unknown event kind 'jump'"):
        replay(PROCEDURES, [*run.events, {"kind": "jump", "at": "x", "actor": "a"}])


def test_naive_now_keeps_naive_times() -> None:
    snapshot, _ = start(PROCEDURES, "test-shift", now=datetime(2026, 3, 7, 9, 0), actor="amy")
    session = Session(PROCEDURES, snapshot)
    session.advance(
        answers={"meeting_start": "2026-03-07T10:00+00:00"}, now=datetime(2026, 3, 7, 9, 1), actor="amy"
    )
    answer = session.snapshot["frames"][0]["answers"]["meeting_start"]
    assert "+" not in answer
    assert datetime.fromisoformat(session.snapshot["frames"][0]["due"][0]["due"]).tzinfo is None


def test_the_engine_does_no_terminal_io() -> None:
    for name in ("machine", "session", "journal", "view", "answers", "due"):
        source = (ROOT / "engine" / "runtime" / f"{name}.py").read_text("utf-8")
        assert not re.search(
            r"\b(print|input)\(|sys\.exit|import click|datetime\.now\(\)(?!\.astimezone)", source
        ), name


def test_a_session_refuses_a_snapshot_in_a_state_its_procedure_lacks() -> None:
    snapshot = json.loads(json.dumps(Run().snapshot))
    snapshot["frames"][0]["state"] = "gone"
    with pytest.raises(
        CorruptLogError, match="this instance is in state 'gone', which procedure 'test-shift'"
    ):
        Session(PROCEDURES, snapshot)


def test_a_recurrence_counts_again_from_its_acknowledgement() -> None:
    from procflow.engine.runtime.due import acknowledge, lateness

    entry = {
        "id": "w",
        "kind": "every",
        "state": "s",
        "anchor": "2026-03-07T09:00:00+08:00",
        "due": "2026-03-07T09:15:00+08:00",
        "every": 900,
    }
    later = (T0 + timedelta(minutes=20)).isoformat()
    assert lateness(entry, later) == 300
    assert lateness(entry, T0.isoformat()) == 0  # early: not late
    assert acknowledge(entry, later) == dict(entry, anchor=later, due="2026-03-07T09:35:00+08:00")
    assert lateness(dict(entry, due=None), later) == 0


def test_events_after_the_end_or_without_a_time_do_not_replay() -> None:
    run = Run()
    result = run.session.cancel("closed", now=T0, actor="amy")
    closed = run.events + result.events
    with pytest.raises(CorruptLogError, match=r"event 'note' follows the end of the instance \(cancelled\)"):
        replay(PROCEDURES, [*closed, dict(result.events[0], kind="note")])
    with pytest.raises(CorruptLogError, match="event 'cancel' does not apply: it has no 'at'"):
        replay(PROCEDURES, [*run.events, {k: v for k, v in result.events[0].items() if k != "at"}])
    with pytest.raises(CorruptLogError, match="unknown event kind None"):
        replay(PROCEDURES, [*run.events, ["not", "a", "mapping"]])  # type: ignore[list-item]
