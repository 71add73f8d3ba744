"""Bad input: a clear Chinese message, no crash, nothing written, memory kept bounded."""

from __future__ import annotations

import io
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from desk.cli import main
from desk.exchange.sheets.errors import PasswordProtected, SheetFileError, TooLarge
from desk.exchange.sheets.load import load_table
from desk.store.ledger import Ledger
from tests.conftest import DATA
from tests.sheets.books import project_row, two_row_book

IMPORT = DATA / "import"


def refused(path: Path, *, kind: type[Exception] = SheetFileError) -> str:
    with pytest.raises(kind) as caught:
        load_table(path)
    return str(caught.value)


def rezip(source: Path, target: Path, replace: dict[str, bytes] | None = None,
          add: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = (replace or {}).get(item.filename, src.read(item.filename))
            dst.writestr(item.filename, data)
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return target


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return two_row_book(tmp_path / "good.xlsx", [project_row(1), project_row(2)])


def test_files_that_are_not_spreadsheets(tmp_path: Path) -> None:
    pdf = tmp_path / "台账.xlsx"
    pdf.write_bytes(b"%PDF-1.7\n" + b"\x00" * 200)
    assert "不是表格文件（看起来是PDF 文件）" in refused(pdf)
    html = tmp_path / "系统导出.xls"
    html.write_text("<html><body><table><tr><td>项目名称</td></tr></table></body></html>", encoding="utf-8")
    assert "实际是网页（HTML）格式" in refused(html)
    csv = tmp_path / "台账.xls"
    csv.write_text("项目名称,总投资\n物流园,500\n", encoding="gb18030")
    assert "纯文本（CSV 或 TXT）" in refused(csv)
    docx = tmp_path / "说明.xlsx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    assert "是 Word 文档" in refused(docx)
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    assert "文件是空的" in refused(empty)
    assert "文件不存在" in refused(tmp_path / "没有这个文件.xlsx")


def test_a_renamed_spreadsheet_still_opens(good: Path, tmp_path: Path) -> None:
    renamed = shutil.copy(good, tmp_path / "其实是xlsx.xls")
    assert load_table(renamed).kind == "xlsx"
    renamed_xls = shutil.copy(IMPORT / "韩家店镇重点项目调度表.xls", tmp_path / "其实是xls.xlsx")
    assert load_table(renamed_xls).kind == "xls"


def test_truncated_files(good: Path, tmp_path: Path) -> None:
    data = good.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    assert "不完整或已损坏" in refused(cut)
    xls = (IMPORT / "韩家店镇重点项目调度表.xls").read_bytes()
    cut_xls = tmp_path / "cut.xls"
    cut_xls.write_bytes(xls[:1500])
    assert "损坏" in refused(cut_xls)


def test_password_protected_workbook() -> None:
    assert "设置了打开密码" in refused(IMPORT / "有密码.xlsx", kind=PasswordProtected)


def test_zip_bomb_is_refused_from_the_directory(good: Path, tmp_path: Path) -> None:
    bomb = rezip(good, tmp_path / "bomb.xlsx", add={"xl/media/zeros.bin": b"\0" * (8 * 1024 * 1024)})
    with zipfile.ZipFile(bomb) as z:
        info = z.getinfo("xl/media/zeros.bin")
        assert info.file_size / info.compress_size > 200
    assert "压缩炸弹" in refused(bomb, kind=TooLarge)


def test_a_lying_zip_directory_is_caught(good: Path, tmp_path: Path) -> None:
    # The directory says 400 bytes; the data inflates to 5 MB. Reading stops at the declared size.
    member = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(good) as z:
        sheet = z.read(member)
    padded = sheet.replace(b"</worksheet>", b"<!--" + b" " * 5_000_000 + b"--></worksheet>")
    liar = rezip(good, tmp_path / "liar.xlsx", replace={member: padded})
    data = bytearray(liar.read_bytes())
    size = len(padded).to_bytes(4, "little")
    fake = (400).to_bytes(4, "little")
    data = data.replace(size, fake)  # the local header and the central directory
    liar.write_bytes(bytes(data))
    message = refused(liar)
    assert "损坏" in message or "开头异常" in message


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&lol3;</t></si></sst>"""


def test_xml_entity_attacks_are_refused(good: Path, tmp_path: Path) -> None:
    laughs = rezip(good, tmp_path / "laughs.xlsx", add={"xl/sharedStrings.xml": BILLION_LAUGHS})
    assert "XML 实体声明" in refused(laughs)
    external = BILLION_LAUGHS.replace(b'<!ENTITY lol "lol">', b'<!ENTITY lol SYSTEM "file:///etc/passwd">')
    with zipfile.ZipFile(good) as z:
        workbook = z.read("xl/workbook.xml")
    xxe = rezip(good, tmp_path / "xxe.xlsx", replace={"xl/workbook.xml": external[:external.index(b"<sst")]
                                                       + workbook[workbook.index(b"<workbook"):]})
    assert "XML 实体声明" in refused(xxe)


def test_too_many_rows_is_refused_before_loading(tmp_path: Path) -> None:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(["项目名称", "总投资"])
    for n in range(100_000):
        ws.append([f"项目{n}", n])
    path = tmp_path / "十万行.xlsx"
    wb.save(path)
    assert "有 100001 行，超过一次导入的上限 50000 行" in refused(path, kind=TooLarge)


def test_a_far_away_cell_cannot_exhaust_memory(tmp_path: Path) -> None:
    # calamine would allocate 1,048,576 × 16,384 cells (and abort the process) for this 5 KB file.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "项目名称"
    ws["XFD1048576"] = "x"
    path = tmp_path / "远处的单元格.xlsx"
    wb.save(path)
    ledger = tmp_path / "l.desk"
    Ledger.create(ledger, "韩家店镇").close()
    result = subprocess.run([sys.executable, "-m", "desk", "import", str(path), "--ledger", str(ledger)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 3, result.stderr
    assert "超过一次导入的上限" in result.stderr or "数据范围太大" in result.stderr


def test_formulas_without_saved_results_are_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [project_row(1), project_row(2, total="=G5*2")]  # openpyxl saves no result for a formula
    path = two_row_book(tmp_path / "公式.xlsx", rows)
    ledger = tmp_path / "l.desk"
    Ledger.create(ledger, "韩家店镇").close()
    assert main(["import", str(path), "--ledger", str(ledger)]) == 3
    err = capsys.readouterr().err
    assert "第 6 行 G列“投资情况/总投资（万元）”：这是公式，但文件里没有保存计算结果" in err


def test_merged_cells_everywhere(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = two_row_book(tmp_path / "合并.xlsx", [project_row(n) for n in range(1, 9)])
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for row in range(5, 13, 2):  # each project name (and its unit) merged over two rows of figures
        for col in (2, 4):
            ws.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col)
    for row in range(5, 13):  # and the last two columns merged across, row by row
        ws.merge_cells(start_row=row, start_column=14, end_row=row, end_column=15)
    wb.save(path)
    ledger = tmp_path / "l.desk"
    Ledger.create(ledger, "韩家店镇").close()
    before = sqlite3.connect(ledger).execute("SELECT count(*) FROM projects").fetchone()
    assert main(["import", str(path), "--ledger", str(ledger)]) == 3
    err = capsys.readouterr().err
    assert "第 6 行 B列“项目名称”：这个单元格与第 5 行合并在一起，分不清属于哪一行" in err
    assert sqlite3.connect(ledger).execute("SELECT count(*) FROM projects").fetchone() == before


def test_merged_blocks_all_over_the_sheet_do_not_crash(tmp_path: Path) -> None:
    path = two_row_book(tmp_path / "乱合并.xlsx", [project_row(n) for n in range(1, 30)])
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for row in range(1, 34, 3):
        for col in range(1, 15, 3):
            try:
                ws.merge_cells(start_row=row, start_column=col, end_row=row + 2, end_column=col + 2)
            except ValueError:
                continue
    wb.save(path)
    try:
        load_table(path)
    except SheetFileError as exc:
        assert exc.message  # a clear refusal is fine; a crash is not


def test_a_sheet_without_a_heading(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    for n in range(5):
        ws.append([n, n * 2.5])
    path = tmp_path / "数字.xlsx"
    wb.save(path)
    assert "找不到表头" in refused(path)


def test_stream_of_an_xlsx_in_memory_is_not_needed(good: Path) -> None:
    # The checks read the zip directory and members with bounded reads; the file handle closes.
    loaded = load_table(good)
    assert loaded.table.body and io.BytesIO(good.read_bytes()).getbuffer().nbytes == good.stat().st_size


def test_a_sheet_too_big_to_measure_is_refused_when_chosen(good: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desk.exchange.sheets import container

    monkeypatch.setattr(container, "MAX_SHEET_XML_BYTES", 100)
    message = refused(good, kind=TooLarge)
    assert "的数据量太大" in message


@pytest.mark.parametrize("name", ["韩家店镇重点项目调度表.xlsx", "韩家店镇重点项目调度表.xls",
                                  "韩家店镇重点项目调度表.ods", "招商线索.xlsx"])
def test_damaged_bytes_give_a_message_never_a_crash(name: str, tmp_path: Path) -> None:
    """Flip random bytes of a good file: it either still reads, or is refused in Chinese.
    (This found zlib errors, bad zip directories, a truncated BIFF record and a panic in calamine.)"""
    import random

    from desk.core.errors import DeskError
    from desk.exchange.sheets.mapping import detect_kind, suggest
    from desk.exchange.sheets.plan import Existing, build_plan

    data = (IMPORT / name).read_bytes()
    target = tmp_path / f"damaged{Path(name).suffix}"
    outcomes = {"read": 0, "refused": 0}
    for seed in range(40):
        rng = random.Random(seed)
        damaged = bytearray(data)
        for _ in range(rng.choice([1, 4, 16, 64])):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        target.write_bytes(bytes(damaged))
        try:
            table = load_table(target).table
        except DeskError as exc:
            assert exc.message and "Traceback" not in exc.message
            outcomes["refused"] += 1
            continue
        mapping = suggest(table, detect_kind(table)).mapping
        mapping.month = "2026-10"
        build_plan(table, mapping, Existing(default_unit_id=1, units={1: "韩家店镇"}))
        outcomes["read"] += 1
    assert outcomes["refused"] > 0
