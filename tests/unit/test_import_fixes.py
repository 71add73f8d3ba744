"""Spreadsheet import: short units in headings, amounts too large for the ledger, and rows
matched by a name written with spaces or full-width characters."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from desk.cli import main
from desk.core.glossary import Stage
from desk.core.models import Lead, Project, ProjectMonth
from desk.core.money import MAX_AMOUNT_WAN, AmountError, parse_amount, wan_to_yuan
from desk.core.validation import lead_errors, month_errors, project_errors
from desk.exchange.sheets.fields import header_key, header_unit, spec
from desk.exchange.sheets.values import CellError, read_cell, reader_for
from desk.store.ledger import Ledger
from tests.sheets.books import simple_book

TOO_LARGE = "金额过大"


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main([*args, "--json"])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else {"stderr": err}


def fingerprint(path: Path) -> list:
    conn = sqlite3.connect(path)
    try:
        return [conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("projects", "project_months", "leads", "stage_changes", "import_mappings", "audit_log")]
    finally:
        conn.close()


@pytest.fixture
def empty_path(empty: Ledger) -> Path:
    path = empty.path
    empty.close()
    return path


def spaced(name: str) -> str:
    """``"中储粮…"`` as a clerk may type it: a space between characters, digits full-width."""
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in name)
    return " ".join(wide)


# ------------------------------------------------------------ 1. short units
@pytest.mark.parametrize(("heading", "unit"), [
    ("总投资（亿）", "亿元"),
    ("总投资(亿)", "亿元"),
    ("总投资（万）", "万元"),
    ("总投资(万)", "万元"),
    ("总投资【亿】", "亿元"),
    ("总投资（单位：亿）", "亿元"),
    ("总投资/亿", "亿元"),
    ("总投资 单位:万", "万元"),
    ("实际利用外资（亿美元）", "亿美元"),
    ("实际利用外资(万美元)", "万美元"),
    ("总投资（亿元）", "亿元"),
])
def test_short_units_in_headings_are_units(heading: str, unit: str) -> None:
    assert header_unit(heading) == unit
    assert header_key(heading) in ("总投资", "实际利用外资")


@pytest.mark.parametrize("heading", ["年产5万吨项目", "万亩良田", "项目（万达）", "总投资亿", "亿元产值项目名称"])
def test_a_wan_or_yi_inside_a_word_is_not_a_unit(heading: str) -> None:
    assert header_unit(heading) is None
    assert ("万" in heading) == ("万" in header_key(heading)) and ("亿" in heading) == ("亿" in header_key(heading))


def test_short_unit_headings_import_at_their_scale(tmp_path: Path, empty_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = simple_book(tmp_path / "t.xlsx", ["项目名称", "总投资（亿）", "年度计划(万)"],
                       [["物流园", 1.5, 3000], ["冷链仓储", "2亿", "1.2亿"]])
    code, dry = run_json(capsys, "import", str(path), "--ledger", str(empty_path), "--dry-run")
    assert code == 0 and dry["errors"] == []
    assert "总投资(万元)：（空） → 15,000" in dry["changes"][0]["changes"]
    code, result = run_json(capsys, "import", str(path), "--ledger", str(empty_path))
    assert code == 0 and result["created"] == 2
    with Ledger.open(empty_path) as ledger:
        projects = {p.name: p for p in ledger.projects.all()}
    assert projects["物流园"].total_investment_wan == Decimal(15000)
    assert projects["物流园"].year_plan_wan == Decimal(3000)
    assert projects["冷链仓储"].total_investment_wan == Decimal(20000)  # a cell's own unit wins
    assert projects["冷链仓储"].year_plan_wan == Decimal(12000)


def test_a_short_unit_heading_names_its_currency(tmp_path: Path, empty_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    field = spec("projects", "foreign_funds_wusd")
    with pytest.raises(CellError, match="表头的单位是“亿元”，但实际利用外资.*应为美元金额"):
        read_cell(field, 5, unit=header_unit("实际利用外资（亿）"))


# ------------------------------------------------------- 2. amounts too large
def test_the_bound_is_one_rule_for_typing_reading_and_saving() -> None:
    assert parse_amount(str(MAX_AMOUNT_WAN)) == MAX_AMOUNT_WAN  # 10 万亿元 itself is taken
    assert parse_amount("100000亿") == MAX_AMOUNT_WAN
    wan_to_yuan(MAX_AMOUNT_WAN)  # and fits the INTEGER column with room to spare
    assert wan_to_yuan(MAX_AMOUNT_WAN) < 2 ** 63  # type: ignore[operator]
    for text in ("1000000000.01", "100001亿", "1" + "0" * 60):
        with pytest.raises(AmountError, match=TOO_LARGE):
            parse_amount(text)
    with pytest.raises(AmountError, match="10 万亿美元"):
        parse_amount("2000000000", "万美元")
    huge = Decimal("1E16")
    assert [e.field for e in project_errors(Project(unit_id=1, name="甲", total_investment_wan=huge))] == \
        ["total_investment_wan"]
    assert TOO_LARGE in project_errors(Project(unit_id=1, name="甲", total_investment_wan=huge))[0].message
    month = ProjectMonth(project_id=1, month="2026-09", stage=Stage.CONSTRUCTION, invested_month_wan=huge, invested_ytd_wan=huge,
                         foreign_funds_wusd=huge)
    assert {e.field for e in month_errors(month) if TOO_LARGE in e.message} == \
        {"invested_month_wan", "invested_ytd_wan", "foreign_funds_wusd"}
    assert TOO_LARGE in lead_errors(Lead(unit_id=1, company="甲", intent_amount_wan=huge))[0].message


@pytest.mark.parametrize(("value", "unit"), [
    (1e16, None), (10 ** 16, "万元"), (1e300, "亿元"), (200_000, "亿元"), ("1" + "0" * 40, None), (1e15, "元"),
])
def test_a_cell_too_large_is_an_error_of_that_cell(value: object, unit: str | None) -> None:
    field = spec("projects", "total_investment_wan")
    with pytest.raises(CellError, match=TOO_LARGE):
        read_cell(field, value, unit=unit)
    read = reader_for(field, unit=unit)
    column = getattr(read, "column", None)
    assert column is None or column([1, value]) is None  # the short way leaves it to the cell


def test_a_date_far_beyond_any_serial_is_an_error_not_a_crash() -> None:
    for value in (1e16, 10 ** 30, float("inf")):
        with pytest.raises(CellError, match="不是日期"):
            read_cell(spec("projects", "start_date"), value)


def test_a_huge_amount_is_refused_in_the_dry_run_and_the_real_run(tmp_path: Path, empty_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = simple_book(tmp_path / "t.xlsx", ["项目名称", "总投资", "本月完成投资", "年度累计完成投资", "开工时间"], [
        ["正常项目", 5000, 10, 10, "2026-03-01"],
        ["巨额项目", 1e16, 10, 10, None],
        ["月度巨额", 100, 2e13, 2e13, None],
        ["日期巨大", 100, 1, 1, 1e16],
    ])
    before = fingerprint(empty_path)
    expected = [
        {"row": 3, "column": "总投资", "column_letter": "B",
         "message": "金额过大：“10000000000000000”超过 10 万亿元（1,000,000,000 万元），请检查数字和单位是否填错"},
        {"row": 4, "column": "本月完成投资", "column_letter": "C",
         "message": "金额过大：“20000000000000”超过 10 万亿元（1,000,000,000 万元），请检查数字和单位是否填错"},
        {"row": 4, "column": "年度累计完成投资", "column_letter": "D",
         "message": "金额过大：“20000000000000”超过 10 万亿元（1,000,000,000 万元），请检查数字和单位是否填错"},
        {"row": 5, "column": "开工时间", "column_letter": "E", "message": "“10000000000000000”不是日期"},
    ]
    for dry in (["--dry-run"], []):
        code, result = run_json(capsys, "import", str(path), "--ledger", str(empty_path), "--month", "2026-09", *dry)
        assert code == 3, result
        assert result["errors"] == expected and not result["written"]
        assert fingerprint(empty_path) == before
    assert not (empty_path.parent / "backups").exists()


def test_a_huge_lead_amount_is_refused(tmp_path: Path, empty_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = simple_book(tmp_path / "t.xlsx", ["企业名称", "客商姓名", "意向投资额（亿）"], [["沈阳华晟机械有限公司", "周建华", 2e5]])
    before = fingerprint(empty_path)
    code, result = run_json(capsys, "import", str(path), "--ledger", str(empty_path))
    assert code == 3 and result["kind"] == "leads"
    assert [(e["row"], e["column_letter"], TOO_LARGE in e["message"]) for e in result["errors"]] == [(2, "C", True)]
    assert fingerprint(empty_path) == before


# ------------------------------------------------- 3. matched, not renamed
def test_a_project_matched_by_its_spaced_name_keeps_the_ledgers_name(tmp_path: Path, demo_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    with Ledger.open(demo_path) as ledger:
        old = ledger.projects.all()[0]
        unit = ledger.units.get(old.unit_id).name
    variant = spaced(old.name)
    assert variant != old.name
    path = simple_book(tmp_path / "t.xlsx", ["项目名称", "所属单位", "备注"], [[variant, " ".join(unit), "导入时补充"]])
    code, dry = run_json(capsys, "import", str(path), "--ledger", str(demo_path), "--dry-run")
    assert code == 0 and (dry["created"], dry["updated"], dry["errors"]) == (0, 1, [])
    assert dry["changes"][0]["name"] == old.name
    assert dry["changes"][0]["changes"] == [f"备注：{old.note} → 导入时补充"]  # 项目名称 not listed
    code, result = run_json(capsys, "import", str(path), "--ledger", str(demo_path))
    assert code == 0 and result["updated"] == 1
    assert old.id is not None
    with Ledger.open(demo_path) as ledger:
        saved = ledger.projects.get(old.id)
    assert (saved.name, saved.unit_id, saved.note) == (old.name, old.unit_id, "导入时补充")

    # Imported again: the spaced name alone changes nothing.
    path = simple_book(tmp_path / "t2.xlsx", ["项目名称", "备注"], [[variant, "导入时补充"]])
    code, dry = run_json(capsys, "import", str(path), "--ledger", str(demo_path), "--dry-run")
    assert code == 0 and (dry["updated"], dry["unchanged"]) == (0, 1), dry


def test_a_lead_matched_by_spaced_names_keeps_the_ledgers_spelling(tmp_path: Path, empty: Ledger,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    empty.leads.add(Lead(unit_id=empty.unit_id, company="沈阳华晟机械有限公司", person_name="周建华"))
    path = empty.path
    empty.close()
    book = simple_book(tmp_path / "t.xlsx", ["企业名称", "客商姓名", "职务"], [["沈阳 华晟 机械有限公司", "周 建华", "总经理"]])
    code, dry = run_json(capsys, "import", str(book), "--ledger", str(path), "--dry-run")
    assert code == 0 and dry["updated"] == 1
    assert dry["changes"][0]["name"] == "沈阳华晟机械有限公司"
    assert dry["changes"][0]["changes"] == ["职务： → 总经理"]  # neither name listed
    code, result = run_json(capsys, "import", str(book), "--ledger", str(path))
    assert code == 0
    with Ledger.open(path) as ledger:
        (lead,) = ledger.leads.all()
    assert (lead.company, lead.person_name, lead.position) == ("沈阳华晟机械有限公司", "周建华", "总经理")


@pytest.mark.parametrize(("line", "unit"), [
    (["填报单位：韩家店镇", None, "单位：亿"], "亿元"),
    (["（单位：万）"], "万元"),
    (["单位: 亿  填报日期：2026年10月"], "亿元"),
    (["填报单位：万山镇"], None),  # the unit that reports, not a scale
    (["单位：万山镇人民政府"], None),
])
def test_a_unit_line_above_the_heading_with_a_short_unit(tmp_path: Path, line: list[object], unit: str | None) -> None:
    from desk.exchange.sheets.load import load_table

    path = simple_book(tmp_path / "t.xlsx", ["项目名称", "总投资"], [["物流园", 1.5]],
                       above=[["韩家店镇重点项目表"], line])
    assert load_table(path).table.sheet_unit == unit


def test_amounts_under_a_unit_line_in_yi_import_at_that_scale(tmp_path: Path, empty_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = simple_book(tmp_path / "t.xlsx", ["项目名称", "总投资"], [["物流园", 1.5]],
                       above=[["韩家店镇重点项目表"], ["填报单位：韩家店镇", None, "单位：亿"]])
    code, result = run_json(capsys, "import", str(path), "--ledger", str(empty_path))
    assert code == 0 and result["created"] == 1
    with Ledger.open(empty_path) as ledger:
        assert ledger.projects.by_name("物流园")[0].total_investment_wan == Decimal(15000)
