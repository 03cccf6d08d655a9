"""An instance's record in a real browser: the history with a correction beside the answer it
amends, a cancel with its reason and a cancel refused in place, a hand-over reaching the other
person's open desk live (server-sent events) on both store backends, and a session that
outlives a restart of the server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from webdesk import Server, _address, _environment, sign_in

BACKENDS = [{}, {"postgresql": "1"}]


def _start_call(page: Any) -> str:
    """A phone call started and taken to the question of what the caller wants, answered."""
    page.click("button.start[data-procedure='art1-phone-reception']")
    page.wait_for_selector("#step-form")
    ident = str(page.url.rsplit("/", 1)[1])
    page.check("text=Keep paper and a pen beside the phone")
    page.check("text=Pick up at the second or third ring")
    page.check("input[name='a.answered_late'][value='no']")
    for title in ("Greet", "Ask what the caller needs"):
        page.click("#continue")
        page.wait_for_selector(f"h1:has-text('{title}')")
    page.check("input[name='a.call_kind'][value='request']")
    page.click("#continue")
    page.wait_for_selector("h1:has-text('Record the call')")
    return ident


def test_the_history_shows_a_correction_beside_the_answer_it_amends(
    browser: Any, server: Server, shots: Path
) -> None:
    page = sign_in(browser, server, "amy")
    ident = _start_call(page)
    page.click("#history-link")
    page.click("ul.record-tabs >> text=Correct an answer")
    page.select_option("#correct-field", "call_kind")
    page.fill("#correct-value", "advertising")
    page.fill("#correct-reason", "misheard: <b>it was a sales call</b>")
    page.click("#correct-submit")
    page.wait_for_selector("#notice")
    assert page.inner_text("#notice") == "Corrected: What the caller wants."
    original = page.locator("tr.event.answer.amended")
    request = "A request, or something the caller needs help with"
    advertising = "Advertising, sales, or a call unrelated to the company"
    assert f"What the caller wants = {request}" in original.inner_text()  # the original stays
    assert f"Corrected to {advertising} by Amy Chan (amy)" in original.inner_text()
    assert "misheard: <b>it was a sales call</b>" in original.inner_text()  # shown, not markup
    assert page.locator("main b").count() == 0
    correction = page.locator("tr.event.correct")
    assert f"What the caller wants: {request} → {advertising}" in correction.inner_text()
    assert "(Front desk)" in correction.inner_text()  # named in the run's language, as `history`
    assert page.locator("#show-drafts").count() == 1  # drafts only when asked for
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(shots / "history.png"), full_page=True)
    page.click("#show-drafts")
    assert "Drafts (0)" in page.inner_text("#drafts")
    history = server.cli("history", ident, "--lang", "en", "--ids").stdout
    assert "call_kind = request" in history and "call_kind: request → advertising" in history
    page.context.close()


def test_a_cancel_records_its_reason_and_a_second_one_is_refused_in_place(
    browser: Any, server: Server, shots: Path
) -> None:
    amy = sign_in(browser, server, "amy")
    ident = _start_call(amy)
    ben = sign_in(browser, server, "ben", lang="zh-TW")
    ben.goto(f"{server.url}/instance/{ident}/cancel")
    amy.goto(f"{server.url}/instance/{ident}/cancel")
    amy.fill("#cancel-reason", "the caller hung up")
    amy.press("#cancel-reason", "Enter")  # Enter confirms, as everywhere on the desk
    amy.wait_for_selector("#notice")
    assert "Cancelled; the reason is recorded." in amy.inner_text("#notice")
    assert "cancelled" in amy.inner_text("#summary")
    assert "the caller hung up" in amy.inner_text("tr.event.cancel")
    # Ben read the page before Amy cancelled: his cancel is refused where he is, in his language
    ben.fill("#cancel-reason", "重複來電")
    ben.click("#cancel-submit")
    assert "此案件" in ben.inner_text("#problem") or "其他人" in ben.inner_text("#problem")
    assert ben.locator("#cancel-form").count() == 0  # nothing more to cancel
    ben.screenshot(path=str(shots / "cancel-refused.png"), full_page=True)
    history = server.cli("history", ident, "--lang", "en").stdout
    assert "the caller hung up" in history and "重複來電" not in history
    amy.context.close()
    ben.context.close()


@pytest.mark.parametrize("server", BACKENDS, indirect=True, ids=["sqlite", "postgresql"])
def test_a_hand_over_arrives_on_the_other_persons_open_desk_by_server_sent_events(
    browser: Any, server: Server
) -> None:
    amy = sign_in(browser, server, "amy")
    ben = sign_in(browser, server, "ben")
    assert "Nothing open." in ben.inner_text("#live")
    ben.evaluate("window.procflowStillHere = true")  # gone if the page were loaded again
    ident = _start_call(amy)
    amy.goto(f"{server.url}/instance/{ident}/handover")
    amy.select_option("#handoff-to", "person:ben")
    amy.fill("#handoff-note", "caller waits on line 2")
    amy.click("#handover-form button[type='submit']")
    amy.wait_for_selector(f"text=Handed over: {ident}.")
    ben.locator("ul.instances").get_by_text("caller waits on line 2").wait_for(timeout=15_000)
    assert ben.evaluate("window.procflowStillHere") is True
    assert ben.get_attribute("#live", "data-updated")  # swapped in by the stream
    assert "handed over by amy" in ben.inner_text("ul.instances")
    amy.context.close()
    ben.context.close()


def test_a_restart_of_the_server_keeps_everyone_signed_in(browser: Any, server: Server) -> None:
    page = sign_in(browser, server, "mia")
    server.process.terminate()
    server.process.wait(timeout=20)
    again = subprocess.Popen(
        [sys.executable, "-m", "procflow.cli", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_environment(server.db, server.site),
        cwd=server.db.parent,
    )
    try:
        url = _address(again)  # another port: cookies are the host's, whatever the port
        page.goto(url + "/")
        assert page.url == url + "/"  # not sent to sign in
        assert "Signed in as Mia Wong" in page.inner_text("header")
    finally:
        again.terminate()
        again.wait(timeout=20)
        for stream in (again.stdout, again.stderr):
            if stream is not None:
                stream.close()
        page.context.close()
