"""The submission commands as the district's IT person scripts them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desk.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_keys_export_verify_correct(demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = str(demo_path)
    secret = tmp_path / "pass.txt"
    secret.write_text("口令123456\n", encoding="utf-8")
    code, _, err = run(capsys, "export", "--ledger", ledger, "--month", "2026-10", "--out", str(tmp_path),
                       "--passphrase-file", str(secret))
    assert code == 5 and "还没有签名证书" in err
    code, out, _ = run(capsys, "keys", "init", "--ledger", ledger, "--passphrase-file", str(secret))
    assert code == 0 and "已创建“海州区”的签名证书" in out
    code, _, err = run(capsys, "keys", "init", "--ledger", ledger, "--passphrase-file", str(secret))
    assert code == 5 and "已有证书" in err
    code, out, _ = run(capsys, "keys", "export-cert", "--ledger", ledger, "--out", str(tmp_path / "unit.pem"))
    assert code == 0 and out.strip() == str(tmp_path / "unit.pem")
    assert (tmp_path / "unit.pem").read_text().startswith("-----BEGIN CERTIFICATE-----")
    code, out, _ = run(capsys, "preflight", "--ledger", ledger, "--month", "2026-10", "--json")
    checks = json.loads(out)
    assert code == 0 and checks["blocking"] is False and checks["projects"] > 0
    assert {i["kind"] for i in checks["issues"]} >= {"overdue", "recognition"}
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("nope-nope", encoding="utf-8")
    refused = tmp_path / "refused" / "deep"
    code, _, err = run(capsys, "export", "--ledger", ledger, "--month", "2026-10", "--out", str(refused),
                       "--passphrase-file", str(wrong))
    assert code == 5 and "口令不正确" in err
    assert not (tmp_path / "refused").exists()  # the save location it made for the refused export is gone
    out_dir = tmp_path / "out" / "2026"  # made on the way, as the window makes it
    code, out, err = run(capsys, "export", "--ledger", ledger, "--month", "2026-10", "--out", str(out_dir),
                         "--passphrase-file", str(secret), "--signer", "张三", "--reviewer", "李四", "--head", "王五",
                         "--zip")
    folder, archive = out.strip().splitlines()
    assert code == 0 and Path(folder).is_dir() and archive.endswith(".zip") and "提醒" in err
    for target in (folder, archive):
        code, out, _ = run(capsys, "verify", target, "--cert", str(tmp_path / "unit.pem"), "--json")
        assert code == 0 and json.loads(out)["valid"] is True
    code, _, err = run(capsys, "correct", "--ledger", ledger, "--month", "2026-10", "--reason", "补报数据")
    assert code == 0
    code, out, _ = run(capsys, "submissions", "--ledger", ledger, "--json")
    assert [(s["version"], s["status"]) for s in json.loads(out)] == [(2, "draft"), (1, "superseded")]
    code, out, _ = run(capsys, "export", "--ledger", ledger, "--month", "2026-10", "--out", str(out_dir),
                       "--passphrase-file", str(secret))
    assert code == 0 and out.strip().endswith("第2版")
    manifest = json.loads((Path(out.strip()) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["people"]["head"] == "王五"  # the names are remembered from the last export
    code, _, err = run(capsys, "keys", "init", "--ledger", ledger, "--passphrase-file", str(tmp_path / "missing"))
    assert code == 4 and "找不到口令文件" in err
