"""Shared fixtures: the CLI through its front door, with an isolated database and user."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from procflow import cli

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test caches (validation results, procedure indexes) in a directory of its own,
    never in the user's; a test may point PROCFLOW_CACHE_DIR elsewhere itself."""
    monkeypatch.setenv("PROCFLOW_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


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
