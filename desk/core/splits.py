"""Reading a split written the way the notices write it (盘锦2018 附件1):
“盘山县25项，双台子区16项，兴隆台区23项 …”, “盘山县42项，投资65亿元；双台子区30项 …”,
“盘山县35项（50亿元以上5项）”, “市台办推荐3项”.

Each piece that starts with a known unit's name gives that unit's planned figure (the first
number after the name) and keeps whatever else it says as the unit's note on the plan;
a piece without a unit name (“投资65亿元”) belongs to the unit before it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from desk.core.glossary import IndicatorKind
from desk.core.money import AmountError, parse_amount

_PIECES = re.compile(r"[，,；;。\n]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_PREFIX = re.compile(r"^\s*(?:[（(]\d+[)）]|\d+[.、])?\s*(?:[^：:]{0,6}[：:])?")
_UNIT_WORDS = re.compile(r"^(?:项|个|亿元|万元|亿美元|万美元|%|次|家|条)")


@dataclass(frozen=True)
class SplitLine:
    unit: str
    planned: Decimal | None
    text: str  # the rest of what the notice says for this unit


@dataclass(frozen=True)
class Split:
    lines: list[SplitLine]
    unknown: list[str]  # pieces that name no known unit and follow none


def parse_split(text: str, unit_names: list[str]) -> Split:
    text = unicodedata.normalize("NFKC", text)
    names = sorted({n for n in unit_names if n}, key=len, reverse=True)
    lines: list[SplitLine] = []
    unknown: list[str] = []
    for raw in _PIECES.split(text):
        piece = raw.strip()
        if not piece:
            continue
        name = _leading_unit(piece, names)
        if name is None:
            body = _PREFIX.sub("", piece, count=1).strip()
            name = _leading_unit(body, names)
            piece = body if name is not None else piece
        if name is None:
            if lines:
                last = lines[-1]
                lines[-1] = SplitLine(last.unit, last.planned, f"{last.text}，{piece}" if last.text else piece)
            else:
                unknown.append(piece)
            continue
        rest = piece[len(name):]
        match = _NUMBER.search(rest)
        planned = Decimal(match.group()) if match else None
        if match:
            before = rest[: match.start()]
            after = _UNIT_WORDS.sub("", rest[match.end():], count=1)
            note = (before + after).strip()
            # “推荐3项”, “复工37项”: the verb before the number is part of how the plan is said.
            note = after.strip() if before.strip() and not after.strip() else note
        else:
            note = rest.strip()
        lines = [line for line in lines if line.unit != name]
        lines.append(SplitLine(name, planned, note.replace("(", "（").replace(")", "）")))
    return Split(lines, unknown)


def _leading_unit(piece: str, names: list[str]) -> str | None:
    return next((n for n in names if piece.startswith(n)), None)


_COUNT_RE = re.compile(r"^(\d+(?:\.\d+)?)(?:项|个|次|家|条|人)?$")
_RATE_RE = re.compile(r"^(\d+(?:\.\d+)?)%?$")


def parse_figure(text: str, indicator: IndicatorKind) -> Decimal | None:
    """A planned or actual figure typed for a task: ``"25"``, ``"25项"``, ``"60亿元"``, ``"6000万元"``
    (as 0.6 in a 亿元 task), ``"90%"``. Blank is ``None``; anything else raises ``ValueError``
    with a Chinese message."""
    raw = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if not raw or indicator == IndicatorKind.TEXT:
        return None
    if indicator == IndicatorKind.COUNT:
        match = _COUNT_RE.match(raw)
        if not match:
            raise ValueError(f"“{text}”不是数量，请填写数字，例如 25")
        return Decimal(match.group(1))
    if indicator == IndicatorKind.RATE:
        match = _RATE_RE.match(raw)
        if not match:
            raise ValueError(f"“{text}”不是比率，请填写百分数，例如 90 或 90%")
        return Decimal(match.group(1))
    unit = {IndicatorKind.AMOUNT_WAN: "万元", IndicatorKind.AMOUNT_YI: "亿元",
            IndicatorKind.AMOUNT_USD_YI: "亿美元"}[indicator]
    try:
        return parse_amount(raw, unit)
    except AmountError as exc:
        raise ValueError(str(exc)) from None
