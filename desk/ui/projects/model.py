"""The project table's model: the ids of the current result, rows fetched lazily (Anki's browser).

A search keeps only the ordered ids (a few kB for 10,000 projects). When the view asks
for a row that is not cached, the model fetches a block of rows around it in one query
(``projects.by_ids`` plus that month's records) and keeps their display texts. A new
search or a change to the ledger drops the cache.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from desk.core.models import Project, ProjectMonth
from desk.store.ledger import Ledger
from desk.store.project_index import ProjectIndex
from desk.store.projects import ProjectFilter
from desk.ui.projects import plugins
from desk.ui.projects.columns import BUILTIN_COLUMNS, Column, RowSource

Index = QModelIndex | QPersistentModelIndex
BLOCK = 40  # rows fetched at once: a screenful and a half
CACHE_LIMIT = 3000  # rows kept before the cache is dropped
NOT_UPDATED = QColor("#b45309")
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
ID_ROLE = Qt.ItemDataRole.UserRole
# data() runs for every painted cell and role: compare plain ints, not enum members.
DISPLAY = Qt.ItemDataRole.DisplayRole.value
TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
USER = Qt.ItemDataRole.UserRole.value
ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def plugin_column(plugin: plugins.ColumnPlugin) -> Column:
    return Column(plugin.key, plugin.title, lambda r: "", numeric=plugin.numeric,
                  visible_by_default=plugin.visible_by_default, width_chars=10, month=True)


def all_columns() -> list[Column]:
    plugins.load()
    return [*BUILTIN_COLUMNS, *(plugin_column(p) for p in plugins.COLUMNS.values())]


class ProjectTableModel(QAbstractTableModel):
    resultChanged = Signal(int)  # number of projects in the result

    def __init__(self, ledger: Ledger, month: str, parent: object | None = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.ledger = ledger
        self.month = month
        self.columns = all_columns()
        self.keys = [c.key for c in self.columns]
        self.ids: list[int] = []
        self.index_ = ProjectIndex(ledger)
        self.filter = ProjectFilter()
        self.sort_key = "id"
        self.descending = False
        self._rows: dict[int, tuple[str, ...]] = {}
        self._colours: dict[tuple[int, int], QColor] = {}  # (project id, column) → plug-in colour
        self._projects: dict[int, Project] = {}
        self._records: dict[int, ProjectMonth | None] = {}
        self._units: dict[int, str] = {}

    # --------------------------------------------------------------- search
    def search(self, filter: ProjectFilter | None = None) -> None:
        if filter is not None:
            self.filter = filter
        self.reload()

    def set_month(self, month: str) -> None:
        self.month = month
        self.reload()

    def invalidate(self) -> None:
        """The ledger changed: search and rows must be read again."""
        self.index_.invalidate()
        plugins.reset()

    def total(self) -> int:
        """Projects in the pool (not moved out), whatever the filter."""
        return self.index_.count()

    def reload(self) -> None:
        """Run the search again and drop the cache (after a search or a change to the ledger)."""
        ids = self._search_ids()
        self.beginResetModel()
        self.ids = ids
        self._drop_cache()
        self.endResetModel()
        self.resultChanged.emit(len(ids))

    def refresh_rows(self) -> None:
        """The same ids, freshly read (after an edit that cannot change the result)."""
        self._drop_cache()
        if self.ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.ids) - 1, len(self.columns) - 1))

    def _drop_cache(self) -> None:
        self._rows.clear()
        self._colours.clear()
        self._projects.clear()
        self._records.clear()
        self._units = self.ledger.units.names()

    def _search_ids(self) -> list[int]:
        column = self.column(self.sort_key)
        if column is not None and not column.sortable_in_store:
            return self._sort_in_memory(self.index_.search(self.filter), column)
        return self.index_.search(self.filter, self.sort_key, self.descending, self.month)

    def _sort_in_memory(self, ids: list[int], column: Column) -> list[int]:
        plugin = plugins.COLUMNS.get(column.key)
        if plugin is None:
            return ids
        values = plugin.values(self.ledger, ids, self.month)

        def key(project_id: int) -> tuple[int, Decimal | str]:
            text = values.get(project_id, "")
            if plugin.numeric:
                try:
                    return (0, Decimal(text.replace(",", "")))
                except InvalidOperation:
                    return (1, Decimal(0))
            return (0 if text else 1, text)

        ordered = sorted(ids, key=key)
        return ordered[::-1] if self.descending else ordered

    def column(self, key: str) -> Column | None:
        for column in self.columns:
            if column.key == key:
                return column
        return None

    # ----------------------------------------------------------------- sort
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self.sort_by(self.columns[column].key, order == Qt.SortOrder.DescendingOrder)

    def sort_by(self, key: str, descending: bool = False) -> None:
        self.sort_key = key
        self.descending = descending
        self.reload()

    # ------------------------------------------------------------- fetching
    def _ensure(self, row: int) -> tuple[str, ...]:
        project_id = self.ids[row]
        cached = self._rows.get(project_id)
        if cached is not None:
            return cached
        if len(self._rows) > CACHE_LIMIT:
            self._rows.clear()
            self._colours.clear()
            self._projects.clear()
            self._records.clear()
        start = max(0, row - BLOCK // 4)
        wanted = [i for i in self.ids[start : start + BLOCK] if i not in self._rows]
        if project_id not in wanted:
            wanted.append(project_id)
        self._fetch(wanted)
        return self._rows[project_id]

    def _fetch(self, ids: Sequence[int]) -> None:
        projects = {p.id: p for p in self.ledger.projects.by_ids(ids)}
        records = self.records_for(ids)
        extra = {key: p.values(self.ledger, ids, self.month) for key, p in plugins.COLUMNS.items()}
        for key, plugin in plugins.COLUMNS.items():
            if plugin.colours is not None:
                position = self.keys.index(key)
                for project_id, colour in plugin.colours(self.ledger, ids, self.month).items():
                    self._colours[(project_id, position)] = QColor(colour)  # type: ignore[call-overload]
        for project_id in ids:
            project = projects.get(project_id)
            if project is None:  # deleted meanwhile: an empty row until the next search
                self._rows[project_id] = tuple("" for _ in self.columns)
                continue
            source = RowSource(project, records.get(project_id), self._units.get(project.unit_id, ""))
            texts = []
            for column in self.columns:
                if column.key in extra:
                    texts.append(extra[column.key].get(project_id, ""))
                else:
                    texts.append(column.text(source))
            self._rows[project_id] = tuple(texts)
            self._projects[project_id] = project
            self._records[project_id] = source.record

    def records_for(self, ids: Sequence[int]) -> dict[int, ProjectMonth]:
        found: dict[int, ProjectMonth] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ", ".join("?" * len(chunk))
            for record in self.ledger.months.where(
                f"month = ? AND project_id IN ({marks})", [self.month, *chunk], order="project_id"
            ):
                found[record.project_id] = record
        return found

    def project_at(self, row: int) -> Project | None:
        if not 0 <= row < len(self.ids):
            return None
        self._ensure(row)
        return self._projects.get(self.ids[row])

    def row_of(self, project_id: int) -> int:
        try:
            return self.ids.index(project_id)
        except ValueError:
            return -1

    def texts(self, rows: Sequence[int], keys: Sequence[str]) -> list[list[str]]:
        """Display texts of some rows and columns (printing, copying)."""
        positions = [self.keys.index(k) for k in keys]
        return [[self._ensure(r)[p] for p in positions] for r in rows]

    # ------------------------------------------------------------ Qt model
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = DISPLAY) -> object:
        row = index.row()
        if row < 0 or row >= len(self.ids):
            return None
        role = int(role)
        if role == DISPLAY:
            cached = self._rows.get(self.ids[row])
            return (cached or self._ensure(row))[index.column()]
        column = self.columns[index.column()]
        if role == ALIGNMENT:
            return RIGHT if column.numeric else None
        if role == TOOLTIP:
            text = self._ensure(row)[index.column()]
            return text if len(text) > 12 else None
        if role == FOREGROUND:
            if column.key == "month_updated":
                return NOT_UPDATED if self._ensure(row)[index.column()] == "未填报" else None
            if self._colours:
                self._ensure(row)
                return self._colours.get((self.ids[row], index.column()))
            return None
        if role == USER:
            return self.ids[row]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            # The sort order as part of the title: the style sheet hides Qt's own arrow.
            column = self.columns[section]
            if column.key == self.sort_key:
                return f"{column.title} {'▼' if self.descending else '▲'}"
            return column.title
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[section].numeric:
            return RIGHT
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags
