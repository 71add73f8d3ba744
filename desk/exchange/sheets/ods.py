"""The pre-check's measure of an .ods (see ``container``): each table's extent, merged
cells, formulas without a value and the text repeated cells copy, from content.xml."""

from __future__ import annotations

import re
import zipfile

from desk.exchange.sheets.container import MAX_MERGED, SheetFacts, merged_too_big, read_member

_ODS_TOKEN = re.compile(
    rb"<table:table(?=[\s>])([^>]*)>|</table:table>|<table:table-row(?=[\s/>])([^>]*?)(/?)>|</table:table-row>|"
    rb"<table:(?:covered-)?table-cell(?=[\s/>])([^>]*?)(/?)>"
)
_ODS_TAG = re.compile(rb"<[^>]*>")
_ODS_SPACES = re.compile(rb'<text:s\b[^>]*?\btext:c\s*=\s*["\']\s*(\d+)')
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')
_ODS_STYLE = re.compile(rb'table:style-name="([^"]+)"')
_ODS_ROWS_REP = re.compile(rb'table:number-rows-repeated="(\d+)"')
_ODS_COLS_REP = re.compile(rb'table:number-columns-repeated="(\d+)"')
_ODS_COLS_SPAN = re.compile(rb'table:number-columns-spanned="(\d+)"')
_ODS_ROWS_SPAN = re.compile(rb'table:number-rows-spanned="(\d+)"')
_ODS_HIDDEN_STYLE = re.compile(rb'<style:style\b[^>]*style:name="([^"]+)"[^>]*style:family="table"[^>]*>\s*'
                               rb'<style:table-properties\b[^>]*table:display="false"')


class _OdsTable:
    """The extent of one ODS table, following repeated rows and cells without expanding them."""

    def __init__(self, name: str, hidden: bool) -> None:
        self.name = name
        self.hidden = hidden
        self.row = 0  # index of the current row
        self.row_repeat = 1
        self.col = 0
        self.max_row = 0
        self.max_col = 0
        self.uncached: set[tuple[int, int]] = set()
        self.merged: list[tuple[tuple[int, int], tuple[int, int]]] = []
        self.text = 0  # bytes of text calamine copies for repeated cells
        self._open: tuple[int, int] | None = None  # (copies, where its content starts) of the open cell

    def content_ends(self, data: bytes, at: int) -> None:
        """The open cell's content ends at ``at``: count its text once for every copy, and
        the spaces of ``<text:s text:c="N"/>`` (calamine writes out N spaces). The text of a
        cell that is there once is bounded by the XML itself and not counted."""
        if self._open is None:
            return
        copies, start = self._open
        self._open = None
        spaces = data.find(b"text:c=", start, at) >= 0
        if copies == 1 and not spaces:
            return
        chunk = data[start:at]
        text = sum(int(n) for n in _ODS_SPACES.findall(chunk)) if spaces else 0
        if copies > 1:
            text += len(_ODS_TAG.sub(b"", chunk))
        self.text += copies * text

    def start_row(self, attrs: bytes, empty: bool) -> None:
        repeat = int(m[1]) if (m := _ODS_ROWS_REP.search(attrs)) else 1
        if empty:
            self.row += repeat
        else:
            self.row_repeat = repeat
            self.col = 0

    def end_row(self) -> None:
        self.row += self.row_repeat
        self.row_repeat = 1

    def cell(self, attrs: bytes, empty: bool, content: int) -> None:
        repeat = int(m[1]) if (m := _ODS_COLS_REP.search(attrs)) else 1
        if not empty:
            self._open = (repeat * self.row_repeat, content)
        valued = b"office:value-type" in attrs
        if b"table:formula" in attrs and not valued:
            self.uncached.add((self.row, self.col))
        cols_spanned = int(m[1]) if (m := _ODS_COLS_SPAN.search(attrs)) else 1
        rows_spanned = int(m[1]) if (m := _ODS_ROWS_SPAN.search(attrs)) else 1
        if (cols_spanned > 1 or rows_spanned > 1) and len(self.merged) < MAX_MERGED:
            self.merged.append(((self.row, self.col), (self.row + rows_spanned - 1, self.col + cols_spanned - 1)))
        self.col += repeat
        if valued or not empty:
            self.max_row = max(self.max_row, self.row + self.row_repeat)
            self.max_col = max(self.max_col, self.col)

    def facts(self) -> SheetFacts:
        return SheetFacts(self.name, self.max_row, self.max_col, self.hidden, frozenset(self.uncached),
                          tuple(self.merged), refusal=merged_too_big(self.name, self.merged) or "",
                          text_bytes=self.text)


def inspect_ods(archive: zipfile.ZipFile, name: str) -> dict[str, SheetFacts]:
    data = read_member(archive, "content.xml", name)
    hidden_styles = set(_ODS_HIDDEN_STYLE.findall(data))
    sheets: dict[str, SheetFacts] = {}
    table: _OdsTable | None = None
    for match in _ODS_TOKEN.finditer(data):
        token = match[0]
        if token.startswith(b"<table:table ") or token == b"<table:table>":
            attrs = match[1] or b""
            found = _ODS_NAME.search(attrs)
            style = _ODS_STYLE.search(attrs)
            table = _OdsTable(
                found[1].decode("utf-8", "replace") if found else f"Sheet{len(sheets) + 1}",
                bool(style and style[1] in hidden_styles),
            )
        elif table is None:
            continue
        table.content_ends(data, match.start())
        if token == b"</table:table>":
            sheets[table.name] = table.facts()
            table = None
        elif token == b"</table:table-row>":
            table.end_row()
        elif token.startswith(b"<table:table-row"):
            table.start_row(match[2] or b"", bool(match[3]))
        else:
            table.cell(match[4] or b"", bool(match[5]), match.end())
    return sheets
