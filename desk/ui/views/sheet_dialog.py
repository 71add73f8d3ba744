"""任务单与分解表: a unit's task sheet or the whole breakdown table, to PDF, to Excel or to the
printer (print preview), all from the same form (desk.exchange.tasksheet)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desk.core.errors import DeskError
from desk.core.progress import Report
from desk.exchange.forms import Book
from desk.exchange.tasksheet import breakdown_book, unit_sheet_book, write_book
from desk.ui.printing import preview_dialog
from desk.ui.taskman import Op
from desk.ui.views.dialog_kit import error_label, show_inline

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    from desk.store.ledger import Ledger


class SheetDialog(QDialog):
    def __init__(self, parent: QWidget, ledger: Ledger, result: Report, unit_id: int | None = None) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.report = result
        self.setWindowTitle("任务单与分解表")
        self.setMinimumWidth(520)
        self.one_unit = QRadioButton("一个单位的任务单")
        self.all_units = QRadioButton("全部单位的任务分解表")
        group = QButtonGroup(self)
        group.addButton(self.one_unit)
        group.addButton(self.all_units)
        self.unit = QComboBox()
        self.unit.setObjectName("sheetUnit")
        assigned: dict[int, str] = {}
        for progress in result.tasks:
            for row in progress.rows:
                if row.unit_id is not None:
                    assigned.setdefault(row.unit_id, row.unit_name)
        order = {u.id: i for i, u in enumerate(ledger.units.all())}
        for uid in sorted(assigned, key=lambda u: order.get(u, 10**9)):
            self.unit.addItem(assigned[uid], uid)
        if unit_id is not None and self.unit.findData(unit_id) >= 0:
            self.unit.setCurrentIndex(self.unit.findData(unit_id))
        self.with_progress = QCheckBox("加一列各单位的完成情况")
        self.one_unit.setChecked(True)
        self.one_unit.toggled.connect(self._mode_changed)
        form = QFormLayout()
        form.addRow(self.one_unit)
        form.addRow("单位", self.unit)
        form.addRow(self.all_units)
        form.addRow("", self.with_progress)
        facts = QLabel(f"{result.year}年任务 {len(result.tasks)} 项，完成情况统计截至 "
                       f"{result.as_of.year}年{result.as_of.month}月{result.as_of.day}日。")
        facts.setObjectName("viewFacts")
        self.error = error_label()
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, label in (("pdf", "导出 PDF…"), ("xlsx", "导出 Excel…"), ("print", "打印预览…"), ("close", "关闭")):
            button = QPushButton(label)
            button.setObjectName(f"sheet_{key}")
            self.buttons[key] = button
            row.addWidget(button)
        self.buttons["pdf"].clicked.connect(lambda: self.choose_and_export(".pdf"))
        self.buttons["xlsx"].clicked.connect(lambda: self.choose_and_export(".xlsx"))
        self.buttons["print"].clicked.connect(lambda: self.preview().open())
        self.buttons["close"].clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(facts)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.outcome)
        layout.addLayout(row)
        if not result.tasks:
            show_inline(self.error, f"{result.year}年还没有任务")
            for key in ("pdf", "xlsx", "print"):
                self.buttons[key].setEnabled(False)
        self._mode_changed()

    def _mode_changed(self) -> None:
        self.unit.setEnabled(self.one_unit.isChecked())
        self.with_progress.setEnabled(self.all_units.isChecked())

    def book(self) -> Book:
        if self.one_unit.isChecked():
            return unit_sheet_book(self.ledger, self.report, self.unit.currentData())
        return breakdown_book(self.ledger, self.report, self.with_progress.isChecked())

    def default_name(self, suffix: str) -> str:
        if self.one_unit.isChecked():
            return f"{self.unit.currentText()}{self.report.year}年任务单{suffix}"
        return f"{self.ledger.unit.name}{self.report.year}年任务分解表{suffix}"

    def choose_and_export(self, suffix: str) -> None:
        kind = "PDF 文件 (*.pdf)" if suffix == ".pdf" else "Excel 工作簿 (*.xlsx)"
        start = str(self.ledger.path.parent / self.default_name(suffix))
        path, _ = QFileDialog.getSaveFileName(self, "导出", start, kind)
        if path:
            self.export(Path(path if path.lower().endswith(suffix) else path + suffix))

    def export(self, path: Path) -> None:
        """Write the sheet on the ledger worker; say where it went, or why not."""
        show_inline(self.error, "")
        try:
            book = self.book()
        except DeskError as exc:
            show_inline(self.error, exc.message)
            return

        def written(out: Path) -> None:
            self.outcome.setText(f"已导出：{out}")

        def failed(exc: BaseException) -> None:
            show_inline(self.error, exc.message if isinstance(exc, DeskError) else str(exc))

        Op(self, lambda ledger: write_book(ledger, book, path), changes=False) \
            .success(written).failure(failed).with_progress("正在导出…").run_in_background()

    def preview(self) -> QPrintPreviewDialog:
        dialog = preview_dialog(self, self.book())
        return dialog
