"""Shell completion: `procflow completion bash|zsh|fish` prints the script, and the completion
itself, run as the shell runs it (`_PROCFLOW_COMPLETE=bash_complete` with COMP_WORDS and
COMP_CWORD, in a subprocess), offers commands, options, procedure ids and open instance ids,
quickly and without a traceback when the database is missing or damaged."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

REPO = Path(__file__).resolve().parent.parent
ENTRY = "from procflow.cli import main; main()"


def complete(line: str, env: dict[str, str] | None = None) -> tuple[list[str], str]:
    """What bash is offered for `line` (the word being typed is its last, maybe empty), and stderr."""
    words = line.split(" ")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PROCFLOW_")}
    environ.update(env or {})
    environ.update(_PROCFLOW_COMPLETE="bash_complete", COMP_WORDS=line, COMP_CWORD=str(len(words) - 1))
    done = subprocess.run(
        [sys.executable, "-c", ENTRY], env=environ, capture_output=True, text=True, timeout=60, cwd=REPO
    )
    assert done.returncode == 0, done.stderr
    return [row.split(",", 1)[1] for row in done.stdout.splitlines() if row], done.stderr


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_script_for_each_shell_is_printed(shell: str, run_cli: Callable[..., Result]) -> None:
    result = run_cli("completion", shell)
    assert result.exit_code == 0
    assert "_PROCFLOW_COMPLETE" in result.output
    assert f"{shell}_complete" in result.output


def test_an_unknown_shell_is_a_usage_error(run_cli: Callable[..., Result]) -> None:
    result = run_cli("completion", "tcsh")
    assert result.exit_code == 2
    assert "'tcsh' is not one of 'bash', 'zsh', 'fish'" in result.output


def test_commands_and_options_complete(tmp_path: Path) -> None:
    env = {"PROCFLOW_DB": str(tmp_path / "none.db")}
    assert complete("procflow ru", env)[0] == ["run"]
    assert {"completion", "status", "validate"} <= set(complete("procflow ", env)[0])
    assert complete("procflow run --la", env)[0] == ["--lang"]
    assert complete("procflow completion ", env)[0] == ["bash", "zsh", "fish"]


def test_procedure_ids_complete(tmp_path: Path) -> None:
    env = {"PROCFLOW_DB": str(tmp_path / "none.db"), "PROCFLOW_CACHE_DIR": str(tmp_path / "cache")}
    assert complete("procflow run art1-p", env)[0] == ["art1-phone-reception"]
    assert "art2-car-service" in complete("procflow show art2", env)[0]
    found, _ = complete("procflow run --dir tests/fixtures/valid sample-v", env)
    assert found == ["sample-visitor"]


def test_open_instance_ids_complete(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    db = tmp_path / "procflow.db"
    started = run_cli("run", "tests/fixtures/valid/visitor.yaml", "--db", str(db), "--lang", "en", input="")
    assert started.exit_code == 1  # the input ended: the instance stays open
    ident = started.output.split()[1]
    offered, _ = complete("procflow resume ", {"PROCFLOW_DB": str(db)})
    assert offered == ["last", ident]
    assert complete(f"procflow history {ident[:3]}", {"PROCFLOW_DB": str(db)})[0] == [ident]
    assert complete(f"procflow step --db {db} {ident[:2]}")[0] == [ident]  # --db given on the line


def test_a_missing_or_damaged_database_offers_nothing_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "procflow.db"
    offered, errors = complete("procflow resume ", {"PROCFLOW_DB": str(missing)})
    assert offered == ["last"] and errors == ""
    assert not missing.parent.exists()
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"not a database at all" * 100)
    offered, errors = complete("procflow resume ", {"PROCFLOW_DB": str(damaged)})
    assert offered == ["last"] and "Traceback" not in errors


def test_open_instance_ids_complete_on_a_postgresql_url(
    pg_url: str, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROCFLOW_DB", pg_url)
    started = run_cli("run", "tests/fixtures/valid/visitor.yaml", "--lang", "en", input="")
    assert started.exit_code == 1
    ident = started.output.split()[1]
    offered, errors = complete("procflow resume ", {"PROCFLOW_DB": pg_url})
    assert offered == ["last", ident] and errors == ""
    assert complete(f"procflow history --db {pg_url} {ident[:3]}")[0] == [ident]


def test_a_postgresql_server_that_does_not_answer_offers_nothing_within_seconds(pg_url: str) -> None:
    """A server that takes the connection and says nothing (a hung server, a firewall that
    swallows packets): the Tab gives what it has after the shortest wait libpq allows (2 s),
    silently, whatever PGCONNECT_TIMEOUT says (here longer than `complete` waits for the shell);
    a database that does not exist, or a URL nothing listens at, the same."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts (the kernel does), never answers
    try:
        mute = f"postgresql://nobody@127.0.0.1:{silent.getsockname()[1]}/procflow"
        refused = f"postgresql://nobody@127.0.0.1:{_free_port()}/procflow"
        missing = pg_url.rsplit("/", 1)[0] + "/procflow_no_such_database"
        for url in (mute, refused, missing):
            offered, errors = complete("procflow resume ", {"PROCFLOW_DB": url, "PGCONNECT_TIMEOUT": "300"})
            assert (offered, errors) == (["last"], ""), url
    finally:
        silent.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_completing_a_command_name_is_quick(tmp_path: Path) -> None:
    """The command list comes from the registry: no command module is imported for it."""
    started = time.monotonic()
    complete("procflow s", {"PROCFLOW_DB": str(tmp_path / "none.db")})
    assert time.monotonic() - started < 5  # generous: the machine is shared; ~0.1 s alone
    probe = (
        "import os, sys; os.environ.update(_PROCFLOW_COMPLETE='bash_complete', COMP_WORDS='procflow s', "
        "COMP_CWORD='1')\nfrom procflow import cli\ntry:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('procflow.terminal.commands.')), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert done.stderr.strip() == "[]", done.stderr
