"""The lead state machine, company names, follow-up deadlines, landing, quotas and the pipeline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from desk.core import leads
from desk.core.errors import RefusedError
from desk.core.glossary import Category, LeadSource, LeadState, Stage
from desk.core.models import FollowUp, Lead, Team, Trip
from desk.core.periods import Month
from desk.core.pipeline import Pipeline, rate_text
from desk.core.teams import Quotas, build_team_month, check_trip
from desk.core.validation import lead_errors

S = LeadState


@pytest.mark.parametrize(
    ("current", "target"),
    [(S.LEAD, S.NEGOTIATING), (S.NEGOTIATING, S.SIGNED), (S.SIGNED, S.LANDED), (S.LEAD, S.SHELVED),
     (S.NEGOTIATING, S.ABANDONED), (S.SIGNED, S.SHELVED), (S.SHELVED, S.LEAD), (S.SHELVED, S.NEGOTIATING),
     (S.SHELVED, S.ABANDONED)],
)
def test_allowed_moves(current: LeadState, target: LeadState) -> None:
    assert leads.refusal(current, target, reason="企业暂缓投资") is None


@pytest.mark.parametrize(
    ("current", "target", "says"),
    [
        (S.LEAD, S.SIGNED, "不能从“线索”直接改为“签约”（须先洽谈）"),
        (S.LEAD, S.LANDED, "只有已签约的线索才能落地为项目（现在是“线索”）"),
        (S.NEGOTIATING, S.LANDED, "只有已签约的线索才能落地为项目"),
        (S.SIGNED, S.NEGOTIATING, "不能从“签约”退回“洽谈”"),
        (S.NEGOTIATING, S.LEAD, "不能从“洽谈”退回“线索”"),
        (S.LANDED, S.SHELVED, "线索已落地为项目，状态不能再改变"),
        (S.ABANDONED, S.LEAD, "已放弃的线索不能再改变状态"),
        (S.SHELVED, S.SIGNED, "搁置的线索须先恢复"),
        (S.LEAD, S.LEAD, "线索已处于“线索”状态"),
    ],
)
def test_refused_moves_say_why(current: LeadState, target: LeadState, says: str) -> None:
    assert says in (leads.refusal(current, target, reason="原因") or "")


def test_shelving_and_abandoning_need_a_reason_and_resuming_clears_it() -> None:
    lead = Lead(company="海州精密铸造有限公司", state=S.NEGOTIATING)
    with pytest.raises(RefusedError) as caught:
        leads.move(lead, S.SHELVED, "  ")
    assert caught.value.message == "线索“海州精密铸造有限公司”：搁置线索须填写原因"
    shelved = leads.move(lead, S.SHELVED, " 企业投资计划推迟 ")
    assert shelved.state == S.SHELVED and shelved.state_reason == "企业投资计划推迟"
    resumed = leads.move(shelved, S.NEGOTIATING)
    assert resumed.state == S.NEGOTIATING and resumed.state_reason == ""
    signed = leads.move(leads.move(Lead(person_name="张三"), S.NEGOTIATING), S.SIGNED)
    with pytest.raises(RefusedError, match="落地为项目"):
        leads.move(signed, S.LANDED)  # only through landing, which creates the project
    assert leads.next_states(S.SIGNED) == [S.SHELVED, S.ABANDONED]
    assert leads.next_states(S.LANDED) == [] and leads.next_states(S.ABANDONED) == []


@pytest.mark.parametrize(
    "spelling",
    [
        "中储粮（海州）粮油工业有限公司",
        "中储粮(海州)粮油工业有限公司",
        "中储粮【海州】粮油工业有限公司",
        "中储粮[海州]粮油工业有限责任公司",
        "中储粮 （海州） 粮油工业 股份有限公司",
        "中储粮（海州）粮油工业公司",
        "ＺＣＬ中储粮（海州）粮油工业有限公司".replace("ＺＣＬ", ""),
        "中储粮（海州）粮油工业",
    ],
)
def test_company_spellings_share_one_key(spelling: str) -> None:
    assert leads.company_key(spelling) == leads.company_key("中储粮（海州）粮油工业有限公司") == "中储粮海州粮油工业"


def test_company_keys_keep_what_makes_companies_different() -> None:
    assert leads.company_key("ＡＢＣ Co., Ltd.") == leads.company_key("abc co ltd") == "abc"
    assert not leads.same_company("海州精密铸造有限公司", "海州精密铸造有限公司阜新分公司")
    assert not leads.same_company("恒通集团有限公司", "恒通有限公司")
    assert not leads.same_company("", "")
    assert leads.company_key("有限公司") == "有限公司"  # a bare legal form is not emptied


def test_overdue_follow_up_is_the_latest_next_date_before_today() -> None:
    lead = Lead(company="甲公司", state=S.NEGOTIATING, id=1)
    today = date(2026, 11, 15)
    older = FollowUp(1, date(2026, 9, 1), "电话回访", next_date=date(2026, 9, 10), id=1)
    latest = FollowUp(1, date(2026, 11, 1), "实地考察", next_date=date(2026, 11, 20), id=2)
    assert not leads.is_followup_overdue(lead, [older, latest], today)
    assert leads.is_followup_overdue(lead, [older], today) and leads.overdue_days(lead, [older], today) == 66
    assert not leads.is_followup_overdue(lead, [], today)
    done = Lead(company="甲公司", state=S.ABANDONED, state_reason="不投了", id=1)
    assert not leads.is_followup_overdue(done, [older], today)
    no_next = FollowUp(1, date(2026, 11, 2), "企业回复暂不考虑", id=3)
    assert not leads.is_followup_overdue(lead, [older, latest, no_next], today)


def signed_lead(**changes: object) -> Lead:
    lead = Lead(company="北京恒通风电装备股份有限公司", person_name="王建华", phone="13812345678",
                intent_industry="风电装备", intent_amount_wan=Decimal("50000"), intent_location="韩家店镇工业园",
                intent_form="独资新建", business_scope="风电设备制造、销售", state=S.SIGNED, id=7)
    for name, value in changes.items():
        setattr(lead, name, value)
    return lead


def test_a_signed_lead_becomes_a_project_with_what_it_knows() -> None:
    project = leads.project_from_lead(signed_lead(), unit_id=3, on=date(2026, 11, 15))
    assert project.name == "北京恒通风电装备项目"
    assert (project.owner_company, project.total_investment_wan, project.industry, project.location) == (
        "北京恒通风电装备股份有限公司", Decimal("50000"), "风电装备", "韩家店镇工业园")
    assert (project.stage, project.stage_date, project.unit_id, project.source_lead_id) == (
        Stage.SIGNED, date(2026, 11, 15), 3, 7)
    assert (project.contact_person, project.contact_phone, project.category) == ("王建华", "13812345678",
                                                                                 Category.INDUSTRIAL)
    assert "独资新建" in project.note
    named = leads.project_from_lead(signed_lead(), unit_id=3, on=date(2026, 11, 15), name=" 风电整机项目 ",
                                    category=Category.SERVICE)
    assert named.name == "风电整机项目" and named.category == Category.SERVICE
    with pytest.raises(RefusedError, match="只有已签约的线索才能落地"):
        leads.project_from_lead(signed_lead(state=S.NEGOTIATING), unit_id=3, on=date(2026, 11, 15))
    with pytest.raises(RefusedError, match="已经落地"):
        leads.project_from_lead(signed_lead(project_id=9), unit_id=3, on=date(2026, 11, 15))


@pytest.mark.parametrize(
    ("industry", "category"),
    [("粮油加工", Category.AGRICULTURAL), ("温泉度假", Category.TOURISM), ("冷链物流", Category.SERVICE),
     ("光伏组件", Category.INDUSTRIAL), ("", Category.INDUSTRIAL)],
)
def test_category_is_guessed_from_the_industry(industry: str, category: Category) -> None:
    assert leads.guess_category(industry) == category


def test_lead_validation_names_the_field() -> None:
    errors = {e.field: e.message for e in lead_errors(Lead())}
    assert errors == {"company": "企业名称和客商姓名至少填写一项"}
    errors = {e.field: e.message for e in lead_errors(Lead(person_name="张三", phone="1381234", email="x@",
                                                         source=LeadSource.INTERMEDIARY))}
    assert errors["phone"].startswith("电话：") and "11 位" in errors["phone"]
    assert errors["email"].startswith("电子邮箱：")
    assert errors["intermediary"] == "社会化招商的线索请填写中介机构/个人"
    assert lead_errors(leads.clean_contacts(Lead(person_name="张三", phone="+86 138 1234 5678"))) == []
    assert leads.clean_contacts(Lead(person_name="张三", phone="+86 138 1234 5678")).phone == "13812345678"


def test_trip_quotas() -> None:
    quotas = Quotas()
    trip = Trip(team_id=1, start_on=date(2026, 10, 8), companies_visited=6, id=1)
    visits = [Lead(company=f"公司{i}", trip_id=1) for i in range(3)]
    check = check_trip(trip, visits, quotas)
    assert check.ok and check.verdict == "达标"
    check = check_trip(Trip(team_id=1, start_on=date(2026, 10, 8), companies_visited=5, id=1), visits[:2], quotas)
    assert not check.ok
    assert check.verdict == "未达标：拜访企业 5 家，少于 6 家；带回线索 2 条，少于 3 条"
    # Leads recorded for more companies than the clerk counted: the companies were visited.
    check = check_trip(Trip(team_id=1, start_on=date(2026, 10, 8), companies_visited=0, id=1),
                       [Lead(company=f"公司{i}") for i in range(7)], quotas)
    assert check.companies == 7 and check.ok
    lenient = Quotas(min_companies=4, min_leads=1)
    assert check_trip(Trip(team_id=1, start_on=date(2026, 10, 8), companies_visited=4), visits[:1], lenient).ok


def test_team_month_totals() -> None:
    team = Team("木业深加工招商小分队", id=1)
    trips = [Trip(1, date(2026, 10, 3), companies_visited=7, id=1), Trip(1, date(2026, 10, 20), companies_visited=4,
                                                                          id=2)]
    visits = [Lead(company=f"甲{i}", trip_id=1, visit_date=date(2026, 10, 4)) for i in range(3)]
    visits.append(Lead(company="乙", trip_id=2, visit_date=date(2026, 10, 21)))
    month = build_team_month(team, Month(2026, 10), Quotas(), trips, visits)
    assert (month.companies, month.leads, month.trips_ok, month.trips_failed) == (11, 4, 1, 1)
    assert month.deadline() == date(2026, 10, 28)
    assert month.summary() == "2026年10月外出招商 2 次，拜访企业 11 家，带回线索 4 条；达标 1 次，未达标 1 次"


def test_pipeline_counts_and_conversion() -> None:
    rows = ([(S.LEAD, LeadSource.TEAM)] * 5 + [(S.NEGOTIATING, LeadSource.TEAM)] * 2
            + [(S.SIGNED, LeadSource.INTERMEDIARY)] + [(S.LANDED, LeadSource.TEAM)] * 2)
    pipe = Pipeline.of(rows)
    assert (pipe.total, pipe.signed, pipe.landed) == (10, 3, 2)
    assert (rate_text(pipe.signed_rate), rate_text(pipe.landed_rate), rate_text(pipe.landed_of_signed)) == (
        "30.0%", "20.0%", "66.7%")
    assert pipe.by_source[LeadSource.TEAM].total == 9 and pipe.by_source[LeadSource.INTERMEDIARY].signed == 1
    assert rate_text(Pipeline.of([]).signed_rate) == "—"
