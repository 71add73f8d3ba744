"""Recognition cases from a JSON file (``desk standards check``): read, validate, judge.

A case file is a JSON list of objects::

    {"id": "P-1", "claim": "new_start", "category": "industrial",
     "total_investment_wan": 12000, "completed_investment_wan": 300,
     "evidence": ["piling", "site_leveling"]}

Every problem is reported at once, each naming the case (its position and id) and the field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from desk.core.errors import DeskError, FieldError, NotFoundError, ValidationError, os_reason
from desk.core.glossary import Category, Claim, Evidence
from desk.core.money import AmountError, parse_amount
from desk.core.recognition import Profile, judge

FIELDS = ("id", "claim", "category", "total_investment_wan", "completed_investment_wan", "evidence")
# Keys a person may add for their own reference; anything else is a typo worth reporting.
IGNORED = ("name", "note")


@dataclass(frozen=True)
class Case:
    id: Any
    claim: Claim
    category: Category
    total_investment_wan: Decimal
    completed_investment_wan: Decimal
    evidence: frozenset[Evidence]


def _choices(enum: type[Claim] | type[Category] | type[Evidence]) -> str:
    return "、".join(f"{m.value}（{m.label}）" for m in enum)


def _amount(value: Any, name: str, where: str, errors: list[FieldError]) -> Decimal:
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        errors.append(FieldError(name, f"{name} 应为数字（万元）", where))
        return Decimal(0)
    try:
        amount = parse_amount(value)
    except AmountError as exc:
        errors.append(FieldError(name, f"{name} 应为数字（万元）：{exc}", where))
        return Decimal(0)
    if amount is None:
        errors.append(FieldError(name, f"{name} 不能为空", where))
        return Decimal(0)
    if amount < 0:
        errors.append(FieldError(name, f"{name} 不能为负数", where))
    return amount


def parse_cases(data: Any) -> list[Case]:
    """Validate decoded JSON; raise :class:`ValidationError` listing every problem."""
    if not isinstance(data, list):
        raise ValidationError(FieldError("cases", "案例文件应为 JSON 列表（[ {…}, {…} ]）"), "案例文件格式不对")
    errors: list[FieldError] = []
    cases: list[Case] = []
    for index, raw in enumerate(data, start=1):
        if not isinstance(raw, dict):
            errors.append(FieldError("case", "应为 JSON 对象（{…}）", f"第 {index} 个案例"))
            continue
        ident = raw.get("id")
        where = f"第 {index} 个案例（id “{ident}”）" if ident is not None else f"第 {index} 个案例"
        for name in FIELDS:
            if name not in raw:
                errors.append(FieldError(name, f"缺少 {name}", where))
        for name in sorted(set(raw) - set(FIELDS) - set(IGNORED)):
            errors.append(FieldError(name, f"有不认识的字段 {name}（可用：{'、'.join(FIELDS)}）", where))
        if ident is not None and (isinstance(ident, (bool, list, dict)) or ident == ""):
            errors.append(FieldError("id", "id 应为文字或数字", where))
        claim: Claim | None = None
        category: Category | None = None
        try:
            claim = Claim.parse(str(raw["claim"])) if "claim" in raw else None
        except ValueError:
            errors.append(FieldError("claim", f"claim “{raw['claim']}”不对，可选：{_choices(Claim)}", where))
        try:
            category = Category.parse(str(raw["category"])) if "category" in raw else None
        except ValueError:
            errors.append(FieldError("category", f"category “{raw['category']}”不对，可选：{_choices(Category)}",
                                     where))
        total = _amount(raw["total_investment_wan"], "total_investment_wan", where, errors) \
            if "total_investment_wan" in raw else Decimal(0)
        month = _amount(raw["completed_investment_wan"], "completed_investment_wan", where, errors) \
            if "completed_investment_wan" in raw else Decimal(0)
        evidence: set[Evidence] = set()
        items = raw.get("evidence", [])
        if not isinstance(items, list):
            errors.append(FieldError("evidence", "evidence 应为列表，例如 [\"piling\"]", where))
            items = []
        for item in items:
            try:
                evidence.add(Evidence.parse(str(item)))
            except ValueError:
                errors.append(FieldError("evidence", f"evidence 中的“{item}”不是认定证据，可选：{_choices(Evidence)}",
                                         where))
        if claim is not None and category is not None:
            cases.append(Case(ident, claim, category, total, month, frozenset(evidence)))
    if errors:
        shown = errors[:30]
        if len(errors) > len(shown):
            shown.append(FieldError("cases", f"……另有 {len(errors) - len(shown)} 处问题未列出"))
        raise ValidationError(shown, "案例文件有误")
    return cases


def read_cases(path: Path) -> list[Case]:
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise NotFoundError(f"找不到案例文件：{path}") from None
    except UnicodeDecodeError:
        raise DeskError(f"案例文件不是 UTF-8 编码的文本：{path}") from None
    except OSError as exc:
        raise DeskError(f"无法读取案例文件：{path}（{os_reason(exc)}）") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"第 {exc.lineno} 行第 {exc.colno} 列附近不是有效的 JSON（检查引号、逗号和括号是否成对）"
        raise ValidationError(FieldError("cases", where), f"案例文件 {Path(path).name} 格式不对") from None
    return parse_cases(data)


def check_cases(profile: Profile, cases: list[Case]) -> list[dict[str, Any]]:
    """The verdicts, in the cases' order: ``{id, recognised, counted, reasons}``."""
    results = []
    for case in cases:
        verdict = judge(profile, case.claim, case.category, case.total_investment_wan,
                        case.completed_investment_wan, case.evidence)
        results.append({"id": case.id, "recognised": verdict.recognised, "counted": verdict.counted,
                        "reasons": list(verdict.reasons)})
    return results
