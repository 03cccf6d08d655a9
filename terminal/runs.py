"""`procflow run` and `resume`: the desk opened for who acts, an instance started or driven
(interactive or from an answers file), the exit code, and the JSON line that ends them.

The commands declare the options and call these; nothing here draws a state (`terminal.screen`)
or asks a question itself (`terminal.interactive`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click
from procflow.engine.base import environment
from procflow.engine.base.errors import EXIT_FINDINGS, EXIT_INTERRUPTED, ProcflowError, UsageError
from procflow.engine.desk.audit import answers_of
from procflow.engine.desk.instances import Desk, InvalidProcedureError, Opened
from procflow.engine.desk.people import check_override_reason
from procflow.engine.store import open_store
from procflow.terminal import deadlines, inert
from procflow.terminal import handovers as handed
from procflow.terminal.inert import say
from procflow.terminal.interactive import interactive
from procflow.terminal.practice import PracticeScreen, practice_path
from procflow.terminal.screen import EndOfInput, Paused, Screen

if TYPE_CHECKING:
    from procflow.engine.runtime.script import Script


def result(opened: Opened, answers: Callable[[], dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """The JSON object that ends `run`, `resume` and `step` with --json (keys in docs/cli.md)."""
    snapshot = opened.session.snapshot
    view = opened.view()
    data = {
        "instance": opened.id,
        "procedure": snapshot["procedure"],
        "state": view.path_name,
        "status": snapshot["status"],
        "outcome": snapshot["outcome"],
        "version": snapshot["version"],
        "path": opened.path(),
        "answers": answers(),
        "waiting_for": list(view.blockers) if snapshot["status"] == "open" else [],
        "moves": [m.id for m in view.moves if m.allowed],
    }
    data.update(extra)
    return data


def open_desk(
    db: str | None,
    actor: str | None,
    lang: str | None,
    dirs: tuple[str, ...] = (),
    site: Any = None,
    override: str | None = None,
    ask: bool = False,
    practice: bool = False,
) -> Desk:
    """The store (`--db`, PROCFLOW_DB, the per-user data directory) and who acts, in which language,
    under the site's parameters and people; `override` is a reason given with --override, and
    `ask` lets an interactive run ask for one where the operator lacks a state's role. With
    `practice` the store is the scratch database beside that one (`terminal.practice`)."""
    # the store is closed when the command ends, on every path (a refusal, an exit code, Ctrl-C)
    store = click.get_current_context().with_resource(open_store(practice_path(db) if practice else db))
    desk = Desk(
        store,
        actor=environment.actor(actor),
        lang=environment.language(lang, getattr(site, "language", None)),
        dirs=dirs,
        site=site,
        override=override,
    )
    if ask:
        # an operator at the screen: a refusal that ends the run is said in the run's language
        # (`cli.py`); scripts and `step` keep the English sentence with ids, as --json does
        ctx = click.get_current_context(silent=True)
        if ctx is not None:
            root = ctx.find_root()
            root.obj = {**(root.obj or {}), "lang": desk.lang}
        screen = Screen(desk.lang)

        def reason(refusal: ProcflowError) -> str | None:
            # the reason is asked right below: the hint of --override is for the command line
            screen.error(screen.refusal(refusal).removesuffix(screen.w("refused.override")))
            try:
                return screen.ask("   " + screen.w("run.override") + " >")
            except EndOfInput:  # no reason given: the step is refused
                return None

        desk.gate.ask = reason
    return desk


def override_reasons(
    override: bool, skips: tuple[str, ...], reasons: tuple[str, ...]
) -> tuple[str | None, tuple[str, ...]]:
    """`--override` and `--reason` as given: (the override's reason, the reasons left for --skip).

    With --override the first --reason is the override's; one --reason alone also serves every
    --skip. Without --override every --reason belongs to the --skip items."""
    if not override:
        return None, reasons
    if not reasons:
        raise UsageError("--override needs --reason TEXT saying why the step is taken anyway")
    if len(reasons) == 1:
        return check_override_reason(reasons[0]), reasons if skips else ()
    if len(reasons) != len(skips) + 1:
        raise UsageError(
            f"--override with {len(skips)} --skip takes one --reason for all, or one for the "
            f"override and one per --skip; got {len(reasons)}"
        )
    return check_override_reason(reasons[0]), reasons[1:]


def start(desk: Desk, ref: str) -> Opened:
    """A new instance; a procedure with errors starts nothing and its findings are shown."""
    try:
        return desk.start(ref)
    except InvalidProcedureError as exc:
        from procflow.engine.output import diagnostics as report  # only for a file with errors

        shown = report.format_text(exc.diagnostics, files=1, sources=report.source_lines(exc.diagnostics))
        say(shown, err=True, nl=False)
        raise


def drive(desk: Desk, opened: Opened, script: Script | None, as_json: bool, practice: bool = False) -> int:
    """Run or resume: interactive, or from an answers file; the exit code. The instance stays
    open whenever the run stops short, and the command that resumes it is printed. A practice
    run says so above every state, and at its end."""
    screen = PracticeScreen(desk.lang, desk.store.location) if practice else Screen(desk.lang)
    for notice in opened.notices:
        screen.tell(f"note: {notice}")
    if not (as_json and script is not None):
        screen.instance(opened)
        handed.show(desk, opened, screen)  # what the last holder said
    stopped: dict[str, Any] = {"stopped": None, "missing": None, "error": None}
    known = len(desk.store.events(opened.id)) if as_json else 0  # breaches are those recorded after
    code = 0
    failure: ProcflowError | None = None
    try:
        if script is not None:
            from procflow.terminal.scripted import scripted  # an answers file's player: not interactive runs'

            missing = scripted(desk, opened, script, None if as_json else screen)
            if missing is not None:
                stopped.update(stopped="missing", missing=missing)
                say(f"procflow: the answers file has no {missing}", err=True)
                code = EXIT_FINDINGS
        elif not interactive(desk, opened, screen):
            stopped["stopped"], code = "blocked", EXIT_FINDINGS
    except EndOfInput:
        screen.tell(screen.w("run.input_ended"))
        stopped["stopped"], code = "input_ended", EXIT_FINDINGS
    except Paused:  # the operator's `q`: a clean stop, the instance stays open where it is
        screen.tell(screen.w("term.paused"))
        stopped["stopped"] = "paused"
    except KeyboardInterrupt:
        screen.tell(screen.w("run.interrupted"), before="\n")
        stopped["stopped"], code = "interrupted", EXIT_INTERRUPTED
    except ProcflowError as exc:
        failure, code = exc, exc.exit_code
        stopped.update(stopped="error", error={"code": exc.exit_code, "message": exc.message})
        opened = reread(desk, opened)
    if opened.status == "open":
        view = opened.view()  # the state by its title; its qualified id only with --ids
        where = f"{view.title} ({view.path_name})" if screen.ids else view.title
        key = "practice.open" if practice else "run.open"
        screen.tell(screen.w(key, id=opened.id, state=where))
    elif practice:
        screen.tell(screen.w("practice.ended", path=desk.store.location))
    if as_json:
        if practice:
            stopped["practice"] = desk.store.location
        events = desk.store.events(opened.id)
        missed = deadlines.breaches(events[known:])
        if missed:  # only then: the JSON of a run without breaches reads as it always did
            stopped["breaches"] = missed
        data = result(opened, lambda: answers_of(events), **stopped)
        click.echo(to_json(data))
    if failure is not None:
        raise failure
    return code


def reread(desk: Desk, opened: Opened) -> Opened:
    """After a refused step, the instance as the store has it (someone else may have moved it)."""
    try:
        return desk.open(opened.id)
    except Exception:  # the store itself failed: keep what we had; the error is reported anyway
        return opened


def to_json(data: Any) -> str:
    return inert.to_json(data, separators=(",", ":"))
