"""Shared fixtures: the CLI through its front door, with an isolated database and user; golden
files; and the order that keeps every core busy.

`pytest --update-goldens` (or PROCFLOW_UPDATE_GOLDEN=1) rewrites every golden file a test
compares with instead of failing on a difference: review the diff before committing it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner, Result
from procflow import cli

# the web desk's fixtures (a served desk, Chromium, screenshots): tests/webdesk.py
pytest_plugins = ["webdesk"]

FIXTURES = Path(__file__).parent / "fixtures"
UPDATE_VARIABLE = "PROCFLOW_UPDATE_GOLDEN"
PG_VARIABLE = "PROCFLOW_TEST_PG"  # a PostgreSQL server whose role may CREATE DATABASE; .ci/run starts one
PG_SKIPPED = (
    f"PostgreSQL tests need a server: set {PG_VARIABLE}=postgresql://USER@HOST:PORT/postgres "
    "(a role that may create databases; .ci/run starts one)"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help=f"rewrite golden files with what the tests produce (as {UPDATE_VARIABLE}=1 does)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The long tests first (those marked slow, then the property tests): with pytest-xdist
    handing out one test at a time (--maxschedchunk=1), each long one starts early on whichever
    worker is free and the quick ones fill the other cores around it, instead of one long test
    starting last and keeping the whole run waiting."""

    def rank(item: pytest.Item) -> int:
        if item.get_closest_marker("slow") is not None:
            return 0
        return 1 if getattr(getattr(item, "obj", None), "is_hypothesis_test", False) else 2

    items.sort(key=rank)  # stable: otherwise as collected
    if not os.environ.get(PG_VARIABLE, "").strip():
        # without a server the PostgreSQL runs are left out, and tests/test_postgres.py's first
        # test skips with the one line that says how to run them
        wanted = [item for item in items if not needs_postgresql(item)]
        config.hook.pytest_deselected(items=[item for item in items if needs_postgresql(item)])
        items[:] = wanted


def needs_postgresql(item: pytest.Item) -> bool:
    """Whether a test runs on a PostgreSQL server: it asks for `pg_url` or is marked so, or it is the
    `postgresql` run of a test parametrised over the backends (`db_backend`, `backend`)."""
    if "pg_url" in getattr(item, "fixturenames", ()) or item.get_closest_marker("postgresql") is not None:
        return True
    params = getattr(getattr(item, "callspec", None), "params", {})
    return any(params.get(name) == "postgresql" for name in ("db_backend", "backend"))


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test caches (validation results, procedure indexes) in a directory of its own,
    never in the user's; a test may point PROCFLOW_CACHE_DIR elsewhere itself."""
    monkeypatch.setenv("PROCFLOW_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("PROCFLOW_LANG", raising=False)  # the tests choose their language themselves


@pytest.fixture
def run_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Invoke `procflow ARGS...` in-process; the store and the actor are the test's own."""
    monkeypatch.setenv("PROCFLOW_DB", str(tmp_path / "procflow.db"))
    monkeypatch.setenv("PROCFLOW_CACHE_DIR", str(tmp_path / "cache"))  # never the user's own cache
    monkeypatch.setenv("PROCFLOW_USER", "tester")
    monkeypatch.delenv("PROCFLOW_SITE", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")

    def run(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(cli.cli, list(args), input=input, catch_exceptions=False)

    return run


Golden = Callable[[Path, str], None]


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    """`golden(path, actual)`: `actual` must be exactly the text of the golden file at `path`
    (compared as bytes, so line endings count); with --update-goldens the file is written."""
    update = bool(request.config.getoption("--update-goldens") or os.environ.get(UPDATE_VARIABLE))

    def compare(path: Path, actual: str) -> None:
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(actual.encode("utf-8"))
        assert path.is_file(), f"no golden file {path}; run `pytest --update-goldens` to create it"
        assert actual == path.read_bytes().decode("utf-8")

    return compare


# --- PostgreSQL: a fresh database per test on the server PROCFLOW_TEST_PG names ---------------


def _server() -> str:
    server = os.environ.get(PG_VARIABLE, "").strip()
    if not server:
        pytest.skip(PG_SKIPPED)  # the same words every time: `pytest -rs` shows them on one line
    return server


def database_url(server: str, name: str) -> str:
    """`server`'s URL naming database `name` instead (user, password, host and options kept)."""
    return urlsplit(server)._replace(path="/" + name).geturl()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database of this test's own, dropped after it."""
    import psycopg  # only where a test asks for PostgreSQL

    server = _server()
    name = f"procflow_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')  # a made-up name, no input
    try:
        yield database_url(server, name)
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


BACKEND_NAMES = ("sqlite", "postgresql")  # every entry of procflow.engine.store.BACKENDS


@pytest.fixture(params=BACKEND_NAMES)
def db_backend(
    request: pytest.FixtureRequest, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> str:
    """Run the test once per store backend: PROCFLOW_DB is the `run_cli` file for `sqlite`, a fresh
    database's URL for `postgresql` (skipped, with one reason, when no server is given). The
    backend's name."""
    if request.param == "postgresql":
        monkeypatch.setenv("PROCFLOW_DB", request.getfixturevalue("pg_url"))
    name: str = request.param
    return name
