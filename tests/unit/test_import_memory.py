"""Memory stays bounded for files built to exhaust it, and calamine is not asked to open them.

python-calamine reads every sheet of an .xls or .ods the moment it opens the file, gives each
cell that names a shared string its own copy of it, and reserves whatever an .xls DIMENSIONS
record declares (a failed reservation aborts the whole process, the window with it). Each
case here was found by damaging real files: before the pre-checks, 10 KB files took 24 GB
or killed the interpreter. ``no_calamine`` turns any attempt to open them into a failure."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from desk.exchange.sheets import reader
from desk.exchange.sheets.container import MAX_BOOK_CELLS, MAX_SHEET_TEXT_BYTES, inspect_file
from desk.exchange.sheets.errors import SheetFileError, TooLarge
from desk.exchange.sheets.load import load_table
from desk.exchange.sheets.reader import Workbook
from tests.sheets.biff import CODEPAGE, DIMENSIONS, FORMULA, Book, compound_file, record


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
@pytest.mark.parametrize(("dimensions", "then"), [
    ((0, 0xFFFFFFFF, 0, 0xFFFF), None),
    ((5, 2, 0, 3), None),  # the last row before the first: calamine's 32-bit count wraps round
    ((0, 0xFFFFFFFF, 0, 0xFFFF), (0, 2, 0, 3)),  # a sensible record after it: both reserve
], ids=["billions", "last-before-first", "huge-then-small"])
def test_an_xls_dimensions_record_declaring_more_than_a_sheet_is_refused_unopened(
        tmp_path: Path, no_calamine: None, dimensions: tuple[int, int, int, int],
        then: tuple[int, int, int, int] | None) -> None:
    """calamine reserves rows × columns for each DIMENSIONS record; past what a BIFF8 sheet
    holds the reservation fails and aborts the process."""
    book = Book()
    small_table(book)
    book.sheets[0].dimensions = dimensions
    if then is not None:
        book.sheets[0].extra = record(DIMENSIONS, struct.pack("<IIHHH", *then, 0))
    message = refused(book.save(tmp_path / "声明.xls"))
    assert "工作表“台账”声明的数据范围" in message and "比旧版 .xls 的一张工作表所能容纳的还大" in message
    assert "旧版 .xls 文件打开时会一次读入所有工作表" in message


def test_an_xls_declaring_its_whole_sheet_still_reads(tmp_path: Path) -> None:
    """Formatting applied down to row 65,536 across all 256 columns makes Excel declare the
    whole sheet: allowed (calamine's reservation for it is transient)."""
    book = Book()
    small_table(book)
    book.sheets[0].dimensions = (0, 65536, 0, 256)
    with Workbook(book.save(tmp_path / "整表.xls")) as opened:
        assert opened.read("台账").rows[1][0] == "钒钛新材料项目"


def test_xls_substreams_that_overlap_are_damaged(tmp_path: Path, no_calamine: None) -> None:
    """Offsets pointing into one long substream would make the walk (and calamine) read it
    once per sheet."""
    book = Book()
    small_table(book, "甲")
    small_table(book, "乙")
    book.workbook_stream()
    book.offsets = {1: len(book._globals([0, 0])) + 20}  # 乙 starts after 甲's BOF record
    assert "工作表“乙”重复出现或与其他工作表重叠" in refused(book.save(tmp_path / "重叠.xls"), SheetFileError)


def test_an_excel_95_workbook_reads_and_one_in_a_chinese_code_page_is_refused(tmp_path: Path) -> None:
    """BIFF5 names have no flags byte (they were read as BIFF8 and came out empty, so the
    sheets were refused as duplicates); calamine garbles BIFF5 text in code page 936."""
    western = Book(biff5=True)
    for name in ("1", "3", "5"):
        western.sheet(name).cells = [(0, 0, 1.0), (1, 0, 2.0)]
    with Workbook(western.save(tmp_path / "95.xls")) as opened:
        assert [s.label for s in opened.sheets] == ["1（2 行 × 1 列）", "3（2 行 × 1 列）", "5（2 行 × 1 列）"]
        assert opened.read("5").rows == [[1.0], [2.0]]
    chinese = Book(biff5=True, codepage=936)
    small_table(chinese)
    message = refused(chinese.save(tmp_path / "95中文.xls"), SheetFileError)
    assert "是 Excel 95 或更早的格式，其中的中文无法正确读取" in message


def formula(row: int, col: int, rgce: bytes, cached: float = 0.0) -> bytes:
    return record(FORMULA, struct.pack("<HHHdHIH", row, col, 0, cached, 0, 0, len(rgce)) + rgce)


def test_an_xls_formula_padded_with_thousands_of_spaces_is_refused_unopened(tmp_path: Path, no_calamine: None) -> None:
    """calamine writes every formula's text as it opens the file, and each 4-byte PtgAttrSpace
    puts up to 255 spaces in front of what it has written: quadratic time, 64 bytes a byte."""
    spaces = bytes([0x19, 0x40, 0, 255]) * 1500 + bytes([0x1E, 3, 0])  # PtgAttrSpace × 1,500, then 3
    book = Book()
    small_table(book)
    book.sheets[0].extra = formula(2, 0, spaces)
    assert "工作表“台账”中的公式长得不合理" in refused(book.save(tmp_path / "空格.xls"), SheetFileError)


def test_an_xls_with_ordinary_formulas_reads(tmp_path: Path) -> None:
    book = Book()
    small_table(book)
    three_plus_four = bytes([0x1E, 3, 0, 0x1E, 4, 0, 0x03])
    book.sheets[0].extra = b"".join(formula(2 + n, 2, three_plus_four, 7.0) for n in range(500))
    path = book.save(tmp_path / "公式.xls")
    assert inspect_file(path).book_refusal() is None
    with Workbook(path) as opened:
        assert opened.read("台账").rows[501][2] == 7.0


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
    assert 3 * rows * 100 - MAX_BOOK_CELLS == 3000
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
    assert inspect_file(path).sheets["台账"].text_bytes == 3 * 2 + (2 * 2 + 3 * 4) + 3  # 2 bytes a one-byte character


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
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def raw_xlsx(path: Path, sheets: dict[str, str], shared: str | None, *, shared_target: str = "sharedStrings.xml",
             members: dict[str, str] | None = None, prefix: str = "") -> Path:
    """An .xlsx written part by part: ``sheets`` maps names to worksheet XML."""
    p = prefix
    xmlns = f'xmlns{":" + p[:-1] if p else ""}="{MAIN}"'
    workbook = (f'<?xml version="1.0" encoding="UTF-8"?><{p}workbook {xmlns} xmlns:r="{REL}"><{p}sheets>'
                + "".join(f'<{p}sheet name="{name}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                          for i, name in enumerate(sheets)) + f"</{p}sheets></{p}workbook>")
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i + 1}" Type="{REL}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
                      for i in range(len(sheets)))
            + f'<Relationship Id="rIdS" Type="{REL}/sharedStrings" Target="{shared_target}"/></Relationships>')
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
                         'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
                         f'{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        if shared is not None:
            archive.writestr("xl/sharedStrings.xml", shared)
        for i, xml in enumerate(sheets.values()):
            archive.writestr(f"xl/worksheets/sheet{i + 1}.xml", xml)
        for member, data in (members or {}).items():
            archive.writestr(member, data)
    return path


def shared_table(strings: list[str], prefix: str = "", between: str = "") -> str:
    p = prefix
    xmlns = f'xmlns{":" + p[:-1] if p else ""}="{MAIN}"'
    return (f'<?xml version="1.0" encoding="UTF-8"?><{p}sst {xmlns} count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">' + between.join(f"<{p}si><{p}t>{t}</{p}t></{p}si>" for t in strings)
            + f"</{p}sst>")


def one_column(cells: int, index: int, prefix: str = "", cell: str = 't="s"', root_prefix: str | None = None) -> str:
    p = prefix
    root = p if root_prefix is None else root_prefix
    xmlns = f'xmlns{":" + root[:-1] if root else ""}="{MAIN}"' + (f' xmlns:{p[:-1]}="{MAIN}"' if p and p != root else "")
    rows = "".join(f'<{p}row r="{r}"><{p}c r="A{r}" {cell}><{p}v>{index}</{p}v></{p}c></{p}row>'
                   for r in range(1, cells + 1))
    return (f'<?xml version="1.0" encoding="UTF-8"?><{root}worksheet {xmlns}><{p}sheetData>{rows}</{p}sheetData>'
            f"</{root}worksheet>")


def xlsx_with_shared(path: Path, sheets: dict[str, tuple[int, str]], prefix: str = "") -> Path:
    """Sheets of ``cells`` cells (one column) all naming one shared string; ``prefix`` writes
    the tags with a namespace prefix (``x:``), as .NET programs do."""
    strings = [text for _, text in sheets.values()]
    xml = {name: one_column(cells, i, prefix) for i, (name, (cells, _)) in enumerate(sheets.items())}
    return raw_xlsx(path, xml, shared_table(strings, prefix), prefix=prefix)


LONG = "长" * 5000  # 15,000 bytes; 10,000 copies are 143 MB


@pytest.mark.parametrize("trick", ["rels-name-a-small-table", "comment-before-the-long-string", "spaces-in-t-attribute",
                                   "v-with-an-attribute"])
def test_ways_of_hiding_shared_string_copies_are_still_counted(tmp_path: Path, trick: str) -> None:
    shared = shared_table(["短", LONG])
    members: dict[str, str] = {}
    target = "sharedStrings.xml"
    sheet = one_column(10_000, 1)
    if trick == "rels-name-a-small-table":  # calamine opens xl/sharedStrings.xml whatever the relationships say
        target, members = "small.xml", {"xl/small.xml": shared_table(["短", "短"])}
    elif trick == "comment-before-the-long-string":
        shared = shared_table(["短", LONG], between="<!--<si><t>x</t></si>-->")
    elif trick == "spaces-in-t-attribute":
        sheet = one_column(10_000, 1, cell='t = "s"')
    else:
        sheet = sheet.replace("<v>", '<v xml:space="preserve">')
    path = raw_xlsx(tmp_path / "藏.xlsx", {"复制": sheet}, shared, shared_target=target, members=members)
    with Workbook(path) as opened:
        assert opened.sheets[0].problem is not None and "里的文字太多" in opened.sheets[0].problem


def test_a_sheet_whose_tags_take_a_prefix_below_a_plain_root_is_measured(tmp_path: Path) -> None:
    """calamine matches tags by local name: <x:row> under a default-namespace root is a row.
    Such a sheet was measured as empty (and a far cell in it was not seen)."""
    sheet = one_column(3, 0, prefix="x:", root_prefix="")
    path = raw_xlsx(tmp_path / "前缀.xlsx", {"台账": sheet}, shared_table(["项目名称"]))
    with Workbook(path) as opened:
        assert opened.sheets[0].label == "台账（3 行 × 1 列）"
        assert opened.read("台账").rows == [["项目名称"]] * 3
    far = sheet.replace('r="A3"', 'r="XFD1048576"').replace('<x:row r="3">', '<x:row r="1048576">')
    with Workbook(raw_xlsx(tmp_path / "远.xlsx", {"台账": far}, shared_table(["项目名称"]))) as opened:
        assert "数据范围太大" in (opened.sheets[0].problem or "")


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


def test_an_ods_run_of_spaces_is_counted_as_the_spaces_it_becomes(tmp_path: Path, no_calamine: None) -> None:
    """<text:s text:c="N"/> is N spaces: in one cell repeated 20 times, 10 million of them are
    200 MB; an 875-byte file took 400 MB."""
    path = ods(tmp_path / "空格.ods", 1, 20, '<text:s text:c="10000000"/>')
    assert "工作表“台账”里的文字太多" in refused(path)
    once = ods(tmp_path / "一处.ods", 1, 1, "甲" + '<text:s text:c="200000000"/>' + "乙")
    assert "工作表“台账”里的文字太多" in refused(once)


def test_an_ods_cell_repeated_a_few_times_reads(tmp_path: Path) -> None:
    with Workbook(ods(tmp_path / "几处.ods", 3, 2, "长" * 1000)) as opened:
        rows = opened.read("台账").rows
    assert rows[0][0] == "项目名称" and rows[1:] == [["长" * 1000] * 2] * 3


# ------------------------------------------------------------------------------ panics
def test_a_calamine_panic_is_a_chinese_message() -> None:
    class PanicException(BaseException):  # what pyo3 raises for a Rust panic, matched by name
        pass

    def panics() -> None:
        raise PanicException("range end index 65295 out of range")

    with pytest.raises(SheetFileError, match="^“坏.xls”已损坏，无法读取。请重新获取原文件"):
        reader._calamine(panics, "坏.xls")


def test_an_xls_claiming_code_page_1252_still_reads_its_chinese(tmp_path: Path) -> None:
    """JExcelApi (behind many Java systems' 导出 Excel) writes CODEPAGE 1252 into BIFF8
    files; calamine then decoded every UTF-16 string as 1252 bytes (tafia/calamine#229)."""
    book = Book()
    small_table(book)
    stream = book.workbook_stream().replace(record(CODEPAGE, struct.pack("<H", 1200)),
                                            record(CODEPAGE, struct.pack("<H", 1252)))
    path = tmp_path / "导出.xls"
    path.write_bytes(compound_file(stream))
    with Workbook(path) as opened:
        assert [s.name for s in opened.sheets] == ["台账"]
        assert opened.read("台账").rows[1] == ["钒钛新材料项目", "恒通新材料有限公司", 32000.0]
    assert path.read_bytes() == compound_file(stream)  # the clerk's file is not touched


def test_one_byte_shared_strings_count_two_bytes_a_character(tmp_path: Path) -> None:
    """A 1,204-character note in plain letters, repeated down 40,000 rows, is 48 MB once
    read (96 MB at most): not refused as the 144 MB of three bytes a character."""
    note = b"a" * 1204
    book = Book(sst_parts=[struct.pack("<II", 40_000, 1) + struct.pack("<HB", len(note), 0) + note])
    sheet = book.sheet("备注")
    sheet.dimensions = (0, 40_000, 0, 1)
    sheet.extra = b"".join(record(0x00FD, struct.pack("<HHHI", row, 0, 0, 0)) for row in range(40_000))
    facts = inspect_file(book.save(tmp_path / "备注.xls"))
    assert facts.sheets["备注"].text_bytes == 40_000 * 2 * 1204 and facts.book_refusal() is None


def test_a_long_but_real_xls_formula_is_not_refused(tmp_path: Path) -> None:
    """Fifteen 255-character text constants (the most Excel allows) in one formula, whose
    UTF-16 bytes look like name and 3-D reference tokens, in a sheet with a long name: a
    real formula calamine reads; only its PtgAttrSpace padding is bounded per formula."""
    text = "㨣" * 255  # U+3A23: bytes 23 3A
    constant = bytes([0x17, 255, 1]) + text.encode("utf-16-le")
    rgce = constant + (constant + bytes([0x08])) * 14  # "…"&"…"&…
    book = Book()
    small_table(book, "二〇二六年十月韩家店镇重点项目建设情况调度统计明细表")
    book.sheets[0].extra = formula(2, 0, rgce)
    path = book.save(tmp_path / "长公式.xls")
    assert inspect_file(path).book_refusal() is None
    with Workbook(path) as opened:
        assert opened.read(opened.sheets[0].name).rows[1][0] == "钒钛新材料项目"


def test_every_codepage_record_of_an_xls_is_read_as_unicode(tmp_path: Path) -> None:
    """calamine switches code page at each CODEPAGE record; one after the sheet list and the
    shared strings garbled them even when the first was set right."""
    book = Book(globals_extra=record(CODEPAGE, struct.pack("<H", 1252)))
    small_table(book)
    stream = book.workbook_stream().replace(record(CODEPAGE, struct.pack("<H", 1200)),
                                            record(CODEPAGE, struct.pack("<H", 1252)))  # 1252 twice
    path = tmp_path / "两处.xls"
    path.write_bytes(compound_file(stream))
    with Workbook(path) as opened:
        assert [s.name for s in opened.sheets] == ["台账"]
        assert opened.read("台账").rows[1][:2] == ["钒钛新材料项目", "恒通新材料有限公司"]


def test_an_xls_that_cannot_be_patched_to_unicode_is_refused_in_chinese(tmp_path: Path) -> None:
    """A file whose sector chain runs one sector past its stream's size: calamine opens it,
    but olefile will not rewrite the stream, and its OSError reached the clerk as it was."""
    book = Book()
    small_table(book)
    stream = book.workbook_stream().replace(record(CODEPAGE, struct.pack("<H", 1200)),
                                            record(CODEPAGE, struct.pack("<H", 1252))).ljust(4096, b"\0")
    data = bytearray(compound_file(stream + b"\0" * 512))  # one sector more than the size below
    struct.pack_into("<I", data, data.index("Workbook".encode("utf-16-le")) + 120, len(stream))
    path = tmp_path / "链.xls"
    path.write_bytes(bytes(data))
    with pytest.raises(SheetFileError, match="“链.xls”无法读取：纠正它的文字编码时出错"):
        load_table(path)


def test_xls_formulas_of_long_numbers_are_counted_at_what_calamine_writes(tmp_path: Path, no_calamine: None) -> None:
    """A 9-byte PtgNum can become ~330 characters (5e-324 written out); counted at 4 a byte,
    850 formulas of 800 of them were estimated at 27 MB and took 240 MB."""
    tiny = bytes([0x1F]) + struct.pack("<d", 5e-324)
    rgce = tiny + (tiny + bytes([0x03])) * 799
    book = Book()
    small_table(book)
    book.sheets[0].extra = b"".join(formula(2 + n, 0, rgce) for n in range(850))
    assert "工作表“台账”里的文字太多" in refused(book.save(tmp_path / "长数.xls"))


def test_xls_formula_spaces_in_front_of_long_text_are_refused_unopened(tmp_path: Path, no_calamine: None) -> None:
    """Few spaces each, but every PtgAttrSpace moves the whole text written so far: a 7 MB
    file of such formulas took 43 s to open."""
    tiny = bytes([0x1F]) + struct.pack("<d", 5e-324)
    rgce = (tiny + bytes([0x19, 0x40, 0, 1])) * 600
    book = Book()
    small_table(book)
    book.sheets[0].extra = formula(2, 0, rgce)
    assert "工作表“台账”中的公式长得不合理" in refused(book.save(tmp_path / "挪动.xls"), SheetFileError)
