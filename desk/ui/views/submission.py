"""The 月报报送 section: from the month's checklist to a signed submission, its history,
corrections, and verifying what other units sent.

Hook for the project editor: clicking an item of the checklist emits
``openProjectRequested(project_id, field)``, switches to the 项目台账 section and, if that
page has ``open_project(project_id, field)`` (``field`` is the code name of the field to fix,
or ""), calls it. Everything that reads much or writes runs through ``taskman.Op``; the
export shows its progress in the page, so the rest of the window stays usable meanwhile.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk import paths
from desk.core.errors import DeskError
from desk.core.periods import Month
from desk.exchange.submission import identity as ident
from desk.exchange.submission import versions
from desk.exchange.submission.package import ExportResult, export_month, remembered_people, run_preflight
from desk.exchange.submission.preflight import Preflight
from desk.exchange.submission.report import People
from desk.ui.taskman import Op, find_manager, show_error
from desk.ui.views.submission_dialogs import P12Dialog, PassphraseDialog, ReasonDialog, SettingsDialog, VerifyDialog
from desk.ui.views.submission_models import ChecklistModel, HistoryModel

if TYPE_CHECKING:
    from desk.store.ledger import Ledger

OUT_DIR_KEY = "submission/out_dir"
QUICK_PROJECTS = 300  # up to this many projects the checklist is read on the GUI thread (~50 ms)
ZIP_KEY = "submission/zip"


def month_choices(ledger: Ledger) -> list[Month]:
    """The months a clerk may report: this year up to the reporting month, and every month
    that has records or submissions; newest first."""
    current = ledger.reporting_month()
    months = set(current.months_of_year_until())
    months.update(Month.parse(r[0]) for r in ledger.conn.execute(
        "SELECT DISTINCT month FROM project_months UNION SELECT DISTINCT month FROM submissions"))
    return sorted(months, reverse=True)


def default_month(ledger: Ledger) -> Month:
    """The reporting month once its records exist; until then the latest month with records."""
    current = ledger.reporting_month()
    has = ledger.conn.execute("SELECT 1 FROM project_months WHERE month = ? LIMIT 1", (str(current),)).fetchone()
    latest = ledger.latest_month()
    if has or latest is None:
        return current
    return Month.parse(latest)


class SubmissionView(QWidget):
    openProjectRequested = Signal(int, str)

    def __init__(self, ledger: Ledger, window: QWidget | None = None) -> None:
        super().__init__(window)
        self.ledger = ledger
        self.window_ = window
        self.setObjectName("submissionView")
        self.result: ExportResult | None = None
        self.preflight: Preflight | None = None
        self._busy = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(self._header())
        splitter = QSplitter(Qt.Orientation.Vertical)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self._checklist_box())
        top.addWidget(self._sign_box())
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        top.setSizes([640, 460])
        splitter.addWidget(top)
        splitter.addWidget(self._history_box())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        manager = self._manager()
        if manager is not None:
            manager.changed.connect(self.refresh)
        self.refresh()

    def _manager(self) -> Any:
        try:
            return find_manager(self)
        except RuntimeError:
            return None

    # ----------------------------------------------------------------- layout
    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        title = QLabel("月报报送")
        title.setObjectName("viewTitle")
        row.addWidget(title)
        row.addSpacing(16)
        row.addWidget(QLabel("报送月份："))
        self.month = QComboBox()
        self.month.setObjectName("submissionMonth")
        self.month.setMinimumWidth(120)
        for month in month_choices(self.ledger):
            self.month.addItem(month.label, str(month))
        self.month.setCurrentIndex(max(0, self.month.findData(str(default_month(self.ledger)))))
        self.month.currentIndexChanged.connect(self._month_changed)
        row.addWidget(self.month)
        row.addSpacing(12)
        self.state = QLabel()
        self.state.setObjectName("submissionState")
        self.state.setWordWrap(True)
        row.addWidget(self.state, 1)
        settings = QPushButton("报送设置…")
        settings.clicked.connect(self._settings)
        row.addWidget(settings)
        return row

    def _checklist_box(self) -> QGroupBox:
        box = QGroupBox("报送前检查")
        layout = QVBoxLayout(box)
        top = QHBoxLayout()
        self.summary = QLabel("正在检查…")
        self.summary.setObjectName("preflightSummary")
        self.summary.setWordWrap(True)
        top.addWidget(self.summary, 1)
        again = QPushButton("重新检查")
        again.clicked.connect(self.run_preflight)
        top.addWidget(again)
        layout.addLayout(top)
        self.checklist = ChecklistModel()
        self.check_view = QListView()
        self.check_view.setObjectName("preflightList")
        self.check_view.setModel(self.checklist)
        self.check_view.setWordWrap(True)
        self.check_view.setUniformItemSizes(False)
        self.check_view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.check_view.activated.connect(self._open_issue)  # double click or Enter
        layout.addWidget(self.check_view, 1)
        hint = QLabel("错误须改正后才能报送；提醒可以报送，但上级可能会询问。双击一项打开对应项目。")
        hint.setObjectName("viewFacts")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        return box

    def _sign_box(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        people = QGroupBox("签字")
        form = QFormLayout(people)
        known = remembered_people(self.ledger)
        self.filled_by = QLineEdit(known.filled_by)
        self.filled_by.setObjectName("filledBy")
        self.reviewed_by = QLineEdit(known.reviewed_by)
        self.reviewed_by.setObjectName("reviewedBy")
        self.head = QLineEdit(known.head)
        self.head.setObjectName("unitHead")
        form.addRow("填报人：", self.filled_by)
        form.addRow("审核人：", self.reviewed_by)
        form.addRow("单位负责人：", self.head)
        layout.addWidget(people)
        cert = QGroupBox("单位证书")
        cert_layout = QVBoxLayout(cert)
        self.cert_text = QLabel()
        self.cert_text.setObjectName("certText")
        self.cert_text.setWordWrap(True)
        self.cert_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        cert_layout.addWidget(self.cert_text)
        buttons = QHBoxLayout()
        self.create_cert = QPushButton("创建证书…")
        self.create_cert.clicked.connect(self.create_identity)
        self.import_p12 = QPushButton("导入 .p12…")
        self.import_p12.clicked.connect(self._import_p12)
        self.export_cert = QPushButton("导出证书…")
        self.export_cert.clicked.connect(self._export_cert)
        for button in (self.create_cert, self.import_p12, self.export_cert):
            buttons.addWidget(button)
        buttons.addStretch(1)
        cert_layout.addLayout(buttons)
        layout.addWidget(cert)
        out = QGroupBox("生成报送文件")
        out_layout = QVBoxLayout(out)
        where = QHBoxLayout()
        where.addWidget(QLabel("保存到："))
        self.out_dir = QLineEdit(self._saved_out_dir())
        self.out_dir.setObjectName("outDir")
        where.addWidget(self.out_dir, 1)
        browse = QPushButton("更改…")
        browse.clicked.connect(self._choose_out_dir)
        where.addWidget(browse)
        out_layout.addLayout(where)
        self.make_zip = QCheckBox("同时打包为一个 .zip 文件")
        self.make_zip.setChecked(self._settings_value(ZIP_KEY, "false") in (True, "true"))
        out_layout.addWidget(self.make_zip)
        self.sign_button = QPushButton("生成并签名")
        self.sign_button.setObjectName("signButton")
        self.sign_button.setProperty("primary", True)
        self.sign_button.setMinimumHeight(38)
        self.sign_button.clicked.connect(self.generate)
        out_layout.addWidget(self.sign_button)
        self.progress = QProgressBar()
        self.progress.setObjectName("exportProgress")
        self.progress.setTextVisible(True)
        self.progress.hide()
        out_layout.addWidget(self.progress)
        result = QHBoxLayout()
        self.result_label = QLabel("")
        self.result_label.setObjectName("resultFolder")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        result.addWidget(self.result_label, 1)
        self.open_folder = QPushButton("打开文件夹")
        self.open_folder.clicked.connect(self._open_folder)
        self.open_folder.hide()
        result.addWidget(self.open_folder)
        out_layout.addLayout(result)
        layout.addWidget(out)
        layout.addStretch(1)
        return panel

    def _history_box(self) -> QGroupBox:
        box = QGroupBox("报送记录")
        layout = QVBoxLayout(box)
        self.history = HistoryModel()
        self.history_view = QTableView()
        self.history_view.setObjectName("historyTable")
        self.history_view.setModel(self.history)
        self.history_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.history_view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.history_view.verticalHeader().setVisible(False)
        self.history_view.setAlternatingRowColors(True)
        header = self.history_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.history_view.doubleClicked.connect(self._open_history_folder)
        layout.addWidget(self.history_view, 1)
        buttons = QHBoxLayout()
        self.correct_button = QPushButton("更正…")
        self.correct_button.setObjectName("correctButton")
        self.correct_button.setToolTip("已报送的月份需要修改时：解锁数据，修改后报送新的版本")
        self.correct_button.clicked.connect(self.correct)
        verify_button = QPushButton("验证报送文件…")
        verify_button.setObjectName("verifyButton")
        verify_button.clicked.connect(self.open_verify)
        import_cert = QPushButton("导入其他单位证书…")
        import_cert.clicked.connect(self._import_known_cert)
        buttons.addWidget(self.correct_button)
        buttons.addStretch(1)
        buttons.addWidget(import_cert)
        buttons.addWidget(verify_button)
        layout.addLayout(buttons)
        return box

    # ------------------------------------------------------------- settings
    def _settings_value(self, key: str, default: Any) -> Any:
        settings = getattr(self.window_, "settings", None)
        return settings.value(key, default) if settings is not None else default

    def _set_settings_value(self, key: str, value: Any) -> None:
        settings = getattr(self.window_, "settings", None)
        if settings is not None:
            settings.set_value(key, value)

    def _saved_out_dir(self) -> str:
        saved = self._settings_value(OUT_DIR_KEY, "")
        return str(saved) if saved else str(paths.data_dir() / "报送文件")

    # -------------------------------------------------------------- refresh
    @property
    def current_month(self) -> Month:
        return Month.parse(str(self.month.currentData()))

    def refresh(self) -> None:
        """Re-read what is quick (status, certificate, history) and re-run the checklist."""
        state = versions.status(self.ledger, self.current_month)
        self.state.setText(state.label())
        color = "#1f5fae" if state.locked else "#c62828" if state.late_if_now and not state.latest else "#3c4a5c"
        self.state.setStyleSheet(f"color: {color};")
        self._refresh_identity()
        self.history.set_rows(versions.history(self.ledger))
        self.correct_button.setEnabled(state.locked)
        self.sign_button.setEnabled(not state.locked and not self._busy)
        version = state.next_version
        if state.locked:
            self.sign_button.setText("本月已报送（如需修改，请先在下方发起更正）")
        else:
            self.sign_button.setText("生成并签名" if version == 1 else f"生成并签名（第 {version} 版）")
        if not self._busy:
            self.run_preflight()

    def _refresh_identity(self) -> None:
        cert = ident.current_certificate(self.ledger)
        if cert is None:
            self.cert_text.setText("尚未创建单位证书。第一次报送前请创建证书（或导入发证机构的 .p12 证书），"
                                   "并把导出的证书交给上级单位。")
            self.create_cert.setText("创建证书…")
            self.export_cert.setEnabled(False)
            return
        info = ident.cert_info(cert)
        identity = self.ledger.identity.current()
        source = identity.source.label if identity else ""
        self.cert_text.setText(
            f"{info.organization or info.common_name}（{source}，有效期至 {info.not_after:%Y-%m-%d}）\n"
            f"指纹：{info.fingerprint_text}")
        self.create_cert.setText("更换证书…")
        self.export_cert.setEnabled(True)

    def _month_changed(self) -> None:
        self.result_label.setText("")
        self.open_folder.hide()
        self.refresh()

    # ------------------------------------------------------------ checklist
    def run_preflight(self) -> None:
        month = self.current_month
        if self.ledger.count("projects") <= QUICK_PROJECTS or self._manager() is None:
            # a small ledger is checked in a blink: on the spot, like any quick read
            self._show_preflight(month, run_preflight(self.ledger, month))
            return
        self.summary.setText(f"正在检查{month.label}…")
        self.checklist.set_result(None, "正在检查…")
        Op(self, lambda ledger: run_preflight(ledger, month), changes=False) \
            .success(lambda result: self._show_preflight(month, result)).run_in_background()

    def _show_preflight(self, month: Month, result: Preflight) -> None:
        if month != self.current_month:
            return  # the clerk chose another month meanwhile
        self.preflight = result
        self.checklist.set_result(result)
        text = result.summary()
        self.summary.setText(text)
        self.summary.setStyleSheet("color: #c62828; font-weight: bold;" if result.blocking else "")

    def _open_issue(self, index: QModelIndex) -> None:
        issue = self.checklist.issue(index.row())
        if issue is None:
            return
        if issue.project_id is not None:
            self.open_project(issue.project_id, issue.field or "")
        elif issue.problem_id is not None:  # a problem of a task, not of a project: 任务与目标 → 协调问题
            show = getattr(self.window_, "show_section", None)
            page = show("tasks") if show is not None else None
            opener = getattr(page, "show_problem", None)
            if callable(opener):
                opener(issue.problem_id)

    def open_project(self, project_id: int, field: str = "") -> None:
        """Hand the project to the 项目台账 section (see the module docstring)."""
        self.openProjectRequested.emit(project_id, field)
        show = getattr(self.window_, "show_section", None)
        if show is None:
            return
        page = show("projects")
        opener = getattr(page, "open_project", None)
        if callable(opener):
            opener(project_id, field)

    # ------------------------------------------------------------ identity
    def create_identity(self) -> None:
        self._create_identity(None)

    def _create_identity(self, then: Callable[[str], None] | None) -> None:
        """Create (or replace) the unit's certificate; ``then`` gets the new passphrase once it exists."""
        replacing = self.ledger.identity.current() is not None
        if replacing and QMessageBox.question(
                self, "更换证书", "更换后上级单位需要重新导入新的证书，之前报送的文件仍可用旧证书验证。确定更换吗？",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No) != QMessageBox.StandardButton.Yes:
            return
        dialog = PassphraseDialog(self, "创建单位证书",
                                  "请设置签名口令。每次报送签名时都要输入它；口令不会保存，忘记后只能重新创建证书。",
                                  confirm=True)
        if dialog.exec() != PassphraseDialog.DialogCode.Accepted:
            return
        passphrase = dialog.passphrase
        def created(_: object) -> None:
            self.refresh()
            if then is not None:
                then(passphrase)

        Op(self, lambda ledger: ident.create_identity(ledger, passphrase, replace=replacing)) \
            .success(created).run_in_background()

    def _import_p12(self) -> None:
        dialog = P12Dialog(self)
        if dialog.exec() != P12Dialog.DialogCode.Accepted:
            return
        data = Path(dialog.path.text()).read_bytes()
        p12_pass, passphrase = dialog.p12_password.text(), dialog.passphrase.text()
        replace = self.ledger.identity.current() is not None
        Op(self, lambda ledger: ident.import_pkcs12(ledger, data, p12_pass, passphrase, replace=replace)) \
            .success(lambda _: self.refresh()).run_in_background()

    def _export_cert(self) -> None:
        name = f"{ident.full_unit_name(self.ledger)}证书.pem"
        path, _ = QFileDialog.getSaveFileName(self, "导出单位证书", str(Path(self.out_dir.text()) / name),
                                              "证书 (*.pem)")
        if path:
            try:
                ident.export_certificate(self.ledger, path)
            except DeskError as exc:  # a slot must not let it escape: the clerk would see nothing
                show_error(self, exc, "没有导出证书")
                return
            QMessageBox.information(self, "导出证书", f"已导出到：\n{path}\n\n请把这个文件交给上级单位导入。")

    def _import_known_cert(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "导入其他单位的证书", "", "证书 (*.pem *.cer *.crt);;所有文件 (*)")
        if not path:
            return
        data = Path(path).read_bytes()
        Op(self, lambda ledger: ident.import_known_certificate(ledger, data)) \
            .success(lambda known: QMessageBox.information(self, "导入证书", f"已导入“{known.unit_name}”的证书。"
                                                                         "验证该单位的报送文件时将核对签名人。")) \
            .run_in_background()

    # -------------------------------------------------------------- export
    def people(self) -> People:
        return People(self.filled_by.text().strip(), self.reviewed_by.text().strip(), self.head.text().strip())

    def ask_passphrase(self) -> str | None:
        dialog = PassphraseDialog(self, "签名", "请输入单位证书的签名口令：")
        return dialog.passphrase if dialog.exec() == PassphraseDialog.DialogCode.Accepted else None

    def generate(self) -> None:
        """生成并签名."""
        self._generate(None)

    def _generate(self, passphrase: str | None) -> None:
        if self.ledger.identity.current() is None:
            QMessageBox.information(self, "需要单位证书", "报送文件要用本单位的证书签名。请先创建证书。")
            # The certificate is made in the background: signing goes on once it exists,
            # with the passphrase just chosen.
            self._create_identity(self._generate)
            return
        people = self.people()
        missing = [label for label, value in (("填报人", people.filled_by), ("审核人", people.reviewed_by),
                                              ("单位负责人", people.head)) if not value]
        if missing:
            QMessageBox.warning(self, "请填写签字人", f"请填写{'、'.join(missing)}。")
            return
        if self.preflight is not None and self.preflight.blocking:
            QMessageBox.warning(self, "数据有错误", f"{self.preflight.summary()}。请先改正标为错误的项目。")
            return
        out_dir = Path(self.out_dir.text().strip() or self._saved_out_dir())
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            QMessageBox.warning(self, "无法保存", f"无法使用保存位置 {out_dir}：{exc.strerror or exc}")
            return
        if passphrase is None:
            passphrase = self.ask_passphrase()
        if passphrase is None:
            return
        self._set_settings_value(OUT_DIR_KEY, str(out_dir))
        self._set_settings_value(ZIP_KEY, "true" if self.make_zip.isChecked() else "false")
        month, make_zip = self.current_month, self.make_zip.isChecked()
        manager = find_manager(self)

        def work(ledger: Ledger, progress: Any) -> ExportResult:
            return export_month(ledger, month, out_dir, passphrase, people, make_zip=make_zip,
                                progress=lambda label, done, total: progress.update(label, done, total))

        self._busy = True
        self.sign_button.setEnabled(False)
        self.progress.setRange(0, 6)
        self.progress.setValue(0)
        self.progress.setFormat("正在准备…")
        self.progress.show()
        manager.progressed.connect(self._progressed)
        Op(self, work, takes_progress=True).success(self._exported).failure(self._export_failed) \
            .run_in_background()

    def _progressed(self, label: str, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{label}  %p%")

    def _finish_export(self) -> None:
        self._busy = False
        try:
            find_manager(self).progressed.disconnect(self._progressed)
        except (RuntimeError, TypeError):
            pass
        self.progress.hide()

    def _exported(self, result: ExportResult) -> None:
        self._finish_export()
        self.result = result
        late = "（已过截止日，记为逾期报送）" if result.submission.late else ""
        zipped = f"\n压缩包：{result.zip_path.name}" if result.zip_path else ""
        self.result_label.setText(f"已生成并签名第 {result.submission.version} 版{late}：\n{result.folder}{zipped}")
        self.result_label.setStyleSheet("color: #2f7d32;")
        self.open_folder.show()
        self.refresh()

    def _export_failed(self, error: BaseException) -> None:
        self._finish_export()
        self.refresh()
        show_error(self, error, "没有生成报送文件")

    def _open_folder(self) -> None:
        if self.result is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result.folder)))

    def _open_history_folder(self, index: QModelIndex) -> None:
        submission = self.history.submission(index.row())
        if submission is not None and submission.folder and os.path.isdir(submission.folder):
            QDesktopServices.openUrl(QUrl.fromLocalFile(submission.folder))

    def _choose_out_dir(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "报送文件保存到", self.out_dir.text())
        if path:
            self.out_dir.setText(path)

    # ---------------------------------------------------------- correction
    def ask_reason(self, month: Month, version: int) -> str | None:
        dialog = ReasonDialog(self, month.label, version)
        return dialog.reason.toPlainText().strip() if dialog.exec() == ReasonDialog.DialogCode.Accepted else None

    def correct(self) -> None:
        month = self.current_month
        state = versions.status(self.ledger, month)
        if not state.locked:
            return
        reason = self.ask_reason(month, state.next_version)
        if not reason:
            return
        Op(self, lambda ledger: versions.open_correction(ledger, month, reason)).run_in_background()

    # -------------------------------------------------------------- others
    def open_verify(self) -> VerifyDialog:
        dialog = VerifyDialog(self, self.ledger)
        dialog.show()
        return dialog

    def _settings(self) -> None:
        SettingsDialog(self, self.ledger).exec()
