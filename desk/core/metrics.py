"""What the ledger counts toward targets (目标), per unit, for a year up to a month.

Plain data in, plain data out: ``desk.store.progress`` reads the facts from the ledger
(one row per project, its monthly figures already summed, the recognition verdicts of the
claimed starts and completions, leads and trips) and :func:`count_metrics` counts them.

Each indicator is defined so that a clerk can recount it by hand:

* **新开工 / 竣工** (``new_starts`` / ``completions``): projects claimed as started /
  completed in a month from January to the month counted, whose claim the rule profile
  recognises (desk.core.recognition), of a category the profile scores and with a total
  investment at or above the threshold (the profile's, e.g. 亿元以上; or a target's own).
  A new start must also still stand under the dynamic review (动态考评, 盘锦2018 五.2,
  desk.core.review): one that stopped, showed no progress or went unreported is dropped
  until it resumes. A project counts once per year.
* **续建** (``continuing``): projects within the same scope started before the year and
  not completed before it (archived ones included, so that removing a stalled project
  from the pool does not improve the rate).
* **复工** (``resumed``): continuing projects reported as 新开工/在建/复工/竣工 in at
  least one month of the year so far and not 停工 in their latest record (one that worked
  and stopped again is not counted, as 盘锦2018 五.2 drops stopped starts).
  **复工率** = 复工 ÷ 续建 × 100%.
* **签约注册项目** and **签约项目投资总额**: projects whose stage moved to 签约 on a
  date from 1 January to the counting date, and the sum of their total investment (万元).
* **到位内资** (万元) and **实际利用外资** (万美元): sums of the monthly records.
* **完成固定资产投资** (万元): the sum of the monthly completed investment.
* **包装储备项目**: projects in the reserve pool now (stage 储备, not archived).
* **领导帮扶项目**: projects flagged 领导帮扶, not archived.
* **招商线索**: leads visited from 1 January to the counting date, counted for the unit that
  found them (the source unit, else the owner unit).
* **拜访企业**: companies visited on trips that started in that time, for the team's unit.

A unit's figures count only the projects, leads and trips of that unit itself; a
breakdown table's total is the sum of its units.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from desk.core.glossary import Category, Claim, Flag, IndicatorKind, Metric, Stage
from desk.core.periods import Month

ZERO = Decimal(0)
HUNDRED = Decimal(100)

# The natural unit of each metric: how its value is kept and shown.
COUNT, WAN, WUSD, RATE = "count", "wan", "wusd", "rate"
METRIC_KIND: dict[Metric, str] = {
    Metric.NEW_STARTS: COUNT,
    Metric.COMPLETIONS: COUNT,
    Metric.CONTINUING: COUNT,
    Metric.RESUMED: COUNT,
    Metric.RESUMPTION_RATE: RATE,
    Metric.SIGNED_PROJECTS: COUNT,
    Metric.SIGNED_INVESTMENT: WAN,
    Metric.DOMESTIC_FUNDS: WAN,
    Metric.FOREIGN_FUNDS: WUSD,
    Metric.RESERVE_PACKAGED: COUNT,
    Metric.LEADER_HELPED: COUNT,
    Metric.LEADS: COUNT,
    Metric.VISITS: COUNT,
    Metric.FIXED_ASSET_INVESTMENT: WAN,
}
# The word after a count.
COUNT_WORDS: dict[Metric, str] = {Metric.LEADS: "条", Metric.VISITS: "家"}
KIND_UNITS = {WAN: "万元", WUSD: "万美元", RATE: "%"}

# Which indicator of a task a metric can fill.
INDICATORS_FOR_KIND: dict[str, tuple[IndicatorKind, ...]] = {
    COUNT: (IndicatorKind.COUNT,),
    WAN: (IndicatorKind.AMOUNT_WAN, IndicatorKind.AMOUNT_YI),
    WUSD: (IndicatorKind.AMOUNT_USD_YI,),
    RATE: (IndicatorKind.RATE,),
}
# Metrics that depend on a project's size and category (the scope of a target).
SCOPED: frozenset[Metric] = frozenset(
    {Metric.NEW_STARTS, Metric.COMPLETIONS, Metric.CONTINUING, Metric.RESUMED, Metric.RESUMPTION_RATE}
)
WORKING_STAGES: frozenset[Stage] = frozenset({Stage.NEW_START, Stage.CONSTRUCTION, Stage.RESUMED, Stage.COMPLETED})


def metric_unit(metric: Metric) -> str:
    kind = METRIC_KIND[metric]
    return COUNT_WORDS.get(metric, "项") if kind == COUNT else KIND_UNITS[kind]


def metrics_for(indicator: IndicatorKind) -> list[Metric]:
    """The metrics whose value a task with this indicator can show."""
    return [m for m in Metric if indicator in INDICATORS_FOR_KIND[METRIC_KIND[m]]]


def fits(metric: Metric, indicator: IndicatorKind) -> bool:
    return indicator in INDICATORS_FOR_KIND[METRIC_KIND[metric]]


def to_indicator(metric: Metric, indicator: IndicatorKind, value: Decimal) -> Decimal:
    """A metric's value in a task's indicator unit (万元 → 亿元, 万美元 → 亿美元)."""
    if not fits(metric, indicator):
        raise ValueError(f"{metric.label}不能用{indicator.label}表示")
    if indicator in (IndicatorKind.AMOUNT_YI, IndicatorKind.AMOUNT_USD_YI):
        return value / 10_000
    return value


@dataclass(frozen=True)
class Scope:
    """Which projects a count covers: a total-investment threshold and the scored categories
    (for starts, completions and continuing projects), and a threshold for signed projects
    (none unless a target sets one: 签约亿元以上项目)."""

    min_total_wan: Decimal = ZERO
    categories: frozenset[Category] = frozenset(Category)
    signed_min_wan: Decimal = ZERO

    def covers(self, category: Category, total_wan: Decimal) -> bool:
        return category in self.categories and total_wan >= self.min_total_wan


@dataclass(frozen=True)
class ProjectFacts:
    """One project, with its monthly figures from January to the counted month summed."""

    id: int
    unit_id: int
    category: Category
    total_wan: Decimal
    stage: Stage
    archived: bool = False
    flags: frozenset[Flag] = frozenset()
    start_date: date | None = None
    completion_date: date | None = None
    signed_on: tuple[date, ...] = ()  # dates of the moves to 签约
    domestic_wan: Decimal = ZERO
    foreign_wusd: Decimal = ZERO
    invested_wan: Decimal = ZERO
    worked: bool = False  # reported 新开工/在建/复工/竣工 in a month of the year so far
    stopped: bool = False  # its latest record of the year so far says 停工


@dataclass(frozen=True)
class ClaimFacts:
    """A claimed new start or completion in a month and whether the profile recognises it."""

    project_id: int
    month: Month
    claim: Claim
    recognised: bool
    standing: bool = True  # a new start not dropped by the dynamic review (动态考评)


@dataclass(frozen=True)
class LeadFacts:
    unit_id: int | None
    visit_date: date | None


@dataclass(frozen=True)
class TripFacts:
    unit_id: int | None
    start_on: date
    companies_visited: int


@dataclass
class LedgerFacts:
    projects: list[ProjectFacts] = field(default_factory=list)
    claims: list[ClaimFacts] = field(default_factory=list)
    leads: list[LeadFacts] = field(default_factory=list)
    trips: list[TripFacts] = field(default_factory=list)


@dataclass(frozen=True)
class MetricValue:
    """A counted figure; a rate keeps its parts (so that units can be added up), project-based
    figures keep the projects they count (so that a clerk can see which)."""

    value: Decimal | None
    numerator: Decimal = ZERO
    denominator: Decimal = ZERO
    project_ids: tuple[int, ...] = ()

    @staticmethod
    def rate(numerator: Decimal, denominator: Decimal, project_ids: tuple[int, ...] = ()) -> MetricValue:
        value = (numerator * HUNDRED / denominator).quantize(Decimal("0.1")) if denominator else None
        return MetricValue(value, numerator, denominator, project_ids)


Values = dict[int, dict[Metric, MetricValue]]


def count_metrics(facts: LedgerFacts, year: int, through: Month, as_of: date, scope: Scope) -> Values:
    """Every metric for every unit that has something to count (absent units count zero)."""
    first_day = date(year, 1, 1)
    last_day = min(as_of, through.last_day)
    by_id = {p.id: p for p in facts.projects}
    ids: dict[tuple[int, Metric], list[int]] = defaultdict(list)
    sums: dict[tuple[int, Metric], Decimal] = defaultdict(lambda: ZERO)
    summed_ids: dict[tuple[int, Metric], list[int]] = defaultdict(list)

    counted: set[tuple[int, Claim]] = set()
    for claim in sorted(facts.claims, key=lambda c: c.month):
        project = by_id.get(claim.project_id)
        if project is None or claim.month.year != year or claim.month > through or not claim.recognised \
                or not claim.standing:
            continue
        if (project.id, claim.claim) in counted or not scope.covers(project.category, project.total_wan):
            continue
        counted.add((project.id, claim.claim))
        metric = Metric.NEW_STARTS if claim.claim == Claim.NEW_START else Metric.COMPLETIONS
        ids[(project.unit_id, metric)].append(project.id)

    for p in facts.projects:
        unit = p.unit_id
        if (
            scope.covers(p.category, p.total_wan)
            and p.start_date is not None and p.start_date < first_day
            and (p.completion_date is None or p.completion_date >= first_day)
        ):
            ids[(unit, Metric.CONTINUING)].append(p.id)
            if p.worked and not p.stopped:
                ids[(unit, Metric.RESUMED)].append(p.id)
        if p.total_wan >= scope.signed_min_wan and any(first_day <= d <= last_day for d in p.signed_on):
            ids[(unit, Metric.SIGNED_PROJECTS)].append(p.id)
            sums[(unit, Metric.SIGNED_INVESTMENT)] += p.total_wan
            summed_ids[(unit, Metric.SIGNED_INVESTMENT)].append(p.id)
        if p.stage == Stage.RESERVE and not p.archived:
            ids[(unit, Metric.RESERVE_PACKAGED)].append(p.id)
        if Flag.LEADER_HELPED in p.flags and not p.archived:
            ids[(unit, Metric.LEADER_HELPED)].append(p.id)
        sums[(unit, Metric.DOMESTIC_FUNDS)] += p.domestic_wan
        sums[(unit, Metric.FOREIGN_FUNDS)] += p.foreign_wusd
        sums[(unit, Metric.FIXED_ASSET_INVESTMENT)] += p.invested_wan

    for lead in facts.leads:
        if lead.unit_id is not None and lead.visit_date is not None and first_day <= lead.visit_date <= last_day:
            sums[(lead.unit_id, Metric.LEADS)] += 1
    for trip in facts.trips:
        if trip.unit_id is not None and first_day <= trip.start_on <= last_day:
            sums[(trip.unit_id, Metric.VISITS)] += trip.companies_visited

    values: Values = defaultdict(dict)
    for (unit, metric), found in ids.items():
        values[unit][metric] = MetricValue(Decimal(len(found)), project_ids=tuple(sorted(found)))
    for (unit, metric), total in sums.items():
        values[unit][metric] = MetricValue(total, project_ids=tuple(sorted(summed_ids.get((unit, metric), ()))))
    for found_values in values.values():
        continuing = found_values.get(Metric.CONTINUING)
        resumed = found_values.get(Metric.RESUMED)
        found_values[Metric.RESUMPTION_RATE] = MetricValue.rate(
            resumed.value if resumed and resumed.value else ZERO,
            continuing.value if continuing and continuing.value else ZERO,
            continuing.project_ids if continuing else (),
        )
    return dict(values)


def value_of(values: Values, unit_id: int, metric: Metric) -> MetricValue:
    """A unit's figure; a unit with nothing to count has zero (a rate over nothing has none)."""
    found = values.get(unit_id, {}).get(metric)
    if found is not None:
        return found
    return MetricValue(None) if METRIC_KIND[metric] == RATE else MetricValue(ZERO)


def combine(metric: Metric, parts: Iterable[MetricValue]) -> MetricValue:
    """Several units' figures as one (a total row): sums, or the rate of the summed parts."""
    parts = list(parts)
    project_ids = tuple(sorted({i for p in parts for i in p.project_ids}))
    if METRIC_KIND[metric] == RATE:
        return MetricValue.rate(sum((p.numerator for p in parts), ZERO),
                                sum((p.denominator for p in parts), ZERO), project_ids)
    return MetricValue(sum((p.value or ZERO for p in parts), ZERO), project_ids=project_ids)
