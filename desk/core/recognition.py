"""Recognition standards (认定标准): does a claimed new start or completion count, and why.

The rules are data (a *rule profile*, ``resources/standards/*.toml``); this module reads a
profile and judges one claim the way an inspector would, giving every reason with the
clause it applies, e.g. “场地平整不予认定（盘锦2018 五.3）”.

盘锦2018 附件2 五.3, the default profile:
* 新开工 工业、农业产业化、服务业（不含旅游）: 打桩或开槽, with visible investment and
  progress; 场地平整 alone is not recognised.
* 新开工 旅游: visible investment and progress; no construction on site → not recognised.
* 竣工 工业、农业产业化: all design and contract contents built, equipment installed,
  trial production under way.
* 竣工 服务业（含旅游）: all design and contract contents built, ready to be put into use.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from desk.core.errors import DeskError
from desk.core.glossary import Category, Claim, Evidence, Stage
from desk.core.money import format_amount

# How a missing piece of evidence is said, and how a present one is named in a reason.
MISSING_TEXT: dict[Evidence, str] = {
    Evidence.PILING: "未打桩",
    Evidence.TRENCHING: "未开槽",
    Evidence.SITE_LEVELING: "未进行场地平整",
    Evidence.CONSTRUCTION_ON_SITE: "现场无施工场面",
    Evidence.EQUIPMENT_INSTALLED: "未完成设备安装",
    Evidence.TRIAL_PRODUCTION: "未进行试生产",
    Evidence.CONTRACT_COMPLETE: "未完成工程设计和合同约定的各项建设内容",
    Evidence.READY_FOR_USE: "不具备投入使用条件",
}


class ProfileError(DeskError):
    """A rule profile that cannot be used; the message names the file and the key."""

    exit_code = 3


@dataclass(frozen=True)
class Rule:
    """What one claim of one category needs."""

    all_of: frozenset[Evidence] = frozenset()
    any_of: frozenset[Evidence] = frozenset()
    not_alone: frozenset[Evidence] = frozenset()  # evidence that never counts by itself
    needs_investment: bool = True
    clause: str = ""


@dataclass(frozen=True)
class Band:
    min_wan: Decimal
    label: str


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    source: str
    cite: str
    count_threshold_wan: Decimal
    counted_categories: frozenset[Category]
    bands: tuple[Band, ...]
    rules: dict[tuple[Claim, Category], Rule]
    min_month_investment_wan: Decimal = Decimal(0)
    user_thresholds: bool = False
    sha256: str = ""

    def rule(self, claim: Claim, category: Category) -> Rule:
        return self.rules[(claim, category)]

    def band_of(self, total_wan: Decimal) -> Band | None:
        reached = [b for b in self.bands if total_wan >= b.min_wan]
        return max(reached, key=lambda b: b.min_wan) if reached else None

    def threshold_label(self) -> str:
        band = self.band_of(self.count_threshold_wan)
        if band is not None and band.min_wan == self.count_threshold_wan:
            return band.label
        return f"{format_amount(self.count_threshold_wan, 0)}万元以上"


@dataclass(frozen=True)
class Verdict:
    claim: Claim
    recognised: bool
    counted: bool
    reasons: tuple[str, ...]
    band: str | None = None
    missing: tuple[Evidence, ...] = field(default=())

    @property
    def label(self) -> str:
        if not self.recognised:
            return "不予认定"
        return "认定，计入目标" if self.counted else "认定，不计入目标"


def judge(
    profile: Profile,
    claim: Claim,
    category: Category,
    total_investment_wan: Decimal,
    completed_investment_wan: Decimal,
    evidence: frozenset[Evidence] | set[Evidence],
) -> Verdict:
    """The verdict on one claimed new start or completion, with reasons citing the clause."""
    rule = profile.rule(claim, category)
    cite = f"（{profile.cite}{' ' + rule.clause if rule.clause else ''}）"
    evidence = frozenset(evidence)
    reasons: list[str] = []
    missing: list[Evidence] = []
    failed = False

    lacking = sorted(rule.all_of - evidence, key=list(Evidence).index)
    for item in lacking:
        failed = True
        missing.append(item)
        reasons.append(f"{MISSING_TEXT[item]}，不予认定{cite}")

    if rule.any_of:
        found = sorted(rule.any_of & evidence, key=list(Evidence).index)
        if found:
            named = "、".join(e.label for e in found)
            alone = sorted(rule.not_alone & evidence, key=list(Evidence).index)
            note = f"（{'、'.join(e.label for e in alone)}本身不计）" if alone else ""
            reasons.append(f"已{named}{note}{cite}")
        else:
            failed = True
            options = "或".join(e.label for e in sorted(rule.any_of, key=list(Evidence).index))
            reasons.append(f"未见{options}，不予认定{cite}")
            for item in sorted(rule.not_alone & evidence, key=list(Evidence).index):
                reasons.append(f"{item.label}不予认定{cite}")
            missing.extend(sorted(rule.any_of, key=list(Evidence).index))

    if rule.needs_investment:
        if completed_investment_wan <= profile.min_month_investment_wan:
            failed = True
            reasons.append(f"本月没有明显的投资量（完成投资 {format_amount(completed_investment_wan)} 万元），"
                           f"不予认定{cite}")
        else:
            reasons.append(f"本月完成投资 {format_amount(completed_investment_wan)} 万元{cite}")

    if not lacking and rule.all_of:
        reasons.append(f"已{'、'.join(e.label for e in sorted(rule.all_of, key=list(Evidence).index))}{cite}")

    recognised = not failed
    band = profile.band_of(total_investment_wan)
    counted = False
    if recognised:
        reasons.append(f"认定为{claim.label}{cite}")
        if category not in profile.counted_categories:
            reasons.append(f"{category.label}项目不属于考评的产业项目，不计入目标{cite}")
        elif total_investment_wan >= profile.count_threshold_wan:
            counted = True
            reasons.append(f"总投资 {format_amount(total_investment_wan)} 万元，达到{profile.threshold_label()}，"
                           f"计入目标{cite}")
        else:
            reasons.append(f"总投资 {format_amount(total_investment_wan)} 万元，未达到{profile.threshold_label()}"
                           f"（{format_amount(profile.count_threshold_wan, 0)} 万元），不计入目标{cite}")
    return Verdict(claim, recognised, counted, tuple(reasons), band.label if band else None, tuple(missing))


# ------------------------------------------------------------------------------- profiles
def _amount(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ProfileError(f"{where} 应为数字（万元）")
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise ProfileError(f"{where} 应为数字（万元），现在是“{value}”") from None
    if not result.is_finite() or result < 0:
        raise ProfileError(f"{where} 不能为负数")
    return result


def _evidence_list(value: Any, where: str) -> frozenset[Evidence]:
    if not isinstance(value, list):
        raise ProfileError(f"{where} 应为列表，例如 [\"piling\", \"trenching\"]")
    result = set()
    for item in value:
        try:
            result.add(Evidence.parse(str(item)))
        except ValueError:
            known = "、".join(f"{e.value}（{e.label}）" for e in Evidence)
            raise ProfileError(f"{where} 中的“{item}”不是认定证据，可选：{known}") from None
    return frozenset(result)


def _categories(value: Any, where: str) -> frozenset[Category]:
    if not isinstance(value, list):
        raise ProfileError(f"{where} 应为列表")
    result = set()
    for item in value:
        try:
            result.add(Category.parse(str(item)))
        except ValueError:
            raise ProfileError(f"{where} 中的“{item}”不是项目类别，可选：{'、'.join(Category.values())}") from None
    return frozenset(result)


_RULE_KEYS = {"all_of", "any_of", "not_alone", "needs_investment", "clause", "same_as"}


def load_profile(text: str, name: str = "") -> Profile:
    """Parse and validate a profile; every problem is a :class:`ProfileError` naming the key."""
    label = f"认定标准“{name}”" if name else "认定标准文件"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{label}不是有效的 TOML 文件：{exc}") from None
    meta = data.get("profile")
    if not isinstance(meta, dict):
        raise ProfileError(f"{label}缺少 [profile] 部分")
    for key in ("name", "title", "cite"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise ProfileError(f"{label}的 [profile] 缺少 {key}")
    where = f"{label}的"
    counting = data.get("counting", {})
    if not isinstance(counting, dict):
        raise ProfileError(f"{where}[counting] 应为表")
    threshold = _amount(counting.get("threshold_wan", 0), f"{where}[counting] threshold_wan")
    counted = _categories(
        counting.get("categories", ["industrial", "agricultural", "service", "tourism"]),
        f"{where}[counting] categories",
    )
    min_invest = _amount(counting.get("min_month_investment_wan", 0), f"{where}[counting] min_month_investment_wan")
    bands_raw = data.get("bands", [])
    if not isinstance(bands_raw, list):
        raise ProfileError(f"{where}[[bands]] 应为表的列表")
    bands = []
    for i, band in enumerate(bands_raw, start=1):
        if not isinstance(band, dict) or not isinstance(band.get("label"), str):
            raise ProfileError(f"{where}第 {i} 个 [[bands]] 缺少 label")
        bands.append(Band(_amount(band.get("min_wan"), f"{where}第 {i} 个 [[bands]] min_wan"), band["label"]))
    rules: dict[tuple[Claim, Category], Rule] = {}
    for claim in Claim:
        section = data.get(claim.value)
        if not isinstance(section, dict):
            raise ProfileError(f"{where}缺少 [{claim.value}]（{claim.label}标准）")
        raw_rules: dict[Category, dict[str, Any]] = {}
        for category in Category:
            raw = section.get(category.value)
            key = f"[{claim.value}.{category.value}]"
            if not isinstance(raw, dict):
                raise ProfileError(f"{where}缺少 {key}（{category.label}项目{claim.label}标准）")
            unknown = set(raw) - _RULE_KEYS
            if unknown:
                raise ProfileError(f"{where}{key} 有不认识的键：{'、'.join(sorted(unknown))}")
            raw_rules[category] = raw
        for category, raw in raw_rules.items():
            key = f"{where}[{claim.value}.{category.value}]"
            if "same_as" in raw:
                try:
                    other = Category.parse(str(raw["same_as"]))
                except ValueError:
                    raise ProfileError(f"{key} same_as 应为项目类别") from None
                if "same_as" in raw_rules[other]:
                    raise ProfileError(f"{key} same_as 不能指向另一个 same_as")
                raw = {**raw_rules[other], **{k: v for k, v in raw.items() if k != "same_as"}}
            needs = raw.get("needs_investment", True)
            if not isinstance(needs, bool):
                raise ProfileError(f"{key} needs_investment 应为 true 或 false")
            rule = Rule(
                all_of=_evidence_list(raw.get("all_of", []), f"{key} all_of"),
                any_of=_evidence_list(raw.get("any_of", []), f"{key} any_of"),
                not_alone=_evidence_list(raw.get("not_alone", []), f"{key} not_alone"),
                needs_investment=needs,
                clause=str(raw.get("clause", "")),
            )
            if not rule.all_of and not rule.any_of and not rule.needs_investment:
                raise ProfileError(f"{key} 没有任何认定条件")
            rules[(claim, category)] = rule
    return Profile(
        name=meta["name"].strip(),
        title=meta["title"].strip(),
        source=str(meta.get("source", "")),
        cite=meta["cite"].strip(),
        count_threshold_wan=threshold,
        counted_categories=counted,
        bands=tuple(sorted(bands, key=lambda b: b.min_wan)),
        rules=rules,
        min_month_investment_wan=min_invest,
        user_thresholds=bool(counting.get("user_thresholds", False)),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def claim_in_month(stage: Stage, previous_stage: Stage | None) -> Claim | None:
    """What a month's report claims: the first month reported 新开工 claims a new start, the
    first month reported 竣工 claims a completion."""
    if stage == Stage.NEW_START and previous_stage != Stage.NEW_START:
        return Claim.NEW_START
    if stage == Stage.COMPLETED and previous_stage != Stage.COMPLETED:
        return Claim.COMPLETION
    return None
