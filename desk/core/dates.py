"""Dates as clerks write them in their sheets: read exactly, or refused with a reason.

Accepted: real date cells, Excel serial numbers (1900 and 1904 date systems), and the
written forms ``2018-04-18``, ``2018/4/18``, ``2018.4.18``, ``2018年4月18日``,
``20180418``, and months ``2018-04``, ``2018/4``, ``2018.4``, ``2018年4月``, ``201804``
(a month is kept as its first day). Full-width digits are fine. Anything that could be
read two ways — the number 2018.1 may have been typed as 2018.10 — is an error, never a
guess.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal

# The years a ledger date may fall in; outside them a number is more likely something else.
MIN_YEAR = 1949
MAX_YEAR = 2100

_EPOCH_1900 = date(1899, 12, 30)  # serial 61 is 1900-03-01 (Excel counts a 29 Feb 1900)
_EPOCH_1904 = date(1904, 1, 1)
_MAX_SERIAL = 2_958_465  # 9999-12-31, Excel's last date; beyond it a number is not a date


def _last_serial(date1904: bool) -> int:
    return _MAX_SERIAL - 1462 if date1904 else _MAX_SERIAL  # the 1904 system counts from 1904-01-01

_FULL = re.compile(r"^(\d{4})(?:[-/.]|年)(\d{1,2})(?:[-/.]|月)(\d{1,2})日?$")
_MONTH = re.compile(r"^(\d{4})(?:[-/.]|年)(\d{1,2})月?(?:份)?$")
_COMPACT_DAY = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_COMPACT_MONTH = re.compile(r"^(\d{4})(\d{2})$")
_YEAR_ONLY = re.compile(r"^(\d{4})年?$")


class DateError(ValueError):
    """A value that is not a date, or not unambiguously one; the message is for the clerk."""


def _make(year: int, month: int, day: int, shown: object) -> date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(f"“{shown}”的年份 {year} 不合理")
    if not 1 <= month <= 12:
        raise DateError(f"“{shown}”的月份 {month} 不存在")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"“{shown}”这一天不存在") from None


def from_serial(serial: float, *, date1904: bool = False) -> date:
    """An Excel date serial number as a date (the time of day is dropped)."""
    if not (math.isfinite(serial) and 0 <= serial <= _last_serial(date1904)):
        raise DateError(f"“{_shown(serial)}”不是日期（超出了 Excel 日期序号的范围）")
    days = int(serial)
    if date1904:
        result = _EPOCH_1904 + timedelta(days=days)
    else:
        if days == 60:
            raise DateError("Excel 序列号 60 对应不存在的 1900年2月29日")
        result = _EPOCH_1900 + timedelta(days=days if days > 60 else days + 1)
    return result


def _shown(value: float | int | Decimal) -> str:
    """A number as the clerk would recognise it, short even when it is huge."""
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    else:
        text = str(value)
    return text if len(text) <= 20 else f"{float(value):.6g}"


def _number(value: float | int | Decimal, date1904: bool, typed: str | None = None) -> date:
    if not math.isfinite(float(value)) or abs(float(value)) > 1e12:  # infinities, NaN, far beyond any date
        raise DateError(f"“{typed or _shown(value)}”不是日期")
    if isinstance(value, float) and not value.is_integer():
        text = repr(value)
        match = re.fullmatch(r"(\d{4})\.(\d{1,2})", text)
        if match:
            year, frac = int(match[1]), match[2]
            if frac == "1":
                # A number cell drops trailing zeros: 2018.10 and 2018.1 are the same number.
                raise DateError(f"“{text}”分不清是 {year}年1月 还是 {year}年10月，请写成“{year}年1月”或“{year}年10月”")
            return _make(year, int(frac), 1, text)
        if MIN_YEAR <= value < MAX_YEAR + 1:
            raise DateError(f"“{text}”不是日期")
    whole = int(value)
    shown = typed or (_shown(value) if isinstance(value, float) and not value.is_integer() else _shown(whole))
    if MIN_YEAR <= whole <= MAX_YEAR:
        raise DateError(f"“{shown}”只有年份，请写明月份，例如 {whole}年4月")
    if 100_000 <= whole <= 999_999:
        match = _COMPACT_MONTH.match(str(whole))
        assert match is not None
        return _make(int(match[1]), int(match[2]), 1, shown)
    if 10_000_000 <= whole <= 99_999_999:
        match = _COMPACT_DAY.match(str(whole))
        assert match is not None
        return _make(int(match[1]), int(match[2]), int(match[3]), shown)
    if whole <= 0:
        raise DateError(f"“{shown}”不是日期")
    if whole > _last_serial(date1904):
        raise DateError(f"“{shown}”不是日期（超出了 Excel 日期序号的范围）")
    result = from_serial(float(value), date1904=date1904)
    if not MIN_YEAR <= result.year <= MAX_YEAR:
        raise DateError(f"“{shown}”不是日期（按 Excel 日期序号算是 {result.isoformat()}，不合理）")
    return result


def parse_date(value: object, *, date1904: bool = False) -> date | None:
    """Read a cell as a date; ``None`` when blank. Raises :class:`DateError`."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise DateError(f"日期 {value.isoformat()} 的年份不合理")
        return value
    if isinstance(value, bool):
        raise DateError("是/否不是日期")
    if isinstance(value, (int, float, Decimal)):
        return _number(value, date1904)
    if isinstance(value, (timedelta,)):
        raise DateError("这是一段时长，不是日期")
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
    if not text:
        return None
    match = _FULL.match(text)
    if match:
        return _make(int(match[1]), int(match[2]), int(match[3]), value)
    match = _MONTH.match(text)
    if match:
        return _make(int(match[1]), int(match[2]), 1, value)
    match = _COMPACT_DAY.match(text)
    if match:
        return _make(int(match[1]), int(match[2]), int(match[3]), value)
    match = _COMPACT_MONTH.match(text)
    if match:
        return _make(int(match[1]), int(match[2]), 1, value)
    if _YEAR_ONLY.match(text):
        raise DateError(f"“{value}”只有年份，请写明月份，例如 {text[:4]}年4月")
    if re.fullmatch(r"\d+(\.\d+)?", text):
        number = float(text)
        if number.is_integer():
            return _number(int(number), date1904, str(value).strip())
        raise DateError(f"“{value}”不是日期")
    raise DateError(f"“{value}”不是日期，请写成 2018-04-18、2018年4月18日或 2018年4月")
