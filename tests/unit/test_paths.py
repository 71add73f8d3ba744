"""Where Desk finds its resources and keeps its data: from source, from a wheel, frozen
(one folder and one file), portable, and with the paths clerks really have — Chinese
names, spaces, a user data folder under C:\\Users\\张三, a network share."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path, PureWindowsPath

import platformdirs
import pytest

from desk import paths
from desk.store import migrate
from desk.store.db import sqlite_uri

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_home(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without DESK_HOME, as on a clerk's PC (the suite sets it for every test)."""
    monkeypatch.delenv("DESK_HOME", raising=False)


@pytest.fixture
def fresh_migrations():  # type: ignore[no-untyped-def]
    """migrate.migrations() is cached per process; a test that moves the bundle resets it."""
    migrate.migrations.cache_clear()
    yield
    migrate.migrations.cache_clear()


def frozen(monkeypatch: pytest.MonkeyPatch, exe: Path, meipass: Path | None) -> None:
    """Pretend to be the PyInstaller program ``exe`` with its bundle at ``meipass``."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(exe))
    if meipass is None:
        monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    else:
        monkeypatch.setattr(sys, "_MEIPASS", str(meipass), raising=False)


def bundle_resources(target: Path) -> Path:
    """Lay out resources/ and db/ as desk.spec bundles them."""
    shutil.copytree(REPO / "resources", target / "resources")
    shutil.copytree(REPO / "db", target / "db")
    return target


# ------------------------------------------------------------------ resources
def test_from_source_every_bundled_resource_is_found() -> None:
    assert not paths.is_frozen()
    assert paths.resource_root() in (REPO, REPO / "desk")
    assert paths.resource("fonts", "wqy-microhei.ttf").is_file()
    assert paths.resource("fonts", "LICENSE-wqy-microhei.txt").is_file()
    assert {p.stem for p in paths.resource("standards").glob("*.toml")} >= {"panjin-2018", "generic"}
    assert paths.resource("style.qss").is_file()
    for name in ("desk.svg", "desk.png", "desk.ico"):
        assert paths.resource("icons", name).is_file(), name
    assert (paths.migrations_dir() / "0001_init.sql").is_file()


def test_an_installed_wheel_finds_resources_inside_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = bundle_resources(tmp_path / "site-packages" / "desk")
    monkeypatch.setattr(paths, "__file__", str(package / "paths.py"))
    assert paths.resource_root() == package
    assert paths.resource("style.qss") == package / "resources" / "style.qss"
    assert paths.migrations_dir() == package / "db" / "migrations"


def test_frozen_one_folder_reads_resources_from_internal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_migrations: None
) -> None:
    program = tmp_path / "Program Files" / "项目台账 Desk"
    internal = bundle_resources(program / "_internal")
    frozen(monkeypatch, program / "desk.exe", internal)
    assert paths.is_frozen()
    assert paths.resource_root() == internal
    assert paths.resource("fonts", "wqy-microhei.ttf") == internal / "resources" / "fonts" / "wqy-microhei.ttf"
    assert paths.migrations_dir() == internal / "db" / "migrations"
    assert paths.executable_dir() == program.resolve()
    assert [m.path.parent for m in migrate.migrations()] == [internal / "db" / "migrations"]


def test_frozen_program_builds_a_ledger_from_its_bundled_migrations_and_profiles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_migrations: None
) -> None:
    from desk.store.ledger import Ledger

    program = tmp_path / "桌面" / "Desk"
    internal = bundle_resources(program / "_internal")
    (internal / "resources" / "standards" / "bundled-only.toml").write_text('title = "只在程序包里"\n', encoding="utf-8")
    frozen(monkeypatch, program / "desk.exe", internal)
    (tmp_path / "台账 文件").mkdir()
    ledger = Ledger.create(tmp_path / "台账 文件" / "韩家店镇 2026.desk", "韩家店镇")
    try:
        profiles = [r[0] for r in ledger.conn.execute("SELECT name FROM rule_profiles ORDER BY name")]
        assert "bundled-only" in profiles  # read from _internal, not from the source tree
        assert ledger.schema_version == migrate.latest_version()
    finally:
        ledger.close()


def test_frozen_one_file_reads_resources_from_its_unpack_folder_and_data_beside_the_exe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_home: None
) -> None:
    usb = tmp_path / "U盘" / "台账 程序"
    usb.mkdir(parents=True)
    unpacked = bundle_resources(tmp_path / "Temp" / "_MEI123456")
    (unpacked / paths.PORTABLE_MARKER).write_text("", encoding="utf-8")  # must not count
    frozen(monkeypatch, usb / "desk.exe", unpacked)
    assert paths.resource_root() == unpacked
    assert paths.portable_dir() is None
    (usb / paths.PORTABLE_MARKER).write_text("", encoding="utf-8")
    assert paths.portable_dir() == usb.resolve()
    assert paths.default_ledger_path() == usb.resolve() / "ledger.desk"


def test_frozen_without_meipass_falls_back_to_the_program_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frozen(monkeypatch, tmp_path / "Desk" / "desk.exe", None)
    assert paths.resource_root() == (tmp_path / "Desk").resolve()


# ----------------------------------------------------------------------- data
def test_portable_mode_keeps_ledger_settings_and_backups_beside_the_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_home: None
) -> None:
    program = tmp_path / "D盘" / "便携 台账"
    program.mkdir(parents=True)
    frozen(monkeypatch, program / "desk.exe", program / "_internal")
    assert paths.data_dir() != program.resolve()
    (program / "portable.txt").write_text("便携模式\n", encoding="utf-8")
    assert paths.data_dir() == program.resolve()
    assert paths.default_ledger_path() == program.resolve() / "ledger.desk"
    assert paths.settings_path() == program.resolve() / "settings.ini"
    assert paths.backups_dir(paths.default_ledger_path()) == program.resolve() / "backups"


def test_desk_home_overrides_portable_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = tmp_path / "Desk"
    program.mkdir()
    (program / "portable.txt").write_text("", encoding="utf-8")
    frozen(monkeypatch, program / "desk.exe", program / "_internal")
    monkeypatch.setenv("DESK_HOME", str(tmp_path / "维护 文件夹"))
    assert paths.data_dir() == tmp_path / "维护 文件夹"


def test_from_source_portable_mode_looks_beside_the_started_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_home: None
) -> None:
    scripts = tmp_path / "venv" / "Scripts"
    scripts.mkdir(parents=True)
    monkeypatch.setattr(sys, "argv", [str(scripts / "desk.exe")])
    assert paths.executable_dir() == scripts.resolve()
    (scripts / "portable.txt").write_text("", encoding="utf-8")
    assert paths.data_dir() == scripts.resolve()


def test_windows_user_data_folder_is_local_appdata_desk(monkeypatch: pytest.MonkeyPatch, no_home: None) -> None:
    import platformdirs.windows

    folders = {
        "CSIDL_LOCAL_APPDATA": r"C:\Users\张 三\AppData\Local",
        "CSIDL_APPDATA": r"C:\Users\张 三\AppData\Roaming",
    }
    monkeypatch.setattr(platformdirs.windows, "get_win_folder", folders.__getitem__)
    monkeypatch.setattr(paths.platformdirs, "PlatformDirs", platformdirs.windows.Windows)
    monkeypatch.setattr(sys, "argv", ["desk"])
    assert PureWindowsPath(str(paths.data_dir())) == PureWindowsPath(r"C:\Users\张 三\AppData\Local\Desk")
    assert PureWindowsPath(str(paths.default_ledger_path())) == PureWindowsPath(
        r"C:\Users\张 三\AppData\Local\Desk\ledger.desk"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="the XDG rules are Linux's")
def test_linux_user_data_folder_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_home: None) -> None:
    import platformdirs.unix

    monkeypatch.setattr(paths.platformdirs, "PlatformDirs", platformdirs.unix.Unix)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "数据 目录"))
    monkeypatch.setattr(sys, "argv", ["desk"])
    assert paths.data_dir() == tmp_path / "数据 目录" / "Desk"


def test_this_systems_user_data_folder_is_named_desk(no_home: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["desk"])
    folder = paths.data_dir()
    assert folder.name == "Desk" and folder.is_absolute()
    assert folder.parent.name != "Desk"  # appauthor=False: not …\Desk\Desk
    assert folder == Path(platformdirs.user_data_dir("Desk", appauthor=False, roaming=False))


# ------------------------------------------------- Chinese, spaces, shares
def test_a_ledger_in_a_folder_with_chinese_and_spaces_opens_backs_up_and_reopens_read_only(tmp_path: Path) -> None:
    from desk.store.ledger import Ledger

    folder = tmp_path / "我的 文档" / "招商 台账 (2026)"
    folder.mkdir(parents=True)
    path = folder / "韩家店镇 台账#1.desk"
    ledger = Ledger.create(path, "韩家店镇", parent_name="海州区")
    backup = ledger.backup("手动备份")
    ledger.close()
    assert backup.parent == folder / "backups"
    assert backup.name.startswith("韩家店镇 台账#1-") and backup.suffix == ".desk"
    for target in (path, backup):
        with Ledger.open(target, readonly=True) as copy:
            assert copy.unit.name == "韩家店镇"
    assert sorted(p.name for p in folder.iterdir()) == ["backups", "韩家店镇 台账#1.desk"]


def test_sqlite_uri_of_a_windows_drive_path_keeps_no_authority() -> None:
    uri = sqlite_uri(PureWindowsPath(r"C:\Users\张 三\台账 文件\韩家店镇#2.desk"))
    assert uri == "file:///C:/Users/%E5%BC%A0%20%E4%B8%89/%E5%8F%B0%E8%B4%A6%20%E6%96%87%E4%BB%B6/%E9%9F%A9%E5%AE%B6%E5%BA%97%E9%95%87%232.desk"


def test_sqlite_uri_of_a_network_share_has_an_empty_authority() -> None:
    # Path.resolve() turns a mapped drive (Z:) into \\server\share\…; SQLite refuses
    # file://server/… but opens file:////server/share/….
    uri = sqlite_uri(PureWindowsPath(r"\\乡镇服务器\共享\台账.desk"))
    assert uri.startswith("file:////") and not uri.startswith("file://///")
    assert uri.endswith("/%E5%8F%B0%E8%B4%A6.desk")


def test_sqlite_opens_what_sqlite_uri_writes_including_the_share_form(tmp_path: Path) -> None:
    path = tmp_path / "共享 文件夹" / "台账#1 (副本).desk"
    path.parent.mkdir()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    uris = [sqlite_uri(path)]
    if sys.platform != "win32":
        # The spelling a network share gets (empty authority, path starting with //) on
        # this system's root: SQLite must take the path from it, not an authority.
        uris.append(sqlite_uri(path).replace("file:///", "file:////", 1))
    for uri in uris:
        conn = sqlite3.connect(uri + "?mode=ro", uri=True)
        try:
            assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,), uri
        finally:
            conn.close()
