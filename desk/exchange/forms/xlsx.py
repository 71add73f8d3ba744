"""A :class:`~desk.exchange.forms.model.Book` as an Excel workbook, one sheet per form.

Written in openpyxl's write-only (streaming) mode with one shared style per kind of cell,
the rows serialised by ``sheetxml`` rather than cell by cell, so that a 2,000-row form costs
less than openpyxl dumping its bare values. Each sheet: the merged
title row, the unit line, grouped two-row headers, 序号, thin borders, amounts with
thousands separators, frozen header, A4 landscape fitted to the page width with the header
rows repeated and “第 &P 页 共 &N 页” in the footer, notes, and the signature line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from desk import __version__
from desk.exchange import atomic
from desk.exchange.forms import fonts
from desk.exchange.forms.model import DATE, Book, Cell, Form, RowKind, Table, is_number
from desk.exchange.forms.sheetxml import RowWriter, blank_cell, date_cell, number_cell, text_cell

BODY_SIZE = 10
LINE_PT = 13.5  # the height of one line of 10 pt 宋体
THIN = Side(style="thin", color="FF333333")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="FFE6EBF2")
SECTION_FILL = PatternFill("solid", fgColor="FFF2F5F9")
TOTAL_FILL = PatternFill("solid", fgColor="FFF7F7F7")


def _text_units(text: str) -> float:
    """Width of text in Excel's character units (CJK characters count about two)."""
    # two per character, less one per ASCII character (the ones that survive an ASCII encoding)
    return float(2 * len(text) - len(text.encode("ascii", "ignore")))


@lru_cache(maxsize=8192)  # forms repeat their texts (类别, 阶段, 单位 …) row after row
def _lines(text: str, width: float) -> int:
    room = max(1.0, width - 1.2)
    return sum(max(1, math.ceil(_text_units(part) * 1.05 / room)) for part in text.split("\n"))


def _clean(value: Cell) -> Any:
    """A value openpyxl will store as it is: text stays text (never a formula), bools read 是/否."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


@dataclass(frozen=True)
class _Style:
    kind: str
    align: str
    number_format: str | None
    wrap: bool
    id: int  # index into the workbook's cell styles


class _Styles:
    """One style per kind of cell, registered in the workbook once."""

    def __init__(self, ws: Any, font_name: str) -> None:
        self.ws = ws
        self.font_name = font_name
        self._cache: dict[tuple[Any, ...], _Style] = {}

    def get(self, kind: str, align: str = "left", number_format: str | None = None, wrap: bool = True) -> _Style:
        key = (kind, align, number_format, wrap)
        found = self._cache.get(key)
        if found is None:
            array = self._build(kind, align, number_format, wrap)
            style_id = self.ws.parent._cell_styles.add(array)
            found = self._cache[key] = _Style(kind, align, number_format, wrap, style_id)
        return found

    def _build(self, kind: str, align: str, number_format: str | None, wrap: bool) -> Any:
        cell = WriteOnlyCell(self.ws)
        name = self.font_name
        if kind == "title":
            cell.font = Font(name=name, size=18, bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        elif kind == "unit":
            cell.font = Font(name=name, size=10.5)
            cell.alignment = Alignment(horizontal=align, vertical="center")
        elif kind == "caption":
            cell.font = Font(name=name, size=11, bold=True)
            cell.alignment = Alignment(horizontal="left", vertical="center")
        elif kind == "header":
            cell.font = Font(name=name, size=BODY_SIZE, bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = BORDER
            cell.fill = HEADER_FILL
        elif kind in ("data", "section", "total"):
            cell.font = Font(name=name, size=BODY_SIZE, bold=kind != "data")
            cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
            cell.border = BORDER
            if kind == "section":
                cell.fill = SECTION_FILL
            elif kind == "total":
                cell.fill = TOTAL_FILL
            if number_format:
                cell.number_format = number_format
        elif kind == "note":
            cell.font = Font(name=name, size=10)
            cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        elif kind == "sign":
            cell.font = Font(name=name, size=11)
            cell.alignment = Alignment(horizontal=align, vertical="center")
        return cell._style


@dataclass
class _Grid:
    """The sheet's columns: the longest table's columns; other tables' columns cover runs of
    them (their boundaries snapped to the nearest grid boundary)."""

    widths: list[float]
    spans: dict[int, list[tuple[int, int]]]  # table index → (first, last) grid column per table column


def _grid(tables: Sequence[Table]) -> _Grid:
    primary = max(range(len(tables)), key=lambda i: len(tables[i].rows))
    widths = [c.width for c in tables[primary].all_columns]
    total = sum(widths)
    bounds = [sum(widths[:i]) for i in range(len(widths) + 1)]
    spans: dict[int, list[tuple[int, int]]] = {}
    for index, table in enumerate(tables):
        columns = table.all_columns
        if index == primary:
            spans[index] = [(i, i) for i in range(len(columns))]
            continue
        own = [c.width for c in columns]
        scale = total / sum(own)
        targets = [sum(own[:i]) * scale for i in range(1, len(own))]
        chosen = [0]
        n, m = len(widths), len(columns)
        if m > n:  # more columns than the grid: fall back to one grid column each from the left
            spans[index] = [(min(i, n - 1), min(i, n - 1)) for i in range(m)]
            continue
        for j, target in enumerate(targets, start=1):
            low, high = chosen[-1] + 1, n - (m - j)
            best = min(range(low, high + 1), key=lambda b: abs(bounds[b] - target))
            chosen.append(best)
        chosen.append(n)
        spans[index] = [(chosen[i], chosen[i + 1] - 1) for i in range(m)]
    return _Grid(widths, spans)


class _SheetWriter:
    def __init__(self, wb: Workbook, form: Form, book: Book, font_name: str) -> None:
        self.form = form
        self.ws = wb.create_sheet(form.sheet_name)
        self.epoch = wb.epoch
        self.styles = _Styles(self.ws, font_name)
        self.grid = _grid(form.tables)
        self.ncols = len(self.grid.widths)
        self.row = 0
        self._setup(book)
        self.out = RowWriter(self.ws, self.ncols)  # after the setup: it writes the sheet's head

    def _setup(self, book: Book) -> None:
        ws = self.ws
        for index, width in enumerate(self.grid.widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.page_setup.orientation = "landscape" if self.form.landscape else "portrait"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.75, bottom=0.75, header=0.3, footer=0.3)
        ws.oddFooter.center.text = "第 &P 页 共 &N 页"
        ws.oddFooter.center.size = 9
        if book.header_left:
            ws.oddHeader.left.text = book.header_left.replace("&", "&&")
            ws.oddHeader.left.size = 9
        if book.header_right:
            ws.oddHeader.right.text = book.header_right.replace("&", "&&")
            ws.oddHeader.right.size = 9
        ws.sheet_view.showGridLines = False
        if len(self.form.tables) == 1:
            # rows: title, unit line, [caption], header rows — freeze below them, and 序号 plus
            # the first columns to the right
            table = self.form.tables[0]
            header_first = 3 + (1 if table.caption else 0)
            header_last = header_first + (1 if table.grouped else 0)
            frozen_cols = min(self.ncols - 1, (1 if table.serial else 0) + self.form.freeze_columns)
            ws.freeze_panes = f"{get_column_letter(frozen_cols + 1)}{header_last + 1}"
            ws.print_title_rows = f"{header_first}:{header_last}"

    # --------------------------------------------------------------- helpers
    def _cell(self, value: Any, style: _Style) -> str:
        """The cell as ``sheetxml`` writes it: text stays text (never a formula), dates get a
        date format."""
        value = _clean(value)
        if value is None:
            return blank_cell(style.id)
        if isinstance(value, str):
            return text_cell(style.id, value[:32767])
        if isinstance(value, (int, float, Decimal)):
            return number_cell(style.id, value)
        if isinstance(value, date):
            if not (style.number_format and is_date_format(style.number_format)):
                style = self.styles.get(style.kind, style.align, DATE, style.wrap)
            return date_cell(style.id, value, self.epoch)
        raise TypeError(f"cannot write {type(value).__name__} into a form")

    def _merge(self, first: int, last: int) -> None:
        if last > first:
            row = self.row
            self.ws.merged_cells.add(f"{get_column_letter(first + 1)}{row}:{get_column_letter(last + 1)}{row}")

    def _append(self, cells: Sequence[str | None], height: float | None = None) -> None:
        self.row += 1
        self.out.write(self.row, cells, height)

    def _full_width(self, text: str, kind: str, height: float, align: str = "left") -> None:
        style = self.styles.get(kind, align)
        cells = [self._cell(text, style)] + [None] * (self.ncols - 1)
        self._append(cells, height)
        self._merge(0, self.ncols - 1)

    # --------------------------------------------------------------- parts
    def write(self) -> None:
        form = self.form
        self._full_width(form.title, "title", 36, "center")
        self._unit_line()
        for index, table in enumerate(form.tables):
            if index:
                self._append([], 8)
            if table.caption:
                self._full_width(table.caption, "caption", 22)
            self._table(index, table)
        for note in form.notes:
            width = sum(self.grid.widths)
            self._full_width(note, "note", max(1, _lines(note, width)) * 15 + 4)
        if form.signatures is not None:
            self._append([], 12)
            self._signatures()

    def _unit_line(self) -> None:
        left, middle, right = self.form.unit_line
        n = self.ncols
        if n >= 3:
            a = max(1, round(n * 0.4))
            b = max(a + 1, min(n - 1, round(n * 0.72)))
            parts = [(left, 0, a - 1, "left"), (middle, a, b - 1, "center"), (right, b, n - 1, "right")]
        else:
            parts = [("　".join(p for p in (left, middle, right) if p), 0, n - 1, "left")]
        cells: list[str | None] = [None] * n
        for text, first, _last, align in parts:
            cells[first] = self._cell(text, self.styles.get("unit", align))
        self._append(cells, 22)
        for _text, first, last, _align in parts:
            self._merge(first, last)

    def _table(self, index: int, table: Table) -> None:
        spans = self.grid.spans[index]
        columns = table.all_columns
        widths = self.grid.widths
        span_widths = [sum(widths[a:b + 1]) for a, b in spans]
        header = self.styles.get("header", "center")
        blank_header = [self._cell(None, header) for _ in range(self.ncols)]
        if table.grouped:
            top: list[str | None] = list(blank_header)
            low: list[str | None] = [self._cell(None, header) for _ in range(self.ncols)]
            merges_top: list[tuple[int, int]] = []
            vertical: list[int] = []
            lines_top, lines_low = 1, 1
            for title, first, last in table.header_spans():
                a, b = spans[first][0], spans[last][1]
                top[a] = self._cell(title, header)
                width = sum(span_widths[first:last + 1])
                if first == last and not columns[first].group:
                    vertical.append(a)
                    merges_top.append((a, b))
                    lines_top = max(lines_top, math.ceil(_lines(title, width) / 2))
                else:
                    merges_top.append((a, b))
                    lines_top = max(lines_top, _lines(title, width))
                    for leaf in range(first, last + 1):
                        low[spans[leaf][0]] = self._cell(columns[leaf].title, header)
                        lines_low = max(lines_low, _lines(columns[leaf].title, span_widths[leaf]))
            self._append(top, lines_top * LINE_PT + 8)
            for a, b in merges_top:
                if any(v == a for v in vertical):
                    continue
                self._merge(a, b)
            top_row = self.row
            self._append(low, lines_low * LINE_PT + 8)
            for a, b in merges_top:
                if a in vertical:
                    self.ws.merged_cells.add(
                        f"{get_column_letter(a + 1)}{top_row}:{get_column_letter(b + 1)}{top_row + 1}")
            for leaf, (a, b) in enumerate(spans):
                if columns[leaf].group and b > a:
                    self._merge(a, b)
        else:
            cells = list(blank_header)
            lines = 1
            for leaf, column in enumerate(columns):
                a, b = spans[leaf]
                cells[a] = self._cell(column.title, header)
                lines = max(lines, _lines(column.title, span_widths[leaf]))
            self._append(cells, lines * LINE_PT + 8)
            for a, b in spans:
                self._merge(a, b)
        self._body(table, spans, span_widths)

    def _body(self, table: Table, spans: list[tuple[int, int]], span_widths: list[float]) -> None:
        columns = table.all_columns
        styles = self.styles
        kinds = {RowKind.DATA: "data", RowKind.SECTION: "section", RowKind.TOTAL: "total"}
        col_styles = {kind: [styles.get(kinds[kind], c.alignment, c.number_format, c.wrap and not c.number_format)
                             for c in columns] for kind in kinds}
        blank = {kind: styles.get(kinds[kind]) for kind in kinds}
        rows = table.rendered()
        simple = all(a == b for a, b in spans) and len(spans) == self.ncols
        if not rows:
            style = styles.get("data", "center")
            cells = [self._cell(table.empty_text, style)] + [self._cell(None, style) for _ in range(self.ncols - 1)]
            self._append(cells, LINE_PT + 8)
            self._merge(0, self.ncols - 1)
            return
        label_at = table.label_index
        text_columns = [i for i, c in enumerate(columns) if not c.number_format]
        for kind, values, row_format in rows:
            span_last = table.label_span(kind, values)
            kind_styles = col_styles[kind]
            if row_format:
                kind_styles = [styles.get(kinds[kind], c.alignment, row_format, False)
                               if is_number(v) and i >= label_at and c.takes_row_format else s  # never 序号
                               for i, (c, v, s) in enumerate(zip(columns, values, kind_styles, strict=True))]
            lines = 1
            for i in text_columns:
                value = values[i]
                if isinstance(value, str) and value and i > span_last:
                    width = span_widths[i]
                    if len(value) * 2.1 > width - 1.2 or "\n" in value:
                        lines = max(lines, _lines(value, width))
            if span_last:
                label = values[label_at]
                label_width = sum(span_widths[: span_last + 1])
                if isinstance(label, str):
                    lines = max(lines, _lines(label, label_width))
            if simple and not span_last:
                cells = [self._cell(v, s) for v, s in zip(values, kind_styles, strict=True)]
                self._append(cells, lines * LINE_PT + 5)
                continue
            cells = [self._cell(None, blank[kind]) for _ in range(self.ncols)]
            merges: list[tuple[int, int]] = []
            if span_last:
                first, last = spans[0][0], spans[span_last][1]
                align = "left" if kind == RowKind.SECTION else "center"
                cells[first] = self._cell(values[label_at], styles.get(kinds[kind], align))
                merges.append((first, last))
            for i in range(span_last + 1 if span_last else 0, len(columns)):
                a, b = spans[i]
                cells[a] = self._cell(values[i], kind_styles[i])
                if b > a:
                    merges.append((a, b))
            self._append(cells, lines * LINE_PT + 5)
            for a, b in merges:
                self._merge(a, b)

    def _signature_bounds(self, texts: list[str]) -> list[int] | None:
        return _share_bounds(self.grid.widths, texts)

    def _signatures(self) -> None:
        signatures = self.form.signatures
        assert signatures is not None
        items = signatures.items()
        n = self.ncols
        style = self.styles.get("sign")
        cells: list[str | None] = [None] * n
        merges = []
        texts = [f"{label}：{name}" for label, name in items]
        bounds = self._signature_bounds(texts)
        if bounds is None:  # the columns cannot give each name its room: one line across the form
            cells[0] = self._cell("　　　　".join(texts), self.styles.get("sign", "center"))
            merges.append((0, n - 1))
        else:
            for text, first, nxt in zip(texts, bounds, bounds[1:], strict=False):
                cells[first] = self._cell(text, style)
                merges.append((first, nxt - 1))
        self._append(cells, 26)
        for a, b in merges:
            self._merge(a, b)


def _share_bounds(widths: list[float], texts: list[str]) -> list[int] | None:
    """Column boundaries giving each text a run of columns wide enough for it, as close to
    equal shares of the printed width as possible (序号 is narrow, so shares of the column
    count would not do); None when no cut fits every text."""
    from itertools import combinations

    n, k = len(widths), len(texts)
    if n < k:
        return None
    edges = [0.0]
    for width in widths:
        edges.append(edges[-1] + width)
    need = [_text_units(t) + 0.5 for t in texts]
    targets = [edges[-1] * i / k for i in range(1, k)]
    best: tuple[float, list[int]] | None = None
    for cut in combinations(range(1, n), k - 1):
        bounds = [0, *cut, n]
        if all(edges[b] - edges[a] >= w for a, b, w in zip(bounds, bounds[1:], need, strict=False)):
            cost = sum(abs(edges[c] - t) for c, t in zip(cut, targets, strict=True))
            if best is None or cost < best[0]:
                best = (cost, bounds)
    return None if best is None else best[1]


def write_xlsx(book: Book, path: Path | str, *, font: fonts.FontChoice | None = None) -> Path:
    """Write ``book`` to ``path`` and return the path."""
    path = Path(path)
    font_name = (font or fonts.bundled()).excel_name
    wb = Workbook(write_only=True)
    wb.properties.title = book.title
    wb.properties.creator = book.author or "Desk"
    wb.properties.subject = book.subject
    wb.properties.keywords = "，".join(book.keywords)
    wb.properties.description = f"项目台账 Desk {__version__}"
    for form in book.forms:
        _SheetWriter(wb, form, book, font_name).write()
    with atomic.replacing(path) as temp:
        wb.save(str(temp))
    return path

