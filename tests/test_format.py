"""How numbers and the KPI read: the kernel's rules, pinned by the fixture the sidebar's tests read too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nbalign.format import (
    format_change,
    format_interval,
    format_level,
    format_percent,
    format_score,
    kpi_line,
)
from nbalign.objective import KPI

CASES = json.loads((Path(__file__).resolve().parents[1] / "protocol" / "format.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("section, function", [("score", format_score), ("change", format_change),
                                               ("percent", format_percent)])
def test_numbers_read_as_the_shared_fixture_says(section, function):
    for value, text in CASES[section]:
        assert function(value) == text, (section, value)


def test_intervals_and_levels_read_as_the_shared_fixture_says():
    for low, high, confidence, text in CASES["interval"]:
        assert format_interval(low, high, confidence) == text, (low, high, confidence)
    for confidence, text in CASES["level"]:
        assert format_level(confidence) == text, confidence


def test_p_values_read_as_the_shared_fixture_says():
    from nbalign.format import format_p

    for value, text in CASES["p_value"]:
        assert format_p(value) == text, value


def test_the_kpi_line_reads_as_the_shared_fixture_says():
    for kpi, text in CASES["kpi_line"]:
        assert kpi_line(KPI(**kpi)) == text, kpi


def test_non_finite_numbers_read_as_a_dash():
    for value in (float("nan"), float("inf"), float("-inf")):
        assert format_score(value) == format_change(value) == format_percent(value) == "\u2014"


def test_progress_at_the_baseline_is_zero_not_minus_zero():
    from nbalign.judge import progress_to_target

    assert str(progress_to_target(107.9, 107.9, 50.0)) == "0.0"
    assert format_percent(-0.0) == "0%"


def test_two_scores_a_message_compares_read_differently_when_they_differ():
    """Issue 7: "scores 0.738, worse than the baseline 0.738" said nothing."""
    from nbalign.format import format_apart

    assert format_apart(0.7376, 0.7380) == ("0.7376", "0.7380")
    assert format_apart(0.73796, 0.738) == ("0.73796", "0.73800")
    assert format_apart(0.61, 0.52) == ("0.610", "0.520")  # already apart: as format_score
    assert format_apart(0.5, 0.5) == ("0.500", "0.500")
    assert format_apart(25_310.2, 25_310.4) == ("25,310.2", "25,310.4")
    assert format_apart(-0.1234, -0.1236) == ("\u22120.123", "\u22120.124")  # apart already
    assert format_apart(-0.12341, -0.12344) == ("\u22120.12341", "\u22120.12344")


def test_a_small_threshold_shows_its_digits():
    from nbalign.format import format_small

    assert [format_small(v) for v in (0.02, 500, 0.00026, 0.0, None)] == [
        "0.020", "500.0", "0.00026", "0.000", "\u2014"]


HUGE_AND_TINY = [1e30, 1e-300, -1e30, 1e308, -1e308, 1.23456e30, 5e-324]


@pytest.mark.parametrize("value", HUGE_AND_TINY)
def test_any_finite_number_reads_without_raising_and_in_a_few_characters(value):
    """An MSE near 1e30 (a target in units of 1e15), a progress over a gap of almost nothing:
    every formatter reads any finite number, in scientific notation where digits would not do."""
    from nbalign.format import format_apart, format_small

    texts = [format_score(value), format_change(value), format_percent(value), format_small(value),
             format_interval(-abs(value), abs(value)), *format_apart(value, value * (1 + 1e-9)),
             *format_apart(value, value)]
    for text in texts:
        assert len(text) < 45 and "inf" not in text and "nan" not in text, texts


def test_huge_numbers_read_in_scientific_notation_as_the_sidebar_writes_round_ones():
    """From 1e21 on, JavaScript's own number-to-text turns to an exponent too (``1e+30``)."""
    from nbalign.format import format_apart

    assert format_score(1e30) == "1e+30" and format_score(-1e30) == "\u22121e+30"
    assert format_score(1.23456e30) == "1.235e+30" and format_score(1e308) == "1e+308"
    assert format_change(1e30) == "+1e+30" and format_change(-1e30) == "\u22121e+30"
    assert format_interval(-1e30, 1e30) == "95% CI \u22121e+30 to +1e+30"
    assert format_percent(1e30) == "1e+32%" and format_percent(-1e308) == "\u22121e+310%"  # 1e310 is no float
    assert format_apart(1e30, 1.000000001e30) == ("1.000000000e+30", "1.000000001e+30")
    # below the switch, whole digits as before; tiny ones round to zero as every score does
    assert format_score(2.5e19) == "25,000,000,000,000,000,000" and format_score(1e-300) == "0.000"
    assert format_score(-1e-300) == "0.000"  # rounds to zero: no minus
