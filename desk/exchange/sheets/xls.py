"""Legacy .xls (BIFF8, also what WPS's .et exports) and other OLE2 compound files.

An OLE2 file may be an .xls, an *encrypted* .xlsx (Excel wraps a password-protected
workbook in OLE2 with ``EncryptionInfo``/``EncryptedPackage`` streams), a Word .doc …
The workbook stream's records are walked to learn the date system (DATEMODE), a password
(FILEPASS), the sheets (BOUNDSHEET) and what each sheet would make calamine allocate: the
extent of its cells, what its DIMENSIONS record asks to reserve, its formula range and the
text its cells copy from the shared strings (SST). calamine reads every sheet of an .xls
as it opens it, so a file any of these is absurd for is refused before calamine sees it —
a 10 KB file can otherwise take gigabytes, or abort the process on a failed allocation.
"""

from __future__ import annotations

import codecs
import shutil
import struct
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import olefile

from desk.exchange.sheets.container import SheetFacts
from desk.exchange.sheets.errors import PasswordProtected, SheetFileError

BOF, EOF, FILEPASS, DATEMODE, BOUNDSHEET, SST, CONTINUE = 0x0809, 0x000A, 0x002F, 0x0022, 0x0085, 0x00FC, 0x003C
CODEPAGE, NAME = 0x0042, 0x0018
DIMENSIONS, LABELSST, LABEL, STRING, FORMULA, MULRK = 0x0200, 0x00FD, 0x0204, 0x0207, 0x0006, 0x00BD
# Records of cells that hold a value: row and column are the first two 16-bit words.
VALUE_CELLS = frozenset({0x0203, 0x027E, LABELSST, LABEL, 0x0205, FORMULA, 0x00D6})


def inspect_ole(path: Path) -> tuple[str, bool, dict[str, SheetFacts], tuple[int, ...]]:
    name = path.name
    try:
        ole = olefile.OleFileIO(str(path))
    except Exception:  # olefile raises many kinds on a damaged file
        raise SheetFileError(f"“{name}”已损坏或不完整（可能下载或复制时中断了），无法读取。") from None
    try:
        streams = {"/".join(entry) for entry in ole.listdir()}
        if "EncryptionInfo" in streams or "EncryptedPackage" in streams:
            raise PasswordProtected(
                f"“{name}”设置了打开密码，无法读取。请在 Excel 或 WPS 中打开它，取消密码（文件 → 信息 → 保护工作簿）"
                "并保存后再导入。"
            )
        if "WordDocument" in streams:
            raise SheetFileError(f"“{name}”是 Word 文档（.doc），不是表格。")
        if "PowerPoint Document" in streams:
            raise SheetFileError(f"“{name}”是演示文稿（.ppt），不是表格。")
        stream = "Workbook" if "Workbook" in streams else "Book" if "Book" in streams else None
        if stream is None:
            raise SheetFileError(
                f"“{name}”不是能读取的 Excel 表格（没有工作簿数据）。请用 WPS 或 Excel 打开后“另存为” .xlsx 再导入。"
            )
        try:
            data = ole.openstream(stream).read()
        except Exception:
            raise SheetFileError(f"“{name}”已损坏，无法读取工作簿数据。") from None
    finally:
        ole.close()
    try:
        date1904, sheets, not_unicode = walk_workbook(data, name)
    except struct.error:
        raise SheetFileError(f"“{name}”已损坏（工作簿数据不完整），无法读取。请重新获取原文件。") from None
    return "xls", date1904, sheets, not_unicode


def unicode_copy(path: Path, codepages: tuple[int, ...]) -> bytes:
    """The .xls with its CODEPAGE records (at these stream offsets) saying 1200 (UTF-16),
    for calamine.

    BIFF8 text is always UTF-16 or one byte a character of it; the code page matters only
    to Excel 95 files. calamine decodes BIFF8 text with the code page all the same
    (tafia/calamine#229), switching at each CODEPAGE record, so a file written by a program
    that puts 1252 there (JExcelApi, behind many Java systems' 导出 Excel) has every Chinese
    character garbled. The file is patched in a temporary copy (olefile rewrites a stream in
    place) and read back; the clerk's file is not touched."""
    copy: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(prefix="desk-xls-", suffix=".xls", delete=False) as handle:
            copy = Path(handle.name)
            with path.open("rb") as source:
                shutil.copyfileobj(source, handle)
        ole = olefile.OleFileIO(str(copy), write_mode=True)
        try:
            stream = "Workbook" if "Workbook" in {"/".join(e) for e in ole.listdir()} else "Book"
            data = bytearray(ole.openstream(stream).read())
            for offset in codepages:
                struct.pack_into("<H", data, offset, 1200)
            ole.write_stream(stream, bytes(data))
        finally:
            ole.close()
        return copy.read_bytes()
    except Exception as exc:  # olefile and the file system fail in many ways
        raise SheetFileError(
            f"“{path.name}”无法读取：纠正它的文字编码时出错（{exc}）。文件可能已损坏，"
            "请用 Excel 或 WPS 打开后“另存为” .xlsx 再导入。"
        ) from None
    finally:
        if copy is not None:
            try:
                copy.unlink(missing_ok=True)
            except OSError:
                pass


def walk_workbook(data: bytes, name: str) -> tuple[bool, dict[str, SheetFacts], tuple[int, ...]]:
    """The date system and every sheet's facts, read the way calamine reads the stream:
    the globals up to their EOF, then each BOUNDSHEET's substream from the offset it names
    up to the next EOF. calamine parses every sheet when it opens the file, so what each
    substream would make it allocate is measured here first (``FileFacts.book_refusal``).
    Substreams must not overlap (a real file never has them do so; walking overlapping ones
    would cost sheets × stream length)."""
    book = _walk_globals(data, name)
    if not book.biff8 and book.codepage in _DOUBLE_BYTE_PAGES:
        raise SheetFileError(
            f"“{name}”是 Excel 95 或更早的格式，其中的中文无法正确读取。"
            "请用 Excel 或 WPS 打开它，“另存为” .xlsx 后再导入。"
        )
    walked: dict[str, SheetFacts] = {}
    walked_to = 0
    for offset, sheet_name, hidden in sorted(book.bounds, key=lambda bound: bound[0]):
        if offset > len(data):
            raise SheetFileError(_damaged(name, f"工作表“{sheet_name}”的位置超出了工作簿数据"))
        if offset < walked_to or sheet_name in walked:
            raise SheetFileError(_damaged(name, f"工作表“{sheet_name}”重复出现或与其他工作表重叠"))
        walked[sheet_name], walked_to = _walk_sheet(data, offset, sheet_name, hidden, book, name)
    sheets = {sheet: walked[sheet] for _, sheet, _ in book.bounds}  # in the workbook's order
    return book.date1904, sheets, tuple(book.not_unicode) if book.biff8 else ()


@dataclass
class _Globals:
    """What the workbook globals tell the sheet walk."""

    date1904: bool = False
    bounds: list[tuple[int, str, bool]] = field(default_factory=list)  # (offset of the sheet's BOF, name, hidden)
    strings: list[int] = field(default_factory=list)  # UTF-8 bytes each shared string can become
    longest_name: int = 0  # characters of the longest defined name (formulas spell names out)
    biff8: bool = True  # else BIFF5 (Excel 95), whose text is in the code page
    codepage: int = 1200
    not_unicode: list[int] = field(default_factory=list)  # stream offsets of CODEPAGE values other than 1200

    longest_sheet: int = 0  # characters of the longest sheet name (3-D references spell it out)


def _damaged(name: str, what: str = "工作簿数据不完整") -> str:
    return f"“{name}”已损坏（{what}），无法读取。请重新获取原文件，或用 Excel/WPS 打开后另存一份再导入。"


def _records(data: bytes, pos: int, name: str) -> Iterator[tuple[int, int, int]]:
    """(kind, body offset, body size) of each record from ``pos`` to the end of the stream."""
    end = len(data)
    unpack = struct.unpack_from
    while pos + 4 <= end:
        kind, size = unpack("<HH", data, pos)
        body = pos + 4
        if body + size > end:
            raise SheetFileError(_damaged(name))
        yield kind, body, size
        pos = body + size


def _walk_globals(data: bytes, name: str) -> _Globals:
    book = _Globals()
    codec = "latin-1"
    sst: list[bytes] | None = None  # the SST record and its CONTINUE records, while they last
    unpack = struct.unpack_from
    for kind, body, size in _records(data, 0, name):
        if sst is not None:
            if kind == CONTINUE:
                sst.append(data[body : body + size])
                continue
            book.strings = _string_sizes(sst)
            sst = None
        if kind == EOF:
            break
        if kind == FILEPASS:
            raise PasswordProtected(
                f"“{name}”设置了打开密码，无法读取。请在 Excel 或 WPS 中取消密码并保存后再导入。"
            )
        if kind == BOF and size >= 4:  # as calamine: 0x0500, or 0 with the BIFF5 type, is BIFF5
            version, substream = unpack("<HH", data, body)
            book.biff8 = not (version == 0x0500 or (version == 0 and substream == 0x1000))
        elif kind == CODEPAGE and size >= 2:
            book.codepage = unpack("<H", data, body)[0]
            if book.codepage != 1200:
                book.not_unicode.append(body)
            codec = _codec(book.codepage)
        elif kind == DATEMODE and size >= 2:
            book.date1904 = unpack("<H", data, body)[0] == 1
        elif kind == NAME and size >= 4:
            book.longest_name = max(book.longest_name, data[body + 3])
        elif kind == BOUNDSHEET:
            if size < 8 - (not book.biff8):
                raise SheetFileError(_damaged(name, "工作表目录不完整"))
            offset, state, _sheet_type, length = unpack("<IBBB", data, body)
            end = body + size
            if book.biff8:  # a flags byte, then one or two bytes a character
                wide = data[body + 7] & 1
                raw = data[body + 8 : min(end, body + 8 + (length << wide))]
                sheet_name = raw.decode("utf-16-le" if wide else "latin-1", "replace")
            else:  # BIFF5: bytes in the workbook's code page
                sheet_name = data[body + 7 : min(end, body + 7 + length)].decode(codec, "replace")
            book.bounds.append((offset, sheet_name.replace("\0", ""), state & 0x03 != 0))
        elif kind == SST:
            sst = [data[body : body + size]]
    if sst is not None:
        book.strings = _string_sizes(sst)
    book.longest_sheet = max((len(sheet) for _, sheet, _ in book.bounds), default=0)
    return book


_DOUBLE_BYTE_PAGES = frozenset({932, 936, 949, 950})  # calamine garbles these in BIFF5 text


def _codec(codepage: int) -> str:
    if codepage in (1200, 0x8000, 0x8001):  # UTF-16 (BIFF8), Mac Roman, Windows-1252 by another name
        return "latin-1"
    try:
        return codecs.lookup(f"cp{codepage}").name
    except LookupError:
        return "latin-1"


def _string_sizes(parts: list[bytes]) -> list[int]:
    """The most UTF-8 bytes each shared string can become (3 a two-byte character, 2 a
    one-byte one), in SST order.

    The strings run on across CONTINUE records; a string's characters split by one start
    again with a flags byte. Stops where the data ends (calamine then refuses the file)."""
    if len(parts[0]) < 8:
        return []
    unique = struct.unpack_from("<I", parts[0], 4)[0]
    sizes: list[int] = []
    part, pos = 0, 8
    unpack = struct.unpack_from

    def advance() -> bool:
        nonlocal part, pos
        part, pos = part + 1, 0
        return part < len(parts)

    while len(sizes) < unique:
        data = parts[part]
        if pos >= len(data) and not advance():
            break
        data = parts[part]
        if len(data) - pos < 3:
            break
        chars, flags = unpack("<HB", data, pos)
        pos += 3
        skip = 0
        if flags & 0x08:
            if len(data) - pos < 2:
                break
            skip += 4 * unpack("<H", data, pos)[0]
            pos += 2
        if flags & 0x04:
            if len(data) - pos < 4:
                break
            skip += unpack("<I", data, pos)[0]
            pos += 4
        wide, left, size = flags & 0x01, chars, 0
        while True:
            taken = min(left, (len(data) - pos) >> wide)
            pos += taken << wide
            left -= taken
            size += taken * (3 if wide else 2)  # a byte-wide character is U+0000–U+00FF
            if not left:
                break
            if not advance():
                return sizes
            data = parts[part]
            if not data:
                return sizes
            wide, pos = data[0] & 0x01, 1
        while skip:
            taken = min(skip, len(data) - pos)
            pos += taken
            skip -= taken
            if skip:
                if not advance():
                    return sizes
                data = parts[part]
        sizes.append(size)
    return sizes


# Bytes of a formula's parsed tokens that make calamine write more than a few characters
# each: a defined name, a sheet name and "!", a number (5e-324 is written out digit by
# digit, ~330 characters from 9 bytes), an error (#GETTING_DATA). Counted wherever they occur
# (not only at token starts): an over-estimate, never an under-estimate.
_NAME_PTGS = bytes([0x23, 0x43, 0x63, 0x39, 0x59, 0x79])
_SHEET_PTGS = bytes([0x3A, 0x5A, 0x7A, 0x3B, 0x5B, 0x7B, 0x3C, 0x5C, 0x7C, 0x3D, 0x5D, 0x7D])
_NUMBER_PTGS, _ERROR_PTGS = bytes([0x1F]), bytes([0x1C])
ATTR = 0x19
# Excel keeps a formula to 8,192 characters, its spaces included. Each PtgAttrSpace puts its
# spaces in front of the text written so far, so its cost is the formula's length: bounded
# per formula and per sheet (≈ 2^24 and 2^30 bytes moved, milliseconds and a second).
MAX_FORMULA_SPACES = 2 * 8192
MAX_FORMULA_WORK = 1 << 24
MAX_SHEET_FORMULA_WORK = 1 << 30


def _formula_spaces(rgce: bytes) -> tuple[int, int]:
    """The spaces PtgAttrSpace tokens can add (kind and count bytes both, to be safe), and
    how many such tokens there are."""
    spaces = tokens = 0
    at = rgce.find(ATTR)
    while 0 <= at < len(rgce) - 3:
        if rgce[at + 1] & 0x40:  # grbit fSpace
            spaces += rgce[at + 2] + rgce[at + 3]
            tokens += 1
        at = rgce.find(ATTR, at + 1)
    return spaces, tokens


def _formulas_text(tokens: bytes, spaces: int, book: _Globals) -> int:
    """The most UTF-8 bytes calamine's text of formulas can take, from their token bytes
    (one formula's, or a sheet's all together): a few per byte, more for the tokens above,
    and the spaces."""
    text = 4 * len(tokens) + spaces
    for ptgs, cost in ((_NAME_PTGS, 3 * max(book.longest_name, 1)), (_SHEET_PTGS, 3 * book.longest_sheet + 3),
                       (_NUMBER_PTGS, 330), (_ERROR_PTGS, 13)):
        text += (len(tokens) - len(tokens.translate(None, ptgs))) * cost
    return text


def _walk_sheet(data: bytes, offset: int, sheet: str, hidden: bool, book: _Globals,
                name: str) -> tuple[SheetFacts, int]:
    """The sheet's facts, and where its substream ends."""
    rows = cols = 0  # the value range from A1, as the rows are handed to us
    reserve = 0  # cells a DIMENSIONS record makes calamine reserve (each one does)
    f_top = f_left = 1 << 32
    f_bottom = f_right = -1  # the formula range
    text = 0
    tokens: list[bytes] = []  # every formula's parsed tokens (rgce)
    spaces = 0
    work_done = 0  # bytes calamine moves writing the sheet's formula spaces, at most
    unpack = struct.unpack_from
    strings = book.strings
    count = len(strings)
    end = len(data)
    for kind, body, size in _records(data, offset, name):
        if kind == EOF:
            end = body
            break
        if kind in VALUE_CELLS and size >= 4:
            row, col = unpack("<HH", data, body)
            rows, cols = max(rows, row + 1), max(cols, col + 1)
            if kind == LABELSST and size >= 10:
                index = unpack("<I", data, body + 6)[0]
                text += strings[index] if index < count else 0
            elif kind == LABEL and size >= 8:
                text += 3 * unpack("<H", data, body + 6)[0]
            elif kind == FORMULA:
                f_top, f_bottom = min(f_top, row), max(f_bottom, row)
                f_left, f_right = min(f_left, col), max(f_right, col)
                if size > 22:
                    rgce = data[body + 22 : body + size]
                    tokens.append(rgce)
                    if ATTR in rgce:
                        formula_spaces, moves = _formula_spaces(rgce)
                        work = moves * _formulas_text(rgce, formula_spaces, book)
                        work_done += work
                        if (formula_spaces > MAX_FORMULA_SPACES or work > MAX_FORMULA_WORK
                                or work_done > MAX_SHEET_FORMULA_WORK):
                            raise SheetFileError(_damaged(name, f"工作表“{sheet}”中的公式长得不合理"))
                        spaces += formula_spaces
        elif kind == MULRK and size >= 6:
            row = unpack("<H", data, body)[0]
            last = unpack("<H", data, body + size - 2)[0]
            rows, cols = max(rows, row + 1), max(cols, last + 1)
        elif kind == STRING and size >= 2:
            text += 3 * unpack("<H", data, body)[0]
        elif kind == DIMENSIONS and size in (10, 14):
            if size == 14:
                first_row, last_row, first_col, last_col = unpack("<IIHH", data, body)
            else:
                first_row, last_row, first_col, last_col = unpack("<HHHH", data, body)
            if last_row >= 1 and last_col >= 1:  # calamine: (last - 1) - first + 1, in 32 bits
                declared = ((last_row - first_row) % (1 << 32)) * ((last_col - first_col) % (1 << 32))
                reserve = max(reserve, declared)
    formulas = (f_bottom - f_top + 1) * (f_right - f_left + 1) if f_bottom >= 0 else 0
    if tokens:
        text += _formulas_text(b"".join(tokens), spaces, book)
    facts = SheetFacts(sheet, rows, cols, hidden, text_bytes=text, extra_cells=formulas, reserve=reserve)
    return facts, end
