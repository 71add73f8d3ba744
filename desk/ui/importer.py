"""文件 → 导入表格…: the clerk picks a spreadsheet, confirms which column is which field
while watching the first rows come out as the ledger will read them, checks (a dry run
listing what will be created and updated, and every problem), then imports.

Reading the file and every ledger task run through ``taskman.Op`` on the worker thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.core.periods import Month
from desk.exchange.sheets.fields import FIELDS, KIND_LABELS, LEADS, PROJECTS
from desk.exchange.sheets.load import LoadedTable, load_table
from desk.exchange.sheets.mapping import Mapping, detect_kind, suggest
from desk.exchange.sheets.plan import ACTION_LABELS, ImportPlan, describe_changes, display_value
from desk.exchange.sheets.table import title_month
from desk.exchange.sheets.values import CellError, clean_text, reader_for
from desk.ui.taskman import Op, Progress

if TYPE_CHECKING:
    from desk.store.ledger import Ledger

FILE_FILTER = "表格文件 (*.xlsx *.xlsm *.xls *.ods *.et);;所有文件 (*)"
PREVIEW_ROWS = 8
IGNORE = ""  # the combo entry for "不导入"
ERROR_COLOR = QColor("#b3261e")


def add_import_action(window: QWidget, menu: QMenu) -> QAction:
    """The one entry point: 文件 → 导入表格…"""
    action = QAction("导入表格(&I)…", window)
    action.setStatusTip("从 Excel/WPS 表格导入项目台账或招商线索")
    action.triggered.connect(lambda: start_import(window))
    menu.addAction(action)
    return action


def start_import(window: QWidget, path: str | None = None) -> None:
    if path is None:
        path, _ = QFileDialog.getOpenFileName(window, "导入表格", "", FILE_FILTER)
        if not path:
            return
    open_file(window, Path(path))


def open_file(window: QWidget, path: Path, sheet: str | None = None,
              on_loaded: Any = None) -> None:
    """Read the file on the worker; then show (or refresh) the mapping dialog."""

    def work(ledger: Ledger, progress: Progress) -> tuple[LoadedTable, Mapping | None]:
        from desk.store.importing import remembered_mapping

        loaded = load_table(path, sheet)
        progress.check()  # 取消 while the file was read: nothing to show
        return loaded, remembered_mapping(ledger, loaded.table)

    def shown(result: tuple[LoadedTable, Mapping | None]) -> None:
        loaded, remembered = result
        if on_loaded is not None:
            on_loaded(loaded, remembered)
            return
        dialog = ImportDialog(window, loaded, remembered)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    Op(window, work, changes=False, takes_progress=True).success(shown) \
        .with_progress(f"正在读取“{path.name}”…", cancellable=True).run_in_background()


class ImportDialog(QDialog):
    imported = Signal(object)  # the ImportResult

    def __init__(self, parent: QWidget, loaded: LoadedTable, remembered: Mapping | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"导入表格 — {loaded.path.name}")
        self.setObjectName("importDialog")
        self.resize(1200, 860)
        self.loaded = loaded
        self.plan: ImportPlan | None = None
        self._build()
        self.set_table(loaded, remembered)

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QFormLayout()
        self.file_label = QLabel()
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setObjectName("sheetCombo")
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kindCombo")
        for kind in (PROJECTS, LEADS):
            self.kind_combo.addItem(KIND_LABELS[kind], kind)
        self.month_edit = QLineEdit()
        self.month_edit.setObjectName("monthEdit")
        self.month_edit.setPlaceholderText("例如 2026-10")
        self.month_edit.setMaximumWidth(160)
        self.month_label = QLabel("月度数据所属月份")
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.kind_combo)
        kind_row.addSpacing(24)
        kind_row.addWidget(self.month_label)
        kind_row.addWidget(self.month_edit)
        kind_row.addStretch(1)
        top.addRow("文件：", self.file_label)
        top.addRow("工作表：", self.sheet_combo)
        top.addRow("导入到：", kind_row)
        layout.addLayout(top)

        splitter = QSplitter(Qt.Orientation.Vertical)
        mapping_box = QGroupBox("各列对应的台账字段（请核对，可修改）")
        mapping_layout = QVBoxLayout(mapping_box)
        self.mapping_table = QTableWidget(0, 4)
        self.mapping_table.setObjectName("mappingTable")
        self.mapping_table.setHorizontalHeaderLabels(["列", "表格中的列标题", "对应到", "第一行的内容"])
        self.mapping_table.verticalHeader().setVisible(False)
        self.mapping_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.mapping_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.mapping_table.setColumnWidth(2, 230)
        mapping_layout.addWidget(self.mapping_table)
        splitter.addWidget(mapping_box)

        preview_box = QGroupBox(f"预览：前 {PREVIEW_ROWS} 行将这样读入（红色为读不懂的单元格）")
        preview_layout = QVBoxLayout(preview_box)
        self.preview = QTableWidget(0, 0)
        self.preview.setObjectName("previewTable")
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.preview.horizontalHeader().setDefaultSectionSize(130)
        preview_layout.addWidget(self.preview)
        splitter.addWidget(preview_box)

        report_box = QGroupBox("检查结果")
        report_layout = QVBoxLayout(report_box)
        self.report = QPlainTextEdit()
        self.report.setObjectName("reportText")
        self.report.setReadOnly(True)
        self.report.setPlaceholderText("核对好各列后，请按“检查”：将列出要新建和更新的内容，以及每一处问题（不会写入台账）。")
        report_layout.addWidget(self.report)
        splitter.addWidget(report_box)
        splitter.setSizes([300, 300, 200])
        layout.addWidget(splitter, 1)

        self.status = QLabel()
        self.status.setObjectName("importStatus")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        self.check_button = QPushButton("检查(&C)")
        self.check_button.setObjectName("checkButton")
        self.import_button = QPushButton("导入(&I)")
        self.import_button.setObjectName("importButton")
        self.import_button.setEnabled(False)
        cancel = QPushButton("关闭")
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)

        self.check_button.clicked.connect(self.check)
        self.import_button.clicked.connect(self.do_import)
        cancel.clicked.connect(self.reject)
        self.sheet_combo.activated.connect(self._sheet_chosen)
        self.kind_combo.activated.connect(self._kind_chosen)
        self.month_edit.textChanged.connect(self._changed)

    # ------------------------------------------------------------------- state
    def set_table(self, loaded: LoadedTable, remembered: Mapping | None) -> None:
        self.loaded = loaded
        table = loaded.table
        self.file_label.setText(f"{loaded.path}（{loaded.kind}）")
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        for info in loaded.sheets:
            self.sheet_combo.addItem(info.label + ("（无法读取）" if info.problem else ""), info.name)
            if info.problem:
                self.sheet_combo.setItemData(self.sheet_combo.count() - 1, info.problem, Qt.ItemDataRole.ToolTipRole)
        self.sheet_combo.setCurrentIndex(max(0, self.sheet_combo.findData(table.sheet)))
        self.sheet_combo.blockSignals(False)
        if remembered is not None:
            mapping = remembered
            self.status.setText("已按上次确认过的对应关系填好（表头相同）。")
        else:
            suggestion = suggest(table, detect_kind(table))
            mapping = suggestion.mapping
            unsure = len(suggestion.unsure_columns()) + len(suggestion.ambiguous)
            hint = f"，其中 {unsure} 列不太确定，请重点核对。" if unsure else "，请核对。"
            self.status.setText("已自动对应各列" + hint)
        found = title_month(table)
        self.month_edit.blockSignals(True)
        self.month_edit.setText(f"{found[0]:04d}-{found[1]:02d}" if found else "")
        self.month_edit.blockSignals(False)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(mapping.kind))
        self._fill_mapping(mapping)

    def _fill_mapping(self, mapping: Mapping) -> None:
        table = self.loaded.table
        fields = FIELDS[mapping.kind]
        first = table.body[0].cells if table.body else []
        self.mapping_table.setRowCount(len(table.columns))
        self.combos: dict[int, QComboBox] = {}
        for row, column in enumerate(table.columns):
            letter = QTableWidgetItem(column.letter)
            letter.setFlags(Qt.ItemFlag.ItemIsEnabled)
            heading = QTableWidgetItem(column.name)
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
            sample_value = first[column.index] if column.index < len(first) else ""
            sample = QTableWidgetItem(clean_text(sample_value))
            sample.setFlags(Qt.ItemFlag.ItemIsEnabled)
            combo = QComboBox()
            combo.addItem("（不导入）", IGNORE)
            for spec in fields:
                combo.addItem(spec.label + ("（当月数据）" if spec.record == "month" else ""), spec.name)
            combo.setCurrentIndex(max(0, combo.findData(mapping.fields.get(column.index, IGNORE))))
            combo.activated.connect(lambda _=0, c=column.index: self._field_chosen(c))
            self.combos[column.index] = combo
            self.mapping_table.setItem(row, 0, letter)
            self.mapping_table.setItem(row, 1, heading)
            self.mapping_table.setCellWidget(row, 2, combo)
            self.mapping_table.setItem(row, 3, sample)
        self._changed()

    def mapping(self) -> Mapping:
        kind = self.kind_combo.currentData()
        fields = {c: combo.currentData() for c, combo in self.combos.items() if combo.currentData()}
        mapping = Mapping(kind, fields)
        month = self.month_edit.text().strip()
        if mapping.has_month_fields() and month:
            try:
                mapping.month = str(Month.parse(month))
            except ValueError:
                mapping.month = None
        return mapping

    def set_field(self, column: int, field_name: str) -> None:
        """Choose the field of a sheet column (what the clerk does with the combo box)."""
        combo = self.combos[column]
        combo.setCurrentIndex(combo.findData(field_name))
        self._field_chosen(column)

    def _field_chosen(self, column: int) -> None:
        chosen = self.combos[column].currentData()
        if chosen:  # one column per field: the field leaves the column that had it
            for other, combo in self.combos.items():
                if other != column and combo.currentData() == chosen:
                    combo.setCurrentIndex(0)
        self._changed()

    def _kind_chosen(self) -> None:
        table = self.loaded.table
        self._fill_mapping(suggest(table, self.kind_combo.currentData()).mapping)

    def _sheet_chosen(self) -> None:
        name = self.sheet_combo.currentData()
        if name == self.loaded.table.sheet:
            return
        open_file(self, self.loaded.path, name, on_loaded=self.set_table)

    def _changed(self) -> None:
        self.plan = None
        self.import_button.setEnabled(False)
        mapping = self.mapping()
        needs_month = mapping.has_month_fields()
        self.month_label.setVisible(needs_month)
        self.month_edit.setVisible(needs_month)
        self._fill_preview(mapping)
        missing = mapping.missing_required()
        self.check_button.setEnabled(not missing)
        if missing:
            self.status.setText("还没有对应到必需的列：" + "、".join(missing))

    def _fill_preview(self, mapping: Mapping) -> None:
        table = self.loaded.table
        specs = mapping.specs()
        columns = {c.index: c for c in table.columns}
        order = [c.index for c in table.columns if c.index in specs]
        self.preview.clear()
        self.preview.setColumnCount(len(order))
        self.preview.setHorizontalHeaderLabels([specs[c].label for c in order])
        rows = table.body[:PREVIEW_ROWS]
        self.preview.setRowCount(len(rows))
        self.preview.setVerticalHeaderLabels([f"第{r.excel_row}行" for r in rows])
        for col, index in enumerate(order):
            spec = specs[index]
            unit = columns[index].unit or table.sheet_unit
            read = reader_for(spec, unit=unit, date1904=table.date1904)
            for row, body in enumerate(rows):
                raw = body.cells[index] if index < len(body.cells) else ""
                try:
                    value = read(raw)
                    item = QTableWidgetItem("" if value is None else display_value(value))
                except CellError as exc:
                    item = QTableWidgetItem(f"{display_value(raw)}：{exc}")
                    item.setForeground(QBrush(ERROR_COLOR))
                    item.setToolTip(str(exc))
                self.preview.setItem(row, col, item)
        self.preview.resizeColumnsToContents()
        for col in range(self.preview.columnCount()):
            self.preview.setColumnWidth(col, min(max(self.preview.columnWidth(col), 90), 260))

    # ----------------------------------------------------------------- actions
    def check(self) -> None:
        mapping = self.mapping()
        table = self.loaded.table

        def work(ledger: Ledger, progress: Progress) -> ImportPlan:
            from desk.store.importing import plan_import, remember_mapping

            remember_mapping(ledger, table, mapping)  # the clerk confirmed it: remember for this heading
            plan = plan_import(ledger, table, mapping)
            progress.check()
            return plan

        Op(self, work, changes=False, takes_progress=True).success(self.show_plan) \
            .cancelled(lambda: self.status.setText("已取消检查。")) \
            .with_progress("正在检查表格…", cancellable=True).run_in_background()

    def show_plan(self, plan: ImportPlan) -> None:
        self.plan = plan
        lines = [*plan.notes, ""]
        lines.append(f"共 {plan.data_rows} 行数据：将新建 {plan.created} 条，将更新 {plan.updated} 条，"
                     f"{plan.count('unchanged')} 条无变化。")
        if plan.errors:
            lines += ["", f"发现 {len(plan.errors)} 处问题（改好表格后再导入；有问题时不会导入任何内容）："]
            lines += [f"  {e}" for e in plan.errors]
        changed = [r for r in plan.rows if r.action != "unchanged"]
        if changed:
            lines += ["", "将要写入："]
            for row in changed:
                lines.append(f"  第 {row.excel_row} 行 {ACTION_LABELS[row.action]}：{row.label}")
                if row.action == "update":
                    lines += [f"      {c}" for c in describe_changes(row)]
        self.report.setPlainText("\n".join(lines))
        ok = not plan.errors and bool(changed)
        self.import_button.setEnabled(ok)
        if plan.errors:
            self.status.setText(f"有 {len(plan.errors)} 处问题，请修改表格或对应关系后重新检查。")
        elif not changed:
            self.status.setText("台账中已是表格里的内容，没有需要导入的。")
        else:
            self.status.setText(f"检查通过：将新建 {plan.created} 条，更新 {plan.updated} 条。导入前会自动备份台账。")

    def do_import(self) -> None:
        if self.plan is None or self.plan.errors:
            return
        mapping = self.mapping()
        loaded = self.loaded

        def work(ledger: Ledger, progress: Progress) -> Any:
            from desk.store.importing import ImportSource, apply_import

            def report(label: str, done: int, total: int) -> None:
                progress.check()  # 取消 stops between blocks; the transaction is rolled back whole
                progress.update(label, done, total)

            return apply_import(ledger, loaded.table, mapping, ImportSource.of(loaded.path, loaded.sha256),
                                progress=report)

        def done(result: Any) -> None:
            self.imported.emit(result)
            QMessageBox.information(
                self, "导入完成",
                f"已从“{loaded.path.name}”新建 {result.created} 条、更新 {result.updated} 条。\n"
                f"导入前的台账已备份到：{result.backup}",
            )
            self.accept()

        def failed(error: BaseException) -> None:
            from desk.store.importing import ImportRefused
            from desk.ui.taskman import show_error

            if isinstance(error, ImportRefused):
                self.show_plan(error.plan)  # the ledger changed since the check: show what is wrong now
            else:
                show_error(self, error, "导入没有完成，台账保持原样")

        self.import_button.setEnabled(False)
        def cancelled() -> None:
            self.import_button.setEnabled(True)
            self.status.setText("已取消导入，台账保持原样。")

        Op(self, work, takes_progress=True).success(done).failure(failed).cancelled(cancelled) \
            .with_progress("正在导入…", cancellable=True).run_in_background()


# ------------------------------------------------------------------ screenshot
def _sample_workbook(path: Path) -> Path:
    """A township's two-row-heading table with a few cells a clerk would have to fix."""
    from datetime import date

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "重点项目"
    top = ["序号", "项目名称", "建设单位", "项目类别", "建设阶段", "投资情况", None, None, None, "开工时间", "包联领导",
           "工程进度"]
    sub = [None, None, None, None, None, "总投资（亿元）", "年度计划", "本月完成", "累计完成", None, None, None]
    ws.append(["2026年10月韩家店镇重点项目建设调度表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(top))
    ws.append(["单位：万元"])
    ws.append(top)
    ws.append(sub)
    for col, value in enumerate(sub, start=1):
        if value is None:
            ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
    ws.merge_cells(start_row=3, start_column=6, end_row=3, end_column=9)
    rows = [
        [1, "年产5万吨钒钛新材料项目", "阜新恒通新材料有限公司", "工业", "续建", 3.2, "8,000", 650, "5,200",
         date(2025, 4, 18), "王建国", "主体结构施工中"],
        [2, "韩家店镇现代物流园", "阜新鑫达物流有限公司", "服务业", "新建", "１.５", 6000, 800, 3100, "2026.3",
         "李明华", "仓库主体完工"],
        [3, "玛瑙文化园二期", "海州玛瑙文化发展有限公司", "文旅", "前期", 0.8, 2000, 0, 0, "2027年上半年", "张卫东",
         "正在办理用地手续"],
        [4, "食用菌产业园", "韩家店镇食用菌专业合作社", "农业", "在谈", 0.5, 1500, 120, 900, 2018.1, "刘晓燕",
         "大棚建设中"],
    ]
    for row in rows:
        ws.append(row)
    ws.append(["合计"])
    ws.append(["填报人：张三", None, None, "审核人：李四"])
    wb.save(path)
    return path


def _shot(window: QWidget) -> QWidget:
    import tempfile

    from desk.store.importing import plan_import

    folder = Path(tempfile.mkdtemp(prefix="desk-shot-"))
    loaded = load_table(_sample_workbook(folder / "韩家店镇重点项目调度表.xlsx"))
    dialog = ImportDialog(window, loaded)
    dialog.show()
    dialog.show_plan(plan_import(window.ledger, loaded.table, dialog.mapping()))  # type: ignore[attr-defined]
    return dialog


def _register_shot() -> None:
    from desk.ui.screenshot import SHOTS

    SHOTS["import-dialog"] = _shot


_register_shot()
