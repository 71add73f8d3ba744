"""Bad input found by the import audit: a far cell written inside a near row, and merged
ranges that cover millions of cells. Each is refused in Chinese before it can abort the
process or fill memory, and nothing is written to the ledger."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desk.exchange.sheets.container import MAX_MERGED_CELLS, inspect_file
from desk.exchange.sheets.errors import TooLarge
from desk.exchange.sheets.load import load_table
from desk.exchange.sheets.reader import SheetData
from desk.exchange.sheets.table import _Grid, find_table
from desk.store.ledger import Ledger

SHEET_XML = "xl/worksheets/sheet1.xml"
ROOT = Path(__file__).resolve().parents[2]


def small_book(path: Path) -> Path:
    """项目名称/总投资 and one project: rows 1 and 2, columns A and B."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["项目名称", "总投资"])
    ws.append(["韩家店镇物流园", 100])
    wb.save(path)
    return path


def edit_sheet(source: Path, target: Path, *edits: tuple[bytes, bytes]) -> Path:
    """A copy of ``source`` with its first sheet's XML edited (each edit must apply)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == SHEET_XML:
                for old, new in edits:
                    assert old in data, old
                    data = data.replace(old, new, 1)
            dst.writestr(item.filename, data)
    return target


def new_ledger(tmp_path: Path) -> Path:
    ledger = tmp_path / "台账.desk"
    Ledger.create(ledger, "韩家店镇").close()
    return ledger


def project_count(ledger: Path) -> int:
    conn = sqlite3.connect(ledger)
    try:
        return int(conn.execute("SELECT count(*) FROM projects").fetchone()[0])
    finally:
        conn.close()


def import_in_subprocess(path: Path, ledger: Path, memory_mb: int | None = None) -> subprocess.CompletedProcess[str]:
    """``desk import`` in its own process: a file that aborts calamine (or exhausts memory)
    must fail there, not take the test run down with it."""
    limit = None
    if memory_mb is not None and sys.platform.startswith("linux"):
        import resource

        def limit() -> None:
            size = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (size, size))

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "desk", "import", str(path), "--ledger", str(ledger)],
                          capture_output=True, text=True, timeout=300, check=False, cwd=ROOT, env=env,
                          preexec_fn=limit)


# ------------------------------------------------------------------ far cells
FAR_CELLS = {
    # A value at the last cell of the sheet, written inside row 2 (which is all the rows say).
    "value": b'<c r="XFD1048576" t="n"><v>1</v></c>',
    # An empty inline string is still a cell to calamine.
    "empty_inline": b'<c r="XFD1048576" t="inlineStr"><is><t></t></is></c>',
    # Only the row is far: a dense range of a million rows.
    "far_row": b'<c r="C1048576" t="n"><v>1</v></c>',
}


@pytest.mark.parametrize("cell", FAR_CELLS, ids=list(FAR_CELLS))
def test_a_far_cell_inside_a_near_row_is_refused_before_calamine(cell: str, tmp_path: Path) -> None:
    good = small_book(tmp_path / "good.xlsx")
    path = edit_sheet(good, tmp_path / "远处的单元格.xlsx", (b"</row></sheetData>", FAR_CELLS[cell] + b"</row></sheetData>"))
    assert path.stat().st_size < 10_000
    with zipfile.ZipFile(path) as z:  # the rows claim two rows only
        assert b'<row r="2"' in z.read(SHEET_XML) and b'<row r="1048576"' not in z.read(SHEET_XML)
    facts = inspect_file(path).sheets["台账"]
    assert facts.rows == 1048576
    message = facts.too_big()
    assert message is not None and "工作表“台账”声明的数据范围太大" in message
    assert "实际只有 2 行" in message and "删除多余的行列" in message

    ledger = new_ledger(tmp_path)
    result = import_in_subprocess(path, ledger)
    assert result.returncode == 3, result.stderr[-2000:]
    assert "工作表“台账”声明的数据范围太大" in result.stderr
    assert project_count(ledger) == 0


def test_a_far_dimension_or_empty_far_cell_still_imports(tmp_path: Path) -> None:
    # calamine sizes its range from the cells holding a value, so these are harmless.
    good = small_book(tmp_path / "good.xlsx")
    with zipfile.ZipFile(good) as z:
        dimension = next(part for part in z.read(SHEET_XML).split(b"<") if part.startswith(b"dimension "))
    path = edit_sheet(good, tmp_path / "宽范围.xlsx", (b"<" + dimension, b'<dimension ref="A1:XFD1048576"/'),
                      (b"</row></sheetData>", b'<c r="XFD1048576" s="0"/></row></sheetData>'))
    facts = inspect_file(path).sheets["台账"]
    assert (facts.rows, facts.cols, facts.too_big()) == (2, 2, None)
    table = load_table(path).table
    assert [r.cells[0] for r in table.body] == ["韩家店镇物流园"]


# -------------------------------------------------------------------- merges
def merged_book(path: Path, ranges: int) -> Path:
    """The small book with ``ranges`` merged columns C…, rows 10 to 99,999 (5 KB on disk)."""
    good = small_book(path.with_name("good.xlsx"))
    refs = []
    for n in range(ranges):
        letters = openpyxl.utils.get_column_letter(3 + n)
        refs.append(f'<mergeCell ref="{letters}10:{letters}99999"/>')
    merges = f'<mergeCells count="{ranges}">{"".join(refs)}</mergeCells>'.encode()
    return edit_sheet(good, path, (b"</sheetData>", b"</sheetData>" + merges))


def test_merged_ranges_covering_millions_of_cells_are_refused(tmp_path: Path) -> None:
    path = merged_book(tmp_path / "合并炸弹.xlsx", 200)
    assert path.stat().st_size < 10_000
    facts = inspect_file(path).sheets["台账"]
    message = facts.too_big()
    assert message is not None and "工作表“台账”的合并单元格过多（200 处合并共覆盖 19998000 个单元格" in message
    with pytest.raises(TooLarge, match="合并单元格过多"):
        load_table(path)

    ledger = new_ledger(tmp_path)
    result = import_in_subprocess(path, ledger, memory_mb=2048)
    assert result.returncode == 3, result.stderr[-2000:]
    assert "工作表“台账”的合并单元格过多" in result.stderr
    assert project_count(ledger) == 0


def test_the_table_finder_refuses_merges_that_cover_too_much(tmp_path: Path) -> None:
    # The same limit in the table finder, for .xls (whose merges the pre-check doesn't read).
    rows: list[list[Any]] = [["项目名称", "总投资"], ["韩家店镇物流园", 100.0]]
    huge = [((9, c), (99_998, c)) for c in range(2, 202)]
    with pytest.raises(TooLarge, match="合并单元格过多"):
        find_table(SheetData("台账", rows, huge, frozenset(), False))
    # Overlapping ranges inside the data cover its cells many times over: refused too.
    wide = [["项目名称", "总投资", *([None] * 98)] for _ in range(300)]
    overlapping = [((1, 0), (299, 99))] * 40 + [((1, 0), (200, 99))] * 20
    assert 300 * 100 * 60 < MAX_MERGED_CELLS
    with pytest.raises(TooLarge, match="合并单元格互相重叠"):
        find_table(SheetData("台账", wide, overlapping, frozenset(), False))


def test_merges_reaching_past_the_data_cost_nothing(tmp_path: Path) -> None:
    # 20 columns merged down to row 99,999 under two rows of data: within the limit, and
    # only the cells inside the rows read are resolved.
    path = merged_book(tmp_path / "长合并.xlsx", 20)
    loaded = load_table(path)
    assert [r.cells[0] for r in loaded.table.body] == ["韩家店镇物流园"]
    rows: list[list[Any]] = [["项目名称", "总投资"], ["韩家店镇物流园", 100.0], ["冷链仓储中心", None]]
    merged = [((1, 1), (99_998, 1)), *(((9, c), (99_998, c)) for c in range(2, 22))]
    grid = _Grid(SheetData("台账", rows, merged, frozenset(), False))
    assert grid.origin == {(2, 1): (1, 1)} and grid.row_values(2) == ["冷链仓储中心", 100.0]


def test_an_ordinary_merged_title_and_heading_still_import(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["2026年10月韩家店镇重点项目调度表"])
    ws.merge_cells("A1:E1")
    ws.append(["序号", "项目名称", "投资情况", None, "备注"])
    ws.append([None, None, "总投资（万元）", "年度计划", None])
    for col in "ABE":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("C2:D2")
    ws.append([1, "韩家店镇物流园", 5000, 1000, ""])
    ws.append([2, "冷链仓储中心", 3000, 800, ""])
    path = tmp_path / "标题合并.xlsx"
    wb.save(path)
    table = load_table(path).table
    assert table.header_rows == (2, 3)
    assert [r.cells[1] for r in table.body] == ["韩家店镇物流园", "冷链仓储中心"]


def test_ods_merges_covering_millions_of_cells_are_refused(tmp_path: Path) -> None:
    cells = "".join('<table:table-cell table:number-rows-spanned="99990" table:number-columns-spanned="1"/>'
                    for _ in range(200))
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="台账"><table:table-row>'
        '<table:table-cell office:value-type="string"><text:p>项目名称</text:p></table:table-cell>'
        f"{cells}</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
    )
    path = tmp_path / "合并.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("content.xml", content)
    message = inspect_file(path).sheets["台账"].too_big()
    assert message is not None and "工作表“台账”的合并单元格过多" in message
