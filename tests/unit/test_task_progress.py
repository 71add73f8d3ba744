"""Task and target actuals counted from the ledger, checked against a count made by hand in SQL,
and the traffic light at several dates."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from desk.core.errors import ValidationError
from desk.core.glossary import IndicatorKind, Light, Metric, TaskGroup
from desk.core.metrics import MetricValue, combine
from desk.core.models import Task, TaskTarget
from desk.core.periods import Month
from desk.core.progress import elapsed_share, format_percent, format_value, judge_light, task_progress
from desk.store.ledger import Ledger
from desk.store.progress import default_through, metric_values, report

YEAR = 2026
THROUGH = "2026-10"
NOT_TOURISM_START = "EXISTS (SELECT 1 FROM json_each(m.evidence) e WHERE e.value IN ('piling', 'trenching'))"
TOURISM_START = "EXISTS (SELECT 1 FROM json_each(m.evidence) e WHERE e.value = 'construction_on_site')"


# 动态考评 (五.2): a start stands if the last month watched after it — up to the month
# counted, or to the month before it reports 竣工/投产 — was reported, not 停工, with investment.
LAST_WATCHED = f"""coalesce((SELECT strftime('%Y-%m', min(c.month) || '-01', '-1 month') FROM project_months c
    WHERE c.project_id = m.project_id AND c.month > m.month AND c.month <= '{THROUGH}'
      AND c.stage IN ('completed', 'production')), '{THROUGH}')"""
STILL_STANDING = f"""({LAST_WATCHED} <= m.month OR EXISTS (SELECT 1 FROM project_months w
    WHERE w.project_id = m.project_id AND w.month = {LAST_WATCHED}
      AND w.stage <> 'stopped' AND w.invested_month_yuan > 0))"""


def has_all(*evidence: str) -> str:
    return " AND ".join(
        f"EXISTS (SELECT 1 FROM json_each(m.evidence) e WHERE e.value = '{item}')" for item in evidence
    )


def first_claims(stage: str) -> str:
    """Records that claim a stage: the first month reported in it (the month before says otherwise)."""
    return (
        f"SELECT m.* FROM project_months m WHERE m.stage = '{stage}' AND m.month BETWEEN '{YEAR}-01' AND '{THROUGH}'"
        f" AND NOT EXISTS (SELECT 1 FROM project_months b WHERE b.project_id = m.project_id AND b.stage = '{stage}'"
        " AND b.month = strftime('%Y-%m', m.month || '-01', '-1 month'))"
    )


# The 盘锦2018 standard written out by hand: 产业项目 (not 'other') of 1亿元 (1e8 元) or more.
HAND_COUNTS: dict[Metric, str] = {
    Metric.NEW_STARTS: f"""
        SELECT count(DISTINCT p.id) FROM ({first_claims('new_start')}) m JOIN projects p ON p.id = m.project_id
        WHERE p.unit_id = :unit AND p.total_investment_yuan >= 100000000 AND p.category <> 'other'
          AND m.invested_month_yuan > 0
          AND ((p.category = 'tourism' AND {TOURISM_START}) OR (p.category <> 'tourism' AND {NOT_TOURISM_START}))
          AND {STILL_STANDING}""",
    Metric.COMPLETIONS: f"""
        SELECT count(DISTINCT p.id) FROM ({first_claims('completed')}) m JOIN projects p ON p.id = m.project_id
        WHERE p.unit_id = :unit AND p.total_investment_yuan >= 100000000 AND p.category <> 'other'
          AND ((p.category IN ('industrial', 'agricultural')
                AND {has_all('contract_complete', 'equipment_installed', 'trial_production')})
            OR (p.category IN ('service', 'tourism') AND {has_all('contract_complete', 'ready_for_use')}))""",
    Metric.CONTINUING: f"""
        SELECT count(*) FROM projects p WHERE p.unit_id = :unit AND p.total_investment_yuan >= 100000000
          AND p.category <> 'other' AND p.start_date < '{YEAR}-01-01'
          AND (p.completion_date IS NULL OR p.completion_date >= '{YEAR}-01-01')""",
    Metric.RESUMED: f"""
        SELECT count(*) FROM projects p WHERE p.unit_id = :unit AND p.total_investment_yuan >= 100000000
          AND p.category <> 'other' AND p.start_date < '{YEAR}-01-01'
          AND (p.completion_date IS NULL OR p.completion_date >= '{YEAR}-01-01')
          AND EXISTS (SELECT 1 FROM project_months m WHERE m.project_id = p.id AND m.month <= '{THROUGH}'
                      AND m.month >= '{YEAR}-01' AND m.stage IN ('new_start', 'construction', 'resumed', 'completed'))
          AND (SELECT m.stage FROM project_months m WHERE m.project_id = p.id AND m.month <= '{THROUGH}'
               ORDER BY m.month DESC LIMIT 1) <> 'stopped'""",
    Metric.SIGNED_PROJECTS: f"""
        SELECT count(DISTINCT p.id) FROM projects p JOIN stage_changes s ON s.project_id = p.id
        WHERE p.unit_id = :unit AND s.to_stage = 'signed' AND s.on_date BETWEEN '{YEAR}-01-01' AND '{YEAR}-10-31'""",
    Metric.SIGNED_INVESTMENT: f"""
        SELECT coalesce(sum(p.total_investment_yuan), 0) / 10000.0 FROM projects p WHERE p.unit_id = :unit
          AND p.id IN (SELECT project_id FROM stage_changes WHERE to_stage = 'signed'
                       AND on_date BETWEEN '{YEAR}-01-01' AND '{YEAR}-10-31')""",
    Metric.DOMESTIC_FUNDS: f"""
        SELECT coalesce(sum(m.domestic_funds_yuan), 0) / 10000.0 FROM project_months m
        JOIN projects p ON p.id = m.project_id WHERE p.unit_id = :unit AND m.month BETWEEN '{YEAR}-01' AND '{THROUGH}'""",
    Metric.FOREIGN_FUNDS: f"""
        SELECT coalesce(sum(m.foreign_funds_usd), 0) / 10000.0 FROM project_months m
        JOIN projects p ON p.id = m.project_id WHERE p.unit_id = :unit AND m.month BETWEEN '{YEAR}-01' AND '{THROUGH}'""",
    Metric.FIXED_ASSET_INVESTMENT: f"""
        SELECT coalesce(sum(m.invested_month_yuan), 0) / 10000.0 FROM project_months m
        JOIN projects p ON p.id = m.project_id WHERE p.unit_id = :unit AND m.month BETWEEN '{YEAR}-01' AND '{THROUGH}'""",
    Metric.RESERVE_PACKAGED: "SELECT count(*) FROM projects WHERE unit_id = :unit AND stage = 'reserve' AND archived = 0",
    Metric.LEADER_HELPED: """
        SELECT count(*) FROM projects WHERE unit_id = :unit AND archived = 0 AND flags LIKE '%"leader_helped"%'""",
    Metric.LEADS: f"""
        SELECT count(*) FROM leads WHERE coalesce(source_unit_id, unit_id) = :unit
          AND visit_date BETWEEN '{YEAR}-01-01' AND '{YEAR}-10-31'""",
    Metric.VISITS: f"""
        SELECT coalesce(sum(r.companies_visited), 0) FROM trips r JOIN teams t ON t.id = r.team_id
        WHERE t.unit_id = :unit AND r.start_on BETWEEN '{YEAR}-01-01' AND '{YEAR}-10-31'""",
}


def units_with_projects(ledger: Ledger) -> list[int]:
    return [r[0] for r in ledger.conn.execute("SELECT DISTINCT unit_id FROM projects ORDER BY unit_id")] + [
        ledger.unit_id
    ]


@pytest.mark.parametrize("metric", list(HAND_COUNTS), ids=lambda m: m.value)
def test_counted_actuals_match_a_count_by_hand(demo: Ledger, metric: Metric) -> None:
    values = metric_values(demo, YEAR, Month.parse(THROUGH))
    counted = {}
    by_hand = {}
    for unit in units_with_projects(demo):
        found = values.get(unit, {}).get(metric)
        counted[unit] = Decimal(0) if found is None or found.value is None else found.value
        by_hand[unit] = Decimal(str(demo.conn.execute(HAND_COUNTS[metric], {"unit": unit}).fetchone()[0]))
    assert counted == by_hand
    if metric not in (Metric.FOREIGN_FUNDS,):
        assert sum(by_hand.values()) > 0, "the demo should have something to count"


def test_resumption_rate_is_resumed_over_continuing(demo: Ledger) -> None:
    values = metric_values(demo, YEAR, Month.parse(THROUGH))
    rates = 0
    for unit, found in values.items():
        continuing = found.get(Metric.CONTINUING)
        resumed = found.get(Metric.RESUMED)
        rate = found[Metric.RESUMPTION_RATE]
        if continuing is None or not continuing.value:
            assert rate.value is None
            continue
        rates += 1
        expected = ((resumed.value if resumed else 0) * 100 / continuing.value).quantize(Decimal("0.1"))
        assert rate.value == expected, unit
    assert rates >= 5
    # Some unit in the demo has a continuing project that stopped again, so not every rate is 100%.
    assert any(f[Metric.RESUMPTION_RATE].value not in (None, Decimal(100)) for f in values.values())


def test_a_new_start_on_site_levelling_alone_does_not_count(demo: Ledger) -> None:
    values = metric_values(demo, YEAR, Month.parse(THROUGH))
    counted = {i for found in values.values() for i in found.get(Metric.NEW_STARTS, MetricValue(None)).project_ids}
    levelled = {r[0] for r in demo.conn.execute(
        "SELECT m.project_id FROM project_months m JOIN projects p ON p.id = m.project_id WHERE m.stage = 'new_start'"
        " AND m.evidence = '[\"site_leveling\"]' AND p.total_investment_yuan >= 100000000")}
    assert levelled and not (levelled & counted)


def test_counting_through_an_earlier_month_counts_less(demo: Ledger) -> None:
    early = metric_values(demo, YEAR, Month(YEAR, 3))
    late = metric_values(demo, YEAR, Month(YEAR, 10))

    def total(values, metric: Metric) -> Decimal:  # type: ignore[no-untyped-def]
        return sum((f[metric].value for f in values.values() if metric in f and f[metric].value), Decimal(0))

    for metric in (Metric.NEW_STARTS, Metric.DOMESTIC_FUNDS, Metric.LEADS, Metric.VISITS):
        assert total(early, metric) < total(late, metric), metric


def test_task_rows_show_counted_actuals_in_the_task_unit(demo: Ledger) -> None:
    result = report(demo, YEAR)
    assert result.through == THROUGH and result.as_of == date(2026, 10, 31)
    funds = next(t for t in result.tasks if t.task.metric == Metric.DOMESTIC_FUNDS)
    assert funds.task.indicator == IndicatorKind.AMOUNT_YI
    values = metric_values(demo, YEAR, Month.parse(THROUGH))
    for row in funds.rows:
        assert row.computed
        assert row.actual == values[row.unit_id][Metric.DOMESTIC_FUNDS].value / 10_000  # 万元 → 亿元
    assert funds.total.actual == sum(r.actual for r in funds.rows)
    assert funds.total.planned == sum(r.planned for r in funds.rows) == Decimal(30)
    assert format_value(Decimal("0.06"), IndicatorKind.AMOUNT_USD_YI) == "0.06亿美元"
    # Sections come in the order of the source table: 招商引资 first, then 项目建设.
    assert [t.task.section for t in result.tasks] == [TaskGroup.INVESTMENT] * 4 + [TaskGroup.CONSTRUCTION] * 4


def test_the_rate_total_is_the_rate_of_the_summed_parts() -> None:
    parts = [MetricValue.rate(Decimal(3), Decimal(4)), MetricValue.rate(Decimal(1), Decimal(1)),
             MetricValue.rate(Decimal(0), Decimal(0))]
    assert [p.value for p in parts] == [Decimal("75.0"), Decimal("100.0"), None]
    assert combine(Metric.RESUMPTION_RATE, parts).value == Decimal("80.0")
    assert combine(Metric.NEW_STARTS, [MetricValue(Decimal(2)), MetricValue(Decimal(3))]).value == 5


def test_hand_entered_actuals_with_a_note(demo: Ledger) -> None:
    task = next(t for t in demo.tasks.of_year(YEAR) if t.metric is None)
    lines = demo.task_targets.of_task(task.id)
    first, second = lines[0], lines[1]
    before = report(demo, YEAR).tasks
    row = next(t for t in before if t.task.id == task.id).row_for(first.unit_id)
    assert row is not None and row.actual is None and row.light == Light.UNREPORTED
    demo.task_targets.enter_actuals(task.id, {first.unit_id: (Decimal(3), "赴长三角招商 3 次"),
                                              second.unit_id: (Decimal(1), "")})
    progress = next(t for t in report(demo, YEAR).tasks if t.task.id == task.id)
    row = progress.row_for(first.unit_id)
    assert row is not None and row.actual == 3 and row.note == "赴长三角招商 3 次" and not row.computed
    assert row.light == Light.DONE  # 3 of 3
    assert progress.total.actual == 4
    history = demo.audit_entries("task", task.id)
    assert history[0].summary == f"填报任务“{task.name}”的完成情况"


def test_a_counted_task_refuses_hand_entered_actuals(demo: Ledger) -> None:
    task = next(t for t in demo.tasks.of_year(YEAR) if t.metric is not None)
    unit = demo.task_targets.of_task(task.id)[0].unit_id
    with pytest.raises(ValidationError, match="自动统计"):
        demo.task_targets.enter_actuals(task.id, {unit: (Decimal(1), "")})


def test_saving_a_task_with_its_split_is_one_action(demo: Ledger) -> None:
    units = [u for u in demo.units.all() if u.kind.value in ("township", "street")]
    task = Task(year=YEAR, name="新开工5000万元以上项目", section=TaskGroup.CONSTRUCTION, seq="5",
                indicator=IndicatorKind.COUNT, metric=Metric.NEW_STARTS, deadline=date(YEAR, 12, 31),
                deadline_text="12月底", lead_units="各镇街", cooperating_units="区直相关部门")
    saved = demo.tasks.save_with_targets(task, [TaskTarget(0, units[0].id, Decimal(2)),
                                                TaskTarget(0, units[1].id, Decimal(1))])
    assert [t.unit_id for t in demo.task_targets.of_task(saved.id)] == [units[0].id, units[1].id]
    # Dropping a unit and changing another, in one save.
    demo.tasks.save_with_targets(dataclasses.replace(saved, name="新开工5000万元以上产业项目"),
                                 [TaskTarget(0, units[1].id, Decimal(3))])
    lines = demo.task_targets.of_task(saved.id)
    assert [(t.unit_id, t.planned) for t in lines] == [(units[1].id, Decimal(3))]
    # A wrong line refuses the whole save: the task's name stays as it was.
    before = demo.count("task_targets")
    with pytest.raises(ValidationError) as caught:
        demo.tasks.save_with_targets(dataclasses.replace(saved, name="改名"),
                                     [TaskTarget(0, units[1].id, Decimal(1)), TaskTarget(0, units[1].id, Decimal(2))])
    assert "第 2 行" in caught.value.message and "同一单位只能分解一次" in caught.value.message
    assert demo.tasks.get(saved.id).name == "新开工5000万元以上产业项目" and demo.count("task_targets") == before


def test_a_metric_must_fit_the_indicator(demo: Ledger) -> None:
    bad = Task(year=YEAR, name="到位外资", indicator=IndicatorKind.AMOUNT_YI, metric=Metric.FOREIGN_FUNDS)
    with pytest.raises(ValidationError, match="以万美元计，与指标类型“金额\\(亿元\\)”不符"):
        demo.tasks.add(bad)
    with pytest.raises(ValidationError, match="完成时限应在2026年内"):
        demo.tasks.add(Task(year=YEAR, name="x", deadline=date(2027, 1, 31)))


# ------------------------------------------------------------------ the traffic light
@pytest.mark.parametrize(
    ("as_of", "deadline", "share"),
    [
        (date(2026, 1, 1), None, Decimal("0.0027")),
        (date(2026, 6, 30), None, Decimal("0.4959")),
        (date(2026, 10, 31), None, Decimal("0.8329")),
        (date(2026, 12, 31), None, Decimal(1)),
        (date(2027, 3, 1), None, Decimal(1)),
        (date(2025, 12, 31), None, Decimal(0)),
        (date(2026, 3, 31), date(2026, 6, 30), Decimal("0.4972")),  # a half-year task: 90 of 181 days
        (date(2026, 7, 1), date(2026, 6, 30), Decimal(1)),
    ],
)
def test_time_share_runs_from_january_to_the_deadline(as_of: date, deadline: date | None, share: Decimal) -> None:
    assert elapsed_share(as_of, 2026, deadline) == share


@pytest.mark.parametrize(
    ("actual", "planned", "elapsed", "level", "overdue", "light"),
    [
        (4, 4, "0.5", False, False, Light.DONE),
        (5, 4, "0.5", False, False, Light.DONE),
        (2, 4, "0.5", False, False, Light.GREEN),  # 50% at half the year
        (3, 4, "0.8329", False, False, Light.AMBER),  # 75% at 83%: within 10 points
        (2, 4, "0.8329", False, False, Light.RED),  # 50% at 83%
        (0, 4, "0.05", False, False, Light.AMBER),  # nothing yet, but within the margin early on
        (0, 4, "0.11", False, False, Light.RED),
        (3, 4, "1", False, True, Light.RED),  # deadline passed, not done
        (85, 90, "0.2", True, False, Light.AMBER),  # a rate: compared with its whole target
        (70, 90, "0.2", True, False, Light.RED),
        (90, 90, "0.2", True, False, Light.DONE),
        (None, 4, "0.5", False, False, Light.UNREPORTED),
        (3, None, "0.5", False, False, Light.NONE),
        (3, 0, "0.5", False, False, Light.NONE),
    ],
)
def test_traffic_light_rule(actual, planned, elapsed, level, overdue, light) -> None:  # type: ignore[no-untyped-def]
    def dec(v):  # type: ignore[no-untyped-def]
        return None if v is None else Decimal(v)

    assert judge_light(dec(actual), dec(planned), Decimal(elapsed), level=level, overdue=overdue) is light


def test_the_same_task_changes_colour_as_the_year_goes_on(demo: Ledger) -> None:
    """One unit's counted new starts against a plan of twice as many, seen at several dates:
    the figures stay, time moves on."""
    task = next(t for t in demo.tasks.of_year(YEAR) if t.metric == Metric.NEW_STARTS)
    unit = demo.units.by_name("西山街道").id
    values = metric_values(demo, YEAR, Month(YEAR, 10))
    counted = task_progress(task, demo.task_targets.of_task(task.id), demo.units.names(), values,
                            date(2026, 6, 30)).row_for(unit)
    assert counted is not None and counted.actual > 0
    actual = counted.actual
    # Plan twice what was counted: a 50% completion whose colour only time changes.
    lines = [dataclasses.replace(t, planned=Decimal(actual * 2)) if t.unit_id == unit else t
             for t in demo.task_targets.of_task(task.id)]
    seen = {}
    for day in (date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31), date(2026, 12, 31), date(2027, 1, 5)):
        row = task_progress(task, lines, demo.units.names(), values, day).row_for(unit)
        assert row is not None
        seen[day] = (row.actual, format_percent(row.ratio), row.light)
    assert seen[date(2026, 6, 30)] == (actual, "50.0%", Light.GREEN)  # 50% at 49.6% of the year
    assert seen[date(2026, 7, 31)] == (actual, "50.0%", Light.AMBER)  # 50% at 58.1%
    assert seen[date(2026, 8, 31)] == (actual, "50.0%", Light.RED)  # 50% at 66.6%
    assert seen[date(2026, 12, 31)][2] == Light.RED
    assert seen[date(2027, 1, 5)][2] == Light.RED  # the deadline has passed
    # With a deadline at the end of June the same 50% is already late in July.
    half_year = dataclasses.replace(task, deadline=date(2026, 6, 30))
    row = task_progress(half_year, lines, demo.units.names(), values, date(2026, 7, 1)).row_for(unit)
    assert row is not None and row.light == Light.RED
    row = task_progress(half_year, lines, demo.units.names(), values, date(2026, 3, 31)).row_for(unit)
    assert row is not None and row.light == Light.GREEN  # 50% at 49.7% of January–June


def test_report_lights_at_two_counting_months(demo: Ledger) -> None:
    """The whole report through March and through October: each row's light follows the rule."""
    for through in (Month(YEAR, 3), Month(YEAR, 10)):
        result = report(demo, YEAR, through)
        assert result.as_of == through.last_day
        for progress in result.tasks:
            for row in progress.rows:
                expected = judge_light(row.actual, row.planned, elapsed_share(result.as_of, YEAR, progress.task.deadline),
                                       level=progress.task.indicator == IndicatorKind.RATE)
                assert row.light == expected


def test_default_counting_month_is_the_latest_reported(demo: Ledger) -> None:
    assert default_through(demo, YEAR) == Month(2026, 10)
    assert default_through(demo, 2025) == Month(2025, 12)


def test_a_new_start_that_stops_is_dropped_until_it_resumes(demo: Ledger) -> None:
    """盘锦2018 五.2 through the recognition engine's dynamic review: the count follows it."""
    values = metric_values(demo, YEAR, Month.parse(THROUGH))
    unit, project_id = next(
        (unit, pid) for unit, found in sorted(values.items()) for pid in found.get(Metric.NEW_STARTS,
                                                                                  MetricValue(None)).project_ids
        if demo.months.get_for(pid, "2026-09") is not None
        and demo.months.get_for(pid, "2026-09").stage.value == "construction"  # type: ignore[union-attr]
    )
    before = values[unit][Metric.NEW_STARTS].value

    def counted() -> tuple[Decimal | None, int]:
        found = metric_values(demo, YEAR, Month.parse(THROUGH))[unit][Metric.NEW_STARTS]
        return found.value, demo.conn.execute(HAND_COUNTS[Metric.NEW_STARTS], {"unit": unit}).fetchone()[0]

    october = demo.months.get_for(project_id, THROUGH)
    assert october is not None
    from desk.core.glossary import Stage

    demo.months.save(dataclasses.replace(october, stage=Stage.STOPPED, invested_month_wan=Decimal(0),
                                         invested_ytd_wan=october.invested_ytd_wan - october.invested_month_wan))
    assert counted() == (before - 1, before - 1)  # type: ignore[operator]
    # Stopped in September, building again in October: resumed, counted again.
    september = demo.months.get_for(project_id, "2026-09")
    assert september is not None
    demo.months.save(dataclasses.replace(september, stage=Stage.STOPPED, invested_month_wan=Decimal(0),
                                         invested_ytd_wan=september.invested_ytd_wan - september.invested_month_wan))
    demo.months.save(october)
    assert counted() == (before, before)


def test_a_target_with_its_own_threshold_counts_its_own_scope(demo: Ledger) -> None:
    from desk.core.models import Target

    units = [u.id for u in demo.units.all() if u.kind.value in ("township", "street")]
    for unit in units:
        demo.targets.add(Target(unit, YEAR, Metric.NEW_STARTS, Decimal(5), min_investment_wan=Decimal(5000)))
        demo.targets.add(Target(unit, YEAR, Metric.SIGNED_PROJECTS, Decimal(1), min_investment_wan=Decimal(10000)))
    result = report(demo, YEAR)
    looser = HAND_COUNTS[Metric.NEW_STARTS].replace(">= 100000000", ">= 50000000")
    bigger_signed = HAND_COUNTS[Metric.SIGNED_PROJECTS].replace("WHERE p.unit_id = :unit",
                                                                "WHERE p.unit_id = :unit AND p.total_investment_yuan >= 100000000")
    seen_more = False
    for unit in units:
        mine = {(t.target.metric, t.target.min_investment_wan): t.row.actual for t in result.targets
                if t.target.unit_id == unit}
        wide = demo.conn.execute(looser, {"unit": unit}).fetchone()[0]
        assert mine[(Metric.NEW_STARTS, Decimal(5000))] == wide
        assert mine[(Metric.NEW_STARTS, Decimal(10000))] == demo.conn.execute(
            HAND_COUNTS[Metric.NEW_STARTS], {"unit": unit}).fetchone()[0]
        seen_more = seen_more or wide > mine[(Metric.NEW_STARTS, Decimal(10000))]
        assert mine[(Metric.SIGNED_PROJECTS, Decimal(10000))] == demo.conn.execute(bigger_signed, {"unit": unit}).fetchone()[0]
        assert mine[(Metric.SIGNED_PROJECTS, None)] == demo.conn.execute(
            HAND_COUNTS[Metric.SIGNED_PROJECTS], {"unit": unit}).fetchone()[0]
    assert seen_more  # the demo has 5000万–1亿 starts that only the looser target counts
