"""A :class:`~desk.exchange.forms.model.Book` as a PDF: each form on its own pages, A4, the
Chinese font embedded, a running header, “第 X 页 共 Y 页” in the footer, the tables'
headers repeated on every page, notes, and the signature line with the unit's seal."""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO, Any

from reportlab import rl_config
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate, Spacer
from reportlab.platypus.flowables import Flowable

from desk import __version__
from desk.exchange import atomic
from desk.exchange.forms import fonts
from desk.exchange.forms.model import Book, Form, Signatures, Table
from desk.exchange.forms.pdftable import TEXT, FormTable, Metrics, TableLayout, wrap_text

MARGIN_X = 14 * mm
MARGIN_TOP = 17 * mm
MARGIN_BOTTOM = 15 * mm
SEAL_SIZE = 40 * mm
PT_PER_WIDTH_UNIT = 5.0  # one Excel width unit ≈ half a CJK character ≈ 5 pt at 10 pt
GREY = Color(0.35, 0.35, 0.35)


def body_size(table: Table, frame_width: float) -> float:
    """The table's font size: what makes its Excel widths fill the page, within reason."""
    units = sum(c.width for c in table.all_columns)
    return max(6.0, min(10.5, 10.0 * frame_width / (units * PT_PER_WIDTH_UNIT)))


class TextBlock(Flowable):
    """Lines of text (wrapped to the frame), optionally bold, aligned; split by lines."""

    def __init__(self, text: str, font_name: str, size: float, *, align: str = "left", bold: bool = False,
                 leading: float | None = None, space_after: float = 0.0,
                 lines: list[tuple[str, float]] | None = None) -> None:
        super().__init__()
        self.text = text
        self.font_name = font_name
        self.size = size
        self.align = align
        self.bold = bold
        self.leading = leading or size * 1.45
        self.space_after = space_after
        self._lines = lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        if self._lines is None:
            self._lines = wrap_text(self.text, availWidth, Metrics(self.font_name, self.size))
        self.width = availWidth
        self.height = len(self._lines) * self.leading + self.space_after
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        self.wrap(availWidth, availHeight)
        assert self._lines is not None
        fit = int(availHeight // self.leading)
        if fit <= 0 or fit >= len(self._lines):
            return [] if fit <= 0 else [self]
        first = TextBlock("", self.font_name, self.size, align=self.align, bold=self.bold, leading=self.leading,
                          lines=self._lines[:fit])
        rest = TextBlock("", self.font_name, self.size, align=self.align, bold=self.bold, leading=self.leading,
                         space_after=self.space_after, lines=self._lines[fit:])
        return [first, rest]

    def draw(self) -> None:
        assert self._lines is not None
        canv = self.canv
        canv.saveState()
        canv.setFillColor(TEXT)
        text = canv.beginText()
        text.setFont(self.font_name, self.size, self.leading)
        if self.bold:
            canv.setStrokeColor(TEXT)
            canv.setLineWidth(self.size * 0.045)
            text.setTextRenderMode(2)  # inside saveState: restoreState ends the stroking
        y = self.height - self.space_after - self.leading + (self.leading - self.size) / 2 + self.size * 0.2
        for line, width in self._lines:
            x = 0.0 if self.align == "left" else (self.width - width) / 2 if self.align == "center" \
                else self.width - width
            text.setTextOrigin(x, y)
            text.textOut(line)
            y -= self.leading
        canv.drawText(text)
        canv.restoreState()


class UnitLine(Flowable):
    """填报单位 on the left, the date in the middle, 单位：万元 on the right."""

    def __init__(self, parts: tuple[str, str, str], font_name: str, size: float) -> None:
        super().__init__()
        self.parts = parts
        self.font_name = font_name
        self.size = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.height = self.size * 2.0
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.setFillColor(TEXT)
        canv.setFont(self.font_name, self.size)
        y = self.size * 0.6
        left, middle, right = self.parts
        if left:
            canv.drawString(0, y, left)
        if middle:
            canv.drawCentredString(self.width / 2, y, middle)
        if right:
            canv.drawRightString(self.width, y, right)


class SignatureBlock(Flowable):
    """填报人 / 审核人 / 单位负责人 / 填报日期 across the page, names on signing lines, and the
    seal stamped over the date (as a paper form is stamped)."""

    def __init__(self, signatures: Signatures, font_name: str, size: float) -> None:
        super().__init__()
        self.signatures = signatures
        self.font_name = font_name
        self.size = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.height = SEAL_SIZE * 0.75 if self.signatures.seal_png else self.size * 4.2
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        items = self.signatures.items()
        metrics = Metrics(self.font_name, self.size)
        slot = self.width / len(items)
        y = self.height / 2 - self.size * 0.35
        canv.saveState()
        canv.setFillColor(TEXT)
        canv.setStrokeColor(GREY)
        canv.setLineWidth(0.5)
        canv.setFont(self.font_name, self.size)
        seal_x = None
        for index, (label, name) in enumerate(items):
            x = index * slot + slot * 0.06
            caption = f"{label}："
            canv.drawString(x, y, caption)
            start = x + metrics.width(caption)
            line_end = index * slot + slot * 0.94
            canv.line(start, y - self.size * 0.35, line_end, y - self.size * 0.35)
            if name:
                canv.drawCentredString((start + line_end) / 2, y, name)
            seal_x = (start + line_end) / 2
        if self.signatures.seal_png and seal_x is not None:
            image = ImageReader(io.BytesIO(self.signatures.seal_png))
            canv.drawImage(image, seal_x - SEAL_SIZE / 2, y + self.size * 0.3 - SEAL_SIZE / 2, SEAL_SIZE, SEAL_SIZE,
                           mask="auto", preserveAspectRatio=True, anchor="c")
        canv.restoreState()


def _numbered_canvas(book: Book, font_name: str) -> type[Canvas]:
    """A canvas that remembers its pages and draws header and footer once the total is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # the initial font is declared on every page: make it ours, or Helvetica (not
            # embedded) would appear in the file
            kwargs["initialFontName"] = font_name
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved_pages)
            for number, state in enumerate(self._saved_pages, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _decorate(self, number: int, total: int) -> None:
            width, height = self._pagesize
            self.saveState()
            self.setFillColor(GREY)
            self.setFont(font_name, 8.5)
            top = height - MARGIN_TOP + 5 * mm
            if book.header_left:
                self.drawString(MARGIN_X, top, book.header_left)
            if book.header_right:
                self.drawRightString(width - MARGIN_X, top, book.header_right)
            if book.header_left or book.header_right:
                self.setStrokeColor(GREY)
                self.setLineWidth(0.4)
                self.line(MARGIN_X, top - 2.2 * mm, width - MARGIN_X, top - 2.2 * mm)
            self.setFont(font_name, 9)
            self.setFillColor(TEXT)
            self.drawCentredString(width / 2, MARGIN_BOTTOM - 8 * mm, f"第 {number} 页 共 {total} 页")
            self.restoreState()

    return NumberedCanvas


def _form_flowables(form: Form, font_name: str, frame_width: float) -> list[Flowable]:
    flowables: list[Flowable] = [
        TextBlock(form.title, font_name, 17, align="center", bold=True, leading=24, space_after=4),
    ]
    if any(form.unit_line):
        flowables.append(UnitLine(form.unit_line, font_name, 9.5))
    for table in form.tables:
        size = body_size(table, frame_width)
        units = sum(c.width for c in table.all_columns)
        widths = [c.width * frame_width / units for c in table.all_columns]
        if table.caption:
            flowables.append(Spacer(1, 6))
        flowables.append(FormTable(TableLayout(table, widths, font_name, size)))
    if form.notes:
        flowables.append(Spacer(1, 6))
        for note in form.notes:
            flowables.append(TextBlock(note, font_name, 9, leading=13.5))
    if form.signatures is not None:
        flowables.append(Spacer(1, 10))
        flowables.append(SignatureBlock(form.signatures, font_name, 10))
    return flowables


def write_pdf(book: Book, path: Path | str, *, font: fonts.FontChoice | None = None) -> Path:
    """Write ``book`` to ``path`` (A4, each form from a new page) and return the path."""
    path = Path(path)
    with atomic.replacing(path) as temp:
        _build(book, str(temp), font)
    return path


def pdf_bytes(book: Book, *, font: fonts.FontChoice | None = None) -> bytes:
    """``book`` as a PDF, made in memory (for signing before it is written)."""
    out = io.BytesIO()
    _build(book, out, font)
    return out.getvalue()


def _build(book: Book, target: str | IO[bytes], font: fonts.FontChoice | None) -> None:
    font_name = fonts.register(font or fonts.bundled())
    sizes = {"landscape": landscape(A4), "portrait": A4}
    first = "landscape" if book.forms[0].landscape else "portrait"
    templates = []  # the first template is the first page's
    for name in sorted(sizes, key=lambda n: n != first):
        size = sizes[name]
        frame = Frame(MARGIN_X, MARGIN_BOTTOM, size[0] - 2 * MARGIN_X, size[1] - MARGIN_TOP - MARGIN_BOTTOM,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id=name)
        templates.append(PageTemplate(id=name, frames=[frame], pagesize=size))
    doc = BaseDocTemplate(
        target, pagesize=sizes[first], leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, title=book.title, author=book.author, subject=book.subject,
        creator=f"项目台账 Desk {__version__}", keywords=list(book.keywords), pageTemplates=templates,
    )
    story: list[Flowable] = []
    for index, form in enumerate(book.forms):
        orientation = "landscape" if form.landscape else "portrait"
        if index:
            story.append(NextPageTemplate(orientation))
            story.append(PageBreak())
        frame_width = sizes[orientation][0] - 2 * MARGIN_X
        story.extend(_form_flowables(form, font_name, frame_width))
    # Page streams compressed but not ASCII85-armoured: smaller, and reportlab's pure-Python
    # base-85 encoder is a sixth of the time of a long form.
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        doc.build(story, canvasmaker=_numbered_canvas(book, font_name))
    finally:
        rl_config.useA85 = previous
