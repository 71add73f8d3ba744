"""Form fields of the lead section: amounts in 万元, data combos, text boxes; dates, rows with
inline Chinese errors and forms come from :mod:`desk.ui.fields`."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from desk.core.money import AmountError, format_amount, parse_amount
from desk.ui import fields


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


class Form(fields.Form):
    """The shared labelled form, its rows a little apart (the lead editor is dense)."""

    def __init__(self, layout: QFormLayout) -> None:
        super().__init__(layout)
        layout.setVerticalSpacing(6)
