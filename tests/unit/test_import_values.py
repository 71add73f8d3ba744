"""Reading clerks' dates, amounts and words exactly — or refusing, never guessing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk.core.dates import DateError, parse_date
from desk.core.glossary import Category, ConstructionKind, LeadState, Stage
from desk.core.synonyms import lookup, parse_yes_no
from desk.exchange.sheets.fields import header_key, header_unit, spec
from desk.exchange.sheets.values import CellError, read_cell, reader_for


@pytest.mark.parametrize(("value", "expected"), [
    ("2018-04-18", date(2018, 4, 18)),
    ("2018/4/18", date(2018, 4, 18)),
    ("2018.4.18", date(2018, 4, 18)),
    ("2018年4月18日", date(2018, 4, 18)),
    ("２０１８年４月１８日", date(2018, 4, 18)),
    ("20180418", date(2018, 4, 18)),
    ("2018.4", date(2018, 4, 1)),
    ("2018.10", date(2018, 10, 1)),
    ("2018.1", date(2018, 1, 1)),  # text keeps what was typed: January
    ("2018-04", date(2018, 4, 1)),
    ("2018年4月", date(2018, 4, 1)),
    ("2018年4月份", date(2018, 4, 1)),
    (201804, date(2018, 4, 1)),
    (2018.4, date(2018, 4, 1)),
    (2018.12, date(2018, 12, 1)),
    (43208, date(2018, 4, 18)),  # an Excel serial, 1900 system
    (43208.75, date(2018, 4, 18)),
    (datetime(2018, 4, 18, 9, 30), date(2018, 4, 18)),
    ("", None),
    (None, None),
])
def test_dates_as_clerks_write_them(value: object, expected: date | None) -> None:
    assert parse_date(value) == expected


def test_serials_in_the_1904_system() -> None:
    assert parse_date(41746, date1904=True) == date(2018, 4, 18)
    assert parse_date(41746) == date(2014, 4, 17)


@pytest.mark.parametrize(("value", "why"), [
    (2018.1, "分不清"),  # the number 2018.1 may have been typed 2018.10
    (2018, "只有年份"),
    ("2018年", "只有年份"),
    ("2018年上半年", "不是日期"),
    ("4月18日", "不是日期"),
    ("2018-13", "月份 13 不存在"),
    ("2018-02-30", "不存在"),
    (60, "1900年2月29日"),
    (1200, "不合理"),
    ("明年开工", "不是日期"),
])
def test_ambiguous_or_wrong_dates_are_errors(value: object, why: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(value)
    assert why in str(caught.value)


def test_stage_and_category_words_go_to_the_glossary() -> None:
    assert lookup(Stage, "新建") == Stage.NEW_START
    assert lookup(Stage, "新开工") == Stage.NEW_START
    assert lookup(Stage, "续建") == Stage.CONSTRUCTION
    assert lookup(Stage, " 在 建 ") == Stage.CONSTRUCTION
    assert lookup(Stage, "已竣工") == Stage.COMPLETED
    assert lookup(Stage, "construction") == Stage.CONSTRUCTION
    assert lookup(Stage, "在谈") is None
    assert lookup(Category, "文旅") == Category.TOURISM
    assert lookup(Category, "农业") == Category.AGRICULTURAL
    assert lookup(ConstructionKind, "技改") == ConstructionKind.RENOVATION
    assert lookup(LeadState, "在谈") == LeadState.NEGOTIATING
    assert parse_yes_no("√") is True and parse_yes_no("否") is False and parse_yes_no("待定") is None


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (1.5, "亿元", Decimal("15000")),
    ("１．５亿元", None, Decimal("15000")),
    ("1,234.5", "万元", Decimal("1234.5")),
    ("12,345,678", "元", Decimal("1234.5678")),
    (80, "万元", Decimal("80")),
    ("3000万", None, Decimal("3000")),
    ("—", "万元", None),
    ("", "万元", None),
])
def test_amounts_in_their_units(value: object, unit: str | None, expected: Decimal | None) -> None:
    assert read_cell(spec("projects", "total_investment_wan"), value, unit=unit) == expected


@pytest.mark.parametrize(("value", "unit", "why"), [
    ("1,23", "万元", "千分位"),
    ("约5000", "万元", "不是金额"),
    (-5, "万元", "负数"),
    ("5000万美元", "万元", "币种"),
    (True, "万元", "是/否"),
    (date(2018, 1, 1), "万元", "日期"),
])
def test_amounts_that_cannot_be_read(value: object, unit: str, why: str) -> None:
    with pytest.raises(CellError) as caught:
        read_cell(spec("projects", "total_investment_wan"), value, unit=unit)
    assert why in str(caught.value)


def test_foreign_capital_is_read_in_dollars() -> None:
    field = spec("projects", "foreign_funds_wusd")
    assert read_cell(field, 1.2, unit="亿美元") == Decimal("12000")
    with pytest.raises(CellError, match="美元"):
        read_cell(field, 5, unit="万元")


def test_text_is_trimmed_and_enums_say_what_they_accept() -> None:
    assert read_cell(spec("projects", "name"), "  年产5万吨\n钒钛  项目 ") == "年产5万吨 钒钛 项目"
    assert read_cell(spec("leads", "phone"), " 138 0000 1234 ") == "138 0000 1234"
    assert read_cell(spec("projects", "code"), 2026001.0) == "2026001"
    with pytest.raises(CellError, match="储备、签约、前期、新开工、在建"):
        read_cell(spec("projects", "stage"), "快要开工了")


def test_headings_in_comparable_form() -> None:
    assert header_key("总投资（亿元）") == "总投资"
    assert header_key("2026年计划投资(万元)") == "年度计划投资"
    assert header_key("1-10月累计完成投资") == "累计完成投资"
    assert header_unit("总投资（亿元）") == "亿元" and header_unit("实际利用外资（万美元）") == "万美元"
    assert header_unit("项目名称") is None


def _cell_by_cell(read: Any, cells: list[Any]) -> list[Any]:
    found = []
    for raw in cells:
        try:
            found.append(None if raw == "" or raw is None else read(raw))
        except CellError as exc:
            found.append(str(exc))
    return found


@given(st.lists(st.one_of(st.none(), st.just(""), st.integers(0, 99), st.floats(0, 10, allow_nan=False),
                          st.text(alphabet=" \t\n\u3000\xa0ab中文项目", max_size=8),
                          st.text(alphabet="项", min_size=195, max_size=205)), max_size=12))
def test_a_text_column_read_at_once_reads_what_each_cell_reads(cells: list[Any]) -> None:
    read = reader_for(spec("projects", "name"))
    whole = read.column(cells)  # type: ignore[attr-defined]
    one_by_one = _cell_by_cell(read, cells)
    if whole is not None:  # None: some cell is not tidy text, and the column is read cell by cell
        assert whole == one_by_one


def test_a_tidy_text_column_is_read_at_once() -> None:
    read = reader_for(spec("projects", "name"))
    assert read.column([" 甲项目 ", None, "", "乙项目", " "]) == ["甲项目", None, None, "乙项目", None]  # type: ignore[attr-defined]
    assert read.column(["甲  项目"]) is None  # type: ignore[attr-defined]
    assert read.column([12]) is None  # type: ignore[attr-defined]


@given(st.lists(st.one_of(st.none(), st.just(""), st.just(" "), st.booleans(), st.integers(-5, 10**9),
                          st.floats(-1, 1e6), st.sampled_from(["12万", "1,000", "１２３"])), max_size=12),
       st.sampled_from([None, "万元", "元", "亿元"]))
def test_an_amount_column_read_at_once_reads_what_each_cell_reads(cells: list[Any], unit: str | None) -> None:
    read = reader_for(spec("projects", "total_investment_wan"), unit=unit)
    whole = read.column(cells)  # type: ignore[attr-defined]
    if whole is not None:  # None: some cell is not a plain number ≥ 0, read cell by cell
        assert whole == _cell_by_cell(read, cells)
        assert [type(v) for v in whole] == [type(v) for v in _cell_by_cell(read, cells)]


def test_a_column_of_plain_amounts_is_read_at_once() -> None:
    read = reader_for(spec("projects", "total_investment_wan"), unit="万元")
    assert read.column([5000, 1200.5, None, "", 0]) == [Decimal(5000), Decimal("1200.5"), None, None, Decimal(0)]  # type: ignore[attr-defined]
    assert read.column([5000, "12万"]) is None  # type: ignore[attr-defined]
    assert read.column([-1]) is None  # type: ignore[attr-defined]
    assert read.column([True]) is None  # type: ignore[attr-defined]


@pytest.mark.parametrize(("value", "message"), [
    (3_000_000, "“3000000”不是日期（超出了 Excel 日期序号的范围）"),
    ("2958466", "“2958466”不是日期（超出了 Excel 日期序号的范围）"),
    ("99999999999999999999", "“99999999999999999999”不是日期"),
    (1e16, "“10000000000000000”不是日期"),
    (-1e300, "“-1e+300”不是日期"),
    (float("inf"), "“inf”不是日期"),
    (float("nan"), "“nan”不是日期"),
    (Decimal("Infinity"), "“Infinity”不是日期"),
])
def test_numbers_beyond_any_date_are_a_date_error(value: object, message: str) -> None:
    """Not OverflowError (which the forms, catching ValueError, did not expect) and not a
    300-digit number in the message."""
    with pytest.raises(DateError) as caught:
        parse_date(value)
    assert str(caught.value) == message


def test_the_last_excel_date_serial_is_still_a_date_but_out_of_the_ledgers_years() -> None:
    with pytest.raises(DateError, match="按 Excel 日期序号算是 9999-12-31"):
        parse_date(2_958_465)
    with pytest.raises(DateError, match="按 Excel 日期序号算是 9999-12-31"):
        parse_date(2_957_003, date1904=True)  # the same day, counted from 1904


@pytest.mark.parametrize("serial", [2_957_004, 2_958_000, 2_958_465])
def test_in_the_1904_system_the_last_serial_is_1462_days_earlier(serial: int) -> None:
    with pytest.raises(DateError, match="超出了 Excel 日期序号的范围"):  # was OverflowError
        parse_date(serial, date1904=True)
