"""The monthly grid's model: one row per active project, edits held as drafts until 保存.

Every edit — a typed cell, a tick, a paste, a fill-down, a clear — is checked whole
before anything changes (``CellError`` names the cell and nothing is applied), then
pushed on the ``QUndoStack`` as one command holding each touched row's draft before and
after. 保存 writes all drafts in one ``Op`` (``saving.save_month``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QUndoCommand, QUndoStack

from desk.core import monthly, stages
from desk.core.glossary import ACTIVE_STAGES, Stage
from desk.core.models import Project, ProjectMonth
from desk.core.money import format_amount
from desk.core.periods import Month
from desk.core.validation import month_errors
from desk.store.ledger import Ledger
from desk.ui.fields import amount_text
from desk.ui.projects.editor_months import same_record
from desk.ui.projects.grid_columns import GRID_COLUMNS, CellError, GridColumn, Kind, read_cell, tick_text

Index = QModelIndex | QPersistentModelIndex
NOT_UPDATED_BG = QBrush(QColor("#fff4d6"))
NOT_UPDATED_FG = QBrush(QColor("#b45309"))
CHANGED_BG = QBrush(QColor("#e3efff"))
READONLY_FG = QBrush(QColor("#5b6878"))
CENTER = int(Qt.AlignmentFlag.AlignCenter)
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass
class GridRow:
    project: Project
    unit_name: str
    month: str
    saved: ProjectMonth | None  # this month's record in the ledger
    previous: ProjectMonth | None  # the newest record before this month
    draft: ProjectMonth | None = None  # the clerk's unsaved version

    @property
    def id(self) -> int:
        return self.project.id  # type: ignore[return-value]

    @property
    def current(self) -> ProjectMonth | None:
        return self.draft if self.draft is not None else self.saved

    @property
    def changed(self) -> bool:
        return self.draft is not None and (self.saved is None or not same_record(self.saved, self.draft))

    def base(self) -> ProjectMonth:
        return self.current or monthly.new_record(self.project, self.month, self.previous)

    def from_stage(self) -> Stage:
        """The stage the month's choice is made from: last month's, else the project's."""
        return self.previous.stage if self.previous is not None else self.project.stage

    def stage_choices(self) -> list[Stage]:
        start = self.from_stage()
        allowed = {start, *stages.next_stages(start), self.project.stage}
        if self.current is not None:
            allowed.add(self.current.stage)
        return [s for s in Stage if s in allowed]


class EditCommand(QUndoCommand):
    """Drafts of some rows before and after one edit."""

    def __init__(self, model: MonthGridModel, text: str, before: dict[int, ProjectMonth | None],
                 after: dict[int, ProjectMonth | None]) -> None:
        super().__init__(text)
        self.model = model
        self.before = before
        self.after = after

    def redo(self) -> None:
        self.model.put_drafts(self.after)

    def undo(self) -> None:
        self.model.put_drafts(self.before)


class MonthGridModel(QAbstractTableModel):
    refused = Signal(str)  # an edit was refused; the message names the cell
    draftsChanged = Signal(int)  # rows changed and not saved

    def __init__(self, month: str, rows: list[GridRow], locked: bool, parent: object | None = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.month = month
        self.label = Month.parse(month).label
        self.locked = locked
        self.columns = GRID_COLUMNS
        self.all_rows = rows
        self.by_id = {r.id: r for r in rows}
        self.rows: list[GridRow] = list(rows)  # the rows shown (after the grid's own filter)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(200)

    # ------------------------------------------------------------ filtering
    def show_rows(self, text: str = "", only_not_updated: bool = False) -> None:
        words = text.split()

        def keep(row: GridRow) -> bool:
            if only_not_updated and row.current is not None:
                return False
            haystack = f"{row.project.name} {row.unit_name} {row.project.leader} {row.project.owner_company}"
            return all(w in haystack for w in words)

        self.beginResetModel()
        self.rows = [r for r in self.all_rows if keep(r)]
        self.endResetModel()

    # ------------------------------------------------------------- queries
    def changed_records(self) -> list[ProjectMonth]:
        return [r.draft for r in self.all_rows if r.changed and r.draft is not None]

    def changed_count(self) -> int:
        return sum(1 for r in self.all_rows if r.changed)

    def saved_count(self) -> int:
        """Rows with a record for the month in the ledger."""
        return sum(1 for r in self.all_rows if r.saved is not None)

    def where(self, row: int, column: int | None = None) -> str:
        place = f"第 {row + 1} 行（{self.rows[row].project.name}）"
        return place if column is None else f"{place}“{self.columns[column].title}”列"

    # ------------------------------------------------------------- editing
    def value_of(self, row: GridRow, column: GridColumn) -> object:
        record = row.current
        if column.key == "name":
            return row.project.name
        if column.key == "unit":
            return row.unit_name
        if column.key == "status":
            return "已修改" if row.changed else ("已填报" if record is not None else "未填报")
        if record is None:
            if column.kind is Kind.STAGE:
                return row.project.stage
            return None
        if column.evidence is not None:
            return column.evidence in record.evidence
        return getattr(record, column.key)

    def apply(self, row: GridRow, record: ProjectMonth, column: GridColumn, value: object) -> ProjectMonth:
        """``record`` with ``value`` in ``column``; raises CellError if the result is not valid."""
        if column.kind is Kind.READONLY:
            raise CellError("这一列不能填写")
        if column.key == "invested_month_wan":
            record = monthly.with_month_amount(record, value, row.previous)  # type: ignore[arg-type]
        elif column.key == "invested_ytd_wan":
            record = monthly.with_ytd(record, value, row.previous)  # type: ignore[arg-type]
        elif column.kind is Kind.STAGE:
            stage: Stage = value  # type: ignore[assignment]
            if stage not in row.stage_choices():
                reason = stages.refusal(row.from_stage(), stage) or "不能选这个阶段"
                raise CellError(f"{reason}（上月为“{row.from_stage().label}”）")
            record = dataclasses.replace(record, stage=stage)
        elif column.evidence is not None:
            evidence = set(record.evidence)
            (evidence.add if value else evidence.discard)(column.evidence)
            record = dataclasses.replace(record, evidence=frozenset(evidence))
        else:
            record = dataclasses.replace(record, **{column.key: value})
        problems = month_errors(record)
        if problems:
            raise CellError(problems[0].message)
        return record

    def edit(self, cells: Iterable[tuple[int, int, object]], text: str, *, raw: bool = True) -> bool:
        """Apply several cells as one undoable edit: all of them, or (refused) none.

        ``cells`` are (shown row, column, value); with ``raw`` the value is the text the
        clerk typed or pasted and is read first. A READONLY cell accepts only its own
        text or a blank (a paste that carried the names along, in the same order).
        """
        if self.locked:
            self.refused.emit(f"{self.label}已报送，数据已锁定。如需修改，请在“月报报送”中发起更正。")
            return False
        cells = list(cells)
        records: dict[int, ProjectMonth] = {}
        # A row not yet filled in stays so when all the edit gives it is blanks (an empty row
        # copied from Excel arrives as tabs, Delete on a fresh row): blanks are not a report.
        speaking = {r for r, c, value in cells
                    if not raw or (self.columns[c].kind is not Kind.READONLY and str(value).strip())}
        try:
            for r, c, value in cells:
                row, column = self.rows[r], self.columns[c]
                if r not in speaking and row.current is None:
                    continue
                if column.kind is Kind.READONLY:
                    mine = str(self.value_of(row, column))
                    if raw and str(value).strip() not in ("", mine):
                        raise CellError(
                            f"这一列不能填写；粘贴的是“{str(value).strip()}”，这一行是“{mine}”"
                            "（请从可以填写的列开始粘贴，或检查行的顺序）"
                        )
                    continue
                if raw and column.key in ("stage", "invested_ytd_wan") and not str(value).strip():
                    continue  # blank says nothing: the row keeps its stage, 年度累计 follows 本月
                try:
                    parsed = read_cell(column, str(value)) if raw else value
                    base = records.get(row.id) or row.base()
                    records[row.id] = self.apply(row, base, column, parsed)
                except CellError as exc:
                    raise CellError(f"{self.where(r, c)}：{exc}") from None
        except CellError as exc:
            self.refused.emit(f"没有填入：{exc}")
            return False
        if not records:
            return True
        before: dict[int, ProjectMonth | None] = {pid: self.by_id[pid].draft for pid in records}
        after: dict[int, ProjectMonth | None] = {
            pid: (None if self.by_id[pid].saved is not None and same_record(self.by_id[pid].saved, rec) else rec)
            for pid, rec in records.items()
        }
        if all(before[pid] == after[pid] for pid in records):
            return True
        self.undo_stack.push(EditCommand(self, text, before, after))
        return True

    def put_drafts(self, drafts: dict[int, ProjectMonth | None]) -> None:
        positions = {r.id: i for i, r in enumerate(self.rows)}
        touched = []
        for pid, draft in drafts.items():
            self.by_id[pid].draft = draft
            if pid in positions:
                touched.append(positions[pid])
        if touched:
            self.dataChanged.emit(self.index(min(touched), 0), self.index(max(touched), len(self.columns) - 1))
        self.draftsChanged.emit(self.changed_count())

    def accept_drafts(self) -> None:
        """The drafts were saved: they are the month's records now (until the grid reloads)."""
        for row in self.all_rows:
            if row.draft is not None:
                row.saved, row.draft = row.draft, None
        self.undo_stack.clear()
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.columns) - 1))
        self.draftsChanged.emit(0)

    def paste(self, rows: Sequence[Sequence[str]], top: int, left: int) -> bool:
        cells = [(top + i, left + j, text) for i, line in enumerate(rows) for j, text in enumerate(line)]
        if top + len(rows) > len(self.rows):
            self.refused.emit(
                f"没有粘贴：粘贴的内容有 {len(rows)} 行，从第 {top + 1} 行起只有 {len(self.rows) - top} 行"
            )
            return False
        return self.edit(cells, f"粘贴 {len(rows)} 行")

    def text_at(self, row: int, column: int) -> str:
        """A cell as text (copying, fill-down): amounts plain, ticks as √, stages as labels."""
        value = self.value_of(self.rows[row], self.columns[column])
        kind = self.columns[column].kind
        if value is None:
            return ""
        if kind is Kind.AMOUNT:
            return amount_text(value)  # type: ignore[arg-type]
        if kind is Kind.TICK:
            return tick_text(bool(value))
        if kind is Kind.STAGE:
            return value.label  # type: ignore[attr-defined, no-any-return]
        return str(value)

    # ------------------------------------------------------------ Qt model
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        kind = column.kind
        if role == Qt.ItemDataRole.DisplayRole:
            if kind is Kind.TICK:
                return None
            value = self.value_of(row, column)
            if value is None:
                return ""
            if kind is Kind.AMOUNT:
                return format_amount(value)  # type: ignore[arg-type]
            if kind is Kind.STAGE:
                return value.label  # type: ignore[attr-defined]
            return str(value)
        if role == Qt.ItemDataRole.EditRole:
            return self.text_at(index.row(), index.column())
        if role == Qt.ItemDataRole.CheckStateRole and kind is Kind.TICK:
            checked = bool(self.value_of(row, column))
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if kind is Kind.AMOUNT:
                return RIGHT
            if kind is Kind.TICK or column.key == "status":
                return CENTER
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.changed:
                return CHANGED_BG
            if row.current is None:
                return NOT_UPDATED_BG
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column.key == "status" and row.current is None:
                return NOT_UPDATED_FG
            if kind is Kind.READONLY or (row.current is None and kind is Kind.STAGE):
                return READONLY_FG
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.key == "name":
                return f"{row.project.name}（{row.project.stage.label}）"
            if column.key == "status" and row.current is None:
                return "本月尚未填报"
            return None
        return None

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.CheckStateRole and column.kind is Kind.TICK:
            checked = Qt.CheckState(value) == Qt.CheckState.Checked  # type: ignore[call-overload]
            return self.edit([(index.row(), index.column(), checked)], f"勾选“{column.title}”", raw=False)
        if role == Qt.ItemDataRole.EditRole:
            if column.kind is Kind.STAGE and isinstance(value, Stage):
                return self.edit([(index.row(), index.column(), value)], "修改阶段", raw=False)
            return self.edit([(index.row(), index.column(), value)], f"填写“{column.title}”")
        return False

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self.columns):
                return None
            column = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column.title
            if role == Qt.ItemDataRole.ToolTipRole:
                return column.tooltip or None
            return None
        # The row header carries the number and the project's name: it stays in view while
        # the clerk moves right through the evidence ticks (a frozen first column).
        if not 0 <= section < len(self.rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            name = self.rows[section].project.name
            return f"{section + 1}  {name if len(name) <= 14 else name[:13] + '…'}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.rows[section].project.name
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        kind = self.columns[index.column()].kind
        if self.locked or kind is Kind.READONLY:
            return flags
        if kind is Kind.TICK:
            return flags | Qt.ItemFlag.ItemIsUserCheckable
        return flags | Qt.ItemFlag.ItemIsEditable


def load_rows(ledger: Ledger, month: str) -> tuple[list[GridRow], bool]:
    """The rows of a month's grid (runs on the ledger worker) and whether the month is locked.

    Every project still worked on (签约 … 竣工, not moved out of the pool), except those
    completed before this month; and every project that already has a record this month.
    """
    first_day = Month.parse(month).first_day
    active = [s.value for s in ACTIVE_STAGES]
    projects = ledger.projects.where(
        f"archived = 0 AND stage IN ({', '.join('?' * len(active))})", active
    )
    saved = {r.project_id: r for r in ledger.months.of_month(month)}
    keep = [
        p for p in projects
        if p.id in saved or not (p.stage == Stage.COMPLETED and p.stage_date is not None and p.stage_date < first_day)
    ]
    missing = set(saved) - {p.id for p in keep}
    if missing:
        keep += ledger.projects.by_ids(sorted(missing))
    units = ledger.units.all()
    order = {u.id: i for i, u in enumerate(units)}
    names = {u.id: u.name for u in units}
    keep.sort(key=lambda p: (order.get(p.unit_id, len(order)), p.id))
    previous = ledger.months.latest_before(month)
    rows = [
        GridRow(p, names.get(p.unit_id, ""), month, saved.get(p.id), previous.get(p.id))  # type: ignore[arg-type]
        for p in keep
    ]
    return rows, ledger.is_month_locked(month)
