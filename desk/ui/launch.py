"""Starting the window: which ledger to open, and the first-run choice when there is none."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk import APP_TITLE, paths
from desk.core.errors import DeskError
from desk.core.glossary import UnitKind
from desk.store.ledger import Ledger
from desk.ui import settings as keys
from desk.ui.settings import UiSettings

DEMO_NAME = "演示台账.desk"


class NewLedgerDialog(QDialog):
    """Unit name, parent, kind, clerk and where to keep the file."""

    def __init__(self, default_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("新建台账")
        self.setMinimumWidth(520)
        form = QFormLayout()
        self.unit = QLineEdit()
        self.unit.setPlaceholderText("例如：韩家店镇")
        self.parent_unit = QLineEdit()
        self.parent_unit.setPlaceholderText("例如：海州区（可不填）")
        self.kind = QComboBox()
        for kind in UnitKind:
            self.kind.addItem(kind.label, kind.value)
        self.kind.setCurrentIndex(list(UnitKind).index(UnitKind.TOWNSHIP))
        self.clerk = QLineEdit()
        self.clerk.setPlaceholderText("填报人姓名，写入修改记录")
        self.path = QLineEdit(str(default_path))
        browse = QPushButton("浏览…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("本单位名称 *", self.unit)
        form.addRow("上级单位", self.parent_unit)
        form.addRow("单位类型", self.kind)
        form.addRow("填报人", self.clerk)
        form.addRow("台账文件", row)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("新建")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.created: Ledger | None = None

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "台账文件保存位置", self.path.text(), "Desk 台账 (*.desk)")
        if path:
            self.path.setText(path if path.endswith(".desk") else path + ".desk")

    def _accept(self) -> None:
        if not self.unit.text().strip():
            self.error.setText("请填写本单位名称")
            self.unit.setFocus()
            return
        path = Path(self.path.text().strip())
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.created = Ledger.create(
                path,
                self.unit.text(),
                unit_kind=UnitKind(self.kind.currentData()),
                parent_name=self.parent_unit.text().strip() or None,
                clerk=self.clerk.text().strip(),
            )
        except (DeskError, OSError) as exc:
            self.error.setText(getattr(exc, "message", None) or f"无法建立台账文件：{exc}")
            return
        self.accept()


class FirstRunDialog(QDialog):
    """Shown when there is no ledger yet: open the demo, create one, or open a file."""

    def __init__(self, message: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"欢迎使用{APP_TITLE}")
        self.setMinimumWidth(560)
        self.choice: str | None = None
        self.chosen_path: Path | None = None
        title = QLabel(f"<h2>欢迎使用{APP_TITLE}</h2>")
        text = QLabel(
            message
            or "本机还没有台账。可以先打开演示台账看看（一个区及其乡镇街道的示例数据），"
            "也可以为本单位新建一个台账，或打开已有的台账文件。"
        )
        text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(text)
        for key, label, hint in (
            ("demo", "打开演示台账", "示例数据，可随意修改"),
            ("new", "新建台账", "为本单位建立一个空台账"),
            ("open", "打开已有台账…", "选择一个 .desk 台账文件"),
        ):
            button = QPushButton(f"{label}\n{hint}")
            button.setObjectName(f"firstRun_{key}")
            button.setMinimumHeight(56)
            button.clicked.connect(lambda _=False, k=key: self._choose(k))
            layout.addWidget(button)
        cancel = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        cancel.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        cancel.rejected.connect(self.reject)
        layout.addWidget(cancel, alignment=Qt.AlignmentFlag.AlignRight)

    def _choose(self, key: str) -> None:
        if key == "open":
            path, _ = QFileDialog.getOpenFileName(
                self, "打开台账", str(paths.data_dir()), "Desk 台账 (*.desk *.sqlite *.db);;所有文件 (*)"
            )
            if not path:
                return
            self.chosen_path = Path(path)
        self.choice = key
        self.accept()


def open_demo(clock: Callable[[], datetime], today: date) -> Ledger:
    from desk.store.demo import build_demo

    path = paths.data_dir() / DEMO_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        ledger = Ledger.open(path)
    else:
        ledger = build_demo(path, today=today, clock=clock)
    ledger.clock = clock
    return ledger


def choose_ledger(
    settings: UiSettings,
    requested: Path | None,
    clock: Callable[[], datetime],
    today: date,
    parent: QWidget | None = None,
) -> Ledger | None:
    """The ledger to show: the one asked for, the last one, the default — or the clerk's choice."""
    message = ""
    candidates: list[Path] = []
    if requested is not None:
        candidates.append(requested)
    else:
        last = settings.get(keys.LAST_LEDGER)
        if last:
            candidates.append(Path(last))
        candidates.append(paths.default_ledger_path())
    for path in candidates:
        if not path.exists() and path != requested:
            continue
        try:
            ledger = Ledger.open(path)
            ledger.clock = clock
            return ledger
        except DeskError as exc:
            message = exc.message
            break
    while True:
        dialog = FirstRunDialog(message, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        try:
            if dialog.choice == "demo":
                return open_demo(clock, today)
            if dialog.choice == "open" and dialog.chosen_path is not None:
                ledger = Ledger.open(dialog.chosen_path)
                ledger.clock = clock
                return ledger
            if dialog.choice == "new":
                new = NewLedgerDialog(requested or paths.default_ledger_path(), parent)
                if new.exec() == QDialog.DialogCode.Accepted and new.created is not None:
                    new.created.clock = clock
                    return new.created
        except DeskError as exc:
            QMessageBox.warning(parent, "无法打开台账", exc.message)
            message = exc.message
