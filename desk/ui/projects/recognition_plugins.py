"""The recognition work (``desk.ui.recognition``) plugged into the project section.

Nothing here judges a claim: the filter, the column and the editor's panel come from the
recognition modules; this module only adapts them to ``desk.ui.projects.plugins``.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desk.core.glossary import Evidence, MonthFilter, RecognitionStatus
from desk.core.models import Project
from desk.store.ledger import Ledger
from desk.store.recognition import recognition_filter
from desk.ui import recognition as rec
from desk.ui.projects import plugins

OPTIONS: list[tuple[str, str]] = [
    *((m.value, m.label) for m in MonthFilter),
    *((s.value, s.label) for s in RecognitionStatus),
]

# One month's standings per ledger, shared by the filter and the column until the ledger changes.
_standings: dict[tuple[str, str], rec.StatusColumn] = {}


def _status(ledger: Ledger, month: str) -> rec.StatusColumn:
    key = (str(ledger.path), month)
    column = _standings.get(key)
    if column is None:
        column = rec.StatusColumn()
        column.load(ledger, month)
        _standings[key] = column
    return column


def _reset() -> None:
    _standings.clear()


def _match(ledger: Ledger, month: str, values: frozenset[str]) -> set[int]:
    return recognition_filter(ledger, month, values, standings=_status(ledger, month).standings)


def _texts(ledger: Ledger, ids: Sequence[int], month: str) -> dict[int, str]:
    column = _status(ledger, month)
    return {i: column.text(i) for i in ids}


def _colours(ledger: Ledger, ids: Sequence[int], month: str) -> dict[int, object]:
    column = _status(ledger, month)
    found: dict[int, object] = {}
    for i in ids:
        colour = column.colour(i)
        if colour is not None:
            found[i] = colour
    return found


class RecognitionEvidence(QWidget):
    """The recognition tab (verdict, evidence boxes, files) inside the editor's 认定证据 tab."""

    evidenceChanged = Signal(object)  # frozenset[Evidence]

    def __init__(self, ledger: Ledger, project: Project, month: str) -> None:
        super().__init__()
        self.tab = rec.RecognitionTab(ledger, self)
        if project.id is not None:
            self.tab.load(project.id, month)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tab)
        self.tab.evidenceChanged.connect(self.evidenceChanged)

    def set_read_only(self, read_only: bool) -> None:
        """A submitted month: the verdict and files can be seen, the boxes not changed."""
        for box in self.tab.panel.boxes.values():
            box.setEnabled(not read_only)

    def set_evidence(self, evidence: frozenset[Evidence]) -> None:
        """Show the editor's unsaved ticks for the month (the verdict follows them)."""
        panel = self.tab.panel
        panel.set_inputs(panel.category, panel.total_wan, panel.month_wan, evidence, panel.claim())


plugins.register_filter(plugins.FilterPlugin("recognition", "认定结果", lambda ledger: OPTIONS, _match))
plugins.register_column(plugins.ColumnPlugin("recognition", rec.StatusColumn.header, _texts,
                                             colours=_colours, reset=_reset))
plugins.register_evidence_panel(RecognitionEvidence)
