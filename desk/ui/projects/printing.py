"""Printing a table the clerk sees (the project list, the monthly grid) with a preview."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

MAX_PRINT_ROWS = 3000


def table_html(title: str, subtitle: str, headers: Sequence[str], rows: Sequence[Sequence[str]],
               numeric: set[int]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for number, row in enumerate(rows, start=1):
        cells = "".join(
            f'<td align="right">{escape(v)}</td>' if i in numeric else f"<td>{escape(v)}</td>"
            for i, v in enumerate(row)
        )
        body.append(f"<tr><td align='right'>{number}</td>{cells}</tr>")
    return (
        "<html><body style='font-size:9pt'>"
        f"<h3 align='center'>{escape(title)}</h3><p align='center'>{escape(subtitle)}</p>"
        "<table border='1' cellspacing='0' cellpadding='3' width='100%'>"
        f"<thead><tr><th>序号</th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        "</body></html>"
    )


def document(html: str) -> QTextDocument:
    doc = QTextDocument()
    doc.setHtml(html)
    return doc


def preview(parent: QWidget, html: str) -> QPrintPreviewDialog:
    """A print preview in landscape A4 (the ledger's tables are wide)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle("打印预览")
    doc = document(html)
    dialog.paintRequested.connect(doc.print_)
    dialog._doc = doc  # type: ignore[attr-defined]  # keep it alive as long as the dialog
    return dialog
