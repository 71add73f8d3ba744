"""The monthly grid's columns and how a typed or pasted cell is read (Qt-free).

A block copied from Excel or WPS arrives as tab-separated text: rows end in a newline,
a cell holding a tab, a newline or a quote is wrapped in double quotes with quotes
doubled. ``parse_block`` reads that; ``read_cell`` turns one cell's text into the
value of its column, or raises :class:`CellError` with a message naming the cell.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from desk.core.glossary import Evidence, Stage
from desk.core.money import AmountError, parse_amount


class Kind(Enum):
    READONLY = "readonly"
    AMOUNT = "amount"
    TEXT = "text"
    TICK = "tick"
    STAGE = "stage"


@dataclass(frozen=True)
class GridColumn:
    key: str
    title: str
    kind: Kind
    width_chars: int = 6
    evidence: Evidence | None = None
    tooltip: str = ""


# Short headers for the evidence ticks (the full glossary label is the tooltip).
EVIDENCE_HEADERS: dict[Evidence, str] = {
    Evidence.PILING: "打桩",
    Evidence.TRENCHING: "开槽",
    Evidence.SITE_LEVELING: "场地平整",
    Evidence.CONSTRUCTION_ON_SITE: "现场施工",
    Evidence.EQUIPMENT_INSTALLED: "设备安装",
    Evidence.TRIAL_PRODUCTION: "试生产",
    Evidence.CONTRACT_COMPLETE: "完成合同",
    Evidence.READY_FOR_USE: "具备使用",
}

GRID_COLUMNS: tuple[GridColumn, ...] = (
    GridColumn("name", "项目名称", Kind.READONLY, 14),
    GridColumn("unit", "所属单位", Kind.READONLY, 4),
    GridColumn("status", "填报状态", Kind.READONLY, 4),
    GridColumn("stage", "阶段", Kind.STAGE, 4),
    GridColumn("invested_month_wan", "本月完成(万元)", Kind.AMOUNT, 6,
               tooltip="本月完成投资（万元）"),
    GridColumn("invested_ytd_wan", "年度累计(万元)", Kind.AMOUNT, 6,
               tooltip="填写本月完成投资时自动按上月累计加本月计算，也可直接改写"),
    GridColumn("progress", "形象进度", Kind.TEXT, 12),
    *(
        GridColumn(f"evidence:{e.value}", EVIDENCE_HEADERS[e], Kind.TICK, 3, evidence=e,
                   tooltip=f"认定证据：{e.label}")
        for e in Evidence
    ),
    GridColumn("in_statistics", "入库入统", Kind.TICK, 3),
    GridColumn("problems_note", "存在问题", Kind.TEXT, 12),
)
COLUMN_INDEX = {c.key: i for i, c in enumerate(GRID_COLUMNS)}

TRUE_WORDS = {"√", "✓", "✔", "☑", "是", "有", "1", "Y", "YES", "TRUE", "T", "对"}
FALSE_WORDS = {"", "否", "无", "0", "N", "NO", "FALSE", "F", "×", "✗", "✘", "☐", "-", "—"}


class CellError(ValueError):
    """A cell that cannot be read; the message names the cell for the clerk."""


def parse_block(text: str) -> list[list[str]]:
    """Rows of cells from tab-separated text (Excel/WPS clipboard), quotes understood.

    The newline(s) after the last row are dropped; a blank line inside the block stays
    a row of one empty cell, so that ``check_shape`` can name it.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    rows: list[list[str]] = []
    row: list[str] = []
    cell: list[str] = []
    i, n = 0, len(text)
    at_cell_start = True
    while i < n:
        ch = text[i]
        if at_cell_start and ch == '"':
            # A quoted cell: runs to the closing quote; "" is a literal quote.
            i += 1
            while i < n:
                if text[i] == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        cell.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                cell.append(text[i])
                i += 1
            at_cell_start = False
            continue
        if ch == "\t":
            row.append("".join(cell))
            cell = []
            at_cell_start = True
        elif ch == "\n":
            row.append("".join(cell))
            rows.append(row)
            row, cell = [], []
            at_cell_start = True
        else:
            cell.append(ch)
            at_cell_start = False
        i += 1
    if cell or row:
        row.append("".join(cell))
        rows.append(row)
    while rows and rows[-1] == [""]:
        rows.pop()
    return rows


def check_shape(rows: list[list[str]], available_columns: int, first_column_title: str) -> None:
    """A paste must be a rectangle: every row the same number of cells, no blank lines."""
    if not rows:
        raise CellError("剪贴板里没有可以粘贴的内容")
    width = len(rows[0])
    widest = max(len(r) for r in rows)
    for number, row in enumerate(rows, start=1):
        if widest > 1 and row == [""]:
            raise CellError(f"粘贴内容的第 {number} 行是空行：请只复制连续的表格区域（空行会让后面的行错位）")
        if len(row) != width:
            raise CellError(
                f"粘贴内容不整齐：第 {number} 行有 {len(row)} 列，第 1 行有 {width} 列"
                "（请检查单元格里是否有制表符）"
            )
    if width > available_columns:
        raise CellError(
            f"粘贴的内容有 {width} 列，从“{first_column_title}”列起只有 {available_columns} 列可以填写"
        )


def read_tick(text: str) -> bool:
    word = unicodedata.normalize("NFKC", text).strip().upper()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"“{text.strip()}”不是“是/否”：打勾请填 √、是 或 1，不打勾请留空或填 否")


def read_amount(text: str) -> Decimal:
    """An amount in 万元; full-width digits, thousands separators and 万/亿/元 suffixes understood."""
    try:
        value = parse_amount(text, "万元")
    except AmountError as exc:
        raise CellError(str(exc)) from None
    return value if value is not None else Decimal(0)


def read_stage(text: str) -> Stage:
    word = unicodedata.normalize("NFKC", text).strip()
    if word.endswith("（当前）"):
        word = word[: -len("（当前）")]
    try:
        return Stage.parse(word)
    except ValueError:
        raise CellError(f"“{word}”不是项目阶段，可填：{'、'.join(Stage.labels())}") from None


def read_cell(column: GridColumn, text: str) -> object:
    """The value of ``text`` in ``column``: Decimal, str, bool or Stage."""
    if column.kind is Kind.AMOUNT:
        return read_amount(text)
    if column.kind is Kind.TICK:
        return read_tick(text)
    if column.kind is Kind.STAGE:
        return read_stage(text)
    return text.strip()


def tick_text(value: bool) -> str:
    return "√" if value else ""
