"""The web desk over plain HTTP (no browser): security headers, the sign-in rate limit, sessions
and CSRF, personal answers hidden from those who may not read them, two people on one step."""

from __future__ import annotations

import http.client
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from webdesk import PASSWORD, Server


class Client:
    """One browser's worth of cookies, following redirects; every response kept as (status, page)."""

    def __init__(self, server: Server) -> None:
        self.base = server.url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str, **headers: str) -> tuple[int, str, Any]:
        return self._open(urllib.request.Request(self.base + path, headers=headers))

    def post(self, path: str, fields: dict[str, str], *, csrf: bool = True) -> tuple[int, str, Any]:
        data = dict(fields)
        if csrf:
            data["csrf"] = self.csrf()
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, method="POST"))

    def csrf(self) -> str:
        _, page, _ = self.get("/signin" if not self.signed_in else "/")
        found = re.search(r'name="csrf" value="([^"]+)"', page)
        assert found, page[:500]
        return found.group(1)

    @property
    def signed_in(self) -> bool:
        return getattr(self, "_person", None) is not None

    def sign_in(self, person: str, password: str = PASSWORD) -> int:
        status, page, _ = self.post("/signin", {"person": person, "password": password, "next": "/"})
        if status == 200 and ("Sign out" in page or "登出" in page):
            self._person = person
        return status

    def _open(self, request: urllib.request.Request) -> tuple[int, str, Any]:
        request.add_header("Accept-Language", "en")
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as refused:
            return refused.code, refused.read().decode(), refused.headers


def test_every_page_has_the_security_headers_and_the_cookie_is_httponly_and_lax(server: Server) -> None:
    client = Client(server)
    status, page, headers = client.get("/signin")
    assert status == 200
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"
    assert "<script>" not in page and " style=" not in page  # nothing inline for the CSP to allow
    cookie = next(iter(client.jar))
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.get_nonstandard_attr("SameSite") == "lax"
    assert not cookie.secure  # plain HTTP here; Secure when the page came over HTTPS
    spoofed = urllib.request.Request(server.url + "/signin", headers={"X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(
        spoofed, timeout=20
    ) as response:  # no proxy is trusted without --behind-proxy
        assert "Secure" not in response.headers["Set-Cookie"]


def test_sign_in_is_rate_limited_per_person_and_a_right_password_then_waits_too(server: Server) -> None:
    client = Client(server)
    for _ in range(5):
        assert client.sign_in("amy", "wrong password") == 401
    assert client.sign_in("amy") == 429  # the right password, after five failures: still refused
    other = Client(server)
    assert other.sign_in("ben") == 200  # another person from the same address is not held up
    assert "Signed in as Ben Lee" in other.get("/")[1]


def test_without_a_session_pages_go_to_sign_in_and_posts_are_refused(server: Server) -> None:
    client = Client(server)
    status, page, _ = client.get("/instance/abc123")
    assert status == 200 and 'id="password"' in page  # redirected to the sign-in form
    assert client.post("/start", {"procedure": "art1-phone-reception"}, csrf=False)[0] == 403
    before = {c.value for c in client.jar}
    client.sign_in("amy")
    assert not before & {c.value for c in client.jar}  # signing in issues a new session token
    assert (
        client.post("/start", {"procedure": "art1-phone-reception", "csrf": "forged"}, csrf=False)[0] == 403
    )
    assert client.post("/signout", {})[0] == 200
    assert 'id="password"' in client.get("/")[1]  # signed out: the desk is behind sign-in again


def _start(client: Client) -> str:
    status, page, _ = client.post("/start", {"procedure": "art1-phone-reception"})
    assert status == 200, page
    found = re.search(r'action="/instance/(\w+)/step"', page)
    assert found
    return found.group(1)


def _step(client: Client, ident: str, fields: dict[str, str], version: str | None = None) -> tuple[int, str]:
    page = client.get(f"/instance/{ident}")[1]
    current = re.search(r'name="version" value="(\d+)"', page)
    assert current
    status, page, _ = client.post(
        f"/instance/{ident}/step", {"version": version or current.group(1), **fields}
    )
    return status, page


def test_personal_answers_are_hidden_from_those_without_the_role(server: Server) -> None:
    amy = Client(server)
    amy.sign_in("amy")
    ident = _start(amy)
    for fields in (
        {"check": "pen_and_paper", "a.answered_late": "no"},
        {"check": "pick_up"},
        {},
        {"a.call_kind": "request"},
    ):
        assert _step(amy, ident, fields)[0] == 200
    page = amy.get(f"/instance/{ident}")[1]
    assert "Record the call" in page
    status, page, _ = amy.post(
        f"/instance/{ident}/draft",
        {"version": re.findall(r'name="version" value="(\d+)"', page)[0], "a.caller_name": "Lin Mei"},
    )
    assert status == 200  # kept as a draft (no htmx header: nothing named, nothing else saved)
    assert _step(amy, ident, {"a.caller_name": "Lin Mei"})[0] == 200
    assert 'value="Lin Mei"' in amy.get(f"/instance/{ident}")[1]  # hers: she acts in this state
    hana = Client(server)
    hana.sign_in("hana")
    page = hana.get(f"/instance/{ident}")[1]
    assert "Lin Mei" not in page and "•••" in page
    mia = Client(server)  # the supervising role reads it
    mia.sign_in("mia")
    assert 'value="Lin Mei"' in mia.get(f"/instance/{ident}")[1]


def test_of_two_people_on_one_step_the_second_is_told_and_nothing_of_theirs_is_recorded(
    server: Server,
) -> None:
    amy, ben = Client(server), Client(server)
    amy.sign_in("amy")
    ben.sign_in("ben")
    ident = _start(amy)
    seen = re.findall(r'name="version" value="(\d+)"', ben.get(f"/instance/{ident}")[1])[0]
    assert _step(amy, ident, {"check": "pen_and_paper"})[0] == 200
    status, page = _step(ben, ident, {"check": "pick_up"}, version=seen)
    assert status == 409 and "Someone else changed this instance meanwhile" in page
    history = server.cli("history", ident, "--ids").stdout
    assert "pen_and_paper" in history and "pick_up" not in history


def test_acting_without_the_role_needs_a_reason_which_is_recorded(server: Server) -> None:
    amy, hana = Client(server), Client(server)
    amy.sign_in("amy")
    hana.sign_in("hana")
    ident = _start(amy)
    status, page = _step(hana, ident, {"check": "pen_and_paper"})
    assert status == 403 and "a role you do not hold" in page
    status, page = _step(
        hana, ident, {"check": "pen_and_paper", "override_reason": "the desk is empty, I took it"}
    )
    assert status == 200
    history = server.cli("history", ident, "--ids").stdout
    assert "the desk is empty, I took it" in history and "pen_and_paper" in history


@pytest.mark.parametrize(
    "server",
    [{}, pytest.param({"postgresql": "1"}, marks=pytest.mark.postgresql)],
    indirect=True,
    ids=["sqlite", "postgresql"],
)
def test_a_control_character_in_a_note_is_refused_alike_on_both_backends(server: Server) -> None:
    """U+0000 is kept by SQLite and refused by PostgreSQL: the desk refuses it (and every control
    character but tab and line break) before either sees it, in the same words, nothing saved."""
    amy = Client(server)
    amy.sign_in("amy")
    ident = _start(amy)
    for fields in (
        {"check": "pen_and_paper", "note": "rang twice\x00"},
        {"check": "pen_and_paper", "skip.pick_up": "no\x00phone"},
    ):
        status, page = _step(amy, ident, fields)
        assert status == 400, page[:300]
        assert "cannot be recorded: it contains the control character U+0000" in page
    history = server.cli("history", ident, "--ids")
    assert history.returncode == 0 and "pen_and_paper" not in history.stdout, history.stderr
    assert _step(amy, ident, {"check": "pen_and_paper", "note": "rang twice"})[0] == 200
    assert "rang twice" in server.cli("history", ident).stdout


@pytest.mark.parametrize("server", [{"serve": "--behind-proxy"}], indirect=True)
def test_behind_a_tls_proxy_the_cookie_is_secure(server: Server) -> None:
    """The proxy on this machine says the page came over HTTPS (X-Forwarded-Proto)."""
    forwarded = urllib.request.Request(server.url + "/signin", headers={"X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(forwarded, timeout=20) as response:
        cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    with urllib.request.urlopen(server.url + "/signin", timeout=20) as response:  # plain: as it came
        assert "Secure" not in response.headers["Set-Cookie"]


def test_the_desk_lists_the_newest_fifty_open_instances_and_shows_more_on_asking(server: Server) -> None:
    amy = Client(server)
    amy.sign_in("amy")
    started = [_start(amy) for _ in range(51)]
    page = amy.get("/")[1]
    listed = re.findall(r'href="/instance/(\w+)" class="instance-link"', page)
    assert listed == started[::-1][:50]  # newest first, the oldest left for the next page
    more = re.search(r'<a href="([^"]+)" class="more-open">Show more</a>', page)
    assert more and more.group(1) == "/?open=100"
    assert 'data-live="/live/desk/events"' in page
    page = amy.get(more.group(1))[1]
    assert re.findall(r'href="/instance/(\w+)" class="instance-link"', page) == started[::-1]
    assert "more-open" not in page  # all of them are listed
    assert 'data-live="/live/desk/events?open=100"' in page  # live updates keep listing as many
    for path, count in (("/live/desk/events", 50), ("/live/desk/events?open=100", 51)):
        assert _first_update(server, amy, path).count('class="instance-link"') == count
    for odd in ("/?open=x", "/?open=-5", "/?open=99999999"):  # the first page, not an error
        status, page, _ = amy.get(odd)
        assert status == 200 and len(re.findall('class="instance-link"', page)) == 50


def _first_update(server: Server, client: Client, path: str) -> str:
    """The first update of a live stream, read as a browser's EventSource reads it."""
    host, port = server.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=20)
    try:
        cookie = "; ".join(f"{c.name}={c.value}" for c in client.jar)
        connection.request("GET", path, headers={"Cookie": cookie, "Accept": "text/event-stream"})
        response = connection.getresponse()
        assert response.status == 200
        first = b""
        while b"event: desk" not in first or not first.endswith(b"\n\n"):
            first += response.read1(65536)
        return first.decode()
    finally:
        connection.close()
