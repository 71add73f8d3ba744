"""线索漏斗: leads of a period by state and by source, and how many signed and landed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desk.core.glossary import LeadSource, LeadState
from desk.core.periods import Month
from desk.core.pipeline import Pipeline, rate, rate_text
from desk.store.ledger import Ledger
from desk.ui.fields import DateField
from desk.ui.views.leads.timeline import ListModel, small_table

BAR_COLORS = [QColor("#5b8fd6"), QColor("#2f7dbd"), QColor("#1f5fae")]


def quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


class Funnel(QWidget):
    """Three bars: leads, signed, landed, each with its count and share of all leads."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.steps: list[tuple[str, int, str]] = []
        self.setMinimumHeight(130)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(600, 130)

    def set_pipeline(self, pipe: Pipeline) -> None:
        self.steps = [
            ("线索", pipe.total, "100%" if pipe.total else "—"),
            ("签约（含已落地）", pipe.signed, rate_text(pipe.signed_rate)),
            ("落地为项目", pipe.landed, rate_text(pipe.landed_rate)),
        ]
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = self.width() - 20
        label_width = 150
        bar_space = max(60, width - label_width - 140)
        top = max(n for _, n, _ in self.steps) if self.steps else 0
        row_height = 38
        for i, (name, count, share) in enumerate(self.steps):
            y = 8 + i * row_height
            painter.setPen(QColor("#1d2b3a"))
            painter.drawText(QRectF(10, y, label_width - 10, 28), int(Qt.AlignmentFlag.AlignVCenter), name)
            length = bar_space * count / top if top else 0
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(BAR_COLORS[i])
            painter.drawRoundedRect(QRectF(label_width, y + 3, max(length, 2), 22), 3, 3)
            painter.setPen(QColor("#1d2b3a"))
            painter.drawText(QRectF(label_width + length + 8, y, 140, 28), int(Qt.AlignmentFlag.AlignVCenter),
                             f"{count} 条（{share}）")
        painter.end()


class PipelinePage(QWidget):
    def __init__(self, ledger: Ledger, today: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.today = today
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("期间："))
        self.start = DateField()
        self.end = DateField()
        bar.addWidget(self.start)
        bar.addWidget(QLabel("至"))
        bar.addWidget(self.end)
        self.presets: dict[str, QPushButton] = {}
        for key, word in (("month", "本月"), ("quarter", "本季度"), ("year", "本年"), ("all", "全部")):
            button = QPushButton(word)
            button.clicked.connect(lambda _=False, k=key: self.use_preset(k))
            self.presets[key] = button
            bar.addWidget(button)
        bar.addWidget(QLabel("小分队："))
        self.team = QComboBox()
        bar.addWidget(self.team)
        self.apply = QPushButton("统计")
        self.apply.setProperty("primary", True)
        bar.addWidget(self.apply)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.error = QLabel()
        self.error.setObjectName("formError")
        layout.addWidget(self.error)
        self.headline = QLabel()
        self.headline.setObjectName("pipelineHeadline")
        layout.addWidget(self.headline)

        funnel_box = QGroupBox("转化：线索 → 签约 → 落地")
        funnel_layout = QVBoxLayout(funnel_box)
        self.funnel = Funnel()
        funnel_layout.addWidget(self.funnel)
        layout.addWidget(funnel_box)

        row = QHBoxLayout()
        state_box = QGroupBox("按状态")
        state_layout = QVBoxLayout(state_box)
        self.state_model = ListModel(["状态", "条数", "占比"])
        self.state_view = small_table(self.state_model, 0)
        state_layout.addWidget(self.state_view)
        source_box = QGroupBox("按来源")
        source_layout = QVBoxLayout(source_box)
        self.source_model = ListModel(["来源", *[s.label for s in LeadState], "合计", "签约率", "落地率"])
        self.source_view = small_table(self.source_model, 0)
        self.source_view.setObjectName("pipelineBySource")
        source_layout.addWidget(self.source_view)
        row.addWidget(state_box, 1)
        row.addWidget(source_box, 3)
        layout.addLayout(row, 1)
        self.apply.clicked.connect(self.refresh)
        self.team.currentIndexChanged.connect(self.refresh)
        self._fill_teams()
        self.use_preset("year")

    def _fill_teams(self) -> None:
        current = self.team.currentData()
        self.team.blockSignals(True)
        self.team.clear()
        self.team.addItem("全部", None)
        for team in self.ledger.teams.all():
            self.team.addItem(team.name, team.id)
        index = self.team.findData(current)
        self.team.setCurrentIndex(max(index, 0))
        self.team.blockSignals(False)

    def use_preset(self, key: str) -> None:
        today = self.today()
        start: date | None
        if key == "month":
            start = Month.of(today).first_day
        elif key == "quarter":
            start = quarter_start(today)
        elif key == "year":
            start = date(today.year, 1, 1)
        else:
            start = None
        self.start.set_value(start)
        self.end.set_value(today if start else None)
        self.refresh()

    def period(self) -> tuple[date | None, date | None] | None:
        try:
            start, end = self.start.value(), self.end.value()
        except ValueError as exc:
            self.error.setText(str(exc))
            return None
        if start and end and end < start:
            self.error.setText("截止日期不能早于起始日期")
            return None
        self.error.clear()
        return start, end

    def refresh(self) -> None:
        period = self.period()
        if period is None:
            return
        start, end = period
        pipe = self.ledger.leads.pipeline(start, end, self.team.currentData())
        span = (f"{start.isoformat() if start else '最早'} 至 {end.isoformat() if end else '今天'}")
        self.headline.setText(
            f"{span}：线索 {pipe.total} 条 → 签约 {pipe.signed} 条（{rate_text(pipe.signed_rate)}）"
            f" → 落地 {pipe.landed} 条（{rate_text(pipe.landed_rate)}；签约后落地 {rate_text(pipe.landed_of_signed)}）"
        )
        self.funnel.set_pipeline(pipe)
        self.state_model.set_rows([
            [s.label, str(n), rate_text(rate(n, pipe.total))] for s, n in pipe.by_state.items()
        ])
        rows = []
        for source in LeadSource:
            r = pipe.by_source[source]
            rows.append([source.label, *[str(r.by_state[s]) for s in LeadState], str(r.total),
                         rate_text(rate(r.signed, r.total)), rate_text(rate(r.landed, r.total))])
        rows.append(["合计", *[str(pipe.by_state[s]) for s in LeadState], str(pipe.total),
                     rate_text(pipe.signed_rate), rate_text(pipe.landed_rate)])
        self.source_model.set_rows(rows)
