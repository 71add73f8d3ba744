"""Reporting months and deadlines.

A unit reports month by month. The deadline is a day of the month (the 20th in
盘锦2018, the 10th in 四平2019, the 28th for 港南2018's investment teams). Some
notices want the report on the month itself by that day (盘锦: figures up to the 20th),
others want last month's report by that day of the next month (四平: 每月10日前) —
``deadline_next_month`` chooses.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1900 <= self.year <= 9999:
            raise ValueError(f"月份不对：{self.year}-{self.month}")

    @classmethod
    def parse(cls, text: str) -> Month:
        if cls is Month and type(text) is str:  # immutable, so each text is parsed once (see _PARSED)
            found = _PARSED.get(text)
            if found is None:
                found = _parse(cls, text)
                if len(_PARSED) < 1024:
                    _PARSED[text] = found
            return found
        return _parse(cls, text)

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def day(self, day: int) -> date:
        """Day ``day`` of this month, clamped to its last day (the 31st of February is the 28th)."""
        return date(self.year, self.month, min(max(day, 1), self.last_day.day))

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def prev(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def months_of_year_until(self) -> list[Month]:
        """January of this year up to and including this month."""
        return [Month(self.year, m) for m in range(1, self.month + 1)]

    def contains(self, day: date) -> bool:
        return day.year == self.year and day.month == self.month


def _parse(cls: type[Month], text: str) -> Month:
    match = _MONTH_RE.match(text.strip())
    if not match:
        raise ValueError(f"“{text}”不是月份，应写成 YYYY-MM，例如 2026-10")
    return cls(int(match[1]), int(match[2]))


# Month.parse's results by text: an import validates the same month for each of its rows.
_PARSED: dict[str, Month] = {}


@dataclass(frozen=True)
class DeadlineRule:
    day: int = 20
    next_month: bool = False

    def deadline(self, month: Month) -> date:
        return (month.next() if self.next_month else month).day(self.day)

    def reporting_month(self, today: date) -> Month:
        """The month a clerk is working on today."""
        current = Month.of(today)
        return current.prev() if self.next_month else current

    def is_late(self, month: Month, submitted_on: date) -> bool:
        return submitted_on > self.deadline(month)


def days_left(today: date, deadline: date) -> int:
    """Whole days from today to the deadline; 0 on the day, negative once past."""
    return (deadline - today).days


def deadline_text(today: date, deadline: date) -> str:
    left = days_left(today, deadline)
    if left > 0:
        return f"距截止 {left} 天（{deadline.month}月{deadline.day}日）"
    if left == 0:
        return f"今天截止（{deadline.month}月{deadline.day}日）"
    return f"已过截止日 {-left} 天（{deadline.month}月{deadline.day}日）"


def parse_iso_date(text: str | None) -> date | None:
    if text is None or text == "":
        return None
    return date.fromisoformat(text)
