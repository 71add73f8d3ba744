"""The store: round trips for every entity, audit entries, one transaction per action."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from desk.core.errors import NotFoundError, RefusedError, ValidationError
from desk.core.glossary import (
    ApprovalKind,
    ApprovalStatus,
    AttachmentKind,
    Category,
    Evidence,
    Flag,
    IdentitySource,
    IndicatorKind,
    LeadSource,
    LeadState,
    Metric,
    ProblemState,
    ProjectClass,
    Stage,
    SubmissionStatus,
    TaskGroup,
)
from desk.core.models import (
    Approval,
    Attachment,
    FollowUp,
    Identity,
    KnownCert,
    Lead,
    Problem,
    Project,
    ProjectMonth,
    Submission,
    Target,
    Task,
    TaskTarget,
    Team,
    Trip,
)
from desk.store.ledger import Ledger
from desk.store.projects import ProjectFilter


def full_project(unit_id: int) -> Project:
    return Project(
        name="年产10万吨钒钛新材料项目", unit_id=unit_id, category=Category.INDUSTRIAL,
        stage=Stage.PRELIMINARY, code="HJD-001", owner_company="阜新钒钛新材料有限公司",
        location="韩家店镇工业园", industry="新材料", stage_date=date(2026, 3, 1),
        total_investment_wan=Decimal("12345.6789"), year_plan_wan=Decimal("3000.5"),
        planned_start=date(2026, 4, 1), planned_completion=date(2027, 10, 1), scale_content="厂房3万平方米",
        leader="王建国", responsible_unit="韩家店镇", cooperating_units="区发改局、区自然资源分局",
        steward="马骏", team_six="六个一", contact_person="李四", contact_phone="13800001234",
        project_class=ProjectClass.B, in_statistics=True, flags=frozenset({Flag.HIGH_TECH, Flag.PRECISION}),
        note="备注",
    )


def without_stamps(obj):  # type: ignore[no-untyped-def]
    names = {f.name for f in dataclasses.fields(obj)}
    stamps = {k: None for k in ("created_at", "updated_at") if k in names}
    return dataclasses.replace(obj, **stamps)


def test_project_round_trip_keeps_every_field_exactly(empty: Ledger) -> None:
    saved = empty.projects.add(full_project(empty.unit_id))
    loaded = empty.projects.get(saved.id)
    assert without_stamps(loaded) == without_stamps(saved)
    assert loaded.total_investment_wan == Decimal("12345.6789")
    assert loaded.created_at == datetime(2026, 11, 15, 9, 30)
    row = empty.conn.execute("SELECT total_investment_yuan, flags FROM projects").fetchone()
    assert row == (123456789, json.dumps(["high_tech", "precision"]))


def test_every_change_is_audited_with_old_and_new(empty: Ledger) -> None:
    p = empty.projects.add(full_project(empty.unit_id))
    empty.projects.update(dataclasses.replace(p, leader="李明华", total_investment_wan=Decimal(20000)))
    entries = empty.projects.history(p.id)
    assert [e.action for e in entries] == ["update", "create"]
    assert entries[0].changes == {"leader": ["王建国", "李明华"], "total_investment_wan": ["12345.6789", "20000"]}
    assert entries[0].clerk == "张三"
    assert entries[0].at == datetime(2026, 11, 15, 9, 30)


@pytest.mark.parametrize("action", ["add", "update", "delete"])
def test_a_write_and_its_audit_entry_land_together_or_not_at_all(empty: Ledger, action: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The row goes through sqlite-utils inside the action's transaction: when the audit entry
    cannot be written, the row is not written either."""
    p = empty.projects.add(full_project(empty.unit_id))
    before = empty.conn.execute("SELECT * FROM projects").fetchall(), empty.count("audit_log")

    def audit_fails(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the audit log could not be written")

    monkeypatch.setattr(empty, "audit", audit_fails)
    with pytest.raises(RuntimeError):
        if action == "add":
            empty.projects.add(dataclasses.replace(full_project(empty.unit_id), name="另一个项目"))
        elif action == "update":
            empty.projects.update(dataclasses.replace(p, leader="李明华"))
        else:
            empty.projects.delete(p.id)
    assert (empty.conn.execute("SELECT * FROM projects").fetchall(), empty.count("audit_log")) == before
    assert not empty.conn.in_transaction


def test_an_unchanged_save_writes_nothing(empty: Ledger) -> None:
    p = empty.projects.add(full_project(empty.unit_id))
    before = empty.count("audit_log")
    empty.projects.update(p)
    assert empty.count("audit_log") == before


def test_invalid_project_is_refused_and_nothing_written(empty: Ledger) -> None:
    bad = dataclasses.replace(full_project(empty.unit_id), name=" ", total_investment_wan=Decimal(-1),
                              start_date=date(2026, 5, 1), completion_date=date(2026, 4, 1))
    with pytest.raises(ValidationError) as caught:
        empty.projects.add(bad)
    fields = {e.field for e in caught.value.errors}
    assert fields == {"name", "total_investment_wan", "completion_date"}
    assert "请填写项目名称" in caught.value.message
    assert empty.count("projects") == 0


def test_a_failed_action_rolls_back_everything(empty: Ledger) -> None:
    with pytest.raises(RuntimeError):
        with empty.transaction():
            empty.projects.add(full_project(empty.unit_id))
            raise RuntimeError("power cut")
    assert empty.count("projects") == 0
    assert empty.count("audit_log", "entity = 'project'") == 0


def test_stage_moves_are_checked_dated_and_kept(empty: Ledger) -> None:
    p = empty.projects.add(full_project(empty.unit_id))
    p = empty.projects.move_stage(p.id, Stage.NEW_START, date(2026, 5, 10), "打桩完成")
    assert p.start_date == date(2026, 5, 10) and p.stage_date == date(2026, 5, 10)
    with pytest.raises(RefusedError, match="不能从"):
        empty.projects.move_stage(p.id, Stage.PRELIMINARY, date(2026, 6, 1))
    with pytest.raises(RefusedError):
        empty.projects.update(dataclasses.replace(p, stage=Stage.PRODUCTION))
    history = empty.projects.stage_history(p.id)
    assert [(h.from_stage, h.to_stage) for h in history] == [
        (None, Stage.PRELIMINARY), (Stage.PRELIMINARY, Stage.NEW_START)]
    assert history[1].reason == "打桩完成"


def test_month_record_round_trip_and_lock(empty: Ledger) -> None:
    p = empty.projects.add(full_project(empty.unit_id))
    record = ProjectMonth(
        project_id=p.id, month="2026-10", stage=Stage.NEW_START, invested_month_wan=Decimal("300.25"),
        invested_ytd_wan=Decimal("800"), invested_total_wan=Decimal("800"), progress="桩基施工",
        evidence=frozenset({Evidence.PILING, Evidence.CONSTRUCTION_ON_SITE}), project_class=ProjectClass.A,
        in_statistics=True, statistics_ytd_wan=Decimal("790"), domestic_funds_wan=Decimal("100"),
        foreign_funds_wusd=Decimal("12.5"), problems_note="无",
    )
    saved = empty.months.save(record)
    again = empty.months.save(dataclasses.replace(record, progress="主体施工"))
    assert again.id == saved.id and empty.months.count() == 1
    loaded = empty.months.get_for(p.id, "2026-10")
    assert loaded.evidence == record.evidence and loaded.foreign_funds_wusd == Decimal("12.5")
    assert loaded.updated_by == "张三"
    with pytest.raises(ValidationError, match="年度累计完成投资不能小于本月完成投资"):
        empty.months.save(dataclasses.replace(record, invested_ytd_wan=Decimal(1)))
    empty.submissions.add(Submission(empty.unit_id, "2026-10", status=SubmissionStatus.SUBMITTED))
    with pytest.raises(RefusedError, match="已报送"):
        empty.months.save(dataclasses.replace(record, progress="改"))
    assert empty.months.get_for(p.id, "2026-10").progress == "主体施工"


def test_save_many_is_all_or_nothing(empty: Ledger) -> None:
    p = empty.projects.add(full_project(empty.unit_id))
    good = ProjectMonth(p.id, "2026-09", Stage.PRELIMINARY)
    bad = ProjectMonth(p.id, "2026-10", Stage.PRELIMINARY, invested_month_wan=Decimal(5), invested_ytd_wan=Decimal(1))
    with pytest.raises(ValidationError):
        empty.months.save_many([good, bad], summary="粘贴")
    assert empty.months.count() == 0


def test_other_entities_round_trip(empty: Ledger) -> None:
    ledger = empty
    unit = ledger.unit_id
    p = ledger.projects.add(full_project(unit))
    approval = ledger.approvals.save(Approval(p.id, ApprovalKind.LAND, ApprovalStatus.DONE, date(2026, 2, 1), "阜自然资〔2026〕3号"))
    assert ledger.approvals.save(dataclasses.replace(approval, note="已取得")).id == approval.id
    problem = ledger.problems.add(Problem("用地指标未落实", project_id=p.id, owner_unit="区自然资源分局",
                                          leader="王建国", deadline=date(2026, 11, 1)))
    assert problem.created_on == date(2026, 11, 15)
    assert [x.id for x in ledger.problems.overdue()] == [problem.id]
    with pytest.raises(ValidationError, match="办结情况"):
        ledger.problems.update(dataclasses.replace(problem, state=ProblemState.CLOSED))
    ledger.problems.update(dataclasses.replace(problem, state=ProblemState.CLOSED, resolution="已解决"))
    assert ledger.problems.overdue() == []
    team = ledger.teams.add(Team("机械制造招商小分队", lead_unit="区发改局", leaders="王建国"))
    trip = ledger.trips.add(Trip(team.id, date(2026, 10, 8), date(2026, 10, 11), "苏州", 7))
    lead = ledger.leads.add(Lead(company="苏州精密机械有限公司", person_name="周建华", visit_date=date(2026, 10, 9),
                                 phone="13912345678", intent_amount_wan=Decimal(5000), source=LeadSource.TEAM,
                                 team_id=team.id, trip_id=trip.id, state=LeadState.NEGOTIATING))
    ledger.followups.add(FollowUp(lead.id, date(2026, 10, 20), "电话回访", "邀请考察", date(2026, 11, 20)))
    assert ledger.leads.of_trip(trip.id)[0].intent_amount_wan == Decimal(5000)
    with pytest.raises(ValidationError, match="至少填写一项"):
        ledger.leads.add(Lead())
    task = ledger.tasks.add(Task(2026, "新开工亿元以上产业项目", section=TaskGroup.CONSTRUCTION, seq="1",
                                 indicator=IndicatorKind.COUNT, metric=Metric.NEW_STARTS))
    ledger.task_targets.save(TaskTarget(task.id, unit, Decimal(25), "盘山县25项"))
    assert ledger.task_targets.save(TaskTarget(task.id, unit, Decimal(26))).planned == Decimal(26)
    ledger.targets.add(Target(unit, 2026, Metric.COMPLETIONS, Decimal("22"), min_investment_wan=Decimal(10000)))
    assert ledger.targets.of_unit(unit, 2026)[0].min_investment_wan == Decimal(10000)
    att = ledger.attachments.attach(Attachment(p.id, "2026-10", AttachmentKind.PHOTO, "现场.jpg", "", 0), b"\xff\xd8jpeg")
    assert ledger.attachments.data(att.id) == b"\xff\xd8jpeg" and len(att.sha256) == 64
    ledger.attachments.attach(Attachment(p.id, "2026-09", AttachmentKind.PHOTO, "同一张.jpg", "", 0), b"\xff\xd8jpeg")
    assert ledger.count("blobs") == 1 and len(ledger.attachments.with_hash(att.sha256)) == 2
    ident = ledger.identity.add(Identity("韩家店镇", "CERT", "KEY", IdentitySource.GENERATED, id=1))
    assert ledger.identity.current().unit_name == ident.unit_name
    ledger.known_certs.add(KnownCert("西山街道", "PEM", "ab" * 32))
    assert ledger.known_certs.by_fingerprint("ab" * 32).unit_name == "西山街道"
    sub = ledger.submissions.add(Submission(unit, "2026-10", files={"a.pdf": "00"}, changes=[{"x": 1}]))
    assert ledger.submissions.latest("2026-10").files == {"a.pdf": "00"} == sub.files
    with pytest.raises(NotFoundError, match="找不到项目"):
        ledger.projects.get(999)


def test_search_filters_and_sorts(demo: Ledger) -> None:
    ids = demo.projects.search_ids(ProjectFilter(text="忠旺"))
    assert [p.name for p in demo.projects.by_ids(ids)] == ["忠旺80万吨挤压型材"]
    building = demo.projects.search_ids(ProjectFilter(stages=frozenset({Stage.CONSTRUCTION})))
    assert building and all(p.stage == Stage.CONSTRUCTION for p in demo.projects.by_ids(building))
    by_money = demo.projects.by_ids(demo.projects.search_ids(order_by="total_investment", descending=True))
    amounts = [p.total_investment_wan for p in by_money]
    assert amounts == sorted(amounts, reverse=True)
    pending = demo.projects.search_ids(ProjectFilter(not_updated_in="2026-11"))
    assert len(pending) == demo.count("projects", "archived = 0")
    percent = demo.projects.search_ids(ProjectFilter(text="100%"))
    assert percent == []
    combined = demo.projects.search_ids(ProjectFilter(text="海州", categories=frozenset({Category.TOURISM})))
    assert all(p.category == Category.TOURISM for p in demo.projects.by_ids(combined))


def test_settings_are_json_and_audited(empty: Ledger) -> None:
    empty.set_setting("deadline_day", 10)
    assert empty.deadline_rule.day == 10
    assert empty.audit_entries("settings")[0].changes == {"deadline_day": [20, 10]}


def test_every_entity_reads_back_field_for_field(empty: Ledger) -> None:
    """Whatever a repository saves, it gives back the same dataclass, every field (stamps aside)."""
    ledger = empty
    unit = ledger.unit_id
    p = ledger.projects.add(full_project(unit))
    team = ledger.teams.add(Team("机械制造招商小分队", lead_unit="区发改局", member_units="区工信局、区商务局",
                                 leaders="王建国", sector_focus="装备制造"))
    trip = ledger.trips.add(Trip(team.id, date(2026, 10, 8), date(2026, 10, 11), "苏州", 7, note="拜访7家"))
    saved = [
        (ledger.projects, p),
        (ledger.months, ledger.months.save(ProjectMonth(
            p.id, "2026-10", Stage.NEW_START, invested_month_wan=Decimal("120.5"), invested_ytd_wan=Decimal("300"),
            progress="桩基施工", evidence=frozenset({Evidence.PILING, Evidence.CONSTRUCTION_ON_SITE}),
            project_class=ProjectClass.A, in_statistics=True, statistics_ytd_wan=Decimal("280"),
            domestic_funds_wan=Decimal("50"), foreign_funds_wusd=Decimal("12"), problems_note="用地"))),
        (ledger.approvals, ledger.approvals.save(Approval(p.id, ApprovalKind.LAND, ApprovalStatus.DONE,
                                                          date(2026, 2, 1), "阜自然资〔2026〕3号"))),
        (ledger.problems, ledger.problems.add(Problem("用地指标未落实", project_id=p.id, owner_unit="区自然资源分局",
                                                      leader="王建国", deadline=date(2026, 11, 1)))),
        (ledger.teams, team),
        (ledger.trips, trip),
        (ledger.leads, ledger.leads.add(Lead(
            company="苏州精密机械有限公司", person_name="周建华", visit_date=date(2026, 10, 9), position="总经理",
            address="苏州工业园区", phone="13912345678", email="zhou@example.com", wechat="zhou_jh",
            business_scope="精密机械", intent_industry="装备制造", intent_amount_wan=Decimal(5000),
            intent_location="韩家店镇", intent_form="独资", source=LeadSource.TEAM, team_id=team.id,
            trip_id=trip.id, owner_clerk="张三", state=LeadState.NEGOTIATING, note="重点"))),
        (ledger.tasks, ledger.tasks.add(Task(2026, "新开工亿元以上产业项目", section=TaskGroup.CONSTRUCTION, seq="1",
                                             content="全年新开工", indicator=IndicatorKind.COUNT,
                                             metric=Metric.NEW_STARTS, deadline=date(2026, 12, 31),
                                             lead_units="区发改局", cooperating_units="各乡镇街道"))),
        (ledger.targets, ledger.targets.add(Target(unit, 2026, Metric.COMPLETIONS, Decimal("22"),
                                                   min_investment_wan=Decimal(10000)))),
        (ledger.known_certs, ledger.known_certs.add(KnownCert("西山街道", "PEM", "ab" * 32))),
        (ledger.submissions, ledger.submissions.add(Submission(unit, "2026-10", files={"a.pdf": "00"},
                                                               changes=[{"x": 1}], signer="张三", reviewer="李四",
                                                               head="王五"))),
    ]
    lead = saved[6][1]
    saved.append((ledger.followups, ledger.followups.add(FollowUp(lead.id, date(2026, 10, 20), "电话回访", "邀请考察",
                                                                   date(2026, 11, 20)))))
    for repo, obj in saved:
        assert without_stamps(repo.get(obj.id)) == without_stamps(obj), type(obj).__name__
