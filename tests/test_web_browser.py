"""The web desk in a real browser: sign in, a step answered and kept across a closed tab, a
hand-over between two people, refusals (role, CSRF), hostile answers shown inert."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from webdesk import PASSWORD, SITE, Server, sign_in


def test_sign_in_shows_the_desk_and_a_wrong_password_is_refused(
    browser: Any, server: Server, shots: Path
) -> None:
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="en", extra_http_headers={"Accept-Language": "en"}
    )
    page = context.new_page()
    page.goto(server.url + "/")
    assert page.url.startswith(server.url + "/signin")
    page.screenshot(path=str(shots / "signin.png"))
    page.fill("#person", "amy")
    page.fill("#password", "not the password")
    page.press("#password", "Enter")
    assert page.locator("#signin-problem").inner_text() == "Wrong name or password."
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(server.url + "/")
    assert "Signed in as Amy Chan" in page.inner_text("header")
    assert page.locator("button.start[data-procedure='art1-phone-reception']").count() == 1
    context.close()


def test_a_post_without_the_csrf_token_is_refused(browser: Any, server: Server) -> None:
    page = sign_in(browser, server, "amy")
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())
    request = urllib.request.Request(
        server.url + "/start",
        data=b"procedure=art1-phone-reception",
        headers={"Cookie": cookies},
        method="POST",
    )
    try:
        urllib.request.urlopen(request, timeout=10)
        raise AssertionError("a POST without a CSRF token was accepted")
    except urllib.error.HTTPError as refused:
        assert refused.code == 403
    assert (
        "0 open" in server.cli("status").stdout or "art1-phone-reception" not in server.cli("status").stdout
    )
    page.context.close()


def _start_phone_reception(page: Any) -> str:
    page.click("button.start[data-procedure='art1-phone-reception']")
    page.wait_for_selector("#step-form")
    return str(page.url.rsplit("/", 1)[1])


def _continue(page: Any, title: str) -> None:
    page.click("#continue")
    page.wait_for_selector(f"h1:has-text('{title}')")


def test_a_phone_call_answered_kept_across_a_closed_tab_and_finished(
    browser: Any, server: Server, shots: Path
) -> None:
    page = sign_in(browser, server, "amy")
    page.screenshot(path=str(shots / "desk.png"), full_page=True)
    ident = _start_phone_reception(page)
    assert page.inner_text("h1") == "Answer the phone"
    page.check("text=Keep paper and a pen beside the phone")
    page.check("text=Pick up at the second or third ring")
    page.check("input[name='a.answered_late'][value='no']")
    page.locator("#kept").get_by_text("Kept at").wait_for()
    page.screenshot(path=str(shots / "step.png"), full_page=True)
    _continue(page, "Greet")
    assert "Hello, 四川大宗." in page.inner_text(".say")
    _continue(page, "Ask what the caller needs")
    page.check("input[name='a.call_kind'][value='request']")
    _continue(page, "Record the call")

    # answers given one by one are kept as drafts: the tab closed mid-step loses none of them
    page.fill("input[name='a.caller_name']", "Mr Lin")
    page.press("input[name='a.caller_name']", "Tab")
    page.locator(".question[data-field='caller_name'] .field-msg").get_by_text("Kept at").wait_for()
    page.fill("input[name='a.matter']", "call back about the invoice")
    page.press("input[name='a.matter']", "Tab")
    page.locator(".question[data-field='matter'] .field-msg").get_by_text("Kept at").wait_for()
    page.close()
    page = page.context.new_page()
    page.goto(f"{server.url}/instance/{ident}")
    assert page.input_value("input[name='a.caller_name']") == "Mr Lin"
    assert page.input_value("input[name='a.matter']") == "call back about the invoice"
    assert "Your answers so far are kept" in page.inner_text("#kept")

    # on a 768-wide tablet the page fits its width: one column, nothing to scroll sideways
    page.set_viewport_size({"width": 768, "height": 1024})
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    page.screenshot(path=str(shots / "step-tablet.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.check("text=Note carefully the important points")
    _continue(page, "Let the caller hang up first")
    page.check("text=As the call ends, politely let the caller hang up first.")
    page.check("input[name='a.pass_on_needed'][value='yes']")
    _continue(page, "Pass it on")
    page.check("text=Pass it on promptly")
    page.fill("input[name='a.passed_to']", "accounts")
    page.click("#continue")
    page.wait_for_selector("text=Finished")
    assert "Call ended" in page.inner_text("main")
    history = server.cli("history", ident, "--show-pii", "--ids").stdout
    assert "caller_name = Mr Lin" in history and "passed_to = accounts" in history
    page.context.close()


def test_a_hand_over_reaches_the_other_persons_desk_with_its_note(
    browser: Any, server: Server, shots: Path
) -> None:
    amy = sign_in(browser, server, "amy")
    ben = sign_in(browser, server, "ben")
    assert "Nothing open." in ben.inner_text("#live")
    ident = _start_phone_reception(amy)
    amy.check("input[name='a.answered_late'][value='yes']")
    amy.click("#handoff summary")
    amy.select_option("#handoff-to", "person:ben")
    amy.fill("#handoff-note", "line 2 is waiting, please take it")
    amy.click("#handoff button[type='submit']")
    amy.wait_for_selector(f"text=Handed over: {ident}.")
    # Ben's desk, open all along, shows it without a reload (htmx polls the agenda and list)
    ben.locator("ul.instances").get_by_text("line 2 is waiting, please take it").wait_for(timeout=20_000)
    assert "handed over by amy" in ben.inner_text("ul.instances")
    ben.screenshot(path=str(shots / "handover.png"), full_page=True)
    ben.click(f"ul.instances a[href='/instance/{ident}']")
    # the answer Amy gave before handing over is still there for Ben
    assert ben.is_checked("input[name='a.answered_late'][value='yes']")
    ben.check("text=Keep paper and a pen beside the phone")
    ben.check("text=Pick up at the second or third ring")
    _continue(ben, "Greet")
    assert "ben" in server.cli("history", ident).stdout
    amy.context.close()
    ben.context.close()


def test_a_step_in_a_role_not_held_is_refused_in_place_in_the_pages_language(
    browser: Any, server: Server, shots: Path
) -> None:
    amy = sign_in(browser, server, "amy")
    ident = _start_phone_reception(amy)
    hana = sign_in(browser, server, "hana", lang="zh-TW")
    assert hana.locator("button.start[data-procedure='art1-phone-reception']").count() == 0
    hana.goto(f"{server.url}/instance/{ident}")
    assert "您未擔任此角色" in hana.inner_text("#not-mine")
    hana.check("text=電話機旁備有紙、筆")
    hana.click("#continue")
    refusal = hana.locator("#problem")
    assert "已拒絕:此步驟屬於「行政前臺」" in refusal.inner_text()
    hana.screenshot(path=str(shots / "refused.png"), full_page=True)
    assert "check" not in server.cli("history", ident, "--ids").stdout.split("start", 1)[1]
    amy.context.close()
    hana.context.close()


HOSTILE = "<script>window.pwned=1</script><img src=x onerror=window.pwned=2>&lt;b&gt;"


def test_a_hostile_answer_is_shown_inert(browser: Any, server: Server) -> None:
    page = sign_in(browser, server, "amy")
    ident = _start_phone_reception(page)
    page.check("text=Keep paper and a pen beside the phone")
    page.check("text=Pick up at the second or third ring")
    page.check("input[name='a.answered_late'][value='no']")
    _continue(page, "Greet")
    _continue(page, "Ask what the caller needs")
    page.check("input[name='a.call_kind'][value='request']")
    _continue(page, "Record the call")
    message = page.locator(".question[data-field='matter'] .field-msg .refusal")
    for hostile in (
        "bell\x07 rings",
        "invoice \u202egnp.exe",
    ):  # a control or bidi character cannot be recorded
        page.fill("input[name='a.matter']", hostile)
        page.press("input[name='a.matter']", "Tab")
        message.wait_for()
        assert "cannot be recorded" in message.inner_text() or "control character" in message.inner_text()
        assert "\u202e" not in message.inner_text()
    page.fill("input[name='a.matter']", HOSTILE)
    page.fill("input[name='a.caller_name']", HOSTILE)
    page.check("text=Note carefully the important points")
    _continue(page, "Let the caller hang up first")
    page.goto(f"{server.url}/instance/{ident}")
    assert page.evaluate("window.pwned") is None
    # the answer reads back as text wherever a page names it: the `{matter}` of a later text
    # or a draft value, never as markup, and the bidi override is shown, not obeyed
    page.check("text=As the call ends, politely let the caller hang up first.")
    page.check("input[name='a.pass_on_needed'][value='no']")
    page.click("#continue")
    page.wait_for_selector("h1:has-text('A recorded matter not passed on')")
    page.fill("input[name='a.not_relayed_reason']", HOSTILE)
    page.press("input[name='a.not_relayed_reason']", "Tab")
    page.locator(".field-msg").get_by_text("Kept at").wait_for()
    page.reload()
    shown = page.input_value("input[name='a.not_relayed_reason']")
    assert shown == HOSTILE
    assert page.locator("script:not([src])").count() == 0
    assert page.evaluate("window.pwned") is None
    page.context.close()


def _tab_to(page: Any, selector: str, presses: int = 60) -> None:
    """Tab until `selector` has the focus (it must be reachable by the keyboard alone)."""
    for _ in range(presses):
        if page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} is not reached with Tab")


def test_the_keyboard_alone_signs_in_starts_and_steps_with_a_visible_focus(
    browser: Any, server: Server
) -> None:
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="en", extra_http_headers={"Accept-Language": "en"}
    )
    page = context.new_page()
    page.goto(server.url + "/signin")
    assert page.evaluate("document.activeElement.id") == "person"  # the first field has the focus
    page.keyboard.type("amy")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(server.url + "/")
    _tab_to(page, "button.start[data-procedure='art1-phone-reception']")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")  # the focus is seen
    page.keyboard.press("Enter")
    page.wait_for_selector("#step-form")
    for selector in ("#check-1", "#check-2"):
        _tab_to(page, selector)
        page.keyboard.press("Space")
    _tab_to(page, "input[name='a.answered_late'][value='yes']")
    page.keyboard.press("ArrowDown")  # radio buttons: the arrows choose within the group
    assert page.is_checked("input[name='a.answered_late'][value='no']")
    page.keyboard.press("Enter")  # Enter confirms: the step is taken
    page.wait_for_selector("h1:has-text('Greet')")
    context.close()


MARKUP = "<script>window.pwned=1</script><img src=x onerror=window.pwned=2><b>bold</b>"
HOSTILE_PROCEDURE = f"""\
procflow: 1
id: hostile-texts
title: {{zh-Hant: "惡意 {MARKUP}", en: "Hostile {MARKUP}"}}
roles:
  front_desk: {{zh-Hant: "前臺 {MARKUP}", en: "Front desk {MARKUP}"}}
fields:
  kind:
    type: choice
    label: {{zh-Hant: "種類 {MARKUP}", en: "Kind {MARKUP}"}}
    options:
      a: {{zh-Hant: "甲 {MARKUP}", en: "A {MARKUP}"}}
      b: {{zh-Hant: "乙", en: "B"}}
initial: first
states:
  first:
    title: {{zh-Hant: "第一步 {MARKUP}", en: "First {MARKUP}"}}
    role: front_desk
    source: "{MARKUP}"
    do: [{{id: one, text: {{zh-Hant: "做 {MARKUP}", en: "Do {MARKUP}"}}}}]
    say: [{{zh-Hant: "你好 {MARKUP}", en: "Hello {MARKUP}"}}]
    ask: [kind]
    next:
      - {{to: done, when: kind == "a"}}
      - {{to: done, otherwise: true}}
  done: {{final: true}}
"""


@pytest.mark.parametrize("server", [{"hostile-texts.yaml": HOSTILE_PROCEDURE}], indirect=True)
def test_markup_in_a_procedure_file_is_shown_as_text(browser: Any, server: Server) -> None:
    assert server.cli("validate", str(server.db.parent / "extra")).returncode == 0
    page = sign_in(browser, server, "amy")
    start = page.locator("button.start[data-procedure='hostile-texts']")
    assert start.inner_text() == f"Hostile {MARKUP}"
    start.click()
    page.wait_for_selector("#step-form")
    main = page.inner_text("main")
    for shown in (f"First {MARKUP}", f"Do {MARKUP}", f"Hello {MARKUP}", f"Kind {MARKUP}", f"A {MARKUP}"):
        assert shown in main
    assert page.locator("main img, main b, script:not([src])").count() == 0
    assert page.evaluate("window.pwned") is None
    page.context.close()


TIMED_SITE = (
    SITE
    + """\
procedures:
  art1-phone-reception:
    params: {pick_up_timer: 20 seconds}
"""
)


@pytest.mark.parametrize("server", [{"procflow.yaml": TIMED_SITE}], indirect=True)
def test_a_deadline_counts_down_and_turns_late_on_the_step_and_on_the_desk(
    browser: Any, server: Server, shots: Path
) -> None:
    step = sign_in(browser, server, "amy")
    desk = step.context.new_page()
    desk.goto(server.url + "/")
    assert "Nothing is due." in desk.inner_text("#live")
    _start_phone_reception(step)
    deadline = step.locator(".dues li").first
    assert "Pick up at the second or third ring" in deadline.inner_text()
    assert re.search(r"by \d\d:\d\d", deadline.inner_text())  # the server's own time, without script
    step.locator("time.countdown").get_by_text("left").wait_for()  # the script counts down
    # the desk, open in another tab, shows it due without a reload, then late once it passes
    desk.locator("ul.agenda li.due").get_by_text("Pick up at the second or third ring").wait_for(
        timeout=20_000
    )
    step.locator("time.countdown.late").get_by_text("late by").wait_for(timeout=40_000)
    assert "passed" in (deadline.get_attribute("class") or "")
    desk.locator("ul.agenda li.late").get_by_text("Pick up at the second or third ring").wait_for(
        timeout=30_000
    )
    assert "Late" in desk.inner_text("ul.agenda li.late")
    desk.screenshot(path=str(shots / "desk-late.png"), full_page=True)
    step.context.close()


def test_a_date_time_question_has_now_by_default_and_a_now_button(browser: Any, server: Server) -> None:
    page = sign_in(browser, server, "amy")
    page.click("button.start[data-procedure='art1-meeting-service']")
    page.wait_for_selector("#step-form")
    when = page.locator("input[name='a.meeting_start']")
    assert when.get_attribute("type") == "datetime-local"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", when.input_value())  # the server's now
    when.fill("2031-12-24T14:30")
    page.click("button.now")  # the script's: the browser's now, replacing what was typed
    assert when.input_value()[:4] != "2031"
    when.fill("2031-12-24T14:30")
    page.press("input[name='a.meeting_start']", "Tab")
    page.locator(".question[data-field='meeting_start'] .field-msg").get_by_text("Kept at").wait_for()
    page.check("text=Take in the meeting notice")
    page.fill("input[name='a.meeting_place']", "Room 3")
    page.fill("input[name='a.organiser_dept']", "Sales")
    _continue(page, "Confirm needs with the organising department")
    ident = page.url.rsplit("/", 1)[1]
    assert "meeting_start = 2031-12-24T14:30" in server.cli("history", ident, "--ids").stdout
    page.context.close()
