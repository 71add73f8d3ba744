"""Pausing Python's cyclic garbage collector around one large, short piece of work.

Making a monthly submission allocates a few million short-lived objects (cells, lines, text
runs) and drops them again by reference counting; none of them form cycles. Every 70,000 or so
of them the collector still runs, and each full collection walks the program's whole heap —
the window, the ledger's caches, the forms being written — to find nothing. A pause skips
those walks; whatever cycles the work did make are collected once it is over.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Run the block without automatic collections (nested pauses keep the outermost one's)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
