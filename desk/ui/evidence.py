"""The evidence files of one project-month (现场照片、文件资料): pick, list, preview, warn.

``EvidenceWidget(ledger)``; ``set_target(project_id, month)``. Files are added and removed
through the window's ledger worker (desk.ui.taskman.Op), several files as one action;
every warning about a file (EXIF date outside the month, the same photo elsewhere) is
listed under it and shown when it is added.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from desk.core.errors import DeskError
from desk.core.glossary import AttachmentKind
from desk.core.models import Attachment
from desk.core.periods import Month
from desk.exchange.evidence import AttachOutcome, attach_file, month_evidence, save_copy

if TYPE_CHECKING:
    from desk.store.ledger import Ledger

THUMB = 56
PREVIEW = QSize(420, 280)
FILE_FILTER = ("照片和文件 (*.jpg *.jpeg *.png *.heic *.bmp *.tif *.tiff *.pdf *.doc *.docx *.xls *.xlsx *.wps *.et)"
               ";;所有文件 (*)")


def decode_image(data: bytes, fit: QSize) -> QImage:
    """The picture scaled to fit ``fit``, turned upright by its EXIF orientation (null if not a picture)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and (size.width() > fit.width() or size.height() > fit.height()):
        # Decoding at the scaled size is much faster for big phone photos (JPEG scales while decoding).
        reader.setScaledSize(size.scaled(fit, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    buffer.close()
    return image


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


class EvidenceWidget(QWidget):
    changed = Signal()  # files were added or removed

    def __init__(self, ledger: Ledger, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evidenceWidget")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.ledger = ledger
        self.project_id: int | None = None
        self.month: str | None = None
        self.rows: list[tuple[Attachment, list[str]]] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        self.title = QLabel("证据材料")
        self.title.setObjectName("sectionTitle")
        hint = QLabel("现场照片会核对拍摄日期（EXIF），并查找别的项目或月份是否用过同一张照片。")
        hint.setObjectName("viewFacts")
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("添加照片或文件…")
        self.add_button.setProperty("primary", True)
        self.save_button = QPushButton("另存为…")
        self.remove_button = QPushButton("删除")
        for button in (self.add_button, self.save_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.list = QListWidget()
        self.list.setObjectName("evidenceList")
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setSpacing(2)
        self.list.setMinimumHeight(150)
        self.preview = QLabel()
        self.preview.setObjectName("evidencePreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(QSize(240, 180))
        self.warnings = QLabel()
        self.warnings.setObjectName("evidenceWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel()
        self.message.setObjectName("evidenceMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        layout.addWidget(self.list, 2)
        layout.addWidget(self.preview, 3)
        layout.addWidget(self.warnings)
        layout.addWidget(self.message)

        self.add_button.clicked.connect(self.pick_files)
        self.save_button.clicked.connect(self.save_selected)
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        self.list.currentRowChanged.connect(self._show_selected)
        self._update_buttons()

    # ------------------------------------------------------------------ the API
    def set_target(self, project_id: int | None, month: str | None) -> None:
        self.project_id, self.month = project_id, month
        self.message.setText("")
        self.refresh()

    def refresh(self) -> None:
        current = self.selected()
        self.list.clear()
        self.rows = []
        if self.project_id is None or self.month is None:
            self.title.setText("证据材料")
            self._show_selected(-1)
            self._update_buttons()
            return
        self.title.setText(f"证据材料（{Month.parse(self.month).label}）")
        self.rows = month_evidence(self.ledger, self.project_id, self.month)
        for attachment, warnings in self.rows:
            self.list.addItem(self._item(attachment, warnings))
        if self.rows:
            ids = [a.id for a, _ in self.rows]
            self.list.setCurrentRow(ids.index(current.id) if current is not None and current.id in ids else 0)
        else:
            self._show_selected(-1)
        self._update_buttons()

    def selected(self) -> Attachment | None:
        row = self.list.currentRow()
        return self.rows[row][0] if 0 <= row < len(self.rows) else None

    def warning_count(self) -> int:
        return sum(len(w) for _, w in self.rows)

    def pick_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "添加照片或文件", "", FILE_FILTER)
        if names:
            self.add_files([Path(n) for n in names])

    def add_files(self, files: list[Path]) -> None:
        """Attach ``files`` to the current project-month, all as one action."""
        from desk.ui.taskman import Op

        if self.project_id is None or self.month is None or not files:
            return
        project_id, month = self.project_id, self.month

        def work(ledger: Ledger) -> list[AttachOutcome]:
            with ledger.transaction():
                return [attach_file(ledger, project_id, month, path) for path in files]

        Op(self, work).success(self._added).with_progress("正在添加证据材料…").run_in_background()

    def remove_selected(self, confirm: bool = True) -> None:
        from desk.ui.taskman import Op

        attachment = self.selected()
        if attachment is None or attachment.id is None:
            return
        if confirm and QMessageBox.question(self, "删除证据材料", f"从台账中删除“{attachment.filename}”？") \
                != QMessageBox.StandardButton.Yes:
            return
        attachment_id, month = attachment.id, attachment.month

        def work(ledger: Ledger) -> None:
            with ledger.transaction():
                ledger.months.check_unlocked(month)
                ledger.attachments.delete(attachment_id)

        Op(self, work).success(lambda _: self._removed(attachment.filename)).run_in_background()

    def save_selected(self) -> None:
        attachment = self.selected()
        if attachment is None or attachment.id is None:
            return
        target, _ = QFileDialog.getSaveFileName(self, "另存为", attachment.filename)
        if target:
            try:
                save_copy(self.ledger, attachment.id, Path(target))
            except DeskError as exc:  # a slot must not let it escape: the clerk would see nothing
                self.message.setText(exc.message)
                return
            self.message.setText(f"已保存到 {target}")

    # ---------------------------------------------------------------- internals
    def _added(self, outcomes: list[AttachOutcome]) -> None:
        added = sum(1 for o in outcomes if o.attachment is not None)
        notes = [m for o in outcomes for m in o.messages]
        text = f"已添加 {added} 个文件。"
        if notes:
            text += "\n" + "\n".join(f"• {m}" for m in notes)
        self.message.setText(text)
        self.message.setProperty("alert", bool(notes))
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.refresh()
        self.changed.emit()

    def _removed(self, filename: str) -> None:
        self.message.setText(f"已删除“{filename}”。")
        self.message.setProperty("alert", False)
        self.refresh()
        self.changed.emit()

    def _item(self, attachment: Attachment, warnings: list[str]) -> QListWidgetItem:
        when = f"拍摄于 {attachment.taken_at:%Y-%m-%d}" if attachment.taken_at else attachment.kind.label
        lines = [attachment.filename, f"{when} · {_size_text(attachment.size)}"]
        if warnings:
            lines.append(f"{len(warnings)} 条提醒")
        item = QListWidgetItem("\n".join(lines))
        item.setToolTip("\n".join(warnings) if warnings else attachment.filename)
        icon = self._thumbnail(attachment)
        item.setIcon(icon)
        if warnings:
            item.setBackground(QColor("#fff4e0"))
        return item

    def _thumbnail(self, attachment: Attachment) -> QIcon:
        if attachment.kind == AttachmentKind.PHOTO and attachment.id is not None:
            image = decode_image(self.ledger.attachments.data(attachment.id), QSize(THUMB, THUMB))
            if not image.isNull():
                return QIcon(QPixmap.fromImage(image))
        return self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)

    def _show_selected(self, row: int) -> None:
        self._update_buttons()
        if not 0 <= row < len(self.rows):
            self.preview.setPixmap(QPixmap())
            self.preview.setText("还没有证据材料" if self.project_id is not None else "请先选择项目和月份")
            self.warnings.setText("")
            return
        attachment, warnings = self.rows[row]
        image = QImage()
        if attachment.kind == AttachmentKind.PHOTO and attachment.id is not None:
            image = decode_image(self.ledger.attachments.data(attachment.id), PREVIEW)
        if image.isNull():
            self.preview.setPixmap(QPixmap())
            self.preview.setText(f"{attachment.kind.label}：{attachment.filename}\n（{_size_text(attachment.size)}，"
                                 "可“另存为”后打开）")
        else:
            self.preview.setPixmap(QPixmap.fromImage(image))
        self.warnings.setText("\n".join(f"• {w}" for w in warnings))

    def _update_buttons(self) -> None:
        has_target = self.project_id is not None and self.month is not None
        self.add_button.setEnabled(has_target)
        has_selection = self.selected() is not None
        self.save_button.setEnabled(has_selection)
        self.remove_button.setEnabled(has_selection)
