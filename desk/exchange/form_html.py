"""A fixed form (desk.exchange.forms) as HTML, for printing from the window.

Qt's rich text (QTextDocument) prints this with the printer's own pagination, so the
window prints exactly the title, unit line, grouped headers, rows, notes and signature line
that the PDF and the workbook hold — from the same :class:`Form`, not a second description.
The header rows are a ``<thead>`` so that Qt repeats them on every printed page.
"""

from __future__ import annotations

from html import escape

from desk.exchange.forms import Book, Form, RowKind, Table, format_value

BORDER = "#555555"
HEAD_BACKGROUND = "#e9eef5"
SECTION_BACKGROUND = "#f3f6fa"


def _text(value: object) -> str:
    return escape(str(value)).replace("\n", "<br>")


def table_html(table: Table) -> str:
    columns = table.all_columns
    units = sum(c.width for c in columns) or 1
    widths = [f"{c.width * 100 / units:.1f}%" for c in columns]
    out = [f'<table width="100%" border="1" cellspacing="0" cellpadding="3" '
           f'style="border-collapse: collapse; border-color: {BORDER};">']
    out.append("<thead>")
    head = f'style="background-color: {HEAD_BACKGROUND}; font-weight: bold;"'
    spans = table.header_spans()
    if table.grouped:
        first_row, second_row = [], []
        for text, first, last in spans:
            if first == last and not columns[first].group:
                first_row.append(f'<th rowspan="2" width="{widths[first]}" align="center" {head}>{_text(text)}</th>')
            else:
                first_row.append(f'<th colspan="{last - first + 1}" align="center" {head}>{_text(text)}</th>')
                second_row += [f'<th width="{widths[i]}" align="center" {head}>{_text(columns[i].title)}</th>'
                               for i in range(first, last + 1)]
        out.append("<tr>" + "".join(first_row) + "</tr>")
        out.append("<tr>" + "".join(second_row) + "</tr>")
    else:
        out.append("<tr>" + "".join(f'<th width="{widths[i]}" align="center" {head}>{_text(c.title)}</th>'
                                    for i, c in enumerate(columns)) + "</tr>")
    out.append("</thead><tbody>")
    rendered = table.rendered_rows()
    if not rendered:
        out.append(f'<tr><td colspan="{len(columns)}" align="center">{_text(table.empty_text)}</td></tr>')
    for kind, cells in rendered:
        row = []
        index = 0
        if kind != RowKind.DATA:
            last = table.label_span(kind, cells)
            label = cells[table.label_index]
            style = f'style="background-color: {SECTION_BACKGROUND}; font-weight: bold;"'
            row.append(f'<td colspan="{last + 1}" {style}>{_text(label or "")}</td>')
            index = last + 1
        while index < len(cells):
            column = columns[index]
            value = format_value(cells[index], column.number_format)
            row.append(f'<td align="{column.alignment}" valign="middle">{_text(value)}</td>')
            index += 1
        out.append("<tr>" + "".join(row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def form_html(form: Form) -> str:
    out = [f'<p align="center" style="font-size: 16pt; font-weight: bold; margin-bottom: 4px;">{_text(form.title)}</p>']
    left, middle, right = form.unit_line
    if left or middle or right:
        out.append('<table width="100%" cellspacing="0" cellpadding="2"><tr>'
                   f'<td width="40%">{_text(left)}</td><td width="32%" align="center">{_text(middle)}</td>'
                   f'<td width="28%" align="right">{_text(right)}</td></tr></table>')
    for table in form.tables:
        if table.caption:
            out.append(f'<p style="font-weight: bold; margin-top: 6px;">{_text(table.caption)}</p>')
        out.append(table_html(table))
    for note in form.notes:
        out.append(f'<p style="margin: 2px 0;">{_text(note)}</p>')
    if form.signatures is not None:
        items = form.signatures.items()
        cells = "".join(f'<td width="{100 / len(items):.0f}%">{_text(label)}：{_text(name) or "&nbsp;" * 16}'
                        f'</td>' for label, name in items)
        out.append(f'<p>&nbsp;</p><table width="100%" cellpadding="4"><tr>{cells}</tr></table>')
    return "".join(out)


def book_html(book: Book) -> str:
    """Every form of the book, each starting on a new page."""
    parts = []
    for index, form in enumerate(book.forms):
        style = ' style="page-break-before: always;"' if index else ""
        parts.append(f"<div{style}>{form_html(form)}</div>")
    return f"<html><head><title>{_text(book.title)}</title></head><body>{''.join(parts)}</body></html>"
