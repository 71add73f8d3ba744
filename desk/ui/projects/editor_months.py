"""The project editor's monthly tabs: 投资与进度 (amounts, dates, a month's figures) and 认定证据
(the month's evidence ticks, its attachments, and the recognition panel container)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.core import monthly
from desk.core.glossary import Evidence, Stage, field_label
from desk.core.models import Attachment, Project, ProjectMonth
from desk.core.money import AmountError, parse_amount
from desk.core.periods import Month
from desk.core.validation import month_errors
from desk.store.ledger import Ledger
from desk.ui.fields import AmountField, DateField, Form, amount_text
from desk.ui.projects import plugins
from desk.ui.projects.columns import amount
from desk.ui.projects.editor_tabs import Tab, read_amount, read_date
from desk.ui.views.summary import RowsModel

MONTH_AMOUNTS = ("invested_month_wan", "invested_ytd_wan", "invested_total_wan", "statistics_ytd_wan",
                 "domestic_funds_wan", "foreign_funds_wusd")
MONTH_TEXTS = ("progress", "problems_note")
LOCKED_NOTE = "已报送，数据已锁定（如需修改，请在“月报报送”中发起更正）"


def month_label(month: str, reporting: str) -> str:
    label = Month.parse(month).label
    return f"{label}（本月）" if month == reporting else label


def same_record(a: ProjectMonth, b: ProjectMonth) -> bool:
    ignore = {"updated_at", "updated_by", "id"}
    return all(getattr(a, f.name) == getattr(b, f.name) for f in dataclasses.fields(a) if f.name not in ignore)


class MonthBook:
    """A project's monthly records as saved, and the drafts the editor would save."""

    def __init__(self, records: list[ProjectMonth], locked: set[str], reporting: str) -> None:
        self.saved = {r.month: r for r in records}
        self.locked = locked
        self.reporting = reporting
        self.drafts: dict[str, ProjectMonth] = {}
        self.months = sorted(set(self.saved) | {reporting}, reverse=True)

    def record(self, month: str) -> ProjectMonth | None:
        return self.drafts.get(month) or self.saved.get(month)

    def previous(self, month: str) -> ProjectMonth | None:
        earlier = [m for m in {*self.saved, *self.drafts} if m < month]
        return self.record(max(earlier)) if earlier else None

    def ensure(self, project: Project, month: str) -> ProjectMonth:
        found = self.record(month)
        if found is not None:
            return found
        saved_project = project if project.id is not None else dataclasses.replace(project, id=0)
        return monthly.new_record(saved_project, month, self.previous(month))

    def put(self, record: ProjectMonth) -> None:
        self.drafts[record.month] = record

    def changed(self) -> list[ProjectMonth]:
        return [
            d for m, d in sorted(self.drafts.items())
            if m not in self.saved or not same_record(self.saved[m], d)
        ]


class MonthCombo(QComboBox):
    def __init__(self, book: MonthBook) -> None:
        super().__init__()
        for month in book.months:
            self.addItem(month_label(month, book.reporting), month)

    def month(self) -> str:
        return self.currentData()  # type: ignore[no-any-return]


class InvestmentTab(Tab):
    title = "投资与进度"
    PROJECT_AMOUNTS = ("total_investment_wan", "year_plan_wan")
    PROJECT_DATES = ("planned_start", "planned_completion", "start_date", "completion_date")

    def __init__(self, project: Project, book: MonthBook) -> None:
        super().__init__()
        self.book = book
        # Two columns: the amount, then the planned and actual dates, beside each other.
        left, right = QFormLayout(), QFormLayout()
        self.form = Form(left)
        self.form_right = Form(right)
        self.amounts: dict[str, AmountField] = {}
        self.dates: dict[str, DateField] = {}
        for i, name in enumerate((*self.PROJECT_AMOUNTS, *self.PROJECT_DATES)):
            field: QWidget
            if name in self.PROJECT_AMOUNTS:
                field = self.amounts[name] = AmountField(required=name == "total_investment_wan")
            else:
                field = self.dates[name] = DateField()
            field.set_value(getattr(project, name))  # type: ignore[attr-defined]
            (self.form if i % 2 == 0 else self.form_right).add(name, field_label(name), field)
        top = QHBoxLayout()
        top.addLayout(left, 1)
        top.addSpacing(16)
        top.addLayout(right, 1)

        group = QGroupBox("月度填报")
        group_layout = QVBoxLayout(group)
        head = QHBoxLayout()
        self.month = MonthCombo(book)
        self.month.setObjectName("investmentMonth")
        self.locked_note = QLabel(LOCKED_NOTE)
        self.locked_note.setObjectName("formError")
        head.addWidget(QLabel("月份"))
        head.addWidget(self.month)
        head.addWidget(self.locked_note)
        head.addStretch(1)
        group_layout.addLayout(head)
        month_form_layout = QGridLayout()
        left, right = QFormLayout(), QFormLayout()
        self.month_forms = (Form(left), Form(right))
        self.month_fields: dict[str, QLineEdit] = {}
        for i, name in enumerate(MONTH_AMOUNTS):
            field = AmountField("万美元" if name.endswith("_wusd") else "万元")
            self.month_fields[name] = field
            self.month_forms[i % 2].add(name, field_label(name), field)
        for name in MONTH_TEXTS:
            edit = QLineEdit()
            self.month_fields[name] = edit
            self.month_forms[0 if name == "progress" else 1].add(name, field_label(name), edit)
        month_form_layout.addLayout(left, 0, 0)
        month_form_layout.addLayout(right, 0, 1)
        group_layout.addLayout(month_form_layout)
        self.history = QTableView()
        self.history.verticalHeader().setVisible(False)
        self.history.setAlternatingRowColors(True)
        self.history.setModel(self._history_model())
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(group)
        layout.addWidget(QLabel("历月填报"))
        layout.addWidget(self.history, 1)

        self.texts: dict[str, dict[str, str]] = {}  # month → field → text as the clerk left it
        self.initial: dict[str, dict[str, str]] = {}
        self.ytd_typed: set[str] = set()  # months whose 年度累计 the clerk typed
        self.shown = self.month.month()
        self._load_month(self.shown)
        self.watch(*self.amounts.values(), *self.dates.values(), *self.month_fields.values())
        self.month.currentIndexChanged.connect(self._month_changed)
        self.month_fields["invested_month_wan"].textEdited.connect(self._month_amount_typed)
        self.month_fields["invested_ytd_wan"].textEdited.connect(lambda _t: self.ytd_typed.add(self.shown))

    def _history_model(self) -> RowsModel:
        rows = [
            [Month.parse(r.month).label, r.stage.label, amount(r.invested_month_wan), amount(r.invested_ytd_wan),
             amount(r.invested_total_wan), r.progress]
            for r in sorted(self.book.saved.values(), key=lambda r: r.month, reverse=True)
        ]
        headers = ["月份", "阶段", "本月完成(万元)", "年度累计(万元)", "开工累计(万元)", "形象进度"]
        return RowsModel(headers, rows, {2, 3, 4})

    def forms(self) -> list[Form]:
        return [self.form, self.form_right, *self.month_forms]

    def show_errors(self, errors: dict[str, str]) -> None:
        self.form.set_errors(errors)
        self.form_right.set_errors(errors)
        prefix = f"month:{self.shown}:"
        mine = {k[len(prefix):]: v for k, v in errors.items() if k.startswith(prefix)}
        for form in self.month_forms:
            form.set_errors(mine)

    def _record_texts(self, month: str) -> dict[str, str]:
        record = self.book.saved.get(month)
        texts = {}
        for name in MONTH_AMOUNTS:
            texts[name] = amount_text(getattr(record, name)) if record is not None else ""
        for name in MONTH_TEXTS:
            texts[name] = getattr(record, name) if record is not None else ""
        return texts

    def _load_month(self, month: str) -> None:
        if month not in self.initial:
            self.initial[month] = self._record_texts(month)
        texts = self.texts.get(month, self.initial[month])
        locked = month in self.book.locked
        for name, field in self.month_fields.items():
            field.blockSignals(True)
            field.setText(texts[name])
            field.setReadOnly(locked)
            field.blockSignals(False)
        self.locked_note.setVisible(locked)

    def _remember_shown(self) -> None:
        self.texts[self.shown] = {n: f.text() for n, f in self.month_fields.items()}

    def _month_changed(self) -> None:
        self._remember_shown()
        self.shown = self.month.month()
        self._load_month(self.shown)
        self.edited.emit()

    def _month_amount_typed(self, text: str) -> None:
        """年度累计 and 开工累计 follow 本月完成投资 unless the clerk typed 年度累计 for this month."""
        if self.shown in self.ytd_typed:
            return
        try:
            value = self.month_fields["invested_month_wan"].value()  # type: ignore[attr-defined]
        except ValueError:
            return
        saved = self.book.saved.get(self.shown)
        base = saved or ProjectMonth(project_id=0, month=self.shown, stage=Stage.RESERVE)
        record = monthly.with_month_amount(base, value or Decimal(0), self.book.previous(self.shown))
        for name in ("invested_ytd_wan", "invested_total_wan"):
            field = self.month_fields[name]
            field.blockSignals(True)
            field.setText(amount_text(getattr(record, name)))
            field.blockSignals(False)

    def apply(self, project: Project, errors: dict[str, str]) -> Project:
        values: dict[str, object] = {}
        for name, field in self.amounts.items():
            values[name] = read_amount(field, name, errors)
        if values.get("total_investment_wan") is None:
            values["total_investment_wan"] = Decimal(0)
        for name, date_field in self.dates.items():
            values[name] = read_date(date_field, name, errors)
        return dataclasses.replace(project, **values)  # type: ignore[arg-type]

    def apply_months(self, project: Project, errors: dict[str, str]) -> None:
        """Put a draft into the book for every month whose figures the clerk changed."""
        self._remember_shown()
        for month, texts in self.texts.items():
            if texts == self.initial.get(month) or month in self.book.locked:
                continue
            where = Month.parse(month).label
            values: dict[str, object] = {}
            failed = False
            for name in MONTH_AMOUNTS:
                try:
                    values[name] = parse_amount(texts[name], "万美元" if name.endswith("_wusd") else "万元")
                except AmountError as exc:
                    errors[f"month:{month}:{name}"] = f"{where}{field_label(name)}：{exc}"
                    failed = True
            if failed:
                continue
            for name in ("invested_month_wan", "invested_ytd_wan", "domestic_funds_wan", "foreign_funds_wusd"):
                if values[name] is None:
                    values[name] = Decimal(0)
            for name in MONTH_TEXTS:
                values[name] = texts[name].strip()
            record = dataclasses.replace(self.book.ensure(project, month), **values)  # type: ignore[arg-type]
            for error in month_errors(record):
                errors[f"month:{month}:{error.field}"] = f"{where}：{error.message}"
            self.book.put(record)


class EvidenceTab(Tab):
    """The month's evidence ticks (认定证据) and attachments; the recognition panel goes below."""

    title = "认定证据"

    def __init__(self, ledger: Ledger, project: Project, book: MonthBook, attachments: list[Attachment]) -> None:
        super().__init__()
        self.ledger = ledger
        self.project = project
        self.book = book
        self.attachments = attachments
        head = QHBoxLayout()
        self.month = MonthCombo(book)
        self.month.setObjectName("evidenceMonth")
        self.locked_note = QLabel(LOCKED_NOTE)
        self.locked_note.setObjectName("formError")
        head.addWidget(QLabel("月份"))
        head.addWidget(self.month)
        head.addWidget(self.locked_note)
        head.addStretch(1)
        ticks_box = QGroupBox("现场看到的情况（按认定标准勾选）")
        grid = QGridLayout(ticks_box)
        self.boxes: dict[Evidence, QCheckBox] = {}
        for i, evidence in enumerate(Evidence):
            box = QCheckBox(evidence.label)
            box.setObjectName(f"evidence_{evidence.value}")
            self.boxes[evidence] = box
            grid.addWidget(box, i // 4, i % 4)
        note = QLabel("新开工：工业、农业产业化和服务业项目须打桩或开槽，场地平整不予认定；旅游项目须有现场施工场面。"
                      "竣工：工业和农业产业化项目须设备安装并试生产；服务业（含旅游）项目须具备投入使用条件。")
        note.setObjectName("fieldHint")
        note.setWordWrap(True)
        self.files = QLabel()
        self.files.setWordWrap(True)
        # The container for the recognition verdict panel (desk.ui.projects.plugins.EVIDENCE_PANELS).
        self.recognition_box = QGroupBox("认定结论")
        self.recognition_box.setObjectName("recognitionPanel")
        self.recognition_layout = QVBoxLayout(self.recognition_box)
        # What a recognition panel with its own evidence boxes (and files) replaces.
        self.own_widgets: list[QWidget] = [ticks_box, note, QLabel("现场照片与文件资料"), self.files]
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        for widget in self.own_widgets:
            layout.addWidget(widget)
        layout.addWidget(self.recognition_box, 1)
        self.stretch = QWidget()
        layout.addWidget(self.stretch, 1)
        self.ticks: dict[str, set[Evidence]] = {}
        self.shown = self.month.month()
        self._load_month(self.shown)
        for box in self.boxes.values():
            box.toggled.connect(self._ticked)
        self.month.currentIndexChanged.connect(self._month_changed)

    def _saved_ticks(self, month: str) -> set[Evidence]:
        record = self.book.saved.get(month)
        return set(record.evidence) if record is not None else set()

    def _load_month(self, month: str) -> None:
        ticks = self.ticks.get(month, self._saved_ticks(month))
        locked = month in self.book.locked
        for evidence, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(evidence in ticks)
            box.setEnabled(not locked)
            box.blockSignals(False)
        self.locked_note.setVisible(locked)
        files = [a for a in self.attachments if a.month == month]
        self.files.setText(
            "；".join(f"{a.kind.label}：{a.filename}" for a in files) if files else "本月没有附件"
        )
        self._load_panels(month)

    def _load_panels(self, month: str) -> None:
        while self.recognition_layout.count():
            item = self.recognition_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        shown = bool(plugins.EVIDENCE_PANELS) and self.project.id is not None
        self.recognition_box.setVisible(shown)
        owns_ticks = False
        if shown:
            for factory in plugins.EVIDENCE_PANELS:
                panel = factory(self.ledger, self.project, month)
                self.recognition_layout.addWidget(panel)
                changed = getattr(panel, "evidenceChanged", None)
                if changed is not None:
                    owns_ticks = True
                    panel.set_evidence(frozenset(self.evidence(month)))  # type: ignore[attr-defined]
                    read_only = getattr(panel, "set_read_only", None)
                    if read_only is not None:
                        read_only(month in self.book.locked)
                    changed.connect(self._panel_ticked)
        for widget in self.own_widgets:
            widget.setVisible(not owns_ticks)
        self.stretch.setVisible(not shown)

    def _panel_ticked(self, evidence: frozenset[Evidence]) -> None:
        if self.shown in self.book.locked:
            return
        self.ticks[self.shown] = set(evidence)
        self.edited.emit()

    def _ticked(self) -> None:
        self.ticks[self.shown] = {e for e, box in self.boxes.items() if box.isChecked()}
        self.edited.emit()

    def _month_changed(self) -> None:
        self.shown = self.month.month()
        self._load_month(self.shown)

    def evidence(self, month: str) -> set[Evidence]:
        return self.ticks.get(month, self._saved_ticks(month))

    def apply_months(self, project: Project, errors: dict[str, str]) -> None:
        for month, ticks in self.ticks.items():
            if month in self.book.locked or ticks == self._saved_ticks(month) and month not in self.book.drafts:
                continue
            record = self.book.ensure(project, month)
            if set(record.evidence) != ticks:
                self.book.put(dataclasses.replace(record, evidence=frozenset(ticks)))
