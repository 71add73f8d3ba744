"""Reading one cell as one ledger field's value — exactly, or an error for that cell."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from desk.core.dates import DateError, parse_date
from desk.core.money import MAX_AMOUNT_WAN, AmountError, parse_amount, tidy, unit_scale
from desk.core.synonyms import accepted_words, lookup, parse_yes_no
from desk.exchange.sheets.fields import FieldSpec

# What clerks put in a cell to say "nothing here" (a dash in a government table is not zero).
BLANK_WORDS = frozenset({"-", "--", "—", "——", "－", "/", "／", "\\", "无", "暂无", "空", "n/a", "N/A"})


_MESSY = re.compile(r"[\r\n\t\xa0\u3000]|  ")
_SPACES = re.compile(r"\s+")


class CellError(ValueError):
    """A cell that cannot be read unambiguously; the message is Chinese and says why."""


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip() or value.strip() in BLANK_WORDS
    return False


def clean_text(value: Any) -> str:
    """A cell as text: trimmed, runs of spaces made one, numbers without a trailing ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    if not _MESSY.search(text):
        return text.strip()
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ")
    lines = [re.sub(r"[ \t\xa0]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def text_key(text: str) -> str:
    """How two names are compared: half-width, no spaces, case-folded."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).casefold()


def read_cell(spec: FieldSpec, value: Any, *, unit: str | None = None, date1904: bool = False) -> Any:
    """The field's value for a cell, ``None`` when the cell is blank. Raises :class:`CellError`."""
    return reader_for(spec, unit=unit, date1904=date1904)(value)


def reader_for(spec: FieldSpec, *, unit: str | None = None, date1904: bool = False) -> Callable[[Any], Any]:
    """A function reading one column's cells as ``spec``'s values (built once per column:
    an import reads every cell of up to tens of thousands of rows)."""
    if spec.kind in ("text", "unit"):
        single_line = spec.name in ("name", "company", "person_name")
        limit = spec.max_length

        def text(value: Any) -> Any:
            if type(value) is str and not _MESSY.search(value):
                result = value.strip()
            else:
                result = clean_text(value)
                if single_line:
                    result = result.replace("\n", " ")
            if len(result) > limit:
                raise CellError(f"内容太长（{len(result)} 个字，最多 {limit} 个字）")
            return result or None

        def column(cells: Sequence[Any]) -> list[Any] | None:
            """A whole column of tidy text at once (one search over all of it, not one per cell);
            ``None`` when a cell needs ``text`` itself: not text, messy or too long."""
            filled = [value for value in cells if value is not None and value != ""]
            if not all(type(value) is str for value in filled) or _MESSY.search("\0".join(filled)):
                return None
            if filled and max(map(len, filled)) > limit:
                return None
            return [None if value is None or value == "" else value.strip() or None for value in cells]

        text.column = column  # type: ignore[attr-defined]
        return text

    def remembered(read: Callable[[Any], Any]) -> Callable[[Any], Any]:
        """A column of 在建/工业/2027年10月 repeats a few values: read each once."""
        cache: dict[tuple[type, Any], Any] = {}

        def wrapped(value: Any) -> Any:
            key = (type(value), value)
            try:
                return cache[key]
            except KeyError:
                pass
            except TypeError:  # not hashable
                return read(value)
            result = read(value)
            if len(cache) < 10_000:
                cache[key] = result
            return result

        return wrapped

    if spec.kind == "amount":
        return _amount_reader(spec, unit)
    if spec.kind == "date":

        def a_date(value: Any) -> Any:
            try:
                return parse_date(value, date1904=date1904)
            except DateError as exc:
                raise CellError(str(exc)) from None

        return remembered(_blank_or(a_date))
    if spec.kind == "enum":
        assert spec.enum is not None
        enum = spec.enum

        def member(value: Any) -> Any:
            text = clean_text(value)
            found = lookup(enum, text)  # type: ignore[type-var]
            if found is None:
                words = "、".join(accepted_words(enum))  # type: ignore[type-var]
                raise CellError(f"“{text}”不是可识别的{spec.label}，应为：{words}")
            return found

        return remembered(_blank_or(member))
    if spec.kind == "bool":

        def yes_no(value: Any) -> Any:
            if isinstance(value, bool):
                return value
            text = clean_text(value)
            answer = parse_yes_no(text)
            if answer is None:
                raise CellError(f"“{text}”看不出是“是”还是“否”")
            return answer

        return remembered(_blank_or(yes_no))
    raise AssertionError(spec.kind)


def _blank_or(read: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def wrapped(value: Any) -> Any:
        return None if is_blank(value) else read(value)

    return wrapped


def _amount_reader(spec: FieldSpec, unit: str | None) -> Callable[[Any], Decimal | None]:
    """Numbers take a short way (most cells of a big sheet are plain numbers in the heading's
    unit, never blank); everything else goes through ``parse_amount``. ``None`` for a blank."""
    target = "万美元" if spec.currency == "USD" else "万元"
    source = unit or target
    try:
        source_currency, source_scale = unit_scale(source)
        target_currency, target_scale = unit_scale(target)
    except AmountError:
        return _blank_or(lambda value: _amount(spec, value, unit))
    if source_currency != target_currency:
        return _blank_or(lambda value: _amount(spec, value, unit))
    scale = Decimal(source_scale) / Decimal(target_scale)
    limit = MAX_AMOUNT_WAN / scale  # money.too_large's bound in the heading's unit: one comparison a cell

    def amount(value: Any) -> Decimal | None:
        kind = type(value)
        if kind is float or kind is int:
            if value < 0 or (kind is float and not math.isfinite(value)) or value > limit:
                return _amount(spec, value, unit)  # says why
            number = Decimal(repr(value)) if kind is float else Decimal(value)
            return number if scale == 1 else tidy(number * scale)
        return None if is_blank(value) else _amount(spec, value, unit)

    def column(cells: Sequence[Any]) -> list[Decimal | None] | None:
        """A whole column of plain numbers ≥ 0 (and blanks) at once, without a call per cell;
        ``None`` when a cell needs ``amount`` itself."""
        kinds = set(map(type, cells))
        if not kinds <= _PLAIN_AMOUNT_KINDS or (str in kinds and any(type(v) is str and v for v in cells)):
            return None
        numbers = [v for v in cells if v is not None and v != ""]
        if numbers and (min(numbers) < 0 or (float in kinds and not all(map(math.isfinite, numbers)))):
            return None
        if scale != 1 or (numbers and max(numbers) > limit):
            return None
        D = Decimal  # noqa: N806
        return [None if v is None or v == "" else D(repr(v)) if type(v) is float else D(v) for v in cells]

    amount.column = column  # type: ignore[attr-defined]
    return amount


_PLAIN_AMOUNT_KINDS = frozenset({int, float, str, type(None)})


def _amount(spec: FieldSpec, value: Any, unit: str | None) -> Decimal:
    target = "万美元" if spec.currency == "USD" else "万元"
    if isinstance(value, bool):
        raise CellError("这里应填金额，不是“是/否”")
    if isinstance(value, (date, datetime, time, timedelta)):
        raise CellError("这里应填金额，单元格却是日期或时间")
    source = unit or target
    try:
        source_currency, _ = unit_scale(source)
    except AmountError as exc:
        raise CellError(str(exc)) from None
    if source_currency != spec.currency:
        want = "美元" if spec.currency == "USD" else "人民币"
        raise CellError(f"表头的单位是“{source}”，但{spec.label}应为{want}金额")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError("不是金额")
        value = int(value) if value.is_integer() else Decimal(repr(value))  # 2e13 is said as 20000000000000
    try:
        amount = parse_amount(value, target, default_unit=source)
    except AmountError as exc:
        raise CellError(str(exc)) from None
    assert amount is not None
    return amount
