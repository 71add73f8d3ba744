"""Government fixed forms (固定表式) as Excel workbooks and PDFs — the shared form framework.

A *form* is what a township sends upward or prints: a merged title row
(“海州区韩家店镇2026年10月重点项目调度表”), a line with 填报单位 / the date / 单位：万元,
one or more tables with grouped two-row headers and a 序号 column, ruled borders, amounts
with thousands separators, notes (“注：…”), and the signature line 填报人 / 审核人 /
单位负责人 / 填报日期. Describe it once with the dataclasses below, then write it both ways::

    from decimal import Decimal
    from desk.exchange.forms import (AMOUNT, Book, Column, Form, Row, Signatures, Table,
                                     fonts, write_pdf, write_xlsx)

    table = Table(
        columns=[
            Column("项目名称", 28),
            Column("总投资", 12, number_format=AMOUNT),
            Column("本月", 11, number_format=AMOUNT, group="完成投资"),   # grouped header
            Column("年度累计", 11, number_format=AMOUNT, group="完成投资"),
            Column("形象进度", 30),
        ],
        rows=[
            Row.total("合计", Decimal("32000"), Decimal("1200"), Decimal("9800")),
            Row.section("一、新开工项目（1个）"),
            ["中储粮东北综合产业基地", Decimal("32000"), Decimal("1200"), Decimal("9800"), "主体施工"],
        ],
        serial="continuous",          # or "section" (restart after each section row) or None
    )
    form = Form(
        sheet_name="项目月调度表", title="海州区韩家店镇2026年10月重点项目调度表",
        tables=[table], unit="海州区韩家店镇", date_text="2026年11月15日", amount_unit="万元",
        notes=["注：本表金额单位为万元。"],
        signatures=Signatures("张三", "李四", "王五", date(2026, 11, 15), seal_png=None),
    )
    book = Book([form], title=form.title, author="海州区韩家店镇",
                header_left="海州区韩家店镇 2026年10月", header_right="第1版")
    write_xlsx(book, "调度表.xlsx", font=fonts.resolve(ledger_font_key))
    write_pdf(book, "调度表.pdf", font=fonts.resolve(ledger_font_key))
    data = pdf_bytes(book)  # the same PDF in memory, e.g. to sign it before writing it

The pieces (``desk.exchange.forms.model``):

* :class:`Column` — ``title``; ``width`` in Excel character units (a CJK character ≈ 2; the
  PDF scales all widths to the page and picks its font size from their sum); ``align``
  (``"left"``/``"center"``/``"right"``, default right for numbers); ``number_format`` in
  Excel notation (``AMOUNT`` ``#,##0.00``, ``AMOUNT0``, ``COUNT``, ``PERCENT``, ``DECIMAL2``,
  ``DATE``; ``None`` for text — the PDF formats numbers the same way); ``group`` to sit
  under a merged upper header with its neighbours of the same group; ``wrap``;
  ``takes_row_format=False`` keeps the column's own format in a row that has one.
* :class:`Table` — ``columns``, ``rows`` (a plain list of cells is a data row;
  :meth:`Row.section` and :meth:`Row.total` make heading and 合计 rows whose label spans the
  序号 column and the blank cells after it, so subtotals stay in their columns;
  :meth:`Row.data` gives a row its own number format, for tables that mix 项 and 万元),
  ``caption`` (a heading above the table when a form has several; drawn above its first
  part only, so a long table still starts under it), ``serial``,
  ``empty_text`` (shown across an empty table, default “无”). Cells are ``str``, ``int``,
  ``Decimal``, ``float``, ``date``, ``bool`` (是/否) or ``None``; text is never a formula.
* :class:`Form` — one sheet / one run of pages: ``sheet_name`` (≤ 31 characters), ``title``,
  ``tables``, ``unit`` (填报单位), ``date_text`` (middle of the unit line), ``amount_unit``
  (“单位：万元”, ``""`` to omit), ``notes``, ``signatures``, ``landscape`` (A4, default
  landscape), ``freeze_columns`` (data columns frozen beside 序号 in Excel).
* :class:`Signatures` — 填报人 ``filled_by``, 审核人 ``reviewed_by``, 单位负责人 ``head``,
  填报日期 ``filled_on``, and ``seal_png`` (the unit's seal, stamped over the date in the PDF).
* :class:`Book` — the forms in order, with document ``title``/``author``/``subject``/
  ``keywords`` and ``header_left``/``header_right``, printed at the top of every page.

What the writers guarantee: Excel — merged title, unit line, grouped headers, thin borders,
frozen header, number formats, A4 fitted to the page width, header rows repeated on each
printed page, “第 &P 页 共 &N 页” footer; it opens cleanly in Excel, WPS and LibreOffice.
PDF — the Chinese font embedded (``desk.exchange.forms.fonts``: the bundled 文泉驿微米黑 or an
installed 仿宋/宋体…, chosen by key), running header, “第 X 页 共 Y 页”, wrapped cells,
headers repeated across pages, each form from a new page, the signature line with the seal.
Both are fast enough for thousands of rows (see ``tests/bench/figures_submission.py``).
"""

import importlib
from typing import TYPE_CHECKING, Any

from desk.exchange.forms import fonts
from desk.exchange.forms.model import (
    AMOUNT,
    AMOUNT0,
    COUNT,
    DATE,
    DECIMAL2,
    PERCENT,
    Book,
    Cell,
    Column,
    Form,
    Row,
    RowKind,
    Signatures,
    Table,
    format_value,
)

if TYPE_CHECKING:
    from desk.exchange.forms.pdf import pdf_bytes, write_pdf
    from desk.exchange.forms.xlsx import write_xlsx

# The writers pull in reportlab and openpyxl (most of a second to import): loaded when first
# used, so that a window section which only describes a form opens without them.
_WRITERS = {"pdf_bytes": "pdf", "write_pdf": "pdf", "write_xlsx": "xlsx"}


def __getattr__(name: str) -> Any:
    module = _WRITERS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "AMOUNT", "AMOUNT0", "COUNT", "DATE", "DECIMAL2", "PERCENT", "Book", "Cell", "Column", "Form", "Row",
    "RowKind", "Signatures", "Table", "fonts", "format_value", "pdf_bytes", "write_pdf", "write_xlsx",
]
