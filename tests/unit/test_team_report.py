"""A team's monthly report as the district reads it: the Excel cells and the PDF text."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from desk.cli import main
from desk.core.models import Lead, Team, Trip
from desk.exchange.team_report import VISIT_HEADERS
from desk.store.ledger import Ledger

MOBILE = re.compile(r"1[3-9]\d{9}")
TEAM = "木业深加工招商小分队"


def cells(path: Path) -> list[list[object]]:
    sheet = openpyxl.load_workbook(path).active
    return [list(row) for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def leaks_mobile(text: str) -> bool:
    return bool(MOBILE.search(re.sub(r"[\s\-–—.()+]", "", text)))


@pytest.fixture
def ledger(empty: Ledger) -> Ledger:
    """A team with two October trips (one short of the quotas) and four visits."""
    team = empty.teams.add(Team(TEAM, lead_unit="区林业局", member_units="区国土分局", leaders="韦长安、张斌",
                                sector_focus="木材深加工、高端家私"))
    good = empty.trips.add(Trip(team.id, date(2026, 10, 8), date(2026, 10, 10), "广东佛山", 7))
    short = empty.trips.add(Trip(team.id, date(2026, 10, 20), date(2026, 10, 21), "福建莆田", 4))
    people = [
        ("佛山华美家私有限公司", "陈建华", "董事长", "+86 139 2345 6789", good.id, "广东省佛山市顺德区乐从镇家私城88号"),
        ("佛山森源木业有限公司", "林晓东", "总经理", "0757-2345678 转 801", good.id, "佛山市南海区里水镇"),
        ("顺德竹木芒编工艺厂", "黄丽萍", "厂长", "13612345678", good.id, "佛山市顺德区"),
        ("莆田木雕工艺品有限公司", "郑国庆", "总经理", "15912345678", short.id, "福建省莆田市仙游县"),
    ]
    for company, person, position, phone, trip_id, address in people:
        empty.leads.add(Lead(company=company, person_name=person, position=position, phone=phone,
                             email=f"{person}@example.com".replace(person, "boss"), wechat="wx_boss",
                             address=address, business_scope="实木家具生产、销售", intent_industry="高端家私",
                             intent_amount_wan=Decimal(5000), intent_location="韩家店镇工业园", intent_form="独资新建",
                             visit_date=date(2026, 10, 9), team_id=team.id, trip_id=trip_id))
    return empty


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_report_has_exactly_the_fields_003_asks_for_and_masks_contacts(
        ledger: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(ledger.path)
    ledger.close()
    code, out, err = run(capsys, "leads", "report", "--ledger", path, "--team", TEAM, "--month", "2026-10",
                         "--out", str(tmp_path / "out"), "--json")
    assert code == 0 and err == ""
    files = [Path(f) for f in json.loads(out)["files"]]
    assert [f.suffix for f in files] == [".xlsx", ".pdf"] and all(f.is_file() for f in files)
    rows = cells(files[0])
    assert rows[0][0] == "木业深加工招商小分队2026年10月招商引资工作情况"
    assert rows[1][0] == "填报单位：区林业局"
    header = next(r for r in rows if r[0] == "序号" and "客商姓名" in r)
    assert tuple(v for v in header[1:] if v) == VISIT_HEADERS
    start = rows.index(header) + 1
    visits = rows[start:start + 4]
    assert [v[1] for v in visits] == ["陈建华", "林晓东", "黄丽萍", "郑国庆"]
    assert visits[0][2:5] == ["佛山华美家私有限公司", "广东省佛山市顺德区乐从镇家私城88号", "董事长"]
    assert visits[0][5] == "139****6789\nb***@example.com\n微信 w***s"
    assert visits[1][5].startswith("0757-****678转801")
    assert visits[0][7] == "高端家私；独资新建；韩家店镇工业园；意向投资5,000万元"
    everything = "\n".join(str(v) for row in rows for v in row if v is not None)
    assert not leaks_mobile(everything)
    trips = [r for r in rows if isinstance(r[1], object) and r[3] in ("广东佛山", "福建莆田")]
    assert [r[6] for r in trips] == ["达标", "未达标：拜访企业 4 家，少于 6 家；带回线索 1 条，少于 3 条"]
    assert any(r[0] == "合计（外出 2 次）" and r[4] == 11 and r[5] == 4 for r in rows)
    assert any(str(r[0]).startswith("填报人：张三") for r in rows)

    text = pdf_text(files[1])
    flat = re.sub(r"\s", "", text)
    for needle in ("木业深加工招商小分队2026年10月招商引资工作情况", "一、外出招商情况", "二、拜访客商情况",
                   "陈建华", "139****6789", "0757-****678转801", "未达标", "考核标准", "填报人"):
        assert needle in flat, needle
    assert re.search(r"第1页共\d页", flat)
    assert not leaks_mobile(text)
    reopened = Ledger.open(path)
    entry = reopened.audit_entries("team")[0]
    reopened.close()
    assert entry.action == "export" and "联系方式已隐藏" in entry.summary


def test_full_contacts_only_when_chosen_and_audited(ledger: Ledger, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = str(ledger.path)
    ledger.close()
    code, out, err = run(capsys, "leads", "report", "--ledger", path, "--team", TEAM, "--month", "2026-10",
                         "--out", str(tmp_path), "--full-contacts")
    assert code == 0 and "个人信息" in err
    xlsx, pdf = (Path(line) for line in out.split())
    assert "含完整联系方式" in xlsx.name
    everything = "\n".join(str(v) for row in cells(xlsx) for v in row if v is not None)
    assert "13923456789" in everything and "0757-2345678转801" in everything and "boss@example.com" in everything
    assert "属个人信息" in everything
    assert "13923456789" in re.sub(r"\s", "", pdf_text(pdf))
    reopened = Ledger.open(path)
    entry = reopened.audit_entries("team")[0]
    reopened.close()
    assert entry.action == "export_full" and "含完整联系方式（个人信息）" in entry.summary


def test_an_empty_month_still_gives_the_form(ledger: Ledger, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = str(ledger.path)
    ledger.close()
    code, out, _ = run(capsys, "leads", "report", "--ledger", path, "--team", TEAM, "--month", "2026-09",
                       "--out", str(tmp_path))
    assert code == 0
    rows = cells(Path(out.split()[0]))
    texts = [r[0] for r in rows] + [r[1] for r in rows if len(r) > 1]
    assert "本月没有外出招商" in texts and "本月没有拜访记录" in texts


def test_wrong_team_month_or_folder_is_explained(ledger: Ledger, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = str(ledger.path)
    ledger.close()
    code, _, err = run(capsys, "leads", "report", "--ledger", path, "--team", "纺织小分队", "--month", "2026-10",
                       "--out", str(tmp_path))
    assert code == 4 and f"找不到招商小分队“纺织小分队”。可选：{TEAM}" in err
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code, _, err = run(capsys, "leads", "report", "--ledger", path, "--team", TEAM, "--month", "2026-10",
                       "--out", str(blocker))
    assert code == 1 and "输出位置不是文件夹" in err
    code, _, err = run(capsys, "leads", "report", "--ledger", path, "--team", TEAM, "--month", "2026-10",
                       "--out", str(blocker / "below"))
    assert code == 1 and "无法建立文件夹" in err and "文件而不是文件夹" in err and "Errno" not in err
    code, _, err = run(capsys, "leads", "report", "--ledger", path, "--team", TEAM, "--month", "2027-05",
                       "--out", str(tmp_path / "future"))
    assert code == 5 and "2027年5月还没有到" in err and not (tmp_path / "future").exists()
    with pytest.raises(SystemExit) as caught:
        main(["leads", "report", "--ledger", path, "--team", TEAM, "--month", "2026-13", "--out", str(tmp_path)])
    assert caught.value.code == 2


def test_teams_json_lists_names_and_the_month(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(ledger.path)
    ledger.close()
    code, out, _ = run(capsys, "leads", "teams", "--ledger", path, "--month", "2026-10", "--json")
    (team,) = json.loads(out)
    assert code == 0 and team["name"] == TEAM
    assert (team["trips"], team["trips_ok"], team["trips_failed"], team["companies_visited"], team["leads"]) == (
        2, 1, 1, 11, 4)
