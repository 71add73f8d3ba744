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
from typing import Any

from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus.flowables import Flowable

from desk.exchange.forms.model import RowKind, Table, format_value, is_number

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


class _Widths(dict[str, float]):
    """Character → width at one size, filled on first use (lookups then stay in C)."""

    def __init__(self, get: Any, default: float, scale: float) -> None:
        super().__init__()
        self._get, self._default, self._scale = get, default, scale

    def __missing__(self, ch: str) -> float:
        width = self._get(ord(ch), self._default) * self._scale
        self[ch] = width
        return width


class Metrics:
    """Character widths of one TrueType font at one size, for wrapping."""

    def __init__(self, font_name: str, size: float) -> None:
        face = pdfmetrics.getFont(font_name).face
        self.font_name = font_name
        self.size = size
        self._widths = _Widths(face.charWidths.get, face.defaultWidth, size / 1000.0)

    def char_widths(self, text: str) -> list[float]:
        return list(map(self._widths.__getitem__, text))

    def width(self, text: str) -> float:
        return sum(map(self._widths.__getitem__, text))


class TextEncoder:
    """Text in a TrueType font as PDF string operands, as reportlab's ``_formatText`` makes
    them, but as hex strings and cached per distinct text (forms repeat 工业, 在建, 是 …)."""

    def __init__(self, canv: Any, font_name: str) -> None:
        self.font = pdfmetrics.getFont(font_name)
        self.doc = canv._doc
        self._cache: dict[str, list[tuple[str, str]]] = {}
        self._names: dict[int, str] = {}

    def parts(self, text: str) -> list[tuple[str, str]]:
        """(font subset resource name, hex string) runs for ``text``."""
        found = self._cache.get(text)
        if found is None:
            found = []
            for subset, data in self.font.splitString(text, self.doc):
                name = self._names.get(subset)
                if name is None:
                    name = self._names[subset] = self.font.getSubsetInternalName(subset, self.doc)
                found.append((name, data.hex()))
            self._cache[text] = found
        return found


def encoder(canv: Any, font_name: str) -> TextEncoder:
    """The encoder of this document (kept on the canvas, whose document it belongs to)."""
    cache: dict[str, TextEncoder] | None = getattr(canv, "_desk_encoders", None)
    if cache is None:
        cache = {}
        canv._desk_encoders = cache
    if font_name not in cache:
        cache[font_name] = TextEncoder(canv, font_name)
    return cache[font_name]


def wrap_text(text: str, max_width: float, metrics: Metrics) -> list[tuple[str, float]]:
    """Break ``text`` into lines no wider than ``max_width``: (line, its width)."""
    if "\n" not in text:
        whole = metrics.width(text)
        if whole <= max_width + 0.01:  # most cells: one line, no breaking to do
            return [(text, whole)]
    lines: list[tuple[str, float]] = []
    for para in text.split("\n"):
        if not para:
            lines.append(("", 0.0))
            continue
        cum = [0.0, *accumulate(map(metrics._widths.__getitem__, para))]
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
                    # carry the last character down with the punctuation; hang it only when
                    # the line would otherwise be empty (a cell one character wide)
                    back = end - 1
                    while back > start and para[back] in NO_LINE_START:
                        back -= 1
                    end = back if back > start else end + 1
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


@dataclass(frozen=True)
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
        self._cells: dict[tuple[int, int, str, str, bool], _Cell] = {}  # shared: never changed once made
        self.edges = [0.0, *accumulate(col_widths)]
        self.width = self.edges[-1]
        columns = table.all_columns
        self.ncols = len(columns)
        # a caption is drawn above the first part only (keeping it with the whole table would
        # push a long table to the next page)
        self.caption_size = 10.5
        self.caption_leading = 15.0
        self.caption_lines = wrap_text(table.caption, self.width, Metrics(font_name, self.caption_size)) \
            if table.caption else []
        self.caption_height = len(self.caption_lines) * self.caption_leading + (4 if table.caption else 0)
        self._header(table)
        rows: list[_Row] = []
        rendered = table.rendered()
        if not rendered:
            cell = self._cell(0, self.ncols - 1, table.empty_text, "center", wrap=True)
            rows.append(_Row(self._height([cell]), RowKind.DATA, self.ncols - 1, [cell]))
        aligns = [c.alignment for c in columns]
        formats = [c.number_format for c in columns]
        wraps = [c.wrap and not c.number_format for c in columns]
        takes = [c.takes_row_format for c in columns]
        label_at = table.label_index
        for kind, values, row_format in rendered:
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
                if row_format and is_number(value) and index >= label_at and takes[index]:  # never 序号
                    cells.append(self._cell(index, index, format_value(value, row_format), aligns[index],
                                            wrap=False))
                else:
                    cells.append(self._cell(index, index, format_value(value, formats[index]), aligns[index],
                                            wrap=wraps[index]))
            rows.append(_Row(self._height(cells), kind, span_last, cells))
        self.rows = rows
        self.offsets = [0.0, *accumulate(r.height for r in rows)]

    def _cell(self, first: int, last: int, text: str, align: str, *, wrap: bool) -> _Cell:
        # forms repeat most of their cells (类别, 阶段, 单位, 是/否 …): measured once each
        key = (first, last, text, align, wrap)
        found = self._cells.get(key)
        if found is None:
            found = self._cells[key] = self._measure(first, last, text, align, wrap=wrap)
        return found

    def _measure(self, first: int, last: int, text: str, align: str, *, wrap: bool) -> _Cell:
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

    @property
    def _caption_height(self) -> float:
        return self.layout.caption_height if self.start == 0 else 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = self.layout.width
        self.height = self._caption_height + self.layout.header_height + self._rows_height(self.start, self.end)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        layout = self.layout
        room = availHeight - layout.header_height - self._caption_height
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
        top = self.height - self._caption_height
        canv.saveState()
        if self.start == 0 and layout.caption_lines:
            self._caption(top)
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
            canv._code.append(f"{x:.2f} {fy:.2f} {w:.2f} {h:.2f} re f")
        canv.setFillColor(TEXT)
        self._text(normal, bold_weight=False)
        self._text(bold, bold_weight=True)
        self._grid(top, bottom, rows)
        canv.restoreState()

    def _caption(self, table_top: float) -> None:
        layout = self.layout
        canv = self.canv
        canv.saveState()  # the stroking render mode outlives the text object; Q restores it
        canv.setFillColor(TEXT)
        canv.setStrokeColor(TEXT)
        canv.setLineWidth(layout.caption_size * 0.045)
        text = canv.beginText()
        text.setTextRenderMode(2)
        text.setFont(layout.font_name, layout.caption_size, layout.caption_leading)
        y = table_top + 4 + (len(layout.caption_lines) - 1) * layout.caption_leading + layout.caption_size * 0.3
        for line, _width in layout.caption_lines:
            text.setTextOrigin(0, y)
            text.textOut(line)
            y -= layout.caption_leading
        canv.drawText(text)
        canv.restoreState()

    def _text(self, items: list[tuple[_Cell, float, float]], *, bold_weight: bool) -> None:
        if not items:
            return
        layout = self.layout
        canv = self.canv
        canv.saveState()  # the stroking render mode outlives the text object; Q restores it
        if bold_weight:
            canv.setStrokeColor(TEXT)
            canv.setLineWidth(layout.size * 0.045)
        # Raw operators: one text object, absolute positions (Tm), hex strings; reportlab's
        # textOut formats every number and escapes every string in Python, a third of the time.
        parts = encoder(canv, layout.font_name).parts
        out = ["BT", "2 Tr" if bold_weight else "0 Tr"]
        emit = out.append
        leading = layout.leading
        pad_x = layout.pad_x
        # the baseline sits about 0.78 of the leading below the line's top for CJK fonts
        ascent = layout.size * 0.80 + (leading - layout.size) / 2
        current_font = ""
        for cell, row_top, row_height in items:
            size = f"{cell.size:.2f}"
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
                    emit(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
                    for name, data in parts(line):
                        font = f"{name} {size} Tf"
                        if font != current_font:
                            emit(font)
                            current_font = font
                        emit(f"<{data}> Tj")
                y -= leading
        out.append("ET")
        canv._code.append("\n".join(out))
        canv.restoreState()

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
        canv._code.append(" ".join(f"{a:.2f} {b:.2f} m {c:.2f} {d:.2f} l" for a, b, c, d in segments) + " S")
        canv.setLineWidth(0.9)
        canv._code.append(f"0 {bottom:.2f} {layout.width:.2f} {top - bottom:.2f} re S")
