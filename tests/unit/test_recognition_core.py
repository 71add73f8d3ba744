"""The recognition engine, table-driven from the clauses of 盘锦2018 附件2 五.3 and the size
bands of 盘锦2018 附件2 三/四.3 and 海州2019 一(二)/五(二).

Each case was derived from the clause text quoted above its group; the edges the clauses
leave to reading (site levelling together with trenching, tourism with piling but no
construction on site, completion with equipment but no trial production, thresholds
exactly on a band) are spelled out.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from desk import paths
from desk.core.glossary import Category, Claim, Evidence, Stage
from desk.core.profiles import with_thresholds
from desk.core.recognition import claim_in_month, judge, load_profile

E = Evidence
IND, AGR, SRV, TOU, OTH = Category.INDUSTRIAL, Category.AGRICULTURAL, Category.SERVICE, Category.TOURISM, Category.OTHER
START, DONE = Claim.NEW_START, Claim.COMPLETION


def profile(name: str):  # type: ignore[no-untyped-def]
    return load_profile(paths.resource("standards", f"{name}.toml").read_text(encoding="utf-8"), name)


PANJIN = profile("panjin-2018")
HAIZHOU = profile("haizhou-2019")
GENERIC = profile("generic")
RULE_CITE = "（盘锦2018 五.3）"
COUNT_CITE = "（盘锦2018 附件2 三）"

# (claim, category, total 万元, month 万元, evidence, recognised, counted, a reason that must appear)
CASES = [
    # 新开工工业项目、农业产业化项目、服务业项目（不含旅游项目）：要求实现打桩或开槽，有明显的投资量
    # 和工程进度，场地平整不予认定。
    (START, IND, 12000, 300, {E.PILING}, True, True, "已打桩"),
    (START, AGR, 12000, 300, {E.TRENCHING}, True, True, "已开槽"),
    (START, SRV, 12000, 300, {E.PILING}, True, True, "认定为新开工"),
    (START, IND, 12000, 300, {E.PILING, E.TRENCHING}, True, True, "已打桩，已开槽"),
    (START, SRV, 12000, 300, {E.SITE_LEVELING}, False, False, "场地平整不予认定（盘锦2018 五.3）"),
    (START, SRV, 12000, 300, {E.SITE_LEVELING}, False, False, "未见打桩或开槽"),
    # site levelling does not spoil a start that also trenched: it just does not count itself
    (START, IND, 12000, 300, {E.SITE_LEVELING, E.TRENCHING}, True, True, "场地平整本身不计"),
    (START, AGR, 12000, 300, {E.SITE_LEVELING, E.PILING, E.TRENCHING}, True, True, "场地平整本身不计"),
    # “有明显的投资量”: nothing completed this month is no visible investment
    (START, IND, 12000, 0, {E.PILING}, False, False, "没有明显的投资量"),
    (START, IND, 12000, 300, set(), False, False, "未见打桩或开槽"),
    # a busy site without piling or trenching is still not an industrial start
    (START, IND, 12000, 300, {E.CONSTRUCTION_ON_SITE}, False, False, "未见打桩或开槽"),
    (START, IND, 12000, 300, {E.EQUIPMENT_INSTALLED, E.CONTRACT_COMPLETE}, False, False, "未见打桩或开槽"),
    # 旅游项目：要求有明显的投资量和工程进度，现场无施工场面不认定为新开工项目。
    (START, TOU, 30000, 500, {E.PILING}, False, False, "现场无施工场面，不予认定"),
    (START, TOU, 30000, 500, {E.PILING, E.TRENCHING, E.SITE_LEVELING}, False, False, "现场无施工场面"),
    (START, TOU, 30000, 500, {E.CONSTRUCTION_ON_SITE}, True, True, "现场有施工场面"),
    (START, TOU, 30000, 500, {E.CONSTRUCTION_ON_SITE, E.SITE_LEVELING}, True, True, "计入目标"),
    (START, TOU, 30000, 0, {E.CONSTRUCTION_ON_SITE}, False, False, "没有明显的投资量"),
    # 竣工工业项目、农业产业化项目：完成工程设计和合同约定的各项建设内容，完成设备安装，进行试生产。
    (DONE, IND, 12000, 0, {E.CONTRACT_COMPLETE, E.EQUIPMENT_INSTALLED}, False, False, "未进行试生产"),
    (DONE, AGR, 12000, 0, {E.CONTRACT_COMPLETE, E.EQUIPMENT_INSTALLED, E.TRIAL_PRODUCTION}, True, True,
     "认定为竣工"),
    (DONE, IND, 12000, 0, {E.EQUIPMENT_INSTALLED, E.TRIAL_PRODUCTION}, False, False, "未完成工程设计"),
    (DONE, IND, 12000, 0, {E.CONTRACT_COMPLETE, E.TRIAL_PRODUCTION}, False, False, "未完成设备安装"),
    # an industrial plant “ready for use” has not proven it produces
    (DONE, IND, 12000, 0, {E.CONTRACT_COMPLETE, E.READY_FOR_USE}, False, False, "未完成设备安装"),
    # completion needs no investment in the month itself
    (DONE, IND, 12000, 0, {E.CONTRACT_COMPLETE, E.EQUIPMENT_INSTALLED, E.TRIAL_PRODUCTION}, True, True,
     "已进行试生产"),
    # 服务业项目（含旅游项目）：完成工程设计和合同约定的各项建设内容，具备投入使用条件。
    (DONE, SRV, 12000, 0, {E.CONTRACT_COMPLETE}, False, False, "不具备投入使用条件"),
    (DONE, TOU, 12000, 0, {E.CONTRACT_COMPLETE, E.READY_FOR_USE}, True, True, "认定为竣工"),
    (DONE, TOU, 12000, 0, {E.READY_FOR_USE}, False, False, "未完成工程设计"),
    (DONE, SRV, 12000, 0, {E.CONTRACT_COMPLETE, E.EQUIPMENT_INSTALLED, E.TRIAL_PRODUCTION}, False, False,
     "不具备投入使用条件"),
    # 亿元以上产业项目 count (附件2 三); “以上” includes the figure itself
    (START, IND, 9999, 300, {E.PILING}, True, False, "未达到亿元以上"),
    (START, IND, 10000, 300, {E.PILING}, True, True, "达到亿元以上"),
    (START, OTH, 50000, 300, {E.PILING}, True, False, "不属于考评的产业项目"),
    (DONE, OTH, 50000, 0, {E.CONTRACT_COMPLETE, E.READY_FOR_USE}, True, False, "不属于考评的产业项目"),
]


@pytest.mark.parametrize(("claim", "category", "total", "month", "evidence", "recognised", "counted", "reason"), CASES)
def test_panjin_clauses(claim, category, total, month, evidence, recognised, counted, reason) -> None:  # type: ignore[no-untyped-def]
    verdict = judge(PANJIN, claim, category, Decimal(total), Decimal(month), frozenset(evidence))
    assert (verdict.recognised, verdict.counted) == (recognised, counted)
    assert any(reason in r for r in verdict.reasons), verdict.reasons
    # every reason cites its clause: the standard, or the counting threshold
    assert all(r.endswith(RULE_CITE) or r.endswith(COUNT_CITE) for r in verdict.reasons), verdict.reasons
    conclusion = f"认定为{claim.label}{RULE_CITE}" if recognised else f"不予认定为{claim.label}{RULE_CITE}"
    assert conclusion in verdict.reasons
    assert any(r.endswith(COUNT_CITE) for r in verdict.reasons) is recognised


def test_missing_evidence_is_listed_for_the_panel() -> None:
    verdict = judge(PANJIN, DONE, IND, Decimal(12000), Decimal(0), frozenset({E.CONTRACT_COMPLETE}))
    assert verdict.missing == (E.EQUIPMENT_INSTALLED, E.TRIAL_PRODUCTION)
    verdict = judge(PANJIN, START, IND, Decimal(12000), Decimal(300), frozenset({E.SITE_LEVELING}))
    assert verdict.missing == (E.PILING, E.TRENCHING)
    assert verdict.label == "不予认定"


@pytest.mark.parametrize(("total", "panjin", "panjin_band", "haizhou", "haizhou_band"), [
    (4999, False, None, False, None),
    (5000, False, None, True, "5000万元以上"),
    (9999, False, None, True, "5000万元以上"),
    (10000, True, "亿元以上", True, "亿元以上"),
    (49999, True, "亿元以上", True, "亿元以上"),
    (50000, True, "5亿元以上", True, "5亿元以上"),
    (100000, True, "10亿元以上", True, "10亿元以上"),
    (250000, True, "10亿元以上", True, "20亿元以上"),
    (500000, True, "50亿元以上", True, "20亿元以上"),
])
def test_size_bands_in_both_profiles(total: int, panjin: bool, panjin_band: str | None, haizhou: bool,
                                     haizhou_band: str | None) -> None:
    args = (START, IND, Decimal(total), Decimal(100), frozenset({E.PILING}))
    verdict = judge(PANJIN, *args)
    assert (verdict.counted, verdict.band) == (panjin, panjin_band)
    verdict = judge(HAIZHOU, *args)
    assert (verdict.counted, verdict.band) == (haizhou, haizhou_band)
    counting = verdict.reasons[-1]
    assert counting.endswith("（海州2019 一(二)）")
    assert ("，达到5000万元以上，计入目标" in counting) is haizhou
    # 海州2019 has no recognition clauses of its own and says whose it borrows
    assert all(r.endswith(RULE_CITE) for r in verdict.reasons[:-1])


def test_haizhou_counts_every_category_panjin_only_industry() -> None:
    args = (START, OTH, Decimal(6000), Decimal(100), frozenset({E.TRENCHING}))
    assert judge(HAIZHOU, *args).counted is True
    assert judge(PANJIN, *args).counted is False


def test_the_band_is_named_when_above_the_threshold() -> None:
    verdict = judge(HAIZHOU, START, IND, Decimal(250000), Decimal(100), frozenset({E.PILING}))
    assert "总投资 250,000 万元（20亿元以上），达到5000万元以上，计入目标（海州2019 一(二)）" in verdict.reasons


def test_generic_thresholds_are_the_units() -> None:
    assert GENERIC.user_thresholds and GENERIC.bands == ()
    args = (START, IND, Decimal(100), Decimal(10), frozenset({E.PILING}))
    verdict = judge(GENERIC, *args)
    assert verdict.counted and any("不设投资门槛" in r for r in verdict.reasons)
    edited, _text = with_thresholds(GENERIC, Decimal(3000), Decimal(50), [(Decimal(3000), "3000万元以上")])
    assert judge(edited, *args).counted is False
    assert not judge(edited, *args).recognised  # 10 万元 is no longer “明显的投资量” (> 50)
    verdict = judge(edited, START, IND, Decimal(3000), Decimal(60), frozenset({E.PILING}))
    assert verdict.counted and verdict.band == "3000万元以上"


def test_visible_investment_floor_is_named() -> None:
    edited, _ = with_thresholds(GENERIC, Decimal(0), Decimal(50), [])
    verdict = judge(edited, START, TOU, Decimal(8000), Decimal(50), frozenset({E.CONSTRUCTION_ON_SITE}))
    assert not verdict.recognised
    assert any("本月完成投资 50 万元，未超过 50 万元，没有明显的投资量" in r for r in verdict.reasons)


def test_claims_are_the_first_month_of_a_start_or_completion() -> None:
    assert claim_in_month(Stage.NEW_START, Stage.PRELIMINARY) == Claim.NEW_START
    assert claim_in_month(Stage.NEW_START, None) == Claim.NEW_START
    assert claim_in_month(Stage.NEW_START, Stage.NEW_START) is None
    assert claim_in_month(Stage.COMPLETED, Stage.CONSTRUCTION) == Claim.COMPLETION
    assert claim_in_month(Stage.COMPLETED, Stage.COMPLETED) is None
    assert claim_in_month(Stage.CONSTRUCTION, Stage.NEW_START) is None
    assert claim_in_month(Stage.STOPPED, Stage.CONSTRUCTION) is None
