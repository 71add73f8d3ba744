"""Reading what a clerk pastes from Excel/WPS, and how a month's totals follow (no Qt)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from desk.core import monthly
from desk.core.glossary import Stage
from desk.core.models import Project, ProjectMonth
from desk.ui.projects.grid_columns import (
    COLUMN_INDEX,
    GRID_COLUMNS,
    CellError,
    check_shape,
    parse_block,
    read_cell,
)


def col(key: str):  # type: ignore[no-untyped-def]
    return GRID_COLUMNS[COLUMN_INDEX[key]]


def test_excel_block_with_crlf_quotes_and_trailing_newline() -> None:
    text = '120\t"主体施工，\n基础完成"\t√\r\n"说""好""的"\t\t\r\n'
    assert parse_block(text) == [["120", "主体施工，\n基础完成", "√"], ['说"好"的', "", ""]]


def test_single_cell_and_single_column_with_blank_cells() -> None:
    assert parse_block("５０") == [["５０"]]
    assert parse_block("1\n\n3\n") == [["1"], [""], ["3"]]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["1", "2"], [""], ["3", "4"]], "第 2 行是空行"),
        ([["1", "2"], ["3"]], "第 2 行有 1 列，第 1 行有 2 列"),
        ([["1", "2", "3", "4"]], "粘贴的内容有 4 列，从“形象进度”列起只有 3 列可以填写"),
        ([], "没有可以粘贴的内容"),
    ],
)
def test_shapes_that_are_refused(rows: list[list[str]], message: str) -> None:
    with pytest.raises(CellError, match=message):
        check_shape(rows, 3, "形象进度")


@pytest.mark.parametrize(
    ("text", "value"),
    [("１２３", Decimal(123)), ("1,234.5", Decimal("1234.5")), ("1.2亿", Decimal(12000)), ("300万", Decimal(300)),
     ("50000元", Decimal(5)), ("", Decimal(0)), (" 88 ", Decimal(88))],
)
def test_amounts_are_normalised_where_unambiguous(text: str, value: Decimal) -> None:
    assert read_cell(col("invested_month_wan"), text) == value


@pytest.mark.parametrize("text", ["abc", "十万", "1.2.3", "-5", "12美元", "1,23"])
def test_text_in_an_amount_column_is_refused(text: str) -> None:
    with pytest.raises(CellError):
        read_cell(col("invested_month_wan"), text)


def test_ticks_and_stages() -> None:
    tick = col("in_statistics")
    assert [read_cell(tick, t) for t in ("√", "是", "１", "", "否", "×")] == [True, True, True, False, False, False]
    with pytest.raises(CellError, match="不是“是/否”"):
        read_cell(tick, "可能")
    assert read_cell(col("stage"), "在建") is Stage.CONSTRUCTION
    assert read_cell(col("stage"), "construction") is Stage.CONSTRUCTION
    with pytest.raises(CellError, match="不是项目阶段"):
        read_cell(col("stage"), "快完工了")


def test_a_new_month_carries_the_totals_and_the_month_amount_adds_to_them() -> None:
    project = Project("测试", unit_id=1, stage=Stage.CONSTRUCTION, id=7)
    october = ProjectMonth(7, "2026-10", Stage.CONSTRUCTION, Decimal(100), Decimal(900), Decimal(5000))
    november = monthly.new_record(project, "2026-11", october)
    assert (november.invested_month_wan, november.invested_ytd_wan, november.invested_total_wan) == (0, 900, 5000)
    filled = monthly.with_month_amount(november, Decimal(250), october)
    assert (filled.invested_ytd_wan, filled.invested_total_wan) == (1150, 5250)
    corrected = monthly.with_ytd(filled, Decimal(1200), october)
    assert (corrected.invested_month_wan, corrected.invested_total_wan) == (250, 5300)
    january = monthly.with_month_amount(monthly.new_record(project, "2027-01", october), Decimal(40), october)
    assert (january.invested_ytd_wan, january.invested_total_wan) == (40, 5040)  # a new year starts at zero
    first = monthly.with_month_amount(monthly.new_record(project, "2026-03", None), Decimal(10), None)
    assert (first.invested_ytd_wan, first.invested_total_wan) == (10, None)
