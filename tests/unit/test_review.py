"""Dynamic review (盘锦2018 附件2 五.2) over a year of monthly records, in the core and over a ledger.

    对未能按进度施工或停工的新开工项目，在考评时剔除且不计得分；对年内未能复工的新开工项目，
    参照弄虚作假扣分；对年内复工的新开工项目，年终复评计分。
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from desk import paths
from desk.core.glossary import Category, Evidence, MonthFilter, RecognitionStatus, Stage
from desk.core.models import Project, ProjectMonth
from desk.core.periods import Month
from desk.core.recognition import load_profile
from desk.core.review import review_year
from desk.store.ledger import Ledger
from desk.store.recognition import (
    history_lines,
    month_summary,
    recognition_filter,
    recognition_status,
    year_reviews,
)

PANJIN = load_profile(paths.resource("standards", "panjin-2018.toml").read_text(encoding="utf-8"), "panjin-2018")
S = RecognitionStatus
PROJECT = Project(name="盘锦宝来轻烃综合利用项目", unit_id=1, category=Category.INDUSTRIAL,
                  total_investment_wan=Decimal(120000), id=7)
GOOD_START = frozenset({Evidence.PILING, Evidence.CONSTRUCTION_ON_SITE})

# A year, month by month: (stage, 万元 completed that month). None = not reported that month.
Plan = list[tuple[str, int] | None]


def records(plan: Plan, evidence: frozenset[Evidence] = GOOD_START, year: int = 2026) -> list[ProjectMonth]:
    stages = {"预": Stage.PRELIMINARY, "开": Stage.NEW_START, "建": Stage.CONSTRUCTION, "停": Stage.STOPPED,
              "复": Stage.RESUMED, "竣": Stage.COMPLETED}
    result = []
    ytd = Decimal(0)
    for index, entry in enumerate(plan, start=1):
        if entry is None:
            continue
        stage = stages[entry[0]]
        ytd += entry[1]
        result.append(ProjectMonth(project_id=7, month=f"{year}-{index:02d}", stage=stage,
                                   invested_month_wan=Decimal(entry[1]), invested_ytd_wan=ytd,
                                   evidence=evidence if stage == Stage.NEW_START else frozenset()))
    return result


def statuses(plan: Plan, until: str | None = None, evidence: frozenset[Evidence] = GOOD_START) -> list[S | None]:
    review = review_year(PANJIN, PROJECT, records(plan, evidence), 2026, Month.parse(until) if until else None)
    return [review.status_at(f"2026-{m:02d}") for m in range(1, 13)]


def test_a_start_that_keeps_building_counts_all_year() -> None:
    plan: Plan = [("预", 0), ("预", 0), ("开", 500), *[("建", 800)] * 9]
    assert statuses(plan) == [None, None, *[S.START_RECOGNISED] * 10]
    review = review_year(PANJIN, PROJECT, records(plan), 2026)
    assert review.start_counts_at("2026-12") and not review.start_counts_at("2026-02")


def test_a_start_that_stops_is_dropped_and_unresumed_by_december_is_a_suspected_false_start() -> None:
    plan: Plan = [("预", 0), ("开", 500), ("建", 300), ("停", 0), *[("停", 0)] * 8]
    result = statuses(plan)
    assert result[:3] == [None, S.START_RECOGNISED, S.START_RECOGNISED]
    assert result[3:11] == [S.DROPPED] * 8
    assert result[11] == S.SUSPECTED_FAKE
    review = review_year(PANJIN, PROJECT, records(plan), 2026)
    texts = [e.text for e in review.events]
    assert texts == [
        "2026年2月 申报新开工：认定，计入目标（10亿元以上）",
        "2026年4月 停工：新开工项目剔除，不计得分（盘锦2018 五.2）",
        "2026年内未能复工：疑似假开工，参照弄虚作假扣分（盘锦2018 五.2）",
    ]
    assert not review.start_counts_at("2026-04") and not review.start_counts_at("2026-12")


def test_before_december_a_stopped_start_is_only_dropped() -> None:
    plan: Plan = [("预", 0), ("开", 500), ("停", 0), ("停", 0)]
    assert statuses(plan, until="2026-04")[3] == S.DROPPED
    assert S.SUSPECTED_FAKE not in statuses(plan, until="2026-11")


def test_no_progress_is_dropped_and_progress_again_is_counted_again_at_year_end() -> None:
    # 未能按进度施工: a month with nothing completed; resumed in August.
    plan: Plan = [("开", 500), ("建", 400), ("建", 0), ("建", 0), ("停", 0), ("停", 0), ("停", 0),
                  ("复", 200), ("建", 300), ("建", 300), ("建", 300), ("建", 300)]
    result = statuses(plan)
    assert result == [S.START_RECOGNISED, S.START_RECOGNISED, *[S.DROPPED] * 5, *[S.RESUMED] * 5]
    review = review_year(PANJIN, PROJECT, records(plan), 2026)
    assert review.events[1].text == ("2026年3月 本月无完成投资（0 万元），未能按进度施工：新开工项目剔除，"
                                     "不计得分（盘锦2018 五.2）")
    assert review.events[1].cause == "无进度"
    assert review.events[2].text == "2026年8月 复工（本月完成投资 200 万元），年终复评计分（盘锦2018 五.2）"
    assert review.start_counts_at("2026-12") and not review.start_counts_at("2026-05")


def test_stopping_again_after_resuming_is_dropped_again() -> None:
    plan: Plan = [("开", 500), ("停", 0), ("复", 100), ("停", 0), *[("停", 0)] * 8]
    result = statuses(plan)
    assert result[:4] == [S.START_RECOGNISED, S.DROPPED, S.RESUMED, S.DROPPED]
    assert result[-1] == S.SUSPECTED_FAKE


def test_a_month_not_reported_after_the_start_is_no_progress() -> None:
    plan: Plan = [("开", 500), None, ("建", 300)]
    review = review_year(PANJIN, PROJECT, records(plan), 2026, Month(2026, 3))
    assert [e.status for e in review.events] == [S.START_RECOGNISED, S.DROPPED, S.RESUMED]
    assert review.events[1].cause == "未填报"


def test_completion_ends_the_review() -> None:
    plan: Plan = [("开", 500), ("建", 400), ("竣", 100)]
    review = review_year(PANJIN, PROJECT, records(plan), 2026)
    assert review.status == S.COMPLETION_REJECTED  # no completion evidence ticked
    assert [c.claim.value for c in review.claims] == ["new_start", "completion"]
    assert review.start_counts_at("2026-12")  # the start itself still counts


def test_a_start_not_recognised_is_not_reviewed() -> None:
    plan: Plan = [("开", 500), ("停", 0), *[("停", 0)] * 10]
    result = statuses(plan, evidence=frozenset({Evidence.SITE_LEVELING}))
    assert set(result) == {S.START_REJECTED}


def test_review_switched_off_by_the_profile() -> None:
    text = paths.resource("standards", "panjin-2018.toml").read_text(encoding="utf-8")
    off = load_profile(text.replace("[review]\nenabled = true", "[review]\nenabled = false"), "off")
    plan: Plan = [("开", 500), *[("停", 0)] * 11]
    review = review_year(off, PROJECT, records(plan), 2026)
    assert [e.status for e in review.events] == [S.START_RECOGNISED]


def test_december_of_the_year_before_decides_a_january_claim() -> None:
    before = [ProjectMonth(project_id=7, month="2025-12", stage=Stage.NEW_START, invested_month_wan=Decimal(100),
                           evidence=GOOD_START)]
    this_year = records([("开", 300), ("建", 300)])
    review = review_year(PANJIN, PROJECT, before + this_year, 2026, Month(2026, 2))
    assert review.claims == () and review.events == ()


# ------------------------------------------------------------------------------ the ledger
@pytest.fixture
def year_ledger(empty: Ledger) -> Ledger:
    """Four projects with a year of monthly reports (Jan–Dec 2026)."""
    unit = empty.unit_id
    plans: dict[str, tuple[Category, int, Plan, frozenset[Evidence]]] = {
        "持续建设": (Category.INDUSTRIAL, 20000, [("开", 500), *[("建", 300)] * 11], GOOD_START),
        "停工未复": (Category.INDUSTRIAL, 15000, [("开", 500), ("建", 300), *[("停", 0)] * 10], GOOD_START),
        "年内复工": (Category.SERVICE, 30000, [("开", 500), ("停", 0), ("停", 0), *[("建", 100)] * 9],
                 frozenset({Evidence.TRENCHING})),
        "场地平整": (Category.INDUSTRIAL, 12000, [("开", 500), *[("建", 300)] * 11],
                 frozenset({Evidence.SITE_LEVELING})),
    }
    with empty.transaction():
        for name, (category, total, plan, evidence) in plans.items():
            project = empty.projects.add(Project(name=name, unit_id=unit, category=category,
                                                 total_investment_wan=Decimal(total)))
            rows = [ProjectMonth(**{**r.__dict__, "project_id": project.id, "id": None})
                    for r in records(plan, evidence)]
            empty.months.save_many(rows, summary="测试")
    return empty


def ids(ledger: Ledger) -> dict[str, int]:
    return {p.name: p.id for p in ledger.projects.all()}  # type: ignore[misc]


def test_ledger_standings_through_the_year(year_ledger: Ledger) -> None:
    names = ids(year_ledger)
    march = recognition_status(year_ledger, "2026-03")
    assert {n: march[i].text for n, i in names.items()} == {
        "持续建设": "新开工认定（1月）", "停工未复": "剔除（停工）", "年内复工": "剔除（停工）",
        "场地平整": "新开工不予认定（1月）"}
    december = recognition_status(year_ledger, "2026-12")
    assert {n: december[i].status for n, i in names.items()} == {
        "持续建设": S.START_RECOGNISED, "停工未复": S.SUSPECTED_FAKE, "年内复工": S.RESUMED,
        "场地平整": S.START_REJECTED}
    assert recognition_filter(year_ledger, "2026-12", {S.SUSPECTED_FAKE}) == {names["停工未复"]}
    assert recognition_filter(year_ledger, "2026-12", ["dropped", "resumed"]) == {names["年内复工"]}
    january = month_summary(year_ledger, "2026-01")
    assert (january.count(MonthFilter.CLAIMED), january.count(MonthFilter.RECOGNISED),
            january.count(MonthFilter.NOT_RECOGNISED), january.count(MonthFilter.MISSING_FILES)) == (4, 3, 1, 4)
    assert recognition_filter(year_ledger, "2026-01", {MonthFilter.NOT_RECOGNISED}) == {names["场地平整"]}
    assert recognition_filter(year_ledger, "2026-02", {MonthFilter.CLAIMED}) == set()


def test_a_month_nobody_has_reported_yet_proves_nothing(year_ledger: Ledger) -> None:
    # Only Jan–Mar are in the ledger: April is not yet reported by anyone, so nothing is dropped for it.
    year_ledger.conn.execute("DELETE FROM project_months WHERE month > '2026-03'")
    names = ids(year_ledger)
    standing = recognition_status(year_ledger, "2026-06")
    assert standing[names["持续建设"]].status == S.START_RECOGNISED
    assert year_reviews(year_ledger, "2026-06")[names["持续建设"]].until == "2026-03"


def test_history_lines_tell_the_story_with_their_clauses(year_ledger: Ledger) -> None:
    lines = history_lines(year_ledger, ids(year_ledger)["年内复工"])
    assert lines[0] == "2026年1月 申报新开工：认定，计入目标（亿元以上）"
    assert "    已开槽（盘锦2018 五.3）" in lines
    assert "2026年2月 停工：新开工项目剔除，不计得分（盘锦2018 五.2）" in lines
    assert lines[-1] == "2026年4月 复工（本月完成投资 100 万元），年终复评计分（盘锦2018 五.2）"
    lines = history_lines(year_ledger, ids(year_ledger)["停工未复"])
    assert lines[-1] == "2026年内未能复工：疑似假开工，参照弄虚作假扣分（盘锦2018 五.2）"


def test_the_demo_ledgers_claims_are_all_judged(demo: Ledger) -> None:
    month = demo.latest_month()
    assert month is not None
    standings = recognition_status(demo, month)
    claimed = {s.project_id for s in standings.values() if s.claim is not None}
    from desk.store.recognition import month_checks

    assert claimed == {c.project.id for c in month_checks(demo, month)}
