"""Every string of the web interface exists in zh-Hant and en, and every key a template or a
page names is in the catalogue; the page's language follows the switch, then Accept-Language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from procflow.web import strings

ROOT = Path(__file__).resolve().parent.parent / "web"
USED = re.compile(r"""\bt\(\s*["']([\w.-]+)["']\s*[,)]""")


def test_every_string_is_in_both_languages_and_not_empty() -> None:
    for key, texts in strings.catalogue().items():
        assert set(texts) == set(strings.LANGUAGES), f"{key}: {sorted(texts)}"
        assert all(text.strip() for text in texts.values()), key


def test_every_key_a_template_or_page_names_is_defined() -> None:
    known = strings.catalogue()
    files = [*ROOT.rglob("*.html"), *ROOT.rglob("*.py")]
    used = {(path.name, key) for path in files for key in USED.findall(path.read_text(encoding="utf-8"))}
    assert used, "no string keys found: the pattern is out of date"
    missing = sorted(f"{name}: {key}" for name, key in used if key not in known)
    assert not missing, missing


def test_placeholders_are_the_same_in_both_languages() -> None:
    for key, texts in strings.catalogue().items():
        names = {lang: set(re.findall(r"\{(\w+)\}", text)) for lang, text in texts.items()}
        assert names["en"] == names["zh-Hant"], key


@pytest.mark.parametrize(
    ("chosen", "header", "expected"),
    [
        ("en", "zh-TW,zh;q=0.9", "en"),  # the switch wins
        (None, "zh-TW,zh;q=0.9,en;q=0.8", "zh-Hant"),
        (None, "en-GB,en;q=0.9,zh;q=0.5", "en"),
        (None, "fr-FR,fr;q=0.9,en;q=0.3", "en"),
        (None, "en;q=0.2,zh-HK;q=0.8", "zh-Hant"),
        (None, "en;q=0,de", "zh-Hant"),  # q=0 is "not acceptable"
        (None, "", "zh-Hant"),
        (None, "garbage;;q=x,,", "zh-Hant"),
    ],
)
def test_the_pages_language(chosen: str | None, header: str, expected: str) -> None:
    assert strings.choose(chosen, header) == expected


def test_a_site_language_is_the_default_without_a_usable_header() -> None:
    assert strings.choose(None, "fr", "en") == "en"
