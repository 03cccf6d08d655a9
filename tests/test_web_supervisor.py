"""The supervisor's pages of the web desk: proposed violations confirmed or dismissed with a reason
(the CLI's services and checks), the monthly report as tables and a chart, its CSV, a refused
non-supervisor; in a real browser and over plain HTTP (CSRF and roles on every POST)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from test_web_http import Client
from webdesk import Server, sign_in

REPORT_CSV = ("procflow", "report")  # the CLI's export, compared byte for byte
DOCS = Path(__file__).resolve().parent.parent / "docs" / "images"


def _month() -> str:
    return datetime.now(UTC).strftime("%Y-%m")  # the webdesk site names no time zone: UTC


def _proposed_override(server: Server, person: str = "hana", reason: str = "the desk was empty") -> str:
    """amy starts the phone reception of 第三篇; `person` (hana: hr) acts in it anyway, with a
    reason: a proposed override of theirs, counted on the front-desk shift's ladder once confirmed."""
    amy, hana = Client(server), Client(server)
    amy.sign_in("amy")
    hana.sign_in(person)
    status, page, _ = amy.post("/start", {"procedure": "art3-phone-reception"})
    assert status == 200, page
    ident = re.search(r'action="/instance/(\w+)/step"', page)
    assert ident
    page = hana.get(f"/instance/{ident.group(1)}")[1]
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version
    status, page, _ = hana.post(
        f"/instance/{ident.group(1)}/step",
        {"version": version.group(1), "check": "within_three_rings", "override_reason": reason},
    )
    assert status == 200, page
    listed = json.loads(server.cli("violation", "list", "--json").stdout)
    [found] = [v for v in listed if v["kind"] == "override" and v["person"] == person]
    assert found["status"] == "proposed"
    return str(found["id"])


def _hana_count(server: Server) -> int:
    report = json.loads(server.cli("report", "--month", _month(), "--format", "json").stdout)
    hana = next(p for p in report["people"] if p["person"] == "hana")
    return int(hana["ladders"][0]["count"])


# --- over plain HTTP --------------------------------------------------------------------------


def test_a_non_supervisor_is_refused_every_supervisor_page_and_post(server: Server) -> None:
    ident = _proposed_override(server)
    amy = Client(server)
    amy.sign_in("amy")
    assert "/violations" not in amy.get("/")[1]  # no link in the frame for her
    for path in ("/violations", "/report", f"/report.csv?month={_month()}"):
        status, page, _ = amy.get(path)
        assert status == 403, path
        assert "Only a holder of the supervising role (manager) may open this page." in page
    status, page, _ = amy.post(
        "/violations/decide",
        {"violation": ident, "decision": "confirm", "reason": "seen it", "month": _month()},
    )
    assert status == 403 and "supervising role" in page
    assert json.loads(server.cli("violation", "list", "--json").stdout)[0]["status"] == "proposed"


def test_a_decision_without_the_csrf_token_or_signed_out_changes_nothing(server: Server) -> None:
    ident = _proposed_override(server)
    mia = Client(server)
    mia.sign_in("mia")
    fields = {"violation": ident, "decision": "confirm", "reason": "seen it", "month": _month()}
    assert mia.post("/violations/decide", fields, csrf=False)[0] == 403
    assert mia.post("/violations/decide", {**fields, "csrf": "not-the-token"}, csrf=False)[0] == 403
    stranger = Client(server)  # signed out: no session, so no token either
    assert stranger.post("/violations/decide", fields, csrf=False)[0] == 403
    assert json.loads(server.cli("violation", "list", "--json").stdout)[0]["status"] == "proposed"


def test_a_decision_needs_a_reason_and_is_never_about_oneself(server: Server) -> None:
    ident = _proposed_override(server)
    mia = Client(server)
    mia.sign_in("mia")
    status, page, _ = mia.post(
        "/violations/decide", {"violation": ident, "decision": "confirm", "reason": "  ", "month": _month()}
    )
    assert status == 422 and "A reason is needed to confirm or dismiss a violation." in page
    status, page, _ = mia.post(
        "/violations/decide", {"violation": ident, "decision": "approve", "reason": "x", "month": _month()}
    )
    assert status == 400
    status, page, _ = mia.post(
        "/violations/decide", {"violation": "999", "decision": "confirm", "reason": "x", "month": _month()}
    )
    assert status == 404
    assert json.loads(server.cli("violation", "list", "--json").stdout)[0]["status"] == "proposed"
    status, page, _ = mia.post(
        "/violations/decide",
        {"violation": ident, "decision": "dismiss", "reason": "cover", "month": _month()},
    )
    assert status == 200 and f"Violation {ident} is dismissed" in page
    status, page, _ = mia.post(
        "/violations/decide",
        {"violation": ident, "decision": "confirm", "reason": "after all", "month": _month()},
    )
    assert status == 409 and "it is now Dismissed" in page
    [found] = json.loads(server.cli("violation", "list", "--json").stdout)
    assert (found["status"], found["decided_by"], found["decision_reason"]) == ("dismissed", "mia", "cover")
    own = _proposed_override(server, "mia", "nobody else was here")
    assert "This one is about you: another supervisor decides it." in mia.get("/violations")[1]
    status, page, _ = mia.post(
        "/violations/decide", {"violation": own, "decision": "dismiss", "reason": "mine", "month": _month()}
    )
    assert status == 403 and "You cannot decide a violation against yourself" in page
    mine = next(v for v in json.loads(server.cli("violation", "list", "--json").stdout) if v["id"] == own)
    assert mine["status"] == "proposed"


def test_the_csv_is_the_clis_export_with_its_type_and_name(server: Server) -> None:
    ident = _proposed_override(server)
    assert server.cli("violation", "confirm", ident, "--reason", "seen it", "--as", "mia").returncode == 0
    mia = Client(server)
    mia.sign_in("mia")
    status, body, headers = mia.get(f"/report.csv?month={_month()}")
    assert status == 200
    assert headers["Content-Type"] == "text/csv; charset=utf-8"
    assert headers["Content-Disposition"] == f'attachment; filename="procflow-report-{_month()}.csv"'
    cli = server.cli("report", "--month", _month(), "--format", "csv")
    assert body == cli.stdout.replace("\n", "\r\n").replace("\r\r\n", "\r\n")
    rows = list(csv.DictReader(io.StringIO(body)))
    hana = next(r for r in rows if r["person"] == "hana")
    assert (hana["ladder"], hana["overrides"], hana["count"]) == ("art3-front-desk-shift", "1", "1")
    assert mia.get("/report?month=2026-13")[0] == 400


# --- in the browser ---------------------------------------------------------------------------


def test_a_supervisor_confirms_a_proposed_violation_and_the_report_changes(
    browser: Any, server: Server, shots: Path
) -> None:
    ident = _proposed_override(server)
    page = sign_in(browser, server, "mia")
    page.click("nav >> text=Monthly report")
    hana = page.locator("li.chart-row[data-person='hana']").first
    assert hana.get_attribute("data-count") == "0"
    assert "0 counted" in hana.inner_text()
    assert "第三篇 八.1" in page.inner_text("table.rungs")  # every rung with its clause
    page.click("nav >> text=Violations")
    row = page.locator(f"li.violation[data-violation='{ident}']")
    assert "Proposed" in row.inner_text() and "hana" in row.inner_text()
    assert "Source:" in row.inner_text()
    page.screenshot(path=str(shots / "violations.png"), full_page=True)
    row.locator("input[name='reason']").fill("the call log shows it")
    row.locator("button[value='confirm']").click()
    page.wait_for_selector("#decided")
    assert f"Violation {ident} is confirmed" in page.inner_text("#decided")
    decided = page.locator(f"li.violation.confirmed[data-violation='{ident}']")
    assert "Decided by mia: the call log shows it" in decided.inner_text()
    assert _hana_count(server) == 1
    page.click(f"text=The report for {_month()}")
    hana = page.locator("li.chart-row[data-person='hana']").first
    assert hana.get_attribute("data-count") == "1"
    assert "1 counted" in hana.inner_text() and "next: negligence at 2" in hana.inner_text()
    totals = page.locator("#totals tr[data-person='hana'] td.total")
    assert totals.inner_text() == "1"
    page.screenshot(path=str(shots / "report.png"), full_page=True)
    with page.expect_download() as waiting:
        page.click("#csv")
    download = waiting.value
    assert download.suggested_filename == f"procflow-report-{_month()}.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert next(r for r in rows if r["person"] == "hana")["count"] == "1"
    page.context.close()


def test_a_supervisor_dismisses_with_a_reason_in_chinese_and_it_never_counts(
    browser: Any, server: Server
) -> None:
    ident = _proposed_override(server)
    page = sign_in(browser, server, "mia", lang="zh-Hant")
    page.goto(server.url + "/violations")
    row = page.locator(f"li.violation[data-violation='{ident}']")
    row.locator("button[value='dismiss']").click()  # the browser asks for the reason first
    assert page.locator("#decided").count() == 0
    row.locator("input[name='reason']").fill("當時櫃檯無人,代接合理")
    row.locator("button[value='dismiss']").click()
    page.wait_for_selector("#decided")
    assert f"違規 {ident} 已駁回" in page.inner_text("#decided")
    assert "當時櫃檯無人,代接合理" in page.inner_text(f"li.violation.dismissed[data-violation='{ident}']")
    assert _hana_count(server) == 0
    page.goto(server.url + "/report?proposed=1")
    assert page.locator("li.chart-row[data-person='hana']").first.get_attribute("data-count") == "0"
    page.context.close()


def test_a_non_supervisor_gets_the_refusal_in_place(browser: Any, server: Server) -> None:
    page = sign_in(browser, server, "ben")
    assert page.locator("nav >> text=Violations").count() == 0
    response = page.goto(server.url + "/report")
    assert response.status == 403
    assert "Only a holder of the supervising role (manager)" in page.inner_text("[role=alert]")
    page.context.close()
