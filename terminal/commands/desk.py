"""The operator's commands on durable instances: `run`, `resume` and `step`, and `cancel` and
`handoff`.

Options and help only; the bodies are `terminal.runs` and `terminal.steps`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from procflow.terminal import completing, runs
from procflow.terminal.commands import CONTEXT
from procflow.terminal.commands.common import (
    BUNDLED_HELP,
    DIR_HELP,
    OVERRIDE_HELP,
    OVERRIDE_REASON_HELP,
    STEP_JSON_HELP,
    _bundled_file,
    _instance_options,
    _override,
    _session_options,
    _site,
    findable,
    ids_instead,
    ids_option,
    recordable,
)

if TYPE_CHECKING:
    from procflow.engine.runtime.script import Script


def _script(answers_file: str | None) -> Script | None:
    """The answers file of --answers, read in full before anything starts."""
    if not answers_file:
        return None
    # imported here: the file's YAML reader is not on the way to an interactive run's first prompt
    from procflow.engine.runtime.script import load_script

    return load_script(answers_file)


PRACTICE_HELP = (
    "Practise: use a scratch database beside the real one (never counted by `report`); every screen says so."
)


@click.command(context_settings=CONTEXT)
@click.argument("procedure", metavar="PROCEDURE", shell_complete=completing.procedures)
@_session_options
@click.option("--dir", "dirs", multiple=True, metavar="PATH", help=DIR_HELP)
@click.option("--bundled", is_flag=True, help=BUNDLED_HELP)
@_instance_options
@ids_option
@click.option("--practice", is_flag=True, help=PRACTICE_HELP)
@click.option("--json", "as_json", is_flag=True, help=STEP_JSON_HELP)
def run(
    procedure: str,
    answers_file: str | None,
    dirs: tuple[str, ...],
    bundled: bool,
    override: bool,
    reason: str | None,
    db: str | None,
    actor: str | None,
    lang: str | None,
    practice: bool,
    as_json: bool,
) -> None:
    """Start PROCEDURE (an id, or the path of a procedure file) and lead through it step by step.

    Every step is saved at once. Ctrl-C (exit 130) or the end of the input (exit 1) leaves the
    instance open and prints the command that resumes it. With --answers FILE the run is
    scripted: it stops with exit 1, the instance open, at the first answer or move FILE lacks.

    In a state whose role you do not hold (by the site file's people) a run asks why you act
    anyway, and records it; --override --reason TEXT answers for every such state, and a
    scripted run without them stops there (exit 10).

    With --practice nothing is real: the run uses a scratch database beside the real one (its
    name ends in .practice.db), which `report` never reads, and says so on every screen.

    An id is found under --dir, PROCFLOW_PATH, then the project's procedures (see `procflow
    where`); with --bundled, the bundled set instead of the project's.
    """
    script = _script(answers_file)  # a bad file starts nothing
    if bundled:  # the bundled procedure of that id, even where the project has its own
        procedure = _bundled_file(procedure, dirs)
    desk = runs.open_desk(
        db,
        actor,
        lang,
        dirs,
        site=_site(),
        override=_override(override, reason),
        ask=script is None,
        practice=practice,
    )
    opened = runs.start(desk, procedure)
    click.get_current_context().exit(runs.drive(desk, opened, script, as_json, practice))


@click.command(context_settings=CONTEXT)
@click.argument("instance", metavar="ID", callback=findable, shell_complete=completing.instances)
@_session_options
@_instance_options
@ids_option
@click.option("--practice", is_flag=True, help="Resume a practice instance (in the scratch database).")
@click.option("--json", "as_json", is_flag=True, help=STEP_JSON_HELP)
def resume(
    instance: str,
    answers_file: str | None,
    override: bool,
    reason: str | None,
    db: str | None,
    actor: str | None,
    lang: str | None,
    practice: bool,
    as_json: bool,
) -> None:
    """Continue instance ID where it stopped, on the procedure text it started with.

    ID `last` stands for your most recently changed instance (also in step, history, cancel
    and verify).
    """
    script = _script(answers_file)
    desk = runs.open_desk(
        db,
        actor,
        lang,
        site=_site(),
        override=_override(override, reason),
        ask=script is None,
        practice=practice,
    )
    opened = desk.open(desk.store.resolve(instance, desk.actor))
    click.get_current_context().exit(runs.drive(desk, opened, script, as_json, practice))


@click.command(context_settings=CONTEXT)
@click.argument("instance", metavar="ID", callback=findable, shell_complete=completing.instances)
@click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE", help="Answer a question (repeatable).")
@click.option(
    "--check", "checks", multiple=True, metavar="ITEM", help="Confirm a checklist item (repeatable)."
)
@click.option("--skip", "skips", multiple=True, metavar="ITEM", help="Skip a checklist item; needs --reason.")
@click.option(
    "--reason",
    "reasons",
    multiple=True,
    callback=recordable,
    metavar="TEXT",
    help="Why the --skip items are skipped (once for all, or once per --skip), or why you act "
    "with --override (given first).",
)
@click.option("--move", default=None, metavar="MOVE", help="Take this move (when the step offers a choice).")
@click.option(
    "--done",
    "done",
    multiple=True,
    metavar="DEADLINE",
    help="Acknowledge a recurrence (e.g. a refill every 15 minutes): the next counts from now.",
)
@click.option(
    "--note", default=None, metavar="TEXT", callback=recordable, help="Record a note with the step."
)
@click.option("--override", is_flag=True, help=OVERRIDE_HELP)
@_instance_options
@ids_option
@click.option("--json", "as_json", is_flag=True, help=STEP_JSON_HELP)
def step(
    instance: str,
    sets: tuple[str, ...],
    checks: tuple[str, ...],
    skips: tuple[str, ...],
    reasons: tuple[str, ...],
    move: str | None,
    done: tuple[str, ...],
    note: str | None,
    override: bool,
    db: str | None,
    actor: str | None,
    lang: str | None,
    as_json: bool,
) -> None:
    """Take one step of instance ID without prompts (for scripts and other tools).

    With nothing but ID it acknowledges a step that only says something. A wrong answer
    (exit 5) or a move not allowed now (exit 6) changes nothing; so does losing a race to
    another operator (exit 7, naming who changed it and when). A step in a state whose role you
    do not hold is refused (exit 10) unless given --override --reason TEXT.
    """
    why, reasons = runs.override_reasons(override, skips, reasons)
    desk = runs.open_desk(db, actor, lang, site=_site(), override=why)
    from procflow.terminal import steps  # not on the way to `run`'s first prompt

    steps.step_once(desk, instance, sets, checks, skips, reasons, move, note, as_json, done=done)


@click.command(context_settings=CONTEXT)
@click.argument("instance", metavar="ID", callback=findable, shell_complete=completing.instances)
@click.option(
    "--reason",
    required=True,
    metavar="TEXT",
    callback=recordable,
    help="Why the instance is cancelled (recorded).",
)
@click.option(
    "--override",
    is_flag=True,
    help="Cancel an instance that is not yours and whose state's role you do not hold; "
    "the --reason is recorded as the override's too.",
)
@_instance_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object: instance, status, state, reason.")
def cancel(
    instance: str,
    reason: str,
    override: bool,
    db: str | None,
    actor: str | None,
    lang: str | None,
    as_json: bool,
) -> None:
    """Close instance ID without finishing it; the reason is recorded in its history.

    The instance's holder (its owner, or anyone holding the role it was handed to), whoever
    holds the role of the state it is in, and the site's supervising role may cancel it; anyone
    else is refused (exit 10) unless given --override, which records the reason as an override
    too (a supervisor sees it among the month's proposed violations).
    """
    desk = runs.open_desk(db, actor, lang, site=_site(), override=reason.strip() if override else None)
    from procflow.terminal import steps  # not on the way to `run`'s first prompt

    steps.cancel(desk, instance, reason, as_json)


@click.command(context_settings=CONTEXT)
@click.argument("instance", metavar="ID", callback=findable, shell_complete=completing.instances)
@click.option(
    "--to",
    "to",
    required=True,
    callback=recordable,
    metavar="PERSON|ROLE",
    help="A person of the site file, or a role of the instance's procedures "
    "(person:NAME or role:NAME when a name is both).",
)
@click.option(
    "--note",
    default=None,
    metavar="TEXT",
    callback=recordable,
    help="What the next holder should know (recorded; shown to them when they resume it).",
)
@click.option(
    "--new-person",
    is_flag=True,
    help="Hand over to a person never seen in this database (without a site file naming people "
    "this is asked on a terminal, and refused otherwise).",
)
@click.option(
    "--override",
    is_flag=True,
    help="Hand on an instance that is not yours and whose state's role you do not hold; "
    "needs --reason, which is recorded.",
)
@click.option("--reason", default=None, metavar="TEXT", callback=recordable, help=OVERRIDE_REASON_HELP)
@_instance_options
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON object: instance, to, target, owner, assignee, version."
)
def handoff(
    instance: str,
    to: str,
    note: str | None,
    new_person: bool,
    override: bool,
    reason: str | None,
    db: str | None,
    actor: str | None,
    lang: str | None,
    as_json: bool,
) -> None:
    """Pass instance ID on to a person (it becomes theirs) or a role (anyone holding it).

    `status` and the agenda then show whose it is; `status --mine` lists it for the person, or
    for everyone holding the role. Saved like a step: refused (exit 7) if someone changed the
    instance first, and an unknown person or role is exit 4. The next holder sees the note, who
    handed it over and when, as they resume it and in `status --mine`.

    Without a site file naming people, a name never seen in this database may be a typo: on a
    terminal procflow asks before handing over; elsewhere it refuses (exit 2) unless given
    --new-person.

    The instance's holder (its owner, or anyone holding the role it was handed to), whoever
    holds the role of the state it is in, and the site's supervising role may hand it on; anyone
    else is refused (exit 10) unless given --override --reason TEXT (recorded).
    """
    desk = runs.open_desk(db, actor, lang, site=_site(), override=_override(override, reason))
    from procflow.terminal import steps  # not on the way to `run`'s first prompt

    steps.hand_over(desk, instance, to, note, as_json, new_person=new_person)


@click.command(context_settings=CONTEXT)
@click.argument("instance", metavar="ID", callback=findable)
@click.argument("field", metavar="FIELD", callback=findable)
@click.argument("value", metavar="[VALUE]", required=False, callback=recordable)
@click.option(
    "--reason",
    required=True,
    metavar="TEXT",
    callback=recordable,
    help="Why the answer is corrected (recorded).",
)
@_instance_options
@ids_instead
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="One JSON object by ids: instance, field, was, value, reason, routing.",
)
def correct(
    instance: str,
    field: str,
    value: str | None,
    reason: str,
    db: str | None,
    actor: str | None,
    lang: str | None,
    as_json: bool,
) -> None:
    """Correct the recorded answer to FIELD of instance ID; the original stays in its history.

    VALUE is checked like an answer (exit 5 when refused); without it a terminal asks for it.
    The correction is an event of its own with the reason, saved like a step by someone holding
    the role of the state where the answer was given (exit 10 otherwise). Where the instance
    went is never rewritten: when the corrected answer would have routed it elsewhere, or not
    allowed the move taken, procflow says so and records it. Exit 4 for an unknown instance or
    a field it has no answer to.

    The field, the answers, states and moves show by their names in your language (--ids:
    their ids instead).
    """
    desk = runs.open_desk(db, actor, lang, site=_site())
    from procflow.terminal import corrections  # not on the way to `run`'s first prompt

    corrections.correct_answer(desk, instance, field, value, reason.strip(), as_json)
