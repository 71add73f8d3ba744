"""The stage machine in the window: only the allowed next stages are offered, every other one
says why not, and each move is dated (and kept in the project's stage history by the store)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtGui import QAction, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from desk.core import stages
from desk.core.errors import RefusedError
from desk.core.glossary import Stage
from desk.core.models import Project
from desk.ui.fields import DateField, Form, ValueCombo


def choices(current: Stage | None) -> list[tuple[Stage, str | None]]:
    """Every stage with the reason it cannot be chosen (None: it can, or it is the current one)."""
    if current is None:
        return [(s, None) for s in Stage]
    return [(s, None if s == current else stages.refusal(current, s)) for s in Stage]


def allowed_text(current: Stage) -> str:
    nexts = stages.next_stages(current)
    if not nexts:
        return f"“{current.label}”是最后的阶段，不能再变更。"
    return "可改为：" + "、".join(s.label for s in nexts)


def fill_combo(box: ValueCombo, current: Stage | None) -> None:
    """All stages; the impossible ones disabled, with the reason as their tooltip."""
    box.clear()
    for stage, reason in choices(current):
        label = f"{stage.label}（当前）" if stage == current else stage.label
        box.add(label, stage)
        if reason is not None:
            model = box.model()
            assert isinstance(model, QStandardItemModel)
            item = model.item(box.count() - 1)
            item.setEnabled(False)
            item.setToolTip(reason)
    if current is not None:
        box.setCurrentIndex(list(Stage).index(current))


def add_menu(menu: QMenu, project: Project, chosen: Callable[[Stage], None]) -> QMenu:
    """A “变更阶段” submenu: allowed stages clickable, the others greyed with the reason."""
    sub = menu.addMenu("变更阶段")
    for stage, reason in choices(project.stage):
        if stage == project.stage:
            continue
        action = QAction(stage.label if reason is None else f"{stage.label}（{reason}）", sub)
        action.setEnabled(reason is None)
        action.setData(stage.value)
        action.triggered.connect(lambda _=False, s=stage: chosen(s))
        sub.addAction(action)
    return sub


def check_move(project: Project, target: Stage, on: date | None) -> str | None:
    """Why moving ``project`` to ``target`` on ``on`` is refused, or None."""
    if on is None:
        return "请填写阶段变更日期"
    try:
        stages.move(project, target, on)
    except RefusedError as exc:
        return exc.message
    return None


class StageDialog(QDialog):
    """Move one project to a chosen stage: the date it happened and why."""

    def __init__(self, project: Project, target: Stage, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.target = target
        self.setWindowTitle("变更项目阶段")
        layout = QVBoxLayout(self)
        heading = QLabel(f"项目“{project.name}”：{project.stage.label} → {target.label}")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        form = QFormLayout()
        self.form = Form(form)
        self.date = DateField()
        self.date.set_value(today)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("例如：已完成桩基施工")
        self.form.add("stage_date", "变更日期", self.date, required=True)
        self.form.add("reason", "变更原因", self.reason)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.date.edited.connect(self._check)
        self._check()

    def chosen_date(self) -> date | None:
        try:
            return self.date.value()
        except ValueError:
            return None

    def _check(self) -> bool:
        try:
            on = self.date.value()
            message = check_move(self.project, self.target, on)
        except ValueError as exc:
            message = str(exc)
        self.form.set_errors({"stage_date": message} if message else {})
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(message is None)
        return message is None

    def _accept(self) -> None:
        if self._check():
            self.accept()
