"""The `procflow` subcommands, one module per family, and `COMMANDS`: the one place a command
is added (its name, the module that defines it, and the line `procflow --help` shows).

`cli.py` lists commands from this table without importing their modules; running a command
imports its module alone. This module must stay light: the standard library and click only.
"""

from __future__ import annotations

import importlib
from typing import NamedTuple

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}  # every command's


class Registered(NamedTuple):
    """A command as `procflow --help` knows it before its module is imported."""

    module: str  # under procflow.terminal.commands
    summary: str  # the command's short help, as click makes it from the docstring's first sentence


COMMANDS: dict[str, Registered] = {
    "agenda": Registered(
        "agenda",
        "What is due and overdue across all open instances, soonest first: when, what, where, "
        "whose, and the command that acts on it.",
    ),
    "cancel": Registered(
        "desk", "Close instance ID without finishing it; the reason is recorded in its history."
    ),
    "completion": Registered(
        "completion", "Print the shell completion script for SHELL (bash, zsh or fish)."
    ),
    "correct": Registered(
        "desk", "Correct the recorded answer to FIELD of instance ID; the original stays in its history."
    ),
    "db": Registered(
        "db",
        "Look after the database: bring its schema up to this procflow's (`db upgrade`), copy a "
        "desk's whole record to another store (`db copy`).",
    ),
    "graph": Registered(
        "procedures", "Print a procedure's state diagram: every state and move, guards on the edges."
    ),
    "handoff": Registered(
        "desk", "Pass instance ID on to a person (it becomes theirs) or a role (anyone holding it)."
    ),
    "history": Registered(
        "records", "The audit trail of instance ID: every event with its time, actor, role and what it did."
    ),
    "lsp": Registered(
        "editor", "Serve procedure files to an editor: a language server over stdin and stdout."
    ),
    "list": Registered("procedures", "List the procedures: id, title, number of states and source document."),
    "new": Registered(
        "authoring", "Write a new procedure ID.yaml (or a copy of another with --from) that validates clean."
    ),
    "passwd": Registered(
        "web", "Set the web desk password of NAME, a person of the site file (asked twice, not echoed)."
    ),
    "report": Registered(
        "accountability",
        "Violations per person in one month, and where each stands on the penalty ladders.",
    ),
    "resume": Registered(
        "desk", "Continue instance ID where it stopped, on the procedure text it started with."
    ),
    "run": Registered(
        "desk", "Start PROCEDURE (an id, or the path of a procedure file) and lead through it step by step."
    ),
    "schema": Registered(
        "authoring",
        "Print the JSON Schema of procedure files (or its installed path) for editors and tools.",
    ),
    "serve": Registered(
        "web", "Serve the web desk: sign in, my desk, steps, in a browser; prints its address."
    ),
    "show": Registered(
        "procedures",
        "Print a procedure as a readable SOP: every step with its role, checklist, words to say, "
        "questions, routes, moves, deadlines, notes and source clauses.",
    ),
    "status": Registered(
        "status", "Open instances and those closed recently: id, procedure, state, who, since when."
    ),
    "step": Registered("desk", "Take one step of instance ID without prompts (for scripts and other tools)."),
    "test": Registered(
        "checking", "Run scenario files (default: the project's scenarios) and report transition coverage."
    ),
    "trace": Registered(
        "checking",
        "Show, clause by clause, where the source documents are encoded (default: the project).",
    ),
    "validate": Registered(
        "checking", "Check procedure files and directories (default: the project's procedures)."
    ),
    "verify": Registered(
        "records", "Rebuild every snapshot (or ID's) from its events and check the database."
    ),
    "where": Registered(
        "where",
        "Show every path procflow uses here (project, procedures, scenarios, sources, database, "
        "site, cache, schema) and why each was chosen: flag, environment, project file or default.",
    ),
    "violation": Registered(
        "accountability",
        "Record violations of the work rules and list them with the breaches and overrides.",
    ),
}


def load_command(name: str) -> click.Command:
    """The command registered as `name`, importing its module (and only that one)."""
    module = importlib.import_module(f"{__name__}.{COMMANDS[name].module}")
    found = [c for c in vars(module).values() if isinstance(c, click.Command) and c.name == name]
    if len(found) != 1:
        raise LookupError(f"{module.__name__} defines {len(found)} commands named {name!r}, not one")
    return found[0]
