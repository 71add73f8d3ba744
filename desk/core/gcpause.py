"""Bulk work without the cyclic garbage collector's pauses.

Importing a 10,000-row sheet creates a few hundred thousand container objects (rows, cells'
lists, records, the plan) that all live until the import ends. The collector runs every
700 new objects and, as they pile up, traverses all of them again and again — a fifth of
the import's time — to find nothing: they are freed by reference counting as usual. Pausing
it for the bulk work leaves the collection of any real cycle to its next run.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (process-wide) for the block; nested use is fine."""
    if not gc.isenabled():  # paused by an enclosing block (or by the program): leave it so
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
