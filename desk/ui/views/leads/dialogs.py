"""Small dialogs of the lead section: a reason for a state move, landing a lead, a
duplicate company, exporting with or without full contacts, quotas, a trip."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desk.core import leads as lead_rules
from desk.core.glossary import Category, LeadState
from desk.core.models import Lead, Trip
from desk.core.money import format_amount
from desk.core.teams import Quotas
from desk.core.validation import trip_errors
from desk.exchange.team_report import ReportPeople
from desk.store.lead_queries import Duplicate
from desk.ui.fields import DateField
from desk.ui.views.leads.fields import Form, combo, text_edit

if TYPE_CHECKING:
    from desk.store.ledger import Ledger


def _buttons(dialog: QDialog, ok: str) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class ReasonDialog(QDialog):
    """Moving a lead to another state; 搁置 and 放弃 need a reason."""

    def __init__(self, lead: Lead, target: LeadState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lead = lead
        self.target = target
        self.setWindowTitle(f"线索改为“{target.label}”")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        head = QLabel(f"{lead_rules.describe(lead)}：{lead.state.label} → <b>{target.label}</b>")
        head.setWordWrap(True)
        layout.addWidget(head)
        needs = target in lead_rules.REASON_STATES
        layout.addWidget(QLabel("原因（必填）：" if needs else "说明（可不填）："))
        self.reason = text_edit(3)
        self.reason.setPlaceholderText("例如：企业投资计划推迟到明年" if needs else "")
        layout.addWidget(self.reason)
        self.error = QLabel()
        self.error.setObjectName("formError")
        layout.addWidget(self.error)
        self.buttons = _buttons(self, f"改为{target.label}")
        self.buttons.accepted.disconnect()
        self.buttons.accepted.connect(self._accept)
        layout.addWidget(self.buttons)

    def reason_text(self) -> str:
        return self.reason.toPlainText().strip()

    def _accept(self) -> None:
        why = lead_rules.refusal(self.lead.state, self.target, self.reason_text())
        if why:
            self.error.setText(why)
            return
        self.accept()


class LandDialog(QDialog):
    """落地为项目: the project's name, category and unit; the rest comes from the lead."""

    def __init__(self, ledger: Ledger, lead: Lead, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("落地为项目")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel("签约线索落地后，台账中新建一个“签约”阶段的项目，并记下它来自这条线索。"
                       "企业、意向投资额、行业、落地地点、联系人会带入项目。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form_layout = QFormLayout()
        self.form = Form(form_layout)
        self.name = QLineEdit(lead_rules.default_project_name(lead))
        self.category = combo([(c.label, c) for c in Category], lead_rules.guess_category(lead.intent_industry))
        units = ledger.units.all()
        self.unit = combo([(u.name, u.id) for u in units], lead.unit_id or ledger.unit_id)
        self.form.add("name", "项目名称", self.name, required=True)
        self.form.add("category", "项目类别", self.category)
        self.form.add("unit_id", "所属单位", self.unit)
        facts = [
            ("建设单位", lead.company or "（未填）"),
            ("总投资(万元)", format_amount(lead.intent_amount_wan) if lead.intent_amount_wan is not None else "0"),
            ("所属行业", lead.intent_industry or "（未填）"),
            ("建设地点", lead.intent_location or "（未填）"),
            ("企业联系人", lead.person_name or "（未填）"),
        ]
        for label, value in facts:
            shown = QLabel(value)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form_layout.addRow(label, shown)
        layout.addLayout(form_layout)
        self.buttons = _buttons(self, "落地为项目")
        self.buttons.accepted.disconnect()
        self.buttons.accepted.connect(self._accept)
        layout.addWidget(self.buttons)

    def choice(self) -> tuple[str, Category, int]:
        return self.name.text().strip(), Category.parse(self.category.currentData()), self.unit.currentData()

    def _accept(self) -> None:
        if not self.name.text().strip():
            self.form.set_errors({"name": "请填写项目名称"})
            return
        self.accept()


class DuplicateDialog(QDialog):
    """Before saving: the same company is already in the ledger. Save anyway, open it, or go back."""

    SAVE, OPEN, CANCEL = 1, 2, 0

    def __init__(self, company: str, found: list[Duplicate], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.found = found
        self.choice = self.CANCEL
        self.chosen: Duplicate | None = found[0] if found else None
        self.setWindowTitle("可能重复")
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        text = QLabel(f"台账中已有同一企业“{company}”的记录（按企业名称比对，忽略全角半角、空格、括号和"
                      "“有限公司/有限责任公司/股份有限公司”等写法）：")
        text.setWordWrap(True)
        layout.addWidget(text)
        self.items: list[QPushButton] = []
        for dup in found[:8]:
            row = QHBoxLayout()
            label = QLabel(dup.text())
            label.setWordWrap(True)
            button = QPushButton("打开")
            button.setObjectName("duplicateItem")
            button.setToolTip(dup.text())
            button.clicked.connect(lambda _=False, d=dup: self._open(d))
            row.addWidget(label, 1)
            row.addWidget(button)
            layout.addLayout(row)
            self.items.append(button)
        if len(found) > 8:
            layout.addWidget(QLabel(f"……共 {len(found)} 条"))
        box = QDialogButtonBox()
        self.save_button = box.addButton("仍然保存", QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = box.addButton("返回修改", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self._save)
        cancel.clicked.connect(self.reject)
        layout.addWidget(box)

    def _save(self) -> None:
        self.choice = self.SAVE
        self.accept()

    def _open(self, dup: Duplicate) -> None:
        self.choice = self.OPEN
        self.chosen = dup
        self.accept()


class ExportDialog(QDialog):
    """Where a team report goes, who signs it, and whether contacts are masked (the default)."""

    def __init__(self, title: str, folder: Path, people: ReportPeople, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        form_layout = QFormLayout()
        self.form = Form(form_layout)
        folder_row = QWidget()
        row = QHBoxLayout(folder_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.folder = QLineEdit(str(folder))
        browse = QPushButton("选择…")
        browse.clicked.connect(self._browse)
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.filled_by = QLineEdit(people.filled_by)
        self.reviewed_by = QLineEdit(people.reviewed_by)
        self.head = QLineEdit(people.head)
        self.head.setPlaceholderText("第一责任单位主要负责人")
        self.form.add("folder", "保存到文件夹", folder_row, required=True)
        self.form.add("filled_by", "填报人", self.filled_by)
        self.form.add("reviewed_by", "审核人", self.reviewed_by)
        self.form.add("head", "队长（单位负责人）", self.head)
        layout.addLayout(form_layout)
        layout.addWidget(QLabel("将生成 Excel 和 PDF 两个文件。默认联系方式隐藏中间几位，例如 138****1234。"))
        self.full = QCheckBox("导出完整联系方式（电话、邮箱、微信不隐藏）")
        self.full.setObjectName("fullContacts")
        layout.addWidget(self.full)
        self.warning = QLabel("注意：导出的文件将含有客商的个人信息。请妥善保管，只报送给需要的单位；"
                              "本次导出会记入修改记录。")
        self.warning.setObjectName("formError")
        self.warning.setWordWrap(True)
        self.warning.setVisible(False)
        layout.addWidget(self.warning)
        self.full.toggled.connect(self.warning.setVisible)
        self.buttons = _buttons(self, "导出")
        self.buttons.accepted.disconnect()
        self.buttons.accepted.connect(self._accept)
        layout.addWidget(self.buttons)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "选择保存月报的文件夹", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    @property
    def full_contacts(self) -> bool:
        return self.full.isChecked()

    def people(self) -> ReportPeople:
        return ReportPeople(self.filled_by.text().strip(), self.reviewed_by.text().strip(), self.head.text().strip())

    def target(self) -> Path:
        return Path(self.folder.text().strip())

    def _accept(self) -> None:
        if not self.folder.text().strip():
            self.form.set_errors({"folder": "请选择保存的文件夹"})
            return
        self.accept()


class QuotaDialog(QDialog):
    """The quotas a trip is checked against (港南2018: 6 companies, 3 leads; report by the 28th)."""

    def __init__(self, quotas: Quotas, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("招商小分队考核标准")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.companies = QSpinBox()
        self.companies.setRange(0, 100)
        self.companies.setValue(quotas.min_companies)
        self.companies.setSuffix(" 家")
        self.leads = QSpinBox()
        self.leads.setRange(0, 100)
        self.leads.setValue(quotas.min_leads)
        self.leads.setSuffix(" 条")
        self.day = QSpinBox()
        self.day.setRange(1, 31)
        self.day.setValue(quotas.report_day)
        self.day.setPrefix("每月 ")
        self.day.setSuffix(" 日前")
        form.addRow("每次外出拜访企业不少于", self.companies)
        form.addRow("每次带回招商线索不少于", self.leads)
        form.addRow("月度工作情况报送", self.day)
        layout.addLayout(form)
        layout.addWidget(_buttons(self, "保存"))

    def quotas(self) -> Quotas:
        return Quotas(self.companies.value(), self.leads.value(), self.day.value())


class TripDialog(QDialog):
    """One trip (外出招商) of a team."""

    def __init__(self, trip: Trip, team_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trip = trip
        self.setWindowTitle("外出招商" if trip.id is None else "修改外出招商")
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"招商小分队：{team_name}"))
        form_layout = QFormLayout()
        self.form = Form(form_layout)
        self.start = DateField()
        self.start.set_value(trip.start_on)
        self.end = DateField()
        self.end.set_value(trip.end_on)
        self.destination = QLineEdit(trip.destination)
        self.destination.setPlaceholderText("例如：广东佛山")
        self.companies = QSpinBox()
        self.companies.setRange(0, 999)
        self.companies.setValue(trip.companies_visited)
        self.companies.setSuffix(" 家")
        self.note = text_edit(2)
        self.note.setPlainText(trip.note)
        self.form.add("start_on", "出发日期", self.start, required=True)
        self.form.add("end_on", "返回日期", self.end)
        self.form.add("destination", "目的地", self.destination)
        self.form.add("companies_visited", "拜访企业数", self.companies)
        self.form.add("note", "备注", self.note)
        layout.addLayout(form_layout)
        hint = QLabel("带回的线索在“线索”页登记，选择这支小分队和这次外出即可计入。")
        hint.setWordWrap(True)
        hint.setObjectName("viewFacts")
        layout.addWidget(hint)
        self.buttons = _buttons(self, "保存")
        self.buttons.accepted.disconnect()
        self.buttons.accepted.connect(self._accept)
        layout.addWidget(self.buttons)
        self.result_trip: Trip | None = None

    def _read(self) -> tuple[Trip | None, dict[str, str]]:
        errors: dict[str, str] = {}
        values: dict[str, date | None] = {}
        for name, field in (("start_on", self.start), ("end_on", self.end)):
            try:
                values[name] = field.value()
            except ValueError as exc:
                errors[name] = str(exc)
        if "start_on" not in errors and values.get("start_on") is None:
            errors["start_on"] = "请填写出发日期"
        if errors:
            return None, errors
        trip = Trip(team_id=self.trip.team_id, start_on=values["start_on"], end_on=values["end_on"],  # type: ignore[arg-type]
                    destination=self.destination.text().strip(), companies_visited=self.companies.value(),
                    note=self.note.toPlainText().strip(), id=self.trip.id)
        errors = {e.field: e.message for e in trip_errors(trip)}
        return (None if errors else trip), errors

    def _accept(self) -> None:
        trip, errors = self._read()
        self.form.set_errors(errors)
        if trip is not None:
            self.result_trip = trip
            self.accept()
