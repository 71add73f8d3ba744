"""Dialogs of the 月报报送 page: passphrase, .p12 import, correction reason, verification,
and the submission settings (deadline, report font, seal)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desk.exchange.forms import fonts
from desk.exchange.submission.identity import MIN_PASSPHRASE
from desk.exchange.submission.package import FONT_SETTING, seal_png, set_seal
from desk.exchange.submission.verify import Report, verify
from desk.ui.taskman import Op

if TYPE_CHECKING:
    from desk.store.ledger import Ledger

GREEN = QColor("#2f7d32")
RED = QColor("#c62828")
AMBER = QColor("#9a5b00")
GREY = QColor("#7a8594")


def _buttons(dialog: QDialog, ok_text: str = "确定") -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    box.rejected.connect(dialog.reject)
    return box


class PassphraseDialog(QDialog):
    """Ask for the certificate's passphrase; with ``confirm``, choose a new one (typed twice)."""

    def __init__(self, parent: QWidget | None, title: str, prompt: str, *, confirm: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.confirm = confirm
        layout = QVBoxLayout(self)
        text = QLabel(prompt)
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setObjectName("passphrase")
        form.addRow("口令：", self.first)
        self.second = QLineEdit()
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.second.setObjectName("passphraseAgain")
        if confirm:
            form.addRow("再输一次：", self.second)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("formError")
        layout.addWidget(self.error)
        box = _buttons(self)
        box.accepted.connect(self._accept)
        layout.addWidget(box)

    @property
    def passphrase(self) -> str:
        return self.first.text()

    def _accept(self) -> None:
        if self.confirm and len(self.first.text()) < MIN_PASSPHRASE:
            self.error.setText(f"口令至少 {MIN_PASSPHRASE} 个字符")
            return
        if not self.first.text():
            self.error.setText("请输入口令")
            return
        if self.confirm and self.first.text() != self.second.text():
            self.error.setText("两次输入的口令不一致")
            return
        self.accept()


class P12Dialog(QDialog):
    """导入 .p12/.pfx: the file, its password, and the passphrase Desk will ask for from now on."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("导入单位证书（.p12/.pfx）")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        note = QLabel("导入发证机构签发的证书后，报送文件将用它签名；上级单位需要导入对应的证书。")
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        choose = QPushButton("选择文件…")
        choose.clicked.connect(self._choose)
        row.addWidget(self.path, 1)
        row.addWidget(choose)
        form.addRow("证书文件：", row)
        self.p12_password = QLineEdit()
        self.p12_password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("证书文件口令：", self.p12_password)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("今后签名口令：", self.passphrase)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("再输一次：", self.again)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("formError")
        layout.addWidget(self.error)
        box = _buttons(self, "导入")
        box.accepted.connect(self._accept)
        layout.addWidget(box)

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择证书文件", "", "证书 (*.p12 *.pfx);;所有文件 (*)")
        if path:
            self.path.setText(path)

    def _accept(self) -> None:
        if not self.path.text():
            self.error.setText("请选择证书文件")
        elif len(self.passphrase.text()) < MIN_PASSPHRASE:
            self.error.setText(f"签名口令至少 {MIN_PASSPHRASE} 个字符")
        elif self.passphrase.text() != self.again.text():
            self.error.setText("两次输入的签名口令不一致")
        else:
            self.accept()


class ReasonDialog(QDialog):
    """更正: why the submitted month must change (it goes into the next version)."""

    def __init__(self, parent: QWidget | None, month_label: str, version: int) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"更正{month_label}月报")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        note = QLabel(f"更正后{month_label}的数据解锁，修改完成后再次“生成并签名”，报送第 {version} 版。"
                      "原来的版本保留在报送记录中。")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(QLabel("更正原因："))
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("correctionReason")
        self.reason.setPlaceholderText("例如：补报中储粮项目本月完成投资")
        self.reason.setFixedHeight(80)
        layout.addWidget(self.reason)
        self.error = QLabel()
        self.error.setObjectName("formError")
        layout.addWidget(self.error)
        box = _buttons(self, "发起更正")
        box.accepted.connect(self._accept)
        layout.addWidget(box)

    def _accept(self) -> None:
        if not self.reason.toPlainText().strip():
            self.error.setText("请填写更正原因")
            return
        self.accept()


class VerifyDialog(QDialog):
    """验证报送文件: choose a folder or a zip, see every check in green or red."""

    def __init__(self, parent: QWidget, ledger: Ledger) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.setWindowTitle("验证报送文件")
        self.resize(760, 480)
        layout = QVBoxLayout(self)
        intro = QLabel("选择下级单位报送的文件夹或 .zip 压缩包。已导入该单位证书时，还会核对签名人。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setObjectName("verifyPath")
        self.path.setPlaceholderText("报送文件夹或 .zip")
        folder = QPushButton("选择文件夹…")
        folder.clicked.connect(self._choose_folder)
        archive = QPushButton("选择压缩包…")
        archive.clicked.connect(self._choose_zip)
        self.run_button = QPushButton("验证")
        self.run_button.setProperty("primary", True)
        self.run_button.clicked.connect(self.run)
        for widget in (self.path,):
            row.addWidget(widget, 1)
        for button in (folder, archive, self.run_button):
            row.addWidget(button)
        layout.addLayout(row)
        self.headline = QLabel("")
        self.headline.setObjectName("verifyHeadline")
        self.headline.setWordWrap(True)
        layout.addWidget(self.headline)
        self.checks = QListWidget()
        self.checks.setObjectName("verifyChecks")
        self.checks.setWordWrap(True)
        layout.addWidget(self.checks, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.report: Report | None = None

    def _choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "选择报送文件夹")
        if path:
            self.path.setText(path)
            self.run()

    def _choose_zip(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择报送压缩包", "", "压缩包 (*.zip);;所有文件 (*)")
        if path:
            self.path.setText(path)
            self.run()

    def run(self) -> None:
        text = self.path.text().strip()
        if not text:
            self.headline.setText("请先选择报送文件夹或压缩包")
            return
        self.run_button.setEnabled(False)
        self.headline.setText("正在验证…")
        self.checks.clear()
        target = Path(text)

        def work(ledger: Ledger) -> Report:
            return verify(target, known=ledger.known_certs.all())

        Op(self, work, changes=False).success(self.show_report).failure(self._failed).run_in_background()

    def _failed(self, error: BaseException) -> None:
        self.run_button.setEnabled(True)
        self.headline.setText(f"无法验证：{error}")

    def show_report(self, report: Report) -> None:
        self.report = report
        self.run_button.setEnabled(True)
        self.headline.setText(report.headline())
        color = GREEN if report.valid else RED
        self.headline.setStyleSheet(f"font-size: 13pt; font-weight: bold; color: {color.name()};")
        self.checks.clear()
        for check in report.checks:
            mark = "–" if check.skipped else "✓" if check.ok else "✗"
            item = QListWidgetItem(f"{mark}  {check.label}：{check.detail}")
            item.setForeground(QBrush(GREY if check.skipped else GREEN if check.ok else RED))
            self.checks.addItem(item)
        for warning in report.warnings:
            item = QListWidgetItem(f"!  {warning}")
            item.setForeground(QBrush(AMBER))
            self.checks.addItem(item)


class SettingsDialog(QDialog):
    """报送设置: the deadline (a ledger setting), the PDF font, the unit's seal."""

    def __init__(self, parent: QWidget, ledger: Ledger) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.setWindowTitle("报送设置")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        rule = ledger.deadline_rule
        deadline = QHBoxLayout()
        self.next_month = QComboBox()
        self.next_month.addItems(["当月", "次月"])
        self.next_month.setCurrentIndex(1 if rule.next_month else 0)
        self.day = QSpinBox()
        self.day.setRange(1, 31)
        self.day.setValue(rule.day)
        self.day.setSuffix(" 日前")
        deadline.addWidget(self.next_month)
        deadline.addWidget(self.day)
        deadline.addStretch(1)
        form.addRow("报送截止：", deadline)
        self.font = QComboBox()
        current = str(ledger.setting(FONT_SETTING, fonts.BUNDLED_KEY) or fonts.BUNDLED_KEY)
        for choice in fonts.available():
            self.font.addItem(choice.label, choice.key)
        if self.font.findData(current) < 0:
            self.font.addItem(f"{current}（本机未安装）", current)
        self.font.setCurrentIndex(self.font.findData(current))
        form.addRow("报表字体：", self.font)
        seal_row = QHBoxLayout()
        self.seal_preview = QLabel("（未设置）")
        self.seal_preview.setFixedSize(96, 96)
        self.seal_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.seal_preview.setStyleSheet("border: 1px dashed #c3cbd6; background: #ffffff;")
        self.seal: bytes | None = seal_png(ledger)
        self._show_seal()
        pick = QPushButton("选择图片…")
        pick.clicked.connect(self._choose_seal)
        clear = QPushButton("不使用印章")
        clear.clicked.connect(self._clear_seal)
        seal_row.addWidget(self.seal_preview)
        seal_row.addWidget(pick)
        seal_row.addWidget(clear)
        seal_row.addStretch(1)
        form.addRow("单位印章：", seal_row)
        layout.addLayout(form)
        hint = QLabel("印章请用透明背景的 PNG 图片，会盖在 PDF 的填报日期上。")
        hint.setWordWrap(True)
        hint.setObjectName("viewFacts")
        layout.addWidget(hint)
        box = _buttons(self, "保存")
        box.accepted.connect(self._save)
        layout.addWidget(box)

    def _show_seal(self) -> None:
        if self.seal:
            pixmap = QPixmap()
            pixmap.loadFromData(self.seal)
            self.seal_preview.setPixmap(pixmap.scaled(90, 90, Qt.AspectRatioMode.KeepAspectRatio,
                                                      Qt.TransformationMode.SmoothTransformation))
        else:
            self.seal_preview.setPixmap(QPixmap())
            self.seal_preview.setText("（未设置）")

    def _choose_seal(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择印章图片", "", "PNG 图片 (*.png)")
        if path:
            self.seal = Path(path).read_bytes()
            self._show_seal()

    def _clear_seal(self) -> None:
        self.seal = None
        self._show_seal()

    def _save(self) -> None:
        day, next_month = self.day.value(), self.next_month.currentIndex() == 1
        font, seal = self.font.currentData(), self.seal

        def work(ledger: Ledger) -> None:
            with ledger.transaction():
                ledger.set_setting("deadline_day", day)
                ledger.set_setting("deadline_next_month", next_month)
                ledger.set_setting(FONT_SETTING, font)
                set_seal(ledger, seal)

        Op(self, work).success(lambda _: self.accept()).run_in_background()

