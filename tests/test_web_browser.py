"""The web desk in a real browser: sign in, a step answered and kept across a closed tab, a
hand-over between two people, refusals (role, CSRF), hostile answers shown inert."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from webdesk import PASSWORD, Server, sign_in


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
