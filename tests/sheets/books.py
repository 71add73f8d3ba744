"""Fixture workbooks written with openpyxl, shaped like the sheets townships really keep."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

TWO_ROW_TOP = ["序号", "项目名称", "建设单位", "所属单位", "项目类别", "项目阶段", "投资情况", None, None, None,
               "开工时间", "计划竣工时间", "包保领导", "形象进度", "备注"]
TWO_ROW_SUB = [None, None, None, None, None, None, "总投资（万元）", "年度计划", "本月完成", "累计完成",
               None, None, None, None, None]
# Columns whose heading is merged down both rows (all but the investment group).
SINGLE_COLUMNS = [i for i, sub in enumerate(TWO_ROW_SUB) if sub is None]


def project_row(n: int, name: str | None = None, **over: Any) -> list[Any]:
    row = {
        "seq": n, "name": name or f"韩家店镇第{n}号标准厂房项目", "owner": f"阜新恒通机械制造有限公司{n}",
        "unit": "韩家店镇", "category": "工业", "stage": "续建", "total": 12000 + n, "plan": 3000,
        "month": 120.5, "ytd": 1500, "start": date(2025, 4, 18), "finish": "2027年10月", "leader": "王建国",
        "progress": "主体结构施工中", "note": "",
    }
    row.update(over)
    return list(row.values())


def two_row_book(path: Path, rows: Iterable[Sequence[Any]], *, title: str = "2026年10月韩家店镇重点项目调度表",
                 unit_line: str | None = "单位：万元", totals: bool = True, signature: bool = True,
                 epoch_1904: bool = False, merges: bool = True, sheet: str = "项目台账",
                 extra_sheets: Sequence[tuple[str, bool]] = ()) -> Path:
    """A township's monthly table: title, unit line, two-row heading, body, 合计, 填报人."""
    wb = openpyxl.Workbook()
    if epoch_1904:
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = sheet
    width = len(TWO_ROW_TOP)
    ws.append([title])
    if merges:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.append([unit_line] if unit_line else [])
    ws.append(TWO_ROW_TOP)
    ws.append(TWO_ROW_SUB)
    if merges:
        for col in SINGLE_COLUMNS:
            ws.merge_cells(start_row=3, start_column=col + 1, end_row=4, end_column=col + 1)
        ws.merge_cells(start_row=3, start_column=7, end_row=3, end_column=10)
    count = 0
    for row in rows:
        ws.append(list(row))
        count += 1
    if totals:
        ws.append(["合计", None, None, None, None, None, "=SUM(G5:G9)"])
    if signature:
        ws.append([])
        ws.append(["填报人：张三", None, None, "审核人：李四", None, None, "填报日期：2026年11月5日"])
    for name, hidden in extra_sheets:
        other = wb.create_sheet(name)
        other["A1"] = "说明"
        if hidden:
            other.sheet_state = "hidden"
    wb.save(path)
    return path


def simple_book(path: Path, header: Sequence[Any], rows: Iterable[Sequence[Any]], *, above: Sequence[Sequence[Any]] = (),
                sheet: str = "Sheet1") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for line in above:
        ws.append(list(line))
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path
