"""Every error the engine raises on purpose, each with the exit code the CLI gives it.

The engine raises; only `cli.py` turns these into a message and an exit code. A message is
one lowercase sentence with the offending value quoted; no traceback is ever shown for them.
"""

from __future__ import annotations

from collections.abc import Callable

EXIT_OK = 0
EXIT_FINDINGS = 1  # validation findings, failed scenarios, trace gaps, a scripted run short of answers
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_NOT_FOUND = 4
EXIT_INVALID_ANSWER = 5
EXIT_ILLEGAL_MOVE = 6
EXIT_CONFLICT = 7
EXIT_LOCKED = 8
EXIT_DATABASE = 9
EXIT_ROLE = 10  # a step in a state whose role the acting person does not hold
EXIT_PROJECT = 11  # a procflow.toml (or PROCFLOW_PROJECT) that cannot be used
EXIT_INTERRUPTED = 130


Said = Callable[[str, bool], str]  # (language, with ids) -> the sentence an operator reads


class ProcflowError(Exception):
    """Base of deliberate errors; `exit_code` is what the CLI exits with. `message` is the
    English sentence with internal ids, for scripts, logs and `--json`; `said(lang)` is what an
    operator reads in the run's language, naming things by their labels (ids with `--ids`)."""

    exit_code = EXIT_FINDINGS

    def __init__(self, message: str, said: Said | None = None) -> None:
        super().__init__(message)
        self.message = message
        self._said = said

    def said(self, lang: str, *, ids: bool = False) -> str:
        """The error in `lang` as an operator's screen shows it; `message` when it has no other."""
        return self._said(lang, ids) if self._said is not None else self.message


class UsageError(ProcflowError):
    """The command line itself is wrong (a bad option value, a path that does not exist)."""

    exit_code = EXIT_USAGE


class NotFoundError(ProcflowError):
    """An unknown procedure, instance, person or role id."""

    exit_code = EXIT_NOT_FOUND


class InvalidAnswerError(ProcflowError):
    """An answer of the wrong type or outside its constraints; nothing was changed."""

    exit_code = EXIT_INVALID_ANSWER


class IllegalMoveError(ProcflowError):
    """A move that does not exist or is not allowed now; nothing was changed."""

    exit_code = EXIT_ILLEGAL_MOVE


class ConflictError(ProcflowError):
    """Someone else changed the instance first; nothing of this step was written."""

    exit_code = EXIT_CONFLICT


class LockedError(ProcflowError):
    """The database stayed locked by another process past the wait limit."""

    exit_code = EXIT_LOCKED


class DatabaseError(ProcflowError):
    """The database cannot be used: not writable, damaged, or from a newer procflow."""

    exit_code = EXIT_DATABASE


class RoleError(ProcflowError):
    """The acting person does not hold the role of the state; nothing was changed.

    `--override --reason TEXT` takes the step anyway and records why."""

    exit_code = EXIT_ROLE
