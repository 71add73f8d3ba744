"""The import's pause of the garbage collector: always undone, and nested blocks leave it to the outer one."""

from __future__ import annotations

import gc

import pytest

from desk.core.gcpause import collector_paused


def test_the_collector_runs_again_after_the_block_even_when_it_fails() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block does not resume what the outer one paused
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError
    assert gc.isenabled()


def test_a_collector_paused_by_the_program_stays_paused() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
