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

import struct
from collections.abc import Iterator
from pathlib import Path

import olefile

from desk.exchange.sheets.container import SheetFacts
from desk.exchange.sheets.errors import PasswordProtected, SheetFileError

EOF, FILEPASS, DATEMODE, BOUNDSHEET, SST, CONTINUE = 0x000A, 0x002F, 0x0022, 0x0085, 0x00FC, 0x003C
DIMENSIONS, LABELSST, LABEL, STRING, FORMULA, MULRK = 0x0200, 0x00FD, 0x0204, 0x0207, 0x0006, 0x00BD
# Records of cells that hold a value: row and column are the first two 16-bit words.
VALUE_CELLS = frozenset({0x0203, 0x027E, LABELSST, LABEL, 0x0205, FORMULA, 0x00D6})


def inspect_ole(path: Path) -> tuple[str, bool, dict[str, SheetFacts]]:
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
        date1904, sheets = walk_workbook(data, name)
    except struct.error:
        raise SheetFileError(f"“{name}”已损坏（工作簿数据不完整），无法读取。请重新获取原文件。") from None
    return "xls", date1904, sheets


def walk_workbook(data: bytes, name: str) -> tuple[bool, dict[str, SheetFacts]]:
    """The date system and every sheet's facts, read the way calamine reads the stream:
    the globals up to their EOF, then each BOUNDSHEET's substream from the offset it names
    up to the next EOF. calamine parses every sheet when it opens the file, so what each
    substream would make it allocate is measured here first (``FileFacts.book_refusal``)."""
    date1904, bounds, strings = _walk_globals(data, name)
    sheets: dict[str, SheetFacts] = {}
    offsets: set[int] = set()
    for offset, sheet_name, hidden in bounds:
        if offset > len(data):
            raise SheetFileError(_damaged(name, f"工作表“{sheet_name}”的位置超出了工作簿数据"))
        if offset in offsets or sheet_name in sheets:
            raise SheetFileError(_damaged(name, f"工作表“{sheet_name}”重复出现"))
        offsets.add(offset)
        sheets[sheet_name] = _walk_sheet(data, offset, sheet_name, hidden, strings, name)
    return date1904, sheets


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


def _walk_globals(data: bytes, name: str) -> tuple[bool, list[tuple[int, str, bool]], list[int]]:
    date1904 = False
    bounds: list[tuple[int, str, bool]] = []  # (stream offset of the sheet's BOF, name, hidden)
    strings: list[int] = []
    sst: list[bytes] | None = None  # the SST record and its CONTINUE records, while they last
    unpack = struct.unpack_from
    for kind, body, size in _records(data, 0, name):
        if sst is not None:
            if kind == CONTINUE:
                sst.append(data[body : body + size])
                continue
            strings = _string_sizes(sst)
            sst = None
        if kind == EOF:
            break
        if kind == FILEPASS:
            raise PasswordProtected(
                f"“{name}”设置了打开密码，无法读取。请在 Excel 或 WPS 中取消密码并保存后再导入。"
            )
        if kind == DATEMODE and size >= 2:
            date1904 = unpack("<H", data, body)[0] == 1
        elif kind == BOUNDSHEET:
            if size < 8:
                raise SheetFileError(_damaged(name, "工作表目录不完整"))
            offset, state, _sheet_type, length, high = unpack("<IBBBB", data, body)
            raw = data[body + 8 : body + 8 + (length * 2 if high & 1 else length)]
            sheet_name = raw.decode("utf-16-le" if high & 1 else "latin-1", "replace").replace("\0", "")
            bounds.append((offset, sheet_name, state & 0x03 != 0))
        elif kind == SST:
            sst = [data[body : body + size]]
    if sst is not None:
        strings = _string_sizes(sst)
    return date1904, bounds, strings


def _string_sizes(parts: list[bytes]) -> list[int]:
    """The most UTF-8 bytes each shared string can become (3 per character), in SST order.

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
        wide, left = flags & 0x01, chars
        while True:
            taken = min(left, (len(data) - pos) >> wide)
            pos += taken << wide
            left -= taken
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
        sizes.append(3 * chars)
    return sizes


def _walk_sheet(data: bytes, offset: int, sheet: str, hidden: bool, strings: list[int], name: str) -> SheetFacts:
    rows = cols = 0  # the value range from A1, as the rows are handed to us
    reserve = 0  # cells DIMENSIONS makes calamine reserve
    f_top = f_left = 1 << 32
    f_bottom = f_right = -1  # the formula range
    text = 0
    unpack = struct.unpack_from
    count = len(strings)
    for kind, body, size in _records(data, offset, name):
        if kind == EOF:
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
                reserve = ((last_row - first_row) % (1 << 32)) * ((last_col - first_col) % (1 << 32))
    formulas = (f_bottom - f_top + 1) * (f_right - f_left + 1) if f_bottom >= 0 else 0
    return SheetFacts(sheet, rows, cols, hidden, text_bytes=text, extra_cells=max(reserve, formulas))
