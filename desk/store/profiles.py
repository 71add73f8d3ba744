"""The rule profiles a ledger knows (table ``rule_profiles``) and the one it uses (setting
``rule_profile``): list, import from a file, choose, and set the thresholds a clerk may set.

Every profile's full TOML text is kept in the ledger with its SHA-256, so a ledger carries
the exact rules its verdicts were made under, whichever Desk opens it. Each change is one
transaction with an audit entry.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from desk import paths
from desk.core.errors import DeskError, NotFoundError, RefusedError
from desk.core.money import format_amount
from desk.core.profiles import with_thresholds
from desk.core.recognition import Profile, ProfileError, load_profile
from desk.store.ledger import Ledger
from desk.store.recognition import current_profile, profile_source

ENTITY = "rule_profile"


@dataclass(frozen=True)
class ProfileInfo:
    """One row of the ledger's rule profiles, as the settings page lists it."""

    name: str
    title: str
    builtin: bool  # the text shipped with Desk, unchanged
    sha256: str
    imported_at: str
    in_use: bool
    profile: Profile | None  # None when the kept text no longer reads (``error`` says why)
    error: str = ""

    @property
    def origin(self) -> str:
        return "程序自带" if self.builtin else "本单位导入或修改"


def shipped_profiles() -> dict[str, Path]:
    """The profiles shipped in ``resources/standards``, by name."""
    return {p.stem: p for p in sorted(paths.resource("standards").glob("*.toml"))}


def read_profile_file(path: Path) -> str:
    """The text of a profile file; a clear error when it is missing or not UTF-8 text."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise NotFoundError(f"找不到认定标准文件：{path}") from None
    except OSError as exc:
        raise DeskError(f"无法读取认定标准文件：{path}（{exc.strerror or exc}）") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProfileError(f"认定标准文件“{Path(path).name}”不是 UTF-8 编码的文本文件；"
                           "请用记事本打开后“另存为”，编码选 UTF-8。") from None


def resolve_profile(name_or_path: str, ledger: Ledger | None = None) -> Profile:
    """A profile named on the command line: a ``.toml`` file, a profile of ``ledger``, or a
    shipped profile."""
    candidate = Path(name_or_path)
    if name_or_path.lower().endswith(".toml") or "/" in name_or_path or "\\" in name_or_path:
        return load_profile(read_profile_file(candidate), candidate.name)
    if ledger is not None:
        known = [r[0] for r in ledger.conn.execute("SELECT name FROM rule_profiles ORDER BY name")]
        if name_or_path in known:
            return current_profile(ledger, name_or_path)
    else:
        known = list(shipped_profiles())
        if name_or_path in known:
            path = shipped_profiles()[name_or_path]
            return load_profile(path.read_text(encoding="utf-8"), name_or_path)
    raise NotFoundError(f"未知的认定标准“{name_or_path}”，可选：{'、'.join(known) or '（无）'}，"
                        "或给出一个 .toml 文件的路径")


def list_profiles(ledger: Ledger) -> list[ProfileInfo]:
    in_use = ledger.profile_name
    rows = ledger.conn.execute(
        "SELECT name, title, builtin, sha256, imported_at FROM rule_profiles ORDER BY builtin DESC, name"
    ).fetchall()
    infos = []
    for name, title, builtin, sha, imported_at in rows:
        try:
            profile: Profile | None = current_profile(ledger, name)
            error = ""
        except ProfileError as exc:
            profile, error = None, exc.message
        infos.append(ProfileInfo(name, title, bool(builtin), sha, imported_at, name == in_use, profile, error))
    return infos


def _row(ledger: Ledger, name: str) -> tuple[str, str, bool] | None:
    row = ledger.conn.execute("SELECT title, sha256, builtin FROM rule_profiles WHERE name = ?", (name,)).fetchone()
    return (row[0], row[1], bool(row[2])) if row else None


def import_profile(
    ledger: Ledger, text: str, filename: str, *, replace: bool = False, use: bool = False,
) -> ProfileInfo:
    """Validate ``text`` and keep it in the ledger (one action, audited).

    A profile whose name the ledger already has is refused unless ``replace``; the fixed
    shipped profiles (盘锦2018, 海州2019) are never replaced, so their name always means
    the notice's rules.
    """
    profile = load_profile(text, filename)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = _row(ledger, profile.name)
    with ledger.transaction():
        if existing is not None:
            title, sha, builtin = existing
            if sha == digest:
                if use:
                    use_profile(ledger, profile.name)
                return _info(ledger, profile.name)
            if builtin and not current_profile(ledger, profile.name).user_thresholds:
                raise RefusedError(f"“{profile.name}”是程序自带的认定标准（{title}），不能被替换；"
                                   f"请把文件“{filename}”中 [profile] 的 name 改成别的名称后再导入。")
            if not replace:
                raise RefusedError(f"台账中已有名为“{profile.name}”的认定标准（{title}）；"
                                   "如要用文件中的内容替换它，请选择“替换”（命令行加 --replace）。")
            ledger.conn.execute(
                "UPDATE rule_profiles SET title = ?, source = ?, sha256 = ?, builtin = 0, imported_at = ?"
                " WHERE name = ?",
                (profile.title, text, digest, ledger.now().isoformat(), profile.name),
            )
            ledger.audit("import", ENTITY, None,
                         f"导入认定标准“{profile.title}”（{profile.name}），替换原有内容；文件：{filename}",
                         {"name": [profile.name, profile.name], "sha256": [sha, digest]})
        else:
            ledger.conn.execute(
                "INSERT INTO rule_profiles (name, title, source, sha256, builtin, imported_at)"
                " VALUES (?, ?, ?, ?, 0, ?)",
                (profile.name, profile.title, text, digest, ledger.now().isoformat()),
            )
            ledger.audit("import", ENTITY, None, f"导入认定标准“{profile.title}”（{profile.name}）；文件：{filename}",
                         {"name": [None, profile.name], "sha256": [None, digest]})
        if use:
            use_profile(ledger, profile.name)
    return _info(ledger, profile.name)


def import_profile_file(ledger: Ledger, path: Path, *, replace: bool = False, use: bool = False) -> ProfileInfo:
    return import_profile(ledger, read_profile_file(path), Path(path).name, replace=replace, use=use)


def use_profile(ledger: Ledger, name: str) -> Profile:
    """Make ``name`` the ledger's profile (the setting ``rule_profile``; audited)."""
    profile = current_profile(ledger, name)  # refuses an unknown name, and a text that no longer parses
    ledger.set_setting("rule_profile", name)
    return profile


def save_thresholds(
    ledger: Ledger,
    name: str,
    threshold_wan: Decimal,
    min_month_investment_wan: Decimal,
    bands: list[tuple[Decimal, str]],
) -> Profile:
    """Store the clerk's thresholds for a profile that leaves them to the unit (audited).

    The edited profile is written out in full and kept in the ledger (never in resources/),
    no longer marked as shipped, so a newer Desk's profiles do not overwrite it.
    """
    old = current_profile(ledger, name)
    header = f"认定标准：{old.title}\n门槛和规模档次由本单位在“设置 → 认定标准”中设定（{ledger.today().isoformat()}）。"
    edited, text = with_thresholds(old, threshold_wan, min_month_investment_wan, bands, header)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    changes = {
        "threshold_wan": [format_amount(old.count_threshold_wan), format_amount(edited.count_threshold_wan)],
        "min_month_investment_wan": [format_amount(old.min_month_investment_wan),
                                     format_amount(edited.min_month_investment_wan)],
        "bands": [_bands_text(old), _bands_text(edited)],
    }
    changes = {k: v for k, v in changes.items() if v[0] != v[1]}
    if not changes:
        return old
    with ledger.transaction():
        ledger.conn.execute(
            "UPDATE rule_profiles SET source = ?, sha256 = ?, builtin = 0, imported_at = ? WHERE name = ?",
            (text, digest, ledger.now().isoformat(), name),
        )
        ledger.audit("update", ENTITY, None, f"修改认定标准“{old.title}”的门槛", changes)
    return current_profile(ledger, name)


def _bands_text(profile: Profile) -> str:
    return "、".join(f"{b.label}（{format_amount(b.min_wan)}万元）" for b in profile.bands) or "（不设）"


def _info(ledger: Ledger, name: str) -> ProfileInfo:
    for info in list_profiles(ledger):
        if info.name == name:
            return info
    raise NotFoundError(f"台账中没有认定标准“{name}”")


def profile_text(ledger: Ledger, name: str | None = None) -> str:
    """The TOML text the ledger keeps for a profile (for 导出 and ``desk standards show``)."""
    return profile_source(ledger, name)
