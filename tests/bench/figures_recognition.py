"""Recognition over the whole ledger: the month's verdicts, every project's standing in the
year's dynamic review, the summary and a filter, one project's history, and judging cases."""

from __future__ import annotations

import random
import statistics
import time
from decimal import Decimal
from typing import Any

from desk.core.glossary import Category, Claim, Evidence, MonthFilter, RecognitionStatus
from desk.core.periods import Month
from desk.core.recognition import judge
from desk.store.ledger import Ledger
from desk.store.recognition import (
    current_profile,
    history_lines,
    month_checks,
    month_summary,
    recognition_filter,
    recognition_status,
)


def _median_ms(fn, repeat: int = 5) -> tuple[float, Any]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2), result


def figures(ctx: Any) -> dict[str, Any]:
    ledger = Ledger.open(ctx.ledger_path)
    # The demo's last reported month (other figures may have saved rows for later months).
    month = str(Month.of(ctx.today).prev())
    checks_ms, checks = _median_ms(lambda: month_checks(ledger, month))
    status_ms, standings = _median_ms(lambda: recognition_status(ledger, month))
    summary_ms, _ = _median_ms(lambda: month_summary(ledger, month, standings))
    filter_ms, _ = _median_ms(lambda: recognition_filter(ledger, month, {MonthFilter.NOT_RECOGNISED,
                                                                          RecognitionStatus.DROPPED}))
    rng = random.Random(4)
    pids = list(standings)
    history_ms, _ = _median_ms(lambda: history_lines(ledger, rng.choice(pids)) if pids else [], repeat=20)
    profile = current_profile(ledger)
    evidence = list(Evidence)
    cases = [(rng.choice(list(Claim)), rng.choice(list(Category)), Decimal(rng.randrange(1000, 200000)),
              Decimal(rng.randrange(0, 2000)), frozenset(rng.sample(evidence, rng.randrange(0, 4))))
             for _ in range(10000)]
    start = time.perf_counter()
    for case in cases:
        judge(profile, *case)
    judge_us = (time.perf_counter() - start) / len(cases) * 1e6
    ledger.close()
    return {
        "recognition_month": month,
        "recognition_claims_in_month": len(checks),
        "recognition_projects_with_standing": len(standings),
        "recognition_month_checks_ms": checks_ms,
        "recognition_status_ms": status_ms,
        "recognition_summary_ms": summary_ms,
        "recognition_filter_ms": filter_ms,
        "recognition_history_ms": history_ms,
        "recognition_judge_us": round(judge_us, 1),
    }
