"""An instance's record over plain HTTP: every new POST (cancel, correct) refused without its
CSRF token and with the role checks of the command line; an unticked box forgotten; sessions
that outlive the server and are shared by two serve processes on one database."""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from test_web_http import Client, _start, _step
from webdesk import Server, _address, _environment

BACKENDS = [{}, {"postgresql": "1"}]  # the server's store: a file, or a PostgreSQL database


def _version(client: Client, path: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', client.get(path)[1])
    assert found, path
    return found.group(1)


def _answered(server: Server) -> tuple[Client, str]:
    """amy's phone call, asked what the caller needs (answered_late and call_kind answered)."""
    amy = Client(server)
    amy.sign_in("amy")
    ident = _start(amy)
    for fields in ({"check": "pen_and_paper", "a.answered_late": "no"}, {"check": "pick_up"}, {}):
        assert _step(amy, ident, fields)[0] == 200
    assert _step(amy, ident, {"a.call_kind": "request"})[0] == 200
    return amy, ident


def test_cancel_and_correct_refuse_a_post_without_its_csrf_token(server: Server) -> None:
    amy, ident = _answered(server)
    version = _version(amy, f"/instance/{ident}/cancel")
    for path, fields in (
        (f"/instance/{ident}/cancel", {"version": version, "reason": "forged"}),
        (f"/instance/{ident}/correct", {"version": version, "field": "call_kind", "value": "advertising",
                                        "reason": "forged"}),
    ):  # fmt: skip
        assert amy.post(path, fields, csrf=False)[0] == 403
        assert amy.post(path, {**fields, "csrf": "forged"}, csrf=False)[0] == 403
    history = server.cli("history", ident, "--ids").stdout  # kinds as the record has them
    assert "forged" not in history and "cancel" not in history and "correct" not in history


def test_a_correction_needs_the_role_of_the_state_where_it_was_answered(server: Server) -> None:
    amy, ident = _answered(server)
    hana = Client(server)
    hana.sign_in("hana")  # hr: not the front desk, where call_kind was answered
    fields = {"field": "call_kind", "value": "advertising", "reason": "misheard"}
    status, page, _ = hana.post(
        f"/instance/{ident}/correct", {**fields, "version": _version(hana, f"/instance/{ident}/correct")}
    )
    assert status == 403 and "Only someone holding the role" in page
    assert 'value="misheard"' in page  # what she typed is still there
    assert "correct" not in server.cli("history", ident, "--ids").stdout
    status, page, _ = amy.post(
        f"/instance/{ident}/correct",
        {"field": "call_kind", "value": "no such kind", "reason": "x",
         "version": _version(amy, f"/instance/{ident}/correct")},
    )  # fmt: skip
    assert status == 422 and 'role="alert"' in page  # the field's own refusal, in place
    status, page, _ = amy.post(
        f"/instance/{ident}/correct", {**fields, "version": _version(amy, f"/instance/{ident}/correct")}
    )
    assert status == 200 and "Corrected: What the caller wants." in page
    history = server.cli("history", ident, "--ids").stdout
    assert "call_kind: request → advertising" in history and "misheard" in history
    assert "call_kind = request" in history  # the original stays


def test_the_state_s_role_may_cancel_but_only_once(server: Server) -> None:
    amy, ident = _answered(server)
    ben = Client(server)
    ben.sign_in("ben")  # the front desk too: the call is not his, the state's role is
    version = _version(ben, f"/instance/{ident}/cancel")
    status, page, _ = ben.post(f"/instance/{ident}/cancel", {"version": version, "reason": "  "})
    assert status == 422 and "Give the reason" in page
    status, page, _ = ben.post(f"/instance/{ident}/cancel", {"version": version, "reason": "caller hung up"})
    assert status == 200 and "Cancelled; the reason is recorded." in page
    status, page, _ = amy.post(f"/instance/{ident}/cancel", {"version": version, "reason": "again"})
    assert status == 409 and "Someone else changed this instance" in page
    history = server.cli("history", ident).stdout
    assert "caller hung up" in history and "again" not in history


def test_handing_on_or_cancelling_another_s_instance_needs_a_reason_as_on_the_command_line(
    server: Server,
) -> None:
    amy, ident = _answered(server)
    hana = Client(server)
    hana.sign_in("hana")  # hr: neither the call's holder nor the front desk
    for page in ("handover", "cancel"):
        assert 'name="override_reason"' in hana.get(f"/instance/{ident}/{page}")[1]
        assert 'name="override_reason"' not in amy.get(f"/instance/{ident}/{page}")[1]
    version = _version(hana, f"/instance/{ident}/handover")
    status, page, _ = hana.post(f"/instance/{ident}/handoff", {"version": version, "to": "person:hana",
                                                               "note": "I will call back"})  # fmt: skip
    assert status == 403 and "this instance is not yours" in page
    assert (
        'value="I will call back"' in page and '<option value="person:hana" selected>' not in page
    )  # hana is not listed to herself
    status, page, _ = hana.post(f"/instance/{ident}/cancel", {"version": version, "reason": "no answer"})
    assert status == 403 and "this instance is not yours" in page and 'value="no answer"' in page
    assert "cancel" not in server.cli("history", ident, "--lang", "en").stdout
    # the supervisor hands it to hana without a reason; hana, now holding it, may cancel it
    mia = Client(server)
    mia.sign_in("mia")
    assert 'name="override_reason"' not in mia.get(f"/instance/{ident}/handover")[1]
    status, _, _ = mia.post(f"/instance/{ident}/handoff", {"version": version, "to": "person:hana"})
    assert status == 200
    version = _version(hana, f"/instance/{ident}/cancel")
    assert 'name="override_reason"' not in hana.get(f"/instance/{ident}/cancel")[1]
    status, page, _ = hana.post(f"/instance/{ident}/cancel", {"version": version, "reason": "no answer"})
    assert status == 200 and "Cancelled; the reason is recorded." in page
    kinds = [e["kind"] for e in json.loads(server.cli("history", ident, "--json").stdout)["events"]]
    assert kinds[-2:] == ["handoff", "cancel"] and "override" not in kinds


def test_an_override_reason_is_recorded_before_the_cancel(server: Server) -> None:
    _, ident = _answered(server)
    hana = Client(server)
    hana.sign_in("hana")
    version = _version(hana, f"/instance/{ident}/cancel")
    fields = {"version": version, "reason": "caller hung up", "override_reason": "amy is at lunch"}
    status, page, _ = hana.post(f"/instance/{ident}/cancel", fields)
    assert status == 200 and "Cancelled; the reason is recorded." in page
    events = json.loads(server.cli("history", ident, "--json").stdout)["events"]
    assert [(e["kind"], e["actor"]) for e in events[-2:]] == [("override", "hana"), ("cancel", "hana")]
    assert events[-2]["reason"] == "amy is at lunch"


def test_a_box_unticked_again_is_forgotten(server: Server) -> None:
    amy = Client(server)
    amy.sign_in("amy")
    ident = _start(amy)
    version = _version(amy, f"/instance/{ident}")
    draft = f"/instance/{ident}/draft"
    tick = {"version": version, "check": "pen_and_paper"}
    assert _ticked(amy, draft, tick) == 200
    assert "pen_and_paper" in server.cli("history", ident, "--drafts", "--ids").stdout
    assert " checked" in _box(amy.get(f"/instance/{ident}")[1], "pen_and_paper")
    assert _ticked(amy, draft, {"version": version}) == 200  # none ticked now
    drafts = server.cli("history", ident, "--drafts", "--lang", "en", "--ids").stdout.split("drafts", 1)[1]
    assert "pen_and_paper" not in drafts
    assert " checked" not in _box(amy.get(f"/instance/{ident}")[1], "pen_and_paper")


def _box(page: str, item: str) -> str:
    """The checklist box of `item` on a step page, as markup."""
    found = re.search(rf'<input type="checkbox"[^>]*value="{item}"[^>]*>', page)
    assert found, item
    return found.group(0)


def _ticked(client: Client, path: str, fields: dict[str, str]) -> int:
    """A box changed, as htmx posts it: the whole form, and the name of what changed."""
    body = urllib.parse.urlencode({**fields, "csrf": client.csrf()}).encode()
    request = urllib.request.Request(
        client.base + path,
        data=body,
        method="POST",
        headers={"HX-Request": "true", "HX-Trigger-Name": "check"},
    )
    return client._open(request)[0]


@pytest.mark.parametrize("server", BACKENDS, indirect=True, ids=["sqlite", "postgresql"])
def test_a_session_outlives_the_server_and_two_serve_processes_share_it(server: Server) -> None:
    amy = Client(server)
    amy.sign_in("amy")
    assert "Signed in as Amy Chan" in amy.get("/")[1]
    server.process.terminate()
    server.process.wait(timeout=20)
    first, second = (
        subprocess.Popen(
            [sys.executable, "-m", "procflow.cli", "serve", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_environment(server.database or server.db, server.site),
            cwd=server.db.parent,
        )
        for _ in range(2)
    )
    try:
        urls = [_address(process) for process in (first, second)]
        for url in urls:
            amy.base = url
            assert "Signed in as Amy Chan" in amy.get("/")[1]  # the same cookie, another process
        assert amy.post("/signout", {})[0] == 200  # signed out on the second ...
        amy.base = urls[0]
        assert 'id="password"' in amy.get("/")[1]  # ... is signed out on the first too
    finally:
        for process in (first, second):
            process.terminate()
            process.wait(timeout=20)
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()


def _stream(server: Server, client: Client) -> tuple[http.client.HTTPConnection, str]:
    """The desk's live stream opened as a browser does, and its first update."""
    host, port = server.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=20)
    cookie = "; ".join(f"{c.name}={c.value}" for c in client.jar)
    connection.request(
        "GET",
        "/live/desk/events",
        headers={"Cookie": cookie, "Accept": "text/event-stream", "Accept-Language": "en"},
    )
    response = connection.getresponse()
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/event-stream")
    first = b""
    while b"event: desk" not in first or not first.endswith(b"\n\n"):
        first += response.read1(65536)
    return connection, first.decode()


def _threads(server: Server) -> int:
    return len(os.listdir(f"/proc/{server.process.pid}/task"))


def _connections(server: Server) -> int:
    """The server's connections to its PostgreSQL database (none for a file)."""
    if not server.database:
        return 0
    import psycopg

    with psycopg.connect(server.database, autocommit=True) as admin:
        row = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    return int(row[0]) if row else 0


@pytest.mark.parametrize("server", BACKENDS, indirect=True, ids=["sqlite", "postgresql"])
def test_live_streams_that_go_away_leave_no_thread_or_connection_and_do_not_hold_up_a_stop(
    server: Server,
) -> None:
    amy = Client(server)
    amy.sign_in("amy")
    seen = []
    for _ in range(3):  # each round: many desks open at once, then all closed
        opened = [_stream(server, amy) for _ in range(12)]
        assert all("My open work" in first for _, first in opened)
        for connection, _ in opened:
            connection.close()
        time.sleep(1.5)
        seen.append((_threads(server), _connections(server)))
    assert seen[2] == seen[1], seen  # a round more leaves nothing more behind
    assert seen[2][1] <= 41 if server.database else True  # the worker threads' and the watcher's
    connection, _ = _stream(server, amy)  # one left open as the server is stopped
    server.process.terminate()
    server.process.wait(timeout=10)  # the stream ends with it; the stop does not wait for it
    connection.close()
    assert _connections(server) == 0


def test_the_history_names_fields_answers_states_and_roles_in_the_chosen_language(server: Server) -> None:
    amy, ident = _answered(server)
    status, _, _ = amy.post("/language", {"lang": "zh-Hant", "next": f"/instance/{ident}/history"})
    assert status == 200
    status, page, _ = amy.get(f"/instance/{ident}/history")
    assert status == 200
    assert "電話接待 · 進行中 · 做好來電記錄" in page  # procedure, status, state: no ids
    assert "時間為伺服器所在的時區。" in page  # no site timezone: the server's, said as one sentence
    assert "來電事由 = 客人提出的要求和幫助解決的事項" in page  # call_kind = request, as the source says
    assert "接聽電話 → 問候" in page and "(行政前臺)" in page
    for ident_word in ("call_kind", "request", "record_call", "front_desk"):
        assert ident_word not in page.split('id="events"', 1)[1]
