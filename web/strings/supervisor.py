"""The strings of the supervisor's pages: proposed violations to decide, the monthly report."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # the frame and what both pages share
    "nav.violations": {"en": "Violations", "zh-Hant": "違規"},
    "nav.report": {"en": "Monthly report", "zh-Hant": "月報"},
    "supervisor.refused": {
        "en": "Only a holder of the supervising role ({role}) may open this page.",
        "zh-Hant": "只有擔任督導角色({role})的人員才能開啟此頁。",
    },
    "supervisor.bad_month": {
        "en": "“{month}” is not a month; give it as YYYY-MM, such as 2026-03.",
        "zh-Hant": "「{month}」不是月份;請寫成 YYYY-MM,例如 2026-03。",
    },
    "supervisor.month_nav": {"en": "Months", "zh-Hant": "月份"},
    "supervisor.month_pick": {"en": "Month", "zh-Hant": "月份"},
    "supervisor.month_show": {"en": "Show", "zh-Hant": "顯示"},
    # the violations
    "violations.title": {"en": "Violations in {month}", "zh-Hant": "{month} 的違規"},
    "violations.intro": {
        "en": "Breaches and overrides the records show are proposed until a supervisor confirms or "
        "dismisses them with a reason; only confirmed ones count in the report. Times in {zone}.",
        "zh-Hant": "紀錄中的逾時與越權在督導確認或駁回(須附理由)之前僅為提議;只有已確認的才計入月報。時間為 {zone}。",
    },
    "violations.proposed_h": {"en": "To decide", "zh-Hant": "待決定"},
    "violations.decided_h": {"en": "Decided and recorded", "zh-Hant": "已決定及已登記"},
    "violations.none_proposed": {
        "en": "No proposed violation this month.",
        "zh-Hant": "本月沒有待決定的違規。",
    },
    "violations.none_decided": {"en": "None this month.", "zh-Hant": "本月沒有。"},
    "violations.own": {
        "en": "This one is about you: another supervisor decides it.",
        "zh-Hant": "這項與您本人有關,須由另一位督導決定。",
    },
    "violations.reason": {"en": "Reason (kept with the decision)", "zh-Hant": "理由(與決定一併保存)"},
    "violations.confirm": {"en": "Confirm", "zh-Hant": "確認"},
    "violations.dismiss": {"en": "Dismiss", "zh-Hant": "駁回"},
    "violations.done_confirmed": {
        "en": "Violation {id} is confirmed: it counts in the report.",
        "zh-Hant": "違規 {id} 已確認,計入月報。",
    },
    "violations.done_dismissed": {
        "en": "Violation {id} is dismissed: it never counts.",
        "zh-Hant": "違規 {id} 已駁回,不會計入。",
    },
    "violations.to_report": {"en": "The report for {month}", "zh-Hant": "{month} 的月報"},
    "violations.proposed": {"en": "Proposed", "zh-Hant": "提議"},
    "violations.confirmed": {"en": "Confirmed", "zh-Hant": "已確認"},
    "violations.dismissed": {"en": "Dismissed", "zh-Hant": "已駁回"},
    "violations.retracted": {"en": "Retracted", "zh-Hant": "已撤回"},
    "violations.kind_rule": {"en": "work rule", "zh-Hant": "工作規定"},
    "violations.kind_breach": {"en": "deadline missed", "zh-Hant": "逾時"},
    "violations.kind_override": {"en": "acted without the role", "zh-Hant": "越權操作"},
    "violations.id": {"en": "no. {id}", "zh-Hant": "編號 {id}"},
    "violations.source": {"en": "Source", "zh-Hant": "出處"},
    "violations.no_source": {
        "en": "no clause is given for this",
        "zh-Hant": "此項沒有註明條文",
    },
    "violations.uncounted": {
        "en": "Its time limit is a default no clause gives and the site has not confirmed: it counts "
        "against nobody, even confirmed.",
        "zh-Hant": "其時限是沒有條文依據、站點亦未確認的預設值:即使確認,也不計入任何人。",
    },
    "violations.decided_by": {"en": "Decided by {who}: {reason}", "zh-Hant": "由 {who} 決定:{reason}"},
    "violations.which_decision": {
        "en": "Choose Confirm or Dismiss.",
        "zh-Hant": "請選擇「確認」或「駁回」。",
    },
    "violations.reason_needed": {
        "en": "A reason is needed to confirm or dismiss a violation.",
        "zh-Hant": "確認或駁回違規都必須寫明理由。",
    },
    "violations.unknown": {
        "en": "There is no violation {id} in this month.",
        "zh-Hant": "本月沒有編號 {id} 的違規。",
    },
    "violations.not_own": {
        "en": "You cannot decide a violation against yourself; another supervisor must.",
        "zh-Hant": "您不能決定與自己有關的違規,須由另一位督導決定。",
    },
    "violations.already": {
        "en": "Someone decided this violation meanwhile: it is now {status}.",
        "zh-Hant": "此違規已有人先作決定,目前狀態:{status}。",
    },
    # the monthly report
    "report.title": {"en": "Monthly report {month}", "zh-Hant": "{month} 月報"},
    "report.period": {
        "en": "Times in {zone}: from {start} to {end}.",
        "zh-Hant": "時間為 {zone}:由 {start} 至 {end}。",
    },
    "report.csv": {"en": "Download CSV", "zh-Hant": "下載 CSV"},
    "report.with_proposed": {"en": "Count proposed ones too", "zh-Hant": "一併計算提議中的"},
    "report.confirmed_only": {"en": "Count confirmed ones only", "zh-Hant": "只計算已確認的"},
    "report.to_violations": {"en": "The month's violations", "zh-Hant": "本月違規"},
    "report.counts_confirmed": {
        "en": "Only confirmed violations count; nothing the documents do not say is counted against anyone.",
        "zh-Hant": "只計算已確認的違規;文件沒有規定的,一概不計入任何人。",
    },
    "report.counts_proposed": {
        "en": "Proposed violations are counted too (a preview): no supervisor has confirmed them yet.",
        "zh-Hant": "提議中的違規也一併計算(預覽):尚未經督導確認。",
    },
    "report.totals": {"en": "Violations per person", "zh-Hant": "每人違規數"},
    "report.person": {"en": "Person", "zh-Hant": "人員"},
    "report.name": {"en": "Name", "zh-Hant": "姓名"},
    "report.rules": {"en": "Work rules", "zh-Hant": "工作規定"},
    "report.breaches": {"en": "Deadlines missed", "zh-Hant": "逾時"},
    "report.overrides": {"en": "Without the role", "zh-Hant": "越權"},
    "report.total": {"en": "Total", "zh-Hant": "合計"},
    "report.proposed": {"en": "Of them proposed", "zh-Hant": "其中提議中"},
    "report.nobody": {"en": "Nobody to report.", "zh-Hant": "沒有可報告的人員。"},
    "report.no_ladders": {
        "en": "No procedure declares penalties: there is no ladder to stand on.",
        "zh-Hant": "沒有程序訂明罰則,因此沒有罰則級別。",
    },
    "report.ladder": {"en": "Penalty ladder: {title}", "zh-Hant": "罰則級別:{title}"},
    "report.scope": {
        "en": "Counts its work rules, and deadlines missed and overrides in: {ids}",
        "zh-Hant": "計算其工作規定,以及下列程序中的逾時與越權:{ids}",
    },
    "report.rungs": {"en": "The rungs, as the documents give them", "zh-Hant": "各級罰則(依文件)"},
    "report.rung": {"en": "Rung", "zh-Hant": "級別"},
    "report.threshold": {"en": "From", "zh-Hant": "起計"},
    "report.at_least": {"en": "{n} or more", "zh-Hant": "{n} 次或以上"},
    "report.source": {"en": "Source", "zh-Hant": "出處"},
    "report.says": {"en": "What it says", "zh-Hant": "內容"},
    "report.chart": {"en": "Where each person stands", "zh-Hant": "每人所在級別"},
    "report.chart_key": {
        "en": "The marks on each bar are the rungs' thresholds:",
        "zh-Hant": "長條上的刻度是各級的起計次數:",
    },
    "report.count": {"en": "{n} counted", "zh-Hant": "計 {n} 次"},
    "report.applies": {"en": "reaches {rungs}", "zh-Hant": "達到 {rungs}"},
    "report.no_rung": {"en": "no rung reached", "zh-Hant": "未達任何級別"},
    "report.conflict": {
        "en": "rungs at one threshold: the documents do not say which applies",
        "zh-Hant": "同一次數有多個級別,文件未說明適用哪一個",
    },
    "report.next_at": {"en": "next: {rung} at {n}", "zh-Hant": "下一級:{rung}({n} 次)"},
    "report.top": {"en": "no rung above", "zh-Hant": "已無更高級別"},
    "report.standing": {
        "en": "{person}: {n} counted, {applies}; {next}",
        "zh-Hant": "{person}:計 {n} 次,{applies};{next}",
    },
    "report.conflict_line": {
        "en": "{person} ({n}) reaches rungs that share one threshold:",
        "zh-Hant": "{person}({n} 次)達到同一次數的多個級別:",
    },
    "report.note_of": {"en": "note of {who}", "zh-Hant": "{who} 的附註"},
    "report.details": {"en": "What was counted", "zh-Hant": "計入的項目"},
    "report.kind": {"en": "Kind", "zh-Hant": "類別"},
    "report.procedure": {"en": "Procedure", "zh-Hant": "程序"},
    "report.what": {"en": "Rule, deadline or role", "zh-Hant": "規定、時限或角色"},
    "report.number": {"en": "Number", "zh-Hant": "次數"},
    "report.deadline": {"en": "deadline", "zh-Hant": "時限"},
    "report.role": {"en": "role", "zh-Hant": "角色"},
}
