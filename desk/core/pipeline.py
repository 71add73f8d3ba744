"""The lead pipeline for a period: how many leads in each state and from each source,
and how many of them went on to sign and to land (线索 → 签约 → 落地)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from desk.core.glossary import LeadSource, LeadState

SIGNED_OR_LATER = frozenset({LeadState.SIGNED, LeadState.LANDED})


def rate(part: int, whole: int) -> Decimal | None:
    """A percentage with one decimal, or ``None`` when there is nothing to divide by."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rate_text(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


@dataclass
class SourceRow:
    source: LeadSource
    by_state: dict[LeadState, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    @property
    def signed(self) -> int:
        return sum(n for s, n in self.by_state.items() if s in SIGNED_OR_LATER)

    @property
    def landed(self) -> int:
        return self.by_state.get(LeadState.LANDED, 0)


@dataclass
class Pipeline:
    by_state: dict[LeadState, int]
    by_source: dict[LeadSource, SourceRow]

    @classmethod
    def of(cls, rows: Iterable[tuple[LeadState, LeadSource]]) -> Pipeline:
        by_state = {s: 0 for s in LeadState}
        by_source = {s: SourceRow(s, {t: 0 for t in LeadState}) for s in LeadSource}
        for state, source in rows:
            by_state[state] += 1
            by_source[source].by_state[state] += 1
        return cls(by_state, by_source)

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    @property
    def signed(self) -> int:
        """Leads that reached 签约 (and may have landed since)."""
        return sum(n for s, n in self.by_state.items() if s in SIGNED_OR_LATER)

    @property
    def landed(self) -> int:
        return self.by_state[LeadState.LANDED]

    @property
    def signed_rate(self) -> Decimal | None:
        return rate(self.signed, self.total)

    @property
    def landed_rate(self) -> Decimal | None:
        return rate(self.landed, self.total)

    @property
    def landed_of_signed(self) -> Decimal | None:
        return rate(self.landed, self.signed)
