"""Extension points of the project section, for work that lives in other modules.

The recognition work (``desk.core.recognition``) plugs in here without this section
knowing its rules:

* a **filter** is a titled set of options and a callable that returns the ids of the
  projects matching the chosen options; the filter bar shows it like the built-in
  filters and feeds the ids into ``ProjectFilter.ids``;
* a **column** gives the display text for a batch of project ids (fetched lazily with
  the rows the table shows);
* an **evidence panel** is a widget put into the project editor's 认定证据 tab, below
  the month's evidence ticks (the container ``ProjectEditor.recognition_box``).

A module that registers plug-ins is listed in ``PLUGIN_MODULES``; the section imports
those modules when it is first built.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desk.core.models import Project
    from desk.store.ledger import Ledger

# Modules that call the register_* functions below when imported.
PLUGIN_MODULES: list[str] = ["desk.ui.projects.recognition_plugins"]


@dataclass(frozen=True)
class FilterPlugin:
    key: str
    title: str  # the button's word, e.g. "认定结果"
    # (value, Chinese label) pairs the clerk can tick.
    options: Callable[[Ledger], list[tuple[str, str]]]
    # The ids of the projects matching any of the ticked values, for a reporting month "YYYY-MM".
    match: Callable[[Ledger, str, frozenset[str]], set[int]]


@dataclass(frozen=True)
class ColumnPlugin:
    key: str
    title: str
    # Display text for each of the given project ids, for a reporting month "YYYY-MM".
    values: Callable[[Ledger, Sequence[int], str], dict[int, str]]
    numeric: bool = False
    visible_by_default: bool = True
    # Optional text colour per project id ("#c62828" or a QColor), fetched with the values.
    colours: Callable[[Ledger, Sequence[int], str], dict[int, object]] | None = None
    # Called when the ledger changed, so that a plug-in drops what it cached.
    reset: Callable[[], None] | None = None


# (ledger, project, month "YYYY-MM") -> the widget shown in the editor's 认定证据 tab.
# A panel that has its own evidence boxes says so with an ``evidenceChanged(frozenset)``
# signal and a ``set_evidence(frozenset)`` method: the tab then hides its own ticks and
# keeps the month's evidence from the panel.
EvidencePanel = Callable[["Ledger", "Project", str], "QWidget"]

FILTERS: dict[str, FilterPlugin] = {}
COLUMNS: dict[str, ColumnPlugin] = {}
EVIDENCE_PANELS: list[EvidencePanel] = []
_loaded = False


def register_filter(plugin: FilterPlugin) -> None:
    FILTERS[plugin.key] = plugin


def register_column(plugin: ColumnPlugin) -> None:
    COLUMNS[plugin.key] = plugin


def register_evidence_panel(factory: EvidencePanel) -> None:
    if factory not in EVIDENCE_PANELS:
        EVIDENCE_PANELS.append(factory)


def reset() -> None:
    """The ledger changed: every plug-in drops its cached results."""
    for plugin in COLUMNS.values():
        if plugin.reset is not None:
            plugin.reset()


def load() -> None:
    """Import the plug-in modules once."""
    global _loaded
    if _loaded:
        return
    for name in PLUGIN_MODULES:
        importlib.import_module(name)
    _loaded = True
