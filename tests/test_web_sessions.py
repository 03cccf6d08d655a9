"""Sessions end after the idle time and the sign-in limit forgets old failures: the time rules
of web/sessions.py and web/security.py, read against a clock the test moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from procflow.engine.desk.accounts import digest
from procflow.engine.store import open_store
from procflow.web.security import RateLimit, csrf_ok
from procflow.web.sessions import Sessions


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Moment:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_a_session_used_within_the_idle_time_lives_on_and_an_idle_one_ends(tmp_path: Path) -> None:
    clock = Moment()
    store = open_store(tmp_path / "desk.db")
    sessions = Sessions(lambda: store, idle_seconds=1800, clock=clock)
    session = sessions.new("amy")
    for _ in range(4):  # used every 20 minutes: never idle for 30
        clock.now += timedelta(minutes=20)
        found = sessions.get(session.token)
        assert found is not None and (found.person, found.expired) == ("amy", False)
    clock.now += timedelta(seconds=1801)
    ended = sessions.get(session.token)
    assert ended is not None and (ended.person, ended.expired) == (None, True)  # said once
    again = sessions.get(session.token)
    assert again is not None and (again.person, again.expired) == (None, False)  # not revived
    assert sessions.get("") is None and sessions.get("made-up") is None


def test_only_the_digest_of_a_token_is_kept_and_a_sign_in_purges_idle_sessions(tmp_path: Path) -> None:
    clock = Moment()
    store = open_store(tmp_path / "desk.db")
    sessions = Sessions(lambda: store, idle_seconds=60, clock=clock)
    old = sessions.new("ben")
    row = store.session_of(digest(old.token))
    assert row is not None and row.person == "ben" and old.token not in row
    raw = (tmp_path / "desk.db").read_bytes() + (tmp_path / "desk.db-wal").read_bytes()
    assert old.token.encode() not in raw and digest(old.token).encode() in raw
    clock.now += timedelta(minutes=5)
    sessions.new("amy")  # signing in sweeps away what nobody used for longer than the idle time
    assert store.session_of(digest(old.token)) is None


def test_each_session_has_its_own_token_and_csrf_token(tmp_path: Path) -> None:
    store = open_store(tmp_path / "desk.db")
    sessions = Sessions(lambda: store, idle_seconds=60)
    one, two = sessions.new("amy"), sessions.new("amy")
    assert one.token != two.token and one.csrf != two.csrf and len(one.csrf) >= 40
    assert one.csrf != digest(one.token)  # the CSRF token says nothing of what the database keeps
    assert csrf_ok(one.csrf, one.csrf) and not csrf_ok(one.csrf, two.csrf)
    assert not csrf_ok(one.csrf, None) and not csrf_ok(one.csrf, "")
    sessions.end(one.token)
    found, other = sessions.get(one.token), sessions.get(two.token)
    assert found is not None and found.person is None  # signed out: a visitor again
    assert other is not None and other.person == "amy"


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
