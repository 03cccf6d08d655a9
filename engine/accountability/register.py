"""The register of violations as people read it: the line `violation record` confirms with,
and the table (or JSON list) of `violation list`. Pure formatters; times in the report's zone.

Chinese text is aligned by display width. Nothing here reads the store or decides anything.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, tzinfo

from procflow.engine.accountability.violations import Violation, to_json
from procflow.engine.base.durations import format_duration
from procflow.engine.base.width import align

WORDS = {
    "en": {
        "id": "ID", "at": "AT ({zone})", "person": "PERSON", "kind": "KIND", "procedure": "PROCEDURE",
        "what": "WHAT", "by": "RECORDED BY", "none": "no violations",
        "rule": "rule", "breach": "breach", "override": "override",
        "late": "{deadline} in {state}, {late} late", "role": "a step of role {role}",
        "recorded": "recorded violation {id}: {person} broke {rule} ({procedure}{source}) at {at} {zone}",
    },
    "zh-Hant": {
        "id": "編號", "at": "時間 ({zone})", "person": "人員", "kind": "類別", "procedure": "程序",
        "what": "內容", "by": "記錄人", "none": "沒有違反記錄",
        "rule": "細則", "breach": "逾時", "override": "越權",
        "late": "{state} 的 {deadline},逾時 {late}", "role": "代行角色 {role} 的步驟",
        "recorded": "已記錄違反 {id}:{person} 違反 {rule}({procedure}{source}),時間 {at} {zone}",
    },
}  # fmt: skip
STAMP = "%Y-%m-%d %H:%M"


def zone_name(zone: tzinfo | None) -> str:
    return str(getattr(zone, "key", "UTC")) if zone is not None else "UTC"


def what(violation: Violation, lang: str) -> str:
    """The violation in a few words: the rule and note, the deadline missed, the role taken."""
    w = WORDS.get(lang, WORDS["en"])
    if violation.kind == "rule":
        return f"{violation.rule}: {violation.note}" if violation.note else str(violation.rule)
    if violation.kind == "breach":
        late = format_duration(violation.late) if violation.late is not None else "?"
        return w["late"].format(deadline=violation.deadline, state=violation.state, late=late)
    text = w["role"].format(role=violation.role)
    return f"{text}: {violation.reason}" if violation.reason else text


def format_recorded(violation: Violation, source: str | None, zone: tzinfo | None, lang: str) -> str:
    w = WORDS.get(lang, WORDS["en"])
    return (
        w["recorded"].format(
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


def format_list(violations: Sequence[Violation], zone: tzinfo | None, lang: str) -> str:
    w = WORDS.get(lang, WORDS["en"])
    if not violations:
        return w["none"] + "\n"
    rows = [
        [
            w["id"],
            w["at"].format(zone=zone_name(zone)),
            w["person"],
            w["kind"],
            w["procedure"],
            w["what"],
            w["by"],
        ]
    ]
    rows += [
        [
            v.id,
            v.at.astimezone(zone or UTC).strftime(STAMP),
            v.person,
            w[v.kind],
            v.procedure,
            what(v, lang),
            v.recorded_by or "-",
        ]
        for v in violations
    ]
    return "".join(line + "\n" for line in align(rows))


def format_list_json(violations: Sequence[Violation], zone: tzinfo | None) -> str:
    return json.dumps([to_json(v, zone) for v in violations], ensure_ascii=False, indent=2) + "\n"
