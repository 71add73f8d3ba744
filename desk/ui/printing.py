"""Printing a fixed form from the window: a print preview of the same content as its PDF.

The form (desk.exchange.forms) is laid out as rich text (desk.exchange.form_html) on the
printer's pages — A4, landscape when the form is — with the header rows repeated on
every page and “第 X 页 共 Y 页” at the foot.
"""

from __future__ import annotations

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QApplication, QWidget

from desk.exchange.form_html import book_html
from desk.exchange.forms import Book

MARGIN_MM = 12.0


def form_document(book: Book) -> QTextDocument:
    document = QTextDocument()
    font = QFont(QApplication.font())
    font.setPointSizeF(9.5)
    document.setDefaultFont(font)
    document.setDocumentMargin(0)
    document.setHtml(book_html(book))
    return document


def make_printer(book: Book) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    orientation = QPageLayout.Orientation.Landscape if book.forms and book.forms[0].landscape \
        else QPageLayout.Orientation.Portrait
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), orientation,
                                      QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                                      QPageLayout.Unit.Millimeter))
    printer.setDocName(book.title)
    printer.setCreator("项目台账 Desk")
    return printer


def paint(book: Book, printer: QPrinter) -> int:
    """Lay the form out on the printer's pages and paint them; returns the number of pages."""
    document = form_document(book)
    # Lay out at the printer's resolution, so that 9.5 pt is 9.5 pt on paper.
    document.documentLayout().setPaintDevice(printer)
    document.setDefaultFont(document.defaultFont())
    page = printer.pageRect(QPrinter.Unit.DevicePixel)
    footer = 20 * printer.resolution() / 72.0
    body = QSizeF(page.width(), page.height() - footer)
    document.setPageSize(body)
    total = document.pageCount()
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        for number in range(total):
            if number:
                printer.newPage()
            painter.save()
            painter.translate(0, -number * body.height())
            document.drawContents(painter, QRectF(0, number * body.height(), body.width(), body.height()))
            painter.restore()
            painter.setFont(document.defaultFont())
            painter.drawText(QRectF(0, body.height(), body.width(), footer),
                             int(Qt.AlignmentFlag.AlignCenter), f"第 {number + 1} 页 共 {total} 页")
        return total
    finally:
        painter.end()


def preview_dialog(parent: QWidget | None, book: Book) -> QPrintPreviewDialog:
    """The print preview (打印预览) of a form; the clerk prints from it."""
    printer = make_printer(book)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"打印预览 — {book.title}")
    dialog.paintRequested.connect(lambda p: paint(book, p))
    dialog.resize(1100, 800)
    dialog._printer = printer  # type: ignore[attr-defined]  # kept alive with the dialog
    return dialog
