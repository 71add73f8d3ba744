"""``desk standards …`` and ``desk check`` as the district's IT person uses them."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from desk import paths
from desk.cli import main
from desk.core.glossary import Category, Evidence, Stage
from desk.core.models import Project, ProjectMonth
from desk.store.ledger import Ledger

CASES = [
    {"id": "P-1", "claim": "new_start", "category": "industrial", "total_investment_wan": 12000,
     "completed_investment_wan": 300, "evidence": ["site_leveling", "trenching"]},
    {"id": "P-2", "claim": "new_start", "category": "service", "total_investment_wan": 12000,
     "completed_investment_wan": 300, "evidence": ["site_leveling"]},
    {"id": 3, "claim": "new_start", "category": "tourism", "total_investment_wan": 30000,
     "completed_investment_wan": 500, "evidence": ["piling"]},
    {"id": "P-4", "claim": "completion", "category": "industrial", "total_investment_wan": 8000,
     "completed_investment_wan": 0, "evidence": ["contract_complete", "equipment_installed", "trial_production"]},
    {"id": "P-5", "claim": "completion", "category": "agricultural", "total_investment_wan": 12000,
     "completed_investment_wan": 0, "evidence": ["contract_complete", "equipment_installed"]},
]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, data: object, name: str = "cases.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_check_cases_prints_verdicts_in_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "standards", "check", str(write(tmp_path, CASES)), "--profile", "panjin-2018",
                         "--json")
    assert code == 0 and err == ""
    results = json.loads(out)
    assert [list(r) for r in results] == [["id", "recognised", "counted", "reasons"]] * 5
    assert [(r["id"], r["recognised"], r["counted"]) for r in results] == [
        ("P-1", True, True), ("P-2", False, False), (3, False, False), ("P-4", True, False), ("P-5", False, False)]
    assert "已开槽（场地平整本身不计）（盘锦2018 五.3）" in results[0]["reasons"]
    assert "场地平整不予认定（盘锦2018 五.3）" in results[1]["reasons"]
    assert "现场无施工场面，不予认定（盘锦2018 五.3）" in results[2]["reasons"]
    assert "未进行试生产，不予认定（盘锦2018 五.3）" in results[4]["reasons"]


def test_the_same_cases_under_haizhou_count_the_5000_band(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "standards", "check", str(write(tmp_path, CASES)), "--profile", "haizhou-2019", "--json")
    assert code == 0
    assert json.loads(out)[3]["counted"] is True  # 8000 万元 is 5000万元以上


def test_a_profile_file_by_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = paths.resource("standards", "panjin-2018.toml").read_text(encoding="utf-8")
    profile = tmp_path / "低门槛.toml"
    profile.write_text(text.replace('name = "panjin-2018"', 'name = "low"').replace("threshold_wan = 10000",
                                                                                    "threshold_wan = 5000"),
                       encoding="utf-8")
    code, out, _ = run(capsys, "standards", "check", str(write(tmp_path, CASES[3:4])), "--profile", str(profile),
                       "--json")
    assert code == 0 and json.loads(out)[0]["counted"] is True


def test_text_output_reads_like_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "standards", "check", str(write(tmp_path, CASES)))
    assert code == 0
    assert out.splitlines()[0] == "认定标准：盘锦2018：亿元以上产业项目（panjin-2018）"
    assert "P-2：不予认定" in out and "共 5 个案例，认定 2 个，不予认定 3 个" in out


@pytest.mark.parametrize(("data", "words"), [
    ({"id": 1}, "案例文件应为 JSON 列表"),
    ([CASES[0], {**CASES[1], "claim": "started"}], "第 2 个案例（id “P-2”）：claim “started”不对，可选：new_start（新开工）"),
    ([{**CASES[0], "evidence": ["piling", "drilling"]}], "第 1 个案例（id “P-1”）：evidence 中的“drilling”不是认定证据"),
    ([{k: v for k, v in CASES[0].items() if k != "category"}], "第 1 个案例（id “P-1”）：缺少 category"),
    ([{**CASES[0], "total_investment_wan": "很多"}], "第 1 个案例（id “P-1”）：total_investment_wan 应为数字（万元）"),
    ([{**CASES[0], "completed_investment_wan": None}], "completed_investment_wan 应为数字（万元）"),
    ([CASES[0], "P-2"], "第 2 个案例：应为 JSON 对象"),
    ([{**CASES[0], "evidance": []}], "有不认识的字段 evidance"),
])
def test_a_malformed_case_names_the_case_and_field(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: object,
                                                    words: str) -> None:
    code, out, err = run(capsys, "standards", "check", str(write(tmp_path, data)), "--json")
    assert code == 3 and out == ""
    assert err.startswith("错误：案例文件有误") or err.startswith("错误：案例文件格式不对")
    assert words in err


def test_broken_json_and_unknown_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cases.json"
    path.write_text('[{"id": 1,}]', encoding="utf-8")
    code, _, err = run(capsys, "standards", "check", str(path))
    assert code == 3 and "第 1 行第 11 列附近不是有效的 JSON" in err
    code, _, err = run(capsys, "standards", "check", str(write(tmp_path, CASES)), "--profile", "beijing")
    assert code == 4 and "未知的认定标准“beijing”，可选：generic、haizhou-2019、panjin-2018" in err
    code, _, err = run(capsys, "standards", "check", str(tmp_path / "none.json"))
    assert code == 4 and "找不到案例文件" in err


def test_list_show_import_and_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = tmp_path / "镇.desk"
    assert run(capsys, "init", "--ledger", str(ledger), "--unit", "韩家店镇")[0] == 0
    code, out, _ = run(capsys, "standards", "list", "--json")
    assert code == 0 and [r["name"] for r in json.loads(out)] == ["generic", "haizhou-2019", "panjin-2018"]
    code, out, _ = run(capsys, "standards", "show", "haizhou-2019")
    assert code == 0 and 'name = "haizhou-2019"' in out
    text = out.replace('name = "haizhou-2019"', 'name = "haizhou-2020"').replace("threshold_wan = 5000",
                                                                                 "threshold_wan = 3000")
    new = tmp_path / "haizhou-2020.toml"
    new.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "standards", "import", str(new), "--ledger", str(ledger), "--use")
    assert code == 0 and "已导入认定标准" in out and "本台账选用的标准：haizhou-2020" in out
    code, out, _ = run(capsys, "standards", "list", "--ledger", str(ledger), "--json")
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["haizhou-2020"]["in_use"] and not rows["haizhou-2020"]["builtin"]
    assert rows["haizhou-2020"]["threshold_wan"] == 3000
    code, _, err = run(capsys, "standards", "import", str(new), "--ledger", str(ledger))
    assert code == 0  # the same text again: nothing to do
    new.write_text(text.replace("threshold_wan = 3000", "threshold_wan = 2000"), encoding="utf-8")
    code, _, err = run(capsys, "standards", "import", str(new), "--ledger", str(ledger))
    assert code == 5 and "--replace" in err
    code, out, _ = run(capsys, "standards", "use", "panjin-2018", "--ledger", str(ledger))
    assert code == 0 and "盘锦2018" in out
    code, _, err = run(capsys, "standards", "use", "nowhere", "--ledger", str(ledger))
    assert code != 0 and "台账中没有认定标准“nowhere”" in err


@pytest.fixture
def claimed_ledger(tmp_path: Path) -> Path:
    path = tmp_path / "claims.desk"
    ledger = Ledger.create(path, "韩家店镇", clerk="张三")
    with ledger.transaction():
        for name, category, evidence, plan in (
            ("开槽项目", Category.INDUSTRIAL, {Evidence.TRENCHING}, ["new_start", "construction", "construction"]),
            ("平整项目", Category.INDUSTRIAL, {Evidence.SITE_LEVELING}, ["new_start", "construction", "construction"]),
            ("停工项目", Category.INDUSTRIAL, {Evidence.PILING}, ["new_start", "stopped", "stopped"]),
        ):
            project = ledger.projects.add(Project(name=name, unit_id=ledger.unit_id, category=category,
                                                  total_investment_wan=Decimal(20000)))
            ytd = Decimal(0)
            for index, stage in enumerate(plan, start=8):
                amount = Decimal(0) if stage == "stopped" else Decimal(300)
                ytd += amount
                ledger.months.save(ProjectMonth(project_id=project.id or 0, month=f"2026-{index:02d}",
                                                stage=Stage(stage), invested_month_wan=amount, invested_ytd_wan=ytd,
                                                evidence=frozenset(evidence) if stage == "new_start" else frozenset()))
    ledger.close()
    return path


def test_check_a_ledger_month(claimed_ledger: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--ledger", str(claimed_ledger), "--month", "2026-08", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["month"] == "2026-08" and data["profile"] == "panjin-2018"
    assert [(v["name"], v["claim"], v["recognised"], v["counted"]) for v in data["verdicts"]] == [
        ("开槽项目", "new_start", True, True), ("平整项目", "new_start", False, False),
        ("停工项目", "new_start", True, True)]
    assert "场地平整不予认定（盘锦2018 五.3）" in data["verdicts"][1]["reasons"]
    assert data["review"] == []
    code, out, _ = run(capsys, "check", "--ledger", str(claimed_ledger), "--month", "2026-10", "--json")
    data = json.loads(out)
    assert data["verdicts"] == []
    assert [(r["name"], r["status"], r["status_label"], r["start_month"]) for r in data["review"]] == [
        ("停工项目", "dropped", "剔除（停工）", "2026-08")]
    assert data["review"][0]["events"][-1] == "2026年9月 停工：新开工项目剔除，不计得分（盘锦2018 五.2）"
    code, out, _ = run(capsys, "check", "--ledger", str(claimed_ledger))
    assert code == 0 and out.startswith("2026年10月") and "剔除（停工）" in out
    with pytest.raises(SystemExit) as caught:
        main(["check", "--ledger", str(claimed_ledger), "--month", "2026-13"])
    assert caught.value.code == 2 and "月份不对：2026-13" in capsys.readouterr().err
