"""The strings of the frame every page shares, sign-in, the desk and the step page."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # the frame
    "app.name": {"en": "procflow desk", "zh-Hant": "procflow 工作臺"},
    "app.skip": {"en": "Skip to the content", "zh-Hant": "跳到內容"},
    "nav.desk": {"en": "My desk", "zh-Hant": "我的工作臺"},
    "nav.signout": {"en": "Sign out", "zh-Hant": "登出"},
    "nav.signed_in": {"en": "Signed in as {name}", "zh-Hant": "已登入:{name}"},
    "lang.switch": {"en": "Language", "zh-Hant": "語言"},
    "lang.apply": {"en": "Change", "zh-Hant": "切換"},
    "lang.en": {"en": "English", "zh-Hant": "English"},
    "lang.zh-Hant": {"en": "繁體中文", "zh-Hant": "繁體中文"},
    # sign-in
    "signin.title": {"en": "Sign in", "zh-Hant": "登入"},
    "signin.person": {"en": "Your name (as in the site file)", "zh-Hant": "您的名稱(站點檔中的)"},
    "signin.password": {"en": "Password", "zh-Hant": "密碼"},
    "signin.submit": {"en": "Sign in", "zh-Hant": "登入"},
    "signin.failed": {"en": "Wrong name or password.", "zh-Hant": "名稱或密碼錯誤。"},
    "signin.limited": {
        "en": "Too many failed sign-ins; wait a few minutes and try again.",
        "zh-Hant": "登入失敗次數過多,請稍候幾分鐘再試。",
    },
    "signin.expired": {
        "en": "You were signed out after a while without use; sign in again.",
        "zh-Hant": "閒置過久,已自動登出;請重新登入。",
    },
    "signin.out": {"en": "You are signed out.", "zh-Hant": "您已登出。"},
    "signin.hint": {
        "en": "A password is set with `procflow passwd NAME` on the server.",
        "zh-Hant": "密碼由伺服器上的 `procflow passwd NAME` 設定。",
    },
    # my desk
    "desk.agenda": {"en": "Due", "zh-Hant": "待辦"},
    "desk.late": {"en": "Late", "zh-Hant": "逾時"},
    "desk.nothing_due": {"en": "Nothing is due.", "zh-Hant": "目前沒有待辦事項。"},
    "desk.open": {"en": "My open work", "zh-Hant": "我進行中的工作"},
    "desk.none_open": {"en": "Nothing open.", "zh-Hant": "沒有進行中的工作。"},
    "desk.since": {"en": "since {at}", "zh-Hant": "自 {at}"},
    "desk.more_open": {"en": "Show more", "zh-Hant": "顯示更多"},
    "desk.handover": {"en": "handed over by {who} at {at}", "zh-Hant": "由 {who} 於 {at} 交接"},
    "desk.handover_note": {"en": "handed over by {who} at {at}:", "zh-Hant": "由 {who} 於 {at} 交接:"},
    "desk.start": {"en": "Start", "zh-Hant": "開始"},
    "desk.none_startable": {
        "en": "None of the procedures starts in a role you hold.",
        "zh-Hant": "沒有以您所擔任角色開始的程序。",
    },
    # a step
    "step.where": {"en": "Where you are", "zh-Hant": "目前位置"},
    "step.number": {"en": "step {n}", "zh-Hant": "第 {n} 步"},
    "step.remaining": {"en": "at least {n} more to the end", "zh-Hant": "至少還有 {n} 步"},
    "step.source": {"en": "Source", "zh-Hant": "出處"},
    "step.resumed": {
        "en": "Your answers so far are kept; carry on where you left off.",
        "zh-Hant": "先前的回答已保存,請接着完成。",
    },
    "step.kept": {"en": "Kept at {at}.", "zh-Hant": "已於 {at} 保存。"},
    "step.deadlines": {"en": "Deadlines", "zh-Hant": "時限"},
    "step.by": {"en": "by {at}", "zh-Hant": "於 {at} 前"},
    "step.late_by": {"en": "late by", "zh-Hant": "已逾時"},
    "step.left": {"en": "left", "zh-Hant": "剩餘"},
    "step.when_known": {"en": "once its time is known", "zh-Hant": "待時間確定"},
    "step.done_now": {"en": "done now", "zh-Hant": "現在完成"},
    "step.do": {"en": "Do", "zh-Hant": "要做的事"},
    "step.optional": {"en": "optional", "zh-Hant": "可選"},
    "step.skip": {"en": "Skip this item", "zh-Hant": "略過此項"},
    "step.skip_reason": {"en": "Why it is skipped", "zh-Hant": "略過的原因"},
    "step.say": {"en": "Say", "zh-Hant": "要說的話"},
    "step.ask": {"en": "Questions", "zh-Hant": "問題"},
    "step.yes": {"en": "Yes", "zh-Hant": "是"},
    "step.no": {"en": "No", "zh-Hant": "否"},
    "step.now": {"en": "Now", "zh-Hant": "現在"},
    "step.duration_hint": {"en": "e.g. 15m or 1h 30m", "zh-Hant": "例如 15m 或 1h 30m"},
    "step.continue": {"en": "Continue", "zh-Hant": "繼續"},
    "step.save": {"en": "Save answers", "zh-Hant": "保存回答"},
    "step.waiting": {
        "en": "Some items or questions are still open before this step can be left.",
        "zh-Hant": "還有事項或問題未完成,完成後才能進入下一步。",
    },
    "step.finished": {"en": "Finished", "zh-Hant": "已完成"},
    "step.cancelled": {"en": "Cancelled", "zh-Hant": "已取消"},
    "step.not_your_role": {
        "en": "This step is for {role}, a role you do not hold.",
        "zh-Hant": "此步驟屬於「{role}」,您未擔任此角色。",
    },
    "step.refused_role": {
        "en": "Refused: this step is for {role}, a role you do not hold. To act anyway, give a reason (it is recorded).",
        "zh-Hant": "已拒絕:此步驟屬於「{role}」,您未擔任此角色。如仍要執行,請填寫原因(會被記錄)。",
    },
    "step.refused_move": {"en": "Refused: {why}", "zh-Hant": "已拒絕:{why}"},
    "step.conflict": {
        "en": "Someone else changed this instance meanwhile; nothing of yours was taken as a step. The page now shows it as it is.",
        "zh-Hant": "其他人剛剛變更了此流程;您的操作未被記錄為一步。頁面現在顯示其最新狀態。",
    },
    "step.override": {"en": "Act anyway", "zh-Hant": "仍要執行"},
    "step.override_reason": {
        "en": "Why you act without the role (recorded)",
        "zh-Hant": "未擔任角色仍執行的原因(會被記錄)",
    },
    "step.unknown_procedure": {"en": "There is no procedure '{id}'.", "zh-Hant": "沒有程序「{id}」。"},
    # hand-over
    "handoff.title": {"en": "Hand over", "zh-Hant": "交接"},
    "handoff.to": {"en": "To", "zh-Hant": "交給"},
    "handoff.role": {"en": "anyone in the role {role}", "zh-Hant": "擔任「{role}」的任何人"},
    "handoff.note": {"en": "Note for them (optional)", "zh-Hant": "給對方的備註(可選)"},
    "handoff.submit": {"en": "Hand over", "zh-Hant": "交接"},
    "handoff.no_one": {"en": "Choose whom to hand it to.", "zh-Hant": "請選擇交接對象。"},
    "handoff.done": {"en": "Handed over: {id}.", "zh-Hant": "已交接:{id}。"},
    # errors
    "error.forbidden": {
        "en": "This request was refused: the form was stale or not sent by this site. Reload the page and try again.",
        "zh-Hant": "請求被拒絕:表單已過期或並非由本站送出。請重新載入頁面再試。",
    },
    "error.not_found": {"en": "Nothing here.", "zh-Hant": "此處沒有內容。"},
    "error.title": {"en": "Refused", "zh-Hant": "已拒絕"},
    "error.back": {"en": "Back to my desk", "zh-Hant": "回到我的工作臺"},
}
