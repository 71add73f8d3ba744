"""``desk import`` as the district's IT person runs it, and what lands in the ledger."""

from __future__ import annotations

import json
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from desk.cli import main
from desk.core.glossary import Category, LeadState, Stage
from desk.store.ledger import Ledger
from tests.conftest import DATA, fixed_clock
from tests.sheets.books import project_row, simple_book, two_row_book

IMPORT = DATA / "import"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code, out, err = run(capsys, *args, "--json")
    return code, json.loads(out) if out.strip() else {"stderr": err}


def fingerprint(path: Path) -> list:
    conn = sqlite3.connect(path)
    try:
        return [conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("projects", "project_months", "leads", "stage_changes", "import_mappings")]
    finally:
        conn.close()


def test_import_a_township_table_then_again_as_updates(tmp_path: Path, empty_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    source = shutil.copy(IMPORT / "韩家店镇重点项目调度表.xlsx", tmp_path / "调度表.xlsx")
    code, dry = run_json(capsys, "import", str(source), "--ledger", str(empty_path), "--dry-run")
    assert code == 0
    assert (dry["rows"], dry["created"], dry["updated"], dry["errors"]) == (4, 4, 0, [])
    assert [c["row"] for c in dry["changes"]] == [5, 6, 7, 8] and not dry["written"]
    assert dry["sheets"] == [{"name": "项目台账", "rows": 11, "cols": 15, "hidden": False, "problem": None}]
    assert "名称：韩家店镇现代物流园" not in dry["changes"][1]["changes"]
    assert "总投资(万元)：（空） → 15,000" in dry["changes"][1]["changes"]
    assert fingerprint(empty_path)[0] == []  # a dry run writes nothing

    code, result = run_json(capsys, "import", str(source), "--ledger", str(empty_path))
    assert code == 0 and (result["created"], result["updated"], result["written"]) == (4, 0, True)
    with Ledger.open(empty_path) as ledger:
        projects = {p.name: p for p in ledger.projects.all()}
        logistics = projects["韩家店镇现代物流园"]
        assert logistics.stage == Stage.NEW_START and logistics.category == Category.SERVICE
        assert logistics.total_investment_wan == Decimal(15000)  # "１．５亿元"
        assert str(logistics.start_date) == "2026-03-01"
        assert projects["玛瑙文化园二期"].total_investment_wan == Decimal(8000)
        assert str(projects["食用菌产业园"].start_date) == "2025-04-18"
        month = ledger.months.get_for(logistics.id, "2026-10")  # the month named in the title
        assert month is not None and month.invested_month_wan == Decimal("120.5") and month.progress == "主体结构施工中"
        entry = ledger.audit_entries("projects")[0]
        assert entry.action == "import" and entry.changes["file"] == [None, "调度表.xlsx"]
        import hashlib
        assert entry.changes["sha256"] == [None, hashlib.sha256(source.read_bytes()).hexdigest()]
    assert [p.name for p in (empty_path.parent / "backups").iterdir() if "导入前" in p.name]

    # The clerk edits two cells and imports the sheet again: two fields change, nothing is duplicated.
    rows = [project_row(1, "年产5万吨钒钛新材料项目", owner="阜新恒通新材料有限公司", total=36000, stage="续建"),
            project_row(4, "食用菌产业园", owner="韩家店镇食用菌专业合作社", category="农业产业化", stage="竣工",
                        total=5000, plan=1500, month=120, ytd=900, start="2025年4月18日")]
    edited = two_row_book(tmp_path / "调度表2.xlsx", rows)
    code, dry = run_json(capsys, "import", str(edited), "--ledger", str(empty_path), "--dry-run")
    assert (dry["created"], dry["updated"]) == (0, 2)
    changes = {c["name"]: c["changes"] for c in dry["changes"]}
    assert "总投资(万元)：32,000 → 36,000" in changes["年产5万吨钒钛新材料项目"]
    assert "项目阶段：在建 → 竣工" in changes["食用菌产业园"]
    code, result = run_json(capsys, "import", str(edited), "--ledger", str(empty_path))
    assert code == 0
    with Ledger.open(empty_path) as ledger:
        assert ledger.count("projects") == 4
        assert ledger.projects.by_name("食用菌产业园")[0].stage == Stage.COMPLETED


def test_one_bad_cell_and_nothing_is_written(tmp_path: Path, empty_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    rows = [project_row(n) for n in range(1, 40)] + [project_row(40, total="约五千万", start=2018.1)]
    path = two_row_book(tmp_path / "t.xlsx", rows)
    before = fingerprint(empty_path)
    code, result = run_json(capsys, "import", str(path), "--ledger", str(empty_path))
    assert code == 3
    assert result["rows"] == 40 and not result["written"]
    assert result["errors"] == [
        {"row": 44, "column": "投资情况/总投资（万元）", "column_letter": "G", "message": "“约五千万”不是金额"},
        {"row": 44, "column": "开工时间", "column_letter": "K",
         "message": "“2018.1”分不清是 2018年1月 还是 2018年10月，请写成“2018年1月”或“2018年10月”"},
    ]
    assert fingerprint(empty_path) == before
    assert not (empty_path.parent / "backups").exists()  # refused before anything, the backup included
    code, out, err = run(capsys, "import", str(path), "--ledger", str(empty_path))
    assert code == 3 and "第 44 行 G列“投资情况/总投资（万元）”：“约五千万”不是金额" in err
    assert "没有导入任何内容" in err


def test_rows_that_break_the_rules_are_refused(tmp_path: Path, demo_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    with Ledger.open(demo_path) as ledger:
        done = next(p for p in ledger.projects.all() if p.stage == Stage.PRODUCTION)
        unit = ledger.units.get(done.unit_id).name
    path = simple_book(tmp_path / "t.xlsx", ["项目名称", "所属单位", "项目阶段", "总投资", "年度计划投资"], [
        [done.name, unit, "在建", None, None],  # a finished project cannot go back
        ["新项目", "不存在的镇", "储备", None, None],
        ["新项目二", None, "储备", 100, 500],  # the year's plan above the total
        ["新项目二", None, "储备", 100, 50],  # the same project twice
    ])
    before = fingerprint(demo_path)
    code, result = run_json(capsys, "import", str(path), "--ledger", str(demo_path))
    assert code == 3
    messages = [(e["row"], e["message"]) for e in result["errors"]]
    assert messages[0] == (2, "项目已投产，不能再改为其他阶段（台账中是“投产”）")
    assert messages[1][0] == 3 and messages[1][1].startswith("台账中没有单位“不存在的镇”。现有单位：阜新市、海州区、韩家店镇")
    assert messages[2] == (4, "年度计划投资不能大于总投资")
    assert messages[3] == (5, "与第 4 行是同一个项目“新项目二”")
    assert fingerprint(demo_path) == before


def test_without_a_name_column_the_command_lists_what_is_missing(tmp_path: Path, empty_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = simple_book(tmp_path / "t.xlsx", ["单位", "金额", "说明"], [["甲", 1, "x"]])
    code, out, err = run(capsys, "import", str(path), "--ledger", str(empty_path))
    assert code == 3 and out == ""
    assert "无法自动确定必需的列：项目名称" in err and "“金额”" in err


def test_month_figures_need_a_month_and_an_open_one(tmp_path: Path, empty_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = simple_book(tmp_path / "t.xlsx", ["项目名称", "本月完成投资", "形象进度"], [["物流园", 20, "基础施工"]])
    code, result = run_json(capsys, "import", str(path), "--ledger", str(empty_path), "--month", "2026-09")
    assert code == 3 and result["errors"][0]["message"] == \
        "年度累计完成投资不能小于本月完成投资（表中没有“年度累计完成投资(万元)”列）"
    path = simple_book(tmp_path / "t.xlsx", ["项目名称", "本月完成投资", "1-9月累计完成投资", "形象进度"],
                       [["物流园", 20, 20, "基础施工"]])
    code, result = run_json(capsys, "import", str(path), "--ledger", str(empty_path))
    assert code == 3 and "请指定是哪个月份" in result["errors"][0]["message"]
    code, result = run_json(capsys, "import", str(path), "--ledger", str(empty_path), "--month", "2026-09")
    assert code == 0 and result["created"] == 1
    with Ledger.open(empty_path) as ledger:
        ledger.clock = fixed_clock
        project = ledger.projects.by_name("物流园")[0]
        assert ledger.months.get_for(project.id, "2026-09").progress == "基础施工"
        with ledger.transaction():
            ledger.conn.execute("INSERT INTO submissions (unit_id, month, version, status, created_at)"
                                " VALUES (?, '2026-08', 1, 'submitted', '2026-09-01')", (ledger.unit_id,))
    code, result = run_json(capsys, "import", str(path), "--ledger", str(empty_path), "--month", "2026-08")
    assert code == 3 and "2026年8月已报送" in result["errors"][0]["message"]


def test_leads_import(empty_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_json(capsys, "import", str(IMPORT / "招商线索.xlsx"), "--ledger", str(empty_path))
    assert code == 0 and (result["kind"], result["created"]) == ("leads", 3)
    with Ledger.open(empty_path) as ledger:
        leads = {lead.person_name: lead for lead in ledger.leads.all()}
    assert leads["周建华"].company == "沈阳华晟机械有限公司" and leads["周建华"].phone == "138 0000 1234"
    assert leads["周建华"].state == LeadState.NEGOTIATING and str(leads["周建华"].visit_date) == "2026-10-09"
    assert leads["郑志强"].company == "" and str(leads["郑志强"].visit_date) == "2026-10-21"
    code, result = run_json(capsys, "import", str(IMPORT / "招商线索.xlsx"), "--ledger", str(empty_path))
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, 3)


def test_a_confirmed_mapping_is_used_for_the_next_file_with_the_same_heading(
        tmp_path: Path, empty_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from desk.exchange.sheets.load import load_table
    from desk.exchange.sheets.mapping import Mapping
    from desk.store.importing import remember_mapping

    path = simple_book(tmp_path / "t.xlsx", ["名目", "钱"], [["物流园", 500]])
    code, _, err = run(capsys, "import", str(path), "--ledger", str(empty_path))
    assert code == 3 and "项目名称" in err
    with Ledger.open(empty_path) as ledger:
        ledger.clock = fixed_clock
        remember_mapping(ledger, load_table(path).table, Mapping("projects", {0: "name", 1: "total_investment_wan"}))
    other = simple_book(tmp_path / "t2.xlsx", ["名目", "钱"], [["冷链仓储", 300]])
    code, result = run_json(capsys, "import", str(other), "--ledger", str(empty_path))
    assert code == 0 and result["created"] == 1
    with Ledger.open(empty_path) as ledger:
        assert ledger.projects.by_name("冷链仓储")[0].total_investment_wan == Decimal(300)


@pytest.fixture
def empty_path(empty: Ledger) -> Path:
    path = empty.path
    empty.close()
    return path


def test_a_failure_while_writing_rolls_everything_back(tmp_path: Path, demo: Ledger,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from desk.exchange.sheets.load import load_table
    from desk.store.importing import ImportSource, apply_import, automatic_mapping

    existing = demo.projects.all()[0]
    unit = demo.units.get(existing.unit_id).name
    path = simple_book(tmp_path / "t.xlsx", ["项目名称", "所属单位", "总投资", "备注"],
                       [["全新的项目", unit, 100, ""], [existing.name, unit, None, "导入时补充的备注"]])
    loaded = load_table(path)
    mapping = automatic_mapping(demo, loaded.table)
    before = fingerprint(demo.path)
    audit = demo.audit

    def failing(action: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if action == "import":  # the very last write of the import
            raise OSError("磁盘出错")
        return audit(action, *args, **kwargs)

    monkeypatch.setattr(demo, "audit", failing)
    with pytest.raises(OSError):
        apply_import(demo, loaded.table, mapping, ImportSource.of(path, loaded.sha256))
    monkeypatch.undo()
    assert fingerprint(demo.path) == before
    assert demo.projects.get(existing.id).note == existing.note
    assert [b for b in (demo.path.parent / "backups").iterdir() if "导入前" in b.name]  # taken first
    result = apply_import(demo, loaded.table, mapping, ImportSource.of(path, loaded.sha256))
    assert (result.created, result.updated) == (1, 1)
    assert demo.projects.get(existing.id).note == "导入时补充的备注"


def test_a_dry_run_of_leads_masks_their_contact_details(empty_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the dry run's listing goes to whoever runs the command (a script, the IT person): contact
    # details are personal information and are masked there as in every list
    code, result = run_json(capsys, "import", str(IMPORT / "招商线索.xlsx"), "--ledger", str(empty_path), "--dry-run")
    assert code == 0
    listed = json.dumps(result["changes"], ensure_ascii=False)
    assert "电话：（空） → 138****1234" in listed
    assert "138 0000" not in listed and "1380000" not in listed and "0411-****6666" in listed


def test_a_heading_that_only_contains_a_required_name_is_a_guess_the_command_refuses(
        tmp_path: Path, empty_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """In the window the clerk confirms such a guess; the command line has no one to ask, so it
    names the guess and writes nothing, until the clerk has confirmed the mapping once."""
    from desk.exchange.sheets.load import load_table
    from desk.exchange.sheets.mapping import suggest
    from desk.store.importing import remember_mapping

    path = simple_book(tmp_path / "拟建.xlsx", ["序号", "拟建项目名称及主要内容", "总投资（万元）"],
                       [[1, "冷链物流园", 800]])
    before = fingerprint(empty_path)
    code, out, err = run(capsys, "import", str(path), "--ledger", str(empty_path))
    assert code == 3 and out == ""
    assert "项目名称只是猜测（表头“拟建项目名称及主要内容”与“项目名称”的常用写法不完全相同" in err
    code, result = run_json(capsys, "import", str(path), "--ledger", str(empty_path))
    assert code == 3 and result["missing"] == ["项目名称"] and not result["written"]
    assert "只是猜测" in result["errors"][0]["message"] and result["errors"][0]["row"] is None
    assert fingerprint(empty_path) == before

    table = load_table(path).table
    with Ledger.open(empty_path) as ledger:  # what 导入表格… does when the clerk confirms the guess
        ledger.clock = fixed_clock
        remember_mapping(ledger, table, suggest(table, "projects").mapping)
    code, result = run_json(capsys, "import", str(path), "--ledger", str(empty_path))
    assert code == 0 and result["created"] == 1


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_with_json_a_file_that_cannot_be_read_still_answers_in_json(
        tmp_path: Path, empty_path: Path, capsys: pytest.CaptureFixture[str], dry_run: list[str]) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(b"%PDF-1.7 not a spreadsheet")
    code, out, err = run(capsys, "import", str(path), "--ledger", str(empty_path), "--json", *dry_run)
    assert code == 3
    result = json.loads(out)
    assert (result["rows"], result["created"], result["updated"], result["written"]) == (0, 0, 0, False)
    assert result["errors"] == [{"row": None, "column": None,
                                 "message": "“台账.xlsx”不是表格文件（看起来是PDF 文件）。请选择 .xlsx、.xlsm、.xls 或 .ods 文件。"}]
    assert err.startswith("错误：“台账.xlsx”不是表格文件")


def test_leads_with_an_exact_company_column_import_though_the_person_column_is_a_guess(
        tmp_path: Path, empty_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """企业名称或客商姓名 is one requirement: an exact 企业名称 settles it, whatever the
    other column of the pair matched by."""
    path = simple_book(tmp_path / "线索.xlsx", ["企业名称", "对接人姓名", "联系方式"],
                       [["沈阳华晟机械有限公司", "周建华", "13800001234"]])
    code, result = run_json(capsys, "import", str(path), "--ledger", str(empty_path), "--kind", "leads")
    assert code == 0 and result["created"] == 1, result
