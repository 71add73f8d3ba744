"""Amounts: entered and shown in 万元 (or 万美元), kept exact.

The ledger stores money as whole 元 (or 美元) in INTEGER columns so that sums in SQL are
exact; the core works with ``Decimal`` amounts in 万元. 1 万元 = 10,000 元, so four
decimal places in 万元 are exactly one 元.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal(0)
_ONE_YUAN_IN_WAN = Decimal("0.0001")

# The largest amount the ledger takes: 10 万亿元 (or 10 万亿美元), as 万. Far above any one
# project's figure, so a larger number is a typo or a wrong unit; and far below what the
# INTEGER columns (whole 元, at most 2**63 - 1) can hold. One rule for every way in: typed
# into a field, read from a sheet's cell (``parse_amount``), and checked before a save
# (``desk.core.validation``).
MAX_AMOUNT_WAN = Decimal(1_000_000_000)

# Scale of each unit word relative to its base (元 or 美元), and its currency.
_UNITS: dict[str, tuple[str, int]] = {
    "元": ("CNY", 1),
    "千元": ("CNY", 1_000),
    "万": ("CNY", 10_000),
    "万元": ("CNY", 10_000),
    "亿": ("CNY", 100_000_000),
    "亿元": ("CNY", 100_000_000),
    "美元": ("USD", 1),
    "万美元": ("USD", 10_000),
    "亿美元": ("USD", 100_000_000),
}
_UNIT_RE = "|".join(sorted((re.escape(u) for u in _UNITS), key=len, reverse=True))
_AMOUNT_RE = re.compile(
    rf"^(?P<sign>[-+]?)(?P<num>\d+(?:\.\d+)?|\.\d+)\s*(?P<unit>{_UNIT_RE})?$"
)
_GROUPED_RE = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")


class AmountError(ValueError):
    """An amount that cannot be read unambiguously; the message is for the clerk."""


def normalize_text(text: str) -> str:
    """Full-width digits and punctuation to half-width; trims; drops inner spaces."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text.strip())


def unit_scale(unit: str) -> tuple[str, int]:
    try:
        return _UNITS[unit]
    except KeyError:
        raise AmountError(f"不认识的金额单位“{unit}”") from None


def too_large(amount: Decimal | int, unit: str = "万元") -> bool:
    """Whether ``amount`` (in ``unit``) is beyond :data:`MAX_AMOUNT_WAN`, either way from zero."""
    _, scale = unit_scale(unit)
    return abs(Decimal(amount)) * scale > MAX_AMOUNT_WAN * 10_000


def too_large_message(unit: str = "万元", shown: object = None) -> str:
    """What the clerk is told about an amount (as written: ``shown``) for which :func:`too_large` holds."""
    currency, _ = unit_scale(unit)
    base = "美元" if currency == "USD" else "元"
    text = "" if shown is None else str(shown)
    quoted = f"“{text}”" if text and len(text) <= 30 else ""
    return f"金额过大：{quoted}超过 10 万亿{base}（{MAX_AMOUNT_WAN:,} 万{base}），请检查数字和单位是否填错"


def parse_amount(
    text: str | int | float | Decimal | None,
    unit: str = "万元",
    *,
    default_unit: str | None = None,
    allow_negative: bool = False,
) -> Decimal | None:
    """Read an amount and return it in ``unit`` (万元 by default); ``None`` when blank.

    Accepts full-width digits, thousands separators and a unit suffix
    (``"1.2亿"`` is 12000 万元). A number without a suffix is taken in
    ``default_unit`` (defaults to ``unit``). Raises :class:`AmountError`.
    """
    if text is None:
        return None
    target_currency, target_scale = unit_scale(unit)
    source_unit = default_unit or unit
    if isinstance(text, bool):
        raise AmountError("金额不能是是/否")
    if isinstance(text, (int, Decimal)):
        value = Decimal(text)
    elif isinstance(text, float):
        value = Decimal(repr(text))
    else:
        raw = normalize_text(str(text))
        if not raw:
            return None
        raw = raw.replace("，", ",").replace("￥", "").replace("¥", "")
        number_part = re.sub(rf"({_UNIT_RE})$", "", raw)
        if "," in number_part:
            if not _GROUPED_RE.match(number_part):
                raise AmountError(f"“{text}”的千分位逗号位置不对")
            raw = raw.replace(",", "")
        match = _AMOUNT_RE.match(raw)
        if not match:
            raise AmountError(f"“{text}”不是金额")
        try:
            value = Decimal(match["num"])
        except InvalidOperation:
            raise AmountError(f"“{text}”不是金额") from None
        if match["sign"] == "-":
            value = -value
        if match["unit"]:
            source_unit = match["unit"]
    source_currency, source_scale = unit_scale(source_unit)
    if source_currency != target_currency:
        want = "人民币" if target_currency == "CNY" else "美元"
        raise AmountError(f"“{text}”的币种不对，这里应填{want}金额")
    if not value.is_finite():
        raise AmountError(f"“{text}”不是金额")
    if value < 0 and not allow_negative:
        raise AmountError(f"金额不能为负数：“{text}”")
    if too_large(value, source_unit):  # before any arithmetic that a huge number would break
        raise AmountError(too_large_message(unit, text))
    return tidy(value * source_scale / target_scale)


def tidy(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent form: 12000.00 → 12000, 1.50 → 1.5."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value  # type: ignore[operator]


def wan_to_yuan(amount: Decimal | None) -> int | None:
    """万元 → whole 元 (rounded half up to the 元)."""
    if amount is None:
        return None
    return int((amount * 10_000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def yuan_to_wan(yuan: int | None) -> Decimal | None:
    """Whole 元 → 万元, exact and tidy (as ``tidy``): 120000000 → 12000, 12300 → 1.23."""
    if yuan is None:
        return None
    yuan = int(yuan)
    if yuan % 10_000 == 0:  # most amounts are whole 万元: no Decimal arithmetic at all
        return Decimal(yuan // 10_000)
    return Decimal(yuan).scaleb(-4).normalize()  # has a fraction: normalize never gives an exponent > 0


def wan(value: str | int | Decimal) -> Decimal:
    """A literal amount in 万元 (for code and tests): ``wan("1234.5")``."""
    return Decimal(value)


def format_amount(amount: Decimal | int | None, places: int = 2, *, blank: str = "") -> str:
    """``12345.6`` → ``"12,345.60"``; ``None`` → ``blank``."""
    if amount is None:
        return blank
    quantum = Decimal(1).scaleb(-places)
    value = Decimal(amount).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{value:,.{places}f}"


def wan_to_yi(amount: Decimal) -> Decimal:
    return amount / 10_000


def sum_amounts(values: list[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), ZERO)
