"""设置 → 认定标准: the ledger's facts stay, a profile is chosen, imported and exported, and the
generic profile's thresholds are typed in and saved to the ledger."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QTableWidgetItem

from desk import paths
from desk.store.ledger import Ledger
from desk.store.recognition import current_profile
from desk.ui.mainwindow import MainWindow
from desk.ui.settings import UiSettings
from desk.ui.views.settings import SettingsView
from tests.conftest import TODAY


@pytest.fixture
def view(qtbot, desk_app, demo: Ledger, tmp_path: Path):  # type: ignore[no-untyped-def]
    window = MainWindow(demo, UiSettings(tmp_path / "settings.ini"), lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    page = window.show_section("settings")
    assert isinstance(page, SettingsView)
    yield page
    window.close()


def names(view: SettingsView) -> list[str]:
    return [view.profiles.item(r, 0).text() for r in range(view.profiles.rowCount())]


def test_the_ledgers_facts_are_still_shown(view: SettingsView, demo: Ledger) -> None:
    model = view.facts_table.model()
    rows = {model.index(r, 0).data(): model.index(r, 1).data() for r in range(model.rowCount())}
    assert rows["台账文件"] == str(demo.path)
    assert rows["本单位"] == "海州区" and rows["报送截止日"] == "每月 20 日" and rows["台账结构版本"] == "1"
    assert rows["认定标准"] == "盘锦2018：亿元以上产业项目（panjin-2018）"
    assert "填报人" in rows
    assert names(view) == ["generic", "haizhou-2019", "panjin-2018"]
    assert view.selected_info().name == "panjin-2018"  # type: ignore[union-attr]
    assert "打桩或开槽 ＋ 有明显的投资量（场地平整不予认定）" in view.detail.text()
    assert not view.save_button.isEnabled() and "门槛由文件规定" in view.thresholds_note.text()


def test_choose_another_profile(qtbot, view: SettingsView, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    view.select("haizhou-2019")
    qtbot.mouseClick(view.use_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: demo.profile_name == "haizhou-2019", timeout=5000)
    qtbot.waitUntil(lambda: "已选用“海州2019" in view.message.text(), timeout=5000)
    assert not view.use_button.isEnabled()
    assert demo.audit_entries("settings")[0].changes["rule_profile"] == ["panjin-2018", "haizhou-2019"]


def test_type_and_save_the_generic_thresholds(qtbot, view: SettingsView, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    view.select("generic")
    assert view.save_button.isEnabled()
    view.threshold_edit.clear()
    qtbot.keyClicks(view.threshold_edit, "5000")
    view.floor_edit.clear()
    qtbot.keyClicks(view.floor_edit, "10")
    qtbot.mouseClick(view.add_band_button, Qt.MouseButton.LeftButton)
    view.bands.setItem(0, 0, QTableWidgetItem("10000"))
    view.bands.setItem(0, 1, QTableWidgetItem("亿元以上"))
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已保存" in view.message.text(), timeout=5000)
    profile = current_profile(demo, "generic")
    assert (profile.count_threshold_wan, profile.min_month_investment_wan) == (Decimal(5000), Decimal(10))
    assert [b.label for b in profile.bands] == ["亿元以上"]
    assert view.selected_info().name == "generic" and view.threshold_edit.text() == "5000"  # type: ignore[union-attr]
    assert "本单位导入或修改" in view.detail.text()


def test_a_mistyped_threshold_is_named_and_nothing_is_saved(qtbot, view: SettingsView, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    view.select("generic")
    before = demo.count("audit_log")
    view.threshold_edit.clear()
    qtbot.keyClicks(view.threshold_edit, "12x")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert view.thresholds_error.text().startswith("计入目标的最低总投资：")
    view.threshold_edit.setText("100")
    qtbot.mouseClick(view.add_band_button, Qt.MouseButton.LeftButton)
    view.bands.setItem(0, 0, QTableWidgetItem("2000"))
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "第 1 个规模档次缺少名称" in view.thresholds_error.text(), timeout=5000)
    assert demo.count("audit_log") == before and current_profile(demo, "generic").count_threshold_wan == 0


def test_import_replace_and_export(qtbot, view: SettingsView, demo: Ledger, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    text = paths.resource("standards", "haizhou-2019.toml").read_text(encoding="utf-8")
    text = text.replace('name = "haizhou-2019"', 'name = "lianshan-2020"').replace(
        'title = "海州2019：5000万元以上、亿元以上项目"', 'title = "连山2020：3000万元以上"')
    path = tmp_path / "连山.toml"
    path.write_text(text.replace("threshold_wan = 5000", "threshold_wan = 3000"), encoding="utf-8")
    view.import_file(path)
    qtbot.waitUntil(lambda: "lianshan-2020" in names(view), timeout=5000)
    assert view.selected_info().name == "lianshan-2020"  # type: ignore[union-attr]
    assert "已导入“连山2020：3000万元以上”" in view.message.text()
    # the same name with other content: the clerk is asked, says yes, and it is replaced
    path.write_text(text.replace("threshold_wan = 5000", "threshold_wan = 2000"), encoding="utf-8")
    asked: list[str] = []

    def yes(parent, title, question, *args):  # type: ignore[no-untyped-def]
        asked.append(question)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    view.import_file(path)
    qtbot.waitUntil(lambda: current_profile(demo, "lianshan-2020").count_threshold_wan == 2000, timeout=5000)
    assert asked and "已有名为“lianshan-2020”的认定标准" in asked[0]
    out = tmp_path / "导出.toml"
    view.select("lianshan-2020")
    view.export_to(out)
    assert out.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def test_a_refresh_does_not_wipe_what_is_being_typed(qtbot, view: SettingsView) -> None:  # type: ignore[no-untyped-def]
    view.select("generic")
    view.threshold_edit.clear()
    qtbot.keyClicks(view.threshold_edit, "8000")
    view.refresh()  # e.g. another page saved something
    assert view.threshold_edit.text() == "8000"
    view.select("panjin-2018")
    assert view.threshold_edit.text() == "10000"
