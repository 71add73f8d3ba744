"""The recognition widgets as a clerk uses them: tick evidence and watch the verdict, click a
count of the month's summary to filter, attach photos and read the warnings."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from desk import paths
from desk.cli import main
from desk.core.glossary import Category, Claim, Evidence, MonthFilter, RecognitionStatus
from desk.core.recognition import load_profile
from desk.store.ledger import Ledger
from desk.store.recognition import month_checks, recognition_status
from desk.ui.recognition import MonthSummary, RecognitionPanel, RecognitionTab, StatusColumn, recognition_filter
from desk.ui.taskman import TaskManager
from tests.conftest import fixed_clock

PANJIN = load_profile(paths.resource("standards", "panjin-2018.toml").read_text(encoding="utf-8"), "panjin-2018")


def tick(qtbot, panel: RecognitionPanel, item: Evidence) -> None:  # type: ignore[no-untyped-def]
    box = panel.boxes[item]
    # On the box itself: a checkbox reacts to its indicator and label, not to the row's blank end.
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


@pytest.fixture
def panel(qtbot, desk_app) -> RecognitionPanel:  # type: ignore[no-untyped-def]
    widget = RecognitionPanel(PANJIN)
    qtbot.addWidget(widget)
    widget.resize(640, 600)
    widget.show()
    return widget


def test_the_verdict_follows_the_evidence_as_it_is_ticked(qtbot, panel: RecognitionPanel) -> None:  # type: ignore[no-untyped-def]
    ticked: list[frozenset[Evidence]] = []
    panel.evidenceChanged.connect(ticked.append)
    panel.set_inputs(Category.INDUSTRIAL, Decimal(12000), Decimal(300), [], Claim.NEW_START)
    assert panel.banner.text() == "新开工：不予认定"
    assert panel.missing.text() == "还需要：打桩、开槽"
    assert ticked == []  # showing a record is not a change by the clerk

    tick(qtbot, panel, Evidence.SITE_LEVELING)
    assert ticked[-1] == {Evidence.SITE_LEVELING}
    assert panel.banner.text() == "新开工：不予认定"
    assert "场地平整不予认定（盘锦2018 五.3）" in panel.reasons.text()

    tick(qtbot, panel, Evidence.TRENCHING)
    assert ticked[-1] == {Evidence.SITE_LEVELING, Evidence.TRENCHING}
    assert panel.banner.text() == "新开工：认定，计入目标（亿元以上）"
    assert panel.banner.property("state") == "counted"
    assert "已开槽（场地平整本身不计）（盘锦2018 五.3）" in panel.reasons.text()
    assert panel.missing.isHidden()

    tick(qtbot, panel, Evidence.TRENCHING)  # un-ticked again
    assert panel.banner.text() == "新开工：不予认定"
    assert panel.verdict() is not None and not panel.verdict().recognised  # type: ignore[union-attr]


def test_tourism_and_completion_in_the_panel(qtbot, panel: RecognitionPanel) -> None:  # type: ignore[no-untyped-def]
    panel.set_inputs(Category.TOURISM, Decimal(30000), Decimal(500), [Evidence.PILING], Claim.NEW_START)
    assert panel.banner.text() == "新开工：不予认定"
    assert "现场无施工场面，不予认定（盘锦2018 五.3）" in panel.reasons.text()
    tick(qtbot, panel, Evidence.CONSTRUCTION_ON_SITE)
    assert panel.banner.text() == "新开工：认定，计入目标（亿元以上）"

    panel.set_inputs(Category.INDUSTRIAL, Decimal(8000), Decimal(0),
                     [Evidence.CONTRACT_COMPLETE, Evidence.EQUIPMENT_INSTALLED], Claim.COMPLETION)
    assert panel.claim() == Claim.COMPLETION
    assert panel.banner.text() == "竣工：不予认定" and panel.missing.text() == "还需要：试生产"
    assert panel.completion_group.property("active") is True
    tick(qtbot, panel, Evidence.TRIAL_PRODUCTION)
    assert panel.banner.text() == "竣工：认定，不计入目标"  # 8000 万元 is below 亿元以上
    assert panel.banner.property("state") == "ok"
    panel.claim_combo.setCurrentIndex(0)  # the clerk checks it against the new-start standard instead
    assert panel.banner.text() == "新开工：不予认定"


def test_the_panel_loads_a_claim_from_the_ledger(qtbot, desk_app, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    month = demo.latest_month()
    assert month is not None
    check = next(c for c in month_checks(demo, month) if not c.verdict.recognised)
    tab = RecognitionTab(demo)
    qtbot.addWidget(tab)
    tab.load(check.project.id, month)  # type: ignore[arg-type]
    assert tab.panel.claim() == check.claim
    assert tab.panel.evidence() == check.record.evidence
    assert tab.panel.reasons.text() == "\n".join(f"• {r}" for r in check.verdict.reasons)
    assert tab.panel.note.isHidden()
    assert "申报" in tab.panel.history.text()
    assert tab.files.title.text().endswith(f"（{month[:4]}年{int(month[5:])}月）")
    forwarded: list[frozenset[Evidence]] = []
    tab.evidenceChanged.connect(forwarded.append)
    item = next(e for e in Evidence if e not in check.record.evidence)
    tick(qtbot, tab.panel, item)
    assert forwarded == [check.record.evidence | {item}]


def test_a_month_without_a_claim_says_so(qtbot, desk_app, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    row = demo.conn.execute("SELECT project_id FROM project_months WHERE month = '2026-10'"
                            " AND stage = 'construction' LIMIT 1").fetchone()
    panel = RecognitionPanel()
    qtbot.addWidget(panel)
    panel.load(demo, row[0], "2026-10")
    assert "填报的阶段是“在建”，不是新开工或竣工申报" in panel.note.text()


def test_month_summary_counts_and_filters(qtbot, desk_app, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    month = demo.latest_month()
    assert month is not None
    checks = month_checks(demo, month)
    summary = MonthSummary()
    qtbot.addWidget(summary)
    summary.refresh(demo, month)
    rejected = {c.project.id for c in checks if not c.verdict.recognised}
    assert summary.buttons["claimed"].text() == f"本月申报 {len(checks)}"
    assert summary.buttons["not_recognised"].text() == f"不予认定 {len(rejected)}"
    assert summary.buttons["not_recognised"].property("alert") is True
    requests: list[frozenset] = []
    cleared: list[bool] = []
    summary.filterRequested.connect(requests.append)
    summary.filterCleared.connect(lambda: cleared.append(True))
    qtbot.mouseClick(summary.buttons["not_recognised"], Qt.MouseButton.LeftButton)
    assert requests == [frozenset({MonthFilter.NOT_RECOGNISED})]
    assert recognition_filter(demo, month, requests[0]) == rejected
    qtbot.mouseClick(summary.buttons["recognised"], Qt.MouseButton.LeftButton)
    assert not summary.buttons["not_recognised"].isChecked()
    assert recognition_filter(demo, month, requests[-1]) == {c.project.id for c in checks if c.verdict.recognised}
    qtbot.mouseClick(summary.buttons["recognised"], Qt.MouseButton.LeftButton)
    assert cleared == [True]


def test_status_column_text_tooltip_and_colour(desk_app, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    month = demo.latest_month()
    assert month is not None
    column = StatusColumn()
    column.load(demo, month)
    check = month_checks(demo, month)[0]
    pid = check.project.id
    expected = ("竣工" if check.claim == Claim.COMPLETION else "新开工") + ("认定" if check.verdict.recognised else "不予认定")
    assert column.text(pid).startswith(expected)  # type: ignore[arg-type]
    assert column.text(pid).endswith("（缺证据材料）")  # type: ignore[arg-type]  # the demo has no files
    assert check.verdict.reasons[0] in column.tooltip(pid)  # type: ignore[arg-type]
    assert column.colour(pid) is not None  # type: ignore[arg-type]
    assert column.text(999999) == "" and column.status(999999) is None
    statuses = {column.status(p) for p in recognition_status(demo, month)}
    assert statuses <= set(RecognitionStatus)


# ------------------------------------------------------------------------ evidence files
def jpeg(taken: str, colour: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", (320, 240), colour)
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def host(qtbot, desk_app, demo: Ledger):  # type: ignore[no-untyped-def]
    widget = QWidget()
    widget.taskman = TaskManager(demo.path, fixed_clock, widget)  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    yield widget
    widget.taskman.shutdown()  # type: ignore[attr-defined]


def test_attaching_photos_shows_warnings_and_a_preview(qtbot, host: QWidget, demo: Ledger, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desk.ui.evidence import EvidenceWidget

    first, second = (p.id for p in demo.projects.all()[:2])
    widget = EvidenceWidget(demo, host)
    widget.resize(520, 700)
    widget.set_target(first, "2026-10")
    assert widget.list.count() == 0 and widget.preview.text() == "还没有证据材料"
    good, old = tmp_path / "开槽现场.jpg", tmp_path / "旧照片.jpg"
    good.write_bytes(jpeg("2026:10:08 09:00:00", (90, 140, 200)))
    old.write_bytes(jpeg("2026:07:01 09:00:00", (200, 140, 90)))
    widget.add_files([good, old])
    qtbot.waitUntil(lambda: widget.list.count() == 2, timeout=5000)
    assert widget.message.text().startswith("已添加 2 个文件。")
    assert "照片“旧照片.jpg”的拍摄日期是 2026-07-01，不在申报月份2026年10月内" in widget.message.text()
    assert widget.list.item(1).text().endswith("1 条提醒")
    widget.list.setCurrentRow(1)
    assert "不在申报月份2026年10月内" in widget.warnings.text()
    widget.list.setCurrentRow(0)
    assert widget.warnings.text() == "" and not widget.preview.pixmap().isNull()

    # the same photo for another project is warned about, naming the first project
    widget.set_target(second, "2026-10")
    widget.add_files([good])
    qtbot.waitUntil(lambda: widget.list.count() == 1, timeout=5000)
    name = demo.projects.get(first).name
    assert f"与项目“{name}”2026年10月的附件“开槽现场.jpg”是同一个文件" in widget.warnings.text()
    assert demo.count("blobs") == 2

    changed: list[bool] = []
    widget.changed.connect(lambda: changed.append(True))
    widget.remove_selected(confirm=False)
    qtbot.waitUntil(lambda: widget.list.count() == 0, timeout=5000)
    assert changed == [True] and "已删除“开槽现场.jpg”" in widget.message.text()
    assert demo.count("attachments") == 2


def test_screenshot_of_the_recognition_panel(demo_path: Path, tmp_path: Path, desk_app) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "panel.png"
    assert main(["screenshot", "--ledger", str(demo_path), "--view", "recognition-panel", str(out)]) == 0
    image = QImage(str(out))
    assert image.width() >= 1100 and image.height() >= 700


def test_month_summary_counts_on_the_worker_for_big_ledgers(qtbot, host: QWidget, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    summary = MonthSummary(host)
    summary.request("2026-10")
    qtbot.waitUntil(lambda: summary.title.text() == "2026年10月认定核查：", timeout=5000)
    assert summary.buttons["claimed"].text() == f"本月申报 {len(month_checks(demo, '2026-10'))}"
