"""Finding the table in the layouts townships use, and mapping its columns."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from desk.exchange.sheets.load import load_table
from desk.exchange.sheets.mapping import detect_kind, suggest
from desk.exchange.sheets.table import title_month
from tests.conftest import DATA
from tests.sheets.books import project_row, simple_book, two_row_book

IMPORT = DATA / "import"


def columns_of(path: Path) -> dict[str, str]:
    table = load_table(path).table
    mapping = suggest(table, detect_kind(table)).mapping
    names = {c.index: c.name for c in table.columns}
    return {names[i]: f for i, f in mapping.fields.items()}


def test_two_row_heading_with_merged_group_cells(tmp_path: Path) -> None:
    path = two_row_book(tmp_path / "t.xlsx", [project_row(n) for n in range(1, 4)])
    table = load_table(path).table
    assert table.header_rows == (3, 4)
    names = [c.name for c in table.columns]
    assert names[:2] == ["序号", "项目名称"]
    assert "投资情况/总投资（万元）" in names and "投资情况/累计完成" in names
    assert [r.excel_row for r in table.body] == [5, 6, 7]
    assert table.end == (8, "合计行“合计”")
    assert table.sheet_unit == "万元" and title_month(table) == (2026, 10)
    mapping = columns_of(path)
    assert mapping["项目名称"] == "name" and mapping["建设单位"] == "owner_company"
    assert mapping["投资情况/总投资（万元）"] == "total_investment_wan"
    assert mapping["投资情况/年度计划"] == "year_plan_wan"
    assert mapping["投资情况/本月完成"] == "invested_month_wan"
    assert mapping["投资情况/累计完成"] == "invested_ytd_wan"
    assert mapping["包保领导"] == "leader" and mapping["形象进度"] == "progress"
    assert "序号" not in mapping


def test_two_row_heading_without_merge_information(tmp_path: Path) -> None:
    # Files from some systems carry no merged ranges: the group cell stands alone.
    path = two_row_book(tmp_path / "t.xlsx", [project_row(1)], merges=False)
    table = load_table(path).table
    assert table.header_rows == (3, 4)
    assert "投资情况/本月完成" in [c.name for c in table.columns]
    assert columns_of(path)["投资情况/累计完成"] == "invested_ytd_wan"


def test_one_row_heading_with_notes_above_and_blank_rows_inside(tmp_path: Path) -> None:
    path = simple_book(
        tmp_path / "t.xlsx",
        ["项目名", "业主单位", "计划总投资（亿元）", "工程进度", "包联领导", "计划开工时间"],
        [["物流园", "鑫达物流", 1.2, "主体施工", "王建国", "2026.5"], [], ["冷链仓储", "德润", 0.3, "", "", ""]],
        above=[["海州区重点项目清单"], ["注：按投资额排序"], []],
    )
    table = load_table(path).table
    assert table.header_rows == (4,)
    assert [r.excel_row for r in table.body] == [5, 7]
    mapping = columns_of(path)
    assert mapping == {"项目名": "name", "业主单位": "owner_company", "计划总投资（亿元）": "total_investment_wan",
                       "工程进度": "progress", "包联领导": "leader", "计划开工时间": "planned_start"}
    assert table.columns[2].unit == "亿元"


def test_column_numbers_sections_leading_total_and_signature(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "项目名称", "建设单位", "总投资", "项目阶段"])
    ws.append(["甲", "乙", 1, 2, 3])
    ws.append(["合计", None, None, 9000, None])
    ws.append(["一、新开工项目"])
    ws.merge_cells("A4:E4")
    ws.append([1, "物流园", "鑫达", 5000, "新开工"])
    ws.append(["（二）续建项目"])
    ws.append([2, "钒钛新材料", "恒通", 4000, "续建"])
    ws.append(["小计", None, None, 4000])
    ws.append([3, "食用菌产业园", "合作社", 500, "在建"])
    ws.append(["填报人：张三", None, "联系电话：0418-1234567"])
    ws.append([4, "不该读到的项目", "某公司", 1, "在建"])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    table = load_table(path).table
    assert [r.excel_row for r in table.body] == [5, 7, 9]
    assert [why for _, why in table.skipped] == ["列序号行", "合计行“合计”", "分组标题“一、新开工项目”",
                                                 "分组标题“（二）续建项目”", "小计行“小计”"]
    assert table.end == (10, "落款或说明“填报人：张三”")


def test_vertically_merged_unit_cells_fill_every_row(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["所属乡镇", "项目名称", "总投资（万元）"])
    ws.append(["韩家店镇", "物流园", 5000])
    ws.append([None, "冷链仓储", 3000])
    ws.merge_cells("A2:A3")
    path = tmp_path / "t.xlsx"
    wb.save(path)
    table = load_table(path).table
    assert [r.cells[0] for r in table.body] == ["韩家店镇", "韩家店镇"]
    assert table.body[1].merged_from == {0: 2}


def test_the_likeliest_sheet_is_chosen_and_hidden_sheets_are_marked(tmp_path: Path) -> None:
    path = two_row_book(tmp_path / "t.xlsx", [project_row(1)], extra_sheets=[("填表说明", False), ("旧表", True)])
    wb = openpyxl.load_workbook(path)
    wb.move_sheet("填表说明", offset=-1)
    wb.save(path)
    loaded = load_table(path)
    assert loaded.sheet == "项目台账"
    labels = [s.label for s in loaded.sheets]
    assert labels[0] == "填表说明（1 行 × 1 列）" and "旧表（1 行 × 1 列，隐藏）" in labels
    assert load_table(path, "项目台账").table.header_rows == (3, 4)


def test_leads_sheet_is_recognised() -> None:
    table = load_table(IMPORT / "招商线索.xlsx").table
    assert detect_kind(table) == "leads"
    mapping = suggest(table, "leads").mapping
    names = {c.index: c.name for c in table.columns}
    assert {names[i]: f for i, f in mapping.fields.items()} == {
        "拜访时间": "visit_date", "客商姓名": "person_name", "单位名称": "company", "职务": "position",
        "联系方式": "phone", "地址": "address", "经营范围": "business_scope", "状态": "state"}


def test_the_same_table_from_xlsx_xls_and_ods() -> None:
    tables = {ext: load_table(IMPORT / f"韩家店镇重点项目调度表.{ext}") for ext in ("xlsx", "xls", "ods")}
    assert {t.kind for t in tables.values()} == {"xlsx", "xls", "ods"}
    first = tables["xlsx"].table
    for loaded in tables.values():
        table = loaded.table
        assert table.header_rows == first.header_rows
        assert [c.name for c in table.columns] == [c.name for c in first.columns]
        assert [r.excel_row for r in table.body] == [5, 6, 7, 8]
        assert table.body[0].cells[10] == date(2025, 4, 18)


def test_the_1904_date_system_in_xlsx_and_xls(tmp_path: Path) -> None:
    from desk.exchange.sheets.plan import Existing, build_plan

    xlsx = two_row_book(tmp_path / "mac.xlsx", [project_row(1, start=41746), project_row(2, start=date(2018, 4, 18))],
                        epoch_1904=True)
    for path in (xlsx, IMPORT / "1904日期.xls"):
        table = load_table(path).table
        assert table.date1904
        mapping = suggest(table, "projects").mapping
        mapping.month = "2026-10"
        plan = build_plan(table, mapping, Existing(default_unit_id=2, units={1: "海州区", 2: "韩家店镇"}))
        assert not plan.errors
        assert [r.record.start_date for r in plan.rows] == [date(2018, 4, 18), date(2018, 4, 18)]
