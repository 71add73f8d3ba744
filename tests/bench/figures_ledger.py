"""Opening the ledger and filtering projects through the store API."""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from desk.store.ledger import Ledger
from desk.store.projects import ProjectFilter


def figures(ctx: Any) -> dict[str, Any]:
    opens = []
    for _ in range(5):
        start = time.perf_counter()
        ledger = Ledger.open(ctx.ledger_path)
        ledger.close()
        opens.append(time.perf_counter() - start)
    ledger = Ledger.open(ctx.ledger_path)
    names = [r[0] for r in ledger.conn.execute("SELECT name FROM projects")]
    rng = random.Random(50)
    queries = []
    for _ in range(50):
        name = rng.choice(names)
        start = rng.randrange(0, max(1, len(name) - 2))
        queries.append(name[start : start + rng.choice([1, 2, 3])])
    times = []
    matches = []
    for text in queries:
        start = time.perf_counter()
        ids = ledger.projects.search_ids(ProjectFilter(text=text))
        times.append((time.perf_counter() - start) * 1000)
        matches.append(len(ids))
    ledger.close()
    ordered = sorted(times)
    return {
        "open_ledger_s": round(statistics.median(opens), 4),
        "query_filter_ms_p95": round(ordered[int(round(0.95 * (len(ordered) - 1)))], 2),
        "query_filter_ms_median": round(statistics.median(times), 2),
        "query_filter_matches_median": int(statistics.median(matches)),
    }
