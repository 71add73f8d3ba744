"""``desk selftest`` as IT runs it: every step reports, the window opens and closes
offscreen, a failure gives a non-zero exit, and nothing is left behind."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

from desk import selftest
from desk.cli import main
from desk.selftest import Context, Step


@pytest.fixture
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the self-test makes its temporary folder, so that leftovers can be seen."""
    root = tmp_path / "临时 文件"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = main(["selftest", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_selftest_runs_every_step_and_leaves_nothing_behind(  # type: ignore[no-untyped-def]
    desk_app, temp_root: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    platform_before = os.environ.get("QT_QPA_PLATFORM")
    code, lines, err = run(capsys)
    assert code == 0, err
    names = [line.split()[1] for line in lines[:-1]]
    assert names == ["resources", "ledger", "demo", "import", "checks", "recognition", "files", "export", "verify",
                     "window", "sections"]
    assert all(" ok (" in line for line in lines[:-1]), lines
    assert lines[-1] == "selftest: ok"
    by_name = dict(zip(names, lines, strict=False))
    assert "120 个项目" in by_name["demo"] and "均通过校验" in by_name["checks"]
    assert "三个标准案例判定正确" in by_name["recognition"]
    assert "中文界面" in by_name["window"] and "6 个栏目均已打开" in by_name["sections"]
    assert "已签名" in by_name["export"] and "被拒绝" in by_name["verify"]
    assert list(temp_root.iterdir()) == []  # the temporary ledgers, backups, settings: gone
    assert list(isolated_home.iterdir()) == []  # the clerk's data folder: untouched
    assert os.environ.get("QT_QPA_PLATFORM") == platform_before
    assert os.environ.get("DESK_HOME") == str(isolated_home)


def test_a_failing_step_fails_the_selftest_skips_what_needs_it_and_still_cleans_up(  # type: ignore[no-untyped-def]
    desk_app, temp_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def export(ctx: Context) -> str:
        ctx.path("月报 2026-10.xlsx").write_bytes(b"half")
        raise ValueError("签名证书已过期")

    monkeypatch.setitem(selftest.STEPS, "export", Step("export", "导出签名月报", export, 70, ("demo",)))
    monkeypatch.setitem(selftest.STEPS, "verify", Step("verify", "验证签名月报", lambda ctx: "", 80, ("export",)))
    code, lines, err = run(capsys)
    assert code == 1
    by_name = {line.split()[1]: line for line in lines if line.startswith("selftest: ") and len(line.split()) > 2}
    assert "FAILED" in by_name["export"] and "签名证书已过期" in by_name["export"]
    assert "skipped" in by_name["verify"] and "export 未通过" in by_name["verify"]
    assert " ok (" in by_name["window"]  # independent steps still run
    assert lines[-1] == "selftest: FAILED (export, verify)"
    assert "Traceback" in err and "签名证书已过期" in err
    assert list(temp_root.iterdir()) == []


def test_only_runs_the_named_steps_and_what_they_need(  # type: ignore[no-untyped-def]
    desk_app, temp_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines, _ = run(capsys, "--only", "window", "--json")
    assert code == 0
    steps = [line.split()[1] for line in lines if line.startswith("selftest: ") and " ok (" in line]
    assert steps == ["ledger", "window"]
    report = json.loads("\n".join(lines[lines.index("selftest: ok") + 1:]))
    assert report["ok"] is True and report["frozen"] is False
    assert [s["name"] for s in report["steps"]] == ["ledger", "window"]
    assert report["marks"]["window_shown"] >= report["started_at"]


def test_an_unknown_step_is_refused_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--only", "recognition-typo")
    assert code == 1
    assert "没有名为“recognition-typo”的自检步骤" in err and "window" in err


def test_a_feature_registers_its_step_in_order(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(selftest, "STEPS", dict(selftest.STEPS))

    @selftest.step("archive", "归档报送文件", order=75, needs=("export",))
    def archive(ctx: Context) -> str:
        return "已归档"

    code, lines, _ = run(capsys, "--list")
    assert code == 0
    names = [line.split("\t")[0] for line in lines]
    assert names == ["resources", "ledger", "demo", "import", "checks", "recognition", "files", "export",
                     "archive", "verify", "window", "sections"]
    assert lines[names.index("archive")] == "archive\t归档报送文件（依赖 export）"


def test_a_qt_warning_while_visiting_the_sections_fails_the_step(  # type: ignore[no-untyped-def]
    desk_app, temp_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from PySide6.QtCore import qWarning

    import desk.ui.mainwindow

    original = desk.ui.mainwindow.MainWindow.show_section

    def show_section(self, key):  # type: ignore[no-untyped-def]
        if key == "stats":
            qWarning("QPixmap::scaled: Pixmap is a null pixmap")
        return original(self, key)

    monkeypatch.setattr(desk.ui.mainwindow.MainWindow, "show_section", show_section)
    code, lines, _ = run(capsys, "--only", "sections")
    assert code == 1
    window_line = next(line for line in lines if line.startswith("selftest: sections"))
    assert "FAILED" in window_line and "Pixmap is a null pixmap" in window_line


def test_the_recognition_step_fails_when_site_levelling_alone_is_recognised(  # type: ignore[no-untyped-def]
    temp_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import dataclasses

    import desk.core.recognition

    original = desk.core.recognition.judge

    def lenient(*args, **kwargs):  # type: ignore[no-untyped-def]
        return dataclasses.replace(original(*args, **kwargs), recognised=True)

    monkeypatch.setattr(desk.core.recognition, "judge", lenient)
    code, lines, _ = run(capsys, "--only", "recognition")
    assert code == 1
    line = next(line for line in lines if line.startswith("selftest: recognition"))
    assert "FAILED" in line and "只有场地平整的新开工竟被认定" in line
    assert list(temp_root.iterdir()) == []
