"""Conditional items and phrases (`when`), items ordered after the questions (`after: ask`)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
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
