"""The project table: search as you type, filters, sorting, columns, plug-ins, remembered layout."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt

from desk.core.glossary import Category, ProjectClass, Stage
from desk.store.ledger import Ledger
from desk.store.projects import ProjectFilter
from desk.ui.mainwindow import MainWindow
from desk.ui.projects import plugins
from desk.ui.projects.filters import MultiSelect
from desk.ui.projects.view import ProjectsPage
from desk.ui.settings import UiSettings
from tests.conftest import TODAY


def open_window(qtbot, demo: Ledger, settings_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(demo, UiSettings(settings_path), lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def page(qtbot, desk_app, demo: Ledger, tmp_path: Path) -> Iterator[ProjectsPage]:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, demo, tmp_path / "settings.ini")
    yield window.show_section("projects")  # type: ignore[misc]
    window.close()


def names(page: ProjectsPage) -> list[str]:
    column = page.model.keys.index("name")
    return [page.model.index(r, column).data() for r in range(page.model.rowCount())]


def tick(select: MultiSelect, *labels: str) -> None:
    for i in range(select.list.count()):
        item = select.list.item(i)
        if item.text() in labels:
            item.setCheckState(Qt.CheckState.Checked)


def test_the_model_passes_qts_model_tests(page: ProjectsPage, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(page.model)
    page.filters.search.insert("海州")
    qtmodeltester.check(page.model)


def test_the_model_holds_ids_and_fetches_only_rows_that_are_shown(page: ProjectsPage, demo: Ledger) -> None:
    assert page.model.ids == demo.projects.search_ids()
    assert page.model.rowCount() == 120 and len(page.model._rows) < 120  # lazily fetched
    last = page.model.index(119, page.model.keys.index("name"))
    assert last.data() == demo.projects.get(page.model.ids[119]).name


def test_search_as_you_type_over_name_owner_location_leader_and_unit(page: ProjectsPage, qtbot, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    page.filters.search.insert("忠旺")
    assert names(page) == ["忠旺80万吨挤压型材"]
    page.filters.search.clear()
    page.filters.search.insert("宝来石化")  # the owner company
    assert names(page) == ["宝来轻烃综合利用"]
    page.filters.search.clear()
    page.filters.search.insert("王建国")  # a leader
    assert page.model.ids == demo.projects.search_ids(ProjectFilter(text="王建国")) and page.model.ids
    page.filters.search.clear()
    for word, column in (("农业园区", "location"), ("区文旅局", "responsible_unit")):
        page.filters.search.clear()
        page.filters.search.insert(word)
        only_there = {pid for (pid,) in demo.conn.execute(
            f"SELECT id FROM projects WHERE archived = 0 AND instr({column}, ?)"  # noqa: S608 - fixed names
            " AND NOT instr(name || owner_company || leader, ?)", (word, word))}
        assert only_there and only_there <= set(page.model.ids)  # found by 建设地点 / 责任单位 alone
    page.filters.search.clear()
    qtbot.keyClicks(page.filters.search, "low-e")  # ASCII, any case, typed key by key
    assert names(page) == ["耀华560t/d在线LOW-E节能玻璃智能制造技改"]
    assert "找到 1 个项目（共 120 个）" in page.result.text()


def test_filters_combine_and_clear_in_one_click(page: ProjectsPage, qtbot, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    bar = page.filters
    assert not bar.clear_button.isEnabled()
    tick(bar.stage, "在建", "停工")
    tick(bar.category, "工业")
    bar.in_statistics.setCurrentIndex(1)
    bar.search.insert("项目")
    expected = demo.projects.search_ids(ProjectFilter(
        text="项目", stages=frozenset({Stage.CONSTRUCTION, Stage.STOPPED}),
        categories=frozenset({Category.INDUSTRIAL}), in_statistics=True))
    assert page.model.ids == expected and 0 < len(expected) < 120
    assert bar.stage.text() == "阶段：在建、停工"
    qtbot.mouseClick(bar.clear_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 120
    assert bar.search.text() == "" and bar.stage.values() == frozenset() and bar.in_statistics.currentIndex() == 0
    assert not bar.clear_button.isEnabled()


def test_unit_leader_and_class_filters(page: ProjectsPage, demo: Ledger) -> None:
    bar = page.filters
    tick(bar.unit, "韩家店镇")
    tick(bar.klass, "A类", "B类")
    unit = demo.units.by_name("韩家店镇").id
    leaders = {demo.projects.get(i).leader for i in page.model.ids}
    leader = sorted(leaders)[0]
    tick(bar.leader, leader)
    expected = demo.projects.search_ids(ProjectFilter(
        unit_ids=frozenset({unit}), leaders=frozenset({leader}),
        classes=frozenset({ProjectClass.A, ProjectClass.B})))
    assert page.model.ids == expected and expected
    assert bar.klass.text() == "分类：A类、B类" and bar.leader.text() == f"包保领导：{leader}"


def test_not_updated_this_month_follows_the_chosen_month(page: ProjectsPage, demo: Ledger) -> None:
    page.filters.not_updated.setChecked(True)
    assert page.model.rowCount() == 120  # nobody has reported November yet
    page.month_box.setCurrentIndex(page.month_box.findData("2026-10"))
    reported = demo.months.reported_ids("2026-10")
    assert page.model.ids and not set(page.model.ids) & reported
    assert len(page.model.ids) == 120 - len(reported)
    column = page.model.keys.index("month_updated")
    assert page.model.index(0, column).data() == "未填报"


def test_amounts_in_wan_with_separators_right_aligned(page: ProjectsPage) -> None:
    page.filters.search.insert("中储粮")
    column = page.model.keys.index("total_investment")
    index = page.model.index(0, column)
    assert index.data() == "320,000.00"
    assert index.data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight


def test_sorting_any_column_by_clicking_its_header(page: ProjectsPage, demo: Ledger) -> None:
    header = page.table.horizontalHeader()
    section = page.model.keys.index("total_investment")
    header.sectionClicked.emit(section)
    amounts = [p.total_investment_wan for p in demo.projects.by_ids(page.model.ids)]
    assert amounts == sorted(amounts) and header.sortIndicatorSection() == section
    assert page.model.headerData(section, Qt.Orientation.Horizontal) == "总投资(万元) ▲"
    header.sectionClicked.emit(section)
    amounts = [p.total_investment_wan for p in demo.projects.by_ids(page.model.ids)]
    assert amounts == sorted(amounts, reverse=True)
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert page.model.headerData(section, Qt.Orientation.Horizontal) == "总投资(万元) ▼"
    for key in page.model.keys:  # every column sorts, and the result stays the same set
        header.sectionClicked.emit(page.model.keys.index(key))
        assert sorted(page.model.ids) == sorted(demo.projects.search_ids())


def test_columns_widths_and_sort_are_remembered(qtbot, desk_app, demo: Ledger, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "remember.ini"
    window = open_window(qtbot, demo, path)
    page: ProjectsPage = window.show_section("projects")  # type: ignore[assignment]
    owner = page.model.keys.index("owner_company")
    location = page.model.keys.index("location")
    menu = page.column_menu()
    actions = {a.text(): a for a in menu.actions()}
    actions["建设单位"].setChecked(False)
    actions["建设地点"].setChecked(True)
    page.table.setColumnWidth(page.model.keys.index("name"), 333)
    page.table.horizontalHeader().sectionClicked.emit(page.model.keys.index("leader"))
    window.close()

    again = open_window(qtbot, demo, path)
    page2: ProjectsPage = again.show_section("projects")  # type: ignore[assignment]
    assert page2.table.isColumnHidden(owner) and not page2.table.isColumnHidden(location)
    assert page2.table.columnWidth(page2.model.keys.index("name")) == 333
    assert page2.model.sort_key == "leader"
    assert page2.table.horizontalHeader().sortIndicatorSection() == page2.model.keys.index("leader")
    page2.reset_columns()
    assert not page2.table.isColumnHidden(owner) and page2.table.isColumnHidden(location)
    again.close()


def test_a_plug_in_filter_and_column_are_shown_and_used(qtbot, desk_app, demo: Ledger, tmp_path: Path,
                                                       monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[tuple[str, frozenset[str]]] = []
    odd = {i for i in demo.projects.search_ids() if i % 2}

    def match(ledger: Ledger, month: str, values: frozenset[str]) -> set[int]:
        calls.append((month, values))
        return odd if "odd" in values else set()

    monkeypatch.setitem(plugins.FILTERS, "parity", plugins.FilterPlugin(
        "parity", "奇偶", lambda ledger: [("odd", "奇数"), ("none", "无")], match))
    monkeypatch.setitem(plugins.COLUMNS, "parity", plugins.ColumnPlugin(
        "parity", "奇偶", lambda ledger, ids, month: {i: "奇" if i % 2 else "偶" for i in ids}))
    window = open_window(qtbot, demo, tmp_path / "p.ini")
    page: ProjectsPage = window.show_section("projects")  # type: ignore[assignment]
    (select,) = [s for p, s in page.filters.plugin_selects if p.key == "parity"]
    tick(select, "奇数")
    assert set(page.model.ids) == odd and calls[-1] == ("2026-11", frozenset({"odd"}))
    column = page.model.keys.index("parity")
    assert {page.model.index(r, column).data() for r in range(page.model.rowCount())} == {"奇"}
    page.filters.clear()
    page.table.horizontalHeader().sectionClicked.emit(column)  # a plug-in column sorts in memory
    texts = [page.model.index(r, column).data() for r in range(page.model.rowCount())]
    assert texts == sorted(texts)
    window.close()


def test_row_menu_offers_only_allowed_stages_and_says_why_not(page: ProjectsPage, demo: Ledger) -> None:
    page.filters.search.insert("中储粮")  # 在建
    menu = page.row_menu(page.model.index(0, 0))
    assert menu is not None
    (stage_menu,) = [a.menu() for a in menu.actions() if a.text() == "变更阶段"]
    actions = {a.data(): a for a in stage_menu.actions()}
    assert {s for s, a in actions.items() if a.isEnabled()} == {"completed", "stopped"}
    assert actions["production"].text() == "投产（项目须先竣工，才能投产）"
    assert "不能从“在建”退回“储备”" in actions["reserve"].text()
    assert not page.row_menu(QModelIndex()).actions()[0].text().startswith("打开")


def test_ctrl_f_finds_and_enter_opens_the_project(page: ProjectsPage, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    window = page.main
    window.activateWindow()  # type: ignore[attr-defined]
    qtbot.waitUntil(window.isActiveWindow)  # type: ignore[attr-defined]
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is page.filters.search
    page.filters.search.insert("中储粮")
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.editor is not None and page.editor.isVisible()
    assert page.editor.basic.name.text() == "中储粮东北综合产业基地"
    page.editor.reject()


def test_print_lists_the_result_with_the_shown_columns(page: ProjectsPage) -> None:
    page.filters.search.insert("忠旺")
    html = page.print_html()
    assert html is not None
    assert "海州区项目台账" in html and "<td>忠旺80万吨挤压型材</td>" in html
    assert "<th>建设单位</th>" in html and "<th>建设地点</th>" not in html  # hidden columns stay out
    assert html.count("<tr><td align='right'>") == 1


def test_the_recognition_filter_and_column_come_from_the_recognition_work(page: ProjectsPage, demo: Ledger) -> None:
    from desk.store.recognition import recognition_filter, recognition_status

    page.month_box.setCurrentIndex(page.month_box.findData("2026-10"))
    (select,) = [s for p, s in page.filters.plugin_selects if p.key == "recognition"]
    assert select.text() == "认定结果：全部"
    tick(select, "本月申报")
    expected = recognition_filter(demo, "2026-10", {"claimed"})
    assert expected and set(page.model.ids) == expected
    column = page.model.keys.index("recognition")
    assert page.model.headerData(column, Qt.Orientation.Horizontal) == "认定状态"
    standings = recognition_status(demo, "2026-10")
    for row in range(page.model.rowCount()):
        project_id = page.model.ids[row]
        text = page.model.index(row, column).data()
        assert text.startswith(standings[project_id].text)
        assert page.model.index(row, column).data(Qt.ItemDataRole.ForegroundRole) is not None
