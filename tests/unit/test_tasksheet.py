"""Task sheets and the breakdown table: what the clerk reads in the workbook and the PDF, and
what the command line does."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from desk.cli import main
from desk.core.glossary import Metric
from desk.core.progress import format_percent
from desk.core.splits import parse_split
from desk.exchange.form_html import book_html
from desk.exchange.tasksheet import breakdown_book, unit_sheet_book, write_breakdown_table, write_unit_sheet
from desk.store.ledger import Ledger
from desk.store.progress import report

POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdftoppm"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
UNIT = "韩家店镇"


def cells(path: Path) -> list[list[object]]:
    ws = openpyxl.load_workbook(path).active
    return [list(row) for row in ws.iter_rows(values_only=True)]


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_unit_sheet_workbook_lists_every_task_split_to_the_unit(demo: Ledger, tmp_path: Path) -> None:
    result = report(demo, 2026)
    unit = demo.units.by_name(UNIT)
    out = write_unit_sheet(demo, result, unit.id, tmp_path / "任务单.xlsx")  # type: ignore[arg-type]
    rows = cells(out)
    assert rows[0][0] == "韩家店镇2026年招商引资及项目建设工作任务单"
    header = [c for c in rows[2] if c]
    assert header[:6] == ["序号", "任务名称与主要内容", "本单位目标", "完成时限", "责任单位", "配合单位"]
    assert "完成情况（截至10月31日）" in header and rows[3][-3:] == ["完成", "完成率", "进度"]
    data = [r for r in rows if isinstance(r[0], int)]
    assert len(data) == 8  # every demo task is split to 韩家店镇
    sections = [r[0] for r in rows if isinstance(r[0], str) and re.match(r"^[一二]、", r[0])]
    assert sections == ["一、招商引资工作任务4项", "二、项目建设工作任务4项"]
    # Each line carries the unit's own figures from the report.
    by_name = {r[1].split("\n")[0]: r for r in data}  # type: ignore[union-attr]
    for progress in result.tasks:
        row = progress.row_for(unit.id)  # type: ignore[arg-type]
        line = by_name[progress.task.name]
        assert line[2] == progress.show(row.planned)  # type: ignore[union-attr]
        assert line[3] == progress.task.deadline_text and line[4] == progress.task.lead_units
        expected_ratio = None if row.ratio is None else float(row.ratio)  # type: ignore[union-attr]
        assert line[7] == expected_ratio and line[8] == row.light.label  # type: ignore[union-attr]
    starts = next(p for p in result.tasks if p.task.metric == Metric.NEW_STARTS)
    assert by_name[starts.task.name][6] == "1项"  # counted by hand in test_task_progress
    signature = [c for c in rows[-1] if c]
    assert signature == ["责任单位（盖章）：", "单位负责人（签字）：", "经办人：", "签收日期："]


@needs_poppler
def test_unit_sheet_pdf_text_font_and_page(demo: Ledger, tmp_path: Path) -> None:
    result = report(demo, 2026)
    unit = demo.units.by_name(UNIT)
    out = write_unit_sheet(demo, result, unit.id, tmp_path / "任务单.pdf")  # type: ignore[arg-type]
    text = pdf_text(out)
    assert "韩家店镇2026年招商引资及项目建设工作任务单" in text
    assert "下达单位：海州区" in text
    for progress in result.tasks:
        assert progress.task.name in text
    funds = next(p for p in result.tasks if p.task.metric == Metric.DOMESTIC_FUNDS)
    row = funds.row_for(unit.id)  # type: ignore[arg-type]
    assert row is not None
    line = rf"8亿元\s+12月底\s+各镇街\s+区直相关部门\s+{re.escape(funds.show(row.actual))}\s+" \
           rf"{re.escape(format_percent(row.ratio))}\s+{row.light.label}"
    assert re.search(line, text), line
    assert "单位负责人（签字）：" in text and "签收日期：" in text and "第1页共1页" in text.replace(" ", "")
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYi" in fonts and all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # embedded
    # Look at the page: A4 landscape, with ink on it (not blank), rendered by poppler.
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(out), str(tmp_path / "page")],
                   check=True)
    from PySide6.QtGui import QImage

    image = QImage(str(tmp_path / "page-1.png"))
    assert image.width() > image.height()  # landscape
    dark = sum(1 for y in range(0, image.height(), 4) for x in range(0, image.width(), 4)
               if image.pixelColor(x, y).lightness() < 128)
    assert dark > 200


def test_a_unit_without_tasks_gets_a_clear_message(demo: Ledger, tmp_path: Path) -> None:
    from desk.core.errors import DeskError

    result = report(demo, 2026)
    department = demo.units.by_name("区发改局")
    with pytest.raises(DeskError, match="2026年没有分解给“区发改局”的任务"):
        write_unit_sheet(demo, result, department.id, tmp_path / "x.pdf")  # type: ignore[arg-type]
    with pytest.raises(DeskError, match=r"输出文件应为 \.pdf 或 \.xlsx"):
        write_unit_sheet(demo, result, demo.units.by_name(UNIT).id, tmp_path / "x.docx")  # type: ignore[arg-type]
    assert not (tmp_path / "x.pdf").exists()


def test_breakdown_table_reads_like_annex_1(demo: Ledger, tmp_path: Path) -> None:
    result = report(demo, 2026)
    out = write_breakdown_table(demo, result, tmp_path / "分解表.xlsx")
    rows = cells(out)
    assert rows[0][0] == "海州区2026年招商引资及项目建设工作任务分解表"
    assert [c for c in rows[1 if rows[1][0] == "序号" else 2] if c] == [
        "序号", "任务名称与主要内容", "2026年计划任务分解指标", "完成时限", "责任单位", "配合单位"]
    data = [r for r in rows if isinstance(r[0], int)]
    assert [r[0] for r in data] == [1, 2, 3, 4, 1, 2, 3, 4]  # numbered within each section, as in the annex
    starts = next(r for r in data if str(r[1]).startswith("新开工亿元以上产业项目"))
    assert starts[2] == "韩家店镇4项，西山街道3项，和平街道3项，站前街道2项，新兴街道2项，五龙街道2项，东梁街道1项。"
    # The split column reads back into the same plan.
    split = parse_split(str(starts[2]), [u.name for u in demo.units.all()])
    assert [(line.unit, line.planned) for line in split.lines][:2] == [("韩家店镇", Decimal(4)), ("西山街道", Decimal(3))]
    with_progress = write_breakdown_table(demo, result, tmp_path / "分解表含完成.xlsx", with_progress=True)
    rows = cells(with_progress)
    starts = next(r for r in rows if isinstance(r[0], int) and str(r[1]).startswith("新开工亿元以上产业项目"))
    progress = str(starts[6])
    per_unit = re.findall(r"(韩家店镇|西山街道|和平街道|站前街道|新兴街道|五龙街道|东梁街道)(\d+)项，", progress)
    assert [name for name, _ in per_unit] == ["韩家店镇", "西山街道", "和平街道", "站前街道", "新兴街道", "五龙街道",
                                              "东梁街道"]
    total = sum(int(n) for _, n in per_unit)
    assert progress.endswith(f"合计{total}项，完成率{format_percent(Decimal(total) / Decimal(17))}。")


def test_the_printed_form_holds_the_same_content(demo: Ledger) -> None:
    result = report(demo, 2026)
    book = unit_sheet_book(demo, result, demo.units.by_name(UNIT).id)  # type: ignore[arg-type]
    html = book_html(book)
    form = book.forms[0]
    assert form.title in html and "<thead>" in html
    for _kind, row in form.tables[0].rendered_rows():
        for value in row:
            if isinstance(value, str) and value:
                assert value.split("\n")[0] in html
    assert "签收日期：" in html
    assert "任务分解表" in book_html(breakdown_book(demo, result))


# ------------------------------------------------------------------ command line
def test_cli_sheet_and_table(demo_path: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "sheet.xlsx"
    assert main(["tasks", "sheet", "--ledger", str(demo_path), "--unit", UNIT, "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert cells(out)[0][0] == "韩家店镇2026年招商引资及项目建设工作任务单"
    assert main(["tasks", "table", "--ledger", str(demo_path), "--out", str(tmp_path / "t.pdf"), "--progress"]) == 0
    assert (tmp_path / "t.pdf").read_bytes().startswith(b"%PDF")
    assert main(["tasks", "sheet", "--ledger", str(demo_path), "--unit", "不存在镇", "--out", str(out)]) == 4
    assert "找不到单位“不存在镇”" in capsys.readouterr().err
    assert main(["tasks", "sheet", "--ledger", str(demo_path), "--unit", UNIT, "--out", str(tmp_path / "a.txt")]) == 1
    assert "输出文件应为 .pdf 或 .xlsx" in capsys.readouterr().err


def test_cli_progress_json(demo_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["tasks", "progress", "--ledger", str(demo_path), "--unit", UNIT, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["through"] == "2026-10" and data["as_of"] == "2026-10-31"
    starts = next(t for t in data["tasks"] if t["metric"] == "new_starts")
    assert starts["rows"] == [{**starts["rows"][0], "unit": UNIT, "planned": 4, "actual": 1, "ratio": 0.25,
                               "light": "red", "light_label": "明显滞后", "computed": True}]
    assert len(starts["rows"][0]["project_ids"]) == 1
    assert {t["metric"] for t in data["targets"]} == {"new_starts", "completions", "signed_projects", "leader_helped"}
    assert main(["tasks", "progress", "--ledger", str(demo_path), "--month", "2026-03"]) == 0
    assert "统计截至 3月31日" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exited:
        main(["tasks", "progress", "--ledger", str(demo_path), "--month", "2026-13"])
    assert exited.value.code == 2 and "月份不对：2026-13" in capsys.readouterr().err


def test_cli_problems(demo_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["tasks", "problems", "--ledger", str(demo_path), "--overdue", "--json"]) == 0
    overdue = json.loads(capsys.readouterr().out)
    assert len(overdue) == 7 and all(p["overdue"] and p["due_label"].startswith("已超时") for p in overdue)
    assert main(["tasks", "problems", "--ledger", str(demo_path)]) == 0
    assert capsys.readouterr().out.strip().endswith("个问题")
