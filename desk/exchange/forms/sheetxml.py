"""The ``<row>`` elements of a write-only openpyxl sheet, serialised as text in one go.

openpyxl writes each cell through lxml's incremental writer: a context manager, an
attribute dict and a number format per cell — most of the time of a 50,000-cell form.
Here a row is written as one XML string (the same elements, attributes and values openpyxl
would write) and handed to the sheet's writer as one parsed element, so libxml2 does the
work in C. Only the row writing is replaced; the rest of the sheet (columns, panes,
merges, page setup) is still openpyxl's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.xml.functions import fromstring

# &, < and > would change the markup; a carriage return would be read back as a line feed
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def escape(text: str) -> str:
    return text.translate(_ESCAPES)


def number_text(value: int | float | Decimal) -> str:
    """A number as openpyxl writes it into ``<v>`` (``compat.strings.safe_string``)."""
    if value != value or value in (float("inf"), float("-inf")):  # NaN, infinities: an empty value
        return ""
    return f"{float(value):.16g}"  # as "%.16g" % value: a Decimal goes through float too


def text_cell(style_id: int, text: str) -> str:
    """The part of a ``<c>`` element after its reference, for a text cell (an inline string)."""
    if not text:
        return f' s="{style_id}" t="inlineStr"></c>'
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f' s="{style_id}" t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def number_cell(style_id: int, value: int | float | Decimal) -> str:
    return f' s="{style_id}" t="n"><v>{number_text(value)}</v></c>'


def date_cell(style_id: int, value: date, epoch: datetime) -> str:
    if isinstance(value, datetime) and value.tzinfo is not None:
        raise TypeError("Excel does not support timezones in datetimes. "
                        "The tzinfo in the datetime/time object must be set to None.")
    return number_cell(style_id, to_excel(value, epoch))


def blank_cell(style_id: int) -> str:
    return f' s="{style_id}" t="n"></c>'


class RowWriter:
    """Writes rows of prepared cells (``None``: no cell) into a write-only sheet."""

    def __init__(self, ws: Any, ncols: int) -> None:
        self.ws = ws
        self.letters = [get_column_letter(i) for i in range(1, max(ncols, 1) + 1)]
        ws._get_writer()  # writes the sheet's head (columns, panes) as it is now
        ws._writer.write_row = self._write_row
        ws._values_to_row = lambda row, _row_idx: row

    def write(self, number: int, cells: Sequence[str | None], height: float | None = None) -> None:
        """Write row ``number`` (the next one) with a custom height in points."""
        parts = [f'<row r="{number}"']
        if height is not None:
            parts.append(f' ht="{number_text(round(height, 1))}" customHeight="1"')
        parts.append(">")
        letters = self.letters
        for column, cell in enumerate(cells):
            if cell is not None:
                parts.append(f'<c r="{letters[column]}{number}"{cell}')
        parts.append("</row>")
        self.ws.append(["".join(parts)])

    @staticmethod
    def _write_row(xf: Any, row: list[str], row_idx: int) -> None:
        xf.write(fromstring(row[0]))
