"""What a file really is, checked before a parser touches it.

python-calamine is fast but trusts the file: a 5 KB .xlsx naming a cell at XFD1048576
makes it allocate 64 GB and abort the whole program. So every file is looked at first,
cheaply and with bounded memory:

* the first bytes tell a zip (xlsx/xlsm/ods), an OLE2 compound file (xls, or an
  encrypted xlsx) or something else (a PDF, a web page saved as .xls, a CSV …);
* a zip's directory is read without extracting anything: member count, declared sizes
  and compression ratios (zip bombs), and every XML part is checked to start its root
  element before any ``<!DOCTYPE`` (entity expansion);
* each sheet's extent is measured from its XML (or, for .xls, its BIFF cell records) so
  that a sheet too big to load is refused instead of loaded; for xlsx that is the furthest
  of the ``<dimension>``, every row's ``r`` and every cell's own ``r`` (calamine places a
  cell by its own reference, whatever row it is written in);
* the cells that merged ranges cover are added up, so that a few lines of XML cannot make
  the table finder fill millions of cells;
* xlsx formulas saved without a result (files written by programs rather than Excel) are
  found, so that such a cell is reported instead of read as empty.

This module tells the kinds apart, checks zip archives and holds the facts and limits;
the measuring is in ``xlsx``, ``ods`` and ``xls``, one module a format.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desk.exchange.sheets.errors import PasswordProtected, SheetFileError, TooLarge

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 256 * 1024 * 1024  # one part, uncompressed
MAX_TOTAL_BYTES = 1024 * 1024 * 1024  # all parts, uncompressed
MAX_RATIO = 200  # uncompressed / compressed, for parts above RATIO_FLOOR
RATIO_FLOOR = 4 * 1024 * 1024
MAX_SHEET_ROWS = 50_000
MAX_SHEET_CELLS = 3_000_000  # rows × columns of one sheet's extent (calamine holds 32 bytes each)
MAX_SHEET_XML_BYTES = 96 * 1024 * 1024  # a sheet's XML; 50,000 rows of 30 columns take about 50 MB
PROLOG_BYTES = 64 * 1024
MAX_MERGED = 100_000
MAX_MERGED_CELLS = MAX_SHEET_CELLS  # cells covered by all merged ranges of one sheet, added up
# Text calamine copies into cells (UTF-8 bytes, an upper bound): one shared string used by a
# million cells, or one ODS cell repeated a million times, is a million copies.
MAX_SHEET_TEXT_BYTES = 128 * 1024 * 1024
# .xls and .ods are read whole when opened (every sheet at once), so their sheets share a budget.
MAX_BOOK_CELLS = 2 * MAX_SHEET_CELLS
MAX_BOOK_TEXT_BYTES = MAX_SHEET_TEXT_BYTES
# A DIMENSIONS record larger than a BIFF8 sheet (65,536 rows × 256 columns) is damaged. Up to
# that, calamine's reservation (40 bytes a cell) is transient and mostly never touched.
MAX_XLS_RESERVE = 65_536 * 256
EAGER_KINDS = ("xls", "ods")

KINDS = ("xlsx", "xlsm", "xls", "ods")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"

MergedRange = tuple[tuple[int, int], tuple[int, int]]  # 0-based (row, column) of two opposite corners


@dataclass(frozen=True)
class SheetFacts:
    """What the pre-check learnt about one sheet: its extent (1-based, 0 when empty) and
    the cells (0-based row, column) holding a formula without a saved result."""

    name: str
    rows: int
    cols: int
    hidden: bool = False
    uncached_formulas: frozenset[tuple[int, int]] = frozenset()
    merged: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = ()  # ODS only: calamine gives xlsx/xls ones
    refusal: str = ""  # set when the sheet is refused without being measured, or for its merges
    listed_rows: int = 0  # xlsx: how many <row> elements name their row (0: not known)
    text_bytes: int = 0  # text calamine copies into the cells (upper bound; see MAX_SHEET_TEXT_BYTES)
    extra_cells: int = 0  # .xls: cells of the formula range, which calamine holds beside the values
    reserve: int = 0  # .xls: cells a DIMENSIONS record makes calamine reserve while it reads the sheet

    @property
    def cells(self) -> int:
        return self.rows * self.cols

    @property
    def load(self) -> int:
        """Cells calamine allocates for this sheet, at most."""
        return self.cells + self.extra_cells

    def declared_far(self) -> bool:
        """Whether a few rows name cells far beyond them (``<c r="XFD1048576">`` written inside
        row 2, which calamine would allocate as one dense range), rather than the sheet really
        having too many rows: then the refusal says so."""
        too_big = self.rows > MAX_SHEET_ROWS or self.cells > MAX_SHEET_CELLS
        return too_big and 0 < self.listed_rows <= MAX_SHEET_ROWS and self.listed_rows * 2 < self.rows

    def too_big(self) -> str | None:
        """Why this sheet must not be loaded, in Chinese; ``None`` when it may."""
        if self.refusal:
            return self.refusal
        if self.declared_far():
            return (
                f"工作表“{self.name}”声明的数据范围太大（一直到 {column_letter(self.cols - 1)}{self.rows} 单元格，"
                f"即 {self.rows} 行 × {self.cols} 列），而文件里实际只有 {self.listed_rows} 行，"
                "可能是生成这个文件的程序出错或文件已损坏。请用 Excel 或 WPS 打开，删除多余的行列后另存一份再导入。"
            )
        if self.rows > MAX_SHEET_ROWS:
            return (
                f"工作表“{self.name}”有 {self.rows} 行，超过一次导入的上限 {MAX_SHEET_ROWS} 行。"
                "请把表格拆成几个文件分批导入。"
            )
        return self.unsafe()

    def unsafe(self) -> str | None:
        """Why calamine must not even hold this sheet in memory, in Chinese (a sheet with too
        many rows to import is not unsafe: it is refused, but could be held)."""
        if self.cells > MAX_SHEET_CELLS:
            return (
                f"工作表“{self.name}”的数据范围太大（{self.rows} 行 × {self.cols} 列），"
                "可能在很远的单元格里还有内容。请删除多余的行列后再导入。"
            )
        if self.extra_cells > MAX_SHEET_CELLS:
            return (
                f"工作表“{self.name}”的公式范围太大（超过 {_count(MAX_SHEET_CELLS)}个单元格），"
                "可能在很远的单元格里还有公式。请删除多余的行列后再导入。"
            )
        if self.reserve > MAX_XLS_RESERVE:
            return (
                f"工作表“{self.name}”声明的数据范围（{_count(self.reserve)}个单元格）比旧版 .xls 的一张工作表"
                "所能容纳的还大，文件已损坏或是由出错的程序生成的。请用 Excel 或 WPS 打开后另存一份再导入。"
            )
        if self.text_bytes > MAX_SHEET_TEXT_BYTES:
            return (
                f"工作表“{self.name}”里的文字太多（读入后约 {_mb(self.text_bytes)}，"
                f"上限 {_mb(MAX_SHEET_TEXT_BYTES)}），通常是同一段长文字被复制到了大量单元格。"
                "请删除多余的内容后再导入。"
            )
        return None


@dataclass(frozen=True)
class FileFacts:
    path: Path
    kind: str  # one of KINDS
    size: int
    sha256: str
    date1904: bool = False
    sheets: dict[str, SheetFacts] = field(default_factory=dict)
    not_unicode: tuple[int, ...] = ()  # .xls: CODEPAGE values calamine must read as 1200 (see xls.unicode_copy)

    def book_refusal(self) -> str | None:
        """Why the whole file must not be opened, in Chinese. An .xls or .ods is read whole
        when opened, so one sheet too big to hold, or all of them together, refuse the file;
        an .xlsx is read a sheet at a time, so a sheet too big is refused alone (``too_big``)."""
        if self.kind not in EAGER_KINDS:
            return None
        kind = "旧版 .xls" if self.kind == "xls" else ".ods"
        why = f"“{self.path.name}”无法读取：{kind} 文件打开时会一次读入所有工作表，"
        for facts in self.sheets.values():
            if (problem := facts.unsafe()) is not None:
                return f"{why}而其中{problem}"
        cells = sum(facts.load for facts in self.sheets.values())
        text = sum(facts.text_bytes for facts in self.sheets.values())
        if cells > MAX_BOOK_CELLS:
            size = f"约 {_count(cells)}个单元格，上限 {_count(MAX_BOOK_CELLS)}个"
        elif text > MAX_BOOK_TEXT_BYTES:
            size = f"文字读入后约 {_mb(text)}，上限 {_mb(MAX_BOOK_TEXT_BYTES)}"
        else:
            return None
        return (
            f"{why}而这些工作表加起来太大（{size}）。"
            "请用 Excel 或 WPS 打开，删除不需要的工作表，或另存为 .xlsx 后再导入。"
        )


def _count(count: int) -> str:
    """A count as a clerk reads it: 3000000 → "300 万", 3001000 → "300.1 万", 2.8e14 → "2,814,749.8 亿"."""
    if count < 100_000:
        return f"{count:,} "
    value, unit = (count / 100_000_000, "亿") if count >= 100_000_000 else (count / 10_000, "万")
    return f"{value:,.1f}".removesuffix(".0") + f" {unit}"


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def inspect_file(path: Path | str) -> FileFacts:
    """Check ``path`` and learn what it holds. Raises :class:`SheetFileError` (Chinese)."""
    path = Path(path)
    if not path.exists():
        raise SheetFileError(f"文件不存在：{path}")
    if path.is_dir():
        raise SheetFileError(f"这是一个文件夹，不是表格文件：{path}")
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise SheetFileError(f"无法读取文件：{path}\n{exc.strerror or exc}") from None
    if size == 0:
        raise SheetFileError(f"文件是空的（0 字节）：{path.name}")
    if size > MAX_FILE_BYTES:
        raise TooLarge(
            f"文件太大（{size / 1024 / 1024:.0f} MB），"
            f"一次最多导入 {MAX_FILE_BYTES // 1024 // 1024} MB 的表格：{path.name}"
        )
    if path.suffix.lower() == ".xlsb":
        raise SheetFileError(
            f"暂不支持 Excel 二进制工作簿（.xlsb）：{path.name}\n请在 Excel 中“另存为” .xlsx 后再导入。"
        )
    digest = sha256_of(path)
    not_unicode: tuple[int, ...] = ()
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        kind, date1904, sheets = _inspect_zip(path)
    elif head.startswith(_OLE_MAGIC):
        from desk.exchange.sheets.xls import inspect_ole

        kind, date1904, sheets, not_unicode = inspect_ole(path)
    else:
        raise SheetFileError(_not_a_spreadsheet(path, head))
    return FileFacts(path, kind, size, digest, date1904, sheets, not_unicode)


def _not_a_spreadsheet(path: Path, head: bytes) -> str:
    name = path.name
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%PDF"):
        what = "PDF 文件"
    elif head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")):
        what = "图片"
    elif head.startswith((b"Rar!", b"7z\xbc\xaf")):
        what = "压缩包"
    elif text.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or b"<html" in text[:512]:
        return (
            f"“{name}”实际是网页（HTML）格式，只是扩展名像表格（一些系统导出的 .xls 就是这样）。\n"
            "请用 Excel 或 WPS 打开它，“另存为” .xlsx 后再导入。"
        )
    elif text.startswith(b"<?xml"):
        return f"“{name}”是 XML 文本（可能是 Excel 2003 XML 表格），请用 Excel 或 WPS 打开后“另存为” .xlsx 再导入。"
    elif _looks_like_text(head):
        return f"“{name}”是纯文本（CSV 或 TXT），不是 Excel 表格。请用 Excel 或 WPS 打开后“另存为” .xlsx 再导入。"
    else:
        what = "未知格式的文件"
    return f"“{name}”不是表格文件（看起来是{what}）。请选择 .xlsx、.xlsm、.xls 或 .ods 文件。"


def _looks_like_text(head: bytes) -> bool:
    for encoding in ("utf-8", "gb18030"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not any(ord(c) < 9 for c in text)
    return False


# ----------------------------------------------------------------------- zip
def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, ValueError, NotImplementedError, EOFError):  # damaged directories fail in many ways
        raise SheetFileError(
            f"“{path.name}”不完整或已损坏（可能下载或复制时中断了）。请重新获取原文件后再导入。"
        ) from None
    except OSError as exc:
        raise SheetFileError(f"无法读取文件：{path}\n{exc.strerror or exc}") from None


def check_zip_directory(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse a zip bomb from its directory alone: counts, declared sizes, ratios."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise TooLarge(f"“{name}”内部的部件多达 {len(members)} 个，不像正常的表格文件，已拒绝读取。")
    total = 0
    for info in members:
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            raise TooLarge(
                f"“{name}”解压后过大（其中“{info.filename}”声明 {info.file_size // 1024 // 1024} MB），"
                "可能是恶意构造的压缩文件（压缩炸弹），已拒绝读取。"
            )
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise TooLarge(
                f"“{name}”中的“{info.filename}”压缩比异常（{info.file_size // max(info.compress_size, 1)} 倍），"
                "可能是恶意构造的压缩文件（压缩炸弹），已拒绝读取。"
            )
        if info.flag_bits & 0x1:
            raise PasswordProtected(f"“{name}”是加密的压缩文件，无法读取。")


def read_member(archive: zipfile.ZipFile, member: str, name: str, limit: int | None = None) -> bytes:
    """A member's bytes (its first ``limit`` bytes), never more than its declared size."""
    try:
        with archive.open(member) as stream:
            return stream.read(limit) if limit else stream.read()
    except KeyError:
        raise SheetFileError(f"“{name}”缺少必需的部分“{member}”，文件已损坏。") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise SheetFileError(f"“{name}”已损坏，无法解压“{member}”（{exc}）。请重新获取原文件。") from None


_ROOT_START = re.compile(rb"<[A-Za-z_]")


def check_xml_prolog(data: bytes, member: str, name: str) -> None:
    """Refuse DTDs (entity expansion, external entities): OOXML and ODF never need one."""
    root = _ROOT_START.search(data)
    prolog = data[: root.start()] if root else data
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
        raise SheetFileError(
            f"“{name}”的“{member}”中含有 XML 实体声明（DOCTYPE/ENTITY），正常的表格文件不会有，"
            "可能是恶意构造的文件，已拒绝读取。"
        )
    if root is None and len(data) >= PROLOG_BYTES:
        raise SheetFileError(f"“{name}”的“{member}”开头异常，已拒绝读取。")


def _check_all_xml(archive: zipfile.ZipFile, name: str) -> None:
    for info in archive.infolist():
        if info.filename.lower().endswith((".xml", ".rels", ".vml")):
            check_xml_prolog(read_member(archive, info.filename, name, PROLOG_BYTES), info.filename, name)


def _inspect_zip(path: Path) -> tuple[str, bool, dict[str, SheetFacts]]:
    name = path.name
    with _open_zip(path) as archive:
        check_zip_directory(archive, name)
        names = set(archive.namelist())
        if "xl/workbook.xml" in names or any(n.lower() == "xl/workbook.xml" for n in names):
            from desk.exchange.sheets.xlsx import inspect_xlsx

            _check_all_xml(archive, name)
            return inspect_xlsx(archive, name)
        if "mimetype" in names:
            mime = read_member(archive, "mimetype", name, 200).strip()
            if mime == _ODS_MIME:
                from desk.exchange.sheets.ods import inspect_ods

                _check_all_xml(archive, name)
                return "ods", False, inspect_ods(archive, name)
            if mime.startswith(b"application/vnd.oasis.opendocument.text"):
                raise SheetFileError(f"“{name}”是文字文档（.odt），不是表格。")
        if "xl/workbook.bin" in names:
            raise SheetFileError(
                f"“{name}”是 Excel 二进制工作簿（.xlsb），暂不支持。请在 Excel 中“另存为” .xlsx 后再导入。"
            )
        if "word/document.xml" in names:
            raise SheetFileError(f"“{name}”是 Word 文档，不是表格。请选择 Excel 或 WPS 表格文件。")
        if any(n.startswith("ppt/") for n in names):
            raise SheetFileError(f"“{name}”是演示文稿（PPT），不是表格。")
        raise SheetFileError(f"“{name}”是一个压缩包，不是表格文件。请选择 .xlsx、.xlsm、.xls 或 .ods 文件。")


def column_number(letters: bytes | str) -> int:
    """``"A"`` → 1, ``"AA"`` → 27."""
    number = 0
    for ch in letters if isinstance(letters, str) else letters.decode("ascii"):
        number = number * 26 + ord(ch) - 64
    return number


def column_letter(index: int) -> str:
    """The Excel letters of a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def merged_cells(ranges: Sequence[MergedRange]) -> int:
    """How many cells the merged ranges (0-based, inclusive corners) cover, added up."""
    return sum((abs(r1 - r0) + 1) * (abs(c1 - c0) + 1) for (r0, c0), (r1, c1) in ranges)


def merged_too_big(sheet: str, ranges: Sequence[MergedRange]) -> str | None:
    """Why a sheet whose merged ranges cover too many cells is refused, in Chinese."""
    covered = merged_cells(ranges)
    if covered <= MAX_MERGED_CELLS:
        return None
    return (
        f"工作表“{sheet}”的合并单元格过多（{len(ranges)} 处合并共覆盖 {covered} 个单元格，"
        f"超过上限 {MAX_MERGED_CELLS} 个），不像正常的表格，可能是生成这个文件的程序出错或文件已损坏。"
        "请取消多余的合并单元格（或用 Excel/WPS 另存一份）后再导入。"
    )
