from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk.core.money import AmountError, format_amount, parse_amount, tidy, wan_to_yuan, yuan_to_wan
from desk.core.periods import DeadlineRule, Month, days_left, deadline_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12000", Decimal("12000")),
        ("１２３", Decimal("123")),
        ("1,234.5", Decimal("1234.5")),
        ("1.2亿", Decimal("12000")),
        ("1.2亿元", Decimal("12000")),
        ("5000元", Decimal("0.5")),
        ("350万", Decimal("350")),
        (" 8 ", Decimal("8")),
        ("", None),
        (12, Decimal("12")),
        (0.1, Decimal("0.1")),
    ],
)
def test_amounts_are_read_exactly(text: object, expected: Decimal | None) -> None:
    assert parse_amount(text) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["abc", "1,23", "-5", "1.2.3", "5万美元", "12%"])
def test_unreadable_amounts_are_refused_in_chinese(text: str) -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount(text)
    assert text in str(caught.value) or "负数" in str(caught.value) or "币种" in str(caught.value)


def test_yuan_round_trip_is_exact_and_sums_do_not_drift() -> None:
    values = [Decimal("0.1")] * 10
    assert sum(wan_to_yuan(v) for v in values) == wan_to_yuan(Decimal(1))  # type: ignore[misc]
    assert yuan_to_wan(wan_to_yuan(Decimal("1234.5678"))) == Decimal("1234.5678")
    assert str(yuan_to_wan(120_000_000)) == "12000"
    assert format_amount(Decimal("1234567.891")) == "1,234,567.89"


def test_months_and_deadlines() -> None:
    m = Month.parse("2026-02")
    assert m.label == "2026年2月" and str(m.next()) == "2026-03" and str(m.prev()) == "2026-01"
    assert str(Month(2026, 1).prev()) == "2025-12" and str(Month(2026, 12).next()) == "2027-01"
    assert m.day(31) == date(2026, 2, 28)
    rule = DeadlineRule(20)
    assert rule.deadline(Month(2026, 10)) == date(2026, 10, 20)
    assert rule.reporting_month(date(2026, 11, 23)) == Month(2026, 11)
    assert DeadlineRule(10, next_month=True).deadline(Month(2026, 10)) == date(2026, 11, 10)
    assert DeadlineRule(10, next_month=True).reporting_month(date(2026, 11, 3)) == Month(2026, 10)
    assert days_left(date(2026, 11, 18), date(2026, 11, 20)) == 2
    assert deadline_text(date(2026, 11, 23), date(2026, 11, 20)).startswith("已过截止日 3 天")
    assert deadline_text(date(2026, 11, 20), date(2026, 11, 20)).startswith("今天截止")
    with pytest.raises(ValueError, match="YYYY-MM"):
        Month.parse("2026/10")


@given(st.integers(min_value=-10**18, max_value=10**18))
def test_yuan_to_wan_is_the_exact_tidy_quotient(yuan: int) -> None:
    """The fast path (whole 万元, or a scaled and normalised fraction) gives exactly what the
    definition does: 元 × 0.0001, trailing zeros dropped, never in exponent form."""
    expected = tidy(Decimal(yuan) * Decimal("0.0001"))
    got = yuan_to_wan(yuan)
    assert got == expected and str(got) == str(expected) and "E" not in str(got)
