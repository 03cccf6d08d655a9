"""The `golden` fixture of tests/conftest.py: a difference fails, `--update-goldens` or
PROCFLOW_UPDATE_GOLDEN=1 rewrites, a missing file says how to create it."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

CONFTEST = Path(__file__).with_name("conftest.py")
TEST = """
from pathlib import Path

def test_output(golden):
    golden(Path(__file__).with_name("expected.txt"), "line one\\r\\nline two\\n")
"""


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.delenv("PROCFLOW_UPDATE_GOLDEN", raising=False)
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    pytester.makepyfile(test_output=TEST)
    return pytester


def test_a_missing_golden_file_fails_and_says_how_to_create_it(suite: pytest.Pytester) -> None:
    result = suite.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*no golden file*expected.txt; run `pytest --update-goldens` to create it*"])


@pytest.mark.parametrize("how", ["option", "variable"])
def test_updating_writes_the_exact_text_and_then_it_matches(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "option":
        suite.runpytest("-p", "no:cacheprovider", "--update-goldens").assert_outcomes(passed=1)
    else:
        monkeypatch.setenv("PROCFLOW_UPDATE_GOLDEN", "1")
        suite.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
        monkeypatch.delenv("PROCFLOW_UPDATE_GOLDEN")
    expected = suite.path / "expected.txt"
    assert expected.read_bytes() == b"line one\r\nline two\n"  # line endings kept as they are
    suite.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_a_difference_fails_and_leaves_the_file_alone(suite: pytest.Pytester) -> None:
    expected = suite.path / "expected.txt"
    expected.write_bytes(b"line one\nline two\n")  # the same text but for a line ending
    result = suite.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    assert expected.read_bytes() == b"line one\nline two\n"
