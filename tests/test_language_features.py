"""Conditional items and phrases (`when`), items ordered after the questions (`after: ask`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import Result
from procflow.engine.base.errors import InvalidAnswerError
from procflow.engine.load.yamlio import load_yaml_bytes
from procflow.engine.model.procedure import Procedure, build_procedure
from procflow.engine.runtime.session import Session, start

T0 = datetime(2026, 3, 7, 9, 0, tzinfo=timezone(timedelta(hours=8)))

CALL = """\
procflow: 1
id: call
title: Call
fields:
  caller_thanked: {type: bool}
  plate: {type: text}
initial: talk
states:
  talk:
    ask: [caller_thanked]
    next: close
  close:
    say:
      - {text: {zh-Hant: 不用謝, en: "You're welcome"}, when: caller_thanked}
      - {zh-Hant: 再見, en: Goodbye}
    do:
      - {id: thank_back, text: Thank them back, when: caller_thanked}
      - {id: enter, text: Enter the order}
      - {id: print, text: Then print it, after: ask}
    ask: [plate]
    next: done
  done:
    final: true
"""


def session(text: str = CALL) -> Session:
    procedure: Procedure = build_procedure(load_yaml_bytes(text.encode(), "call.yaml").data, "call.yaml")
    snapshot, _ = start({procedure.id: procedure}, procedure.id, now=T0, actor="amy")
    return Session({procedure.id: procedure}, snapshot, lang="en")


@pytest.mark.parametrize("thanked", [True, False])
def test_a_guarded_phrase_and_item_apply_only_when_their_guard_holds(thanked: bool) -> None:
    run = session()
    run.advance({"caller_thanked": thanked}, actor="amy", now=T0)
    view = run.view()
    assert [p.text for p in view.phrases] == (["You're welcome", "Goodbye"] if thanked else ["Goodbye"])
    assert [i.id for i in view.items] == (["thank_back", "enter", "print"] if thanked else ["enter", "print"])
    blockers = "; ".join(view.blockers)
    assert ("'thank_back'" in blockers) is thanked
    checks = ["enter", "print"] + (["thank_back"] if thanked else [])
    run.advance({"plate": "A123"}, check=checks, actor="amy", now=T0)
    assert run.snapshot["status"] == "finished"


def test_an_item_after_the_questions_waits_for_them() -> None:
    run = session()
    run.advance({"caller_thanked": False}, actor="amy", now=T0)
    assert [i.waiting for i in run.view().items] == [False, True]
    with pytest.raises(InvalidAnswerError, match="item 'print' comes after the questions of state 'close': "
                       "answer 'plate' first"):  # fmt: skip
        run.advance(check=["enter", "print"], actor="amy", now=T0)
    assert run.snapshot["frames"][-1]["checked"] == []  # nothing recorded
    run.advance({"plate": "A123"}, check=["enter"], actor="amy", now=T0)
    assert [i.waiting for i in run.view().items] == [False, False]
    run.advance(check=["print"], actor="amy", now=T0)
    assert run.snapshot["status"] == "finished"


def test_answers_given_in_the_same_step_count_before_the_item() -> None:
    run = session()
    run.advance({"caller_thanked": False}, actor="amy", now=T0)
    run.advance({"plate": "A123"}, check=["enter", "print"], actor="amy", now=T0)
    assert run.snapshot["status"] == "finished"


PICKUP = """\
procflow: 1
id: pickup
title: Pick-up
fields:
  mileage_km: {type: number}
  promised: {type: datetime}
  note: {type: text}
initial: promise
states:
  promise:
    ask: [mileage_km, promised, {field: note, required: false}]
    next: handed_over
  handed_over: {final: true}
"""

SERVICE = """\
procflow: 1
id: service
title: Service
fields:
  mileage_km: {type: number}
  delivery_time: {type: datetime}
  note: {type: text}
initial: pickup
states:
  pickup:
    use:
      procedure: pickup
      returns: {mileage_km: mileage_km, promised: delivery_time, note: note}
    outcomes:
      handed_over: work_order
  work_order:
    ask: [mileage_km, delivery_time, {field: note, required: false}]
    moves:
      - {id: again, to: work_order}
      - {id: close, to: done}
  done: {final: true}
"""


def test_a_used_procedure_hands_its_answers_back_once() -> None:
    from procflow.engine.runtime.session import replay

    procedures = {
        p.id: p
        for p in (
            build_procedure(load_yaml_bytes(text.encode(), f"{name}.yaml").data, f"{name}.yaml")
            for name, text in (("pickup", PICKUP), ("service", SERVICE))
        )
    }
    snapshot, events = start(procedures, "service", now=T0, actor="amy")
    run = Session(procedures, snapshot, lang="en")
    events += run.advance({"mileage_km": "12000", "promised": "2026-03-07T17:00"}, actor="amy", now=T0).events
    view = run.view()
    assert view.state == "work_order"
    shown = {q.field: q.answer for q in view.questions}
    assert shown["mileage_km"] == 12000 and str(shown["delivery_time"]).startswith("2026-03-07T17:00")
    assert shown["note"] is None  # not answered in the pick-up: nothing handed back
    assert view.can_continue is False and view.kind == "moves" and not view.blockers
    assert [d.id for d in view.due] == [] and replay(procedures, events) == run.snapshot
    events += run.advance(move="again", actor="amy", now=T0).events
    assert {q.field: q.answer for q in run.view().questions}["mileage_km"] is None  # a new visit asks again


def test_a_text_shows_an_answer_given_earlier_and_a_dash_before() -> None:
    text = CALL.replace(
        "{zh-Hant: 再見, en: Goodbye}", '{zh-Hant: "再見,{plate}", en: "Goodbye, car {plate}"}'
    )
    run = session(text)
    run.advance({"caller_thanked": False}, actor="amy", now=T0)
    assert [p.text for p in run.view().phrases] == ["Goodbye, car —"]
    run.advance({"plate": "A123"}, check=["enter"], actor="amy", now=T0)
    assert [p.text for p in run.view().phrases] == ["Goodbye, car A123"]


@pytest.mark.parametrize("thanked", [True, False])
def test_the_bundled_phone_says_you_are_welcome_only_to_a_caller_who_thanks(
    thanked: bool, run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "answers: {answered_late: false, call_kind: request, caller_name: Li, matter: x, "
        f"caller_thanked: {'true' if thanked else 'false'}, pass_on_needed: true, passed_to: sales}}\n",
        encoding="utf-8",
    )
    result = run_cli("run", "art4-phone-reception", "--answers", str(answers), "--lang", "en", "--as", "li")
    assert result.exit_code == 0, result.output
    assert ("You're welcome." in result.output) is thanked
    assert "Thank you." in result.output  # the unguarded phrase beside it is always said


FOLLOW = """\
procflow: 1
id: follow
title: Follow-up
params:
  follow_up_delay:
    description: {zh-Hant: 交車后多久回訪, en: How long after delivery}
initial: deliver
states:
  deliver:
    do: [Hand over the car]
    next: follow_up
  follow_up:
    due:
      - {id: follow_up_visit, within: "{follow_up_delay}"}
    do: [Follow up]
    next: done
  done: {final: true}
"""


@pytest.mark.parametrize(
    ("site", "due"), [({}, []), ({"follow_up_delay": "3 days"}, ["2026-03-08T09:00:00+08:00"])]
)
def test_a_deadline_read_from_a_parameter_without_default_is_kept_only_once_a_site_sets_it(
    site: dict[str, str], due: list[str]
) -> None:
    procedure = build_procedure(load_yaml_bytes(FOLLOW.encode(), "follow.yaml").data, "follow.yaml")
    assert procedure.params["follow_up_delay"].default is None and procedure.param_defaults() == {}
    snapshot, _ = start({"follow": procedure}, "follow", now=T0, actor="amy", params=site)
    run = Session({"follow": procedure}, snapshot, lang="en", params=site)
    run.advance(check=["1"], actor="amy", now=T0 - timedelta(days=2))
    assert run.view().state == "follow_up"
    assert [d.due for d in run.view().due] == due


@pytest.mark.parametrize("site_sets_it", [True, False])
def test_progress_reports_land_on_the_agenda_only_when_the_site_sets_their_interval(
    site_sets_it: bool, run_cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    root = Path(__file__).resolve().parents[1]
    script = yaml.safe_load((root / "docs" / "examples" / "runs" / "car-service.yaml").read_text("utf-8"))
    script.pop("moves", None)  # stop in the repair, where the operator chooses
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(script, allow_unicode=True), encoding="utf-8")
    site = tmp_path / "site.yaml"
    params = "{progress_report_interval: 1 hour}" if site_sets_it else "{}"
    site.write_text(f"procflow-site: 1\nprocedures:\n  art2-car-service:\n    params: {params}\n", "utf-8")
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T09:00+08:00")
    run_cli("--site", str(site), "run", "art2-car-service", "--answers", str(answers), "--as", "chen")
    monkeypatch.setenv("PROCFLOW_NOW", "2026-03-09T09:30+08:00")
    agenda = run_cli("--site", str(site), "agenda", "--within", "2h", "--lang", "en").output
    assert ("Keep the customer informed of the repair and its progress" in agenda) is site_sets_it, agenda


@pytest.mark.parametrize("procedure", ["art4-phone-reception", "art5-phone-reception"])
def test_a_caller_put_straight_through_is_asked_their_name_first(
    procedure: str, run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    # 第四篇 電話接待 1 / 第五篇 一.(一): the caller's name is noted on every call, the direct
    # transfer included; it is asked before the call is put through
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "answers: {answered_late: false, call_kind: transfer, caller_name: 李先生, transfer_way: put_through}\n",
        encoding="utf-8",
    )
    result = run_cli("run", procedure, "--answers", str(answers), "--lang", "en", "--as", "li")
    assert result.exit_code == 0, result.output
    assert result.output.index("Caller's name") < result.output.index("Transfer: the relevant number")
    history = run_cli("history", "last", "--lang", "en", "--as", "li")
    assert "Caller's name = •••" in history.output, history.output  # recorded, and masked as personal data
