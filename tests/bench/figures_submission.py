"""The monthly submission for about 2,000 active projects: each step beside its floor.

* ``export_xlsx_s`` / ``floor_xlsx_s``: our fixed-form workbook vs. a bare openpyxl
  write-only dump of the same cells;
* ``export_pdf_s`` / ``floor_pdf_s``: our PDF vs. a bare reportlab ``Table`` of the same cells
  (same embedded font, header repeated);
* ``sign_s``: PDF signature, certificate, hashes and the signed manifest;
* ``verify_s``: verifying the folder; ``export_total_s``: the whole 生成并签名 including
  pre-flight and recording the submission (target ≤ 3 s).
Medians of three runs; the demo ledger is built here so that its size does not depend on
``--projects``.
"""

from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path
from typing import Any

TARGET_ACTIVE = 2000
PROJECTS = 2750  # about 73 % of demo projects are active in a month
RUNS = 3


def _median(fn: Any, runs: int = RUNS) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _floor_xlsx(book: Any, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for form in book.forms:
        ws = wb.create_sheet(form.sheet_name)
        ws.append([form.title])
        for table in form.tables:
            ws.append([c.title for c in table.all_columns])
            for _kind, cells in table.rendered_rows():
                ws.append(cells)
    wb.save(str(path))


def _floor_pdf(book: Any, path: Path, font_name: str) -> None:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import PageBreak, SimpleDocTemplate
    from reportlab.platypus import Table as RLTable

    from desk.exchange.forms import format_value

    story: list[Any] = []
    for form in book.forms:
        for table in form.tables:
            formats = [c.number_format for c in table.all_columns]
            data = [[c.title for c in table.all_columns]]
            data += [[format_value(v, f) for v, f in zip(cells, formats, strict=True)]
                     for _kind, cells in table.rendered_rows()]
            grid = RLTable(data, repeatRows=1)
            grid.setStyle([("FONTNAME", (0, 0), (-1, -1), font_name), ("FONTSIZE", (0, 0), (-1, -1), 6),
                           ("GRID", (0, 0), (-1, -1), 0.4, "black")])
            story.append(grid)
        story.append(PageBreak())
    SimpleDocTemplate(str(path), pagesize=landscape(A4)).build(story)


def _page_count(pdf: bytes) -> int:
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"])


def figures(ctx: Any) -> dict[str, Any]:
    from desk.exchange.forms import fonts, write_pdf, write_xlsx
    from desk.exchange.submission import identity, package
    from desk.exchange.submission.monthdata import gather
    from desk.exchange.submission.report import Edition, People, build_book
    from desk.exchange.submission.signing import sign_pdf
    from desk.exchange.submission.verify import verify
    from desk.store.demo import build_demo

    folder = Path(ctx.folder) / "submission"
    folder.mkdir()
    ledger = build_demo(folder / "submission.desk", projects=PROJECTS, today=ctx.today, clock=ctx.clock)
    month = str(ledger.latest_month())
    identity.create_identity(ledger, "bench-passphrase")
    key = identity.signing_key(ledger, "bench-passphrase")
    data = gather(ledger, month)
    book = build_book(data, People("张三", "李四", "王五"), Edition(), ctx.today)
    font = fonts.bundled()
    font_name = fonts.register(font)
    xlsx, pdf = folder / "form.xlsx", folder / "form.pdf"
    floor_xlsx, _ = _median(lambda: _floor_xlsx(book, folder / "floor.xlsx"))
    export_xlsx, _ = _median(lambda: write_xlsx(book, xlsx, font=font))
    floor_pdf, _ = _median(lambda: _floor_pdf(book, folder / "floor.pdf", font_name))
    export_pdf, _ = _median(lambda: write_pdf(book, pdf, font=font))
    raw = pdf.read_bytes()
    pages = _page_count(raw)
    sign, _ = _median(lambda: sign_pdf(raw, key, reason="bench", location="bench", name="bench"))
    totals = []
    result = None
    for run in range(RUNS):
        out = folder / f"out{run}"
        out.mkdir()
        start = time.perf_counter()
        result = package.export_month(ledger, month, out, "bench-passphrase", People("张三", "李四", "王五"))
        totals.append(time.perf_counter() - start)
        # unlock for the next run: the bench measures the first version every time
        with ledger.transaction():
            ledger.conn.execute("DELETE FROM submissions")
    assert result is not None
    verify_s, report = _median(lambda: verify(result.folder))
    ledger.close()
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "submission_projects": len(data.entries),
        "submission_pages": pages,
        "export_xlsx_s": round(export_xlsx, 3),
        "floor_xlsx_s": round(floor_xlsx, 3),
        "xlsx_vs_floor": round(export_xlsx / floor_xlsx, 2),
        "export_pdf_s": round(export_pdf, 3),
        "floor_pdf_s": round(floor_pdf, 3),
        "pdf_vs_floor": round(export_pdf / floor_pdf, 2),
        "sign_s": round(sign, 3),
        "verify_s": round(verify_s, 3),
        "verify_valid": report.valid,
        "export_total_s": round(statistics.median(totals), 3),
        "export_steps_s": result.timings,
    }
