"""What a fixed form holds: a title, a unit line, tables with grouped headers, notes and a
signature line. Plain data; ``desk.exchange.forms.xlsx`` and ``.pdf`` render it.

Cell values are ``str``, ``int``, ``Decimal``, ``float``, ``date``/``datetime``, ``bool`` or
``None`` (blank). Numbers keep their type so that Excel can sum them; ``format_value`` gives
the text a PDF (or a canonical hash) shows for a value under a column's number format.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Literal

Cell = str | int | float | Decimal | date | datetime | bool | None
Align = Literal["left", "center", "right"]

# Number formats in Excel's notation; the PDF writer formats values the same way.
AMOUNT = "#,##0.00"  # 万元 with two decimals and thousands separators
AMOUNT0 = "#,##0"  # whole amounts
COUNT = "0"  # 项, 个, 次
PERCENT = "0.0%"  # a ratio (0.5 → 50.0%)
DECIMAL2 = "0.00"
DATE = "yyyy-mm-dd"

SERIAL_TITLE = "序号"


class RowKind(Enum):
    DATA = "data"
    SECTION = "section"  # a heading row inside the table (一、新开工项目), may carry subtotals
    TOTAL = "total"  # 合计 / 小计


@dataclass(frozen=True)
class Column:
    """One column of a table.

    ``width`` is in Excel's character units (a CJK character is about 2); the PDF scales all
    widths to the page. ``group`` puts the column under a merged upper header shared with the
    neighbouring columns of the same group (a grouped two-row header); columns without a group
    span both header rows.
    """

    title: str
    width: float = 12
    align: Align | None = None  # default: right for numbers, left for text
    number_format: str | None = None  # None: text
    group: str | None = None
    wrap: bool = True
    takes_row_format: bool = True  # False keeps this column's format when a row has its own (a 完成率)

    @property
    def alignment(self) -> Align:
        if self.align is not None:
            return self.align
        return "right" if self.number_format and self.number_format != DATE else "left"


@dataclass(frozen=True)
class Row:
    """A row that is not plain data. A plain ``list``/``tuple`` of cells is a data row.

    In a section or total row the first cell (the label) spans the 序号 column and every
    following blank cell up to the first cell that holds a value, so “一、新开工项目（12个）”
    reads across while the subtotals stay in their columns.
    """

    cells: tuple[Cell, ...]
    kind: RowKind = RowKind.DATA
    number_format: str | None = None  # overrides the columns' format for this row's numbers

    @classmethod
    def data(cls, *cells: Cell, number_format: str | None = None) -> Row:
        """A data row whose numbers have their own format (an indicator table mixing 项 and 万元)."""
        return cls(tuple(cells), RowKind.DATA, number_format)

    @classmethod
    def section(cls, label: str, *cells: Cell) -> Row:
        return cls((label, *cells), RowKind.SECTION)

    @classmethod
    def total(cls, label: str, *cells: Cell) -> Row:
        return cls((label, *cells), RowKind.TOTAL)


@dataclass(frozen=True)
class Table:
    """A table with its header. ``serial`` adds a 序号 column in front: ``"continuous"``
    numbers every data row 1…n, ``"section"`` restarts after each section row (the layout of
    the notices' annexes), ``None`` adds no column."""

    columns: Sequence[Column]
    rows: Sequence[Row | Sequence[Cell]]
    caption: str = ""  # a heading above the table (一、主要指标)
    serial: Literal["continuous", "section"] | None = "continuous"
    empty_text: str = "无"  # shown across the table when it has no rows

    def __post_init__(self) -> None:
        groups: list[str] = []
        previous: str | None = None
        for column in self.columns:
            if column.group and column.group != previous:
                if column.group in groups:
                    raise ValueError(f"header group {column.group!r} is split by other columns")
                groups.append(column.group)
            previous = column.group

    @property
    def all_columns(self) -> list[Column]:
        """The columns as rendered, the 序号 column included."""
        if self.serial is None:
            return list(self.columns)
        return [Column(SERIAL_TITLE, 5.5, "center"), *self.columns]

    @property
    def grouped(self) -> bool:
        return any(c.group for c in self.columns)

    def header_spans(self) -> list[tuple[str, int, int]]:
        """Upper header cells as (text, first column, last column) over ``all_columns``;
        a column without a group appears with its own title, spanning both header rows."""
        spans: list[tuple[str, int, int]] = []
        for index, column in enumerate(self.all_columns):
            if column.group and spans and spans[-1][0] == column.group and spans[-1][2] == index - 1 \
                    and self.all_columns[index - 1].group == column.group:
                spans[-1] = (column.group, spans[-1][1], index)
            else:
                spans.append((column.group or column.title, index, index))
        return spans

    def rendered_rows(self) -> list[tuple[RowKind, list[Cell]]]:
        """Rows as rendered: kind and cells, the serial number filled in."""
        return [(kind, cells) for kind, cells, _ in self.rendered()]

    def rendered(self) -> list[tuple[RowKind, list[Cell], str | None]]:
        """Like :meth:`rendered_rows`, with each row's own number format (or None)."""
        result: list[tuple[RowKind, list[Cell], str | None]] = []
        number = 0
        width = len(self.columns)
        for raw in self.rows:
            row_format: str | None = None
            if isinstance(raw, Row):
                kind, cells, row_format = raw.kind, list(raw.cells), raw.number_format
            else:
                kind, cells = RowKind.DATA, list(raw)
            if len(cells) > width:
                raise ValueError(f"row has {len(cells)} cells but the table has {width} columns")
            cells += [None] * (width - len(cells))
            if kind == RowKind.SECTION and self.serial == "section":
                number = 0
            if self.serial is not None:
                if kind == RowKind.DATA:
                    number += 1
                    cells.insert(0, number)
                else:
                    cells.insert(0, None)
            result.append((kind, cells, row_format))
        return result

    @property
    def label_index(self) -> int:
        """Where a section/total row's label sits among the rendered cells."""
        return 0 if self.serial is None else 1

    def label_span(self, kind: RowKind, cells: Sequence[Cell]) -> int:
        """The last rendered column a row's first cell covers: the label of a section/total
        row spans from column 0 through the blank cells after it; a data row spans nothing."""
        if kind == RowKind.DATA:
            return 0
        last = self.label_index
        for index in range(last + 1, len(cells)):
            if cells[index] is not None and cells[index] != "":
                break
            last = index
        return last


@dataclass(frozen=True)
class Signatures:
    """The signature line at the bottom: 填报人 / 审核人 / 单位负责人 / 填报日期.

    ``seal_png`` (the unit's seal with a transparent background) is stamped on the PDF."""

    filled_by: str = ""
    reviewed_by: str = ""
    head: str = ""
    filled_on: date | None = None
    seal_png: bytes | None = None

    def items(self) -> list[tuple[str, str]]:
        day = f"{self.filled_on.year}年{self.filled_on.month}月{self.filled_on.day}日" if self.filled_on else ""
        return [("填报人", self.filled_by), ("审核人", self.reviewed_by), ("单位负责人", self.head),
                ("填报日期", day)]


@dataclass(frozen=True)
class Form:
    """One fixed form: a sheet of the workbook, and a run of pages of the PDF."""

    sheet_name: str
    title: str
    tables: Sequence[Table]
    unit: str = ""  # 填报单位：…
    date_text: str = ""  # the middle of the unit line: 2026年11月15日, 统计期：2026年10月 …
    amount_unit: str = "万元"  # 单位：万元 on the right; "" to leave out
    notes: Sequence[str] = ()
    signatures: Signatures | None = None
    landscape: bool = True
    freeze_columns: int = 1  # data columns kept in view beside 序号 when scrolling right

    def __post_init__(self) -> None:
        if not self.tables:
            raise ValueError("a form needs at least one table")
        if len(self.sheet_name) > 31 or re.search(r"[\[\]:*?/\\]", self.sheet_name) or not self.sheet_name:
            raise ValueError(f"not a valid sheet name: {self.sheet_name!r}")

    @property
    def unit_line(self) -> tuple[str, str, str]:
        return (
            f"填报单位：{self.unit}" if self.unit else "",
            self.date_text,
            f"单位：{self.amount_unit}" if self.amount_unit else "",
        )


@dataclass(frozen=True)
class Book:
    """Several forms: the sheets of one workbook, the parts of one PDF."""

    forms: Sequence[Form]
    title: str = ""  # document title (PDF metadata, workbook properties)
    author: str = ""  # the unit
    header_left: str = ""  # printed at the top of every PDF page and in the Excel page header
    header_right: str = ""
    subject: str = ""
    keywords: Sequence[str] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        names = [f.sheet_name for f in self.forms]
        if len(set(names)) != len(names):
            raise ValueError("sheet names must be unique")


# ------------------------------------------------------------------------ formatting
_NUMBER_RE = re.compile(r"^(?P<int>[#,0]+)(?:\.(?P<dec>0+))?(?P<pct>%)?$")


def is_number(value: Cell) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def format_value(value: Cell, number_format: str | None = None) -> str:
    """The text a cell shows: numbers under Excel's number format, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat() if number_format == DATE else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    number = value if isinstance(value, Decimal) else Decimal(repr(value)) if isinstance(value, float) \
        else Decimal(value)
    if not number_format:
        return _plain(number)
    match = _NUMBER_RE.match(number_format)
    if not match:
        return _plain(number)
    places = len(match["dec"] or "")
    if match["pct"]:
        number *= 100
    quantized = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{quantized:,.{places}f}" if "," in match["int"] else f"{quantized:.{places}f}"
    return text + ("%" if match["pct"] else "")


def _plain(number: Decimal) -> str:
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")
