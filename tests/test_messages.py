"""The message catalogue (`engine.base.messages`): every language has every key with the same
placeholders, every key the source uses exists, and a language without a catalogue reads English."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from procflow.engine.base.messages import CATALOGUES, FALLBACK, message, messages, words

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*(ROOT / "engine").rglob("*.py"), *(ROOT / "terminal").rglob("*.py"), ROOT / "cli.py"])
AREAS = sorted({key.split(".", 1)[0] for key in CATALOGUES[FALLBACK]})
KEY = re.compile(rf"^(?:{'|'.join(AREAS)})\.[a-z_]+(?:\.[a-z_]+)?$")
PREFIX = re.compile(rf"^(?:{'|'.join(AREAS)})\.(?:[a-z_]+\.)?$")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("lang", sorted(CATALOGUES))
def test_every_language_has_every_key_with_the_same_placeholders(lang: str) -> None:
    reference, catalogue = CATALOGUES[FALLBACK], CATALOGUES[lang]
    assert not sorted(set(reference) - set(catalogue)), f"{lang} lacks these messages"
    assert not sorted(set(catalogue) - set(reference)), f"{lang} has messages English lacks"
    differ = [k for k in reference if _placeholders(reference[k]) != _placeholders(catalogue[k])]
    assert not differ, f"{lang}: placeholders differ from English in {differ}"


def _keys_used() -> list[tuple[str, str, bool]]:
    """(where, key or prefix, whether a whole key) of every string in the source that names one."""
    found = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        where = f"{path.relative_to(ROOT)}"
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and KEY.match(node.value):
                found.append((f"{where}:{node.lineno}", node.value, True))
            elif isinstance(node, ast.JoinedStr) and node.values:
                head = node.values[0]  # f"status.{kind}": the fixed start names an area
                if isinstance(head, ast.Constant) and PREFIX.match(str(head.value)):
                    found.append((f"{where}:{node.lineno}", str(head.value), False))
    return found


def test_every_key_the_source_uses_is_in_the_catalogue() -> None:
    used = _keys_used()
    assert len([u for u in used if u[2]]) > 100  # the scan does see the call sites
    known = set(CATALOGUES[FALLBACK])
    areas = {key.rsplit(".", 1)[0] + "." for key in known}  # `sop.note` as `words()` takes it

    def found(key: str, whole: bool) -> bool:
        return key in known or key + "." in areas if whole else any(k.startswith(key) for k in known)

    missing = [f"{where}: {key}" for where, key, whole in used if not found(key, whole)]
    assert not missing, "keys no catalogue has:\n" + "\n".join(missing)


def test_a_language_without_a_catalogue_reads_english() -> None:
    assert messages("fr") is CATALOGUES["en"]
    assert message("fr", "run.step", n=3) == "step 3"
    assert message("zh-Hant", "run.step", n=3) == "第 3 步"
    assert words("fr", "sop.note")["gap"] == "gap"


def test_an_unknown_key_is_an_error_not_a_blank() -> None:
    with pytest.raises(KeyError):
        message("en", "run.no_such_message")


def test_the_terminal_speaks_through_the_catalogue(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("status", "--lang", "zh-Hant").stdout == message("zh-Hant", "status.none") + "\n"
    assert run_cli("status", "--lang", "en").stdout == message("en", "status.none") + "\n"
