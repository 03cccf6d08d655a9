"""第一篇 二's lengths of time are parameters, and the words that state them read the same
parameters: a site that moves a timer moves the phrase with it, in both languages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

Run = Callable[..., Result]

SITE = """procflow-site: 1
procedures:
  art1-meeting-service:
    params: {setup_lead: 45 minutes, welcome_lead: 20 minutes, refill_interval: 10 minutes}
"""


def _site(tmp_path: Path) -> str:
    path = tmp_path / "site.yaml"
    path.write_text(SITE, encoding="utf-8")
    return str(path)


def test_the_documents_lengths_by_default(run_cli: Run) -> None:
    zh = run_cli("show", "art1-meeting-service", "--lang", "zh-Hant").stdout
    assert "會議前30分鐘,將會議所需的物資物料全部擺放到位" in zh
    assert "會議前15分鐘,回到前臺站立迎接參會人員" in zh
    assert "每間隔15分鐘至會議室摻水一次" in zh
    en = run_cli("show", "art1-meeting-service", "--lang", "en").stdout
    assert "Everything the meeting needs in place 30 minutes before it starts" in en


def test_a_site_length_is_the_length_the_phrases_state(run_cli: Run, tmp_path: Path) -> None:
    site = _site(tmp_path)
    zh = run_cli("--site", site, "show", "art1-meeting-service", "--lang", "zh-Hant").stdout
    assert "「會議時間」前45分鐘 — 會議前45分鐘,將會議所需的物資物料全部擺放到位" in zh
    assert "會議前20分鐘,回到前臺站立迎接參會人員" in zh
    assert "每間隔10分鐘至會議室摻水一次" in zh
    assert "會議前半小時," not in zh and "會議前15分鐘," not in zh
    en = run_cli("--site", site, "show", "art1-meeting-service", "--lang", "en").stdout
    assert (
        "45 minutes before “Meeting start (date and time)” — Everything the meeting needs in place 45 minutes before it starts"
        in en
    )
    assert "Back at the desk 20 minutes before" in en
    assert "Refill the water in the meeting room every 10 minutes" in en
    assert "half an hour before it starts" not in en


def test_the_source_wording_is_kept_in_the_file() -> None:
    text = (Path(__file__).resolve().parent.parent / "procedures" / "art1-meeting-service.yaml").read_text(
        "utf-8"
    )
    assert 'original: "會議前半小時,將會議所需的物資物料全部擺放到位"' in text
    assert 'original: "會議前15分鐘,回到前臺站立迎接參會人員"' in text
    assert 'original: "每間隔15分鐘至會議室摻水一次"' in text
