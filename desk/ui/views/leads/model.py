"""The lead list: ids of the current result, rows fetched lazily, contacts always masked.

As in the project table (Anki's browser model), a search keeps only the ids in order;
the rows a view paints are read in chunks and cached until the next search or change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desk.core.contacts import mask_contacts
from desk.core.leads import OPEN_STATES
from desk.core.models import Lead
from desk.core.money import format_amount
from desk.store.lead_queries import LeadFilter

if TYPE_CHECKING:
    from desk.store.ledger import Ledger

Index = QModelIndex | QPersistentModelIndex
CHUNK = 200
OVERDUE = QColor("#c62828")
DONE = QColor("#7a8594")


@dataclass(frozen=True)
class Row:
    lead: Lead
    team: str
    next_date: date | None


@dataclass(frozen=True)
class Column:
    key: str  # also the sort key of desk.store.lead_queries.SORT_KEYS
    title: str
    text: Callable[[Row, date], str]
    numeric: bool = False
    width: int = 100


def _date(value: date | None) -> str:
    return value.isoformat() if value else ""


def _next(row: Row, today: date) -> str:
    due = row.next_date
    if due is None or row.lead.state not in OPEN_STATES:
        return ""
    if due < today:
        return f"{due.isoformat()}（已过期 {(today - due).days} 天）"
    return due.isoformat()


def _source(row: Row, today: date) -> str:
    lead = row.lead
    if lead.intermediary:
        return f"{lead.source.label}（{lead.intermediary}）"
    return lead.source.label


def _state(row: Row, today: date) -> str:
    lead = row.lead
    return f"{lead.state.label}（{lead.state_reason}）" if lead.state_reason else lead.state.label


COLUMNS: list[Column] = [
    Column("visit_date", "拜访日期", lambda r, t: _date(r.lead.visit_date), width=92),
    Column("company", "企业名称", lambda r, t: r.lead.company, width=230),
    Column("person_name", "客商姓名", lambda r, t: r.lead.person_name, width=72),
    Column("position", "职务", lambda r, t: r.lead.position, width=90),
    Column("contacts", "联系方式", lambda r, t: mask_contacts(r.lead.phone, r.lead.email, r.lead.wechat), width=220),
    Column("intent_industry", "意向行业", lambda r, t: r.lead.intent_industry, width=90),
    Column("intent_amount", "意向投资(万元)",
           lambda r, t: "" if r.lead.intent_amount_wan is None else format_amount(r.lead.intent_amount_wan),
           numeric=True, width=100),
    Column("source", "来源", _source, width=100),
    Column("team", "招商小分队", lambda r, t: r.team, width=200),
    Column("state", "状态", _state, width=70),
    Column("next_date", "下次跟进", _next, width=160),
    Column("owner_clerk", "负责人", lambda r, t: r.lead.owner_clerk, width=60),
]
COLUMN_KEYS = [c.key for c in COLUMNS]


class LeadTableModel(QAbstractTableModel):
    def __init__(self, ledger: Ledger, today: Callable[[], date]) -> None:
        super().__init__()
        self.ledger = ledger
        self.today = today
        self.ids: list[int] = []
        self.filter = LeadFilter()
        self.order_by = "visit_date"
        self.descending = True
        self._cache: dict[int, Row] = {}
        self._teams: dict[int, str] = {}

    # ------------------------------------------------------------ searching
    def search(self, filter: LeadFilter | None = None) -> None:
        if filter is not None:
            self.filter = filter
        self.beginResetModel()
        self.ids = self.ledger.leads.search_ids(self.filter, self.order_by, self.descending)
        self._cache.clear()
        self._teams = {t.id: t.name for t in self.ledger.teams.all() if t.id is not None}
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column].key
        self.order_by = "id" if key == "contacts" else key
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.search()

    def row_of(self, lead_id: int) -> int:
        try:
            return self.ids.index(lead_id)
        except ValueError:
            return -1

    def lead_id(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def _row(self, row: int) -> Row:
        lead_id = self.ids[row]
        found = self._cache.get(lead_id)
        if found is None:
            start = (row // CHUNK) * CHUNK
            chunk = [i for i in self.ids[start : start + CHUNK] if i not in self._cache]
            dates = self.ledger.leads.next_dates(chunk)
            for lead in self.ledger.leads.by_ids(chunk):
                team = self._teams.get(lead.team_id, "") if lead.team_id is not None else ""
                self._cache[lead.id] = Row(lead, team, dates.get(lead.id))  # type: ignore[index]
            found = self._cache.get(lead_id)
            if found is None:  # deleted by someone else meanwhile: show an empty row
                found = Row(Lead(company="（已删除）", id=lead_id), "", None)
        return found

    def is_overdue(self, row: int) -> bool:
        r = self._row(row)
        return r.lead.state in OPEN_STATES and r.next_date is not None and r.next_date < self.today()

    # ------------------------------------------------------------ the model
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.ids):
            return None
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(self._row(index.row()), self.today())
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            row = self._row(index.row())
            if column.key == "next_date" and self.is_overdue(index.row()):
                return QBrush(OVERDUE)
            if row.lead.state not in OPEN_STATES and column.key == "state":
                return QBrush(DONE)
        if role == Qt.ItemDataRole.ToolTipRole and column.key == "contacts":
            return "联系方式已隐藏。在右侧点“显示完整联系方式”查看（会记入修改记录）。"
        if role == Qt.ItemDataRole.UserRole:
            return self.ids[index.row()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        return None
