"""The filter bar above the project table: search as you type, filters, one click to clear.

Every filter becomes part of one ``ProjectFilter``; a plug-in filter (the recognition
result) contributes the set of ids it matches, which goes into ``ProjectFilter.ids``.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from desk.core.glossary import Category, ProjectClass, Stage
from desk.store.ledger import Ledger
from desk.store.projects import ProjectFilter
from desk.ui.projects import plugins

SEARCH_HINT = "查找项目：名称、建设单位、建设地点、包保领导、责任单位（Ctrl+F）"
IN_STATISTICS_CHOICES = [("全部", None), ("已入库入统", True), ("未入库入统", False)]


class MultiSelect(QToolButton):
    """A button with a drop-down list of tick boxes: "阶段：在建、新开工"."""

    changed = Signal()

    def __init__(self, key: str, title: str, options: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.title = title
        self.setObjectName(f"filter_{key}")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.list = QListWidget()
        self.list.setObjectName(f"filterList_{key}")
        self.list.itemChanged.connect(self._item_changed)
        menu = QMenu(self)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.list)
        menu.addAction(action)
        menu.aboutToShow.connect(self._fit_list)
        self.setMenu(menu)
        self.set_options(options)

    def set_options(self, options: list[tuple[str, str]]) -> None:
        chosen = self.values()
        self.list.blockSignals(True)
        self.list.clear()
        for value, label in options:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if value in chosen else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._update_text()

    def _fit_list(self) -> None:
        rows = min(self.list.count(), 14)
        height = self.list.sizeHintForRow(0) * rows + 2 * self.list.frameWidth() + 4 if rows else 40
        width = max(self.list.sizeHintForColumn(0) + 48, self.width())
        self.list.setFixedSize(QSize(width, height))

    def _item_changed(self, _item: QListWidgetItem) -> None:
        self._update_text()
        self.changed.emit()

    def values(self) -> frozenset[str]:
        return frozenset(
            self.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        )

    def labels(self) -> list[str]:
        return [
            self.list.item(i).text()
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_values(self, values: frozenset[str] | set[str]) -> None:
        self.list.blockSignals(True)
        for i in range(self.list.count()):
            item = self.list.item(i)
            wanted = item.data(Qt.ItemDataRole.UserRole) in values
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self._update_text()

    def _update_text(self) -> None:
        labels = self.labels()
        if not labels:
            text = f"{self.title}：全部"
        elif len(labels) <= 2:
            text = f"{self.title}：{'、'.join(labels)}"
        else:
            text = f"{self.title}：{labels[0]}等{len(labels)}项"
        self.setText(text)
        self.setProperty("active", bool(labels))
        self.style().unpolish(self)
        self.style().polish(self)


class FilterBar(QWidget):
    changed = Signal()

    def __init__(self, ledger: Ledger, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.setObjectName("filterBar")
        plugins.load()
        self.search = QLineEdit()
        self.search.setObjectName("projectSearch")
        self.search.setPlaceholderText(SEARCH_HINT)
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.changed)
        self.stage = MultiSelect("stage", "阶段", [(s.value, s.label) for s in Stage])
        self.category = MultiSelect("category", "类别", [(c.value, c.label) for c in Category])
        self.unit = MultiSelect("unit", "单位", [])
        self.leader = MultiSelect("leader", "包保领导", [])
        self.klass = MultiSelect("class", "分类", [(c.value, c.label) for c in ProjectClass])
        self.selects: list[MultiSelect] = [self.stage, self.category, self.unit, self.leader, self.klass]
        self.plugin_selects: list[tuple[plugins.FilterPlugin, MultiSelect]] = []
        self._plugin_results: dict[tuple[str, str, frozenset[str]], set[int]] = {}
        for plugin in plugins.FILTERS.values():
            select = MultiSelect(plugin.key, plugin.title, plugin.options(ledger))
            self.plugin_selects.append((plugin, select))
        self.in_statistics = QComboBox()
        self.in_statistics.setObjectName("filter_in_statistics")
        for label, value in IN_STATISTICS_CHOICES:
            self.in_statistics.addItem(f"入库入统：{label}", value)
        self.in_statistics.currentIndexChanged.connect(self.changed)
        self.not_updated = QCheckBox("本月未填报")
        self.not_updated.setObjectName("filter_not_updated")
        self.not_updated.toggled.connect(self.changed)
        self.clear_button = QPushButton("清除筛选")
        self.clear_button.setObjectName("clearFilters")
        self.clear_button.clicked.connect(self.clear)

        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.search, 1)
        top.addWidget(self.not_updated)
        top.addWidget(self.clear_button)
        row = QHBoxLayout()
        row.setSpacing(6)
        for select in [*self.selects, *(s for _, s in self.plugin_selects)]:
            select.changed.connect(self.changed)
            row.addWidget(select)
        row.addWidget(self.in_statistics)
        row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addLayout(top)
        column.addLayout(row)
        self.changed.connect(self._update_clear)
        self.refresh_options()
        self._update_clear()

    def plugin_select(self, key: str) -> MultiSelect | None:
        """The drop-down of a plug-in filter (e.g. the recognition result), to set from elsewhere."""
        for plugin, select in self.plugin_selects:
            if plugin.key == key:
                return select
        return None

    def refresh_options(self) -> None:
        """Units and leaders come from the ledger and change as the clerk edits."""
        self._plugin_results.clear()
        self.unit.set_options([(str(u.id), u.name) for u in self.ledger.units.all()])
        self.leader.set_options([(name, name) for name in self.ledger.projects.distinct_values("leader")])
        for plugin, select in self.plugin_selects:
            select.set_options(plugin.options(self.ledger))

    def is_active(self) -> bool:
        return bool(
            self.search.text().strip()
            or any(s.values() for s in self.selects)
            or any(s.values() for _, s in self.plugin_selects)
            or self.in_statistics.currentData() is not None
            or self.not_updated.isChecked()
        )

    def _update_clear(self) -> None:
        self.clear_button.setEnabled(self.is_active())

    def clear(self) -> None:
        """Every filter and the search back to “all”, as one change."""
        widgets: list[QWidget] = [self.search, self.in_statistics, self.not_updated, *self.selects]
        widgets += [s for _, s in self.plugin_selects]
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self.search.clear()
            self.in_statistics.setCurrentIndex(0)
            self.not_updated.setChecked(False)
            for select in [*self.selects, *(s for _, s in self.plugin_selects)]:
                select.set_values(frozenset())
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self.changed.emit()

    def project_filter(self, month: str) -> ProjectFilter:
        """The filter for the table; a plug-in filter narrows ``ids`` to what it matches."""
        ids: set[int] | None = None
        for plugin, select in self.plugin_selects:
            values = select.values()
            if values:
                key = (plugin.key, month, values)
                if key not in self._plugin_results:  # a keystroke must not re-run a plug-in's rules
                    self._plugin_results[key] = set(plugin.match(self.ledger, month, values))
                matched = self._plugin_results[key]
                ids = set(matched) if ids is None else ids & set(matched)
        return ProjectFilter(
            text=self.search.text().strip(),
            unit_ids=frozenset(int(v) for v in self.unit.values()),
            stages=frozenset(Stage(v) for v in self.stage.values()),
            categories=frozenset(Category(v) for v in self.category.values()),
            leaders=self.leader.values(),
            classes=frozenset(ProjectClass(v) for v in self.klass.values()),
            in_statistics=self.in_statistics.currentData(),
            not_updated_in=month if self.not_updated.isChecked() else None,
            ids=frozenset(ids) if ids is not None else None,
        )
