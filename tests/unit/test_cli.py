"""The command line, as the district's IT person uses it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desk import __version__
from desk.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"Desk {__version__}"


def test_init_info_and_projects(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "韩家店 镇" / "台账.desk"
    path.parent.mkdir()
    code, out, _ = run(capsys, "init", "--ledger", str(path), "--unit", "韩家店镇", "--parent", "海州区",
                       "--profile", "haizhou-2019", "--clerk", "张三")
    assert code == 0 and "已新建台账" in out
    code, out, _ = run(capsys, "info", "--ledger", str(path), "--json")
    info = json.loads(out)
    assert code == 0
    assert {k: info[k] for k in ("unit", "schema_version", "projects", "leads", "tasks", "latest_month")} == {
        "unit": "韩家店镇", "schema_version": 1, "projects": 0, "leads": 0, "tasks": 0, "latest_month": None}
    assert info["rule_profile"] == "haizhou-2019"
    code, out, _ = run(capsys, "projects", "--ledger", str(path), "--json")
    assert code == 0 and json.loads(out) == []


def test_demo_then_query(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "demo.desk"
    code, out, _ = run(capsys, "demo", "--ledger", str(path), "--projects", "60")
    assert code == 0 and "60 个项目" in out
    info = json.loads(run(capsys, "info", "--ledger", str(path), "--json")[1])
    assert info["projects"] == 60 and info["leads"] > 0 and info["tasks"] > 0
    assert info["latest_month"] == "2026-10"
    code, out, _ = run(capsys, "projects", "--ledger", str(path), "--search", "中储粮", "--json")
    projects = json.loads(out)
    assert code == 0 and [p["name"] for p in projects] == ["中储粮东北综合产业基地"]
    p = projects[0]
    assert set(p) >= {"name", "unit", "owner", "category", "stage", "total_investment_wan", "start_date", "leader"}
    assert p["category"] == "agricultural" and p["total_investment_wan"] == 320000
    code, out, _ = run(capsys, "projects", "--ledger", str(path))
    assert "共 60 个项目" in out


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["init", "--ledger", "{tmp}/x.desk", "--unit", " "], 10, "请填写本单位名称"),
        (["init", "--ledger", "{tmp}/x.desk", "--unit", "某镇", "--profile", "nowhere"], 1, "未知的认定标准"),
        (["init", "--ledger", "{tmp}/no/x.desk", "--unit", "某镇"], 11, "文件夹不存在"),
        (["demo", "--ledger", "{tmp}/x.desk", "--projects", "-3"], 1, "项目个数"),
        (["info", "--ledger", "{tmp}/missing.desk"], 11, "不存在"),
    ],
)
def test_errors_are_chinese_on_stderr_with_an_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int, words: str
) -> None:
    got, out, err = run(capsys, *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert got == code and out == ""
    assert words in err and err.startswith("错误：")
    assert not (tmp_path / "x.desk").exists()


def test_bad_arguments_are_explained_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["info"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "缺少必需的参数" in err and "--ledger" in err and "用法" in err


def test_the_installed_command_runs(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "desk", "--version"], capture_output=True, text=True,
                            encoding="utf-8", check=False)
    assert result.returncode == 0 and __version__ in result.stdout
