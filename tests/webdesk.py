"""Fixtures for the web desk's browser tests: a real `procflow serve` on a free port with its own
database and site file, people with passwords set by `procflow passwd`, and Debian's Chromium
driven by Playwright (never a downloaded browser). tests/conftest.py loads this module as a
plugin, so the fixtures `server`, `browser` and `shots` are there in every test; import the
helpers (`from webdesk import PASSWORD, Server, sign_in`).

Without /usr/bin/chromium (or PROCFLOW_CHROMIUM) every browser test is skipped with one reason;
`.ci/run` installs it, and fails when anything was skipped.
"""

from __future__ import annotations

import asyncio
import os
import re
import selectors
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

PASSWORD = "correct horse battery"
SITE = """\
procflow-site: 1
people:
  amy: {name: Amy Chan, roles: [front_desk]}
  ben: {name: Ben Lee, roles: [front_desk]}
  hana: {name: Hana Ito, roles: [hr]}
  mia: {name: Mia Wong, roles: [manager]}
"""
PEOPLE = ("amy", "ben", "hana", "mia")
CHROMIUM = os.environ.get("PROCFLOW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Server:
    url: str  # http://127.0.0.1:PORT (no trailing slash)
    db: Path
    site: Path
    process: subprocess.Popen[str]
    database: str = ""  # PROCFLOW_DB when not the file `db` (a PostgreSQL URL)

    def cli(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        """`procflow ARGS` against this server's database and site file."""
        return subprocess.run(
            [sys.executable, "-m", "procflow.cli", *args],
            input=input,
            capture_output=True,
            text=True,
            env=_environment(self.database or self.db, self.site),
            cwd=self.db.parent,
            timeout=60,
        )


def _environment(db: Path | str, site: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROCFLOW_")}
    env.update(
        PROCFLOW_DB=str(db),
        PROCFLOW_SITE=str(site),
        PROCFLOW_CACHE_DIR=str(site.parent / "cache"),
        PROCFLOW_USER="admin",
        NO_COLOR="1",
    )
    return env


@pytest.fixture
def server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Server]:
    """`procflow serve --port 0` in its own directory (no project: the bundled procedures),
    every person of SITE with the password PASSWORD; stopped after the test. Parametrized
    indirectly with {file name: text}, those procedure files are served too (`--dir`), and
    `procflow.yaml` there replaces SITE and `serve` adds options to the command; `postgresql`
    keeps the data in a fresh PostgreSQL database (conftest's `pg_url`) instead of a file."""
    extra: dict[str, str] = dict(getattr(request, "param", None) or {})
    site_text = extra.pop("procflow.yaml", SITE)  # a site file of the test's own
    serve_args = extra.pop("serve", "").split()  # more options of `procflow serve`
    database = request.getfixturevalue("pg_url") if extra.pop("postgresql", "") else ""
    if extra:
        folder = tmp_path / "extra"
        folder.mkdir()
        for name, text in extra.items():
            (folder / name).write_text(text, encoding="utf-8")
        serve_args += ["--dir", str(folder)]
    site = tmp_path / "procflow.yaml"
    site.write_text(site_text, encoding="utf-8")
    db = tmp_path / "procflow.db"
    location = database or db
    setting = [  # one `procflow passwd` each, side by side
        subprocess.Popen(
            [sys.executable, "-m", "procflow.cli", "passwd", person, "--password-stdin"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_environment(location, site),
            cwd=tmp_path,
        )
        for person in PEOPLE
    ]
    for one in setting:
        _, err = one.communicate(PASSWORD + "\n", timeout=60)
        assert one.returncode == 0, err
    process = subprocess.Popen(
        [sys.executable, "-m", "procflow.cli", "serve", "--port", "0", *serve_args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_environment(location, site),
        cwd=tmp_path,
    )
    try:
        url = _address(process)
        yield Server(url, db, site, process, database)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        process.stderr.close()


def _address(process: subprocess.Popen[str]) -> str:
    """The address the server prints on its first line (within 30 s)."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as wait:
        wait.register(process.stdout, selectors.EVENT_READ)
        if not wait.select(timeout=30):
            process.kill()
            raise AssertionError("procflow serve printed no address within 30 s")
    line = process.stdout.readline()
    found = re.search(r"http://[\w.\[\]:]+", line)
    if found is None:
        process.kill()
        _, err = process.communicate(timeout=10)
        raise AssertionError(f"procflow serve did not start: {line!r} {err!r}")
    return found.group(0).rstrip("/")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium under Playwright, headless; Playwright's `launch` gives it a fresh
    profile directory of its own (a temporary one, removed when it closes)."""
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"the browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield found
        finally:
            found.close()


Browser = Any  # playwright.sync_api.Browser, kept loose: the fixture imports Playwright lazily


@pytest.fixture(autouse=True)
def no_borrowed_loop(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test without the browser runs with no asyncio loop running in its thread, as a user's
    process does. Playwright's sync API keeps the session's loop marked running in the worker's
    main thread once Chromium is up, and a command that starts a loop of its own (`procflow lsp`,
    a line editor reading a pipe) would then refuse with "cannot be called from a running event
    loop". Playwright is idle during such a test, so its loop is set aside and put back after."""
    if "browser" in request.fixturenames:
        yield
        return
    borrowed = asyncio._get_running_loop()
    asyncio._set_running_loop(None)
    try:
        yield
    finally:
        asyncio._set_running_loop(borrowed)


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the tests write their screenshots (PROCFLOW_WEB_SHOTS to keep them somewhere)."""
    kept = os.environ.get("PROCFLOW_WEB_SHOTS")
    if kept:
        Path(kept).mkdir(parents=True, exist_ok=True)
        return Path(kept)
    return tmp_path_factory.mktemp("screenshots")


def sign_in(
    browser: Any, server: Server, person: str, *, lang: str = "en", width: int = 1280, height: int = 800
) -> Any:
    """A new browser context (its own cookies) with `person` signed in; its page, on the desk."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale=lang, extra_http_headers={"Accept-Language": lang}
    )
    page = context.new_page()
    page.goto(server.url + "/signin")
    page.fill("#person", person)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(server.url + "/")
    return page
