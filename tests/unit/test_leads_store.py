"""Leads in the ledger: saving, moving, landing, duplicates, personal information, teams."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from desk.cli import main
from desk.core import leads as lead_rules
from desk.core.errors import RefusedError, ValidationError
from desk.core.glossary import Category, LeadSource, LeadState, Stage
from desk.core.models import FollowUp, Lead, Project, Team, Trip
from desk.core.periods import Month
from desk.core.teams import Quotas
from desk.store.lead_queries import LeadFilter
from desk.store.ledger import Ledger
from tests.conftest import TODAY


def new_lead(ledger: Ledger, **fields: object) -> Lead:
    base: dict[str, object] = {"company": "辽宁恒通风电装备有限公司", "person_name": "王建华", "position": "总经理",
                               "phone": "+86 138-1234-5678", "visit_date": date(2026, 11, 3)}
    base.update(fields)
    return ledger.leads.add(Lead(**base))  # type: ignore[arg-type]


def test_saving_normalises_contacts_and_refuses_what_cannot_be(empty: Ledger) -> None:
    lead = new_lead(empty, email="Wang＠Hengtong.COM", wechat=" wx_wang ")
    assert (lead.phone, lead.email, lead.wechat) == ("13812345678", "Wang@hengtong.com", "wx_wang")
    assert empty.leads.get(lead.id).phone == "13812345678"
    with pytest.raises(ValidationError) as caught:
        new_lead(empty, phone="0418-12345")
    assert "电话：" in caught.value.message and "0418" in caught.value.message
    with pytest.raises(ValidationError, match="企业名称和客商姓名至少填写一项"):
        empty.leads.add(Lead(phone="13812345678"))
    assert empty.count("leads") == 1


def test_moving_a_lead_through_its_states_is_audited(empty: Ledger) -> None:
    lead = new_lead(empty)
    empty.leads.move(lead.id, LeadState.NEGOTIATING)
    with pytest.raises(RefusedError, match="搁置线索须填写原因"):
        empty.leads.move(lead.id, LeadState.SHELVED)
    empty.leads.move(lead.id, LeadState.SHELVED, "企业年底前不投资")
    assert empty.leads.get(lead.id).state_reason == "企业年底前不投资"
    empty.leads.move(lead.id, LeadState.NEGOTIATING)
    empty.leads.move(lead.id, LeadState.SIGNED)
    with pytest.raises(RefusedError, match="不能从“签约”退回“线索”"):
        empty.leads.update(dataclasses.replace(empty.leads.get(lead.id), state=LeadState.LEAD))
    with pytest.raises(RefusedError, match="落地为项目"):
        empty.leads.update(dataclasses.replace(empty.leads.get(lead.id), state=LeadState.LANDED, project_id=None))
    summaries = [e.summary for e in reversed(empty.leads.history(lead.id))]
    assert summaries[1:] == [
        "线索“辽宁恒通风电装备有限公司”状态：线索 → 洽谈",
        "线索“辽宁恒通风电装备有限公司”状态：洽谈 → 搁置（企业年底前不投资）",
        "线索“辽宁恒通风电装备有限公司”状态：搁置 → 洽谈",
        "线索“辽宁恒通风电装备有限公司”状态：洽谈 → 签约",
    ]


def test_landing_makes_the_project_and_links_both_ways(empty: Ledger) -> None:
    lead = new_lead(empty, intent_industry="风电装备", intent_amount_wan=Decimal("35000"),
                    intent_location="韩家店镇工业园", state=LeadState.SIGNED)
    project = empty.leads.land(lead.id, name="恒通风电整机制造项目")
    landed = empty.leads.get(lead.id)
    assert landed.state == LeadState.LANDED and landed.project_id == project.id
    saved = empty.projects.get(project.id)
    assert (saved.name, saved.owner_company, saved.total_investment_wan, saved.industry, saved.location) == (
        "恒通风电整机制造项目", "辽宁恒通风电装备有限公司", Decimal("35000"), "风电装备", "韩家店镇工业园")
    assert saved.stage == Stage.SIGNED and saved.source_lead_id == lead.id and saved.unit_id == empty.unit_id
    assert saved.category == Category.INDUSTRIAL
    assert empty.leads.origin_of_project(project.id).id == lead.id
    assert "落地为项目“恒通风电整机制造项目”（项目编号" in empty.leads.history(lead.id)[0].summary
    assert empty.projects.history(project.id)[0].summary.startswith("由线索“辽宁恒通风电装备有限公司”落地为项目")
    assert [c.to_stage for c in empty.projects.stage_history(project.id)] == [Stage.SIGNED]
    with pytest.raises(RefusedError, match="状态不能再改变"):
        empty.leads.land(lead.id)
    with pytest.raises(RefusedError, match="不能删除"):
        empty.leads.delete(lead.id)


def test_landing_is_all_or_nothing(empty: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    lead = new_lead(empty, state=LeadState.SIGNED)
    before = empty.count("projects"), empty.count("audit_log")

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(type(empty.leads).__mro__[1], "update", broken)
    with pytest.raises(OSError):
        empty.leads.land(lead.id)
    assert (empty.count("projects"), empty.count("audit_log")) == before
    assert empty.leads.get(lead.id).state == LeadState.SIGNED


def test_landing_an_unsigned_lead_is_refused(empty: Ledger) -> None:
    lead = new_lead(empty, state=LeadState.NEGOTIATING)
    with pytest.raises(RefusedError, match="只有已签约的线索才能落地为项目（现在是“洽谈”）"):
        empty.leads.land(lead.id)
    assert empty.count("projects") == 0


@pytest.mark.parametrize(
    "spelling",
    ["辽宁恒通风电装备有限公司", "辽宁恒通风电装备 有限责任公司", "辽宁恒通风电装备股份有限公司", "（辽宁）恒通风电装备有限公司",
     "辽宁恒通风电装备", "辽宁恒通风电装备　有限公司", "【辽宁恒通】风电装备(有限公司)"],
)
def test_duplicate_companies_are_found_among_leads_and_projects(empty: Ledger, spelling: str) -> None:
    first = new_lead(empty)
    project = empty.projects.add(Project("恒通风电二期", unit_id=empty.unit_id, owner_company="辽宁【恒通】风电装备有限公司"))
    found = {(d.kind, d.id) for d in empty.leads.duplicates(spelling)}
    assert found == {("lead", first.id), ("project", project.id)}
    assert {(d.kind, d.id) for d in empty.leads.duplicates(spelling, exclude_lead=first.id)} == {
        ("project", project.id)}


def test_latin_company_names_are_compared_too(empty: Ledger) -> None:
    lead = new_lead(empty, company="ＡＢＣ Trading Co., Ltd.")
    assert [d.id for d in empty.leads.duplicates("abc trading co ltd")] == [lead.id]
    assert empty.leads.duplicates("abd trading co ltd") == []


def test_duplicates_name_what_they_found(empty: Ledger) -> None:
    lead = new_lead(empty)
    project = empty.projects.add(Project("恒通风电二期", unit_id=empty.unit_id, owner_company="辽宁恒通风电装备有限责任公司"))
    found = empty.leads.duplicates("辽宁恒通风电装备（有限公司）")
    assert [d.text() for d in found] == [
        "线索：辽宁恒通风电装备有限公司（王建华，线索）",
        "项目：恒通风电二期（建设单位 辽宁恒通风电装备有限责任公司，储备）",
    ]
    assert [(d.kind, d.id) for d in found] == [("lead", lead.id), ("project", project.id)]
    assert empty.leads.duplicates("辽宁恒通风电装备阜新分公司") == []
    assert empty.leads.duplicates("  ") == []


def test_overdue_in_sql_agrees_with_the_core(demo: Ledger) -> None:
    ids = set(demo.leads.overdue_ids(TODAY))
    assert ids
    for lead in demo.leads.all():
        followups = demo.followups.of_lead(lead.id)
        assert (lead.id in ids) == lead_rules.is_followup_overdue(lead, followups, TODAY), lead.id


def test_filters_combine(demo: Ledger) -> None:
    team = demo.teams.by_name("木业深加工招商小分队")
    ids = demo.leads.search_ids(LeadFilter(team_ids=frozenset({team.id}), states=frozenset({LeadState.NEGOTIATING})))
    assert ids and all(
        (lead.team_id, lead.state) == (team.id, LeadState.NEGOTIATING) for lead in demo.leads.by_ids(ids))
    some = demo.leads.by_ids(ids)[0]
    word = some.company[2:6]
    assert some.id in demo.leads.search_ids(LeadFilter(text=word))
    sources = demo.leads.search_ids(LeadFilter(sources=frozenset({LeadSource.INTERMEDIARY})))
    assert {demo.leads.get(i).intermediary for i in sources} == {"阜新市辽商总会"}
    assert demo.leads.search_ids(LeadFilter(text="100%_不存在")) == []


def test_reveal_and_full_exports_are_audited(empty: Ledger) -> None:
    lead = new_lead(empty, email="wang@hengtong.com")
    contacts = empty.leads.reveal(lead.id)
    assert contacts.phone == "13812345678" and contacts.email == "wang@hengtong.com"
    entry = empty.audit_entries("lead", lead.id)[0]
    assert (entry.action, entry.summary) == ("reveal", "查看线索“辽宁恒通风电装备有限公司”的完整联系方式")
    empty.leads.record_export("机械小分队2026年10月招商工作情况", "/tmp/x.xlsx", [lead.id], True)
    entry = empty.audit_entries("lead")[0]
    assert entry.action == "export_full" and "含完整联系方式（个人信息）" in entry.summary
    assert entry.changes["leads"] == [None, [lead.id]]


def test_follow_ups_are_validated_and_filed_under_the_lead(empty: Ledger) -> None:
    lead = new_lead(empty)
    with pytest.raises(ValidationError, match="下次跟进日期不能早于本次跟进日期"):
        empty.followups.add(FollowUp(lead.id, date(2026, 11, 5), "电话回访", next_date=date(2026, 11, 1)))
    with pytest.raises(ValidationError, match="请填写跟进情况"):
        empty.followups.add(FollowUp(lead.id, date(2026, 11, 5), " "))
    empty.followups.add(FollowUp(lead.id, date(2026, 11, 5), "电话回访", "邀请考察", date(2026, 11, 10)))
    assert empty.leads.overdue_ids(TODAY) == [lead.id]
    assert empty.leads.history(lead.id)[0].summary == "新增跟进记录（2026-11-05）"


def test_quotas_are_ledger_settings(empty: Ledger) -> None:
    assert empty.leads.quotas() == Quotas(6, 3, 28)
    empty.leads.set_quotas(Quotas(min_companies=5, min_leads=2, report_day=25))
    assert empty.leads.quotas() == Quotas(5, 2, 25)
    with pytest.raises(ValidationError, match="报送日应在 1 到 31 日之间"):
        empty.leads.set_quotas(Quotas(5, 2, 40))
    assert empty.leads.quotas() == Quotas(5, 2, 25)


def test_team_names_are_unique(empty: Ledger) -> None:
    empty.teams.add(Team("纺织和羽绒产业招商小分队"))
    with pytest.raises(ValidationError, match="已有名为“纺织和羽绒产业招商小分队”的招商小分队"):
        empty.teams.add(Team(" 纺织和羽绒产业招商小分队 "))


def test_team_month_counts_trips_and_visits(empty: Ledger) -> None:
    team = empty.teams.add(Team("木业深加工招商小分队", lead_unit="区林业局"))
    trip = empty.trips.add(Trip(team.id, date(2026, 10, 8), date(2026, 10, 10), "广东佛山", 7))
    late = empty.trips.add(Trip(team.id, date(2026, 10, 30), date(2026, 11, 2), "福建莆田", 4))
    for i in range(3):
        new_lead(empty, company=f"佛山家私{i}有限公司", team_id=team.id, trip_id=trip.id, visit_date=date(2026, 10, 9))
    new_lead(empty, company="莆田木业有限公司", team_id=team.id, trip_id=late.id, visit_date=date(2026, 11, 1))
    new_lead(empty, company="本地板材有限公司", team_id=team.id, visit_date=date(2026, 10, 20))
    new_lead(empty, company="上月板材有限公司", team_id=team.id, visit_date=date(2026, 9, 20))
    month = empty.leads.team_month(team.id, Month(2026, 10))
    assert [c.ok for c in month.trips] == [True, False]
    assert month.trips[1].verdict == "未达标：拜访企业 4 家，少于 6 家；带回线索 1 条，少于 3 条"
    assert [v.company for v in month.visits] == ["佛山家私0有限公司", "佛山家私1有限公司", "佛山家私2有限公司",
                                                 "本地板材有限公司", "莆田木业有限公司"]


def test_pipeline_of_a_period(demo: Ledger) -> None:
    whole = demo.leads.pipeline()
    assert whole.total == demo.count("leads")
    assert whole.landed == demo.count("leads", "state = 'landed'")
    october = demo.leads.pipeline(date(2026, 10, 1), date(2026, 10, 31))
    assert 0 < october.total < whole.total
    assert october.total == demo.count("leads", "visit_date LIKE '2026-10-%'")


def test_cli_teams_json_and_list_masks(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["leads", "teams", "--ledger", str(demo_path), "--month", "2026-10", "--json"]) == 0
    teams = json.loads(capsys.readouterr().out)
    assert len(teams) == 7 and teams[0]["name"] == "重大项目招商谈判小分队"
    wood = next(t for t in teams if t["name"] == "木业深加工招商小分队")
    assert wood["trips"] == 1 and wood["leads"] >= 1 and wood["report_deadline"] == "2026-10-28"
    assert main(["leads", "list", "--ledger", str(demo_path), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all("****" in r["phone"] for r in rows if r["phone"])


def test_the_json_list_marks_overdue_follow_ups(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["leads", "list", "--ledger", str(demo_path), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    ledger = Ledger.open(demo_path)
    try:
        expected = {lead.id for lead in ledger.leads.all()
                    if lead_rules.is_followup_overdue(lead, ledger.followups.of_lead(lead.id), TODAY)}
    finally:
        ledger.close()
    assert expected and {r["id"] for r in rows if r["overdue"]} == expected
