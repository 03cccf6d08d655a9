"""The clock: stored times sort as the moments they stand for, and implausible years are refused
at every input (PROCFLOW_NOW, --at, --month) with one line and a usage exit code."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from procflow.engine.base.clock import parse_moment
from procflow.engine.base.errors import EXIT_USAGE, UsageError
from procflow.engine.base.stamps import EARLIEST_YEAR, LATEST_YEAR, plausible, stamp

moments = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC))


@given(moments, moments)
def test_stamps_are_fixed_width_and_sort_as_time(a: datetime, b: datetime) -> None:
    assert len(stamp(a)) == len(stamp(b)) == len("2026-03-09T01:00:00.000Z")
    assert (stamp(a) < stamp(b)) == (
        a.replace(microsecond=a.microsecond // 1000 * 1000)
        < b.replace(microsecond=b.microsecond // 1000 * 1000)
    )


@given(moments)
def test_only_the_documented_window_is_plausible(moment: datetime) -> None:
    if EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        assert plausible(moment, "x") is moment
    else:
        with pytest.raises(UsageError, match=rf"year {moment.year}; procflow accepts years 1900-2200"):
            plausible(moment, "x")


@given(st.integers(min_value=1, max_value=9999))
def test_a_typed_time_outside_the_window_is_refused(year: int) -> None:
    current = datetime(2026, 3, 9, 10, 0, tzinfo=timezone(timedelta(hours=8)))
    text = f"{year:04d}-03-09T10:00"
    if EARLIEST_YEAR <= year <= LATEST_YEAR:
        assert parse_moment(text, current).year == year
    else:
        with pytest.raises(UsageError):
            parse_moment(text, current)


@pytest.mark.parametrize(
    ("env", "args", "message"),
    [
        (
            {"PROCFLOW_NOW": "0202-03-09T10:00"},
            ["agenda"],
            "PROCFLOW_NOW '0202-03-09T10:00' is in the year 202",
        ),
        ({"PROCFLOW_NOW": "9999-12-31T23:59"}, ["agenda"], "is in the year 9999"),
        ({}, ["agenda", "--at", "0026-01-01T09:00"], "time '0026-01-01T09:00' is in the year 26"),
        ({}, ["agenda", "--at", "+99999999999 weeks"], "time '+99999999999 weeks' is not understood"),
        ({}, ["report", "--month", "9999-12"], "month '9999-12' is in the year 9999"),
    ],
)
def test_implausible_times_on_the_command_line(
    env: dict[str, str], args: list[str], message: str, tmp_path: object
) -> None:
    import os

    run = subprocess.run(
        [sys.executable, "-c", "from procflow import cli; cli.main()", *args],
        env={**os.environ, "PROCFLOW_DB": f"{tmp_path}/db", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == EXIT_USAGE, run.stderr
    assert run.stderr.count("\n") == 1 and message in run.stderr and "Traceback" not in run.stderr
