"""Finding the table in a clerk's sheet.

Township sheets put a title (``2026年韩家店镇重点项目台账``), a unit line
(``单位：万元``) and a date above the table; the heading is one row or two, with group
cells merged across their sub-columns (``投资情况`` over 总投资/年度计划/本月完成/累计完成)
and single headings merged down both rows; a row of column numbers (1 2 3 …) may follow.
The body may be split by section rows (``一、新开工项目``), may open with a 合计 row, and
ends at the totals (合计/总计, also in a short phrase: ``全镇总计``, ``以上项目共计2个``) or
the signature and note lines (填报人、制表：、主管领导签字：、填表说明：、注：…). A totals phrase
counts only in a row without a 序号 whose other cells are figures, so that a project named
``合计量仪表厂`` stays a project. Subtotals (``小计``, ``新开工项目小计``) close a section, not
the table: they are skipped and the body goes on.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from desk.exchange.sheets.container import column_letter, merged_too_big
from desk.exchange.sheets.errors import TooLarge
from desk.exchange.sheets.fields import KNOWN_HEADER_KEYS, header_key, header_unit
from desk.exchange.sheets.reader import Cell, Merged, SheetData

HEADER_SEARCH_ROWS = 30
TOTAL_WORDS = ("合计", "总计", "共计", "总合计", "全区合计", "全镇合计", "全县合计", "全市合计", "累计合计")
SUBTOTAL_WORDS = ("小计",)
# A signature line starts with one of these (in the row's first non-empty cell). Two-character
# words need a colon or nothing after them (``审核：王五``, ``制表``), so that ``审核中心`` is a
# project; longer ones may run on (``填报人张三``). A 签字/盖章 suffix is allowed: ``主管领导签字：``.
SIGNATURE_PREFIXES = (
    "填报人", "填表人", "制表人", "制表", "报送人", "审核人", "审核", "审批人", "复核人", "复核", "校对人", "校对",
    "负责人", "单位负责人", "主要领导", "分管领导", "主管领导", "主管", "签字", "签名", "联系人", "联系电话",
    "填报单位", "填表单位", "制表单位", "报送单位", "填报日期", "填表日期", "制表日期", "报送日期", "填报时间",
    "填表时间", "制表时间", "报送时间", "填表说明", "填报说明", "制表说明",
)
# A note (``注：``, ``说明：``, ``备注：``) ends the table only as the row's only cell and not
# under a remarks column: a project's remark may well start ``说明：``.
NOTE_WORDS = ("注", "说明", "备注", "附注", "数据来源", "资料来源")
_SIGNATURE_WORDS = tuple(sorted(SIGNATURE_PREFIXES, key=len, reverse=True))
_SIGN_SUFFIX = re.compile(r"(?:签字|签名|签章|盖章|\((?:签字|签名|签章|盖章)\))?")
_SEAL = re.compile(r"^[^:\d]{0,8}?\((?:盖章|公章|签章|签字|签名)\)")  # (盖章), 单位(盖章):…
_NOTE = re.compile(rf"^(?:{'|'.join(NOTE_WORDS)})[\d一二三四五六七八九十]*:")
# A totals word inside a short phrase (全镇总计, 以上项目共计2个, 新开工项目小计): only what may
# follow a total — nothing, a colon or bracket, a count — so that 合计量仪表厂 is a project.
_TOTAL_PHRASE = re.compile(
    r"^(?P<pre>.{0,8}?)(?P<word>合计|总计|共计|小计)"
    r"(?P<post>|[:(\[【].*|[\d一二三四五六七八九十百千]+[个项家处]?(?:项目|单位|企业)?\)?)$"
)
_FIGURE = re.compile(r"[\d.,%+\-—–/、个项家处万亿元美()]*")
_REMARK_HEADINGS = ("备注", "说明", "其他")
_NUMERALS = "[一二三四五六七八九十]+"
_SECTION = re.compile(rf"^(?:{_NUMERALS}[、.．]|[(（]{_NUMERALS}[)）]|第{_NUMERALS}[部类])")
_COLUMN_NUMBERS = set("甲乙丙丁戊己庚辛壬癸") | {"A", "B", "C", "D", "E"}


@dataclass(frozen=True)
class Column:
    index: int  # 0-based column in the sheet
    parts: tuple[str, ...]  # heading texts from top to bottom (group, sub-heading)
    unit: str | None  # money unit named in the heading, or by the sheet's 单位 line

    @property
    def name(self) -> str:
        return "/".join(p for p in self.parts if p)

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass(frozen=True)
class BodyRow:
    excel_row: int  # as the clerk sees it (1-based)
    cells: list[Cell]
    # Columns whose value comes from a cell merged down from an earlier row: col → that row.
    merged_from: dict[int, int] = field(default_factory=dict)
    uncached: frozenset[int] = frozenset()  # columns holding a formula without a saved result


@dataclass
class Table:
    sheet: str
    header_rows: tuple[int, ...]  # Excel row numbers of the heading
    columns: list[Column]
    body: list[BodyRow]
    title_lines: list[str]  # text above the heading (title, unit, date)
    skipped: list[tuple[int, str]]  # (Excel row, why) inside the body: sections, subtotals, blanks
    end: tuple[int, str] | None  # where and why the body stopped early
    sheet_unit: str | None  # 单位：万元 from above the heading
    date1904: bool = False

    @property
    def header_signature(self) -> list[str]:
        return [c.name for c in self.columns]


def cell_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _is_empty(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Grid:
    """The sheet's rows with merged cells resolved: every covered cell knows its origin."""

    def __init__(self, data: SheetData) -> None:
        self.rows = data.rows
        self.width = max((len(r) for r in self.rows), default=0)
        self.origin: dict[tuple[int, int], tuple[int, int]] = {}
        self.covered_in_row: dict[int, list[int]] = {}
        self.spans: dict[tuple[int, int], Merged] = {}
        # The pre-check refuses xlsx and ods sheets whose merges cover too much; this also
        # covers xls. Only cells inside the rows and columns read matter, so each range is
        # clipped to them: ranges reaching far past the data cost nothing. Ranges that don't
        # overlap then cover at most every cell once, so covering more means overlaps.
        why = merged_too_big(data.name, data.merged)
        if why:
            raise TooLarge(why)
        height = len(self.rows)
        clipped: list[Merged] = []
        filled = 0
        for (r0, c0), (r1, c1) in data.merged:
            self.spans[(r0, c0)] = ((r0, c0), (r1, c1))
            r1, c1 = min(r1, height - 1), min(c1, self.width - 1)
            cells = (r1 - r0 + 1) * (c1 - c0 + 1)
            # Body merges only matter per cell; cap the work for sheets merged everywhere.
            if r1 < r0 or c1 < c0 or cells > 100_000:
                continue
            clipped.append(((r0, c0), (r1, c1)))
            filled += cells
        if filled > height * self.width:
            raise TooLarge(
                f"工作表“{data.name}”的合并单元格互相重叠（{len(data.merged)} 处合并），"
                "正常的表格不会这样，文件可能已损坏。请用 Excel 或 WPS 打开后另存一份再导入。"
            )
        for (r0, c0), (r1, c1) in clipped:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        self.origin[(r, c)] = (r0, c0)
                        self.covered_in_row.setdefault(r, []).append(c)

    def raw(self, r: int, c: int) -> Cell:
        row = self.rows[r] if 0 <= r < len(self.rows) else []
        return row[c] if c < len(row) else ""

    def value(self, r: int, c: int) -> Cell:
        """The value the clerk sees in a cell: a merged cell's value in every cell it covers."""
        origin = self.origin.get((r, c))
        return self.raw(*origin) if origin else self.raw(r, c)

    def texts(self, r: int) -> list[str]:
        return [cell_text(self.raw(r, c)) for c in range(self.width)]

    def row_values(self, r: int) -> list[Cell]:
        """Row ``r`` as the clerk sees it, padded to the table's width."""
        values = list(self.rows[r])
        if len(values) < self.width:
            values.extend([""] * (self.width - len(values)))
        for c in self.covered_in_row.get(r, ()):
            if c < len(values):  # a merged range may reach past the last column with data
                values[c] = self.raw(*self.origin[(r, c)])
        return values

    def horizontal_span(self, r: int, c: int) -> tuple[int, int]:
        """First and last column of the merged cell at (r, c) within row r."""
        origin = self.origin.get((r, c), (r, c))
        span = self.spans.get(origin)
        if span is None:
            return c, c
        (_, c0), (_, c1) = span
        return c0, c1

    def vertical_end(self, r: int, c: int) -> int:
        span = self.spans.get(self.origin.get((r, c), (r, c)))
        return span[1][0] if span else r


def _header_score(texts: list[str]) -> int:
    return sum(1 for t in texts if t and header_key(t) in KNOWN_HEADER_KEYS)


def _is_texty(value: Cell) -> bool:
    return isinstance(value, str) and bool(value.strip()) and not re.fullmatch(r"[\d.,\s]+", value.strip())


def _find_header(grid: _Grid) -> int | None:
    best, best_score = None, 0
    for r in range(min(len(grid.rows), HEADER_SEARCH_ROWS)):
        score = _header_score(grid.texts(r))
        if score > best_score:
            best, best_score = r, score
    if best is not None and best_score >= 2:
        # The best row may be the sub-headings of a two-row heading; its top is the heading.
        above = [t for t in grid.texts(best - 1) if t] if best > 0 else []
        if (len(above) >= 2 and _header_score(above) >= 1 and not _is_subheader(grid, best)
                and _is_subheader(grid, best - 1)):
            return best - 1
        return best
    # No known headings: the first row that is mostly text and about as wide as the table.
    widest = max((sum(1 for v in row if not _is_empty(v)) for row in grid.rows[:HEADER_SEARCH_ROWS]), default=0)
    for r in range(min(len(grid.rows), HEADER_SEARCH_ROWS)):
        row = grid.rows[r]
        filled = [v for v in row if not _is_empty(v)]
        if len(filled) >= max(2, widest // 2) and all(_is_texty(v) for v in filled):
            return r
    return None


def _is_subheader(grid: _Grid, top: int) -> bool:
    """Whether the row under a heading row holds sub-headings of grouped columns."""
    below = top + 1
    if below >= len(grid.rows):
        return False
    cells = [(c, grid.raw(below, c)) for c in range(grid.width)]
    filled = [(c, v) for c, v in cells if not _is_empty(v)]
    if not filled or not all(_is_texty(v) for _, v in filled):
        return False
    grouped = False
    for c, _ in filled:
        first, last = grid.horizontal_span(top, c)
        if last > first:
            grouped = True  # under a group cell merged across columns
            continue
        if grid.origin.get((below, c)) is not None:
            continue
        if _is_empty(grid.raw(top, c)):
            grouped = True  # under an empty heading: a group cell without merge information
            continue
        if grid.vertical_end(top, c) >= below:
            continue
        # A sub-heading under a complete single heading: only if the row reads as headings.
        if header_key(cell_text(grid.raw(below, c))) not in KNOWN_HEADER_KEYS:
            return False
        grouped = True
    return grouped or _header_score([cell_text(v) for _, v in filled]) >= 2


def _columns(grid: _Grid, header_rows: list[int]) -> list[Column]:
    top = header_rows[0]
    columns: list[Column] = []
    group_text = ""
    for c in range(grid.width):
        top_text = cell_text(grid.value(top, c))
        parts: tuple[str, ...] = (top_text,)
        if len(header_rows) == 2:
            below = header_rows[1]
            sub = "" if (below, c) in grid.origin else cell_text(grid.raw(below, c))
            if top_text:
                group_text = top_text if sub else ""
            elif sub and group_text:
                top_text = group_text  # a group cell's reach, in a file without merge information
            parts = (top_text, sub) if sub and sub != top_text else (top_text,)
        parts = tuple(p for p in parts if p)
        if not parts:
            continue
        unit = next((u for u in map(header_unit, reversed(parts)) if u), None)
        columns.append(Column(c, parts, unit))
    return columns


# "单位：万" alone is 万元 only where it ends the phrase: "填报单位：万山镇" names the unit
# that reports, so 万/亿 must be followed by the end, a space or punctuation, and 单位 must
# not be the reporting unit (填报单位, 报送单位, 建设单位, 制表单位 …).
_SHORT_SHEET_UNIT = re.compile(r"(?<![填报送设任管属制表])单位\s*[:：]?\s*(万|亿)(?=$|[\s)）】\]，,；;。、/])")


def _sheet_unit(lines: list[str]) -> str | None:
    for line in lines:
        squeezed = _squeeze(line)
        match = re.search(r"单位[:：]?(万美元|亿美元|美元|万元|亿元|千元|元)", squeezed)
        if match:
            return match[1]
        short = _SHORT_SHEET_UNIT.search(unicodedata.normalize("NFKC", line).strip())
        if short:
            return short[1] + "元"
    return None


def _is_column_numbers(texts: list[str]) -> bool:
    filled = [t for t in texts if t]
    if len(filled) < 3:
        return False
    numbers = [t for t in filled if t.isdigit()]
    others = [t for t in filled if not t.isdigit()]
    if any(t not in _COLUMN_NUMBERS and not re.fullmatch(r"\d+=\d+([+-]\d+)*", t) for t in others):
        return False
    values = [int(t) for t in numbers]
    return len(values) >= 2 and values == sorted(values) and values[0] <= 2 and len(set(values)) == len(values)


_STOP_START = frozenset("".join(w[0] for w in (*TOTAL_WORDS, *SUBTOTAL_WORDS, *SIGNATURE_PREFIXES, *NOTE_WORDS)))


def _lead_cells(values: list[Cell]) -> list[tuple[int, str]]:
    """The first three non-empty cells of a row with their columns, as text (what totals and
    signatures start with)."""
    lead: list[tuple[int, str]] = []
    for c, value in enumerate(values):
        if isinstance(value, str):
            if value and not value.isspace():
                lead.append((c, value.strip()))
        elif value is not None:
            lead.append((c, cell_text(value)))
        if len(lead) == 3:
            break
    return lead


def _starts_with(texts: list[str], words: tuple[str, ...]) -> str | None:
    for text in [t for t in texts if t][:3]:
        squeezed = _squeeze(text)
        for word in words:
            following = squeezed[len(word):len(word) + 1]
            if squeezed.startswith(word) and not ("\u4e00" <= following <= "\u9fff"):
                return text
    return None


def _signature(first: str) -> str | None:
    """``first`` (a row's first non-empty cell) when it opens a signature line."""
    squeezed = _squeeze(first)
    for word in _SIGNATURE_WORDS:
        if squeezed.startswith(word):
            rest = squeezed[len(word):]
            suffix = _SIGN_SUFFIX.match(rest)
            after = rest[suffix.end():] if suffix else rest
            if len(word) > 2 or after == "" or after[0] == ":":
                return first
    return first if _SEAL.match(squeezed) else None


def _note(lead: list[tuple[int, str]], columns: dict[int, Column]) -> str | None:
    """The row's only cell when it is a note (``注：…``, ``说明：…``) below the table."""
    if len(lead) != 1:  # other cells filled: not a note line
        return None
    c, text = lead[0]
    if not _NOTE.match(_squeeze(text)):
        return None
    column = columns.get(c)
    if column is not None and any(w in header_key(column.name) for w in _REMARK_HEADINGS):
        return None  # a project's remark, alone on a row
    return text


def _total_phrase(grid: _Grid, r: int, lead: list[tuple[int, str]], numbering_cols: set[int]) -> tuple[str, str] | None:
    """(word, text) when a lead cell is a totals phrase (全镇总计, 以上项目共计2个 …) in a row
    that reads as totals: no 序号, and the other cells figures or empty."""
    for c, text in lead:
        if "计" not in text:
            continue
        match = _TOTAL_PHRASE.match(_squeeze(text))
        if match is None:
            continue
        others = 0
        for oc, value in enumerate(grid.rows[r]):
            if oc == c or _is_empty(value):
                continue
            if oc in numbering_cols:
                return None  # numbered: a project whose name has such a word
            if isinstance(value, (int, float)) or _FIGURE.fullmatch(_squeeze(cell_text(value))):
                continue
            others += 1
        return (match["word"], text) if others <= 1 else None
    return None


def find_table(data: SheetData) -> Table | None:
    """The table on a sheet, or ``None`` when no heading row can be found."""
    grid = _Grid(data)
    top = _find_header(grid)
    if top is None:
        return None
    header_rows = [top]
    if _is_subheader(grid, top):
        header_rows.append(top + 1)
    title_lines = [" ".join(t for t in grid.texts(r) if t) for r in range(top)]
    title_lines = [line for line in title_lines if line]
    sheet_unit = _sheet_unit(title_lines)
    columns = _columns(grid, header_rows)
    body: list[BodyRow] = []
    skipped: list[tuple[int, str]] = []
    end: tuple[int, str] | None = None
    first_body = header_rows[-1] + 1
    if first_body < len(grid.rows) and _is_column_numbers(grid.texts(first_body)):
        skipped.append((first_body + 1, "列序号行"))
        first_body += 1
    by_row: dict[int, set[int]] = {}
    for ur, uc in data.uncached:
        by_row.setdefault(ur, set()).add(uc)
    uncached_by_row = {ur: frozenset(cols) for ur, cols in by_row.items()}
    name_like = {c.index for c in columns if header_key(c.name) in ("序号", "编号")}
    by_index = {c.index: c for c in columns}
    for r in range(first_body, len(grid.rows)):
        values = grid.row_values(r)
        lead_cells = _lead_cells(grid.rows[r])  # own cells only: a merged cell counts once
        if not lead_cells:
            continue
        lead = [text for _, text in lead_cells]
        # Only a row whose lead starts with one of the words, or has 计 (合计, 总计, 共计, 小计)
        # or 章 (盖章) in it, can be a total, a signature, a note or a subtotal.
        if any(text[0] in _STOP_START or "计" in text for text in lead) or "章" in lead[0]:
            stop = _stop(grid, r, lead_cells, by_index, name_like)
            if stop is not None:
                kind, why = stop
                if kind == "total" and body:
                    end = (r + 1, why)
                    break
                if kind == "signature":
                    end = (r + 1, why)
                    break
                skipped.append((r + 1, why))  # a subtotal, or a total above the projects
                continue
        if len(lead) == 1:
            section = _section(grid, r, grid.rows[r], name_like)
            if section is not None:
                skipped.append((r + 1, f"分组标题“{section}”"))
                continue
        covered = grid.covered_in_row.get(r)
        merged_from = {c: grid.origin[(r, c)][0] + 1 for c in covered if grid.origin[(r, c)][0] < r} if covered else {}
        body.append(BodyRow(r + 1, values, merged_from, uncached_by_row.get(r, frozenset())))
    return Table(data.name, tuple(h + 1 for h in header_rows), columns, body, title_lines, skipped, end,
                 sheet_unit, data.date1904)


def _stop(grid: _Grid, r: int, lead_cells: list[tuple[int, str]], columns: dict[int, Column],
          numbering_cols: set[int]) -> tuple[str, str] | None:
    """Whether row ``r`` is a total, a signature or note line, or a subtotal: (kind, why)."""
    lead = [text for _, text in lead_cells]
    total = _starts_with(lead, TOTAL_WORDS)
    if total is not None:
        return "total", f"合计行“{total}”"
    signature = _signature(lead[0]) or _note(lead_cells, columns)
    if signature is not None:
        return "signature", f"落款或说明“{signature}”"
    subtotal = _starts_with(lead, SUBTOTAL_WORDS)
    if subtotal is not None:
        return "subtotal", f"小计行“{subtotal}”"
    phrase = _total_phrase(grid, r, lead_cells, numbering_cols)
    if phrase is not None:
        word, text = phrase
        return ("subtotal", f"小计行“{text}”") if word == "小计" else ("total", f"合计行“{text}”")
    return None


def _section(grid: _Grid, r: int, values: list[Cell], numbering_cols: set[int]) -> str | None:
    """A heading that splits the body (一、新开工项目), not a project."""
    filled = [(c, cell_text(v)) for c, v in enumerate(values) if not _is_empty(v)]
    if len(filled) != 1:
        return None
    c, text = filled[0]
    if _SECTION.match(_squeeze(text)):
        return text
    first, last = grid.horizontal_span(r, c)
    if last - first >= 2:
        return text
    if c in numbering_cols and not text.isdigit():
        return text
    return None


def title_month(table: Table, today: date | None = None) -> tuple[int, int] | None:
    """The reporting month named above the table (``2026年10月…调度表``, ``截至10月底``)."""
    for line in table.title_lines:
        text = _squeeze(line)
        match = re.search(r"((?:19|20)\d{2})年(?:1-|1—|1～|1~|1至)?(\d{1,2})月", text)
        if match and 1 <= int(match[2]) <= 12:
            return int(match[1]), int(match[2])
        match = re.search(r"((?:19|20)\d{2})[-./](\d{1,2})(?:[-./]\d{1,2})?", text)
        if match and 1 <= int(match[2]) <= 12:
            return int(match[1]), int(match[2])
    return None


def is_dateish(value: Cell) -> bool:
    return isinstance(value, (date, datetime))
