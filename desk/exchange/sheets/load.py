"""One call from a file to its table: check, read the chosen (or the likeliest) sheet, find
the table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desk.core import collector
from desk.exchange.sheets.errors import SheetFileError
from desk.exchange.sheets.fields import KNOWN_HEADER_KEYS, header_key
from desk.exchange.sheets.reader import SheetInfo, Workbook
from desk.exchange.sheets.table import Table, find_table


@dataclass
class LoadedTable:
    path: Path
    sha256: str
    kind: str  # the file's format: xlsx, xlsm, xls, ods
    sheets: list[SheetInfo]
    table: Table

    @property
    def sheet(self) -> str:
        return self.table.sheet


def _known_headings(table: Table) -> int:
    return sum(1 for c in table.columns if header_key(c.parts[-1]) in KNOWN_HEADER_KEYS)


@collector.paused()
def load_table(path: Path | str, sheet: str | None = None) -> LoadedTable:
    """Raises :class:`SheetFileError` (Chinese) when the file or sheet cannot be used."""
    path = Path(path)
    with Workbook(path) as book:
        if sheet is not None:
            candidates = [book.sheet(sheet)]
        else:
            readable = [s for s in book.sheets if s.problem is None and s.rows]  # sized, so safe to load
            candidates = [s for s in readable if not s.hidden] + [s for s in readable if s.hidden]
            if not candidates:
                book.default_sheet()  # raises the reason
        found: Table | None = None
        for info in candidates:
            table = find_table(book.read(info.name))
            if table is not None and (found is None or _known_headings(table) > _known_headings(found)):
                found = table
            if found is not None and _known_headings(found) >= 2:
                break
        if found is None:
            where = f"工作表“{candidates[0].name}”" if len(candidates) == 1 else "各个工作表"
            raise SheetFileError(
                f"在“{path.name}”的{where}前 30 行中找不到表头（如“项目名称”“建设单位”“总投资”）。"
                "请确认表格有一行列标题。"
            )
        return LoadedTable(path, book.sha256, book.facts.kind, list(book.sheets), found)
