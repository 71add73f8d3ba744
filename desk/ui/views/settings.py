"""The 设置 section: the ledger's facts, and its recognition standard (认定标准) — choose one,
import a locality's file, export it, and set the thresholds a profile leaves to the unit."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.core.errors import DeskError, RefusedError
from desk.core.glossary import Category, Claim
from desk.core.money import AmountError, format_amount, parse_amount
from desk.core.recognition import EVIDENCE_ORDER, Profile, Rule, amount_text
from desk.exchange import atomic
from desk.store.profiles import (
    ProfileInfo,
    import_profile_file,
    list_profiles,
    profile_text,
    save_thresholds,
    use_profile,
)
from desk.ui.views.summary import RowsModel

if TYPE_CHECKING:
    from desk.store.ledger import Ledger


def rule_text(rule: Rule) -> str:
    """One rule in a line: “打桩或开槽 ＋ 有明显的投资量（场地平整不予认定）”."""
    order = EVIDENCE_ORDER.index
    parts = []
    if rule.any_of:
        parts.append("或".join(e.label for e in sorted(rule.any_of, key=order)))
    if rule.all_of:
        parts.append("、".join(e.label for e in sorted(rule.all_of, key=order)))
    if rule.needs_investment:
        parts.append("有明显的投资量")
    text = " ＋ ".join(parts)
    if rule.not_alone:
        text += f"（{'、'.join(e.label for e in sorted(rule.not_alone, key=order))}不予认定）"
    return text


def profile_html(info: ProfileInfo) -> str:
    profile = info.profile
    if profile is None:
        return f"<b>{info.title}</b><p style='color:#c62828'>{info.error}</p>"
    counted = "、".join(c.label for c in Category if c in profile.counted_categories)
    bands = "、".join(f"{b.label}" for b in profile.bands) or "（未设）"
    review = f"开（{profile.review.cite}）" if profile.review.enabled else "关"
    rows = [
        ("来源", profile.source or "—"),
        ("计入目标", f"{profile.threshold_label()}的{counted}项目（{profile.counting_cite or profile.cite}）"),
        ("规模档次", bands),
        ("明显的投资量", f"本月完成投资大于 {amount_text(profile.min_month_investment_wan)} 万元"),
        ("动态考评", review),
    ]
    for claim in Claim:
        for category in Category:
            rows.append((f"{claim.label}·{category.label}", rule_text(profile.rule(claim, category))))
    rows.append(("SHA-256", f"<span style='font-family:monospace'>{info.sha256[:16]}…</span>"))
    rows.append(("来源类别", f"{info.origin}（{info.imported_at[:10]}）"))
    body = "".join(f"<tr><td style='color:#4a5a6e;padding-right:10px'>{k}</td><td>{v}</td></tr>" for k, v in rows)
    return f"<b>{profile.title}</b>（{profile.name}）<table style='margin-top:4px'>{body}</table>"


class SettingsView(QWidget):
    """The ledger's settings at a glance, and the 认定标准 part."""

    def __init__(self, ledger: Ledger, window: QWidget | None = None) -> None:
        super().__init__(window)
        self.ledger = ledger
        self.infos: list[ProfileInfo] = []
        self._filled: tuple[str, str] | None = None
        self.setObjectName("settingsView")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 12, 16, 12)
        scroll.setWidget(body)
        outer.addWidget(scroll)

        heading = QLabel("设置")
        heading.setObjectName("viewTitle")
        facts = QLabel("本台账的设置")
        facts.setObjectName("viewFacts")
        self.facts_table = QTableView()
        self.facts_table.verticalHeader().setVisible(False)
        self.facts_table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.facts_table.setAlternatingRowColors(True)
        layout.addWidget(heading)
        layout.addWidget(facts)
        layout.addWidget(self.facts_table)
        layout.addWidget(self._standards_box(), 1)
        if window is not None and hasattr(window, "taskman"):
            window.taskman.changed.connect(self.refresh)
        self.refresh()

    # --------------------------------------------------------------- building
    def _standards_box(self) -> QGroupBox:
        box = QGroupBox("认定标准")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(12, 18, 12, 12)
        intro = QLabel("认定标准决定每个新开工、竣工申报是否认定、是否计入目标。标准以文件（TOML）保存在台账中，"
                       "格式见说明文档“认定标准文件”一节。")
        intro.setObjectName("viewFacts")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.profiles = QTableWidget(0, 4)
        self.profiles.setObjectName("profileTable")
        self.profiles.setHorizontalHeaderLabels(["名称", "标题", "计入门槛", "状态"])
        self.profiles.verticalHeader().setVisible(False)
        self.profiles.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.profiles.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.profiles.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.profiles.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.profiles.setMinimumWidth(520)
        self.profiles.setMaximumHeight(260)
        self.profiles.itemSelectionChanged.connect(self._show_selected)
        self.detail = QLabel()
        self.detail.setObjectName("profileDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.profiles, 3, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.detail, 4)
        layout.addLayout(row)
        buttons = QHBoxLayout()
        self.use_button = QPushButton("选用此标准")
        self.use_button.setProperty("primary", True)
        self.import_button = QPushButton("导入标准文件…")
        self.export_button = QPushButton("导出…")
        for button in (self.use_button, self.import_button, self.export_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.message = QLabel()
        self.message.setObjectName("viewFacts")
        self.message.setWordWrap(True)
        buttons.addWidget(self.message, 2)
        layout.addLayout(buttons)
        self.use_button.clicked.connect(self.use_selected)
        self.import_button.clicked.connect(self.pick_import)
        self.export_button.clicked.connect(self.pick_export)
        layout.addWidget(self._thresholds_box())
        return box

    def _thresholds_box(self) -> QGroupBox:
        box = QGroupBox("本单位设定的门槛")
        self.thresholds_box = box
        layout = QVBoxLayout(box)
        layout.setContentsMargins(12, 18, 12, 12)
        self.thresholds_note = QLabel()
        self.thresholds_note.setObjectName("viewFacts")
        self.thresholds_note.setWordWrap(True)
        layout.addWidget(self.thresholds_note)
        form = QFormLayout()
        self.threshold_edit = QLineEdit()
        self.threshold_edit.setObjectName("thresholdEdit")
        self.threshold_edit.setPlaceholderText("0 表示不设门槛")
        self.floor_edit = QLineEdit()
        self.floor_edit.setObjectName("floorEdit")
        for edit in (self.threshold_edit, self.floor_edit):
            edit.setMaximumWidth(220)
        form.addRow("计入目标的最低总投资（万元）", self.threshold_edit)
        form.addRow("有明显的投资量：本月完成投资须大于（万元）", self.floor_edit)
        layout.addLayout(form)
        self.bands = QTableWidget(0, 2)
        self.bands.setObjectName("bandTable")
        self.bands.setHorizontalHeaderLabels(["最低总投资（万元）", "档次名称"])
        self.bands.verticalHeader().setVisible(False)
        self.bands.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.bands.setMinimumHeight(130)
        self.bands.setMaximumHeight(200)
        self.bands.setMaximumWidth(640)
        layout.addWidget(QLabel("规模档次（用于加分和统计，可不设）"))
        layout.addWidget(self.bands)
        row = QHBoxLayout()
        self.add_band_button = QPushButton("添加档次")
        self.remove_band_button = QPushButton("删除档次")
        self.save_button = QPushButton("保存门槛")
        self.save_button.setProperty("primary", True)
        self.thresholds_error = QLabel()
        self.thresholds_error.setObjectName("formError")
        self.thresholds_error.setWordWrap(True)
        for button in (self.add_band_button, self.remove_band_button, self.save_button):
            row.addWidget(button)
        row.addWidget(self.thresholds_error, 1)
        layout.addLayout(row)
        self.add_band_button.clicked.connect(lambda: self.add_band_row("", ""))
        self.remove_band_button.clicked.connect(self._remove_band_row)
        self.save_button.clicked.connect(self.save_thresholds)
        return box

    # ---------------------------------------------------------------- reading
    def refresh(self) -> None:
        ledger = self.ledger
        rule = ledger.deadline_rule
        selected = self.selected_info()  # before re-reading: rows may move (a changed profile sorts last)
        self.infos = list_profiles(ledger)
        in_use = next((i for i in self.infos if i.in_use), None)
        rows = [
            ["台账文件", str(ledger.path)],
            ["本单位", ledger.unit.name],
            ["填报人", ledger.clerk or "（未设置）"],
            ["认定标准", f"{in_use.title}（{in_use.name}）" if in_use else ledger.profile_name],
            ["报送截止日", f"{'次月' if rule.next_month else '每月'} {rule.day} 日"],
            ["台账结构版本", str(ledger.schema_version)],
        ]
        self.facts_table.setModel(RowsModel(["项目", "内容"], rows))
        header = self.facts_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.facts_table.setFixedHeight(self.facts_table.horizontalHeader().height()
                                        + sum(self.facts_table.rowHeight(r) for r in range(len(rows))) + 4)
        keep = selected.name if selected else (in_use.name if in_use else None)
        self.profiles.blockSignals(True)
        self.profiles.setRowCount(len(self.infos))
        for row, info in enumerate(self.infos):
            threshold = info.profile.threshold_label() if info.profile else "—"
            state = "使用中" if info.in_use else ("程序自带" if info.builtin else "导入/修改")
            for col, text in enumerate((info.name, info.title, threshold, state)):
                item = QTableWidgetItem(text)
                if info.in_use:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.profiles.setItem(row, col, item)
        self.profiles.blockSignals(False)
        names = [i.name for i in self.infos]
        self.profiles.selectRow(names.index(keep) if keep in names else 0)
        self._show_selected()

    def selected_info(self) -> ProfileInfo | None:
        rows = self.profiles.selectionModel().selectedRows() if self.profiles.selectionModel() else []
        if not rows or rows[0].row() >= len(self.infos):
            return None
        return self.infos[rows[0].row()]

    def select(self, name: str) -> None:
        names = [i.name for i in self.infos]
        if name in names:
            self.profiles.selectRow(names.index(name))

    def _show_selected(self) -> None:
        info = self.selected_info()
        self.detail.setText(profile_html(info) if info else "")
        self.use_button.setEnabled(info is not None and not info.in_use and info.profile is not None)
        self.export_button.setEnabled(info is not None)
        profile = info.profile if info else None
        editable = profile is not None and profile.user_thresholds
        for widget in (self.threshold_edit, self.floor_edit, self.bands, self.add_band_button,
                       self.remove_band_button, self.save_button):
            widget.setEnabled(editable)
        self.thresholds_error.setText("")
        if info is None or profile is None:
            self.thresholds_note.setText("")
            return
        if editable:
            self.thresholds_note.setText(f"“{profile.title}”的门槛和规模档次由本单位设定；保存后记入台账（修改记录可查）。")
        else:
            self.thresholds_note.setText(f"“{profile.title}”的门槛由文件规定，不能在这里修改。"
                                         "如需本单位的门槛，请选中“通用”标准，或导入本单位的标准文件。")
        # Refill only when another profile (or another text of it) is shown: a refresh after
        # some other change must not wipe what the clerk is typing.
        if self._filled != (info.name, info.sha256):
            self._filled = (info.name, info.sha256)
            self._fill_thresholds(profile)

    def _fill_thresholds(self, profile: Profile) -> None:
        self.threshold_edit.setText(amount_text(profile.count_threshold_wan).replace(",", ""))
        self.floor_edit.setText(amount_text(profile.min_month_investment_wan).replace(",", ""))
        self.bands.setRowCount(0)
        for band in profile.bands:
            self.add_band_row(amount_text(band.min_wan).replace(",", ""), band.label)

    def add_band_row(self, min_wan: str, label: str) -> None:
        row = self.bands.rowCount()
        self.bands.insertRow(row)
        self.bands.setItem(row, 0, QTableWidgetItem(min_wan))
        self.bands.setItem(row, 1, QTableWidgetItem(label))

    def _remove_band_row(self) -> None:
        row = self.bands.currentRow()
        if row >= 0:
            self.bands.removeRow(row)

    # ---------------------------------------------------------------- actions
    def use_selected(self) -> None:
        from desk.ui.taskman import Op

        info = self.selected_info()
        if info is None or info.in_use:
            return
        name, title = info.name, info.title
        Op(self, lambda ledger: use_profile(ledger, name)).success(
            lambda _: self._done(f"本台账已选用“{title}”。")).run_in_background()

    def pick_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "导入认定标准文件", "", "认定标准文件 (*.toml);;所有文件 (*)")
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path, replace: bool = False, ask: bool = True) -> None:
        """Import a profile file; when the ledger has one of that name, ask whether to replace it."""
        from desk.ui.taskman import Op, show_error

        def failed(error: BaseException) -> None:
            if ask and not replace and isinstance(error, RefusedError) and "--replace" in error.message:
                question = error.message.split("；")[0] + "。\n用文件中的内容替换它？"
                answer = QMessageBox.question(self, "替换认定标准", question)
                if answer == QMessageBox.StandardButton.Yes:
                    self.import_file(path, replace=True)
                return
            show_error(self, error, "导入认定标准失败")

        def imported(info: ProfileInfo) -> None:
            self._done(f"已导入“{info.title}”（SHA-256 {info.sha256[:12]}…）。如要使用，请点“选用此标准”。")
            self.select(info.name)

        Op(self, lambda ledger: import_profile_file(ledger, path, replace=replace)).success(imported) \
            .failure(failed).run_in_background()

    def pick_export(self) -> None:
        info = self.selected_info()
        if info is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "导出认定标准文件", f"{info.name}.toml", "认定标准文件 (*.toml)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        info = self.selected_info()
        if info is None:
            return
        try:
            atomic.write_text(path, profile_text(self.ledger, info.name))
        except OSError as exc:
            QMessageBox.warning(self, "导出失败", f"无法写入 {path}（{exc.strerror or exc}）")
            return
        self.message.setText(f"已导出到 {path}")

    def read_thresholds(self) -> tuple[Decimal, Decimal, list[tuple[Decimal, str]]]:
        """The thresholds as typed; :class:`DeskError` names the field or band row that is wrong."""
        def amount(text: str, what: str) -> Decimal:
            try:
                value = parse_amount(text or "0")
            except AmountError as exc:
                raise DeskError(f"{what}：{exc}") from None
            return value if value is not None else Decimal(0)

        threshold = amount(self.threshold_edit.text(), "计入目标的最低总投资")
        floor = amount(self.floor_edit.text(), "明显投资量")
        bands = []
        for row in range(self.bands.rowCount()):
            cells = [self.bands.item(row, c) for c in range(2)]
            min_text, label = (c.text().strip() if c else "" for c in cells)
            if not min_text and not label:
                continue
            bands.append((amount(min_text, f"第 {row + 1} 个规模档次的最低总投资"), label))
        return threshold, floor, bands

    def save_thresholds(self) -> None:
        from desk.ui.taskman import Op

        info = self.selected_info()
        if info is None:
            return
        try:
            threshold, floor, bands = self.read_thresholds()
        except DeskError as exc:
            self.thresholds_error.setText(exc.message)
            return
        name = info.name

        def failed(error: BaseException) -> None:
            if isinstance(error, DeskError):
                self.thresholds_error.setText(error.message)
            else:
                from desk.ui.taskman import show_error

                show_error(self, error)

        Op(self, lambda ledger: save_thresholds(ledger, name, threshold, floor, bands)).success(
            lambda p: self._done(f"已保存“{p.title}”的门槛：{p.threshold_label()}"
                                 f"（{format_amount(p.count_threshold_wan, 0)} 万元）。")
        ).failure(failed).run_in_background()

    def _done(self, text: str) -> None:
        self.refresh()
        self.message.setText(text)
