"""Recognition standards (认定标准): does a claimed new start or completion count, and why.

The rules are data (a *rule profile*, ``resources/standards/*.toml``, schema in the README's
“认定标准文件”); this module reads a profile and judges one claim the way an inspector would,
giving every reason with the clause it applies, e.g. “场地平整不予认定（盘锦2018 五.3）”.

盘锦2018 附件2 五.3, the default profile:
* 新开工 工业、农业产业化、服务业（不含旅游）: 打桩或开槽, with visible investment and
  progress; 场地平整 alone is not recognised.
* 新开工 旅游: visible investment and progress; no construction on site → not recognised.
* 竣工 工业、农业产业化: all design and contract contents built, equipment installed,
  trial production under way.
* 竣工 服务业（含旅游）: all design and contract contents built, ready to be put into use.

Which recognised claims count toward the targets (亿元以上产业项目, 盘锦2018 附件2 三; 5000万元
以上 in 海州2019 一(二)) is a separate question with its own clause, so a profile cites the two
separately (``cite`` and ``counting_cite``).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from desk.core.errors import DeskError
from desk.core.glossary import Category, Claim, Evidence, Stage
from desk.core.money import format_amount

# How a missing piece of evidence is said, and how a present one is said.
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
PRESENT_TEXT: dict[Evidence, str] = {
    Evidence.PILING: "已打桩",
    Evidence.TRENCHING: "已开槽",
    Evidence.SITE_LEVELING: "已进行场地平整",
    Evidence.CONSTRUCTION_ON_SITE: "现场有施工场面",
    Evidence.EQUIPMENT_INSTALLED: "已完成设备安装",
    Evidence.TRIAL_PRODUCTION: "已进行试生产",
    Evidence.CONTRACT_COMPLETE: "已完成工程设计和合同约定的各项建设内容",
    Evidence.READY_FOR_USE: "具备投入使用条件",
}
# The order the clauses name the evidence in (五.3: 完成工程设计和合同约定的各项建设内容，完成设备
# 安装，进行试生产), used for reasons and for the missing list.
EVIDENCE_ORDER = [Evidence.PILING, Evidence.TRENCHING, Evidence.SITE_LEVELING, Evidence.CONSTRUCTION_ON_SITE,
                  Evidence.CONTRACT_COMPLETE, Evidence.EQUIPMENT_INSTALLED, Evidence.TRIAL_PRODUCTION,
                  Evidence.READY_FOR_USE]


def amount_text(amount: Decimal) -> str:
    """An amount in 万元 as a reason says it: “80,000”, “852.5” (no trailing zeros)."""
    text = format_amount(amount)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _ordered(items: frozenset[Evidence] | set[Evidence]) -> list[Evidence]:
    return sorted(items, key=EVIDENCE_ORDER.index)


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
class ReviewRule:
    """动态考评 (盘锦2018 五.2): whether recognised new starts are watched for the rest of the year."""

    enabled: bool = False
    cite: str = ""


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
    counting_cite: str = ""  # the clause that sets the threshold; ``cite`` when empty
    review: ReviewRule = field(default_factory=ReviewRule)

    def rule(self, claim: Claim, category: Category) -> Rule:
        return self.rules[(claim, category)]

    def band_of(self, total_wan: Decimal) -> Band | None:
        reached = [b for b in self.bands if total_wan >= b.min_wan]
        return max(reached, key=lambda b: b.min_wan) if reached else None

    def threshold_label(self) -> str:
        if self.count_threshold_wan <= 0:
            return "不设投资门槛"
        band = self.band_of(self.count_threshold_wan)
        if band is not None and band.min_wan == self.count_threshold_wan:
            return band.label
        return f"{amount_text(self.count_threshold_wan)}万元以上"

    def cite_for(self, claim: Claim, category: Category) -> str:
        clause = self.rule(claim, category).clause
        return f"（{self.cite}{' ' + clause if clause else ''}）"

    @property
    def counting_citation(self) -> str:
        return f"（{self.counting_cite or self.cite}）"


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
    """The verdict on one claimed new start or completion, with reasons citing the clause.

    Reasons come in the order an inspector reads the site: what was seen (or not), the
    month's investment, the conclusion, then whether the project counts toward the target.
    """
    rule = profile.rule(claim, category)
    cite = profile.cite_for(claim, category)
    evidence = frozenset(evidence)
    reasons: list[str] = []
    missing: list[Evidence] = []
    failed = False

    if rule.any_of:
        found = _ordered(rule.any_of & evidence)
        alone = _ordered(rule.not_alone & evidence)
        if found:
            note = f"（{'、'.join(e.label for e in alone)}本身不计）" if alone else ""
            reasons.append(f"{'，'.join(PRESENT_TEXT[e] for e in found)}{note}{cite}")
        else:
            failed = True
            options = "或".join(e.label for e in _ordered(rule.any_of))
            reasons.append(f"未见{options}，不予认定{cite}")
            reasons.extend(f"{item.label}不予认定{cite}" for item in alone)
            missing.extend(_ordered(rule.any_of))

    if rule.all_of:
        lacking = _ordered(rule.all_of - evidence)
        present = _ordered(rule.all_of & evidence)
        if present:
            reasons.append(f"{'，'.join(PRESENT_TEXT[e] for e in present)}{cite}")
        for item in lacking:
            failed = True
            missing.append(item)
            reasons.append(f"{MISSING_TEXT[item]}，不予认定{cite}")

    if rule.needs_investment:
        amount = amount_text(completed_investment_wan)
        floor = profile.min_month_investment_wan
        if completed_investment_wan <= floor:
            failed = True
            if floor > 0:
                reasons.append(f"本月完成投资 {amount} 万元，未超过 {amount_text(floor)} 万元，"
                               f"没有明显的投资量，不予认定{cite}")
            else:
                reasons.append(f"本月没有明显的投资量（完成投资 {amount} 万元），不予认定{cite}")
        else:
            reasons.append(f"本月完成投资 {amount} 万元，有明显的投资量{cite}")

    recognised = not failed
    band = profile.band_of(total_investment_wan)
    counted = False
    if not recognised:
        reasons.append(f"不予认定为{claim.label}{cite}")
    else:
        reasons.append(f"认定为{claim.label}{cite}")
        counting = profile.counting_citation
        total = amount_text(total_investment_wan)
        size = f"（{band.label}）" if band is not None and band.label != profile.threshold_label() else ""
        if category not in profile.counted_categories:
            reasons.append(f"{category.label}项目不属于考评的产业项目，不计入目标{counting}")
        elif profile.count_threshold_wan <= 0:
            counted = True
            reasons.append(f"总投资 {total} 万元{size}，不设投资门槛，计入目标{counting}")
        elif total_investment_wan >= profile.count_threshold_wan:
            counted = True
            reasons.append(f"总投资 {total} 万元{size}，达到{profile.threshold_label()}，计入目标{counting}")
        else:
            reasons.append(f"总投资 {total} 万元，未达到{profile.threshold_label()}"
                           f"（{amount_text(profile.count_threshold_wan)} 万元），不计入目标{counting}")
    return Verdict(claim, recognised, counted, tuple(reasons), band.label if band else None, tuple(missing))


# ------------------------------------------------------------------------------- profiles
_TOP_KEYS = {"profile", "counting", "review", "bands", *Claim.values()}
_PROFILE_KEYS = {"name", "title", "source", "cite"}
_COUNTING_KEYS = {"threshold_wan", "user_thresholds", "categories", "min_month_investment_wan", "cite"}
_REVIEW_KEYS = {"enabled", "cite"}
_BAND_KEYS = {"min_wan", "label"}
_RULE_KEYS = {"all_of", "any_of", "not_alone", "needs_investment", "clause", "same_as"}
# A profile's name is typed on the command line and stored in settings: no spaces.
_NAME_RE = re.compile(r"^[\w.\-]{1,40}$")
_TOML_WHERE = re.compile(r"\s*\(at line (\d+), column (\d+)\)")


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


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ProfileError(f"{where} 应为 true 或 false")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ProfileError(f"{where} 应为文字（用英文双引号括起来）")
    return value.strip()


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ProfileError(f"{where} 应为表（[…] 部分）")
    return value


def _known_keys(table: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ProfileError(f"{where} 有不认识的键：{'、'.join(unknown)}（可用的键：{'、'.join(sorted(allowed))}）")


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


def _parse_toml(text: str, label: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_WHERE.search(str(exc))
        where = f"第 {match[1]} 行第 {match[2]} 列附近" if match else ""
        hint = "检查等号、引号和方括号是否成对，文字须加英文双引号"
        raise ProfileError(f"{label}不是有效的 TOML 文件：{where}格式有误（{hint}）") from None


def _bands(raw: Any, where: str) -> tuple[Band, ...]:
    if not isinstance(raw, list):
        raise ProfileError(f"{where}[[bands]] 应为表的列表（每档写一个 [[bands]]）")
    bands: list[Band] = []
    for i, band in enumerate(raw, start=1):
        key = f"{where}第 {i} 个 [[bands]]"
        band = _table(band, key)
        _known_keys(band, _BAND_KEYS, key)
        label = _text(band.get("label", ""), f"{key} label")
        if not label:
            raise ProfileError(f"{key} 缺少 label（档次名称，如“亿元以上”）")
        if "min_wan" not in band:
            raise ProfileError(f"{key} 缺少 min_wan（该档的最低总投资，万元）")
        bands.append(Band(_amount(band["min_wan"], f"{key} min_wan"), label))
    labels = [b.label for b in bands]
    floors = [b.min_wan for b in bands]
    for kind, repeated in (("label", {v for v in labels if labels.count(v) > 1}),
                           ("min_wan", {format_amount(v) for v in floors if floors.count(v) > 1})):
        if repeated:
            raise ProfileError(f"{where}[[bands]] 的 {kind} 有重复：{'、'.join(sorted(repeated))}")
    return tuple(sorted(bands, key=lambda b: b.min_wan))


def _rules(data: dict[str, Any], where: str) -> dict[tuple[Claim, Category], Rule]:
    rules: dict[tuple[Claim, Category], Rule] = {}
    for claim in Claim:
        if claim.value not in data:
            raise ProfileError(f"{where}缺少 [{claim.value}]（{claim.label}标准）")
        section = _table(data[claim.value], f"{where}[{claim.value}]")
        _known_keys(section, set(Category.values()), f"{where}[{claim.value}]")
        raw_rules: dict[Category, dict[str, Any]] = {}
        for category in Category:
            key = f"[{claim.value}.{category.value}]"
            if category.value not in section:
                raise ProfileError(f"{where}缺少 {key}（{category.label}项目{claim.label}标准）")
            raw = _table(section[category.value], f"{where}{key}")
            _known_keys(raw, _RULE_KEYS, f"{where}{key}")
            raw_rules[category] = raw
        for category, raw in raw_rules.items():
            key = f"{where}[{claim.value}.{category.value}]"
            if "same_as" in raw:
                try:
                    other = Category.parse(str(raw["same_as"]))
                except ValueError:
                    raise ProfileError(f"{key} same_as 应为项目类别，可选：{'、'.join(Category.values())}") from None
                if other == category or "same_as" in raw_rules[other]:
                    raise ProfileError(f"{key} same_as 应指向一个自己写明条件的类别")
                raw = {**raw_rules[other], **{k: v for k, v in raw.items() if k != "same_as"}}
            rule = Rule(
                all_of=_evidence_list(raw.get("all_of", []), f"{key} all_of"),
                any_of=_evidence_list(raw.get("any_of", []), f"{key} any_of"),
                not_alone=_evidence_list(raw.get("not_alone", []), f"{key} not_alone"),
                needs_investment=_flag(raw.get("needs_investment", True), f"{key} needs_investment"),
                clause=_text(raw.get("clause", ""), f"{key} clause"),
            )
            if not rule.all_of and not rule.any_of and not rule.needs_investment:
                raise ProfileError(f"{key} 没有任何认定条件")
            if rule.not_alone & (rule.any_of | rule.all_of):
                raise ProfileError(f"{key} not_alone 中的证据不能同时出现在 any_of 或 all_of 中")
            rules[(claim, category)] = rule
    return rules


def load_profile(text: str, name: str = "") -> Profile:
    """Parse and validate a profile; every problem is a :class:`ProfileError` naming the key."""
    label = f"认定标准“{name}”" if name else "认定标准文件"
    data = _parse_toml(text, label)
    where = f"{label}的"
    _known_keys(data, _TOP_KEYS, f"{label}（顶层）")
    if "profile" not in data:
        raise ProfileError(f"{label}缺少 [profile] 部分")
    meta = _table(data["profile"], f"{where}[profile]")
    _known_keys(meta, _PROFILE_KEYS, f"{where}[profile]")
    for key in ("name", "title", "cite"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise ProfileError(f"{label}的 [profile] 缺少 {key}")
    profile_name = meta["name"].strip()
    if not _NAME_RE.match(profile_name):
        raise ProfileError(f"{where}[profile] name “{profile_name}”只能由字母、数字、汉字、“-”“_”“.”组成（不含空格，"
                           "最多 40 个字）")
    counting = _table(data.get("counting", {}), f"{where}[counting]")
    # The first shipped generic.toml wrote an empty ``bands = []`` inside [counting] (where it
    # meant nothing); ledgers keep that text, so an empty list there is still accepted.
    legacy_bands = counting.get("bands")
    if legacy_bands is not None and legacy_bands != []:
        raise ProfileError(f"{where}[counting] bands 应写在文件末尾的 [[bands]] 中")
    _known_keys(counting, _COUNTING_KEYS | ({"bands"} if legacy_bands == [] else set()), f"{where}[counting]")
    threshold = _amount(counting.get("threshold_wan", 0), f"{where}[counting] threshold_wan")
    counted = _categories(
        counting.get("categories", ["industrial", "agricultural", "service", "tourism"]),
        f"{where}[counting] categories",
    )
    min_invest = _amount(counting.get("min_month_investment_wan", 0), f"{where}[counting] min_month_investment_wan")
    review = _table(data.get("review", {}), f"{where}[review]")
    _known_keys(review, _REVIEW_KEYS, f"{where}[review]")
    review_rule = ReviewRule(
        enabled=_flag(review.get("enabled", False), f"{where}[review] enabled"),
        cite=_text(review.get("cite", ""), f"{where}[review] cite"),
    )
    return Profile(
        name=profile_name,
        title=meta["title"].strip(),
        source=_text(meta.get("source", ""), f"{where}[profile] source"),
        cite=meta["cite"].strip(),
        count_threshold_wan=threshold,
        counted_categories=counted,
        bands=_bands(data.get("bands", []), where),
        rules=_rules(data, where),
        min_month_investment_wan=min_invest,
        user_thresholds=_flag(counting.get("user_thresholds", False), f"{where}[counting] user_thresholds"),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        counting_cite=_text(counting.get("cite", ""), f"{where}[counting] cite"),
        review=review_rule,
    )


def claim_in_month(stage: Stage, previous_stage: Stage | None) -> Claim | None:
    """What a month's report claims: the first month reported 新开工 claims a new start, the
    first month reported 竣工 claims a completion."""
    if stage == Stage.NEW_START and previous_stage != Stage.NEW_START:
        return Claim.NEW_START
    if stage == Stage.COMPLETED and previous_stage != Stage.COMPLETED:
        return Claim.COMPLETION
    return None
