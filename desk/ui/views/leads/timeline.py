"""A lead's follow-up timeline (跟进记录) and its change history (变更记录)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.core import leads as lead_rules
from desk.core.models import AuditEntry, FollowUp, Lead
from desk.ui.fields import DateField
from desk.ui.views.leads.fields import Form

if TYPE_CHECKING:
    from desk.store.ledger import Ledger

Index = QModelIndex | QPersistentModelIndex
RED = QColor("#c62828")


class ListModel(QAbstractTableModel):
    """A few rows of text with optional colours per row."""

    def __init__(self, headers: list[str]) -> None:
        super().__init__()
        self.headers = headers
        self.rows: list[list[str]] = []
        self.colors: dict[int, QColor] = {}

    def set_rows(self, rows: list[list[str]], colors: dict[int, QColor] | None = None) -> None:
        self.beginResetModel()
        self.rows = rows
        self.colors = colors or {}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.row() in self.colors:
            return QBrush(self.colors[index.row()])
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None


def small_table(model: QAbstractTableModel, stretch: int) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setWordWrap(True)
    view.setAlternatingRowColors(True)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    # Small tables: let wrapped text (a long verdict, an address) show in full.
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view


class FollowUpPanel(QWidget):
    """The timeline, newest first, and a form to write down the next follow-up."""

    addRequested = Signal(object)  # a FollowUp to save

    def __init__(self, today: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.lead: Lead | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.due = QLabel()
        self.due.setObjectName("followupDue")
        self.due.setWordWrap(True)
        layout.addWidget(self.due)
        self.model = ListModel(["日期", "跟进情况", "下一步", "下次跟进日期"])
        self.view = small_table(self.model, 1)
        layout.addWidget(self.view, 1)
        box = QGroupBox("记一次跟进")
        form_layout = QFormLayout(box)
        self.form = Form(form_layout)
        self.on_date = DateField()
        self.what = QLineEdit()
        self.what.setPlaceholderText("例如：电话回访，企业同意下月来实地考察")
        self.next_step = QLineEdit()
        self.next_step.setPlaceholderText("例如：安排考察韩家店镇工业园")
        self.next_date = DateField()
        self.form.add("on_date", "日期", self.on_date, required=True)
        self.form.add("what", "跟进情况", self.what, required=True)
        self.form.add("next_step", "下一步", self.next_step)
        self.form.add("next_date", "下次跟进日期", self.next_date)
        row = QHBoxLayout()
        row.addStretch(1)
        self.add_button = QPushButton("添加跟进记录")
        self.add_button.setObjectName("addFollowUp")
        self.add_button.clicked.connect(self._add)
        row.addWidget(self.add_button)
        form_layout.addRow(row)
        layout.addWidget(box)

    def show_lead(self, lead: Lead | None, followups: list[FollowUp]) -> None:
        self.lead = lead
        ordered = sorted(followups, key=lambda f: (f.on_date, f.id or 0), reverse=True)
        rows = [[f.on_date.isoformat(), f.what, f.next_step, f.next_date.isoformat() if f.next_date else ""]
                for f in ordered]
        today = self.today()
        overdue = lead is not None and lead_rules.is_followup_overdue(lead, followups, today)
        self.model.set_rows(rows, {0: RED} if overdue and rows else None)
        due = lead_rules.next_followup_date(followups)
        if lead is None:
            text = "保存线索后可以记录跟进情况。"
        elif overdue and due is not None:
            text = f"⚠ 下次跟进日期 {due.isoformat()} 已过 {(today - due).days} 天，请尽快跟进。"
        elif due is not None and lead.state in lead_rules.OPEN_STATES:
            text = f"下次跟进日期：{due.isoformat()}"
        else:
            text = f"共 {len(rows)} 次跟进。" if rows else "还没有跟进记录。"
        self.due.setText(text)
        self.due.setProperty("overdue", overdue)
        self.due.style().unpolish(self.due)
        self.due.style().polish(self.due)
        self.on_date.set_value(today)
        self.what.clear()
        self.next_step.clear()
        self.next_date.set_value(None)
        self.form.set_errors({})
        for widget in (self.on_date, self.what, self.next_step, self.next_date, self.add_button):
            widget.setEnabled(lead is not None and lead.id is not None)

    def _add(self) -> None:
        if self.lead is None or self.lead.id is None:
            return
        errors: dict[str, str] = {}
        try:
            on = self.on_date.value()
        except ValueError as exc:
            errors["on_date"], on = str(exc), None
        try:
            nxt = self.next_date.value()
        except ValueError as exc:
            errors["next_date"], nxt = str(exc), None
        if on is None and "on_date" not in errors:
            errors["on_date"] = "请填写跟进日期"
        if not self.what.text().strip():
            errors["what"] = "请填写跟进情况"
        if on is not None and nxt is not None and nxt < on:
            errors["next_date"] = "下次跟进日期不能早于本次跟进日期"
        self.form.set_errors(errors)
        if errors:
            return
        self.addRequested.emit(FollowUp(self.lead.id, on, self.what.text().strip(),  # type: ignore[arg-type]
                                        self.next_step.text().strip(), nxt))


class HistoryPanel(QWidget):
    """Every change to the lead (and every time its contacts were shown or exported)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.model = ListModel(["时间", "填报人", "内容"])
        self.view = small_table(self.model, 2)
        layout.addWidget(self.view)

    def show_entries(self, entries: list[AuditEntry]) -> None:
        rows = [[e.at.strftime("%Y-%m-%d %H:%M"), e.clerk, e.summary] for e in entries]
        self.model.set_rows(rows)

    @staticmethod
    def load(ledger: Ledger, lead_id: int) -> list[AuditEntry]:
        return ledger.leads.history(lead_id, limit=500)  # type: ignore[no-any-return]
