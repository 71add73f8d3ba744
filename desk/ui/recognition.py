"""Recognition in the window: widgets the project editor and the project table embed.

* :class:`RecognitionPanel` — the verdict and its reasons, updated live as the clerk ticks
  the evidence seen on site (it owns the evidence checkboxes; ``evidenceChanged`` hands
  the ticked set to the editor's month record).
* :class:`RecognitionTab` — the editor's 认定证据 tab: the panel beside the evidence files
  (desk.ui.evidence.EvidenceWidget), loaded with ``load(ledger, project_id, month)``.
* :class:`MonthSummary` — the month's counts (认定 / 不予认定 / 缺少证据材料, and the year's
  剔除 / 复工复评 / 疑似假开工), each clickable: ``filterRequested`` carries the keys to
  pass to :func:`recognition_filter`.
* :class:`StatusColumn` — the project table's 认定状态 column (text, tooltip, colour).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desk.core.glossary import Category, Claim, Evidence, MonthFilter, RecognitionStatus
from desk.core.periods import Month
from desk.core.recognition import Profile, Verdict, amount_text, claim_in_month, judge
from desk.store.recognition import MonthSummary as MonthCounts
from desk.store.recognition import Standing, current_profile, history_lines, month_summary, recognition_status
from desk.store.recognition import recognition_filter as _store_filter
from desk.ui.screenshot import SHOTS

if TYPE_CHECKING:
    from desk.store.ledger import Ledger

# The evidence boxes, grouped as an inspector looks at a site.
START_EVIDENCE = (Evidence.PILING, Evidence.TRENCHING, Evidence.SITE_LEVELING, Evidence.CONSTRUCTION_ON_SITE)
COMPLETION_EVIDENCE = (Evidence.CONTRACT_COMPLETE, Evidence.EQUIPMENT_INSTALLED, Evidence.TRIAL_PRODUCTION,
                       Evidence.READY_FOR_USE)


def recognition_filter(ledger: Ledger, month: str,
                       wanted: Iterable[RecognitionStatus | MonthFilter | str]) -> set[int]:
    """Ids of the projects the table's recognition filter keeps (see desk.store.recognition)."""
    return _store_filter(ledger, month, wanted)


def _restyle(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


# --------------------------------------------------------------------------- the panel
class RecognitionPanel(QWidget):
    """The verdict on one claim, recomputed whenever an evidence box is ticked."""

    evidenceChanged = Signal(object)  # frozenset[Evidence]
    verdictChanged = Signal(object)  # Verdict

    def __init__(self, profile: Profile | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recognitionPanel")
        self.profile = profile
        self.category = Category.INDUSTRIAL
        self.total_wan = Decimal(0)
        self.month_wan = Decimal(0)
        self._verdict: Verdict | None = None
        self.boxes: dict[Evidence, QCheckBox] = {}

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        title = QLabel("认定核查")
        title.setObjectName("sectionTitle")
        self.claim_combo = QComboBox()
        for claim in Claim:
            self.claim_combo.addItem(f"按{claim.label}标准核查")
        self.claim_combo.currentIndexChanged.connect(self._recompute)
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.claim_combo)
        layout.addLayout(top)
        self.facts = QLabel()
        self.facts.setObjectName("viewFacts")
        self.facts.setWordWrap(True)
        layout.addWidget(self.facts)
        self.note = QLabel()
        self.note.setObjectName("recognitionNote")
        self.note.setWordWrap(True)
        self.note.hide()
        layout.addWidget(self.note)

        groups = QHBoxLayout()
        self.start_group = self._group("开工现场（新开工）", START_EVIDENCE)
        self.completion_group = self._group("建设内容（竣工）", COMPLETION_EVIDENCE)
        groups.addWidget(self.start_group)
        groups.addWidget(self.completion_group)
        layout.addLayout(groups)

        self.banner = QLabel()
        self.banner.setObjectName("verdictBanner")
        layout.addWidget(self.banner)
        self.reasons = QLabel()
        self.reasons.setObjectName("verdictReasons")
        self.reasons.setWordWrap(True)
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.reasons)
        self.missing = QLabel()
        self.missing.setObjectName("verdictMissing")
        self.missing.setWordWrap(True)
        layout.addWidget(self.missing)
        self.history_title = QLabel("动态考评与认定记录")
        self.history_title.setObjectName("sectionTitle")
        self.history = QLabel()
        self.history.setObjectName("recognitionHistory")
        self.history.setWordWrap(True)
        self.history.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.history_title)
        layout.addWidget(self.history)
        layout.addStretch(1)
        self.set_history([])
        self._recompute()

    def _group(self, title: str, items: tuple[Evidence, ...]) -> QGroupBox:
        box = QGroupBox(title)
        grid = QGridLayout(box)
        grid.setContentsMargins(10, 14, 10, 8)
        for row, item in enumerate(items):
            check = QCheckBox(item.label)
            check.setObjectName(f"evidence_{item.value}")
            check.toggled.connect(self._ticked)
            self.boxes[item] = check
            grid.addWidget(check, row, 0)
        return box

    # ------------------------------------------------------------------ the API
    def set_profile(self, profile: Profile) -> None:
        self.profile = profile
        self._recompute()

    def set_claim(self, claim: Claim) -> None:
        self.claim_combo.setCurrentIndex(list(Claim).index(claim))

    def claim(self) -> Claim:
        # Qt hands a str-enum back as a plain str, so the index is the key.
        return list(Claim)[max(self.claim_combo.currentIndex(), 0)]

    def set_inputs(
        self,
        category: Category,
        total: Decimal,
        month_investment: Decimal,
        evidence: Iterable[Evidence],
        claim: Claim | None = None,
    ) -> None:
        """Show a claim's facts and ticked evidence (no ``evidenceChanged`` is emitted)."""
        self.category, self.total_wan, self.month_wan = category, Decimal(total), Decimal(month_investment)
        ticked = frozenset(evidence)
        for item, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(item in ticked)
            box.blockSignals(False)
        if claim is not None:
            self.claim_combo.blockSignals(True)
            self.set_claim(claim)
            self.claim_combo.blockSignals(False)
        self._recompute()

    def set_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def set_history(self, lines: list[str]) -> None:
        self.history.setText("\n".join(lines) if lines else "本年度没有新开工或竣工申报。")

    def evidence(self) -> frozenset[Evidence]:
        return frozenset(item for item, box in self.boxes.items() if box.isChecked())

    def verdict(self) -> Verdict | None:
        return self._verdict

    def load(self, ledger: Ledger, project_id: int, month: str) -> None:
        """Everything for one project-month, read from the ledger (a handful of rows)."""
        self.set_profile(current_profile(ledger))
        project = ledger.projects.get(project_id)
        record = ledger.months.get_for(project_id, month)
        previous = ledger.months.get_for(project_id, str(Month.parse(month).prev()))
        claim = claim_in_month(record.stage, previous.stage if previous else None) if record else None
        label = Month.parse(month).label
        if record is None:
            self.set_note(f"{label}还没有填报；下面按所选标准预先核查。")
        elif claim is None:
            self.set_note(f"{label}填报的阶段是“{record.stage.label}”，不是新开工或竣工申报；下面按所选标准预先核查。")
        else:
            self.set_note("")
        if claim is None and record is not None and record.stage.value == "completed":
            claim = Claim.COMPLETION
        self.set_inputs(project.category, project.total_investment_wan,
                        record.invested_month_wan if record else Decimal(0),
                        record.evidence if record else frozenset(), claim or Claim.NEW_START)
        # The claim's reasons are shown live above; the history lists the events only.
        self.set_history(history_lines(ledger, project_id, reasons=False))

    # ---------------------------------------------------------------- internals
    def _ticked(self) -> None:
        self._recompute()
        self.evidenceChanged.emit(self.evidence())

    def _recompute(self) -> None:
        claim = self.claim()
        for group, wanted in ((self.start_group, Claim.NEW_START), (self.completion_group, Claim.COMPLETION)):
            group.setProperty("active", claim == wanted)
            _restyle(group)
        if self.profile is None:
            self.banner.setText("未选认定标准")
            return
        self.facts.setText(
            f"{self.category.label}项目 · 总投资 {amount_text(self.total_wan)} 万元 · "
            f"本月完成投资 {amount_text(self.month_wan)} 万元 · 认定标准：{self.profile.title}"
        )
        verdict = judge(self.profile, claim, self.category, self.total_wan, self.month_wan, self.evidence())
        self._verdict = verdict
        band = f"（{verdict.band}）" if verdict.band and verdict.recognised else ""
        self.banner.setText(f"{claim.label}：{verdict.label}{band}")
        self.banner.setProperty("state", "counted" if verdict.counted else "ok" if verdict.recognised else "bad")
        _restyle(self.banner)
        self.reasons.setText("\n".join(f"• {r}" for r in verdict.reasons))
        if verdict.missing:
            self.missing.setText("还需要：" + "、".join(e.label for e in verdict.missing))
        else:
            self.missing.setText("")
        self.missing.setVisible(bool(verdict.missing))
        self.verdictChanged.emit(verdict)


class RecognitionTab(QWidget):
    """The editor's 认定证据 tab: the panel beside the month's evidence files."""

    evidenceChanged = Signal(object)  # frozenset[Evidence], for the editor's month record

    def __init__(self, ledger: Ledger, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from desk.ui.evidence import EvidenceWidget

        self.ledger = ledger
        self.panel = RecognitionPanel(parent=self)
        self.files = EvidenceWidget(ledger, self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        holder = QWidget()
        holder.setObjectName("recognitionHolder")
        holder.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        inner = QVBoxLayout(holder)
        inner.setContentsMargins(12, 10, 12, 10)
        inner.addWidget(self.panel)
        scroll.setWidget(holder)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(self.files)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.panel.evidenceChanged.connect(self.evidenceChanged)

    def load(self, project_id: int, month: str) -> None:
        self.panel.load(self.ledger, project_id, month)
        self.files.set_target(project_id, month)


# ---------------------------------------------------------------------- month summary
class MonthSummary(QWidget):
    """The month's recognition counts as a row of clickable buttons (each one a filter)."""

    filterRequested = Signal(object)  # frozenset of MonthFilter / RecognitionStatus
    filterCleared = Signal()

    GROUPS: tuple[tuple[str, str, tuple[MonthFilter | RecognitionStatus, ...]], ...] = (
        ("claimed", "本月申报", (MonthFilter.CLAIMED,)),
        ("recognised", "认定", (MonthFilter.RECOGNISED,)),
        ("not_recognised", "不予认定", (MonthFilter.NOT_RECOGNISED,)),
        ("missing_files", "缺少证据材料", (MonthFilter.MISSING_FILES,)),
        ("dropped", "剔除", (RecognitionStatus.DROPPED,)),
        ("resumed", "复工复评", (RecognitionStatus.RESUMED,)),
        ("suspected_fake", "疑似假开工", (RecognitionStatus.SUSPECTED_FAKE,)),
    )
    TIPS = {
        "claimed": "本月填报为新开工或竣工的项目",
        "recognised": "本月申报、按认定标准认定的项目",
        "not_recognised": "本月申报、按认定标准不予认定的项目",
        "missing_files": "本月申报了新开工或竣工，但没有上传现场照片或文件资料",
        "dropped": "本年认定的新开工项目中，停工或未按进度施工、在考评时剔除的项目",
        "resumed": "剔除后年内复工、年终复评计分的项目",
        "suspected_fake": "年内未能复工的新开工项目，参照弄虚作假扣分",
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("monthSummary")
        self.summary: MonthCounts | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        self.title = QLabel()
        self.title.setObjectName("summaryTitle")
        row.addWidget(self.title)
        self.group = QButtonGroup(self)
        self.group.setExclusive(False)
        self.buttons: dict[str, QPushButton] = {}
        for index, (key, _label, _keys) in enumerate(self.GROUPS):
            if key == "dropped":
                divider = QLabel("｜ 本年动态考评：")
                divider.setObjectName("summaryDivider")
                row.addWidget(divider)
            button = QPushButton()
            button.setObjectName(f"summary_{key}")
            button.setCheckable(True)
            button.setFlat(True)
            button.setProperty("summary", key)
            button.setToolTip(self.TIPS[key])
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            self.group.addButton(button, index)
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        self.group.idClicked.connect(self._clicked)
        self.set_summary(None)

    def set_summary(self, summary: MonthCounts | None) -> None:
        self.summary = summary
        if summary is None:
            self.title.setText("认定核查：")
        else:
            self.title.setText(f"{Month.parse(summary.month).label}认定核查：")
        for key, label, keys in self.GROUPS:
            count = sum(summary.count(k) for k in keys) if summary else 0
            button = self.buttons[key]
            button.setText(f"{label} {count}")
            button.setProperty("alert", count > 0 and key in ("not_recognised", "missing_files", "dropped",
                                                               "suspected_fake"))
            _restyle(button)

    def refresh(self, ledger: Ledger, month: str) -> None:
        """Recount synchronously (a few hundred projects); big ledgers use :meth:`request`."""
        self.set_summary(month_summary(ledger, month))

    def request(self, month: str) -> None:
        """Recount on the ledger worker (the window's TaskManager) and show the result."""
        from desk.ui.taskman import Op

        Op(self, lambda ledger: month_summary(ledger, month), changes=False).success(self.set_summary) \
            .run_in_background()

    def keys(self, key: str) -> frozenset[MonthFilter | RecognitionStatus]:
        for name, _label, keys in self.GROUPS:
            if name == key:
                return frozenset(keys)
        raise KeyError(key)

    def clear(self) -> None:
        for button in self.buttons.values():
            button.setChecked(False)

    def _clicked(self, index: int) -> None:
        key = self.GROUPS[index][0]
        pressed = self.buttons[key]
        for other in self.buttons.values():
            if other is not pressed:
                other.setChecked(False)
        if pressed.isChecked():
            self.filterRequested.emit(self.keys(key))
        else:
            self.filterCleared.emit()


# ------------------------------------------------------------------------ table column
class StatusColumn:
    """The project table's 认定状态 column for one month; ``load`` once per refresh, then look up
    by project id from the model's ``data()``."""

    header = "认定状态"
    COLOURS = {
        RecognitionStatus.START_RECOGNISED: "#2f7d32",
        RecognitionStatus.COMPLETION_RECOGNISED: "#2f7d32",
        RecognitionStatus.RESUMED: "#1f5fae",
        RecognitionStatus.START_REJECTED: "#c62828",
        RecognitionStatus.COMPLETION_REJECTED: "#c62828",
        RecognitionStatus.DROPPED: "#b26a00",
        RecognitionStatus.SUSPECTED_FAKE: "#c62828",
    }

    def __init__(self) -> None:
        self.month = ""
        self.standings: dict[int, Standing] = {}

    def load(self, ledger: Ledger, month: str) -> None:
        self.month = month
        self.standings = recognition_status(ledger, month)

    def set_standings(self, month: str, standings: dict[int, Standing]) -> None:
        self.month, self.standings = month, standings

    def text(self, project_id: int) -> str:
        standing = self.standings.get(project_id)
        if standing is None:
            return ""
        return standing.text + ("（缺证据材料）" if standing.missing_files else "")

    def tooltip(self, project_id: int) -> str:
        standing = self.standings.get(project_id)
        return standing.detail if standing else ""

    def colour(self, project_id: int) -> QColor | None:
        standing = self.standings.get(project_id)
        return QColor(self.COLOURS[standing.status]) if standing else None

    def status(self, project_id: int) -> RecognitionStatus | None:
        standing = self.standings.get(project_id)
        return standing.status if standing else None


# ------------------------------------------------------------------------- screenshots
def _shot_month(window: QWidget) -> tuple[Ledger, str]:
    ledger: Ledger = window.ledger  # type: ignore[attr-defined]
    month = ledger.latest_month() or str(Month.of(ledger.today()))
    return ledger, month


def _shot_panel(window: QWidget) -> QWidget:
    ledger, month = _shot_month(window)
    standings = recognition_status(ledger, month)
    claimed = [s for s in standings.values() if s.claim is not None]
    # A claim that is not recognised shows the most: the reasons and what is missing.
    claimed.sort(key=lambda s: (s.claim.verdict.recognised if s.claim else True, s.project_id))
    from PySide6.QtWidgets import QTabWidget

    # Shown as the project editor shows it: one tab of several.
    tabs = QTabWidget()
    tab = RecognitionTab(ledger)
    for name in ("基本信息", "月度填报"):
        tabs.addTab(QWidget(), name)
    tabs.addTab(tab, "认定证据")
    tabs.setCurrentWidget(tab)
    if claimed:
        tab.load(claimed[0].project_id, month)
    tabs.resize(1180, 720)
    tabs.show()
    return tabs


def _shot_summary(window: QWidget) -> QWidget:
    ledger, month = _shot_month(window)
    widget = QWidget()
    layout = QVBoxLayout(widget)
    summary = MonthSummary()
    summary.refresh(ledger, month)
    layout.addWidget(summary)
    widget.resize(1180, 60)
    widget.show()
    return widget


SHOTS["recognition-panel"] = _shot_panel
SHOTS["recognition-summary"] = _shot_summary

__all__ = [
    "MonthSummary",
    "RecognitionPanel",
    "RecognitionTab",
    "StatusColumn",
    "recognition_filter",
]
