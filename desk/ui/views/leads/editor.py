"""The lead editor: every field of a lead, its contacts revealed on request, its state
moves and landing, the follow-up timeline and the change history.

Every write is an Op on the worker thread; the editor reads the lead again when the
ledger tells views it changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desk.core import contacts
from desk.core import leads as lead_rules
from desk.core.glossary import FIELD_LABELS, LeadSource, LeadState
from desk.core.leads import company_key
from desk.core.models import FollowUp, Lead
from desk.core.validation import lead_errors
from desk.store.lead_queries import Duplicate
from desk.ui.fields import DateField
from desk.ui.taskman import Op
from desk.ui.views.leads.dialogs import DuplicateDialog, LandDialog, ReasonDialog
from desk.ui.views.leads.fields import AmountField, Form, combo, select, text_edit
from desk.ui.views.leads.timeline import FollowUpPanel, HistoryPanel

if TYPE_CHECKING:
    from desk.store.ledger import Ledger

INTENT_FORMS = ["独资新建", "合资合作", "增资扩产", "并购重组", "租赁厂房", "委托招商"]
MOVE_WORDS = {
    LeadState.LEAD: "恢复为线索",
    LeadState.NEGOTIATING: "转入洽谈",
    LeadState.SIGNED: "已签约",
    LeadState.SHELVED: "搁置…",
    LeadState.ABANDONED: "放弃…",
}
_CONTACT_FIELDS = ("phone", "email", "wechat")


def label(name: str) -> str:
    return FIELD_LABELS.get(name, name)


class LeadEditor(QWidget):
    saved = Signal(int)  # the lead's id after a save or a move
    openRequested = Signal(str, int)  # ("lead" | "project", id)

    def __init__(self, ledger: Ledger, today: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("leadEditor")
        self.ledger = ledger
        self.today = today
        self.lead: Lead | None = None  # as saved (None: nothing shown)
        self.revealed = False
        self._checked_key = ""
        self._build()
        self.show_lead(None)

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 4, 4, 4)
        head = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("editorTitle")
        self.title.setWordWrap(True)
        self.state_badge = QLabel()
        self.state_badge.setObjectName("leadState")
        head.addWidget(self.title, 1)
        head.addWidget(self.state_badge, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(head)
        self.due_note = QLabel()
        self.due_note.setObjectName("followupDue")
        self.due_note.setProperty("overdue", True)
        outer.addWidget(self.due_note)
        self.project_link = QLabel()
        self.project_link.setObjectName("projectLink")
        self.project_link.linkActivated.connect(self._open_link)
        outer.addWidget(self.project_link)

        actions = QHBoxLayout()
        self.move_buttons: dict[LeadState, QPushButton] = {}
        for state, word in MOVE_WORDS.items():
            button = QPushButton(word)
            button.setObjectName(f"move_{state.value}")
            button.clicked.connect(lambda _=False, s=state: self.request_move(s))
            self.move_buttons[state] = button
            actions.addWidget(button)
        self.land_button = QPushButton("落地为项目…")
        self.land_button.setObjectName("landLead")
        self.land_button.clicked.connect(self.request_land)
        actions.addWidget(self.land_button)
        actions.addStretch(1)
        self.save_button = QPushButton("保存")
        self.save_button.setObjectName("saveLead")
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self.save)
        actions.addWidget(self.save_button)
        outer.addLayout(actions)

        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        outer.addWidget(self.error)
        self.duplicate_note = QLabel()
        self.duplicate_note.setObjectName("duplicateWarning")
        self.duplicate_note.setWordWrap(True)
        self.duplicate_note.linkActivated.connect(self._open_link)
        outer.addWidget(self.duplicate_note)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._scroll(self._person_tab()), "客商信息")
        self.tabs.addTab(self._scroll(self._intent_tab()), "投资意向与来源")
        self.followups = FollowUpPanel(self.today)
        self.followups.addRequested.connect(self.add_followup)
        self.tabs.addTab(self.followups, "跟进记录")
        self.history = HistoryPanel()
        self.tabs.addTab(self.history, "变更记录")
        outer.addWidget(self.tabs, 1)

    @staticmethod
    def _scroll(widget: QWidget) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        area.setWidget(widget)
        return area

    def _person_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        form_layout = QFormLayout()
        self.form = Form(form_layout)
        self.visit_date = DateField()
        self.company = QLineEdit()
        self.company.setPlaceholderText("企业全称，例如：辽宁恒通风电装备有限公司")
        self.company.editingFinished.connect(self.check_duplicates)
        self.person_name = QLineEdit()
        self.position = QLineEdit()
        self.address = QLineEdit()
        self.business_scope = text_edit(2)
        self.form.add("visit_date", label("visit_date"), self.visit_date)
        self.form.add("company", label("company"), self.company, required=True)
        self.form.add("person_name", label("person_name"), self.person_name, required=True)
        self.form.add("position", label("position"), self.position)
        self.form.add("address", label("address"), self.address)
        self.form.add("business_scope", label("business_scope"), self.business_scope)
        layout.addLayout(form_layout)
        hint = QLabel("企业名称和客商姓名至少填写一项。")
        hint.setObjectName("viewFacts")
        layout.addWidget(hint)

        box = QGroupBox("联系方式（个人信息）")
        contact_layout = QFormLayout(box)
        self.contact_form = Form(contact_layout)
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("手机或固定电话，如 138 1234 5678、0418-2345678 转 801")
        self.email = QLineEdit()
        self.wechat = QLineEdit()
        self.contact_form.add("phone", label("phone"), self.phone)
        self.contact_form.add("email", label("email"), self.email)
        self.contact_form.add("wechat", label("wechat"), self.wechat)
        row = QHBoxLayout()
        self.contact_hint = QLabel()
        self.contact_hint.setObjectName("viewFacts")
        self.contact_hint.setWordWrap(True)
        self.reveal_button = QPushButton("显示完整联系方式")
        self.reveal_button.setObjectName("revealContacts")
        self.reveal_button.clicked.connect(self.reveal)
        row.addWidget(self.contact_hint, 1)
        row.addWidget(self.reveal_button, 0, Qt.AlignmentFlag.AlignTop)
        contact_layout.addRow(row)
        layout.addWidget(box)
        layout.addStretch(1)
        return page

    def _intent_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intent = QGroupBox("投资意向")
        intent_layout = QFormLayout(intent)
        self.intent_form = Form(intent_layout)
        self.intent_industry = QLineEdit()
        self.intent_amount = AmountField()
        self.intent_location = QLineEdit()
        self.intent_form_box = combo([(f, f) for f in INTENT_FORMS], editable=True)
        self.intent_form.add("intent_industry", label("intent_industry"), self.intent_industry)
        self.intent_form.add("intent_amount_wan", label("intent_amount_wan"), self.intent_amount)
        self.intent_form.add("intent_location", label("intent_location"), self.intent_location)
        self.intent_form.add("intent_form", label("intent_form"), self.intent_form_box)
        layout.addWidget(intent)

        source = QGroupBox("来源与负责")
        source_layout = QFormLayout(source)
        self.source_form = Form(source_layout)
        self.source = combo([(s.label, s) for s in LeadSource])
        self.source.currentIndexChanged.connect(self._source_changed)
        self.team = QComboBox()
        self.team.currentIndexChanged.connect(self._team_changed)
        self.trip = QComboBox()
        self.source_unit = QComboBox()
        self.intermediary = QLineEdit()
        self.intermediary.setPlaceholderText("中介机构、商会、协会或个人的名称")
        self.owner_clerk = QLineEdit()
        self.note = text_edit(2)
        self.source_form.add("source", label("source"), self.source)
        self.source_form.add("team_id", label("team_id"), self.team)
        self.source_form.add("trip_id", label("trip_id"), self.trip)
        self.source_form.add("source_unit_id", label("source_unit_id"), self.source_unit)
        self.source_form.add("intermediary", label("intermediary"), self.intermediary)
        self.source_form.add("owner_clerk", label("owner_clerk"), self.owner_clerk)
        self.source_form.add("note", label("note"), self.note)
        layout.addWidget(source)
        layout.addStretch(1)
        return page

    # -------------------------------------------------------------- combos
    def _fill_choices(self) -> None:
        current_team = self.team.currentData()
        self.team.blockSignals(True)
        self.team.clear()
        self.team.addItem("（无）", None)
        for team in self.ledger.teams.all():
            self.team.addItem(team.name, team.id)
        select(self.team, current_team)
        self.team.blockSignals(False)
        self.source_unit.clear()
        self.source_unit.addItem("（无）", None)
        for unit in self.ledger.units.all():
            self.source_unit.addItem(unit.name, unit.id)

    def _team_changed(self) -> None:
        current = self.trip.currentData()
        self.trip.clear()
        self.trip.addItem("（不属于某次外出）", None)
        team_id = self.team.currentData()
        if team_id is not None:
            for trip in reversed(self.ledger.trips.of_team(team_id)):
                end = f"至{trip.end_on.isoformat()}" if trip.end_on else ""
                self.trip.addItem(f"{trip.start_on.isoformat()}{end} {trip.destination}", trip.id)
        select(self.trip, current)

    def _source_changed(self) -> None:
        source = LeadSource.parse(self.source.currentData())
        self.team.setEnabled(source == LeadSource.TEAM)
        self.trip.setEnabled(source == LeadSource.TEAM)
        self.source_unit.setEnabled(source in (LeadSource.TOWNSHIP, LeadSource.DEPARTMENT))
        self.intermediary.setEnabled(source == LeadSource.INTERMEDIARY)

    # ------------------------------------------------------------- showing
    def show_lead(self, lead: Lead | None, *, new: bool = False) -> None:
        """Show a saved lead, a new one (``new=True`` with a template), or nothing."""
        self.lead = None if new else lead
        self.revealed = new
        self._fill_choices()
        shown = lead or Lead()
        self.visit_date.set_value(shown.visit_date)
        self.company.setText(shown.company)
        self.person_name.setText(shown.person_name)
        self.position.setText(shown.position)
        self.address.setText(shown.address)
        self.business_scope.setPlainText(shown.business_scope)
        self._show_contacts(shown)
        self.intent_industry.setText(shown.intent_industry)
        self.intent_amount.set_value(shown.intent_amount_wan)
        self.intent_location.setText(shown.intent_location)
        self.intent_form_box.setEditText(shown.intent_form)
        select(self.source, shown.source)
        select(self.team, shown.team_id)
        self._team_changed()
        select(self.trip, shown.trip_id)
        select(self.source_unit, shown.source_unit_id)
        self.intermediary.setText(shown.intermediary)
        self.owner_clerk.setText(shown.owner_clerk or (self.ledger.clerk if new else ""))
        self.note.setPlainText(shown.note)
        self._source_changed()
        for form in (self.form, self.contact_form, self.intent_form, self.source_form):
            form.set_errors({})
        self.error.clear()
        self.error.setVisible(False)
        self._checked_key = company_key(shown.company)
        self._show_duplicates([])
        self._show_header(lead if not new else None)
        editable = lead is not None or new
        for tab in range(2):
            self.tabs.widget(tab).setEnabled(editable)
        self.save_button.setEnabled(editable)
        saved = self.lead
        followups = self.ledger.followups.of_lead(saved.id) if saved and saved.id else []
        self.followups.show_lead(saved, followups)
        days = lead_rules.overdue_days(saved, followups, self.today()) if saved else 0
        due = lead_rules.next_followup_date(followups)
        self.due_note.setText(f"⚠ 下次跟进日期 {due.isoformat()} 已过 {days} 天" if days and due else "")
        self.due_note.setVisible(bool(days))
        self.history.show_entries(HistoryPanel.load(self.ledger, saved.id) if saved and saved.id else [])
        self.tabs.setTabText(2, f"跟进记录（{self.followups.model.rowCount()}）")

    def _show_header(self, lead: Lead | None) -> None:
        if lead is None:
            self.title.setText("新建线索" if self.revealed else "请在左侧选择一条线索，或点“新建线索”")
            self.state_badge.clear()
            self.project_link.clear()
            self.project_link.setVisible(False)
            for button in (*self.move_buttons.values(), self.land_button):
                button.setVisible(False)
            return
        who = "，".join(p for p in (lead.person_name, lead.position) if p)
        self.title.setText(f"{lead.company or lead.person_name}" + (f"　<small>{who}</small>" if who else ""))
        self.state_badge.setText(lead.state.label + (f"：{lead.state_reason}" if lead.state_reason else ""))
        self.state_badge.setProperty("state", lead.state.value)
        self.state_badge.style().unpolish(self.state_badge)
        self.state_badge.style().polish(self.state_badge)
        allowed = set(lead_rules.next_states(lead.state))
        for state, button in self.move_buttons.items():
            button.setVisible(state in allowed)
        self.land_button.setVisible(lead.state == LeadState.SIGNED)
        project = self.ledger.leads.project_of(lead)
        if project is not None:
            self.project_link.setText(
                f"已落地为项目：<a href='project:{project.id}'>{project.name}</a>（{project.stage.label}）"
            )
        else:
            self.project_link.clear()
        self.project_link.setVisible(project is not None)

    def _show_contacts(self, lead: Lead) -> None:
        masked = not self.revealed and any(getattr(lead, n) for n in _CONTACT_FIELDS)
        if masked:
            self.phone.setText(contacts.mask_phone(lead.phone))
            self.email.setText(contacts.mask_email(lead.email))
            self.wechat.setText(contacts.mask_wechat(lead.wechat))
            self.contact_hint.setText("联系方式已隐藏；查看会记入修改记录。")
        else:
            self.phone.setText(lead.phone)
            self.email.setText(lead.email)
            self.wechat.setText(lead.wechat)
            self.contact_hint.setText("")
        for field in (self.phone, self.email, self.wechat):
            field.setReadOnly(masked)
        self.reveal_button.setVisible(masked)

    # -------------------------------------------------------------- reading
    def read(self) -> tuple[Lead | None, dict[str, str]]:
        """The lead as the form says, or the errors by field name."""
        errors: dict[str, str] = {}
        base = self.lead or Lead()
        try:
            visit = self.visit_date.value()
        except ValueError as exc:
            errors["visit_date"], visit = str(exc), None
        try:
            amount = self.intent_amount.value()
        except ValueError as exc:
            errors["intent_amount_wan"], amount = str(exc), None
        source = LeadSource.parse(self.source.currentData())  # Qt returns the enum as plain str
        fields = {
            "visit_date": visit,
            "company": self.company.text().strip(),
            "person_name": self.person_name.text().strip(),
            "position": self.position.text().strip(),
            "address": self.address.text().strip(),
            "business_scope": self.business_scope.toPlainText().strip(),
            "intent_industry": self.intent_industry.text().strip(),
            "intent_amount_wan": amount,
            "intent_location": self.intent_location.text().strip(),
            "intent_form": self.intent_form_box.currentText().strip(),
            "source": source,
            "team_id": self.team.currentData() if source == LeadSource.TEAM else None,
            "trip_id": self.trip.currentData() if source == LeadSource.TEAM else None,
            "source_unit_id": self.source_unit.currentData()
            if source in (LeadSource.TOWNSHIP, LeadSource.DEPARTMENT) else None,
            "intermediary": self.intermediary.text().strip() if source == LeadSource.INTERMEDIARY else "",
            "owner_clerk": self.owner_clerk.text().strip(),
            "note": self.note.toPlainText().strip(),
        }
        if self.revealed:  # masked text in the fields is never saved
            fields.update(phone=self.phone.text(), email=self.email.text(), wechat=self.wechat.text())
        if base.unit_id is None:
            fields["unit_id"] = self.ledger.unit_id
        lead = lead_rules.clean_contacts(dataclasses.replace(base, **fields))  # type: ignore[arg-type]
        for problem in lead_errors(lead):
            errors.setdefault(problem.field, problem.message)
        return (None if errors else lead), errors

    def show_errors(self, errors: dict[str, str]) -> None:
        for form in (self.form, self.contact_form, self.intent_form, self.source_form):
            form.set_errors(errors)
        self.error.setVisible(bool(errors))
        if errors:
            self.error.setText("请改正标红的内容：" + "；".join(errors.values()))
            first = next(iter(errors))
            tab = 0 if first in (*self.form.rows, *self.contact_form.rows) else 1
            self.tabs.setCurrentIndex(tab)
        else:
            self.error.clear()

    def is_dirty(self) -> bool:
        if self.lead is None:
            return self.revealed and bool(self.company.text().strip() or self.person_name.text().strip())
        lead, errors = self.read()
        return bool(errors) or lead != self.lead

    # ------------------------------------------------------------ duplicates
    def duplicates(self, lead: Lead) -> list[Duplicate]:
        return self.ledger.leads.duplicates(lead.company, exclude_lead=lead.id)

    def check_duplicates(self) -> list[Duplicate]:
        """Say at once when the company typed is already in the ledger."""
        if self.lead is not None and company_key(self.company.text()) == company_key(self.lead.company):
            self._show_duplicates([])
            return []
        found = self.ledger.leads.duplicates(self.company.text(), exclude_lead=self.lead.id if self.lead else None)
        self._show_duplicates(found)
        return found

    def _show_duplicates(self, found: list[Duplicate]) -> None:
        if not found:
            self.duplicate_note.clear()
            self.duplicate_note.setVisible(False)
            return
        links = "；".join(f"<a href='{d.kind}:{d.id}'>{d.text()}</a>" for d in found[:3])
        more = f"等 {len(found)} 条" if len(found) > 3 else ""
        self.duplicate_note.setText(f"⚠ 台账中已有同一企业：{links}{more}。点击可打开。")
        self.duplicate_note.setVisible(True)

    def _open_link(self, link: str) -> None:
        kind, _, ident = link.partition(":")
        self.openRequested.emit(kind, int(ident))

    # -------------------------------------------------------------- saving
    def save(self) -> bool:
        """Validate, warn about a duplicate company, then save on the worker. False if refused here."""
        lead, errors = self.read()
        self.show_errors(errors)
        if lead is None:
            return False
        key = company_key(lead.company)
        if key and (self.lead is None or key != company_key(self.lead.company)):
            found = self.duplicates(lead)
            if found:
                dialog = DuplicateDialog(lead.company, found, self)
                dialog.exec()
                if dialog.choice == DuplicateDialog.OPEN and dialog.chosen is not None:
                    if self.lead is None:
                        self.show_lead(None)  # the new record is dropped: it was the duplicate
                    self.openRequested.emit(dialog.chosen.kind, dialog.chosen.id)
                    return False
                if dialog.choice != DuplicateDialog.SAVE:
                    return False
        if self.lead is not None and lead == self.lead:
            return True
        is_new = lead.id is None

        def work(ledger: Ledger) -> Lead:
            return ledger.leads.add(lead) if is_new else ledger.leads.update(lead)

        Op(self, work).success(self._saved).with_progress("正在保存线索…").run_in_background()
        return True

    def _saved(self, lead: Lead) -> None:
        self.lead = lead
        self.saved.emit(lead.id)

    def reload(self) -> None:
        """Show the saved lead again (after the ledger changed)."""
        if self.lead is None or self.lead.id is None:
            return
        if self.is_dirty():
            return  # never throw away what the clerk is typing (a failed save also signals a change)
        fresh = self.ledger.leads.maybe(self.lead.id)
        revealed = self.revealed
        self.show_lead(fresh)
        if revealed and fresh is not None:
            self.revealed = True
            self._show_contacts(fresh)

    # ------------------------------------------------ personal information
    def reveal(self) -> None:
        if self.lead is None or self.lead.id is None:
            return
        lead_id = self.lead.id

        def shown(full: object) -> None:
            if self.lead is None or self.lead.id != lead_id:
                return
            self.revealed = True
            self._show_contacts(self.lead)
            self.history.show_entries(HistoryPanel.load(self.ledger, lead_id))

        Op(self, lambda ledger: ledger.leads.reveal(lead_id)).success(shown).run_in_background()

    # --------------------------------------------------------------- moves
    def _needs_save_first(self) -> bool:
        if self.is_dirty():
            QMessageBox.information(self, "请先保存", "这条线索有未保存的修改，请先保存再改变状态。")
            return True
        return False

    def request_move(self, target: LeadState) -> None:
        lead = self.lead
        if lead is None or lead.id is None or self._needs_save_first():
            return
        dialog = ReasonDialog(lead, target, self)
        if dialog.exec() != ReasonDialog.DialogCode.Accepted:
            return
        reason = dialog.reason_text()
        lead_id, today = lead.id, self.today()

        def work(ledger: Ledger) -> Lead:
            with ledger.transaction():
                moved = ledger.leads.move(lead_id, target, reason)
                if reason and target not in lead_rules.REASON_STATES:
                    ledger.followups.add(FollowUp(lead_id, today, f"{target.label}：{reason}"))
            return moved

        Op(self, work).success(self._saved).with_progress("正在保存…").run_in_background()

    def request_land(self) -> None:
        lead = self.lead
        if lead is None or lead.id is None or self._needs_save_first():
            return
        dialog = LandDialog(self.ledger, lead, self)
        if dialog.exec() != LandDialog.DialogCode.Accepted:
            return
        name, category, unit_id = dialog.choice()
        lead_id = lead.id

        def landed(project: object) -> None:
            self.saved.emit(lead_id)
            box = QMessageBox(QMessageBox.Icon.Information, "已落地为项目",
                              f"已在项目台账中建立项目“{project.name}”（签约阶段）。", parent=self)  # type: ignore[attr-defined]
            open_button = box.addButton("打开项目", QMessageBox.ButtonRole.AcceptRole)
            box.addButton("留在这里", QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is open_button:
                self.openRequested.emit("project", project.id)  # type: ignore[attr-defined]

        Op(self, lambda ledger: ledger.leads.land(lead_id, name=name, category=category, unit_id=unit_id)) \
            .success(landed).with_progress("正在建立项目…").run_in_background()

    # ------------------------------------------------------------ follow-ups
    def add_followup(self, followup: FollowUp) -> None:
        Op(self, lambda ledger: ledger.followups.add(followup)) \
            .success(lambda saved: self.saved.emit(followup.lead_id)).run_in_background()
