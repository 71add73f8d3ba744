"""本月填报: the monthly update grid, kept by keyboard like a spreadsheet.

Enter moves down and Tab moves right (after committing a cell), typing replaces a cell,
Space ticks, Delete clears, Ctrl+C/Ctrl+V copy and paste blocks with Excel or WPS,
Ctrl+D fills down, Ctrl+Z/Ctrl+Y undo and redo, Ctrl+S saves every changed row as one
action. Rows not yet updated this month are shaded amber; changed rows blue until saved.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QAbstractItemModel, QItemSelection, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.core.models import ProjectMonth
from desk.core.periods import Month
from desk.store.ledger import Ledger
from desk.ui.fields import ValueCombo
from desk.ui.projects.grid_columns import CellError, Kind, check_shape, parse_block
from desk.ui.projects.grid_model import GridRow, MonthGridModel, load_rows
from desk.ui.projects.saving import save_month
from desk.ui.taskman import Op, show_error

Hint = QAbstractItemDelegate.EndEditHint
WIDTHS_KEY = "projects/grid_widths"


class GridDelegate(QStyledItemDelegate):
    """Line editors for amounts and text; a list of the allowed stages for 阶段."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex) -> QWidget:
        model: MonthGridModel = index.model()  # type: ignore[assignment]
        column = model.columns[index.column()]
        if column.kind is Kind.STAGE:
            box = ValueCombo(parent)
            for stage in model.rows[index.row()].stage_choices():
                box.add(stage.label, stage)
            return box
        editor = QLineEdit(parent)
        editor.setFrame(False)
        if column.kind is Kind.AMOUNT:
            editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        if isinstance(editor, QComboBox):
            text = index.data(Qt.ItemDataRole.EditRole)
            found = editor.findText(text)
            editor.setCurrentIndex(max(found, 0))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex) -> None:
        if isinstance(editor, ValueCombo):
            model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)
            return
        if isinstance(editor, QLineEdit) and editor.text() == index.data(Qt.ItemDataRole.EditRole):
            return  # unchanged: no undo step
        super().setModelData(editor, model, index)


class GridView(QTableView):
    """A table that moves like a spreadsheet and hands copy/paste/fill/clear to the grid."""

    def __init__(self, grid: MonthGrid) -> None:
        super().__init__()
        self.grid = grid
        self.setObjectName("monthGridView")
        self.setItemDelegate(GridDelegate(self))
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setTabKeyNavigation(True)
        self.setWordWrap(False)
        rows = self.verticalHeader()
        rows.setDefaultSectionSize(self.fontMetrics().lineSpacing() + 10)
        rows.setSectionResizeMode(rows.ResizeMode.Fixed)
        # Fixed: sizing to the contents would measure thousands of names.
        rows.setFixedWidth(self.fontMetrics().horizontalAdvance("中") * 15 + 40)

    def move(self, rows: int, columns: int) -> None:
        current = self.currentIndex()
        if not current.isValid():
            return
        model = self.model()
        row = min(max(current.row() + rows, 0), model.rowCount() - 1)
        column = min(max(current.column() + columns, 0), model.columnCount() - 1)
        self.setCurrentIndex(model.index(row, column))

    def closeEditor(self, editor: QWidget, hint: Hint) -> None:
        # Excel's way: Enter commits and goes down, Tab commits and goes right; no editor opens.
        moves = {Hint.SubmitModelCache: (1, 0), Hint.EditNextItem: (0, 1), Hint.EditPreviousItem: (0, -1)}
        super().closeEditor(editor, Hint.NoHint if hint in moves else hint)
        if hint in moves:
            self.move(*moves[hint])

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if event.matches(QKeySequence.StandardKey.Paste):
            self.grid.paste_clipboard()
        elif event.matches(QKeySequence.StandardKey.Copy):
            self.grid.copy_selection()
        elif key == Qt.Key.Key_D and event.modifiers() == Qt.KeyboardModifier.ControlModifier:
            self.grid.fill_down()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.state() != self.State.EditingState:
            self.grid.clear_selection()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state() != self.State.EditingState:
            self.move(-1 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1, 0)
        else:
            super().keyPressEvent(event)


class MonthGrid(QWidget):
    """The grid with its month, search, counts and save button; loads through the worker."""

    loaded = Signal()
    saved = Signal(str)  # a line for the status bar
    stateChanged = Signal()  # undo/redo/save availability changed

    def __init__(self, ledger: Ledger, month: str, today: date, settings: object | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.today = today
        self.settings = settings
        self.month = month
        self.model: MonthGridModel | None = None
        self.setObjectName("monthGrid")
        self.search = QLineEdit()
        self.search.setPlaceholderText("在本表中查找项目、单位、包保领导")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.only_missing = QCheckBox("只看未填报")
        self.only_missing.toggled.connect(self._filter)
        self.counts = QLabel()
        self.counts.setObjectName("gridCounts")
        self.fill_button = QPushButton("向下填充")
        self.fill_button.setToolTip("把选中区域最上面一行的内容填到下面各行（Ctrl+D）")
        self.fill_button.clicked.connect(self.fill_down)
        self.save_button = QPushButton("保存本月填报")
        self.save_button.setObjectName("saveMonth")
        self.save_button.setProperty("primary", True)
        self.save_button.setToolTip("把已修改的行一次保存到台账（Ctrl+S）")
        self.save_button.clicked.connect(lambda: self.save())
        self.banner = QLabel()
        self.banner.setObjectName("lockedBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.message = QLabel()
        self.message.setObjectName("formError")
        self.message.setWordWrap(True)
        self.view = GridView(self)
        head = QHBoxLayout()
        head.addWidget(self.search, 2)
        head.addWidget(self.only_missing)
        head.addWidget(self.counts, 3)
        head.addWidget(self.fill_button)
        head.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.banner)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        self.loading = False
        self._after_save: Callable[[], None] | None = None
        self.load(month)

    # -------------------------------------------------------------- loading
    def load(self, month: str) -> None:
        self.month = month
        self.loading = True
        self.counts.setText(f"正在读取{Month.parse(month).label}的填报…")
        Op(self, lambda ledger: load_rows(ledger, month), changes=False) \
            .success(lambda result: self._loaded(month, *result)) \
            .with_progress("正在读取本月填报…").run_in_background()

    def _loaded(self, month: str, rows: list[GridRow], locked: bool) -> None:
        self.loading = False
        if month != self.month:
            return  # the clerk chose another month meanwhile
        widths = self._column_widths()
        model = MonthGridModel(month, rows, locked, self)
        model.refused.connect(self.show_message)
        model.draftsChanged.connect(self._update_counts)
        model.undo_stack.indexChanged.connect(self._stack_changed)
        old = self.model
        self.model = model
        self.view.setModel(model)
        if old is not None:
            old.deleteLater()
        self._apply_widths(widths)
        self.view.setColumnHidden(0, True)  # the name is in the row header
        label = Month.parse(month).label
        self.banner.setText(
            f"{label}已报送，数据已锁定，本表只能查看。如需修改，请在“月报报送”中发起更正。" if locked else ""
        )
        self.banner.setVisible(locked)
        self.save_button.setEnabled(False)
        self.fill_button.setEnabled(not locked)
        self.message.clear()
        self._filter()
        if rows:
            self.view.setCurrentIndex(model.index(0, 3))
        self.loaded.emit()
        self.stateChanged.emit()

    def _stack_changed(self, _index: int) -> None:
        self.stateChanged.emit()

    def _column_widths(self) -> list[int]:
        if self.model is not None:
            return [self.view.columnWidth(i) for i in range(self.model.columnCount())]
        stored = self.settings.value(WIDTHS_KEY) if self.settings is not None else None  # type: ignore[attr-defined]
        if isinstance(stored, str) and stored:
            try:
                return [int(w) for w in stored.split(",")]
            except ValueError:
                return []
        return []

    def _apply_widths(self, widths: list[int]) -> None:
        assert self.model is not None
        metrics = self.view.horizontalHeader().fontMetrics()
        unit = metrics.horizontalAdvance("中")
        for i, column in enumerate(self.model.columns):
            natural = max(column.width_chars * unit, metrics.horizontalAdvance(column.title)) + 18
            width = widths[i] if i < len(widths) and widths[i] > 10 else natural
            self.view.setColumnWidth(i, width)

    def save_state(self) -> None:
        if self.settings is not None and self.model is not None:
            widths = [str(self.view.columnWidth(i)) for i in range(self.model.columnCount())]
            self.settings.set_value(WIDTHS_KEY, ",".join(widths))  # type: ignore[attr-defined]

    def _filter(self) -> None:
        if self.model is not None:
            self.model.show_rows(self.search.text(), self.only_missing.isChecked())
        self._update_counts()

    def _update_counts(self, _changed: int = 0) -> None:
        model = self.model
        if model is None:
            return
        changed = model.changed_count()
        total = len(model.all_rows)
        saved = model.saved_count()
        parts = [f"应填报 {total} 个项目", f"已填报 {saved}", f"未填报 {total - saved}"]
        if changed:
            parts.append(f"已修改未保存 {changed}")
        if len(model.rows) != total:
            parts.append(f"显示 {len(model.rows)}")
        self.counts.setText("，".join(parts))
        self.save_button.setEnabled(bool(changed) and not model.locked)
        self.stateChanged.emit()

    def show_message(self, text: str) -> None:
        self.message.setText(text)

    # -------------------------------------------------------------- editing
    @property
    def undo_stack(self):  # type: ignore[no-untyped-def]
        return self.model.undo_stack if self.model is not None else None

    def has_changes(self) -> bool:
        return self.model is not None and self.model.changed_count() > 0

    def _anchor(self) -> tuple[int, int]:
        """Where a paste starts: the selection's top-left cell (the current cell is in it)."""
        indexes = self.view.selectionModel().selectedIndexes() if self.view.selectionModel() else []
        current = self.view.currentIndex()
        if indexes and (not current.isValid() or current in indexes):
            return min(i.row() for i in indexes), min(i.column() for i in indexes)
        return (current.row(), current.column()) if current.isValid() else (0, 0)

    def paste_clipboard(self) -> bool:
        return self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> bool:
        """Paste a tab-separated block at the selection's top-left cell; all of it or none."""
        model = self.model
        if model is None:
            return False
        self.message.clear()
        top, left = self._anchor()
        try:
            rows = parse_block(text)
            check_shape(rows, model.columnCount() - left, model.columns[left].title)
        except CellError as exc:
            self.show_message(f"没有粘贴：{exc}")
            return False
        selected = self.view.selectionModel().selectedIndexes()
        if len(rows) == 1 and len(rows[0]) == 1 and len(selected) > 1:
            # One value onto a selection fills it, as in Excel.
            cells = [(i.row(), i.column(), rows[0][0]) for i in selected
                     if model.columns[i.column()].kind is not Kind.READONLY]
            done = model.edit(cells, "粘贴")
        else:
            done = model.paste(rows, top, left)
        if done:
            bottom = min(top + len(rows), model.rowCount()) - 1
            right = min(left + len(rows[0]), model.columnCount()) - 1
            self._select(top, left, bottom, right)
        return done

    def _select(self, top: int, left: int, bottom: int, right: int) -> None:
        model = self.model
        assert model is not None
        selection = self.view.selectionModel()
        selection.select(QItemSelection(model.index(top, left), model.index(bottom, right)),
                         QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def copy_selection(self) -> str:
        model = self.model
        indexes = self.view.selectionModel().selectedIndexes() if model is not None else []
        if model is None or not indexes:
            return ""
        rows = sorted({i.row() for i in indexes})
        columns = sorted({i.column() for i in indexes})
        chosen = {(i.row(), i.column()) for i in indexes}
        lines = []
        for r in rows:
            cells = []
            for c in columns:
                text = model.text_at(r, c) if (r, c) in chosen else ""
                if any(ch in text for ch in '\t\n"'):
                    text = '"' + text.replace('"', '""') + '"'
                cells.append(text)
            lines.append("\t".join(cells))
        text = "\n".join(lines) + "\n"
        QGuiApplication.clipboard().setText(text)
        return text

    def fill_down(self) -> bool:
        """Each selected column takes its top cell's value (a single cell takes the one above)."""
        model = self.model
        if model is None:
            return False
        indexes = self.view.selectionModel().selectedIndexes()
        if not indexes and self.view.currentIndex().isValid():
            indexes = [self.view.currentIndex()]
        by_column: dict[int, list[int]] = {}
        for index in indexes:
            by_column.setdefault(index.column(), []).append(index.row())
        cells = []
        for column, rows in by_column.items():
            if model.columns[column].kind is Kind.READONLY:
                continue
            rows.sort()
            source = rows[0] - 1 if len(rows) == 1 else rows[0]
            if source < 0:
                continue
            text = model.text_at(source, column)
            cells += [(r, column, text) for r in rows if r != source]
        if not cells:
            return False
        return model.edit(cells, "向下填充")

    def clear_selection(self) -> bool:
        model = self.model
        if model is None:
            return False
        cells = [
            (i.row(), i.column(), "") for i in self.view.selectionModel().selectedIndexes()
            if model.columns[i.column()].kind not in (Kind.READONLY, Kind.STAGE)
        ]
        return bool(cells) and model.edit(cells, "清除")

    # --------------------------------------------------------------- saving
    def save(self, after: Callable[[], None] | None = None) -> bool:
        model = self.model
        if model is None or self.loading:
            return False
        records: list[ProjectMonth] = model.changed_records()
        if not records:
            if after is not None:
                after()
            return False
        month = model.month
        self.save_button.setEnabled(False)

        def saved(count: int) -> None:
            if self.model is model:
                model.accept_drafts()  # so that closing right after asks nothing more
            self.show_message("")
            self.saved.emit(f"已保存{Month.parse(month).label}填报：{count} 个项目")
            self.load(month)
            if after is not None:
                after()

        def failed(error: BaseException) -> None:
            self._update_counts()
            show_error(self, error, "本月填报没有保存")

        Op(self, lambda ledger: save_month(ledger, month, records)).success(saved).failure(failed) \
            .with_progress(f"正在保存{len(records)}个项目的填报…").run_in_background()
        return True

    def confirm_discard(self, after: Callable[[], None] | None = None) -> bool:
        """Ask what to do with unsaved rows; True when it is fine to go on.

        保存 starts the save and answers False; ``after`` runs once it succeeded."""
        if not self.has_changes():
            return True
        assert self.model is not None
        answer = QMessageBox.question(
            self, "本月填报尚未保存",
            f"{self.model.label}填报有 {self.model.changed_count()} 个项目修改后尚未保存。",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Discard:
            return True
        if answer == QMessageBox.StandardButton.Save:
            self.save(after)
        return False
