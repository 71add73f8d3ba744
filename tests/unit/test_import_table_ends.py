"""Where a clerk's table ends: totals written as phrases (全镇总计, 以上项目共计2个) and
signature or note lines (制表：, 报送人：, 主管领导签字：, 填表说明：) stop the body, so that
they are never planned as projects; projects whose names merely contain such words are kept."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desk.cli import main
from desk.exchange.sheets.load import load_table
from desk.store.ledger import Ledger

NUMBERED = ["序号", "项目名称", "建设单位", "总投资（万元）"]
PLAIN = ["项目名称", "建设单位", "总投资（万元）", "项目阶段"]


def numbered_book(path: Path, tail: list[list[Any]], body: list[list[Any]] | None = None) -> Path:
    """Title, 序号/项目名称/建设单位/总投资, two projects, ``tail``, then a project that must not be read."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ws.append(["2026年10月韩家店镇重点项目调度表"])
    ws.append(NUMBERED)
    for row in body or [[1, "韩家店镇物流园", "鑫达物流有限公司", 5000], [2, "冷链仓储中心", "德润食品有限公司", 3000]]:
        ws.append(row)
    for row in tail:
        ws.append(row)
    ws.append([9, "不该读到的项目", "某公司", 1])
    wb.save(path)
    return path


def plain_book(path: Path, tail: list[list[Any]], body: list[list[Any]] | None = None) -> Path:
    """The same without a 序号 column (a one-cell row there is not a section heading)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ws.append(PLAIN)
    for row in body or [["韩家店镇物流园", "鑫达物流有限公司", 5000, "在建"], ["冷链仓储中心", "德润食品有限公司", 3000, "续建"]]:
        ws.append(row)
    for row in tail:
        ws.append(row)
    ws.append(["不该读到的项目", "某公司", 1, "在建"])
    wb.save(path)
    return path


def names(path: Path) -> list[Any]:
    table = load_table(path).table
    column = next(c.index for c in table.columns if c.name == "项目名称")
    return [r.cells[column] for r in table.body]


# (the tail rows as in a numbered table, the same in a table without 序号, the word in table.end).
# Forms read correctly before (制表人, 填表人, 审核：, 负责人, 说明：, 备注：) are not repeated here.
ENDS: dict[str, tuple[list[list[Any]], list[list[Any]], str]] = {
    "全镇总计": ([["全镇总计", None, None, 8000]], [["全镇总计", None, 8000]], "合计行“全镇总计”"),
    "全 镇 总 计": ([[None, "全 镇 总 计", None, 8000]], [["全 镇 总 计", None, 8000]], "合计行“全 镇 总 计”"),
    "以上项目共计2个": ([["以上项目共计2个"]], [["以上项目共计2个"]], "合计行“以上项目共计2个”"),
    "共计２个项目（全角）": ([[None, "以上共计２个项目", None, 8000]], [["以上共计２个项目", "", 8000]],
                          "合计行“以上共计２个项目”"),
    "制表：张三": ([["制表：张三"]], [["制表：张三"]], "落款或说明“制表：张三”"),
    "报送人：李四": ([["报送人：李四"]], [["报送人：李四"]], "落款或说明“报送人：李四”"),
    "主管领导签字：": ([["主管领导签字：", None, "王"]], [["主管领导签字：", "王"]], "落款或说明“主管领导签字：”"),
    "审核签字": ([["审核签字："]], [["审核签字："]], "落款或说明“审核签字：”"),
    "签字：": ([["签字："]], [["签字："]], "落款或说明“签字：”"),
    "（盖章）": ([["单位（盖章）：韩家店镇人民政府"]], [["（盖章）"]], "落款或说明“"),
    "填表说明": ([["填表说明："], ["1.金额单位为万元。"]], [["填表说明："], ["1.金额单位为万元。"]],
                 "落款或说明“填表说明：”"),
    "注1：": ([["注1：金额单位万元"]], [["注1：金额单位万元"]], "落款或说明“注1：金额单位万元”"),
    "注：": ([["注：金额单位万元"]], [["注：金额单位万元"]], "落款或说明“注：金额单位万元”"),
    "填报时间": ([["填报时间：2026年11月5日"]], [["填报时间：2026年11月5日"]], "落款或说明“填报时间：2026年11月5日”"),
}


@pytest.mark.parametrize("form", ENDS, ids=list(ENDS))
def test_totals_and_signature_lines_end_the_table(form: str, tmp_path: Path) -> None:
    numbered_tail, plain_tail, why = ENDS[form]
    numbered = numbered_book(tmp_path / "序号.xlsx", numbered_tail)
    assert names(numbered) == ["韩家店镇物流园", "冷链仓储中心"]
    end = load_table(numbered).table.end
    assert end is not None and end[0] == 5 and end[1].startswith(why)
    plain = plain_book(tmp_path / "无序号.xlsx", plain_tail)
    assert names(plain) == ["韩家店镇物流园", "冷链仓储中心"]
    end = load_table(plain).table.end
    assert end is not None and end[0] == 4 and end[1].startswith(why)


@pytest.mark.parametrize("tail", [["报送人：李四"], ["主管领导签字：", None, "王"], ["全镇总计", None, None, 8000],
                                  ["以上项目共计2个"], ["制表：张三"], ["填表说明：1.金额单位为万元"]],
                         ids=["报送人", "主管领导签字", "全镇总计", "共计", "制表", "填表说明"])
def test_the_projects_above_the_end_import_and_nothing_else(tail: list[Any], tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = numbered_book(tmp_path / "调度表.xlsx", [tail])
    ledger = tmp_path / "台账.desk"
    Ledger.create(ledger, "韩家店镇").close()
    code = main(["import", str(path), "--ledger", str(ledger), "--month", "2026-10", "--json"])
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert code == 0, err
    assert (result["rows"], result["created"], result["errors"], result["written"]) == (2, 2, [], True)
    conn = sqlite3.connect(ledger)
    try:
        stored = sorted(name for (name,) in conn.execute("SELECT name FROM projects"))
    finally:
        conn.close()
    assert stored == sorted(["韩家店镇物流园", "冷链仓储中心"])


def test_projects_named_with_such_words_are_kept(tmp_path: Path) -> None:
    body = [
        ["说明书印刷厂", "印刷公司", 800, "在建"],
        ["合计量仪表厂扩建", "仪表公司", 900, "在建"],
        ["审核中心建设项目", "政务中心", 700, "新开工"],
        ["主管部门办公楼", "镇政府", 600, "续建"],
        ["签字笔生产线", "文具公司", 500, "在建"],
        ["污水处理厂（共计3个子项目）", "水务公司", 400, "在建"],
        ["备注：见附件的光伏项目", "能源公司", 300, "在建"],
        ["总计划投资调整项目", "某公司", 200, "续建"],
    ]
    path = plain_book(tmp_path / "名字.xlsx", [["合计", None, 4400]], body)
    assert names(path) == [row[0] for row in body]
    numbered = numbered_book(tmp_path / "序号名字.xlsx", [["合计", None, None, 4400]],
                             [[n, row[0], row[1], row[2]] for n, row in enumerate(body, 1)]
                             + [[9, "全镇总计划项目", "某公司", 100], [10, "以上项目共计2个", "某公司", 100]])
    assert names(numbered) == [row[0] for row in body] + ["全镇总计划项目", "以上项目共计2个"]


def test_a_remark_alone_under_the_remarks_column_does_not_end_the_table(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "建设单位", "总投资（万元）", "备注"])
    ws.append(["韩家店镇物流园", "鑫达物流", 5000, ""])
    ws.append([None, None, None, "说明：二期另行立项"])
    ws.append(["冷链仓储中心", "德润食品", 3000, ""])
    path = tmp_path / "备注.xlsx"
    wb.save(path)
    table = load_table(path).table
    assert [r.cells[0] for r in table.body if r.cells[0]] == ["韩家店镇物流园", "冷链仓储中心"]
    assert table.end is None


def test_section_subtotals_are_skipped_and_the_table_goes_on(tmp_path: Path) -> None:
    body: list[list[Any]] = [[1, "韩家店镇物流园", "鑫达物流有限公司", 5000], [None, "新开工项目小计", None, 5000],
            [2, "冷链仓储中心", "德润食品有限公司", 3000], ["续建项目 小计", None, None, 3000],
            [3, "食用菌产业园", "合作社", 500]]
    path = numbered_book(tmp_path / "小计.xlsx", [["全镇总计", None, None, 8500]], body)
    table = load_table(path).table
    assert [r.cells[1] for r in table.body] == ["韩家店镇物流园", "冷链仓储中心", "食用菌产业园"]
    assert [why for _, why in table.skipped] == ["小计行“新开工项目小计”", "小计行“续建项目 小计”"]
    assert table.end == (8, "合计行“全镇总计”")


def test_a_totals_phrase_above_the_projects_is_skipped(tmp_path: Path) -> None:
    body: list[list[Any]] = [["全镇总计", None, None, 8000], [1, "韩家店镇物流园", "鑫达物流有限公司", 5000],
            [2, "冷链仓储中心", "德润食品有限公司", 3000]]
    path = numbered_book(tmp_path / "合计在前.xlsx", [["制表：张三"]], body)
    table = load_table(path).table
    assert [r.cells[1] for r in table.body] == ["韩家店镇物流园", "冷链仓储中心"]
    assert table.skipped == [(3, "合计行“全镇总计”")]
    assert table.end == (6, "落款或说明“制表：张三”")
