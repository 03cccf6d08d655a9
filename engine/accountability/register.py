"""The register of violations as people read it: the line `violation record` confirms with,
and the table (or JSON list) of `violation list`. Pure formatters; times in the report's zone.

Chinese text is aligned by display width. Nothing here reads the store or decides anything.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, tzinfo
from functools import partial
from typing import Any

from procflow.engine.accountability.violations import Violation, to_json
from procflow.engine.base.durations import format_duration
from procflow.engine.base.messages import message
from procflow.engine.base.width import align

STAMP = "%Y-%m-%d %H:%M"


def zone_name(zone: tzinfo | None) -> str:
    return str(getattr(zone, "key", "UTC")) if zone is not None else "UTC"


def what(violation: Violation, lang: str) -> str:
    """The violation in a few words: the rule and note, the deadline missed, the role taken."""
    w = partial(message, lang)
    if violation.kind == "rule":
        return f"{violation.rule}: {violation.note}" if violation.note else str(violation.rule)
    if violation.kind == "breach":
        late = format_duration(violation.late) if violation.late is not None else "?"
        return w("violation.late", deadline=violation.deadline, state=violation.state, late=late)
    text = w("violation.role", role=violation.role)
    return f"{text}: {violation.reason}" if violation.reason else text


def format_recorded(violation: Violation, source: str | None, zone: tzinfo | None, lang: str) -> str:
    w = partial(message, lang)
    return (
        w(
            "violation.recorded",
            id=violation.id,
            person=violation.person,
            rule=violation.rule,
            procedure=violation.procedure,
            source=f", {source}" if source else "",
            at=violation.at.astimezone(zone or UTC).strftime(STAMP),
            zone=zone_name(zone),
        )
        + "\n"
    )


def format_decided(violation: Violation, lang: str) -> str:
    w = partial(message, lang)
    return (
        w(
            "violation.decided",
            id=violation.id,
            person=violation.person,
            kind=w(f"violation.{violation.kind}"),
            status=w(f"violation.{violation.status}"),
            by=violation.decided_by,
            reason=violation.decision_reason,
        )
        + "\n"
    )


def format_review(summary: Mapping[str, Any], lang: str) -> str:
    """The line `violation review` starts a review with: the count and rungs `report` computes."""
    w = partial(message, lang)
    applies = " + ".join(summary["applies"]) or w("month.none")
    return (
        w(
            "violation.review",
            applies=applies,
            **{k: summary[k] for k in ("instance", "person", "month", "count")},
        )
        + "\n"
    )


def format_list(violations: Sequence[Violation], zone: tzinfo | None, lang: str) -> str:
    w = partial(message, lang)
    if not violations:
        return w("violation.none") + "\n"
    rows = [
        [
            w("violation.id"),
            w("violation.at", zone=zone_name(zone)),
            w("violation.person"),
            w("violation.kind"),
            w("violation.procedure"),
            w("violation.what"),
            w("violation.by"),
            w("violation.status"),
        ]
    ]
    rows += [
        [
            v.id,
            v.at.astimezone(zone or UTC).strftime(STAMP),
            v.person,
            w(f"violation.{v.kind}"),
            v.procedure,
            what(v, lang),
            v.recorded_by or "-",
            w(f"violation.{v.status}") + (f" ({v.decided_by})" if v.decided_by else ""),
        ]
        for v in violations
    ]
    return "".join(line + "\n" for line in align(rows))


def format_list_json(violations: Sequence[Violation], zone: tzinfo | None) -> str:
    return json.dumps([to_json(v, zone) for v in violations], ensure_ascii=False, indent=2) + "\n"
