"""The recognition engine on the clauses of 盘锦2018 五.3 and the bands of 海州2019."""

from __future__ import annotations

from decimal import Decimal

import pytest

from desk import paths
from desk.core.glossary import Category, Claim, Evidence, Stage
from desk.core.recognition import ProfileError, claim_in_month, judge, load_profile

E = Evidence
IND, AGR, SRV, TOU, OTH = Category.INDUSTRIAL, Category.AGRICULTURAL, Category.SERVICE, Category.TOURISM, Category.OTHER


def profile(name: str):  # type: ignore[no-untyped-def]
    return load_profile(paths.resource("standards", f"{name}.toml").read_text(encoding="utf-8"), name)


PANJIN = profile("panjin-2018")
HAIZHOU = profile("haizhou-2019")

# (claim, category, total 万元, month 万元, evidence, recognised, counted, a reason that must appear)
CASES = [
    (Claim.NEW_START, IND, 12000, 300, {E.PILING}, True, True, "已打桩"),
    (Claim.NEW_START, AGR, 12000, 300, {E.TRENCHING}, True, True, "已开槽"),
    (Claim.NEW_START, SRV, 12000, 300, {E.SITE_LEVELING}, False, False, "场地平整不予认定（盘锦2018 五.3）"),
    (Claim.NEW_START, IND, 12000, 300, {E.SITE_LEVELING, E.TRENCHING}, True, True, "场地平整本身不计"),
    (Claim.NEW_START, IND, 12000, 0, {E.PILING}, False, False, "没有明显的投资量"),
    (Claim.NEW_START, IND, 12000, 300, set(), False, False, "未见打桩或开槽"),
    (Claim.NEW_START, TOU, 30000, 500, {E.PILING}, False, False, "现场无施工场面"),
    (Claim.NEW_START, TOU, 30000, 500, {E.CONSTRUCTION_ON_SITE}, True, True, "计入目标"),
    (Claim.NEW_START, TOU, 30000, 0, {E.CONSTRUCTION_ON_SITE}, False, False, "没有明显的投资量"),
    (Claim.NEW_START, IND, 9999, 300, {E.PILING}, True, False, "未达到亿元以上"),
    (Claim.NEW_START, OTH, 50000, 300, {E.PILING}, True, False, "不属于考评的产业项目"),
    (Claim.COMPLETION, IND, 12000, 0, {E.CONTRACT_COMPLETE, E.EQUIPMENT_INSTALLED}, False, False, "未进行试生产"),
    (Claim.COMPLETION, AGR, 12000, 0, {E.CONTRACT_COMPLETE, E.EQUIPMENT_INSTALLED, E.TRIAL_PRODUCTION}, True, True,
     "认定为竣工"),
    (Claim.COMPLETION, IND, 12000, 0, {E.EQUIPMENT_INSTALLED, E.TRIAL_PRODUCTION}, False, False, "未完成工程设计"),
    (Claim.COMPLETION, SRV, 12000, 0, {E.CONTRACT_COMPLETE}, False, False, "不具备投入使用条件"),
    (Claim.COMPLETION, TOU, 12000, 0, {E.CONTRACT_COMPLETE, E.READY_FOR_USE}, True, True, "认定为竣工"),
    (Claim.COMPLETION, SRV, 12000, 0, {E.CONTRACT_COMPLETE, E.EQUIPMENT_INSTALLED, E.TRIAL_PRODUCTION}, False, False,
     "不具备投入使用条件"),
]


@pytest.mark.parametrize(("claim", "category", "total", "month", "evidence", "recognised", "counted", "reason"), CASES)
def test_panjin_clauses(claim, category, total, month, evidence, recognised, counted, reason) -> None:  # type: ignore[no-untyped-def]
    verdict = judge(PANJIN, claim, category, Decimal(total), Decimal(month), frozenset(evidence))
    assert (verdict.recognised, verdict.counted) == (recognised, counted)
    assert any(reason in r for r in verdict.reasons), verdict.reasons
    assert all(r.endswith("（盘锦2018 五.3）") for r in verdict.reasons)


@pytest.mark.parametrize(("total", "panjin", "haizhou", "band"), [
    (4999, False, False, None), (5000, False, True, "5000万元以上"), (9999, False, True, "5000万元以上"),
    (10000, True, True, "亿元以上"), (250000, True, True, "20亿元以上"),
])
def test_size_bands_in_both_profiles(total: int, panjin: bool, haizhou: bool, band: str | None) -> None:
    args = (Claim.NEW_START, IND, Decimal(total), Decimal(100), frozenset({E.PILING}))
    assert judge(PANJIN, *args).counted is panjin
    verdict = judge(HAIZHOU, *args)
    assert verdict.counted is haizhou and verdict.band == band


def test_claims_are_the_first_month_of_a_start_or_completion() -> None:
    assert claim_in_month(Stage.NEW_START, Stage.PRELIMINARY) == Claim.NEW_START
    assert claim_in_month(Stage.NEW_START, None) == Claim.NEW_START
    assert claim_in_month(Stage.NEW_START, Stage.NEW_START) is None
    assert claim_in_month(Stage.COMPLETED, Stage.CONSTRUCTION) == Claim.COMPLETION
    assert claim_in_month(Stage.COMPLETED, Stage.COMPLETED) is None
    assert claim_in_month(Stage.CONSTRUCTION, Stage.NEW_START) is None


@pytest.mark.parametrize(("text", "words"), [
    ("not toml [", "不是有效的 TOML"),
    ("[profile]\nname='x'\ntitle='x'\n", "缺少 cite"),
    ("[profile]\nname='x'\ntitle='x'\ncite='x'\n", "缺少 [new_start]"),
])
def test_broken_profiles_are_refused_naming_the_key(text: str, words: str) -> None:
    with pytest.raises(ProfileError, match=words.replace("[", r"\[")):
        load_profile(text, "x")


def test_unknown_evidence_in_a_profile_is_named() -> None:
    text = paths.resource("standards", "panjin-2018.toml").read_text(encoding="utf-8")
    with pytest.raises(ProfileError, match="“drilling”不是认定证据"):
        load_profile(text.replace('any_of = ["piling", "trenching"]', 'any_of = ["piling", "drilling"]'), "bad")
