"""The fixed words procflow itself prints around a procedure's text, in zh-Hant and English.

Procedure text comes from the YAML file; these are only the headings and connecting words
of printed SOPs and diagrams. Unknown languages fall back to English. No I/O here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from procflow.engine.base.durations import parse_duration
from procflow.engine.model.procedure import Deadline

WORDS: dict[str, dict[str, Any]] = {
    "en": {
        "source": "Source",
        "params": "Parameters",
        "roles": "Roles",
        "notes": "Notes",
        "steps": "Steps",
        "name": "Name",
        "value": "Value",
        "role": "Role",
        "do": "Do",
        "say": "Say",
        "ask": "Ask",
        "due": "Due",
        "use": "Runs procedure",
        "next": "Next",
        "outcomes": "Next by outcome",
        "moves": "Operator chooses",
        "end": "End",
        "outcome": "outcome",
        "if": "if",
        "otherwise": "otherwise",
        "when": "offered when",
        "priority": "priority",
        "optional": "optional",
        "pii": "personal data",
        "pattern": "matching",
        "min": "min",
        "max": "max",
        "integer": "whole number",
        "work_rules": "Work rules",
        "penalties": "Penalties",
        "start": "start",
        "types": {
            "text": "text",
            "number": "number",
            "bool": "yes/no",
            "choice": "one of",
            "datetime": "date and time",
            "duration": "duration",
        },
        "note_kinds": {
            "resolution": "resolution",
            "conflict": "conflict",
            "gap": "gap",
            "typo": "typo",
            "info": "note",
        },
    },
    "zh-Hant": {
        "source": "依據",
        "params": "參數",
        "roles": "角色",
        "notes": "說明",
        "steps": "步驟",
        "name": "名稱",
        "value": "值",
        "role": "負責",
        "do": "執行",
        "say": "話術",
        "ask": "詢問",
        "due": "時限",
        "use": "執行程序",
        "next": "下一步",
        "outcomes": "依結果",
        "moves": "由操作員選擇",
        "end": "結束",
        "outcome": "結果",
        "if": "若",
        "otherwise": "否則",
        "when": "條件",
        "priority": "優先",
        "optional": "可略過",
        "pii": "個人資料",
        "pattern": "格式",
        "min": "最小",
        "max": "最大",
        "integer": "整數",
        "work_rules": "工作規範",
        "penalties": "處罰",
        "start": "開始",
        "types": {
            "text": "文字",
            "number": "數字",
            "bool": "是/否",
            "choice": "選項",
            "datetime": "日期時間",
            "duration": "時長",
        },
        "note_kinds": {
            "resolution": "處理",
            "conflict": "衝突",
            "gap": "缺漏",
            "typo": "更正",
            "info": "說明",
        },
    },
}

_PERIODS = {"en": {"month": "month"}, "zh-Hant": {"month": "月"}}


def words(lang: str) -> Mapping[str, Any]:
    """The words for `lang` (English when procflow has none for it)."""
    found: Mapping[str, Any] = WORDS.get(lang, WORDS["en"])
    return found


def deadline(d: Deadline, lang: str, anchor: str | None, length: str | None = None) -> str:
    """When a deadline falls, e.g. `within 1 minute of entering this step`; `anchor` is its display name,
    `length` its duration with a `{param}` filled in."""
    when = _when(d, lang, anchor, duration(length or d.duration, lang))
    if d.during == "duty_hours":
        return when + ("(只計值班時間)" if lang == "zh-Hant" else ", counting duty hours only")
    return when


def _when(d: Deadline, lang: str, anchor: str | None, span: str) -> str:
    state_anchor = d.anchor is not None and d.anchor.startswith("state:")
    if lang == "zh-Hant":
        if d.kind == "every":
            return f"停留本步驟期間每{span}"
        if d.kind == "within":
            if anchor is None:
                return f"進入本步驟後{span}內"
            return f"進入「{anchor}」後{span}內" if state_anchor else f"「{anchor}」後{span}內"
        return f"「{anchor}」{'前' if d.kind == 'before' else '後'}{span}"
    if d.kind == "every":
        return f"every {span} while in this step"
    if d.kind == "within":
        if anchor is None:
            return f"within {span} of entering this step"
        return f"within {span} of entering “{anchor}”" if state_anchor else f"within {span} of “{anchor}”"
    return f"{span} {d.kind} “{anchor}”"


_ZH_UNITS = (("天", 86400), ("小時", 3600), ("分鐘", 60), ("秒", 1))


def duration(text: str, lang: str) -> str:
    """A duration as the procedure wrote it, or in Chinese units (`1 minute` -> `1分鐘`)."""
    if lang != "zh-Hant":
        return text
    try:
        rest = round(parse_duration(text))
    except ValueError:
        return text
    parts = []
    for unit, size in _ZH_UNITS:
        if rest >= size:
            parts.append(f"{rest // size}{unit}")
            rest %= size
    return "".join(parts) or "0秒"


def penalty_rung(count: int | str, period: str, lang: str) -> str:
    """`2 or more in a month` / `每月2次以上`."""
    if lang == "zh-Hant":
        return f"每{_PERIODS['zh-Hant'].get(period, period)}{count}次以上"
    return f"{count} or more in a {_PERIODS['en'].get(period, period)}"
