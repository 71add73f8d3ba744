"""Form fields of the lead section: optional dates, amounts in 万元, inline Chinese errors."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from desk.core.money import AmountError, format_amount, parse_amount

_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(text: str) -> date | None:
    """``2026-11-15``, ``2026/11/15``, ``20261115``, ``2026年11月15日``; blank is ``None``."""
    raw = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    if not raw:
        return None
    match = _DATE_RE.match(raw) or _COMPACT_RE.match(raw)
    if not match:
        raise ValueError(f"“{text.strip()}”不是日期，请写成 2026-11-15")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(f"没有这一天：“{text.strip()}”") from None


def mark_invalid(widget: QWidget, message: str | None) -> None:
    """Red border (style.qss ``[invalid="true"]``) with the message as tooltip."""
    invalid = bool(message)
    if widget.property("invalid") != invalid:
        widget.setProperty("invalid", invalid)
        widget.style().unpolish(widget)
        widget.style().polish(widget)
    widget.setToolTip(message or "")


class DateField(QWidget):
    """An optional date, typed in several spellings or picked from a calendar."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = QLineEdit()
        self.line.setPlaceholderText("年-月-日")
        self.line.textEdited.connect(self.edited)
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
        menu.aboutToShow.connect(self._prepare)
        self.button.setMenu(menu)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.line, 1)
        row.addWidget(self.button)
        self.setFocusProxy(self.line)

    def _prepare(self) -> None:
        try:
            current = parse_date(self.line.text())
        except ValueError:
            current = None
        if current is not None:
            self.calendar.setSelectedDate(QDate(current.year, current.month, current.day))

    def _picked(self, qdate: QDate) -> None:
        self.line.setText(date(qdate.year(), qdate.month(), qdate.day()).isoformat())
        self.button.menu().hide()
        self.edited.emit()

    def value(self) -> date | None:
        return parse_date(self.line.text())

    def set_value(self, value: date | None) -> None:
        self.line.setText(value.isoformat() if value else "")

    def setReadOnly(self, readonly: bool) -> None:  # noqa: N802 - Qt naming
        self.line.setReadOnly(readonly)
        self.button.setEnabled(not readonly)


class AmountField(QLineEdit):
    """An amount in 万元: accepts １２３, 1,234.5, 1.2亿, 5000万 …"""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setPlaceholderText("万元")

    def value(self) -> Decimal | None:
        try:
            return parse_amount(self.text(), "万元")
        except AmountError as exc:
            raise ValueError(str(exc)) from None

    def set_value(self, value: Decimal | None) -> None:
        self.setText("" if value is None else format_amount(value))


def text_edit(lines: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    height = box.fontMetrics().lineSpacing() * lines + 14
    box.setFixedHeight(height)
    return box


def combo(items: list[tuple[str, object]], current: object = None, *, editable: bool = False) -> QComboBox:
    box = QComboBox()
    box.setEditable(editable)
    for label, value in items:
        box.addItem(label, value)
    select(box, current)
    return box


def select(box: QComboBox, value: object) -> None:
    for i in range(box.count()):
        if box.itemData(i) == value:
            box.setCurrentIndex(i)
            return


class FieldRow(QWidget):
    """A field with its error line underneath (hidden while the field is fine)."""

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
    """Labelled rows addressable by field name, for inline errors."""

    def __init__(self, layout: QFormLayout) -> None:
        self.layout = layout
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        layout.setVerticalSpacing(6)
        self.rows: dict[str, FieldRow] = {}

    def add(self, name: str, label: str, field: QWidget, *, required: bool = False) -> QWidget:
        row = FieldRow(field)
        self.rows[name] = row
        title = QLabel(f"{label}{'＊' if required else ''}")
        title.setBuddy(field)
        self.layout.addRow(title, row)
        return field

    def set_errors(self, errors: dict[str, str]) -> None:
        for name, row in self.rows.items():
            row.set_error(errors.get(name))
