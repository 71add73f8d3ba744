"""Small pieces shared by the 任务与目标 dialogs: an optional date, an inline error line, and
saving through the ledger worker while the dialog stays open."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from desk.core.errors import DeskError
from desk.store.ledger import Ledger
from desk.ui.taskman import Op, show_error


class OptionalDate(QWidget):
    """A date that may be left unset (无时限): a tick box and a calendar field."""

    def __init__(self, value: date | None, default: date, label: str = "设定") -> None:
        super().__init__()
        self.check = QCheckBox(label)
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        shown = value or default
        self.edit.setDate(QDate(shown.year, shown.month, shown.day))
        self.check.setChecked(value is not None)
        self.edit.setEnabled(value is not None)
        self.check.toggled.connect(self.edit.setEnabled)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.check)
        row.addWidget(self.edit, 1)

    def value(self) -> date | None:
        if not self.check.isChecked():
            return None
        q = self.edit.date()
        return date(q.year(), q.month(), q.day())

    def set_value(self, value: date | None) -> None:
        self.check.setChecked(value is not None)
        if value is not None:
            self.edit.setDate(QDate(value.year, value.month, value.day))


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("formError")
    label.setWordWrap(True)
    label.hide()
    return label


def button_row(bar: QHBoxLayout, prefix: str,
               specs: tuple[tuple[str, str, Callable[[], None]], ...]) -> dict[str, QPushButton]:
    """Add a push button to bar for each (key, label, slot), named prefix_key for tests and the
    style sheet; return them by key."""
    made: dict[str, QPushButton] = {}
    for key, label, slot in specs:
        button = QPushButton(label)
        button.setObjectName(f"{prefix}_{key}")
        button.clicked.connect(slot)
        made[key] = button
        bar.addWidget(button)
    return made


def show_inline(label: QLabel, message: str) -> None:
    label.setText(message)
    label.setVisible(bool(message))


def buttons(dialog: QDialog, ok_text: str, on_ok: Callable[[], None]) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    ok.setObjectName("okButton")
    box.accepted.connect(on_ok)
    box.rejected.connect(dialog.reject)
    return box


def save_then_close(dialog: QDialog, error: QLabel, fn: Callable[[Ledger], Any], label: str = "正在保存…",
                    done: Callable[[Any], None] | None = None) -> None:
    """Run ``fn`` on the ledger worker; close the dialog when it succeeds, say why in the
    dialog when the ledger refuses (nothing is written then)."""
    ok = dialog.findChild(QWidget, "okButton")
    if ok is not None:
        ok.setEnabled(False)

    def succeeded(result: Any) -> None:
        if done is not None:
            done(result)
        dialog.accept()

    def failed(exc: BaseException) -> None:
        if ok is not None:
            ok.setEnabled(True)
        if isinstance(exc, DeskError):
            show_inline(error, exc.message)
        else:
            show_error(dialog, exc)

    Op(dialog, fn).success(succeeded).failure(failed).with_progress(label).run_in_background()


def keep_dialog(owner: QWidget, dialog: QDialog) -> QDialog:
    """Show a modal dialog without blocking, keeping only the latest one alive per page."""
    previous = getattr(owner, "_dialog", None)
    if previous is not None and previous is not dialog:
        previous.deleteLater()
    owner._dialog = dialog  # type: ignore[attr-defined]
    dialog.setModal(True)
    dialog.show()
    return dialog
