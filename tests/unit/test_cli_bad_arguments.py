"""Arguments a district IT person mistypes: refused by the parser in Chinese (exit 2), never a
traceback from deep inside."""

from __future__ import annotations

from pathlib import Path

import pytest

from desk.cli import main


@pytest.mark.parametrize("args", [
    ["check", "--month", "1900-01"],
    ["preflight", "--month", "3000-01"],
    ["tasks", "progress", "--year", "99999"],
    ["tasks", "progress", "--year", "二〇二六"],
    ["tasks", "table", "--year", "1800", "--out", "t.xlsx"],
])
def test_years_out_of_range_are_refused_by_the_parser(args: list[str], demo_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*args, "--ledger", str(demo_path)])
    err = capsys.readouterr().err
    assert exited.value.code == 2, err
    assert "年份" in err and "Traceback" not in err and "程序内部错误" not in err


def test_the_help_is_chinese_throughout(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "显示版本号并退出" in capsys.readouterr().out
