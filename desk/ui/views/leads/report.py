"""Exporting a team's monthly report from the window: choose folder, signers and whether
contacts are masked; write on the worker; say where the files are."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from desk.core.periods import Month
from desk.exchange.team_report import ReportPeople, write_team_report
from desk.ui.taskman import Op
from desk.ui.views.leads.dialogs import ExportDialog

if TYPE_CHECKING:
    from desk.store.ledger import Ledger


def default_folder(ledger: Ledger) -> Path:
    return ledger.path.parent / "招商小分队月报"


def export_team_report(parent: QWidget, ledger: Ledger, team_id: int, month: str) -> ExportDialog | None:
    """Ask, then write the report in the background. Returns the dialog (for tests) or None."""
    team = ledger.teams.get(team_id)
    period = Month.parse(month)
    dialog = ExportDialog(f"导出{team.name}{period.label}工作情况", default_folder(ledger),
                          ReportPeople(filled_by=ledger.clerk), parent)
    if dialog.exec() != ExportDialog.DialogCode.Accepted:
        return None
    folder, full, people = dialog.target(), dialog.full_contacts, dialog.people()

    def done(paths: list[Path]) -> None:
        extra = "\n\n文件含有客商的完整联系方式（个人信息），请妥善保管。" if full else ""
        box = QMessageBox(QMessageBox.Icon.Information, "已导出",
                          "已生成：\n" + "\n".join(p.name for p in paths) + f"\n\n位置：{folder}{extra}", parent=parent)
        open_button = box.addButton("打开文件夹", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is open_button:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    Op(parent, lambda led: write_team_report(led, team_id, period, folder, full=full, people=people)) \
        .success(done).with_progress("正在生成月报…").run_in_background()
    return dialog
