"""“来源线索” for the project editor: where a landed project came from, with a link back.

The project editor calls ``source_lead_widget(ledger, project_id)`` (or builds a
``SourceLeadBox`` and calls ``set_project``); clicking 打开线索 shows the lead in the
招商线索 section of the window the widget lives in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from desk.core.models import Lead

if TYPE_CHECKING:
    from desk.store.ledger import Ledger


def source_lead_text(ledger: Ledger, lead: Lead) -> str:
    """One line about the lead: company, person, source (team or intermediary), visit date."""
    parts = [lead.company or "", lead.person_name]
    if lead.team_id is not None:
        team = ledger.teams.maybe(lead.team_id)
        if team is not None:
            parts.append(team.name)
    elif lead.intermediary:
        parts.append(f"{lead.source.label}：{lead.intermediary}")
    else:
        parts.append(lead.source.label)
    if lead.visit_date:
        parts.append(f"{lead.visit_date.isoformat()} 拜访")
    return "，".join(p for p in parts if p) + f"（线索编号 {lead.id}）"


class SourceLeadBox(QWidget):
    """Shows the lead a project came from, or nothing when it did not come from one."""

    def __init__(self, ledger: Ledger, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sourceLead")
        self.ledger = ledger
        self.lead: Lead | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.open_button = QPushButton("打开线索")
        self.open_button.setObjectName("openSourceLead")
        self.open_button.clicked.connect(self.open)
        row.addWidget(self.text, 1)
        row.addWidget(self.open_button)

    def set_project(self, project_id: int | None) -> None:
        self.lead = self.ledger.leads.origin_of_project(project_id) if project_id is not None else None
        if self.lead is None:
            self.text.setText("（不是由招商线索落地的项目）")
            self.open_button.setVisible(False)
        else:
            self.text.setText(source_lead_text(self.ledger, self.lead))
            self.open_button.setVisible(True)

    def open(self) -> bool:
        from PySide6.QtWidgets import QDialog

        from desk.ui.views.leads import open_lead

        if self.lead is None or self.lead.id is None:
            return False
        main = main_window_of(self)
        top = self.window()
        if isinstance(top, QDialog) and top is not main:
            top.reject()  # the project editor asks first when it has unsaved changes
            if top.isVisible():
                return False
        return open_lead(main, self.lead.id)


def main_window_of(widget: QWidget) -> QWidget | None:
    """The main window a widget belongs to, through dialogs (it is the one with sections)."""
    node: QWidget | None = widget
    while node is not None:
        if hasattr(node, "show_section"):
            return node
        node = node.parentWidget()
    return None


def source_lead_widget(ledger: Ledger, project_id: int | None, parent: QWidget | None = None) -> SourceLeadBox:
    box = SourceLeadBox(ledger, parent)
    box.set_project(project_id)
    return box
