"""The pre-check's measure of an .xlsx/.xlsm (see ``container``): each sheet's extent from
its XML, its merged ranges, formulas saved without a result, and the shared text its cells
copy. workbook.xml and its relationships go through defusedxml."""

from __future__ import annotations

import posixpath
import re
import zipfile
from typing import Any
from xml.parsers import expat

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from desk.exchange.sheets import container  # its limits, read when used
from desk.exchange.sheets.container import (
    PROLOG_BYTES,
    MergedRange,
    SheetFacts,
    check_xml_prolog,
    column_number,
    merged_too_big,
    read_member,
)
from desk.exchange.sheets.errors import SheetFileError

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _parse_xml(data: bytes, member: str, name: str) -> Any:
    try:
        return SafeET.fromstring(data)
    except DefusedXmlException:
        raise SheetFileError(f"“{name}”的“{member}”中含有不安全的 XML 内容，已拒绝读取。") from None
    except SafeET.ParseError as exc:
        raise SheetFileError(f"“{name}”的“{member}”已损坏（{exc}）。") from None


def inspect_xlsx(archive: zipfile.ZipFile, name: str) -> tuple[str, bool, dict[str, SheetFacts]]:
    content_types = read_member(archive, "[Content_Types].xml", name)
    kind = "xlsm" if b"macroEnabled" in content_types else "xlsx"
    workbook = _parse_xml(read_member(archive, "xl/workbook.xml", name), "xl/workbook.xml", name)
    pr = workbook.find(f"{_NS_MAIN}workbookPr")
    date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
    targets: dict[str, str] = {}
    shared_target = "xl/sharedStrings.xml"
    if "xl/_rels/workbook.xml.rels" in archive.namelist():
        rels = _parse_xml(read_member(archive, "xl/_rels/workbook.xml.rels", name), "workbook.xml.rels", name)
        for rel in rels.iter(f"{_NS_PKG_REL}Relationship"):
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[rel.get("Id", "")] = target
            if rel.get("Type", "").endswith("/sharedStrings"):
                shared_target = target
    sheets: dict[str, SheetFacts] = {}
    members = set(archive.namelist())
    shared = _SharedStrings(archive, [m for m in dict.fromkeys((shared_target, "xl/sharedStrings.xml"))
                                      if m in members], name)
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        sheet_name = sheet.get("name", "")
        hidden = sheet.get("state", "visible") != "visible"
        target = targets.get(sheet.get(f"{_NS_REL}id", ""), "")
        if target not in members:
            sheets[sheet_name] = SheetFacts(sheet_name, 0, 0, hidden)  # a chart sheet, or a missing part
            continue
        if archive.getinfo(target).file_size > container.MAX_SHEET_XML_BYTES:
            why = (f"工作表“{sheet_name}”的数据量太大（超过 {container.MAX_SHEET_XML_BYTES // 1024 // 1024} MB），"
                   "请拆成几个文件分批导入。")
            sheets[sheet_name] = SheetFacts(sheet_name, 0, 0, hidden, refusal=why)
            continue
        data = read_member(archive, target, name)
        xml = _sheet_xml(data)
        rows, cols, listed = _xlsx_extent(data, xml)
        refusal = merged_too_big(sheet_name, _xlsx_merged(data, xml)) or ""
        sheets[sheet_name] = SheetFacts(sheet_name, rows, cols, hidden, _xlsx_uncached(data, xml), refusal=refusal,
                                        listed_rows=listed, text_bytes=shared.copied_by(data))
        del data
    return kind, date1904, sheets


_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
class _SheetXml:
    """The patterns for the sheet's tags. calamine matches tags by their local name, so
    ``<x:row>`` (programs built on the .NET Open XML SDK write that) is a row as much as
    ``<row>``, whatever the prefix and wherever it is declared. The patterns that allow a
    prefix are twice as slow, so they are used only for a sheet that has one."""

    def __init__(self, prefix: bytes) -> None:
        p = prefix
        self.row_ref = re.compile(rb"<" + p + rb'row\b[^>]*?\br="(\d+)"')
        self.row_tag = re.compile(rb"<" + p + rb"row\b")
        self.cell_col = re.compile(rb"<" + p + rb'c\b[^>]*?\br="([A-Z]{1,3})\d+"')
        self.cell_row = re.compile(rb"<" + p + rb'c\b[^>]*?\br="[A-Z]{1,3}(\d+)"')
        self.cell_tag = re.compile(rb"<" + p + rb"c[\s>/]")
        self.sheet_data = re.compile(rb"<" + p + rb"sheetData\b")
        self.sheet_data_end = re.compile(rb"</" + p + rb"sheetData\s*>")
        self.merge_cells = re.compile(rb"<" + p + rb"mergeCells\b")
        self.formula = re.compile(rb"<" + p + rb"f\b")
        self.dimension = re.compile(rb"<" + p + rb'dimension\b[^>]*?\bref="\$?([A-Z]{1,3})\$?(\d+)'
                                    rb'(?::\$?([A-Z]{1,3})\$?(\d+))?"')
        self.valued_cell = re.compile(rb"<" + p + rb"c\b([^>]*?)(?:/>|>(.*?)</" + p + rb"c\s*>)", re.S)
        self.has_value = re.compile(rb"<" + p + rb"is\b|<" + p + rb"v\b[^>]*>\s*[^<\s]")
        self.merge_ref = re.compile(rb"<" + p + rb'mergeCell\b[^>]*?\bref="\$?([A-Z]{1,3})\$?(\d+)'
                                    rb'(?::\$?([A-Z]{1,3})\$?(\d+))?"')
        self.uncached = re.compile(
            rb"<" + p + rb'c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*>\s*<' + p + rb"f\b[^>]*?(?:/>|>[^<]*</" + p
            + rb"f>)\s*(?:<" + p + rb"v\s*/>|<" + p + rb"v>\s*</" + p + rb"v>)?\s*</" + p + rb"c>"
        )


_PLAIN_XML = _SheetXml(b"")
_PREFIXED_XML = _SheetXml(rb"(?:[\w.-]+:)?")


def _sheet_xml(data: bytes) -> _SheetXml:
    """Whether any tag of the sheet carries a prefix (≈ 25 ms for 10,000 rows)."""
    return _PREFIXED_XML if _PREFIXED_TAG.search(data) else _PLAIN_XML


_PREFIXED_TAG = re.compile(rb"<[\w.-]+:")


_SHARED_CELL = re.compile(rb"""<(?:[\w.-]+:)?c\b[^>]*?\bt\s*=\s*["']s["']""")
_SHARED_REF = re.compile(rb"""<(?:[\w.-]+:)?c\b[^>]*?\bt\s*=\s*["']s["'][^>]*>\s*<(?:[\w.-]+:)?v\b[^>]*>\s*(\d+)\s*<""")


class _SharedStrings:
    """The shared-string table, as far as memory goes: calamine gives every cell that refers
    to a shared string its own copy of it, so a 1 MB file whose million cells all name one
    long string becomes gigabytes. Read only when a sheet has such cells, with an XML parser
    (items are ``si`` elements by local name, as calamine matches them; comments and the
    like cannot shift them). Both the table the relationships name and the one calamine
    opens (``xl/sharedStrings.xml``) are measured, the larger size counting for each item."""

    def __init__(self, archive: zipfile.ZipFile, members: list[str], name: str) -> None:
        self._archive, self._members, self._name = archive, members, name
        self._sizes: list[int] | None = None

    def sizes(self) -> list[int]:
        """Each string's UTF-8 size, in order."""
        if self._sizes is None:
            self._sizes = []
            for member in self._members:
                data = read_member(self._archive, member, self._name)
                check_xml_prolog(data[:PROLOG_BYTES], member, self._name)
                found = _shared_sizes(data, member, self._name)
                short, long = sorted((self._sizes, found), key=len)
                self._sizes = [max(a, b) for a, b in zip(short, long, strict=False)] + long[len(short):]
        return self._sizes

    def copied_by(self, sheet: bytes) -> int:
        """An upper bound of the bytes of shared text the sheet's cells copy."""
        if not (sizes := self.sizes()) or not (cells := len(_SHARED_CELL.findall(sheet))):
            return 0
        longest = max(sizes)
        if (rough := cells * longest) <= container.MAX_SHEET_TEXT_BYTES:
            return rough
        count = len(sizes)
        refs = _SHARED_REF.findall(sheet)
        named = sum(sizes[index] for ref in refs if (index := int(ref)) < count)
        return named + (cells - len(refs)) * longest  # a cell written in a way not followed here


def _shared_sizes(data: bytes, member: str, name: str) -> list[int]:
    sizes: list[int] = []
    depth = 0  # inside how many si elements

    def start(tag: str, _attrs: object) -> None:
        nonlocal depth
        if tag.rpartition(":")[2] == "si":
            if not depth:
                sizes.append(0)
            depth += 1

    def end(tag: str) -> None:
        nonlocal depth
        if depth and tag.rpartition(":")[2] == "si":
            depth -= 1

    def text(chunk: str) -> None:
        if depth:
            sizes[-1] += len(chunk.encode("utf-8", "surrogatepass"))

    def refuse(*_args: object) -> None:  # what defusedxml does: no DTD, no entities
        raise SheetFileError(f"“{name}”的“{member}”中含有不安全的 XML 内容，已拒绝读取。")

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise SheetFileError(f"“{name}”的“{member}”已损坏（{exc}）。") from None
    return sizes


def _xlsx_extent(data: bytes, xml: _SheetXml) -> tuple[int, int, int]:
    """Rows and columns of the sheet's extent, and how many ``<row>`` elements name their row.

    First the furthest row and column anything declares — the ``<dimension>``, every row's
    ``r`` and every cell's own ``r`` (an over-estimate: empty, styled cells count); when that
    is too big, counted again from the cells that hold a value, which are the ones calamine
    places (it sizes its range from them, not from the dimension or empty cells)."""
    row_refs = xml.row_ref.findall(data)
    listed = len(row_refs)
    rows = max(map(int, set(row_refs)), default=0)
    del row_refs
    rows = max(rows, max(map(int, set(xml.cell_row.findall(data))), default=0))
    letters = set(xml.cell_col.findall(data))
    cols = max((column_number(c) for c in letters), default=0)
    if not letters and xml.cell_tag.search(data):  # cells without r="…"
        cols = max(len(xml.cell_tag.findall(chunk)) for chunk in xml.row_tag.split(data))
    found = xml.sheet_data.search(data)
    dimension = xml.dimension.search(data, 0, found.start() if found else len(data))
    if dimension is not None:
        rows = max(rows, int(dimension[4] or dimension[2]))
        cols = max(cols, column_number(dimension[3] or dimension[1]))
    facts = SheetFacts("", rows, cols)
    if facts.too_big() is None:
        return rows, cols, listed
    rows = cols = 0
    for match in xml.valued_cell.finditer(data):
        if not xml.has_value.search(match[2] or b""):
            continue
        ref = _REF.search(match[1])
        if ref is None:
            return facts.rows, facts.cols, listed  # positions unknown: keep the safe over-estimate
        rows = max(rows, int(ref[2]))
        cols = max(cols, column_number(ref[1]))
    return rows, cols, listed


def _xlsx_merged(data: bytes, xml: _SheetXml) -> list[MergedRange]:
    """The sheet's merged ranges (0-based corners), from ``<mergeCells>`` after the cells."""
    ends = [m.end() for m in xml.sheet_data_end.finditer(data)]
    found = xml.merge_cells.search(data, ends[-1] if ends else 0)
    if found is None:
        return []
    start = found.start()
    ranges: list[MergedRange] = []
    for m in xml.merge_ref.finditer(data, start):
        r0, c0 = int(m[2]) - 1, column_number(m[1]) - 1
        r1, c1 = (int(m[4]) - 1, column_number(m[3]) - 1) if m[3] else (r0, c0)
        ranges.append(((r0, c0), (r1, c1)))
    return ranges


def _xlsx_uncached(data: bytes, xml: _SheetXml) -> frozenset[tuple[int, int]]:
    if not xml.formula.search(data):
        return frozenset()
    return frozenset((int(m[2]) - 1, column_number(m[1]) - 1) for m in xml.uncached.finditer(data))


