"""KPI values with units (issue 8, item 1): reading, writing back, direction, time left, the
statement of intent, the messages of %%objective, and objectives stored before all this."""

from __future__ import annotations

import datetime as dt

import pytest

from nbalign.errors import ObjectiveError
from nbalign.kpi import (
    Quantity,
    QuantityError,
    direction,
    format_quantity,
    kpi_statement,
    parse_quantity,
    time_left,
)
from nbalign.objective import KPI, KPI_KEYS, Objective, parse_objective

TODAY = dt.date(2026, 11, 28)


# --------------------------------------------------------------------------- reading values


@pytest.mark.parametrize("text, value, kind, currency, unit", [
    ("26.5%", 26.5, "percent", None, None),
    ("26.5 %", 26.5, "percent", None, None),
    ("26.5 percent", 26.5, "percent", None, None),
    ("\u22125%", -5.0, "percent", None, None),
    ("$1.2M", 1_200_000.0, "money", "USD", None),
    ("€30k", 30_000.0, "money", "EUR", None),
    ("EUR 30k", 30_000.0, "money", "EUR", None),
    ("eur 30k", 30_000.0, "money", "EUR", None),
    ("1,200,000 USD", 1_200_000.0, "money", "USD", None),
    ("£5.5bn", 5_500_000_000.0, "money", "GBP", None),
    ("USD 2.3 million", 2_300_000.0, "money", "USD", None),
    ("US$1.2M", 1_200_000.0, "money", "USD", None),
    ("CHF 0.3M", 300_000.0, "money", "CHF", None),
    ("30k euros", 30_000.0, "money", "EUR", None),
    ("-$5k", -5_000.0, "money", "USD", None),
    ("$30k per month", 30_000.0, "money", "USD", "per month"),
    ("1,200 customers", 1_200.0, "count", None, "customers"),
    ("1.2k customers", 1_200.0, "count", None, "customers"),
    ("12 per 1000 screenings", 12.0, "number", None, "per 1000 screenings"),
    ("3.5 days", 3.5, "number", None, "days"),
    ("12", 12.0, "number", None, None),
    ("0.5", 0.5, "number", None, None),
    ("5e4", 50_000.0, "number", None, None),
    ("1e-3", 0.001, "number", None, None),
    ("30_000", 30_000.0, "number", None, None),
    (12, 12.0, "number", None, None),
])
def test_values_read_as_people_write_them(text, value, kind, currency, unit):
    q = parse_quantity(text)
    assert (q.value, q.kind, q.currency, q.unit) == (value, kind, currency, unit)


def test_the_same_amount_written_two_ways_is_the_same_quantity():
    assert parse_quantity("$1.2M") == parse_quantity("1,200,000 USD") == parse_quantity("USD 1.2 million")
    assert parse_quantity("€1.2M") != parse_quantity("$1.2M")
    assert parse_quantity("26.5%") != parse_quantity("26.5")


@pytest.mark.parametrize("text, words", [
    ("26,5 %%", ["`26,5 %%`", "decimal comma", "doubled %", "write a percentage as 26.5%"]),
    ("12,5%", ["decimal comma", "write a percentage as 12.5%"]),
    ("26.5%%", ["doubled %", "write a percentage as 26.5%"]),
    ("$-", ["`$-`", "no number", "write an amount as $1.2M"]),
    ("EUR", ["no number", "write an amount as $1.2M"]),
    ("$1,5M", ["decimal comma", "write an amount as $1.5M"]),
    ("$1.2MM", ["`MM` after the amount", "write an amount as $1.2M"]),
    ("$30k USD", ["two currencies", "30k USD"]),
    ("1.200.000 €", ["dots between thousands", "write an amount as 1,200,000 €"]),
    ("1 200 000 €", ["spaces between thousands", "write an amount as 1,200,000 €"]),
    ("1,20,000 customers", ["commas that do not separate thousands", "write a count as 120,000 customers"]),
    ("5k%", ["scale (k) on a percentage", "write a percentage as 5%"]),
    ("26.5% of customers", ["words after the %", "write a percentage as 26.5%"]),
    ("about 12", ["does not start with its number", "`about`"]),
    ("12 13", ["a second number"]),
    ("1.2.3", ["more than one decimal point"]),
    ("lots", ["no number", "write a number as 12"]),
    ("", ["is empty", "26.5%", "$1.2M", "1,200 customers"]),
    ("9" * 100_000, ["too long", "write a number"]),
])
def test_a_bad_value_says_what_is_wrong_and_what_to_write(text, words):
    with pytest.raises(ValueError) as caught:
        parse_quantity(text)
    assert isinstance(caught.value, QuantityError)
    message = str(caught.value)
    for word in words:
        assert word in message, message
    assert len(message) < 300


# --------------------------------------------------------------------------- writing back


@pytest.mark.parametrize("text, shown", [
    ("26.5%", "26.5%"),
    ("26.5 %", "26.5%"),
    ("26.50%", "26.5%"),
    ("$1.2M", "$1.2M"),
    ("€30k", "€30k"),
    ("EUR 30k", "EUR 30k"),
    ("1,200,000 USD", "1,200,000 USD"),
    ("£5.5bn", "£5.5bn"),
    ("USD 2.3 million", "USD 2.3M"),
    ("-$5k", "\u2212$5k"),
    ("30k euros", "30k euros"),
    ("1,200 customers", "1,200 customers"),
    ("1200 customers", "1,200 customers"),
    ("12 per 1000 screenings", "12 per 1000 screenings"),
    ("12/1000 screenings", "12/1000 screenings"),
    ("12", "12"),
    ("0.5", "0.5"),
    ("5e4", "50,000"),
    ("0.3M", "0.3M"),
])
def test_a_value_is_written_back_with_its_unit_and_reads_the_same(text, shown):
    q = parse_quantity(text)
    assert format_quantity(q) == shown
    again = parse_quantity(format_quantity(q))
    assert again == q and format_quantity(again) == shown


def test_a_quantity_made_by_hand_is_written_with_its_currency_code():
    assert format_quantity(Quantity(1500.0, "money", currency="EUR")) == "EUR 1,500"
    assert format_quantity(Quantity(-0.25, "percent")) == "\u22120.25%"


# --------------------------------------------------------------------------- direction


@pytest.mark.parametrize("current, target, expected", [
    ("26.5%", "22%", "decrease"),
    ("9%", "12%", "increase"),
    ("$1.2M", "1,500,000 USD", "increase"),
    ("EUR 30k", "€25k", "decrease"),
    ("1,200 customers", "900 customers", "decrease"),
    ("1 customer", "5 customers", "increase"),
    ("12 per 1000 screenings", "6 per 1000 screenings", "decrease"),
    ("5e4", "1e-3", "decrease"),
    (parse_quantity("12"), parse_quantity("13"), "increase"),
])
def test_direction_follows_from_current_to_target(current, target, expected):
    assert direction(current, target) == expected


@pytest.mark.parametrize("current, target, words", [
    ("26.5%", "$30k", ["current is a percentage and target an amount in USD"]),
    ("26.5%", "0.22", ["current is a percentage and target a plain number", "`target: 22%`"]),
    ("$1M", "EUR 900k", ["amount in USD and target an amount in EUR", "does not convert currencies"]),
    ("1,200 customers", "900", ["a count of customers and target a plain number", "`target: 900 customers`"]),
    ("12", "6 customers", ["`current: 12 customers`"]),
    ("1,200 customers", "900 accounts", ["a count of customers and target a count of accounts"]),
    ("12 per 1000 screenings", "6 per 10000 screenings", ["per 1000 screenings", "per 10000 screenings"]),
    ("$1.2M", "1,200,000 USD", ["a target equal to the current value is no change to aim for"]),
    ("22%", "22.0 %", ["target 22% equals current 22%"]),
])
def test_direction_refuses_values_that_cannot_be_compared(current, target, words):
    with pytest.raises(QuantityError) as caught:
        direction(current, target)
    for word in words:
        assert word in str(caught.value), str(caught.value)


# --------------------------------------------------------------------------- time left


@pytest.mark.parametrize("deadline, today, expected", [
    ("2027-06-30", "2026-11-28", "7 months left"),
    ("2026-11-28", "2026-11-28", "due today"),
    ("2026-11-29", "2026-11-28", "1 day left"),
    ("2026-12-10", "2026-11-28", "12 days left"),
    ("2026-12-12", "2026-11-28", "2 weeks left"),
    ("2026-12-19", "2026-11-28", "3 weeks left"),
    # Month boundaries: a month from January 31 ends on the last day of February.
    ("2027-02-28", "2027-01-31", "4 weeks left"),
    ("2027-03-30", "2027-01-31", "8 weeks left"),
    ("2027-03-31", "2027-01-31", "2 months left"),
    ("2027-03-31", "2027-01-30", "2 months left"),
    ("2027-03-29", "2027-01-30", "8 weeks left"),
    ("2028-02-28", "2027-12-31", "8 weeks left"),
    ("2028-02-29", "2027-12-31", "2 months left"),  # a leap year's February ends on the 29th
    ("2028-03-01", "2027-12-31", "2 months left"),
    ("2028-11-27", "2026-11-28", "23 months left"),
    ("2028-11-28", "2026-11-28", "2 years left"),
    ("2026-11-27", "2026-11-28", "1 day overdue"),
    ("2026-11-07", "2026-11-28", "3 weeks overdue"),
    ("2026-09-28", "2026-11-28", "2 months overdue"),
    ("2026-09-29", "2026-11-28", "8 weeks overdue"),
])
def test_time_left_counts_whole_periods_and_never_overstates(deadline, today, expected):
    assert time_left(deadline, dt.date.fromisoformat(today)) == expected
    assert time_left(deadline, today) == expected


def test_time_left_takes_a_datetime_and_defaults_to_today():
    assert time_left("2027-06-30", dt.datetime(2026, 11, 28, 23, 59)) == "7 months left"
    assert time_left(dt.date.today().isoformat()) == "due today"


# --------------------------------------------------------------------------- the statement


def test_a_numeric_kpi_reads_as_one_statement_of_intent():
    kpi = KPI("share of customers who cancel within the quarter", current="26.5%", target="22%",
              deadline="2027-06-30", owner="VP Customer Success")
    assert kpi_statement(kpi, TODAY) == (
        "Cut the share of customers who cancel within the quarter from 26.5% to 22% by 2027-06-30 "
        "(7 months left); accountable: VP Customer Success."
    )


def test_the_verb_follows_the_direction_and_values_keep_their_unit():
    kpi = KPI("monthly recurring revenue", current="USD 2.3 million", target="$3M", deadline="2026-12-19")
    assert kpi_statement(kpi, TODAY) == (
        "Raise the monthly recurring revenue from USD 2.3M to $3M by 2026-12-19 (3 weeks left)."
    )
    kpi = KPI("our missed cases", current="12 per 1000 screenings", target="6 per 1000 screenings",
              owner="Head of Radiology.")
    assert kpi_statement(kpi, TODAY) == (
        "Cut our missed cases from 12 per 1000 screenings to 6 per 1000 screenings; "
        "accountable: Head of Radiology."
    )


def test_a_subjective_kpi_is_judged_by_someone():
    kpi = KPI("agents find the suggestions useful", judge="Head of Support", deadline="2027-01-31")
    assert kpi_statement(kpi, TODAY) == (
        "Agents find the suggestions useful, judged by Head of Support by 2027-01-31 (2 months left)."
    )
    assert kpi_statement(KPI("tone of replies", judge="Ana", owner="COO")) == (
        "Tone of replies, judged by Ana; accountable: COO."
    )


def test_a_kpi_with_part_of_its_numbers_still_reads():
    assert kpi_statement(KPI("churn", target="5%", deadline="2026-09-28"), TODAY) == (
        "Bring the churn to 5% by 2026-09-28 (2 months overdue)."
    )
    assert kpi_statement(KPI("churn", current="9%"), TODAY) == "Improve the churn from 9% (no target set)."
    assert kpi_statement(KPI("churn"), TODAY) == "Improve the churn."


def test_a_stored_kpi_with_values_that_no_longer_read_is_shown_as_written():
    kpi = KPI("churn", current="about nine percent", target="5%", deadline="2027-06-30")
    assert kpi.current_quantity is None and kpi.direction is None
    assert kpi_statement(kpi, TODAY) == (
        "Move the churn from about nine percent to 5% by 2027-06-30 (7 months left)."
    )


# --------------------------------------------------------------------------- %%objective


def kpi_cell(current: str | None, target: str | None, extra: str = "") -> str:
    """A cell whose `kpi.current` is on line 5 and `kpi.target` on line 6."""
    lines = ["metric: auc", "kpi:", "  name: churn"]
    lines += [f"  current: {current}"] if current is not None else []
    lines += [f"  target: {target}"] if target is not None else []
    return "\n".join(lines) + extra


def refused(text: str) -> ObjectiveError:
    with pytest.raises(ObjectiveError) as caught:
        parse_objective(text, name="x")
    assert len(str(caught.value)) < 400
    return caught.value


@pytest.mark.parametrize("current, target, line, words", [
    ("26,5 %%", "22%", 5, ["`kpi.current: 26,5 %%`", "decimal comma", "write a percentage as 26.5%"]),
    ("26.5%", "$-", 6, ["`kpi.target: $-`", "no number", "write an amount as $1.2M"]),
    ("'26.5%'", "'22 %%'", 6, ["`kpi.target: 22 %%`", "doubled %"]),
    ("26.5%", "$30k", 6, ["current is a percentage and target an amount in USD"]),
    ("26.5%", "0.22", 6, ["target a plain number", "`target: 22%`"]),
    ("$1.2M", "EUR 1.5M", 6, ["an amount in USD and target an amount in EUR"]),
    ("1,200 customers", "900 accounts", 6, ["count of customers and target a count of accounts"]),
    ("26.5%", "26.5 %", 6, ["a target equal to the current value is no change to aim for"]),
    ("$1.2M", "1,200,000 USD", 6, ["no change to aim for"]),
    ("12", "12.0", 6, ["no change to aim for"]),
    ("x" * 5000, "5%", 5, ["too long", "..."]),
])
def test_a_kpi_value_mistake_names_its_line_and_the_fix(current, target, line, words):
    error = refused(kpi_cell(current, target))
    assert error.line == line and f"line {line}:" in str(error)
    for word in words:
        assert word in str(error), str(error)


def test_a_non_finite_value_is_still_refused_as_not_text():
    error = refused(kpi_cell(".inf", "5%"))
    assert error.line == 5 and "not text" in str(error)


def test_the_kpi_keeps_the_text_written_and_reads_its_quantities():
    o = parse_objective(kpi_cell("$1.2M", "1,500,000 USD", "\n  deadline: 2027-06-30\n  owner: CFO"))
    kpi = o.kpi
    assert (kpi.current, kpi.target) == ("$1.2M", "1,500,000 USD")
    assert kpi.current_quantity == Quantity(1_200_000.0, "money", "USD")
    assert kpi.target_quantity.value == 1_500_000.0 and kpi.direction == "increase"
    assert kpi_statement(kpi, TODAY) == (
        "Raise the churn from $1.2M to 1,500,000 USD by 2027-06-30 (7 months left); accountable: CFO."
    )


def test_one_value_alone_and_a_subjective_kpi_need_no_comparison():
    assert parse_objective(kpi_cell("26.5%", None)).kpi.direction is None
    assert parse_objective(kpi_cell(None, "22%")).kpi.target_quantity.kind == "percent"
    o = parse_objective("metric: auc\nkpi:\n  name: replies sound human\n  judge: Head of Support")
    assert o.kpi.subjective and o.kpi.current_quantity is None and o.kpi.direction is None


# --------------------------------------------------------------------------- stored objectives


def test_the_stored_kpi_holds_only_what_was_declared():
    o = parse_objective(kpi_cell("26.5%", "22%"), name="churn")
    assert list(o.to_dict()["kpi"]) == list(KPI_KEYS)


def test_objectives_stored_before_load_and_so_do_ones_with_keys_from_a_newer_version():
    stored = parse_objective(kpi_cell("26.5%", "22%"), name="churn").with_version(1, "2026-01-01").to_dict()
    older = {**stored, "kpi": {"name": "churn", "current": "9%", "target": "5%", "deadline": None,
                               "owner": None}}  # before `judge` existed
    assert Objective.from_dict(older).kpi == KPI("churn", "9%", "5%")
    newer = {**stored, "kpi": {**stored["kpi"], "direction": "decrease", "unit": "percent"}}
    assert Objective.from_dict(newer) == Objective.from_dict(stored)
    assert Objective.from_dict(newer).kpi.direction == "decrease"
    unreadable = {**stored, "kpi": {"name": "churn", "current": "nine-ish", "target": "5%"}}
    assert Objective.from_dict(unreadable).kpi.current == "nine-ish"
    assert KPI.from_dict({"name": "x", "colour": "red"}) == KPI("x")
