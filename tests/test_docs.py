"""Every shell example in README.md and docs/ runs, and shows what the docs say it shows.

A ```console block holds `$ ` command lines, each followed by its expected output up to the
next `$ ` line or the end of the block; a line `...` stands for any number of lines. Commands
run in-process through click's CliRunner with the repository root as working directory; the
blocks of one file share one fresh temporary store. Only `procflow ...` runs here, optionally
after NAME=value assignments and after `printf ... |` or `echo ... |` for its input; `echo $?`
shows the previous exit code. Other commands (pip, pytest) belong in ```sh blocks, which are
not run. A second test checks that docs/cli.md shows every command and option in an example.
"""

from __future__ import annotations

import difflib
import re
import shlex
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from procflow import cli

REPO = Path(__file__).resolve().parent.parent
DOC_FILES = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
UNSUPPORTED = re.compile(r"[<>;&`]|\$\(")


@dataclass
class Command:
    path: Path
    line: int
    text: str
    expected: list[str] = field(default_factory=list)

    def where(self) -> str:
        shown = self.path.relative_to(REPO) if self.path.is_relative_to(REPO) else self.path
        return f"{shown}:{self.line}: $ {self.text}"


def console_commands(path: Path) -> list[Command]:
    """The commands of every ```console block of a Markdown file, in order."""
    commands: list[Command] = []
    fence: str | None = None
    inside = owned = False  # in a console block; its output lines have a command to belong to
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        stripped = line.strip()
        if fence is None:
            match = re.match(r"^ {0,3}(`{3,}|~{3,})\s*(\S*)(.*)$", line)
            # (CommonMark: a backtick fence's info string has no backtick, else it is inline code)
            if match and not (match.group(1)[0] == "`" and "`" in match.group(2) + match.group(3)):
                fence, inside, owned = match.group(1), match.group(2) == "console", False
            continue
        if stripped.startswith(fence) and stripped.strip(fence[0]) == "":
            fence = None
            continue
        if not inside:
            continue
        if line.startswith("$ "):
            number, text = index, line[2:].strip()
            while text.endswith("\\") and index < len(lines):  # a command continued on the next line
                text = text[:-1].rstrip() + " " + lines[index].strip()
                index += 1
            commands.append(Command(path, number, text))
            owned = True
        elif owned:
            commands[-1].expected.append(line)
        else:
            raise AssertionError(f"{path}:{index}: console block output before any `$ ` line")
    return commands


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line-by-line equality where an expected `...` line matches any number of actual lines."""
    memo: dict[tuple[int, int], bool] = {}

    def go(i: int, j: int) -> bool:
        if (i, j) not in memo:
            if i == len(expected):
                memo[i, j] = j == len(actual)
            elif expected[i] == "...":
                memo[i, j] = any(go(i + 1, k) for k in range(j, len(actual) + 1))
            else:
                memo[i, j] = j < len(actual) and expected[i] == actual[j] and go(i + 1, j + 1)
        return memo[i, j]

    return go(0, 0)


def normalise(lines: list[str]) -> list[str]:
    out = [line.rstrip() for line in lines]
    while out and not out[-1]:
        out.pop()
    return out


def split_pipe(text: str) -> list[str]:
    """`a | b` split at unquoted pipes."""
    parts, current, quote = [], "", ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "|":
            parts.append(current.strip())
            current = ""
            continue
        current += char
    return [*parts, current.strip()]


@dataclass
class Shell:
    """Runs documented commands the way a reader's shell would, for the commands we allow."""

    env: dict[str, str | None]
    last_exit: int = 0

    def run(self, command: Command) -> list[str]:
        if command.text == "echo $?":
            return [str(self.last_exit)]
        stages = split_pipe(command.text)
        if len(stages) > 2:
            raise AssertionError(f"{command.where()}\n  only one `printf ... |` before procflow is supported")
        stdin = self.producer(command, stages[0]) if len(stages) == 2 else None
        words = self.words(command, stages[-1])
        env = dict(self.env)
        while words and ASSIGNMENT.match(words[0]):
            name, _, value = words.pop(0).partition("=")
            env[name] = value
        if not words or words[0] != "procflow":
            raise AssertionError(
                f"{command.where()}\n  console blocks run `procflow` only; put other commands in a ```sh block"
            )
        runner = CliRunner(env=env)
        result = runner.invoke(cli.cli, words[1:], input=stdin, prog_name="procflow", catch_exceptions=False)
        self.last_exit = result.exit_code
        return result.output.splitlines()

    def words(self, command: Command, text: str) -> list[str]:
        if UNSUPPORTED.search(text.replace("$?", "")):
            raise AssertionError(
                f"{command.where()}\n  redirections, `;`, `&&` and substitutions are not supported"
            )
        return shlex.split(text)

    def producer(self, command: Command, text: str) -> bytes:
        words = self.words(command, text)
        if not words or words[0] not in ("printf", "echo"):
            raise AssertionError(f"{command.where()}\n  only `printf` or `echo` may feed procflow's input")
        done = subprocess.run(["bash", "-c", text], capture_output=True, check=True, timeout=10)
        return done.stdout


def shell_env(tmp: Path) -> dict[str, str | None]:
    return {
        "PROCFLOW_DB": str(tmp / "procflow.db"),
        "HOME": str(tmp),  # `~/desk.db` in an example is a file of its own
        "PROCFLOW_USER": "tester",
        "NO_COLOR": "1",
        "LANG": "en_US.UTF-8",
        "LC_ALL": None,
        "LC_MESSAGES": None,
        "PROCFLOW_PATH": None,
        "PROCFLOW_SITE": None,
        "COLUMNS": "80",
        "TZ": "UTC",
        "XDG_CACHE_HOME": str(tmp / "cache"),
        "XDG_DATA_HOME": str(tmp / "data"),
        "XDG_CONFIG_HOME": str(tmp / "config"),
    }


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC while the examples run, so times print the same on every machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda p: str(p.relative_to(REPO)))
@pytest.mark.usefixtures("utc")
def test_console_examples(doc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not doc.exists():
        pytest.fail(f"{doc.relative_to(REPO)} is missing")
    monkeypatch.chdir(REPO)
    shell = Shell(shell_env(tmp_path))
    failures = []
    for command in console_commands(doc):
        actual = normalise(shell.run(command))
        expected = normalise(command.expected)
        if not matches(expected, actual):
            diff = "\n".join(difflib.unified_diff(expected, actual, "documented", "actual", lineterm=""))
            failures.append(f"{command.where()}\n{diff}")
    assert not failures, "\n\n".join(failures)


# --- docs/cli.md shows every command and option ---------------------------------------------


def commands_of(
    group: click.Group, prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], click.Command]]:
    ctx = click.Context(group, info_name="procflow")
    out: list[tuple[tuple[str, ...], click.Command]] = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        out.append(((*prefix, name), command))
        if isinstance(command, click.Group):
            out.extend(commands_of(command, (*prefix, name)))
    return out


def documented_invocations(path: Path) -> list[list[str]]:
    """The words after `procflow` of every console command in `path`."""
    out = []
    for command in console_commands(path):
        words = shlex.split(split_pipe(command.text)[-1]) if command.text != "echo $?" else []
        while words and ASSIGNMENT.match(words[0]):
            words.pop(0)
        if words and words[0] == "procflow":
            out.append(words[1:])
    return out


def option_names(command: click.Command) -> list[list[str]]:
    """Each visible option's spellings (`--help` excluded: every command has it)."""
    return [
        [*param.opts, *param.secondary_opts]
        for param in command.params
        if isinstance(param, click.Option) and not param.hidden and "--help" not in param.opts
    ]


def uses(words: list[str], spellings: list[str]) -> bool:
    return any(
        w == s or w.startswith(s + "=") or (len(s) == 2 and w.startswith(s) and w != s[:1])
        for w in words
        for s in spellings
    )


def missing_from_cli_doc(doc: Path) -> list[str]:
    invocations = documented_invocations(doc) if doc.exists() else []
    missing = []
    globals_ = [
        w
        for words in invocations
        for w in words[: next((i for i, x in enumerate(words) if not x.startswith("-")), len(words))]
    ]
    for spellings in option_names(cli.cli):
        if not uses(globals_, spellings):
            missing.append(f"procflow {spellings[0]}")
    for path, command in commands_of(cli.cli):
        examples = []
        for words in invocations:
            rest = list(words)
            while rest and rest[0].startswith("-"):  # global options before the command
                rest.pop(0)
            if tuple(rest[: len(path)]) == path:
                examples.append(rest[len(path) :])
        name = "procflow " + " ".join(path)
        if not examples:
            missing.append(f"{name} (no example at all)")
            continue
        for spellings in option_names(command):
            if not any(uses(words, spellings) for words in examples):
                missing.append(f"{name} {spellings[0]}")
    return missing


def test_cli_doc_shows_every_command_and_option() -> None:
    doc = REPO / "docs" / "cli.md"
    missing = missing_from_cli_doc(doc)
    assert not missing, (
        "docs/cli.md has no ```console example for:\n  "
        + "\n  ".join(missing)
        + "\n(add a `$ procflow ...` example that uses each, with its real output)"
    )


# --- the harness itself ---------------------------------------------------------------------


def test_matches_with_ellipsis() -> None:
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "...", "b"], ["a", "b"])
    assert matches(["..."], [])
    assert not matches(["a", "...", "d"], ["a", "b", "c"])
    assert not matches(["a"], ["a", "b"])
    assert not matches(["a", "b"], ["a"])


def test_parsing_blocks(tmp_path: Path) -> None:
    doc = tmp_path / "x.md"
    doc.write_text(
        "```` ```console ```` in a sentence opens no block\n\n```console\n$ procflow list \\\n  --json\n[]\n\n"
        "$ echo $?\n0\n```\n\n"
        "```sh\n$ pip install -e .\n```\n\n````console\n$ procflow --version\n...\n````\n",
        encoding="utf-8",
    )
    found = [(c.text, c.expected) for c in console_commands(doc)]
    assert found == [
        ("procflow list --json", ["[]", ""]),
        ("echo $?", ["0"]),
        ("procflow --version", ["..."]),
    ]
    doc.write_text("```console\norphan output\n$ procflow list\n```\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="output before any"):
        console_commands(doc)


def test_shell_runs_procflow_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    shell = Shell(shell_env(tmp_path))
    with pytest.raises(AssertionError, match="run `procflow` only"):
        shell.run(Command(tmp_path, 1, "pip install -e ."))
    with pytest.raises(AssertionError, match="not supported"):
        shell.run(Command(tmp_path, 1, "procflow list > out.txt"))
    assert shell.run(Command(tmp_path, 1, "procflow show nothing-here"))[0].startswith(
        "procflow: no procedure"
    )
    assert shell.run(Command(tmp_path, 1, "echo $?")) == ["4"]
    listed = shell.run(Command(tmp_path, 1, "LANG=zh_TW.UTF-8 procflow list --dir tests/fixtures/valid"))
    assert any(re.match(r"sample-visitor +來訪者接待 ", line) for line in listed)


def test_cli_doc_check_reports_what_is_missing(tmp_path: Path) -> None:
    doc = tmp_path / "cli.md"
    doc.write_text("```console\n$ procflow --traceback list --json\n...\n```\n", encoding="utf-8")
    missing = missing_from_cli_doc(doc)
    assert "procflow --version" in missing and "procflow --traceback" not in missing
    assert "procflow list --dir" in missing and "procflow list --json" not in missing
    assert "procflow show (no example at all)" in missing


@pytest.mark.parametrize("page", ["design.md", "cli.md"])
def test_exit_code_tables_list_every_code_once_in_order(page: str) -> None:
    from procflow.engine.base import errors

    text = (REPO / "docs" / page).read_text(encoding="utf-8")
    documented = [int(code) for code in re.findall(r"^\| (\d+) \| ", text, re.M)]
    defined = sorted({value for name, value in vars(errors).items() if name.startswith("EXIT_")})
    assert documented == defined  # a list: a code listed twice, or out of order, fails
