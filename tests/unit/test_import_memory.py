"""Memory stays bounded for files built to exhaust it, and calamine is not asked to open them.

python-calamine reads every sheet of an .xls or .ods the moment it opens the file, gives each
cell that names a shared string its own copy of it, and reserves whatever an .xls DIMENSIONS
record declares (a failed reservation aborts the whole process, the window with it). Each
case here was found by damaging real files: before the pre-checks, 10 KB files took 24 GB
or killed the interpreter. ``no_calamine`` turns any attempt to open them into a failure."""

from __future__ import annotations

import os
import struct
import zipfile
from pathlib import Path

import pytest

from desk.exchange.sheets import reader
from desk.exchange.sheets.container import MAX_BOOK_CELLS, MAX_SHEET_TEXT_BYTES, inspect_file
from desk.exchange.sheets.errors import SheetFileError, TooLarge
from desk.exchange.sheets.load import load_table
from desk.exchange.sheets.reader import Workbook
from tests.sheets.biff import Book, record


@pytest.fixture
def no_calamine(monkeypatch: pytest.MonkeyPatch) -> None:
    class Refuse:
        @staticmethod
        def from_path(path: str) -> None:
            raise AssertionError(f"calamine was asked to open {path}")

        from_filelike = from_path

    monkeypatch.setattr(reader.calamine, "CalamineWorkbook", Refuse)


def refused(path: Path, kind: type[Exception] = TooLarge) -> str:
    with pytest.raises(kind) as caught:
        load_table(path)
    return str(caught.value)


def small_table(book: Book, name: str = "台账") -> None:
    book.sheet(name).cells = [(0, 0, "项目名称"), (0, 1, "建设单位"), (0, 2, "总投资（万元）"),
                              (1, 0, "钒钛新材料项目"), (1, 1, "恒通新材料有限公司"), (1, 2, 32000.0)]


# ------------------------------------------------------------------------------ .xls
@pytest.mark.parametrize("dimensions", [(0, 0xFFFFFFFF, 0, 0xFFFF), (0, 65536, 0, 256), (5, 2, 0, 3)],
                         ids=["billions", "whole-sheet", "last-before-first"])
def test_an_xls_dimensions_record_declaring_too_much_is_refused_unopened(
        tmp_path: Path, no_calamine: None, dimensions: tuple[int, int, int, int]) -> None:
    book = Book()
    small_table(book)
    book.sheets[0].dimensions = dimensions  # calamine reserves rows × columns for it
    message = refused(book.save(tmp_path / "声明.xls"))
    assert "工作表“台账”声明的数据范围太大" in message
    assert "旧版 .xls 文件打开时会一次读入所有工作表" in message


def test_an_xls_cell_far_away_refuses_the_whole_file_unopened(tmp_path: Path, no_calamine: None) -> None:
    book = Book()
    small_table(book, "封面")
    book.sheet("台账").cells = [(0, 0, "项目名称"), (65535, 255, 1.0)]
    book.sheets[1].dimensions = (0, 1, 0, 1)
    message = refused(book.save(tmp_path / "远处.xls"))
    assert "工作表“台账”的数据范围太大（65536 行 × 256 列）" in message


def test_xls_sheets_each_allowed_but_too_big_together_are_refused(tmp_path: Path, no_calamine: None) -> None:
    book = Book()
    rows = MAX_BOOK_CELLS // 3 // 100 + 10  # three sheets of 100 columns, just over the book's budget
    for n in range(3):
        book.sheet(f"第{n + 1}页").cells = [(0, 0, "项目名称"), (rows - 1, 99, 1.0)]
    message = refused(book.save(tmp_path / "三页.xls"))
    assert "这些工作表加起来太大" in message and "删除不需要的工作表" in message


def test_one_long_shared_string_in_many_xls_cells_is_refused_unopened(tmp_path: Path, no_calamine: None) -> None:
    book = Book()
    text = "长" * 4000  # 12,000 bytes once read; 12,000 cells make 137 MB of copies
    book.sheet("台账").cells = [(row, 0, text) for row in range(12_000)]
    message = refused(book.save(tmp_path / "复制.xls"))
    assert "工作表“台账”里的文字太多" in message
    assert f"上限 {MAX_SHEET_TEXT_BYTES // 1024 // 1024} MB" in message


def test_the_same_long_string_in_a_few_xls_cells_still_reads(tmp_path: Path) -> None:
    book = Book()
    small_table(book)
    book.sheets[0].cells += [(2 + n, 3, "长" * 4000) for n in range(100)]
    with Workbook(book.save(tmp_path / "几处.xls")) as opened:
        rows = opened.read("台账").rows
    assert rows[1][:3] == ["钒钛新材料项目", "恒通新材料有限公司", 32000.0]
    assert rows[101][3] == "长" * 4000


def test_shared_strings_running_on_across_continue_records_are_measured_in_step(tmp_path: Path) -> None:
    """A rich-text string, one split across a CONTINUE record (which restarts with a flags
    byte, here switching from one byte per character to two), then a short one: if the walk
    lost its place, the last string's size would be wrong."""
    rich = struct.pack("<HBH", 2, 0x09, 1) + "甲乙".encode("utf-16-le") + b"\0" * 4  # one formatting run
    split_head = struct.pack("<HB", 6, 0x00) + b"ab"  # 6 characters, the first 2 compressed
    part1 = struct.pack("<II", 3, 3) + rich + split_head
    part2 = b"\x01" + "丙丁戊己".encode("utf-16-le") + struct.pack("<HB", 1, 1) + "尾".encode("utf-16-le")
    book = Book(sst_parts=[part1, part2])
    sheet = book.sheet("台账")
    sheet.dimensions = (0, 3, 0, 1)
    sheet.extra = b"".join(record(0x00FD, struct.pack("<HHHI", row, 0, 0, row)) for row in range(3))
    path = book.save(tmp_path / "续表.xls")
    with Workbook(path) as opened:
        assert [r[0] for r in opened.read("台账").rows] == ["甲乙", "ab丙丁戊己", "尾"]
    assert inspect_file(path).sheets["台账"].text_bytes == 3 * (2 + 6 + 1)


def test_an_xls_sheet_listed_twice_or_placed_past_the_stream_is_damaged(tmp_path: Path, no_calamine: None) -> None:
    twice = Book()
    small_table(twice)
    small_table(twice)
    assert "工作表“台账”重复出现" in refused(twice.save(tmp_path / "重复.xls"), SheetFileError)

    same_place = Book()
    small_table(same_place, "甲")
    small_table(same_place, "乙")
    same_place.workbook_stream()  # collects the shared strings, which the globals hold
    same_place.offsets = {1: len(same_place._globals([0, 0]))}  # 乙 points at 甲's records
    assert "工作表“乙”重复出现" in refused(same_place.save(tmp_path / "同址.xls"), SheetFileError)

    beyond = Book()
    small_table(beyond)
    beyond.offsets = {0: 1 << 24}  # calamine slices the stream there and panics
    assert "位置超出了工作簿数据" in refused(beyond.save(tmp_path / "越界.xls"), SheetFileError)


# ------------------------------------------------------------------------------ .xlsx
def xlsx_with_shared(path: Path, sheets: dict[str, tuple[int, str]], prefix: str = "") -> Path:
    """Sheets of ``cells`` cells (one column) all naming one shared string; ``prefix`` writes
    the tags with a namespace prefix (``x:``), as .NET programs do."""
    p = prefix
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    xmlns = f'xmlns{":" + p[:-1] if p else ""}="{main}"'
    strings = [text for _, text in sheets.values()]
    workbook = (f'<?xml version="1.0" encoding="UTF-8"?><{p}workbook {xmlns} xmlns:r="{rel}"><{p}sheets>'
                + "".join(f'<{p}sheet name="{name}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                          for i, name in enumerate(sheets)) + f"</{p}sheets></{p}workbook>")
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i + 1}" Type="{rel}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
                      for i in range(len(sheets)))
            + f'<Relationship Id="rIdS" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    shared = (f'<?xml version="1.0" encoding="UTF-8"?><{p}sst {xmlns} count="{len(strings)}" '
              f'uniqueCount="{len(strings)}">' + "".join(f"<{p}si><{p}t>{t}</{p}t></{p}si>" for t in strings)
              + f"</{p}sst>")
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
                         'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
                         f'{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        archive.writestr("xl/sharedStrings.xml", shared)
        for i, (cells, _) in enumerate(sheets.values()):
            rows = "".join(f'<{p}row r="{r}"><{p}c r="A{r}" t="s"><{p}v>{i}</{p}v></{p}c></{p}row>'
                           for r in range(1, cells + 1))
            archive.writestr(f"xl/worksheets/sheet{i + 1}.xml", f'<?xml version="1.0" encoding="UTF-8"?>'
                             f"<{p}worksheet {xmlns}><{p}sheetData>{rows}</{p}sheetData></{p}worksheet>")
    return path


@pytest.mark.parametrize("prefix", ["", "x:"])
def test_an_xlsx_sheet_copying_one_long_string_is_refused_and_the_others_still_read(
        tmp_path: Path, prefix: str) -> None:
    path = xlsx_with_shared(tmp_path / "复制.xlsx", {"复制": (10_000, "长" * 5000), "台账": (3, "项目名称")}, prefix)
    with Workbook(path) as opened:
        copied, table = opened.sheets
        assert copied.problem is not None and "工作表“复制”里的文字太多" in copied.problem
        assert table.problem is None
        assert opened.default_sheet().name == "台账"
        assert opened.read("台账").rows == [["项目名称"]] * 3


def test_an_xlsx_sheet_naming_a_long_string_a_few_times_reads(tmp_path: Path) -> None:
    path = xlsx_with_shared(tmp_path / "几处.xlsx", {"台账": (200, "长" * 5000)})
    with Workbook(path) as opened:
        assert opened.sheets[0].problem is None
        assert opened.read("台账").rows[199] == ["长" * 5000]


# ------------------------------------------------------------------------------ .ods
def ods(path: Path, rows_repeated: int, cols_repeated: int, text: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="台账"><table:table-row>'
        '<table:table-cell office:value-type="string"><text:p>项目名称</text:p></table:table-cell>'
        f'</table:table-row><table:table-row table:number-rows-repeated="{rows_repeated}">'
        f'<table:table-cell table:number-columns-repeated="{cols_repeated}" office:value-type="string">'
        f"<text:p>{text}</text:p></table:table-cell></table:table-row></table:table>"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                         'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
                         'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                         "</manifest:manifest>")
    return path


def test_an_ods_cell_repeated_into_gigabytes_of_text_is_refused_unopened(tmp_path: Path, no_calamine: None) -> None:
    path = ods(tmp_path / "重复.ods", 30_000, 10, "长" * 1000)  # a 1 KB file: 300,000 copies of 3 KB
    assert path.stat().st_size < 2048
    message = refused(path)
    assert "工作表“台账”里的文字太多" in message and ".ods 文件打开时会一次读入所有工作表" in message


def test_an_ods_cell_repeated_a_few_times_reads(tmp_path: Path) -> None:
    with Workbook(ods(tmp_path / "几处.ods", 3, 2, "长" * 1000)) as opened:
        rows = opened.read("台账").rows
    assert rows[0][0] == "项目名称" and rows[1:] == [["长" * 1000] * 2] * 3


# ------------------------------------------------------------------------------ panics
def test_calamine_panic_text_does_not_reach_the_console(capfd: pytest.CaptureFixture[str]) -> None:
    """A Rust panic prints to the process's standard error before pyo3 raises it; the clerk
    gets the Chinese message only. Anything else written meanwhile still comes out."""
    class PanicException(BaseException):  # what pyo3 raises, matched by name
        pass

    def panics() -> None:
        os.write(2, b"thread '<unnamed>' panicked at src/xls.rs:1504:17\n")
        raise PanicException("range end index 65295 out of range")

    def speaks() -> int:
        os.write(2, b"a warning from elsewhere\n")
        return 7

    with pytest.raises(SheetFileError, match="“坏.xls”已损坏，无法读取"):
        reader._calamine(panics, "坏.xls")
    assert reader._calamine(speaks, "好.xls") == 7
    err = capfd.readouterr().err
    assert "panicked" not in err
    assert "a warning from elsewhere" in err
