"""Sessions end after the idle time and the sign-in limit forgets old failures: the time rules
of web/sessions.py and web/security.py, read against a clock the test moves."""

from __future__ import annotations

from procflow.web.security import RateLimit, csrf_ok
from procflow.web.sessions import Sessions


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_session_used_within_the_idle_time_lives_on_and_an_idle_one_ends() -> None:
    clock = Clock()
    sessions = Sessions(idle_seconds=1800, clock=clock)
    session = sessions.new("amy")
    for _ in range(4):  # used every 20 minutes: never idle for 30
        clock.now += 1200
        assert sessions.get(session.token) is session
    clock.now += 1801
    assert sessions.get(session.token) is None
    assert sessions.get(session.token) is None  # gone for good, not revived
    assert sessions.get("") is None and sessions.get("made-up") is None


def test_each_session_has_its_own_token_and_csrf_token() -> None:
    sessions = Sessions(idle_seconds=60)
    one, two = sessions.new("amy"), sessions.new("amy")
    assert one.token != two.token and one.csrf != two.csrf and len(one.csrf) >= 40
    assert csrf_ok(one.csrf, one.csrf) and not csrf_ok(one.csrf, two.csrf)
    assert not csrf_ok(one.csrf, None) and not csrf_ok(one.csrf, "")
    sessions.end(one.token)
    assert sessions.get(one.token) is None and sessions.get(two.token) is two


def test_the_sign_in_limit_counts_failures_within_its_window_only() -> None:
    clock = Clock()
    limit = RateLimit(limit=3, window=900, clock=clock)
    for _ in range(3):
        assert not limit.blocked("person:amy")
        limit.failed("person:amy")
        clock.now += 100
    assert limit.blocked("person:amy") and not limit.blocked("person:ben")
    clock.now += 601  # the first failure is now older than the window
    assert not limit.blocked("person:amy")
    limit.failed("person:amy")
    assert limit.blocked("person:amy")
    limit.clear("person:amy")
    assert not limit.blocked("person:amy")
