"""Pausing Python's cyclic garbage collector around one large, short piece of work.

Making a monthly submission allocates a few million short-lived objects (cells, lines, text
runs); importing a 10,000-row sheet keeps a few hundred thousand (rows, records, the plan)
alive until it ends. None of them form cycles, and reference counting frees them as usual,
yet the collector keeps running and each full collection walks the whole heap — the window,
the ledger's caches, the work in hand — to find nothing: a fifth of an import's time, 0.4 s
of an export's. A pause skips those walks; a real cycle waits for the next collection after.
It is process-wide, so the window's own cycles wait for those few seconds too.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Run the block without automatic collections (nested pauses keep the outermost one's).

    Also a decorator: ``@collector.paused()``."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
