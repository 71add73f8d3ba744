"""The project editor's form tabs: 基本信息, 责任分工, 前期手续.

Each tab reads its widgets into the project (``apply``) and collects every problem it
finds into ``errors`` (field name → Chinese message), so that the editor can show them
beside the fields and refuse to save until none is left.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desk.core.glossary import (
    ApprovalKind,
    ApprovalStatus,
    Category,
    ConstructionKind,
    Flag,
    ProjectClass,
    Stage,
    field_label,
)
from desk.core.models import Approval, Project, Unit
from desk.ui.fields import AmountField, DateField, FieldRow, Form, ValueCombo, combo, select
from desk.ui.projects import stage as stage_ui


def text_edit(lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 14)
    return edit


class Tab(QWidget):
    """A tab of the editor; ``edited`` fires on any change so the editor re-validates."""

    edited = Signal()
    title = ""

    def watch(self, *widgets: QWidget) -> None:
        for widget in widgets:
            if isinstance(widget, QLineEdit):
                widget.textChanged.connect(self.edited)
            elif isinstance(widget, QPlainTextEdit):
                widget.textChanged.connect(self.edited)
            elif isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(self.edited)
            elif isinstance(widget, QCheckBox):
                widget.toggled.connect(self.edited)
            elif isinstance(widget, DateField):
                widget.edited.connect(self.edited)

    def forms(self) -> list[Form]:
        return []

    def show_errors(self, errors: dict[str, str]) -> None:
        for form in self.forms():
            form.set_errors(errors)


def read_amount(field: AmountField, name: str, errors: dict[str, str]):  # type: ignore[no-untyped-def]
    try:
        return field.value()
    except ValueError as exc:
        errors[name] = f"{field_label(name)}：{exc}"
        return None


def read_date(field: DateField, name: str, errors: dict[str, str]) -> date | None:
    try:
        return field.value()
    except ValueError as exc:
        errors[name] = f"{field_label(name)}：{exc}"
        return None


class BasicTab(Tab):
    title = "基本信息"

    def __init__(self, project: Project, units: list[Unit], is_new: bool, today: date) -> None:
        super().__init__()
        self.original = project
        self.is_new = is_new
        self.today = today
        left, right = QFormLayout(), QFormLayout()
        self.left, self.right = Form(left), Form(right)
        self.code = QLineEdit(project.code)
        self.name = QLineEdit(project.name)
        self.name.setObjectName("field_name")
        self.unit = combo([(u.name, u.id) for u in units], project.unit_id)
        self.owner = QLineEdit(project.owner_company)
        self.location = QLineEdit(project.location)
        self.category = combo([(c.label, c) for c in Category], project.category)
        self.industry = QLineEdit(project.industry)
        self.kind = combo([(k.label, k) for k in ConstructionKind], project.construction_kind)
        self.left.add("name", field_label("name"), self.name, required=True)
        self.left.add("code", field_label("code"), self.code)
        self.left.add("unit_id", field_label("unit_id"), self.unit, required=True)
        self.left.add("owner_company", field_label("owner_company"), self.owner)
        self.left.add("location", field_label("location"), self.location)
        self.left.add("category", field_label("category"), self.category)
        self.left.add("industry", field_label("industry"), self.industry)
        self.left.add("construction_kind", field_label("construction_kind"), self.kind)

        self.stage = ValueCombo()
        self.stage.setObjectName("field_stage")
        stage_ui.fill_combo(self.stage, None if is_new else project.stage)
        if is_new:
            select(self.stage, project.stage)
        self.stage_hint = QLabel("新建项目可从任一阶段建档" if is_new else stage_ui.allowed_text(project.stage))
        self.stage_hint.setObjectName("fieldHint")
        self.stage_hint.setWordWrap(True)
        stage_box = QWidget()
        stage_column = QVBoxLayout(stage_box)
        stage_column.setContentsMargins(0, 0, 0, 0)
        stage_column.setSpacing(1)
        stage_column.addWidget(self.stage)
        stage_column.addWidget(self.stage_hint)
        self.stage_date = DateField()
        self.stage_date.set_value(project.stage_date)
        self.stage_reason = QLineEdit()
        self.stage_reason.setPlaceholderText("阶段变更时填写，例如：已完成桩基施工")
        self.klass = combo([("未分类", None), *((c.label, c) for c in ProjectClass)], project.project_class)
        self.in_statistics = QCheckBox("已入库入统")
        self.in_statistics.setChecked(project.in_statistics)
        self.archived = QCheckBox("移出项目库（不再出现在项目列表和月报中）")
        self.archived.setChecked(project.archived)
        self.right.add("stage", field_label("stage"), stage_box)
        self.right.add("stage_date", field_label("stage_date"), self.stage_date)
        self.right.add("stage_reason", "变更原因", self.stage_reason)
        self.right.add("project_class", field_label("project_class"), self.klass)
        self.right.add("in_statistics", field_label("in_statistics"), self.in_statistics)
        self.right.add("archived", field_label("archived"), self.archived)

        flags_box = QGroupBox(field_label("flags"))
        grid = QGridLayout(flags_box)
        self.flags: dict[Flag, QCheckBox] = {}
        for i, flag in enumerate(Flag):
            box = QCheckBox(flag.label)
            box.setChecked(flag in project.flags)
            self.flags[flag] = box
            grid.addWidget(box, i // 4, i % 4)
        self.scale = text_edit(3)
        self.scale.setPlainText(project.scale_content)
        self.note = text_edit(2)
        self.note.setPlainText(project.note)
        bottom = QFormLayout()
        self.bottom = Form(bottom)
        self.bottom.add("scale_content", field_label("scale_content"), self.scale)
        self.bottom.add("note", field_label("note"), self.note)

        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addSpacing(16)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(flags_box)
        layout.addLayout(bottom)
        layout.addStretch(1)
        self.watch(self.code, self.name, self.unit, self.owner, self.location, self.category, self.industry,
                   self.kind, self.stage, self.stage_date, self.stage_reason, self.klass, self.in_statistics,
                   self.archived, self.scale, self.note, *self.flags.values())
        self.stage.currentIndexChanged.connect(self._stage_changed)
        self._stage_changed()

    def forms(self) -> list[Form]:
        return [self.left, self.right, self.bottom]

    def chosen_stage(self) -> Stage:
        return self.stage.value()  # type: ignore[no-any-return]

    def stage_moved(self) -> bool:
        return not self.is_new and self.chosen_stage() != self.original.stage

    def _stage_changed(self) -> None:
        moved = self.stage_moved()
        self.stage_reason.setEnabled(moved or self.is_new)
        if moved and self.stage_date.text() == (self.original.stage_date.isoformat() if self.original.stage_date
                                                  else ""):
            self.stage_date.set_value(self.today)  # a move happens today unless the clerk says otherwise
        elif not moved and not self.is_new:
            self.stage_date.set_value(self.original.stage_date)
        self.stage_date.setReadOnly(not (moved or self.is_new))

    def apply(self, project: Project, errors: dict[str, str]) -> Project:
        stage = self.chosen_stage()
        stage_date = read_date(self.stage_date, "stage_date", errors)
        if self.stage_moved() and "stage_date" not in errors:
            message = stage_ui.check_move(self.original, stage, stage_date)
            if message is not None:
                errors["stage_date" if stage_date is None or "日期" in message else "stage"] = message
        return dataclasses.replace(
            project,
            code=self.code.text().strip(),
            name=self.name.text().strip(),
            unit_id=self.unit.value(),
            owner_company=self.owner.text().strip(),
            location=self.location.text().strip(),
            category=self.category.value(),
            industry=self.industry.text().strip(),
            construction_kind=self.kind.value(),
            stage=stage,
            stage_date=stage_date,
            project_class=self.klass.value(),
            in_statistics=self.in_statistics.isChecked(),
            archived=self.archived.isChecked(),
            flags=frozenset(f for f, box in self.flags.items() if box.isChecked()),
            scale_content=self.scale.toPlainText().strip(),
            note=self.note.toPlainText().strip(),
        )

    def reason(self) -> str:
        return self.stage_reason.text().strip()


class RolesTab(Tab):
    title = "责任分工"
    FIELDS = ("leader", "responsible_unit", "cooperating_units", "steward", "team_six", "contact_person",
              "contact_phone")

    def __init__(self, project: Project) -> None:
        super().__init__()
        layout = QFormLayout(self)
        self.form = Form(layout)
        self.edits: dict[str, QLineEdit] = {}
        hints = {
            "cooperating_units": "多个单位用顿号分隔，例如：区住建局、区自然资源分局",
            "team_six": "“六个一”：一名领导、一个团队、一套方案、一抓到底 …",
        }
        for name in self.FIELDS:
            edit = QLineEdit(getattr(project, name))
            edit.setPlaceholderText(hints.get(name, ""))
            self.edits[name] = edit
            self.form.add(name, field_label(name), edit)
        self.watch(*self.edits.values())

    def forms(self) -> list[Form]:
        return [self.form]

    def apply(self, project: Project, errors: dict[str, str]) -> Project:
        return dataclasses.replace(project, **{n: e.text().strip() for n, e in self.edits.items()})


class ApprovalsTab(Tab):
    """前期手续: 立项、用地、规划、环评、能评、施工许可 — status, date, document number."""

    title = "前期手续"

    def __init__(self, approvals: list[Approval]) -> None:
        super().__init__()
        self.saved = {a.kind: a for a in approvals}
        grid = QGridLayout()
        for col, head in enumerate(["手续", "办理状态", "办结日期", "批复文号", "备注"]):
            label = QLabel(head)
            label.setObjectName("gridHead")
            grid.addWidget(label, 0, col)
        self.rows: dict[ApprovalKind, tuple[ValueCombo, FieldRow, QLineEdit, QLineEdit]] = {}
        for r, kind in enumerate(ApprovalKind, start=1):
            saved = self.saved.get(kind)
            status = combo([(s.label, s) for s in ApprovalStatus], saved.status if saved else ApprovalStatus.PENDING)
            when = DateField()
            when.set_value(saved.approved_on if saved else None)
            when_row = FieldRow(when)
            number = QLineEdit(saved.document_no if saved else "")
            note = QLineEdit(saved.note if saved else "")
            grid.addWidget(QLabel(kind.label), r, 0)
            grid.addWidget(status, r, 1)
            grid.addWidget(when_row, r, 2)
            grid.addWidget(number, r, 3)
            grid.addWidget(note, r, 4)
            self.rows[kind] = (status, when_row, number, note)
            status.currentIndexChanged.connect(lambda _=0, k=kind: self._status_changed(k))
            self.watch(status, when, number, note)
            self._status_changed(kind)
        grid.setColumnStretch(3, 1)
        grid.setColumnStretch(4, 1)
        layout = QVBoxLayout(self)
        hint = QLabel("立项、用地、规划、环评、能评、施工许可逐项登记；只有“已办结”的手续填写办结日期。")
        hint.setObjectName("fieldHint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addLayout(grid)
        layout.addStretch(1)

    def _status_changed(self, kind: ApprovalKind) -> None:
        status, when_row, _, _ = self.rows[kind]
        done = status.value() == ApprovalStatus.DONE
        when: DateField = when_row.field  # type: ignore[assignment]
        if not done:
            when.set_value(None)
        when.setReadOnly(not done)

    def show_errors(self, errors: dict[str, str]) -> None:
        for kind, (_, when_row, _, _) in self.rows.items():
            when_row.set_error(errors.get(f"approval:{kind.value}"))

    def changed(self, errors: dict[str, str]) -> list[Approval]:
        """Approvals that differ from what is saved (project_id is set when saving)."""
        found: list[Approval] = []
        for kind, (status, when_row, number, note) in self.rows.items():
            when: DateField = when_row.field  # type: ignore[assignment]
            try:
                approved_on = when.value()
            except ValueError as exc:
                errors[f"approval:{kind.value}"] = f"{kind.label}办结日期：{exc}"
                continue
            saved = self.saved.get(kind)
            approval = Approval(
                project_id=saved.project_id if saved else 0, kind=kind, status=status.value(),
                approved_on=approved_on, document_no=number.text().strip(), note=note.text().strip(),
                id=saved.id if saved else None,
            )
            baseline = saved or Approval(project_id=0, kind=kind)
            if dataclasses.replace(approval, project_id=0, id=None) != dataclasses.replace(
                baseline, project_id=0, id=None
            ):
                found.append(approval)
        return found
