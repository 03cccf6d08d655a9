"""The strings of an instance's record: history, cancel, correct, and the hand-over page."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "history.title": {"en": "History", "zh-Hant": "歷程"},
    "history.pages": {"en": "The record of this instance", "zh-Hant": "此案件的紀錄"},
    "history.when": {"en": "When", "zh-Hant": "時間"},
    "history.who": {"en": "Who", "zh-Hant": "人員"},
    "history.what": {"en": "What", "zh-Hant": "事項"},
    "history.detail": {"en": "Detail", "zh-Hant": "內容"},
    "history.zone": {"en": "Times in {zone}.", "zh-Hant": "時間為 {zone} 時區。"},
    "history.zone_server": {"en": "Times in the server's zone.", "zh-Hant": "時間為伺服器所在的時區。"},
    "history.status.open": {"en": "open", "zh-Hant": "進行中"},
    "history.status.finished": {"en": "finished", "zh-Hant": "已完成"},
    "history.status.cancelled": {"en": "cancelled", "zh-Hant": "已取消"},
    "history.kind.start": {"en": "started", "zh-Hant": "開始"},
    "history.kind.enter": {"en": "entered", "zh-Hant": "進入"},
    "history.kind.move": {"en": "moved", "zh-Hant": "選擇"},
    "history.kind.answer": {"en": "answered", "zh-Hant": "回答"},
    "history.kind.check": {"en": "checked", "zh-Hant": "勾選"},
    "history.kind.skip": {"en": "skipped", "zh-Hant": "略過"},
    "history.kind.note": {"en": "note", "zh-Hant": "備註"},
    "history.kind.finish": {"en": "finished", "zh-Hant": "完成"},
    "history.kind.cancel": {"en": "cancelled", "zh-Hant": "取消"},
    "history.kind.override": {"en": "acted without the role", "zh-Hant": "越權處理"},
    "history.kind.breach": {"en": "deadline missed", "zh-Hant": "逾時"},
    "history.kind.done": {"en": "done again", "zh-Hant": "例行完成"},
    "history.kind.handoff": {"en": "handed over", "zh-Hant": "交接"},
    "history.kind.correct": {"en": "corrected", "zh-Hant": "更正"},
    "history.override": {"en": "without the role {role}: {reason}", "zh-Hant": "未擔任「{role}」:{reason}"},
    "history.correction": {
        "en": "{field}: {was} → {value} (answered in event {seq})",
        "zh-Hant": "{field}:{was} → {value}(第 {seq} 筆事件的回答)",
    },
    "history.corrected_later": {
        "en": "Corrected to {value} by {by} at {at} (event {seq}); this original stays on record.",
        "zh-Hant": "已由 {by} 於 {at} 更正為 {value}(第 {seq} 筆事件);原回答仍保留在紀錄中。",
    },
    "history.because": {"en": "Why: {reason}", "zh-Hant": "原因:{reason}"},
    "history.handed_person": {"en": "to {to}", "zh-Hant": "交給 {to}"},
    "history.handed_role": {"en": "to anyone in the role {to}", "zh-Hant": "交給擔任「{to}」的任何人"},
    "history.drafts": {"en": "Drafts ({n})", "zh-Hant": "草稿({n})"},
    "history.drafts_help": {
        "en": "Given inside the step not yet taken: not part of the record until the step is.",
        "zh-Hant": "尚未送出的步驟中已填的內容:步驟送出後才列入紀錄。",
    },
    "history.show_drafts": {"en": "Show the drafts", "zh-Hant": "顯示草稿"},
    "history.hide_drafts": {"en": "Hide the drafts", "zh-Hant": "隱藏草稿"},
    "cancel.title": {"en": "Cancel", "zh-Hant": "取消"},
    "cancel.help": {
        "en": "Close this instance without finishing it. The reason is recorded in its history.",
        "zh-Hant": "不完成即結束此案件。原因會記錄在歷程中。",
    },
    "cancel.reason": {"en": "Why it is cancelled", "zh-Hant": "取消原因"},
    "cancel.submit": {"en": "Cancel this instance", "zh-Hant": "取消此案件"},
    "cancel.no_reason": {"en": "Give the reason it is cancelled.", "zh-Hant": "請填寫取消原因。"},
    "cancel.closed": {
        "en": "This instance is {status}; it cannot be cancelled.",
        "zh-Hant": "此案件{status},無法取消。",
    },
    "cancel.done": {"en": "Cancelled; the reason is recorded.", "zh-Hant": "已取消,原因已記錄。"},
    "correct.title": {"en": "Correct an answer", "zh-Hant": "更正回答"},
    "correct.help": {
        "en": "The original answer stays in the history; the correction is recorded beside it with "
        "the reason. Where the instance went is not changed.",
        "zh-Hant": "原回答保留在歷程中;更正連同原因記錄在旁。案件已走的流程不會改變。",
    },
    "correct.field": {"en": "Answer to correct", "zh-Hant": "要更正的回答"},
    "correct.value": {"en": "Corrected answer", "zh-Hant": "更正後的回答"},
    "correct.reason": {"en": "Why it is corrected", "zh-Hant": "更正原因"},
    "correct.submit": {"en": "Record the correction", "zh-Hant": "記錄更正"},
    "correct.incomplete": {
        "en": "Choose the answer, give the corrected one and the reason.",
        "zh-Hant": "請選擇回答,並填寫更正內容與原因。",
    },
    "correct.nothing": {"en": "Nothing has been answered yet.", "zh-Hant": "尚無任何回答。"},
    "correct.refused_role": {
        "en": "Only someone holding the role of the step where it was answered may correct it.",
        "zh-Hant": "只有擔任該回答所在步驟角色的人員可以更正。",
    },
    "correct.done": {"en": "Corrected: {field}.", "zh-Hant": "已更正:{field}。"},
    "records.refused_role": {
        "en": "Refused: this instance is not yours, and its current step is for a role you do not "
        "hold. To act anyway, give a reason (it is recorded).",
        "zh-Hant": "已拒絕:此案件不歸您負責,其目前步驟屬於您未擔任的角色。如仍要執行,請填寫原因(會被記錄)。",
    },
    "records.not_yours": {
        "en": "This instance is not yours, and its current step is for a role you do not hold: "
        "you may still act, with a reason that is recorded as an override.",
        "zh-Hant": "此案件不歸您負責,其目前步驟屬於您未擔任的角色:仍可執行,但須填寫原因,並記錄為越權。",
    },
    "handoff.help": {
        "en": "Pass this instance on to a person (it becomes theirs) or a role (anyone holding it). "
        "They see your note on their desk.",
        "zh-Hant": "將此案件交給某位人員(歸其負責)或某個角色(任何擔任者皆可)。對方會在工作臺看到您的備註。",
    },
}
