"""Form fields for the editors: amounts in 万元, optional dates, and inline Chinese errors.

Each field reads its text strictly (``value()`` raises ``ValueError`` with a message for
the clerk) so that the editor can show every problem beside the field it belongs to.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from desk.core.money import AmountError, parse_amount, tidy

_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(text: str) -> date | None:
    """``2026-11-15``, ``2026/11/15``, ``2026.11.15``, ``20261115``, ``2026年11月15日``; blank is None."""
    raw = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    if not raw:
        return None
    match = _DATE_RE.match(raw) or _COMPACT_DATE_RE.match(raw)
    if not match:
        raise ValueError(f"“{text.strip()}”不是日期，请写成 2026-11-15")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(f"没有这一天：“{text.strip()}”") from None


def amount_text(value: Decimal | None) -> str:
    """An amount as a clerk edits it: thousands separators, no trailing zeros."""
    if value is None:
        return ""
    value = tidy(value)
    whole, _, fraction = format(value, "f").partition(".")
    grouped = f"{int(whole):,}" if whole.lstrip("-").isdigit() else whole
    return f"{grouped}.{fraction}" if fraction else grouped


def mark_invalid(widget: QWidget, message: str | None) -> None:
    """Red border (style.qss ``[invalid="true"]``) and the message as the tooltip."""
    invalid = bool(message)
    if widget.property("invalid") != invalid:
        widget.setProperty("invalid", invalid)
        widget.style().unpolish(widget)
        widget.style().polish(widget)
    widget.setToolTip(message or "")


class AmountField(QLineEdit):
    """An amount in 万元 (or 万美元): accepts １２３, 1,234.5, 1.2亿, 5000万 …"""

    def __init__(self, unit: str = "万元", *, required: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.unit = unit
        self.required = required
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setPlaceholderText(unit)

    def value(self) -> Decimal | None:
        try:
            value = parse_amount(self.text(), self.unit)
        except AmountError as exc:
            raise ValueError(str(exc)) from None
        if value is None and self.required:
            return Decimal(0)
        return value

    def set_value(self, value: Decimal | None) -> None:
        self.setText(amount_text(value))


class DateField(QWidget):
    """An optional date: typed (several spellings) or picked from a calendar."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = QLineEdit()
        self.line.setPlaceholderText("年-月-日")
        self.line.textChanged.connect(self.edited)
        self.button = QToolButton()
        self.button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView))
        self.button.setToolTip("从日历中选择")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._picked)
        menu = QMenu(self.button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._prepare_calendar)
        self.button.setMenu(menu)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.line, 1)
        row.addWidget(self.button)
        self.setFocusProxy(self.line)

    def _prepare_calendar(self) -> None:
        try:
            current = parse_date(self.line.text())
        except ValueError:
            current = None
        if current is not None:
            self.calendar.setSelectedDate(QDate(current.year, current.month, current.day))

    def _picked(self, qdate: QDate) -> None:
        self.line.setText(date(qdate.year(), qdate.month(), qdate.day()).isoformat())
        self.button.menu().hide()

    def value(self) -> date | None:
        return parse_date(self.line.text())

    def set_value(self, value: date | None) -> None:
        self.line.setText(value.isoformat() if value else "")

    def text(self) -> str:
        return self.line.text()

    def setReadOnly(self, readonly: bool) -> None:  # noqa: N802 - Qt naming
        self.line.setReadOnly(readonly)
        self.button.setEnabled(not readonly)


class FieldRow(QWidget):
    """A field with its error line underneath (empty and hidden while the field is fine)."""

    def __init__(self, field: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.hide()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(field)
        column.addWidget(self.error)
        self.setFocusProxy(field)

    def set_error(self, message: str | None) -> None:
        target = self.field.line if isinstance(self.field, DateField) else self.field
        mark_invalid(target, message)
        self.error.setText(message or "")
        self.error.setVisible(bool(message))


class Form:
    """Rows of labelled fields, each addressable by its field name for inline errors."""

    def __init__(self, layout: QFormLayout) -> None:
        self.layout = layout
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.rows: dict[str, FieldRow] = {}

    def add(self, name: str, label: str, field: QWidget, *, required: bool = False) -> QWidget:
        row = FieldRow(field)
        self.rows[name] = row
        title = QLabel(f"{label}{'＊' if required else ''}")
        title.setBuddy(field)
        if required:
            title.setToolTip("必填")
        self.layout.addRow(title, row)
        return field

    def set_errors(self, errors: dict[str, str]) -> None:
        for name, row in self.rows.items():
            row.set_error(errors.get(name))


class ValueCombo(QComboBox):
    """A combo box that gives back the Python value of each item.

    Qt would hand a ``StrEnum`` stored as item data back as a plain ``str``; this keeps
    the values beside the items instead.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._values: list[object] = []

    def add(self, label: str, value: object) -> None:
        self._values.append(value)
        self.addItem(label)

    def clear(self) -> None:
        self._values.clear()
        super().clear()

    def values(self) -> list[object]:
        return list(self._values)

    def value(self) -> Any:
        index = self.currentIndex()
        return self._values[index] if 0 <= index < len(self._values) else None

    def set_value(self, value: object) -> None:
        for i, known in enumerate(self._values):
            if known == value and type(known) is type(value):
                self.setCurrentIndex(i)
                return


def combo(items: list[tuple[str, object]], current: object = None) -> ValueCombo:
    box = ValueCombo()
    for label, value in items:
        box.add(label, value)
    box.set_value(current)
    return box


def select(box: ValueCombo, value: object) -> None:
    box.set_value(value)
