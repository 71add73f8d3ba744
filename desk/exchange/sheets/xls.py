"""Legacy .xls (BIFF8, also what WPS's .et exports) and other OLE2 compound files.

An OLE2 file may be an .xls, an *encrypted* .xlsx (Excel wraps a password-protected
workbook in OLE2 with ``EncryptionInfo``/``EncryptedPackage`` streams), a Word .doc …
The workbook stream's records are walked once to learn the date system (DATEMODE), a
password (FILEPASS), the sheets (BOUNDSHEET) and each sheet's extent from its cell
records, so that calamine is never asked to load a sheet whose extent is absurd.
"""

from __future__ import annotations

import struct
from pathlib import Path

import olefile

from desk.exchange.sheets.container import SheetFacts
from desk.exchange.sheets.errors import PasswordProtected, SheetFileError

BOF, EOF, FILEPASS, DATEMODE, BOUNDSHEET = 0x0809, 0x000A, 0x002F, 0x0022, 0x0085
# Records of cells that hold a value: row and column are the first two 16-bit words.
VALUE_CELLS = frozenset({0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x00D6})
MULRK = 0x00BD
WORKSHEET = 0x0010


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
    date1904 = False
    boundsheets: dict[int, tuple[str, bool]] = {}  # stream offset of the sheet's BOF → (name, hidden)
    extents: dict[str, tuple[int, int]] = {}
    current: str | None = None
    in_globals = False
    pos = 0
    end = len(data)
    unpack = struct.unpack_from
    while pos + 4 <= end:
        kind, size = unpack("<HH", data, pos)
        body = pos + 4
        if body + size > end:
            raise SheetFileError(f"“{name}”已损坏（工作簿数据不完整），无法读取。请重新获取原文件。")
        if kind == BOF:
            substream = unpack("<H", data, body + 2)[0] if size >= 4 else 0
            in_globals = substream == 0x0005
            sheet = boundsheets.get(pos)
            current = sheet[0] if sheet and substream == WORKSHEET else None
            if current is not None:
                extents.setdefault(current, (0, 0))
        elif kind == EOF:
            current = None
            in_globals = False
        elif in_globals:
            if kind == FILEPASS:
                raise PasswordProtected(
                    f"“{name}”设置了打开密码，无法读取。请在 Excel 或 WPS 中取消密码并保存后再导入。"
                )
            if kind == DATEMODE and size >= 2:
                date1904 = unpack("<H", data, body)[0] == 1
            elif kind == BOUNDSHEET and size >= 8:
                offset, state, _sheet_type, length, high = unpack("<IBBBB", data, body)
                raw = data[body + 8 : body + 8 + (length * 2 if high & 1 else length)]
                sheet_name = raw.decode("utf-16-le" if high & 1 else "latin-1", "replace")
                boundsheets[offset] = (sheet_name, state & 0x03 != 0)
        elif current is not None and size >= 4:
            if kind in VALUE_CELLS:
                row, col = unpack("<HH", data, body)
                rows, cols = extents[current]
                extents[current] = (max(rows, row + 1), max(cols, col + 1))
            elif kind == MULRK and size >= 6:
                row = unpack("<H", data, body)[0]
                last = unpack("<H", data, body + size - 2)[0]
                rows, cols = extents[current]
                extents[current] = (max(rows, row + 1), max(cols, last + 1))
        pos = body + size
    sheets: dict[str, SheetFacts] = {}
    for sheet_name, hidden in boundsheets.values():
        rows, cols = extents.get(sheet_name, (0, 0))
        sheets[sheet_name] = SheetFacts(sheet_name, rows, cols, hidden)
    return date1904, sheets
