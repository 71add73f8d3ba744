"""Shared pieces of the submission tests: a demo ledger with a unit certificate, and exports."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

from desk.exchange.submission import identity, package
from desk.exchange.submission.report import People
from desk.store.ledger import Ledger
from tests.conftest import copy_ledger, fixed_clock

PASSPHRASE = "韩家店2026"
PEOPLE = People("张三", "李四", "王五")
POPPLER = all(shutil.which(tool) for tool in ("pdfsig", "pdffonts", "pdftotext"))


def ledger_with_key(master: Path, target: Path) -> Ledger:
    copy_ledger(master, target)
    ledger = Ledger.open(target)
    ledger.clock = fixed_clock
    identity.create_identity(ledger, PASSPHRASE)
    return ledger


def export(ledger: Ledger, month: str, out: Path, **kwargs: Any) -> package.ExportResult:
    out.mkdir(parents=True, exist_ok=True)
    return package.export_month(ledger, month, out, PASSPHRASE, PEOPLE, **kwargs)


def manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def the(folder: Path, suffix: str) -> Path:
    (found,) = [p for p in folder.iterdir() if p.suffix == suffix]
    return found


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", "", out.stdout)


def at(day: str) -> Any:
    """A clock stuck on a given day (for deadline tests)."""
    moment = datetime.fromisoformat(f"{day}T10:00:00")
    return lambda: moment


def copy_folder(folder: Path, target: Path) -> Path:
    shutil.copytree(folder, target)
    return target

