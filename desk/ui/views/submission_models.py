"""Table models of the 月报报送 page: the pre-flight checklist and the submission history."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desk.core.glossary import SubmissionStatus
from desk.core.models import Submission
from desk.core.periods import Month
from desk.exchange.submission.preflight import KINDS, Issue, Preflight

Index = QModelIndex | QPersistentModelIndex
ISSUE_ROLE = Qt.ItemDataRole.UserRole + 1
ERROR = QColor("#c62828")
WARNING = QColor("#9a5b00")
HEADING_BACK = QColor("#eef2f7")
OK = QColor("#2f7d32")


class ChecklistModel(QAbstractListModel):
    """The pre-flight issues grouped by kind: a heading row, then one row per issue."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, Issue | None]] = []  # (text, issue or None for a heading)
        self.placeholder = "正在检查…"

    def set_result(self, result: Preflight | None, placeholder: str = "") -> None:
        self.beginResetModel()
        self.rows = []
        self.placeholder = placeholder
        if result is not None:
            groups: dict[str, list[Issue]] = {}
            for issue in result.issues:
                groups.setdefault(issue.kind, []).append(issue)
            order = [k for k in KINDS if k in groups] + [k for k in groups if k not in KINDS]
            for kind in order:
                issues = groups[kind]
                errors = sum(i.level == "error" for i in issues)
                label = KINDS.get(kind, kind)
                self.rows.append((f"{label}（{len(issues)}）" if not errors else f"{label}（{errors} 个错误）", None))
                self.rows.extend((issue.message, issue) for issue in issues)
            if not result.issues:
                self.placeholder = "✓ 检查通过，没有需要处理的问题"
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else max(1, len(self.rows))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if not self.rows:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.placeholder
            if role == Qt.ItemDataRole.ForegroundRole and self.placeholder.startswith("✓"):
                return QBrush(OK)
            return None
        text, issue = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if issue is None:
                return text
            return f"{'✗' if issue.level == 'error' else '!'}  {text}"
        if role == Qt.ItemDataRole.ToolTipRole and issue is not None:
            return text + ("\n双击打开该项目" if issue.project_id else "")
        if role == Qt.ItemDataRole.ForegroundRole:
            if issue is None:
                return None
            return QBrush(ERROR if issue.level == "error" else WARNING)
        if role == Qt.ItemDataRole.BackgroundRole and issue is None:
            return QBrush(HEADING_BACK)
        if role == Qt.ItemDataRole.FontRole and issue is None:
            font = QFont()
            font.setBold(True)
            return font
        if role == ISSUE_ROLE:
            return issue
        return None

    def issue(self, row: int) -> Issue | None:
        return self.rows[row][1] if 0 <= row < len(self.rows) else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid() or not self.rows or self.rows[index.row()][1] is None:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class HistoryModel(QAbstractTableModel):
    """Every version of every month: 月份, 版本, 状态, 报送时间, 是否逾期, 更正原因, 文件夹."""

    HEADERS = ["月份", "版本", "状态", "报送时间", "按时", "更正原因", "报送文件夹"]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Submission] = []

    def set_rows(self, rows: list[Submission]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        s = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return Month.parse(s.month).label
            if column == 1:
                return f"第 {s.version} 版"
            if column == 2:
                return "更正中，待报送" if s.status == SubmissionStatus.DRAFT and s.version > 1 else s.status.label
            if column == 3:
                return s.submitted_at.strftime("%Y-%m-%d %H:%M") if s.submitted_at else ""
            if column == 4:
                return "" if s.submitted_at is None else ("逾期" if s.late else "按时")
            if column == 5:
                return s.reason
            if column == 6:
                return s.folder
        if role == Qt.ItemDataRole.ToolTipRole and column in (5, 6):
            return s.reason if column == 5 else s.folder
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 4 and s.late:
                return QBrush(ERROR)
            if column == 2 and s.status == SubmissionStatus.SUPERSEDED:
                return QBrush(QColor("#7a8594"))
            if column == 2 and s.status == SubmissionStatus.SUBMITTED:
                return QBrush(OK)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (1, 2, 3, 4):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def submission(self, row: int) -> Submission | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None
