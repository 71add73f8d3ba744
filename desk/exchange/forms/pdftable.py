"""A fixed-form table as one reportlab flowable: wrapped cells, grouped headers repeated on
every page, section and total rows, a ruled grid.

Why not ``reportlab.platypus.Table``: a 2,000-row table is re-measured on every page break
(quadratic), and its cells cannot be drawn bold in a TrueType font. Here every cell is
wrapped and measured once (CJK text breaks anywhere, Latin words stay whole, closing
punctuation never starts a line), rows are split by index, and each page is drawn with one
path for the grid and one text object per weight; bold is the font stroked thinly (text
render mode 2), since a TrueType file carries one weight.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus.flowables import Flowable

from desk.exchange.forms.model import RowKind, Table, format_value

NO_LINE_START = set("，。、；：！？）】」』》〉”’%‰,.;:!?)]}·…—～")
NO_LINE_END = set("（【「『《〈“‘([{")
MAX_LINES = 40  # a cell taller than this is cut with “…” so that a row always fits a page

GRID = Color(0.2, 0.2, 0.2)
HEADER_FILL = Color(0.90, 0.92, 0.95)
SECTION_FILL = Color(0.95, 0.96, 0.98)
TOTAL_FILL = Color(0.97, 0.97, 0.97)
TEXT = Color(0.05, 0.05, 0.05)


def _is_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "._-/%+#@&")


class Metrics:
    """Character widths of one TrueType font at one size, for wrapping."""

    def __init__(self, font_name: str, size: float) -> None:
        face = pdfmetrics.getFont(font_name).face
        self.font_name = font_name
        self.size = size
        self._get = face.charWidths.get
        self._default = face.defaultWidth
        self._scale = size / 1000.0

    def char_widths(self, text: str) -> list[float]:
        get, default, scale = self._get, self._default, self._scale
        return [get(ord(ch), default) * scale for ch in text]

    def width(self, text: str) -> float:
        get, default = self._get, self._default
        return sum(get(ord(ch), default) for ch in text) * self._scale


def wrap_text(text: str, max_width: float, metrics: Metrics) -> list[tuple[str, float]]:
    """Break ``text`` into lines no wider than ``max_width``: (line, its width)."""
    lines: list[tuple[str, float]] = []
    for para in text.split("\n"):
        if not para:
            lines.append(("", 0.0))
            continue
        widths = metrics.char_widths(para)
        cum = [0.0, *accumulate(widths)]
        n = len(para)
        start = 0
        while start < n:
            # the furthest end with cum[end] - cum[start] <= max_width, at least one character
            end = max(start + 1, bisect_right(cum, cum[start] + max_width + 0.01) - 1)
            if end < n:
                if _is_word(para[end]) and _is_word(para[end - 1]):
                    boundary = end - 1
                    while boundary > start and _is_word(para[boundary - 1]):
                        boundary -= 1
                    if boundary > start:
                        end = boundary
                if para[end] in NO_LINE_START:
                    end += 1  # hang the punctuation at the end of this line
                elif end - 1 > start and para[end - 1] in NO_LINE_END:
                    end -= 1
            line = para[start:end].rstrip(" ")
            lines.append((line, cum[start + len(line)] - cum[start]))
            start = end
            while start < n and para[start] == " ":
                start += 1
            if len(lines) > MAX_LINES:
                break
        if len(lines) > MAX_LINES:
            break
    if len(lines) > MAX_LINES:
        last = lines[MAX_LINES - 1][0].rstrip("…")[:-1] + "…"
        lines = [*lines[: MAX_LINES - 1], (last, metrics.width(last))]
    return lines


@dataclass
class _Cell:
    x0: float
    x1: float
    lines: list[tuple[str, float]]
    align: str
    size: float  # a number too wide for its column is drawn smaller instead of wrapped


@dataclass
class _Row:
    height: float
    kind: RowKind
    span_last: int
    cells: list[_Cell]


class TableLayout:
    """Everything measured once: column edges, the header, every row's cells and height."""

    def __init__(self, table: Table, col_widths: list[float], font_name: str, size: float) -> None:
        self.font_name = font_name
        self.size = size
        self.leading = size * 1.32
        self.pad_x = max(1.6, size * 0.32)
        self.pad_y = max(1.4, size * 0.26)
        self.metrics = Metrics(font_name, size)
        self.edges = [0.0, *accumulate(col_widths)]
        self.width = self.edges[-1]
        columns = table.all_columns
        self.ncols = len(columns)
        self._header(table)
        rows: list[_Row] = []
        rendered = table.rendered_rows()
        if not rendered:
            cell = self._cell(0, self.ncols - 1, table.empty_text, "center", wrap=True)
            rows.append(_Row(self._height([cell]), RowKind.DATA, self.ncols - 1, [cell]))
        aligns = [c.alignment for c in columns]
        formats = [c.number_format for c in columns]
        wraps = [c.wrap and not c.number_format for c in columns]
        label_at = table.label_index
        for kind, values in rendered:
            span_last = table.label_span(kind, values)
            cells: list[_Cell] = []
            if span_last:
                label = format_value(values[label_at], formats[label_at])
                cells.append(self._cell(0, span_last, label, "left" if kind == RowKind.SECTION else "center",
                                        wrap=True))
                first = span_last + 1
            else:
                first = 0
            for index in range(first, self.ncols):
                value = values[index]
                if value is None or value == "":
                    continue
                cells.append(self._cell(index, index, format_value(value, formats[index]), aligns[index],
                                        wrap=wraps[index]))
            rows.append(_Row(self._height(cells), kind, span_last, cells))
        self.rows = rows
        self.offsets = [0.0, *accumulate(r.height for r in rows)]

    def _cell(self, first: int, last: int, text: str, align: str, *, wrap: bool) -> _Cell:
        x0, x1 = self.edges[first], self.edges[last + 1]
        avail = x1 - x0 - 2 * self.pad_x
        size = self.size
        if wrap:
            lines = wrap_text(text, avail, self.metrics)
        else:
            width = self.metrics.width(text)
            if width > avail > 0:
                size = self.size * avail / width
                width = avail
            lines = [(text, width)]
        return _Cell(x0, x1, lines, align, size)

    def _height(self, cells: list[_Cell]) -> float:
        lines = max((len(c.lines) for c in cells), default=1)
        return max(1, lines) * self.leading + 2 * self.pad_y

    def _header(self, table: Table) -> None:
        """Two header rows when columns are grouped: group titles above their columns, the
        other columns spanning both rows."""
        columns = table.all_columns
        leaf: list[_Cell] = []
        top: list[_Cell] = []
        self.header_spans: list[tuple[int, int, bool]] = []  # (first, last, spans both rows)
        for title, first, last in table.header_spans():
            grouped = first != last or bool(columns[first].group)
            cell = self._cell(first, last, title, "center", wrap=True)
            self.header_spans.append((first, last, not grouped))
            if grouped:
                top.append(cell)
                for index in range(first, last + 1):
                    leaf.append(self._cell(index, index, columns[index].title, "center", wrap=True))
            else:
                top.append(cell)
        if table.grouped:
            h2 = self._height(leaf)
            h1 = self._height([c for c, s in zip(top, self.header_spans, strict=True) if not s[2]])
            full = self._height([c for c, s in zip(top, self.header_spans, strict=True) if s[2]])
            self.header_rows = (max(h1, full - h2), h2)
        else:
            self.header_rows = (self._height(top), 0.0)
        self.header_top = top
        self.header_leaf = leaf
        self.header_height = sum(self.header_rows)


class FormTable(Flowable):
    """Rows ``start:end`` of a measured table, with the header on top."""

    def __init__(self, layout: TableLayout, start: int = 0, end: int | None = None) -> None:
        super().__init__()
        self.layout = layout
        self.start = start
        self.end = len(layout.rows) if end is None else end

    def _rows_height(self, start: int, end: int) -> float:
        offsets = self.layout.offsets
        return offsets[end] - offsets[start]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = self.layout.width
        self.height = self.layout.header_height + self._rows_height(self.start, self.end)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        layout = self.layout
        room = availHeight - layout.header_height
        offsets = layout.offsets
        # rows start..k fit when offsets[k] - offsets[start] <= room
        k = bisect_right(offsets, offsets[self.start] + room + 0.01) - 1
        k = min(k, self.end)
        if k <= self.start:
            return []
        if k >= self.end:
            return [self]
        return [FormTable(layout, self.start, k), FormTable(layout, k, self.end)]

    # ---------------------------------------------------------------- drawing
    def draw(self) -> None:
        layout = self.layout
        canv = self.canv
        top = self.height
        canv.saveState()
        fills: list[tuple[float, float, float, float, Color]] = []
        h1, h2 = layout.header_rows
        fills.append((0, top - layout.header_height, layout.width, layout.header_height, HEADER_FILL))
        normal: list[tuple[_Cell, float, float]] = []  # cell, row top, row height
        bold: list[tuple[_Cell, float, float]] = []
        # header cells
        leaf_iter = iter(layout.header_leaf)
        for cell, (first, last, both) in zip(layout.header_top, layout.header_spans, strict=True):
            if both:
                bold.append((cell, top, layout.header_height))
            else:
                bold.append((cell, top, h1))
                for _ in range(first, last + 1):
                    bold.append((next(leaf_iter), top - h1, h2))
        # body
        y = top - layout.header_height
        rows = layout.rows[self.start:self.end]
        for row in rows:
            if row.kind == RowKind.SECTION:
                fills.append((0, y - row.height, layout.width, row.height, SECTION_FILL))
            elif row.kind == RowKind.TOTAL:
                fills.append((0, y - row.height, layout.width, row.height, TOTAL_FILL))
            target = normal if row.kind == RowKind.DATA else bold
            for cell in row.cells:
                target.append((cell, y, row.height))
            y -= row.height
        bottom = y
        for x, fy, w, h, color in fills:
            canv.setFillColor(color)
            canv.rect(x, fy, w, h, stroke=0, fill=1)
        canv.setFillColor(TEXT)
        self._text(normal, bold_weight=False)
        self._text(bold, bold_weight=True)
        self._grid(top, bottom, rows)
        canv.restoreState()

    def _text(self, items: list[tuple[_Cell, float, float]], *, bold_weight: bool) -> None:
        if not items:
            return
        layout = self.layout
        canv = self.canv
        if bold_weight:
            canv.setStrokeColor(TEXT)
            canv.setLineWidth(layout.size * 0.045)
        text = canv.beginText()
        if bold_weight:
            text.setTextRenderMode(2)
        leading = layout.leading
        pad_x = layout.pad_x
        # the baseline sits about 0.78 of the leading below the line's top for CJK fonts
        ascent = layout.size * 0.80 + (leading - layout.size) / 2
        current = None
        for cell, row_top, row_height in items:
            if cell.size != current:
                text.setFont(layout.font_name, cell.size, leading)
                current = cell.size
            block = len(cell.lines) * leading
            y = row_top - (row_height - block) / 2 - ascent
            for line, width in cell.lines:
                if line:
                    if cell.align == "left":
                        x = cell.x0 + pad_x
                    elif cell.align == "right":
                        x = cell.x1 - pad_x - width
                    else:
                        x = (cell.x0 + cell.x1 - width) / 2
                    text.setTextOrigin(x, y)
                    text.textOut(line)
                y -= leading
        canv.drawText(text)

    def _grid(self, top: float, bottom: float, rows: list[_Row]) -> None:
        layout = self.layout
        canv = self.canv
        edges = layout.edges
        segments: list[tuple[float, float, float, float]] = []
        h1, h2 = layout.header_rows
        header_bottom = top - layout.header_height
        # header: verticals at span edges through both rows, and between leaves in row two
        for first, last, both in layout.header_spans:
            if first > 0:
                segments.append((edges[first], top, edges[first], header_bottom))
            if not both:
                segments.append((edges[first], top - h1, edges[last + 1], top - h1))
                for index in range(first + 1, last + 1):
                    segments.append((edges[index], top - h1, edges[index], header_bottom))
        segments.append((0, header_bottom, layout.width, header_bottom))
        # body: a horizontal rule under each row; verticals merged over runs of rows
        y = header_bottom
        runs_start: list[float | None] = [header_bottom] * (layout.ncols + 1)
        for row in rows:
            next_y = y - row.height
            segments.append((0, next_y, layout.width, next_y))
            for index in range(1, layout.ncols):
                if index <= row.span_last:  # inside a spanned label: close the run above
                    began = runs_start[index]
                    if began is not None and began > y:
                        segments.append((edges[index], began, edges[index], y))
                    runs_start[index] = None
                elif runs_start[index] is None:
                    runs_start[index] = y
            y = next_y
        for index in range(1, layout.ncols):
            began = runs_start[index]
            if began is not None and began > bottom:
                segments.append((edges[index], began, edges[index], bottom))
        canv.setStrokeColor(GRID)
        canv.setLineWidth(0.4)
        canv.lines(segments)
        canv.setLineWidth(0.9)
        canv.rect(0, bottom, layout.width, top - bottom, stroke=1, fill=0)
