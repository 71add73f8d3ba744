"""Legacy .xls workbooks built record by record, for what no spreadsheet program writes:
a DIMENSIONS record declaring billions of cells, one long shared string used by tens of
thousands of cells, a sheet listed twice, a sheet whose offset points past the stream.

``Book`` writes BIFF8 records into an OLE2 (compound file, version 3) container that both
olefile and python-calamine read. Only what these tests need: worksheets with strings and
numbers, and a shared-string table whose strings may run on across CONTINUE records; or Excel 95's
BIFF5, whose text is in a code page.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field
from pathlib import Path

BOF, EOF, BOUNDSHEET, SST, CONTINUE, CODEPAGE = 0x0809, 0x000A, 0x0085, 0x00FC, 0x003C, 0x0042
DIMENSIONS, LABELSST, LABEL, NUMBER, FORMULA = 0x0200, 0x00FD, 0x0204, 0x0203, 0x0006

FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


@dataclass
class Sheet:
    name: str
    cells: list[tuple[int, int, str | float]] = field(default_factory=list)  # (row, col, value), 0-based
    dimensions: tuple[int, int, int, int] | None = None  # (first row, last row + 1, first col, last col + 1)
    extra: bytes = b""  # raw records appended after the cells


@dataclass
class Book:
    sheets: list[Sheet] = field(default_factory=list)
    strings: list[str] = field(default_factory=list)
    sst_parts: list[bytes] | None = None  # the SST body and CONTINUE bodies, written as given
    offsets: dict[int, int] = field(default_factory=dict)  # sheet index → offset to write instead
    globals_extra: bytes = b""  # raw records written at the end of the globals
    biff5: bool = False  # Excel 95: a "Book" stream, names and LABEL text in ``codepage``, no SST
    codepage: int = 1252

    def sheet(self, name: str) -> Sheet:
        self.sheets.append(Sheet(name))
        return self.sheets[-1]

    def string(self, text: str) -> int:
        if text not in self.strings:
            self.strings.append(text)
        return self.strings.index(text)

    def workbook_stream(self) -> bytes:
        substreams = [self._substream(sheet) for sheet in self.sheets]
        globals_size = len(self._globals([0] * len(self.sheets)))
        offsets, at = [], globals_size
        for body in substreams:
            offsets.append(at)
            at += len(body)
        offsets = [self.offsets.get(i, offset) for i, offset in enumerate(offsets)]
        return self._globals(offsets) + b"".join(substreams)

    def save(self, path: Path) -> Path:
        path.write_bytes(compound_file(self.workbook_stream(), "Book" if self.biff5 else "Workbook"))
        return path

    def _bof(self, substream: int) -> bytes:
        if self.biff5:
            return record(BOF, struct.pack("<HHHH", 0x0500, substream, 0x0DBB, 0x07CC))
        return record(BOF, struct.pack("<HHHHII", 0x0600, substream, 0x0DBB, 0x07CC, 0, 6))

    def _globals(self, offsets: list[int]) -> bytes:
        out = self._bof(0x0005) + record(CODEPAGE, struct.pack("<H", self.codepage if self.biff5 else 1200))
        for sheet, offset in zip(self.sheets, offsets, strict=True):
            if self.biff5:
                name = sheet.name.encode(f"cp{self.codepage}")
                out += record(BOUNDSHEET, struct.pack("<IBBB", offset, 0, 0, len(name)) + name)
            else:
                name = sheet.name.encode("utf-16-le")
                out += record(BOUNDSHEET, struct.pack("<IBBBB", offset, 0, 0, len(sheet.name), 1) + name)
        if not self.biff5:
            parts = self.sst_parts if self.sst_parts is not None else [self._sst_body()]
            if parts:
                out += record(SST, parts[0]) + b"".join(record(CONTINUE, part) for part in parts[1:])
        return out + self.globals_extra + record(EOF, b"")

    def _sst_body(self) -> bytes:
        body = struct.pack("<II", len(self.strings), len(self.strings))
        for text in self.strings:
            body += struct.pack("<HB", len(text.encode("utf-16-le")) // 2, 1) + text.encode("utf-16-le")
        assert len(body) <= 8224, "long tables need sst_parts with CONTINUE records"
        return body

    def _substream(self, sheet: Sheet) -> bytes:
        out = self._bof(0x0010)
        if sheet.dimensions is not None:
            out += record(DIMENSIONS, struct.pack("<IIHHH", *sheet.dimensions, 0))
        elif sheet.cells:
            rows = [r for r, _, _ in sheet.cells]
            cols = [c for _, c, _ in sheet.cells]
            out += record(DIMENSIONS, struct.pack("<IIHHH", min(rows), max(rows) + 1, min(cols), max(cols) + 1, 0))
        for row, col, value in sheet.cells:
            if isinstance(value, str) and self.biff5:
                text = value.encode(f"cp{self.codepage}")
                out += record(LABEL, struct.pack("<HHHH", row, col, 0, len(text)) + text)
            elif isinstance(value, str):
                out += record(LABELSST, struct.pack("<HHHI", row, col, 0, self.string(value)))
            else:
                out += record(NUMBER, struct.pack("<HHHd", row, col, 0, float(value)))
        return out + sheet.extra + record(EOF, b"")


def compound_file(stream: bytes, name: str = "Workbook") -> bytes:
    """An OLE2 compound file (version 3, 512-byte sectors) holding one stream."""
    stream = stream.ljust(4096, b"\0")  # under 4096 bytes a stream would go in the mini stream
    data_sectors = math.ceil(len(stream) / 512)
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + 1 + data_sectors:
        fat_sectors += 1
    assert fat_sectors <= 109, "the header's DIFAT holds 109 FAT sectors"
    directory = fat_sectors
    first_data = directory + 1
    fat = [FAT_SECTOR] * fat_sectors + [END]
    fat += [first_data + i + 1 for i in range(data_sectors - 1)] + [END]
    fat += [FREE] * (fat_sectors * 128 - len(fat))
    difat = list(range(fat_sectors)) + [FREE] * (109 - fat_sectors)
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<IIIIIIIII", 0, fat_sectors, directory, 0, 4096, END, 0, END, 0)
    header += struct.pack("<109I", *difat)
    entries = _entry("Root Entry", 5, child=1, start=END, size=0) + _entry(name, 2, start=first_data,
                                                                          size=len(stream))
    entries += _entry("", 0, start=0, size=0) * 2
    body = struct.pack(f"<{len(fat)}I", *fat) + entries + stream.ljust(data_sectors * 512, b"\0")
    return header + body


def _entry(name: str, kind: int, *, start: int, size: int, child: int = NO_STREAM) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    entry = encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1 if kind else 0)
    entry += struct.pack("<III", NO_STREAM, NO_STREAM, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
    return entry + struct.pack("<IQ", start, size)
