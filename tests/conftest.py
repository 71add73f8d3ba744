"""Shared fixtures: every data folder points at a temporary directory, time is fixed,
and demo ledgers are built once per session and copied per test (as calibre's tests do)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

try:  # Hypothesis keeps its files under build/work, not in a new folder at the top
    from hypothesis import configuration as _hypothesis_configuration
    from hypothesis import settings as _hypothesis_settings

    _hypothesis_configuration.set_hypothesis_home_dir(str(Path(__file__).resolve().parents[1] / "build" / "work"
                                                          / "hypothesis"))
    _hypothesis_settings.register_profile("desk", database=None)
    _hypothesis_settings.load_profile("desk")
except ImportError:
    pass

TODAY = date(2026, 11, 15)
DATA = Path(__file__).parent / "data"


def offscreen_platform(config: Path) -> str:
    """QT_QPA_PLATFORM for the offscreen plugin with a screen configuration. Qt splits the
    platform arguments at every ':', so on Windows the drive letter would cut the path (and
    Qt aborts on the missing file): there it is passed relative to the working folder."""
    if os.name != "nt":
        return f"offscreen:configfile={config}"
    try:
        return f"offscreen:configfile={os.path.relpath(config)}"
    except ValueError:  # the working folder is on another drive: default screen instead
        return "offscreen"


# Offscreen, with a 1920×1080 screen so that windows keep the sizes a clerk would have.
os.environ.setdefault("QT_QPA_PLATFORM", offscreen_platform(DATA / "offscreen.json"))
if os.name == "nt":
    # Offscreen on Windows reads fonts only from QT_QPA_FONTDIR (and warns without it).
    os.environ.setdefault("QT_QPA_FONTDIR", str(Path(__file__).resolve().parents[1] / "resources" / "fonts"))


def fixed_clock() -> datetime:
    return datetime(TODAY.year, TODAY.month, TODAY.day, 9, 30, 0)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("DESK_HOME", str(home))
    monkeypatch.setenv("DESK_TODAY", TODAY.isoformat())
    return home


def copy_ledger(source: Path, target: Path) -> Path:
    """Copy a ledger through SQLite's backup API (a live WAL file can't be copied safely)."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from desk.store.demo import build_demo

    path = tmp_path_factory.mktemp("master") / "demo.desk"
    ledger = build_demo(path, projects=120, today=TODAY, clock=fixed_clock)
    ledger.close()
    return path


@pytest.fixture
def demo_path(demo_master: Path, tmp_path: Path) -> Path:
    return copy_ledger(demo_master, tmp_path / "demo.desk")


@pytest.fixture
def demo(demo_path: Path) -> Iterator:
    from desk.store.ledger import Ledger

    ledger = Ledger.open(demo_path)
    ledger.clock = fixed_clock
    yield ledger
    ledger.close()


@pytest.fixture
def empty(tmp_path: Path) -> Iterator:
    from desk.store.ledger import Ledger

    ledger = Ledger.create(tmp_path / "empty.desk", "韩家店镇", parent_name="海州区", clerk="张三")
    ledger.clock = fixed_clock
    yield ledger
    ledger.close()


@pytest.fixture
def desk_app(qapp):  # type: ignore[no-untyped-def]
    from desk.ui.app import setup_app

    setup_app(qapp)
    return qapp


@pytest.fixture
def copy_data(tmp_path: Path):  # type: ignore[no-untyped-def]
    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copyfile(DATA / name, target)
        return target

    return copy
