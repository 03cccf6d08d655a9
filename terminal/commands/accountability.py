"""Accountability under the work rules: `violation record|list` and the monthly `report`.

Options, help and printing only: counting and formatting are `engine.accountability`'s.
"""

from __future__ import annotations

from dataclasses import replace

import click
from procflow.engine.accountability import register
from procflow.engine.accountability.decisions import (
    CONFIRMED,
    DISMISSED,
    RETRACTED,
    countable,
    decide,
    not_against_self,
    pending,
    read_with_status,
)
from procflow.engine.accountability.monthly import build_report, parse_month
from procflow.engine.accountability.monthly_format import FORMATS
from procflow.engine.accountability.penalties import build_ladders
from procflow.engine.accountability.violations import record_checked, require_supervisor, to_json
from procflow.engine.base import clock, environment
from procflow.engine.base.errors import NotFoundError, UsageError
from procflow.engine.desk.instances import Desk
from procflow.engine.store import open_store
from procflow.terminal import inert
from procflow.terminal.commands import CONTEXT
from procflow.terminal.commands.common import (
    DB_HELP,
    DIR_HELP,
    LANG_HELP,
    LANGUAGE_CHOICE,
    MONTH_HELP,
    _all_procedures,
    _instance_options,
    _site,
    findable,
    recordable,
)
from procflow.terminal.inert import say


@click.group(context_settings=CONTEXT)
def violation() -> None:
    """Record violations of the work rules and list them with the breaches and overrides."""


@violation.command("record", context_settings=CONTEXT)
@click.option(
    "--person",
    required=True,
    metavar="NAME",
    callback=recordable,
    help="Who broke the rule (a person of the site file).",
)
@click.option(
    "--rule",
    required=True,
    metavar="RULE",
    callback=recordable,
    help="A work rule id from the procedures' work_rules (PROCEDURE:RULE when two share it).",
)
@click.option("--note", default=None, metavar="TEXT", callback=recordable, help="What happened.")
@click.option(
    "--at",
    "at",
    default=None,
    metavar="TIME",
    help="When it happened (default: now), e.g. 2026-03-07T09:30 or 14:30 (today); "
    "without an offset, in the site's time zone.",
)
@click.option("--dir", "dirs", multiple=True, metavar="PATH", help=DIR_HELP)
@_instance_options
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="One JSON object: the violation as `violation list --json` shows it.",
)
def violation_record(
    person: str,
    rule: str,
    note: str | None,
    at: str | None,
    dirs: tuple[str, ...],
    db: str | None,
    actor: str | None,
    lang: str | None,
    as_json: bool,
) -> None:
    """Record that NAME broke a work rule; the record names who made it and cannot be changed."""
    site = _site()
    procedures = _all_procedures(dirs)
    who = environment.actor(actor)
    with open_store(db) as store:
        found, declared = record_checked(
            store,
            procedures,
            site,
            person=person,
            rule=rule,
            note=note,
            at=at,
            actor=who,
            now=clock.now(site.timezone),
        )
    if as_json:
        click.echo(inert.to_json(to_json(found, site.timezone), indent=2))
    else:
        say(
            register.format_recorded(found, declared.source, site.timezone, environment.language(lang)),
            nl=False,
        )


@violation.command("list", context_settings=CONTEXT)
@click.option("--person", default=None, metavar="NAME", callback=findable, help="Only NAME's violations.")
@click.option("--month", default=None, metavar="YYYY-MM", help=MONTH_HELP)
@click.option("--db", metavar="PATH", default=None, help=DB_HELP)
@click.option("--lang", type=LANGUAGE_CHOICE, default=None, help=LANG_HELP)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="A JSON list: kind, id, person, at, procedure, rule, note, instance, state, deadline, ...",
)
def violation_list(
    person: str | None, month: str | None, db: str | None, lang: str | None, as_json: bool
) -> None:
    """Recorded violations, breaches and overrides, oldest first."""
    site = _site()
    bounds = parse_month(month, site.timezone) if month is not None else None
    with open_store(db) as store:
        found = read_with_status(
            store, bounds.start if bounds else None, bounds.end if bounds else None, person, site
        )
    if as_json:
        click.echo(inert.inert_json(register.format_list_json(found, site.timezone)), nl=False)
    else:
        say(register.format_list(found, site.timezone, environment.language(lang)), nl=False)


@click.command("report", context_settings=CONTEXT)
@click.option("--month", required=True, metavar="YYYY-MM", help=MONTH_HELP)
@click.option(
    "--format",
    "format_",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="Aligned text, a JSON object, or CSV with a header row.",
)
@click.option("--lang", type=LANGUAGE_CHOICE, default=None, help=LANG_HELP)
@click.option("--dir", "dirs", multiple=True, metavar="PATH", help=DIR_HELP)
@click.option("--db", metavar="PATH", default=None, help=DB_HELP)
@click.option(
    "--include-proposed",
    is_flag=True,
    help="Count proposed violations too (breaches and overrides no supervisor has confirmed), marked.",
)
def report_(
    month: str, format_: str, lang: str | None, dirs: tuple[str, ...], db: str | None, include_proposed: bool
) -> None:
    """Violations per person in one month, and where each stands on the penalty ladders.

    Only confirmed violations count, unless --include-proposed. Rungs reached together at one
    count (第三篇 八.1 and 八.2 at two) are listed together with the procedure's notes on who
    decides; the report never picks one.
    """
    site = _site()
    bounds = parse_month(month, site.timezone)
    procedures = _all_procedures(dirs)
    ladders = build_ladders(procedures, site)
    with open_store(db) as store:
        found = countable(
            read_with_status(store, bounds.start, bounds.end, site=site), procedures, site, include_proposed
        )
    result = build_report(bounds, found, ladders, site, procedures)
    shown = FORMATS[format_](result, environment.language(lang))
    if format_ == "json":
        click.echo(inert.inert_json(shown), nl=False)
    else:  # CSV ends its lines with CRLF, as RFC 4180 says
        say(shown, nl=False, allow="\r\n\t" if format_ == "csv" else "\n\t")


def _decision_command(decision: str, verb: str, doc: str) -> click.Command:
    @click.command(verb, context_settings=CONTEXT, help=doc)
    @click.argument("violation_ids", metavar="[ID]...", nargs=-1, callback=findable)
    @click.option(
        "--reason", required=True, metavar="TEXT", callback=recordable, help="Why (kept with the decision)."
    )
    @click.option(
        "--person",
        default=None,
        metavar="NAME",
        callback=findable,
        help="Without ID: every violation of NAME in --month that this decision may follow.",
    )
    @click.option("--month", default=None, metavar="YYYY-MM", help="With --person: the month.")
    @_instance_options
    @click.option(
        "--json",
        "as_json",
        is_flag=True,
        help="A JSON list: the violations as `violation list --json` shows them.",
    )
    def command(
        violation_ids: tuple[str, ...], reason: str, person: str | None, month: str | None,
        db: str | None, actor: str | None, lang: str | None, as_json: bool,
    ) -> None:  # fmt: skip
        site = _site()
        who = environment.actor(actor)
        by_month = person is not None and month is not None
        if bool(violation_ids) == by_month or (not by_month and (person or month)):
            raise UsageError(f"give the violation IDs to {verb}, or --person NAME and --month YYYY-MM")
        with open_store(db) as store:
            if not violation_ids:
                require_supervisor(site, who, f"{verb} violations")
                bounds = parse_month(month or "", site.timezone)
                violation_ids = tuple(pending(store, decision, person or "", bounds.start, bounds.end, site))
            found = [
                decide(
                    store,
                    site,
                    ref=ref,
                    decision=decision,
                    reason=reason,
                    actor=who,
                    now=clock.now(site.timezone),
                )
                for ref in violation_ids
            ]
        if as_json:
            click.echo(inert.to_json([to_json(v, site.timezone) for v in found], indent=2))
        else:
            say("".join(register.format_decided(v, environment.language(lang)) for v in found), nl=False)

    return command


violation.add_command(
    _decision_command(
        CONFIRMED,
        "confirm",
        "Confirm a proposed violation ID: it counts in the report (supervising role; not your own).",
    )
)
violation.add_command(
    _decision_command(
        DISMISSED,
        "dismiss",
        "Dismiss a proposed violation ID: it never counts (supervising role; not your own).",
    )
)
violation.add_command(
    _decision_command(
        RETRACTED,
        "retract",
        "Retract a confirmed violation ID: it stops counting; the confirmation stays on record.",
    )
)


REVIEW = "art3-violation-review"


@violation.command("review", context_settings=CONTEXT)
@click.option(
    "--person", required=True, metavar="NAME", callback=findable, help="Whose violations to deal with."
)
@click.option("--month", required=True, metavar="YYYY-MM", help=MONTH_HELP)
@click.option(
    "--ladder",
    default="art3-front-desk-shift",
    show_default=True,
    metavar="PROCEDURE",
    help="The procedure whose penalty ladder counts (its thresholds, as `report` reads them).",
)
@click.option("--dir", "dirs", multiple=True, metavar="PATH", help=DIR_HELP)
@_instance_options
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="One JSON object: instance, person, month, count, reached, applies, params.",
)
def violation_review(
    person: str,
    month: str,
    ladder: str,
    dirs: tuple[str, ...],
    db: str | None,
    actor: str | None,
    lang: str | None,
    as_json: bool,
) -> None:
    """Start art3-violation-review for NAME's month, with the count and thresholds `report` computes.

    The count is the month's confirmed violations read from the records, and the thresholds and
    amounts come from the ladder's procedure and the site file, exactly as `report` has them;
    continue the review with `procflow resume ID`.
    """
    site = _site()
    who = environment.actor(actor)
    require_supervisor(site, who, "review violations")
    not_against_self(who, person, "review")
    bounds = parse_month(month, site.timezone)
    procedures = _all_procedures(dirs)
    ladders = [found for found in build_ladders(procedures, site) if found.procedure == ladder]
    if not ladders:
        raise NotFoundError(f"no procedure {ladder!r} with penalties; `procflow report` lists the ladders")
    with open_store(db) as store:
        found = countable(read_with_status(store, bounds.start, bounds.end, person, site), procedures, site)
        result = build_report(bounds, found, ladders, site, procedures)
        standing = next(p for p in result.people if p.person == person).ladders[0].standing
        declared = procedures[REVIEW].params if REVIEW in procedures else {}
        params = {k: v for k, v in ladders[0].params.items() if k in declared}
        params |= {"person": person, "month": bounds.label, "violations_this_month": standing.count}
        own = {**site.procedure_params.get(REVIEW, {}), **params}  # the report's values win
        desk = Desk(
            store,
            actor=who,
            lang=environment.language(lang),
            dirs=dirs,
            site=replace(site, procedure_params={**site.procedure_params, REVIEW: own}),
        )
        opened = desk.start(REVIEW)
    summary = {
        "instance": opened.id,
        "person": person,
        "month": bounds.label,
        "count": standing.count,
        "reached": [r.id for r in standing.reached],
        "applies": [r.id for r in standing.applies],
        "params": params,
    }
    if as_json:
        click.echo(inert.to_json(summary, indent=2))
    else:
        say(register.format_review(summary, environment.language(lang)), nl=False)
