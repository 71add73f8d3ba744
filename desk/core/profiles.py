"""Writing a rule profile back to TOML, and changing the thresholds a clerk may set.

A profile with ``user_thresholds = true`` (the shipped ``generic``) leaves the counting
threshold, the “visible investment” floor and the size bands to the unit. The edited
profile is written out in full by :func:`dump_profile` and stored in the ledger, so the
ledger keeps the exact text its verdicts were made under; :func:`load_profile` reads it
back to an equal profile.
"""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

from desk.core.glossary import Category, Claim, Evidence
from desk.core.recognition import Band, Profile, ProfileError, load_profile

_ORDER = list(Evidence)


def _string(text: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes); keep Chinese readable.
    return json.dumps(text, ensure_ascii=False)


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _evidence(items: frozenset[Evidence]) -> str:
    return "[" + ", ".join(_string(e.value) for e in sorted(items, key=_ORDER.index)) + "]"


def dump_profile(profile: Profile, header: str = "") -> str:
    """The profile as a complete TOML file (every rule written out, no ``same_as``)."""
    lines: list[str] = []
    if header:
        lines += [f"# {line}" if line else "#" for line in header.splitlines()]
    lines.append("# 格式说明见 README.md“认定标准文件”一节。")
    lines += [
        "",
        "[profile]",
        f"name = {_string(profile.name)}",
        f"title = {_string(profile.title)}",
        f"source = {_string(profile.source)}",
        f"cite = {_string(profile.cite)}",
        "",
        "[counting]",
        "# 计入目标的最低总投资（万元），0 表示不设门槛。",
        f"threshold_wan = {_number(profile.count_threshold_wan)}",
        f"user_thresholds = {'true' if profile.user_thresholds else 'false'}",
        "categories = [" + ", ".join(_string(c.value) for c in Category if c in profile.counted_categories) + "]",
        "# “有明显的投资量”：本月完成投资须大于此数（万元）。",
        f"min_month_investment_wan = {_number(profile.min_month_investment_wan)}",
    ]
    if profile.counting_cite:
        lines.append(f"cite = {_string(profile.counting_cite)}")
    lines += ["", "[review]", f"enabled = {'true' if profile.review.enabled else 'false'}"]
    if profile.review.cite:
        lines.append(f"cite = {_string(profile.review.cite)}")
    for band in profile.bands:
        lines += ["", "[[bands]]", f"min_wan = {_number(band.min_wan)}", f"label = {_string(band.label)}"]
    for claim in Claim:
        for category in Category:
            rule = profile.rule(claim, category)
            lines += ["", f"[{claim.value}.{category.value}]"]
            if rule.all_of:
                lines.append(f"all_of = {_evidence(rule.all_of)}")
            if rule.any_of:
                lines.append(f"any_of = {_evidence(rule.any_of)}")
            if rule.not_alone:
                lines.append(f"not_alone = {_evidence(rule.not_alone)}")
            lines.append(f"needs_investment = {'true' if rule.needs_investment else 'false'}")
            if rule.clause:
                lines.append(f"clause = {_string(rule.clause)}")
    return "\n".join(lines) + "\n"


def with_thresholds(
    profile: Profile,
    threshold_wan: Decimal,
    min_month_investment_wan: Decimal,
    bands: list[tuple[Decimal, str]],
    header: str = "",
) -> tuple[Profile, str]:
    """The profile with the clerk's thresholds, and its TOML text (validated by reading it back).

    Refused for a profile whose thresholds are fixed by its notice.
    """
    if not profile.user_thresholds:
        raise ProfileError(f"认定标准“{profile.title}”的门槛由文件规定，不能在这里修改；"
                           "如需本单位的门槛，请选用“通用”标准，或导入本单位的标准文件。")
    if threshold_wan < 0 or min_month_investment_wan < 0:
        raise ProfileError("门槛金额不能为负数")
    cleaned: list[Band] = []
    for row, (min_wan, label) in enumerate(bands, start=1):
        label = label.strip()
        if not label:
            raise ProfileError(f"第 {row} 个规模档次缺少名称（如“亿元以上”）")
        if min_wan <= 0:
            raise ProfileError(f"第 {row} 个规模档次“{label}”的最低总投资应大于 0 万元")
        cleaned.append(Band(min_wan, label))
    edited = replace(
        profile,
        count_threshold_wan=threshold_wan,
        min_month_investment_wan=min_month_investment_wan,
        bands=tuple(sorted(cleaned, key=lambda b: b.min_wan)),
    )
    text = dump_profile(edited, header)
    return load_profile(text, profile.name), text
